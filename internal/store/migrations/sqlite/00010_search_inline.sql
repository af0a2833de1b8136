-- +goose Up
-- Nothing on SQLite: the PostgreSQL migration of the same version keeps its index text in the
-- row, and both engines keep the same versions.
SELECT 1;

-- +goose Down
SELECT 1;
