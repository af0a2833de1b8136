-- +goose Up
-- Posting an answer writes a notification for each follower of the thread in the post's
-- transaction, so every structure a notification row enters is paid for on every post: with 200
-- followers, the foreign keys' lookups and three indexes keyed by user (each user's entries on
-- a page of their own: 600 pages written to the log) made the post take 14 ms, half of it the
-- commit. Now one index is keyed by user (a user's list, unread count and marking read, which
-- read the user's rows), and what waits for mail is found by a partial index on id, whose
-- entries for one post are neighbours. The references are dropped: the rows are written by the
-- store from rows it has just read in the same transaction, and users, boards and threads are
-- never deleted (accounts are disabled, boards archived, threads hidden).
CREATE TABLE board_notifications_new (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    board_id    BIGINT NOT NULL,
    thread_id   BIGINT NOT NULL,
    post_id     BIGINT NOT NULL DEFAULT 0,
    actor_id    BIGINT,
    delivery    TEXT NOT NULL CHECK (delivery IN ('in_app', 'now', 'digest')),
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP,
    digested_at TIMESTAMP
);
INSERT INTO board_notifications_new (id, user_id, kind, board_id, thread_id, post_id, actor_id, delivery, created_at, read_at, digested_at)
    SELECT id, user_id, kind, board_id, thread_id, post_id, actor_id, delivery, created_at, read_at, digested_at FROM board_notifications;
DROP TABLE board_notifications;
ALTER TABLE board_notifications_new RENAME TO board_notifications;
CREATE INDEX board_notifications_user ON board_notifications (user_id, id);
CREATE INDEX board_notifications_pending ON board_notifications (id)
    WHERE read_at IS NULL AND digested_at IS NULL AND delivery <> 'in_app';

-- +goose Down
CREATE TABLE board_notifications_old (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL,
    board_id    BIGINT NOT NULL REFERENCES boards (id),
    thread_id   BIGINT NOT NULL REFERENCES threads (id),
    post_id     BIGINT NOT NULL DEFAULT 0,
    actor_id    BIGINT,
    delivery    TEXT NOT NULL CHECK (delivery IN ('in_app', 'now', 'digest')),
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP,
    digested_at TIMESTAMP
);
INSERT INTO board_notifications_old SELECT * FROM board_notifications;
DROP TABLE board_notifications;
ALTER TABLE board_notifications_old RENAME TO board_notifications;
CREATE INDEX board_notifications_user ON board_notifications (user_id, id);
CREATE INDEX board_notifications_unread ON board_notifications (user_id, thread_id) WHERE read_at IS NULL;
CREATE INDEX board_notifications_due ON board_notifications (delivery, user_id, created_at)
    WHERE read_at IS NULL AND digested_at IS NULL;
