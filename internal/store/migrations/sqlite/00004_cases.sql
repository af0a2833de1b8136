-- +goose Up
-- Daily updates: the sources numbers come from, the areas they describe, the imports that wrote
-- them, the observations themselves (one row per area, source and day), the values corrections
-- replaced, a per-series summary, and saved column mappings.

CREATE TABLE case_sources (
    id               INTEGER PRIMARY KEY,
    key              TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    url              TEXT NOT NULL DEFAULT '',
    licence          TEXT NOT NULL DEFAULT '',
    attribution      TEXT NOT NULL DEFAULT '',
    interval_seconds BIGINT NOT NULL DEFAULT 0, -- 0: no updates expected
    latest_day       INTEGER NOT NULL DEFAULT 0, -- days since 1970-01-01; 0 before the first import
    last_import      TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX case_sources_name ON case_sources (name, id);

-- search is code and name folded for matching (NFKC, lower case, variant characters), as
-- organisation_names.search is, so a query finds the same areas on both engines.
CREATE TABLE areas (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('country', 'city', 'aggregate')),
    name              TEXT NOT NULL,
    search            TEXT NOT NULL,
    country           TEXT NOT NULL DEFAULT '',
    org_id            BIGINT REFERENCES organisations (id) ON DELETE SET NULL,
    population        BIGINT NOT NULL DEFAULT 0,
    population_year   INTEGER NOT NULL DEFAULT 0,
    population_source TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
-- Lists go by name, a page at a time, filtered by kind, country or organisation: with the filter
-- and the order in one index a page is read in order and the scan stops.
CREATE INDEX areas_name ON areas (name, id);
CREATE INDEX areas_kind_name ON areas (kind, name, id);
CREATE INDEX areas_country_name ON areas (country, name, id);
CREATE INDEX areas_org_name ON areas (org_id, name, id);

-- user_id has no foreign key, like audit_log.actor_user_id: who ran an import stays on record.
CREATE TABLE case_imports (
    id         INTEGER PRIMARY KEY,
    source_id  BIGINT NOT NULL REFERENCES case_sources (id),
    format     TEXT NOT NULL,
    file       TEXT NOT NULL DEFAULT '',
    sha256     TEXT NOT NULL DEFAULT '',
    rows_read  BIGINT NOT NULL DEFAULT 0,
    inserted   BIGINT NOT NULL DEFAULT 0,
    corrected  BIGINT NOT NULL DEFAULT 0,
    unchanged  BIGINT NOT NULL DEFAULT 0,
    skipped    BIGINT NOT NULL DEFAULT 0,
    user_id    BIGINT,
    started_at TIMESTAMP NOT NULL,
    ended_at   TIMESTAMP NOT NULL
);
CREATE INDEX case_imports_source ON case_imports (source_id, id);

-- One row per area, source and day; a NULL metric was not reported. The primary key is the
-- table (WITHOUT ROWID), so a series is one range scan, and rows of a file, which come in
-- (area, day) order, are appended to the B-tree. import_id is the last import that changed the
-- row.
--
-- No foreign keys on this table, on purpose: checking three keys per row made a first import of
-- 1,000,000 rows take 10 times as long on PostgreSQL (28-56 s instead of 3-4.5 s; its checks run
-- per row, and lock the parent rows) and a quarter more CPU on SQLite (6.2-6.7 s instead of
-- 4.7-5.3 s). Import enforces them instead: it takes area ids from the areas table and the
-- source's from its locked row, in its transaction, and writes its case_imports row before any
-- observation; nothing deletes areas, sources or imports. observation_revisions and
-- series_coverage, written a row per correction or per area, keep theirs.
CREATE TABLE observations (
    area_id           BIGINT NOT NULL,
    source_id         BIGINT NOT NULL,
    day               INTEGER NOT NULL,
    new_cases         BIGINT,
    total_cases       BIGINT,
    new_deaths        BIGINT,
    total_deaths      BIGINT,
    new_tests         BIGINT,
    total_tests       BIGINT,
    hospitalised      BIGINT,
    icu               BIGINT,
    vaccine_doses     BIGINT,
    people_vaccinated BIGINT,
    import_id         BIGINT NOT NULL,
    PRIMARY KEY (area_id, source_id, day)
) WITHOUT ROWID;

-- What an area-day held before an import replaced a stored value: all ten values and the import
-- that had written them; replaced_by is the import that changed them, replaced_at its start.
CREATE TABLE observation_revisions (
    id                INTEGER PRIMARY KEY,
    area_id           BIGINT NOT NULL REFERENCES areas (id),
    source_id         BIGINT NOT NULL REFERENCES case_sources (id),
    day               INTEGER NOT NULL,
    new_cases         BIGINT,
    total_cases       BIGINT,
    new_deaths        BIGINT,
    total_deaths      BIGINT,
    new_tests         BIGINT,
    total_tests       BIGINT,
    hospitalised      BIGINT,
    icu               BIGINT,
    vaccine_doses     BIGINT,
    people_vaccinated BIGINT,
    import_id         BIGINT NOT NULL REFERENCES case_imports (id),
    replaced_at       TIMESTAMP NOT NULL,
    replaced_by       BIGINT NOT NULL REFERENCES case_imports (id)
);
CREATE INDEX observation_revisions_key ON observation_revisions (area_id, source_id, day);

-- The database itself keeps a stored value that an update replaces (or removes), whatever runs
-- the update: corrections are history, never lost. A trigger rather than code in Import because
-- SQLite's upsert cannot return the old row, so code would have to read every row before writing
-- it; the trigger runs only for the rows that change. Filling in a metric an area-day lacked
-- (a deaths file after a cases file) replaces nothing and keeps no revision.
-- +goose StatementBegin
CREATE TRIGGER observations_keep_revision AFTER UPDATE ON observations
WHEN (OLD.new_cases IS NOT NULL AND OLD.new_cases IS NOT NEW.new_cases)
  OR (OLD.total_cases IS NOT NULL AND OLD.total_cases IS NOT NEW.total_cases)
  OR (OLD.new_deaths IS NOT NULL AND OLD.new_deaths IS NOT NEW.new_deaths)
  OR (OLD.total_deaths IS NOT NULL AND OLD.total_deaths IS NOT NEW.total_deaths)
  OR (OLD.new_tests IS NOT NULL AND OLD.new_tests IS NOT NEW.new_tests)
  OR (OLD.total_tests IS NOT NULL AND OLD.total_tests IS NOT NEW.total_tests)
  OR (OLD.hospitalised IS NOT NULL AND OLD.hospitalised IS NOT NEW.hospitalised)
  OR (OLD.icu IS NOT NULL AND OLD.icu IS NOT NEW.icu)
  OR (OLD.vaccine_doses IS NOT NULL AND OLD.vaccine_doses IS NOT NEW.vaccine_doses)
  OR (OLD.people_vaccinated IS NOT NULL AND OLD.people_vaccinated IS NOT NEW.people_vaccinated)
BEGIN
    INSERT INTO observation_revisions (area_id, source_id, day, new_cases, total_cases, new_deaths,
        total_deaths, new_tests, total_tests, hospitalised, icu, vaccine_doses, people_vaccinated,
        import_id, replaced_at, replaced_by)
    VALUES (OLD.area_id, OLD.source_id, OLD.day, OLD.new_cases, OLD.total_cases, OLD.new_deaths,
        OLD.total_deaths, OLD.new_tests, OLD.total_tests, OLD.hospitalised, OLD.icu, OLD.vaccine_doses,
        OLD.people_vaccinated, OLD.import_id,
        (SELECT started_at FROM case_imports WHERE id = NEW.import_id), NEW.import_id);
END;
-- +goose StatementEnd

-- Which metrics a source has for an area, over which days: Import maintains it for the areas it
-- writes, so listing coverage never reads observations. has is a bitmask of cases.Metric.
CREATE TABLE series_coverage (
    area_id   BIGINT NOT NULL REFERENCES areas (id),
    source_id BIGINT NOT NULL REFERENCES case_sources (id),
    has       INTEGER NOT NULL,
    first_day INTEGER NOT NULL,
    last_day  INTEGER NOT NULL,
    days      INTEGER NOT NULL,
    PRIMARY KEY (area_id, source_id)
) WITHOUT ROWID;

-- spec is a cases.MappingSpec as JSON, kept as text so it reads back byte for byte.
CREATE TABLE case_mappings (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    source_key TEXT NOT NULL DEFAULT '',
    spec       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE case_mappings;
DROP TABLE series_coverage;
DROP TRIGGER observations_keep_revision;
DROP TABLE observation_revisions;
DROP TABLE observations;
DROP TABLE case_imports;
DROP TABLE areas;
DROP TABLE case_sources;
