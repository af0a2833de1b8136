-- +goose Up
-- Phrase checks and ranking read each candidate's index text with a space before its first token
-- and after its last, so that every phrase is a substring between spaces. Written as ' ' || text
-- || ' ' in the query, that copied each candidate's whole text once more (a third of a CJK term's
-- search at 100,000 practices); the text is now stored so.
UPDATE practice_search SET index_text = ' ' || index_text || ' ';

-- +goose Down
UPDATE practice_search SET index_text = substr(index_text, 2, length(index_text) - 2);
