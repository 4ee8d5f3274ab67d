-- SMS: what farmers sent and what they were told, and the messages waiting for a gateway.

-- Members who registered themselves by SMS wait for staff to review them.
ALTER TABLE member ADD COLUMN needs_review boolean NOT NULL DEFAULT false;

-- Every inbound message with its parse and reply, stored before the reply is returned. A redelivered
-- message (same gateway and gateway id) is not processed again: it gets the stored reply.
CREATE TABLE sms_inbound (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    gateway      text NOT NULL DEFAULT 'console',
    gateway_id   text,
    phone        text NOT NULL,
    member_id    bigint REFERENCES member (id),
    text         text NOT NULL,
    received_at  timestamptz NOT NULL,
    intent       text NOT NULL,
    slots        jsonb NOT NULL DEFAULT '{}',
    reply        text NOT NULL,
    segments     integer NOT NULL,
    answered     boolean NOT NULL DEFAULT false,   -- the handling finished; the reply is final
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (gateway, gateway_id)
);
CREATE INDEX sms_inbound_phone_idx ON sms_inbound (phone, received_at);

-- Messages to phones. Gateways lease them (SMS PULL), confirm (SMS ACK) or report failure (SMS FAIL);
-- an unconfirmed lease is offered again after it expires; retries back off and stop after a limit.
-- status: queued → leased → sent → delivered, or failed; held = waiting for quiet hours to end;
-- suppressed = never to be sent (demo members, opted out).
CREATE TABLE sms_outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone         text NOT NULL,
    member_id     bigint REFERENCES member (id),
    text          text NOT NULL,
    segments      integer NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('reply', 'notification')),
    urgent        boolean NOT NULL DEFAULT false,
    status        text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'leased', 'sent', 'delivered', 'failed', 'suppressed')),
    attempts      integer NOT NULL DEFAULT 0,
    not_before    timestamptz NOT NULL DEFAULT now(),
    lease_until   timestamptz,
    leased_by     text,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    delivered_at  timestamptz
);
-- The queue a gateway pulls from: replies first, then the oldest.
CREATE INDEX sms_outbox_ready_idx ON sms_outbox ((kind = 'reply') DESC, id) WHERE status IN ('queued', 'leased');
CREATE INDEX sms_outbox_phone_idx ON sms_outbox (phone, created_at);
