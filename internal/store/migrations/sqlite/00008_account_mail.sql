-- +goose Up
-- Account mail: invitations to join an organisation and password-reset links. Only the SHA-256 of
-- each link's token is kept; a link works once (accepted_at, used_at) and until expires_at. Rows
-- stay after use, as the record of who invited whom and when a reset happened.
CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    email       TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    lang        TEXT NOT NULL DEFAULT 'en',
    role        TEXT NOT NULL CHECK (role IN ('member', 'editor', 'admin')),
    org_id      BIGINT REFERENCES organisations (id) ON DELETE CASCADE,
    invited_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    revoked_at  TIMESTAMP,
    user_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    CHECK (role = 'admin' OR org_id IS NOT NULL),
    CHECK (accepted_at IS NULL OR revoked_at IS NULL)
);
CREATE INDEX invitations_email ON invitations (email);
CREATE INDEX invitations_org ON invitations (org_id);

CREATE TABLE password_resets (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- +goose Down
DROP TABLE password_resets;
DROP TABLE invitations;
