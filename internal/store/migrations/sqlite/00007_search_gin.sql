-- +goose Up
-- Nothing on SQLite: the PostgreSQL migration of the same version tunes its GIN index, and both
-- engines keep the same versions.
SELECT 1;

-- +goose Down
SELECT 1;
