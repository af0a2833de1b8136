-- +goose Up
-- Posting an answer writes a notification for each follower of the thread in the post's
-- transaction, so every structure a notification row enters is paid for on every post: with 200
-- followers, the foreign keys' triggers (three queries a row) and three indexes keyed by user
-- made the post take 15 ms. Now one index is keyed by user (a user's list, unread count and
-- marking read, which read the user's rows), and what waits for mail is found by a partial index
-- on id, whose entries for one post are neighbours. The references are dropped: the rows are
-- written by the store from rows it has just read in the same transaction, and users, boards and
-- threads are never deleted (accounts are disabled, boards archived, threads hidden).
ALTER TABLE board_notifications
    DROP CONSTRAINT board_notifications_user_id_fkey,
    DROP CONSTRAINT board_notifications_board_id_fkey,
    DROP CONSTRAINT board_notifications_thread_id_fkey;
DROP INDEX board_notifications_unread;
DROP INDEX board_notifications_due;
CREATE INDEX board_notifications_pending ON board_notifications (id)
    WHERE read_at IS NULL AND digested_at IS NULL AND delivery <> 'in_app';

-- +goose Down
DROP INDEX board_notifications_pending;
CREATE INDEX board_notifications_unread ON board_notifications (user_id, thread_id) WHERE read_at IS NULL;
CREATE INDEX board_notifications_due ON board_notifications (delivery, user_id, created_at)
    WHERE read_at IS NULL AND digested_at IS NULL;
ALTER TABLE board_notifications
    ADD CONSTRAINT board_notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    ADD CONSTRAINT board_notifications_board_id_fkey FOREIGN KEY (board_id) REFERENCES boards (id),
    ADD CONSTRAINT board_notifications_thread_id_fkey FOREIGN KEY (thread_id) REFERENCES threads (id);
