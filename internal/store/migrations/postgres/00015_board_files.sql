-- +goose Up
-- Files uploaded to the boards ("professional material", answers with attachments) are kept as
-- practices' attachments are, in the same table rather than a table of their own: one id space
-- lets GET /attachments/{id} serve both and decide who sees which in one place, board_attachments
-- keeps its one reference (a post lists practice files and board files alike), and an
-- organisation's quota is the same sum over owner_id whichever kind a file is. A board file has
-- no practice: uploader_id says who sent it, and until a thread or post links it only the
-- uploader sees it; afterwards whoever may see a linking thread (and post) does. owner_id is the
-- uploader's organisation, whose quota it counts against; it is empty only for an admin without
-- one, whose files count against their own quota instead.
ALTER TABLE attachments
    ALTER COLUMN practice_id DROP NOT NULL,
    ALTER COLUMN owner_id DROP NOT NULL,
    ADD COLUMN uploader_id BIGINT REFERENCES users (id),
    ADD CONSTRAINT attachments_practice_or_uploader
        CHECK ((practice_id IS NOT NULL AND owner_id IS NOT NULL) OR (practice_id IS NULL AND uploader_id IS NOT NULL));
-- A download of a board file looks up the posts that link it; quota of an admin without an
-- organisation sums their own files.
CREATE INDEX attachments_uploader ON attachments (uploader_id) WHERE practice_id IS NULL;
CREATE INDEX board_attachments_attachment ON board_attachments (attachment_id);

-- +goose Down
-- Board files cannot live in the old table: they and their links go.
DROP INDEX board_attachments_attachment;
DROP INDEX attachments_uploader;
DELETE FROM board_attachments WHERE attachment_id IN (SELECT id FROM attachments WHERE practice_id IS NULL);
DELETE FROM attachments WHERE practice_id IS NULL;
ALTER TABLE attachments
    DROP CONSTRAINT attachments_practice_or_uploader,
    DROP COLUMN uploader_id,
    ALTER COLUMN owner_id SET NOT NULL,
    ALTER COLUMN practice_id SET NOT NULL;
