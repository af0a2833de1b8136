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
--
-- SQLite cannot drop a NOT NULL constraint, so the table is rebuilt. board_attachments, which
-- references it, is rebuilt with it: dropping a parent table that still has children fails
-- while foreign keys are on (and they cannot be turned off inside the migration's
-- transaction); renaming the new parent rewrites the new child's reference.
CREATE TABLE attachments_new (
    id          INTEGER PRIMARY KEY,
    practice_id BIGINT REFERENCES practices (id) ON DELETE CASCADE,
    owner_id    BIGINT REFERENCES organisations (id),
    uploader_id BIGINT REFERENCES users (id),
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    size        BIGINT NOT NULL CHECK (size > 0),
    sha256      TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    content     BLOB NOT NULL,
    CHECK ((practice_id IS NOT NULL AND owner_id IS NOT NULL) OR (practice_id IS NULL AND uploader_id IS NOT NULL))
);
INSERT INTO attachments_new (id, practice_id, owner_id, name, type, size, sha256, at, content)
    SELECT id, practice_id, owner_id, name, type, size, sha256, at, content FROM attachments;
CREATE TABLE board_attachments_new (
    thread_id     BIGINT NOT NULL REFERENCES threads (id),
    post_id       BIGINT NOT NULL DEFAULT 0,
    attachment_id BIGINT NOT NULL REFERENCES attachments_new (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (thread_id, post_id, attachment_id)
);
INSERT INTO board_attachments_new (thread_id, post_id, attachment_id, position)
    SELECT thread_id, post_id, attachment_id, position FROM board_attachments;
DROP TABLE board_attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
ALTER TABLE board_attachments_new RENAME TO board_attachments;
CREATE INDEX attachments_practice ON attachments (practice_id, id);
CREATE INDEX attachments_owner ON attachments (owner_id);
-- A download of a board file looks up the posts that link it; quota of an admin without an
-- organisation sums their own files.
CREATE INDEX attachments_uploader ON attachments (uploader_id) WHERE practice_id IS NULL;
CREATE INDEX board_attachments_attachment ON board_attachments (attachment_id);

-- +goose Down
-- Board files cannot live in the old table: they and their links go.
CREATE TABLE attachments_old (
    id          INTEGER PRIMARY KEY,
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    owner_id    BIGINT NOT NULL REFERENCES organisations (id),
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    size        BIGINT NOT NULL CHECK (size > 0),
    sha256      TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    content     BLOB NOT NULL
);
INSERT INTO attachments_old (id, practice_id, owner_id, name, type, size, sha256, at, content)
    SELECT id, practice_id, owner_id, name, type, size, sha256, at, content FROM attachments WHERE practice_id IS NOT NULL;
CREATE TABLE board_attachments_old (
    thread_id     BIGINT NOT NULL REFERENCES threads (id),
    post_id       BIGINT NOT NULL DEFAULT 0,
    attachment_id BIGINT NOT NULL REFERENCES attachments_old (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (thread_id, post_id, attachment_id)
);
INSERT INTO board_attachments_old (thread_id, post_id, attachment_id, position)
    SELECT thread_id, post_id, attachment_id, position FROM board_attachments
    WHERE attachment_id IN (SELECT id FROM attachments_old);
DROP TABLE board_attachments;
DROP TABLE attachments;
ALTER TABLE attachments_old RENAME TO attachments;
ALTER TABLE board_attachments_old RENAME TO board_attachments;
CREATE INDEX attachments_practice ON attachments (practice_id, id);
CREATE INDEX attachments_owner ON attachments (owner_id);
