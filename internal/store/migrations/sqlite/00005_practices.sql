-- +goose Up
-- The practice library: categories, practices with their tags, SDG targets, versions,
-- translations and lineage, attachments, handbooks, readers' follows, the outbox of new-version
-- notifications, and the full-text index.

-- The taxonomy, seeded from practice.DefaultCategories (a test checks they agree). Names are kept
-- in the four UI languages, as regions' are.
CREATE TABLE practice_categories (
    key        TEXT PRIMARY KEY,
    position   INTEGER NOT NULL,
    name_en    TEXT NOT NULL,
    name_ko    TEXT NOT NULL DEFAULT '',
    name_zh_tw TEXT NOT NULL DEFAULT '',
    name_ja    TEXT NOT NULL DEFAULT ''
);
INSERT INTO practice_categories (key, position, name_en, name_ko, name_zh_tw, name_ja) VALUES
    ('screening-testing', 10, 'Screening and testing', '선별 및 검사', '篩檢與檢驗', 'スクリーニングと検査'),
    ('medical-services', 20, 'Medical services', '의료 서비스', '醫療服務', '医療サービス'),
    ('disinfection', 30, 'Disinfection', '소독', '消毒', '消毒'),
    ('economic-support', 40, 'Economic support', '경제 지원', '經濟支援', '経済支援'),
    ('campaigns-communication', 50, 'Campaigns and communication', '캠페인 및 소통', '宣導與溝通', 'キャンペーンと広報'),
    ('border-quarantine', 60, 'Border and quarantine', '국경 및 격리', '邊境與檢疫', '水際対策と検疫'),
    ('contact-tracing', 70, 'Contact tracing', '접촉자 추적', '接觸者追蹤', '接触者追跡'),
    ('vaccination', 80, 'Vaccination', '예방접종', '疫苗接種', 'ワクチン接種'),
    ('technology', 90, 'Technology', '기술', '科技', 'テクノロジー'),
    ('education', 100, 'Education', '교육', '教育', '教育'),
    ('vulnerable-groups', 110, 'Vulnerable groups', '취약계층', '弱勢族群', '社会的弱者'),
    ('governance-coordination', 120, 'Governance and coordination', '거버넌스 및 조정', '治理與協調', 'ガバナンスと調整');

-- The row holds the current text (a draft's working copy, or the latest version's), in the last
-- columns: SQLite reads a row's columns in order, so the ones lists filter on come before a body
-- that may run to 200 KB of overflow pages. vis_kind and network_id are the Visibility, named as
-- in the predicate documented beside practice.CanSeePractice. An empty slug or category is NULL,
-- so that UNIQUE and the foreign key ignore it.
CREATE TABLE practices (
    id           INTEGER PRIMARY KEY,
    slug         TEXT UNIQUE,
    owner_id     BIGINT NOT NULL REFERENCES organisations (id),
    lang         TEXT NOT NULL,
    category     TEXT REFERENCES practice_categories (key),
    period_from  DATE,
    period_to    DATE,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
    vis_kind     TEXT NOT NULL CHECK (vis_kind IN ('public', 'network', 'partners', 'org')),
    network_id   BIGINT REFERENCES organisations (id),
    version      INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    CHECK ((vis_kind = 'network') = (network_id IS NOT NULL)),
    CHECK ((status = 'draft') = (version = 0))
);
-- Lists go newest first (id descending), filtered by owner or category.
CREATE INDEX practices_owner ON practices (owner_id, id);
CREATE INDEX practices_category ON practices (category, id);
CREATE INDEX practices_network ON practices (network_id) WHERE network_id IS NOT NULL;

-- Tags in a table of their own, so that a tag filter reads an index ((tag, practice_id)) instead
-- of scanning a text column; position keeps the author's order.
CREATE TABLE practice_tags (
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (practice_id, tag)
);
CREATE INDEX practice_tags_tag ON practice_tags (tag, practice_id);

CREATE TABLE practice_sdg (
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    target      TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (practice_id, target)
);
CREATE INDEX practice_sdg_target ON practice_sdg (target, practice_id);

-- Versions never change and are never deleted: no cascade from practices (only never-published
-- drafts, which have none, are deleted). editor_id is NULL for the system actor.
CREATE TABLE practice_versions (
    practice_id BIGINT NOT NULL REFERENCES practices (id),
    number      INTEGER NOT NULL CHECK (number >= 1),
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    editor_id   BIGINT REFERENCES users (id),
    note        TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL,
    PRIMARY KEY (practice_id, number)
);

-- slot numbers the translation's search document (see practice_search): 1–255, stable for the
-- translation's life, the lowest free one when it is created.
CREATE TABLE practice_translations (
    practice_id   BIGINT NOT NULL REFERENCES practices (id),
    lang          TEXT NOT NULL,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL CHECK (version >= 1),
    translator_id BIGINT REFERENCES users (id),
    at            TIMESTAMP NOT NULL,
    slot          INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 255),
    PRIMARY KEY (practice_id, lang),
    UNIQUE (practice_id, slot)
);

-- "practice_id was adapted from source_id"; position keeps the author's order.
CREATE TABLE practice_lineage (
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    source_id   BIGINT NOT NULL REFERENCES practices (id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (practice_id, source_id),
    CHECK (practice_id <> source_id)
);
CREATE INDEX practice_lineage_source ON practice_lineage (source_id);

-- Content is stored in the database, so that every instance serving the hub can serve every
-- file and a backup holds them all; it is the last column, so that listing attachments never
-- reads it. Keeping content in a configured directory (or an object store) instead is a later
-- option for hubs whose files outgrow the database.
CREATE TABLE attachments (
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
CREATE INDEX attachments_practice ON attachments (practice_id, id);
CREATE INDEX attachments_owner ON attachments (owner_id);

CREATE TABLE handbooks (
    id         INTEGER PRIMARY KEY,
    owner_id   BIGINT NOT NULL REFERENCES organisations (id),
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    vis_kind   TEXT NOT NULL CHECK (vis_kind IN ('public', 'network', 'partners', 'org')),
    network_id BIGINT REFERENCES organisations (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((vis_kind = 'network') = (network_id IS NOT NULL))
);
CREATE INDEX handbooks_owner ON handbooks (owner_id, id);

CREATE TABLE handbook_items (
    handbook_id BIGINT NOT NULL REFERENCES handbooks (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    PRIMARY KEY (handbook_id, position),
    UNIQUE (handbook_id, practice_id)
);
CREATE INDEX handbook_items_practice ON handbook_items (practice_id);

CREATE TABLE handbook_shares (
    handbook_id BIGINT NOT NULL REFERENCES handbooks (id) ON DELETE CASCADE,
    org_id      BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (handbook_id, org_id)
);
CREATE INDEX handbook_shares_org ON handbook_shares (org_id, handbook_id);

CREATE TABLE handbook_opens (
    handbook_id BIGINT NOT NULL REFERENCES handbooks (id) ON DELETE CASCADE,
    org_id      BIGINT NOT NULL REFERENCES organisations (id),
    first_at    TIMESTAMP NOT NULL,
    last_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (handbook_id, org_id)
);

-- A reader's state for a practice: following or not, and the version last read (0: never).
CREATE TABLE practice_follows (
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    practice_id  BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    following    BOOLEAN NOT NULL DEFAULT FALSE,
    read_version INTEGER NOT NULL DEFAULT 0,
    read_at      TIMESTAMP,
    PRIMARY KEY (user_id, practice_id)
);
CREATE INDEX practice_follows_practice ON practice_follows (practice_id) WHERE following;

-- The outbox of new versions to tell followers about: Publish adds a row in its transaction; the
-- notification job sends after commit (to those who may still see the practice) and sets sent_at.
CREATE TABLE practice_notifications (
    id          INTEGER PRIMARY KEY,
    practice_id BIGINT NOT NULL REFERENCES practices (id),
    version     INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP
);
CREATE INDEX practice_notifications_pending ON practice_notifications (id) WHERE sent_at IS NULL;

-- The full-text index: one document per published practice and language (the original, and
-- each translation), holding search.Index of its text. doc_id is practice_id × 256 + slot (0 for
-- the original, the translation's slot otherwise), so a practice's documents are found without a
-- lookup table and "newest first" is rowid order. Contentless (the text is in practices and
-- practice_translations already) with contentless_delete, so documents are replaced in place;
-- contentless_unindexed keeps doc_id, practice_id and lang readable beside each document, and
-- gives both engines the same columns. index_text comes first: FTS5 writes a column marker into
-- every position list of any other column. The tokenizer only splits on the spaces Index put
-- there, folding no more than PostgreSQL's 'simple' configuration does.
CREATE VIRTUAL TABLE practice_search USING fts5 (
    index_text,
    doc_id UNINDEXED,
    practice_id UNINDEXED,
    lang UNINDEXED,
    content = '',
    contentless_delete = 1,
    contentless_unindexed = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);

-- +goose Down
DROP TABLE practice_search;
DROP TABLE practice_notifications;
DROP TABLE practice_follows;
DROP TABLE handbook_opens;
DROP TABLE handbook_shares;
DROP TABLE handbook_items;
DROP TABLE handbooks;
DROP TABLE attachments;
DROP TABLE practice_lineage;
DROP TABLE practice_translations;
DROP TABLE practice_versions;
DROP TABLE practice_sdg;
DROP TABLE practice_tags;
DROP TABLE practices;
DROP TABLE practice_categories;
