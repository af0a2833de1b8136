-- +goose Up
-- Boards: discussion boards of questions, material and supply information, in three scopes
-- (public, one network, a pair of partner organisations), with their threads, posts,
-- translations, "same question" marks, subscriptions, notifications and reports.

-- scope, network_id, org_a and org_b are board.Scope, named as in the predicate documented
-- beside board.CanSeeBoard; the CHECKs repeat Scope.Valid so a bad row cannot widen access.
CREATE TABLE boards (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('questions', 'material', 'supply')),
    scope       TEXT NOT NULL CHECK (scope IN ('public', 'network', 'pair')),
    network_id  BIGINT REFERENCES organisations (id),
    org_a       BIGINT REFERENCES organisations (id),
    org_b       BIGINT REFERENCES organisations (id),
    names_json  TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    locked      BOOLEAN NOT NULL DEFAULT FALSE,
    archived    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL,
    CHECK ((scope = 'network') = (network_id IS NOT NULL)),
    CHECK ((scope = 'pair') = (org_a IS NOT NULL AND org_b IS NOT NULL AND org_a < org_b)),
    CHECK (scope = 'pair' OR (org_a IS NULL AND org_b IS NULL))
);
CREATE INDEX boards_network ON boards (network_id) WHERE network_id IS NOT NULL;
-- One channel per pair: OpenPair relies on it when two editors open it at once.
CREATE UNIQUE INDEX boards_pair ON boards (org_a, org_b) WHERE scope = 'pair';

-- Supply fields are NULL unless the board is a supply board (has_supply). unit_price is in
-- 1/PriceScale of the currency's unit.
CREATE TABLE threads (
    id              INTEGER PRIMARY KEY,
    board_id        BIGINT NOT NULL REFERENCES boards (id),
    author_id       BIGINT NOT NULL REFERENCES users (id),
    author_org_id   BIGINT REFERENCES organisations (id),
    lang            TEXT NOT NULL,
    accepted_id     BIGINT,
    same_count      INTEGER NOT NULL DEFAULT 0,
    locked          BOOLEAN NOT NULL DEFAULT FALSE,
    hidden          BOOLEAN NOT NULL DEFAULT FALSE,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    activity_at     TIMESTAMP NOT NULL,
    answered_at     TIMESTAMP,
    has_supply      BOOLEAN NOT NULL DEFAULT FALSE,
    product         TEXT,
    specification   TEXT,
    supplier        TEXT,
    unit_price      BIGINT,
    currency        TEXT,
    quantity        BIGINT,
    unit            TEXT,
    certifications  TEXT,
    valid_until     DATE,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL
);
-- Lists go by latest activity, newest first (keyset on activity_at, id).
CREATE INDEX threads_board_activity ON threads (board_id, activity_at, id);
CREATE INDEX threads_author ON threads (author_id, created_at);
CREATE INDEX threads_author_org ON threads (author_org_id, activity_at);

CREATE TABLE thread_tags (
    thread_id BIGINT NOT NULL REFERENCES threads (id),
    tag       TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (thread_id, tag)
);
CREATE INDEX thread_tags_tag ON thread_tags (tag, thread_id);

CREATE TABLE thread_to_orgs (
    thread_id BIGINT NOT NULL REFERENCES threads (id),
    org_id    BIGINT NOT NULL REFERENCES organisations (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (thread_id, org_id)
);
CREATE INDEX thread_to_orgs_org ON thread_to_orgs (org_id, thread_id);

CREATE TABLE thread_to_users (
    thread_id BIGINT NOT NULL REFERENCES threads (id),
    user_id   BIGINT NOT NULL REFERENCES users (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX thread_to_users_user ON thread_to_users (user_id, thread_id);

CREATE TABLE thread_practices (
    thread_id   BIGINT NOT NULL REFERENCES threads (id),
    practice_id BIGINT NOT NULL REFERENCES practices (id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (thread_id, practice_id)
);
CREATE INDEX thread_practices_practice ON thread_practices (practice_id, thread_id);

-- Attachments of a thread (post_id 0) or of one of its posts.
CREATE TABLE board_attachments (
    thread_id     BIGINT NOT NULL REFERENCES threads (id),
    post_id       BIGINT NOT NULL DEFAULT 0,
    attachment_id BIGINT NOT NULL REFERENCES attachments (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (thread_id, post_id, attachment_id)
);

CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    thread_id     BIGINT NOT NULL REFERENCES threads (id),
    kind          TEXT NOT NULL CHECK (kind IN ('answer', 'comment')),
    parent_id     BIGINT REFERENCES posts (id),
    author_id     BIGINT NOT NULL REFERENCES users (id),
    author_org_id BIGINT REFERENCES organisations (id),
    lang          TEXT NOT NULL,
    hidden        BOOLEAN NOT NULL DEFAULT FALSE,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    body          TEXT NOT NULL
);
CREATE INDEX posts_thread ON posts (thread_id, id);
-- The rate limit counts a user's threads and posts of the last hour from these two indexes.
CREATE INDEX posts_author ON posts (author_id, created_at);

-- Translations of a thread (post_id 0) or of a post, one per language.
CREATE TABLE board_translations (
    thread_id     BIGINT NOT NULL REFERENCES threads (id),
    post_id       BIGINT NOT NULL DEFAULT 0,
    lang          TEXT NOT NULL,
    title         TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    translator_id BIGINT NOT NULL REFERENCES users (id),
    at            TIMESTAMP NOT NULL,
    PRIMARY KEY (thread_id, post_id, lang)
);

CREATE TABLE thread_same (
    thread_id  BIGINT NOT NULL REFERENCES threads (id),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);

-- target_id is 0 for a tag, tag '' for the others, so that UNIQUE makes following idempotent.
CREATE TABLE board_subscriptions (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL CHECK (kind IN ('board', 'tag', 'thread', 'org')),
    target_id  BIGINT NOT NULL DEFAULT 0,
    tag        TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, kind, target_id, tag)
);
-- Fan-out looks subscribers up by what they follow.
CREATE INDEX board_subscriptions_target ON board_subscriptions (kind, target_id, tag);

-- A user without a row has board.DefaultFrequency.
CREATE TABLE board_frequency (
    user_id   BIGINT PRIMARY KEY REFERENCES users (id),
    frequency TEXT NOT NULL CHECK (frequency IN ('none', 'immediately', 'daily', 'weekly'))
);

CREATE TABLE board_notifications (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL,
    board_id    BIGINT NOT NULL REFERENCES boards (id),
    thread_id   BIGINT NOT NULL REFERENCES threads (id),
    post_id     BIGINT NOT NULL DEFAULT 0,
    actor_id    BIGINT,
    delivery    TEXT NOT NULL CHECK (delivery IN ('in_app', 'now', 'digest')),
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP,
    digested_at TIMESTAMP
);
-- A user's list, newest first, and their unread count.
CREATE INDEX board_notifications_user ON board_notifications (user_id, id);
CREATE INDEX board_notifications_unread ON board_notifications (user_id, thread_id) WHERE read_at IS NULL;
-- MailDue: what waits for mail, by delivery and user.
CREATE INDEX board_notifications_due ON board_notifications (delivery, user_id, created_at)
    WHERE read_at IS NULL AND digested_at IS NULL;

CREATE TABLE board_reports (
    id          INTEGER PRIMARY KEY,
    board_id    BIGINT NOT NULL REFERENCES boards (id),
    thread_id   BIGINT NOT NULL REFERENCES threads (id),
    post_id     BIGINT NOT NULL DEFAULT 0,
    reporter_id BIGINT NOT NULL REFERENCES users (id),
    reason      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolver_id BIGINT REFERENCES users (id)
);
CREATE INDEX board_reports_board ON board_reports (board_id, id);

-- +goose Down
DROP TABLE board_reports;
DROP TABLE board_notifications;
DROP TABLE board_frequency;
DROP TABLE board_subscriptions;
DROP TABLE thread_same;
DROP TABLE board_translations;
DROP TABLE posts;
DROP TABLE board_attachments;
DROP TABLE thread_practices;
DROP TABLE thread_to_users;
DROP TABLE thread_to_orgs;
DROP TABLE thread_tags;
DROP TABLE threads;
DROP TABLE boards;
