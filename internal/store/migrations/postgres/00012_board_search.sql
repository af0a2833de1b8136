-- +goose Up
-- The boards' search documents, as practice_search is the library's: one per thread's title and
-- body and per post's body, for the original and each translation. doc_id numbers them so that
-- one thread's or post's documents are a range (see board_search.go): they are rewritten in the
-- transaction that changes the text, and removed while a moderator hides it.
CREATE TABLE board_search (
    doc_id     BIGINT PRIMARY KEY,
    thread_id  BIGINT NOT NULL,
    post_id    BIGINT NOT NULL,
    lang       TEXT NOT NULL,
    index_text TEXT NOT NULL
);
CREATE INDEX board_search_text ON board_search USING gin (to_tsvector('simple', index_text)) WITH (fastupdate = off);
ALTER TABLE board_search ALTER COLUMN index_text SET STORAGE MAIN;

-- +goose Down
DROP TABLE board_search;
