-- +goose Up
-- FTS5 merges the index's segments inside the inserting transaction unless told not to; the
-- store's maintainer merges them in the background instead (see internal/store/maintain.go).
INSERT INTO practice_search (practice_search, rank) VALUES ('automerge', 0);

-- +goose Down
INSERT INTO practice_search (practice_search, rank) VALUES ('automerge', 4);
