-- Words staff add to the SMS language (on top of the built-in vocabulary), and which plugins have added
-- their demo data.

CREATE TABLE sms_word (
    kind       text NOT NULL CHECK (kind IN ('task', 'crop', 'service', 'unit', 'keyword')),
    word       text NOT NULL CHECK (length(word) BETWEEN 1 AND 40),
    meaning    text NOT NULL CHECK (length(meaning) BETWEEN 1 AND 40),
    added_by   text NOT NULL,
    added_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, word)
);

CREATE TABLE plugin_demo (
    plugin     text PRIMARY KEY,
    summary    text NOT NULL,
    loaded_at  timestamptz NOT NULL DEFAULT now()
);
