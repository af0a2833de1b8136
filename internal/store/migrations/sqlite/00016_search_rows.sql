-- +goose Up
-- Nothing on SQLite: FTS5's bm25 reads counts from its own index, and the search joins each
-- candidate's practice at little cost; the PostgreSQL migration of the same version keeps words'
-- counts and the practice's status and visibility beside its documents, and both engines keep the
-- same versions.
SELECT 1;

-- +goose Down
SELECT 1;
