-- +goose Up
-- The mail outbox: every outgoing message is a row, written in the transaction of the change it
-- tells about, so a notification is queued exactly when its change commits. Workers claim due rows
-- (claimed_by, claimed_until: a lease, so a crashed worker's rows are taken up again), count the
-- attempt, and record sent_at, or a new due_at with last_error, or failed_at when they give up.
-- The columns that lists and claims read come first, the bodies last (SQLite reads columns in order).
-- Bodies are emptied once a message is sent or given up: they may hold single-use links.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    due_at          TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    claimed_by      TEXT,
    claimed_until   TIMESTAMP,
    sent_at         TIMESTAMP,
    failed_at       TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    to_addr         TEXT NOT NULL,
    to_name         TEXT NOT NULL DEFAULT '',
    lang            TEXT NOT NULL DEFAULT '',
    unsubscribe_url TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL DEFAULT '',
    CHECK (sent_at IS NULL OR failed_at IS NULL),
    CHECK ((claimed_by IS NULL) = (claimed_until IS NULL))
);
-- Only pending rows are indexed: the claim query reads them in due order, and sent mail, which
-- is nearly all of the table, costs the index nothing.
CREATE INDEX mail_outbox_due ON mail_outbox (due_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;

-- +goose Down
DROP TABLE mail_outbox;
