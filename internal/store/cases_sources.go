package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
)

const sourceColumns = `id, key, name, url, licence, attribution, interval_seconds, latest_day, last_import,
	created_at, updated_at`

func scanSource(sc interface{ Scan(...any) error }, s *cases.Source) error {
	var interval int64
	var last sql.NullTime
	if err := sc.Scan(&s.ID, &s.Key, &s.Name, &s.URL, &s.Licence, &s.Attribution, &interval, &s.LatestDay, &last,
		&s.CreatedAt, &s.UpdatedAt); err != nil {
		return err
	}
	s.Interval = time.Duration(interval) * time.Second
	s.LastImport = time.Time{}
	if last.Valid {
		s.LastImport = last.Time.UTC()
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return nil
}

func sourceByKey(ctx context.Context, q querier, key string) (s cases.Source, err error) {
	err = scanSource(q.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM case_sources WHERE key = $1`, key), &s)
	return s, notFound(err, "source "+key)
}

// SaveSource creates the source, or updates the one with its key: its description, not what
// imports maintain (LatestDay and LastImport are read back into s). A source saved unchanged is
// neither written nor audited. Interval is kept to the second.
func (db *DB) SaveSource(ctx context.Context, s *cases.Source) (err error) {
	defer citypact.Wrap(&err, "store.SaveSource(%q)", s.Key)
	if err := s.Validate(); err != nil {
		return err
	}
	s.Interval = s.Interval.Truncate(time.Second)
	return db.tx(ctx, func(tx *sql.Tx) error {
		before, err := sourceByKey(ctx, tx, s.Key)
		args := []any{s.Key, s.Name, s.URL, s.Licence, s.Attribution, int64(s.Interval / time.Second)}
		switch {
		case citypact.KindOf(err) == citypact.KindNotFound:
			now := db.Now()
			s.CreatedAt, s.UpdatedAt, s.LatestDay, s.LastImport = now, now, 0, time.Time{}
			if err := tx.QueryRowContext(ctx, `INSERT INTO case_sources (key, name, url, licence, attribution,
				interval_seconds, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
				append(args, now, now)...).Scan(&s.ID); err != nil {
				return err
			}
			return db.writeAudit(ctx, tx, "source.create", "case_source", s.ID, nil, auditOfSource(*s))
		case err != nil:
			return err
		}
		s.ID, s.CreatedAt, s.UpdatedAt, s.LatestDay, s.LastImport = before.ID, before.CreatedAt, before.UpdatedAt, before.LatestDay, before.LastImport
		if *s == before {
			return nil
		}
		s.UpdatedAt = db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE case_sources SET key = $1, name = $2, url = $3, licence = $4,
			attribution = $5, interval_seconds = $6, updated_at = $7 WHERE id = $8`, append(args, s.UpdatedAt, s.ID)...); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "source.update", "case_source", s.ID, auditOfSource(before), auditOfSource(*s))
	})
}

type sourceAudit struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	URL         string `json:"url,omitempty"`
	Licence     string `json:"licence,omitempty"`
	Attribution string `json:"attribution,omitempty"`
	Interval    int64  `json:"interval_seconds,omitempty"`
}

func auditOfSource(s cases.Source) sourceAudit {
	return sourceAudit{Key: s.Key, Name: s.Name, URL: s.URL, Licence: s.Licence, Attribution: s.Attribution,
		Interval: int64(s.Interval / time.Second)}
}

// SourceByKey returns the source with key, or a KindNotFound error.
func (db *DB) SourceByKey(ctx context.Context, key string) (_ cases.Source, err error) {
	ctx = db.reading(ctx)
	defer citypact.Wrap(&err, "store.SourceByKey(%q)", key)
	return sourceByKey(ctx, db.rq, key)
}

// Sources lists every source by name.
func (db *DB) Sources(ctx context.Context) (_ []cases.Source, err error) {
	ctx = db.reading(ctx)
	defer citypact.Wrap(&err, "store.Sources")
	rows, err := db.rq.QueryContext(ctx, `SELECT `+sourceColumns+` FROM case_sources ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.Source
	for rows.Next() {
		var s cases.Source
		if err := scanSource(rows, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// validateMapping checks a mapping (cases.Mapping.Validate) and that its source exists, and
// returns its spec as JSON.
func validateMapping(ctx context.Context, q querier, m *cases.Mapping) (spec []byte, err error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if _, err := sourceByKey(ctx, q, m.Source); citypact.KindOf(err) == citypact.KindNotFound {
		return nil, citypact.Invalid(citypact.FieldError{Field: "source", Key: "cases.source_unknown"})
	} else if err != nil {
		return nil, err
	}
	return json.Marshal(m.Spec)
}

const mappingColumns = `id, name, source_key, spec, created_at, updated_at`

func scanMapping(sc interface{ Scan(...any) error }, m *cases.Mapping) error {
	var spec string
	if err := sc.Scan(&m.ID, &m.Name, &m.Source, &spec, &m.CreatedAt, &m.UpdatedAt); err != nil {
		return err
	}
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(spec), &m.Spec); err != nil {
		return fmt.Errorf("mapping %q: stored spec: %w", m.Name, err)
	}
	return nil
}

func mappingByName(ctx context.Context, q querier, name string) (m cases.Mapping, err error) {
	err = scanMapping(q.QueryRowContext(ctx, `SELECT `+mappingColumns+` FROM case_mappings WHERE name = $1`, name), &m)
	return m, notFound(err, "mapping "+name)
}

// SaveMapping creates the mapping, or updates the one with its name. The spec is stored as JSON.
func (db *DB) SaveMapping(ctx context.Context, m *cases.Mapping) (err error) {
	defer citypact.Wrap(&err, "store.SaveMapping(%q)", m.Name)
	return db.tx(ctx, func(tx *sql.Tx) error {
		spec, err := validateMapping(ctx, tx, m)
		if err != nil {
			return err
		}
		before, err := mappingByName(ctx, tx, m.Name)
		switch {
		case citypact.KindOf(err) == citypact.KindNotFound:
			now := db.Now()
			m.CreatedAt, m.UpdatedAt = now, now
			if err := tx.QueryRowContext(ctx, `INSERT INTO case_mappings (name, source_key, spec, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5) RETURNING id`, m.Name, m.Source, string(spec), now, now).Scan(&m.ID); err != nil {
				return err
			}
			return db.writeAudit(ctx, tx, "mapping.create", "case_mapping", m.ID, nil, mappingAudit{m.Name, m.Source, spec})
		case err != nil:
			return err
		}
		m.ID, m.CreatedAt, m.UpdatedAt = before.ID, before.CreatedAt, before.UpdatedAt
		old, err := json.Marshal(before.Spec)
		if err != nil {
			return err
		}
		if before.Source == m.Source && string(old) == string(spec) {
			return nil
		}
		m.UpdatedAt = db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE case_mappings SET source_key = $1, spec = $2, updated_at = $3 WHERE id = $4`,
			m.Source, string(spec), m.UpdatedAt, m.ID); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "mapping.update", "case_mapping", m.ID,
			mappingAudit{before.Name, before.Source, old}, mappingAudit{m.Name, m.Source, spec})
	})
}

type mappingAudit struct {
	Name   string          `json:"name"`
	Source string          `json:"source,omitempty"`
	Spec   json.RawMessage `json:"spec"`
}

// MappingByName returns the mapping called name, or a KindNotFound error.
func (db *DB) MappingByName(ctx context.Context, name string) (_ cases.Mapping, err error) {
	ctx = db.reading(ctx)
	defer citypact.Wrap(&err, "store.MappingByName(%q)", name)
	return mappingByName(ctx, db.rq, name)
}

// Mappings lists every mapping by name.
func (db *DB) Mappings(ctx context.Context) (_ []cases.Mapping, err error) {
	ctx = db.reading(ctx)
	defer citypact.Wrap(&err, "store.Mappings")
	rows, err := db.rq.QueryContext(ctx, `SELECT `+mappingColumns+` FROM case_mappings ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.Mapping
	for rows.Next() {
		var m cases.Mapping
		if err := scanMapping(rows, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
