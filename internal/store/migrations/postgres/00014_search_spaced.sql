-- +goose Up
-- Phrase checks and ranking read each candidate's index text with a space before its first token
-- and after its last, so that every phrase is a substring between spaces. Written as ' ' || text
-- || ' ' in the query, that copied each candidate's whole text once more (a third of a CJK term's
-- search at 100,000 practices); the text is now stored so. Rewriting every row would update the
-- GIN index a row at a time (it has no pending list): building it again afterwards is faster.
DROP INDEX practice_search_text;
UPDATE practice_search SET index_text = ' ' || index_text || ' ';
CREATE INDEX practice_search_text ON practice_search USING gin (to_tsvector('simple', index_text)) WITH (fastupdate = off);

-- +goose Down
DROP INDEX practice_search_text;
UPDATE practice_search SET index_text = substr(index_text, 2, length(index_text) - 2);
CREATE INDEX practice_search_text ON practice_search USING gin (to_tsvector('simple', index_text)) WITH (fastupdate = off);
