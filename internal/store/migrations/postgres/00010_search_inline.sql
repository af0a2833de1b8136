-- +goose Up
-- Ranking reads the index text of up to 500 candidates. Stored EXTENDED, a text over 2 KB (most
-- CJK documents, whose bigram form is twice their size) goes to the TOAST table, a lookup in its
-- index and two or three chunks per candidate; MAIN keeps it compressed in the row unless the row
-- would still not fit in a page. Rows take the new storage as they are written.
ALTER TABLE practice_search ALTER COLUMN index_text SET STORAGE MAIN;

-- +goose Down
ALTER TABLE practice_search ALTER COLUMN index_text SET STORAGE EXTENDED;
