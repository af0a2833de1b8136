-- +goose Up
-- The GIN index's pending list (fastupdate) queues new entries for a later bulk merge: each
-- search then scans the whole list, and the publish that fills it (4 MB) pays for the merge,
-- 20–25 ms where a publish otherwise takes 5. Without it each publish updates the index itself.
ALTER INDEX practice_search_text SET (fastupdate = off);

-- +goose Down
ALTER INDEX practice_search_text SET (fastupdate = on);
