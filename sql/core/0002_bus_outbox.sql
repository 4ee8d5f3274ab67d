-- Durable bus events: written in the same transaction as the change they announce, published after the
-- commit, marked dispatched once every subscriber has handled them. Rows still undispatched at start
-- (the process died in between) are published again: delivery is at least once, deduped by id.
CREATE TABLE bus_outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic         text NOT NULL CHECK (topic ~ '^[a-z0-9_]+(\.[a-z0-9_]+)*$'),
    payload       jsonb NOT NULL,
    publisher     text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    dispatched_at timestamptz
);
CREATE INDEX bus_outbox_pending_idx ON bus_outbox (id) WHERE dispatched_at IS NULL;

-- Console and HTTP tokens for machines (gateways): only a SHA-256 of the token is kept.
CREATE TABLE api_token (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  integer NOT NULL REFERENCES staff_account (id) ON DELETE CASCADE,
    token_hash  text NOT NULL UNIQUE,
    label       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
