-- +goose Up
-- What a search reads of each of its up to 500 candidates, kept in the candidate's own row.
--
-- index_tf: BM25 needs a query word's count in each candidate. Counted in index_text, that reads
-- each candidate's whole text (5 KB for a Korean document, about 10 µs: half of a CJK term's
-- search at 100,000 practices). index_tf keeps each token that occurs more than once with its
-- count, "\ttoken n\t…", about a fifth of the text; a word not in it occurs once (pgTermCounts
-- writes it). STORAGE MAIN keeps it in the row, as index_text is, rather than in the TOAST table.
--
-- status and vis_kind (the library's only): copies of the practice's, so that whether a candidate
-- is published and public is read in its row instead of by a probe of practices for each one
-- (syncDocuments keeps them). No defaults once filled: a write that forgot them fails.
--
-- The rows are filled here, from index_text and practices, with the GIN indexes built again
-- afterwards, since rewriting every row would update them a row at a time.
DROP INDEX practice_search_text;
ALTER TABLE practice_search ADD COLUMN index_tf TEXT NOT NULL DEFAULT E'\t',
    ADD COLUMN status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'retired')),
    ADD COLUMN vis_kind TEXT NOT NULL DEFAULT 'org' CHECK (vis_kind IN ('public', 'network', 'partners', 'org'));
ALTER TABLE practice_search ALTER COLUMN index_tf SET STORAGE MAIN;
-- +goose StatementBegin
DO $$
BEGIN
    ALTER TABLE practice_search ALTER COLUMN index_tf SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
    NULL;
END
$$;
-- +goose StatementEnd
UPDATE practice_search s SET status = p.status, vis_kind = p.vis_kind, index_tf = E'\t' || COALESCE((SELECT string_agg(c.tok || ' ' || c.n || E'\t', '' ORDER BY c.tok COLLATE "C")
        FROM (SELECT tok, count(*) AS n FROM regexp_split_to_table(btrim(s.index_text), ' ') AS tok GROUP BY tok HAVING count(*) > 1) c), '')
    FROM practices p WHERE p.id = s.practice_id;
ALTER TABLE practice_search ALTER COLUMN index_tf DROP DEFAULT, ALTER COLUMN status DROP DEFAULT, ALTER COLUMN vis_kind DROP DEFAULT;
CREATE INDEX practice_search_text ON practice_search USING gin (to_tsvector('simple', index_text)) WITH (fastupdate = off);

DROP INDEX board_search_text;
ALTER TABLE board_search ADD COLUMN index_tf TEXT NOT NULL DEFAULT E'\t';
ALTER TABLE board_search ALTER COLUMN index_tf SET STORAGE MAIN;
-- +goose StatementBegin
DO $$
BEGIN
    ALTER TABLE board_search ALTER COLUMN index_tf SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
    NULL;
END
$$;
-- +goose StatementEnd
UPDATE board_search s SET index_tf = E'\t' || COALESCE((SELECT string_agg(c.tok || ' ' || c.n || E'\t', '' ORDER BY c.tok COLLATE "C")
        FROM (SELECT tok, count(*) AS n FROM regexp_split_to_table(btrim(s.index_text), ' ') AS tok GROUP BY tok HAVING count(*) > 1) c), '');
ALTER TABLE board_search ALTER COLUMN index_tf DROP DEFAULT;
CREATE INDEX board_search_text ON board_search USING gin (to_tsvector('simple', index_text)) WITH (fastupdate = off);

-- +goose Down
ALTER TABLE practice_search DROP COLUMN index_tf, DROP COLUMN status, DROP COLUMN vis_kind;
ALTER TABLE board_search DROP COLUMN index_tf;
