-- +goose Up
-- The boards' search documents, as practice_search is the library's: one per thread's title and
-- body and per post's body, for the original and each translation. doc_id numbers them so that
-- one thread's or post's documents are a range (see board_search.go): they are rewritten in the
-- transaction that changes the text, and removed while a moderator hides it.
CREATE VIRTUAL TABLE board_search USING fts5 (
    index_text,
    doc_id UNINDEXED,
    thread_id UNINDEXED,
    post_id UNINDEXED,
    lang UNINDEXED,
    content = '',
    contentless_delete = 1,
    contentless_unindexed = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);

-- +goose Down
DROP TABLE board_search;
