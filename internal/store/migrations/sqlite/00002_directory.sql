-- +goose Up
-- The directory: organisations filled out, names in several languages, regions, networks and
-- memberships, bilateral ties, contacts, and the partnership timeline.
ALTER TABLE organisations ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN population BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN population_year INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN population_source TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN has_location BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organisations ADD COLUMN lat REAL NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN lon REAL NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE INDEX organisations_kind ON organisations (kind);
CREATE INDEX organisations_country ON organisations (country);
CREATE INDEX organisations_region ON organisations (region);
CREATE INDEX organisations_name ON organisations (name);

-- search holds the name folded for matching (NFKC, lower case), so a query in any script finds it.
CREATE TABLE organisation_names (
    org_id   BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    lang     TEXT NOT NULL,
    name     TEXT NOT NULL,
    original BOOLEAN NOT NULL DEFAULT FALSE,
    search   TEXT NOT NULL,
    PRIMARY KEY (org_id, lang)
);
-- An organisation has one original name.
CREATE UNIQUE INDEX organisation_names_original ON organisation_names (org_id) WHERE original;

CREATE TABLE regions (
    key        TEXT PRIMARY KEY,
    position   INTEGER NOT NULL,
    name_en    TEXT NOT NULL,
    name_ko    TEXT NOT NULL,
    name_zh_tw TEXT NOT NULL,
    name_ja    TEXT NOT NULL
);
INSERT INTO regions (key, position, name_en, name_ko, name_zh_tw, name_ja) VALUES
    ('north-america', 1, 'North America', '북미', '北美洲', '北米'),
    ('europe', 2, 'Europe', '유럽', '歐洲', 'ヨーロッパ'),
    ('asia-pacific', 3, 'Asia-Pacific', '아시아·태평양', '亞太地區', 'アジア太平洋'),
    ('west-asia-africa', 4, 'West Asia & Africa', '서아시아·아프리카', '西亞及非洲', '西アジア・アフリカ'),
    ('latin-america-caribbean', 5, 'Latin America & the Caribbean', '중남미·카리브', '拉丁美洲及加勒比海', '中南米・カリブ'),
    ('international', 6, 'International organisations', '국제기구', '國際組織', '国際機関');

CREATE TABLE memberships (
    id         INTEGER PRIMARY KEY,
    network_id BIGINT NOT NULL REFERENCES organisations (id),
    member_id  BIGINT NOT NULL REFERENCES organisations (id),
    role       TEXT NOT NULL CHECK (role IN ('founding', 'member', 'observer')),
    since      DATE,
    until      DATE,
    source     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    CHECK (network_id <> member_id),
    UNIQUE (network_id, member_id)
);
CREATE INDEX memberships_member ON memberships (member_id);

-- One row per tie, seen from both sides: a_id is the lower id.
CREATE TABLE ties (
    id         INTEGER PRIMARY KEY,
    a_id       BIGINT NOT NULL REFERENCES organisations (id),
    b_id       BIGINT NOT NULL REFERENCES organisations (id),
    kind       TEXT NOT NULL CHECK (kind IN ('sister', 'friendship', 'other')),
    since      DATE,
    reference  TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    CHECK (a_id < b_id),
    UNIQUE (a_id, b_id, kind)
);
CREATE INDEX ties_b ON ties (b_id);

CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    title      TEXT NOT NULL,
    role       TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX contacts_org ON contacts (org_id);

CREATE TABLE timeline_entries (
    id          INTEGER PRIMARY KEY,
    date        DATE NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('visit', 'gift', 'agreement', 'statement', 'other')),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    links       TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE timeline_parties (
    entry_id BIGINT NOT NULL REFERENCES timeline_entries (id) ON DELETE CASCADE,
    org_id   BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (entry_id, org_id)
);
CREATE INDEX timeline_parties_org ON timeline_parties (org_id);

-- +goose Down
DROP TABLE timeline_parties;
DROP TABLE timeline_entries;
DROP TABLE contacts;
DROP TABLE ties;
DROP TABLE memberships;
DROP TABLE regions;
DROP TABLE organisation_names;
DROP INDEX organisations_name;
DROP INDEX organisations_region;
DROP INDEX organisations_country;
DROP INDEX organisations_kind;
ALTER TABLE organisations DROP COLUMN source;
ALTER TABLE organisations DROP COLUMN description;
ALTER TABLE organisations DROP COLUMN website;
ALTER TABLE organisations DROP COLUMN lon;
ALTER TABLE organisations DROP COLUMN lat;
ALTER TABLE organisations DROP COLUMN has_location;
ALTER TABLE organisations DROP COLUMN population_source;
ALTER TABLE organisations DROP COLUMN population_year;
ALTER TABLE organisations DROP COLUMN population;
ALTER TABLE organisations DROP COLUMN region;
ALTER TABLE organisations DROP COLUMN country;
