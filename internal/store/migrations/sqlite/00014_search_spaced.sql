-- +goose Up
-- Nothing on SQLite: the PostgreSQL migration of the same version rewrites its index text, and
-- both engines keep the same versions.
SELECT 1;

-- +goose Down
SELECT 1;
