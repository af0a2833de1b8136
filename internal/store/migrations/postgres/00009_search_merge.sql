-- +goose Up
-- Nothing on PostgreSQL: the SQLite migration of the same version hands the full-text index's
-- merges to the background, and both engines keep the same versions.
SELECT 1;

-- +goose Down
SELECT 1;
