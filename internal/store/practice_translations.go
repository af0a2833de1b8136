package store

import (
	"context"
	"database/sql"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
)

// translationAudit is what the audit log keeps of a translation: not its body.
type translationAudit struct {
	Lang       string `json:"lang"`
	Title      string `json:"title"`
	Version    int    `json:"version"`
	Translator int64  `json:"translator"`
	BodyBytes  int    `json:"body_bytes"`
}

func auditOfTranslation(t practice.Translation) translationAudit {
	return translationAudit{t.Lang, t.Title, t.Version, t.TranslatorID, len(t.Body)}
}

// storedTranslation is a translation and the slot of its search document.
type storedTranslation struct {
	practice.Translation
	slot int
}

func translationsWhere(ctx context.Context, q querier, rest string, args ...any) ([]storedTranslation, error) {
	rows, err := q.QueryContext(ctx, `SELECT practice_id, lang, title, summary, body, version, COALESCE(translator_id, 0), at, slot
		FROM practice_translations WHERE `+rest, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storedTranslation
	for rows.Next() {
		var t storedTranslation
		if err := rows.Scan(&t.PracticeID, &t.Lang, &t.Title, &t.Summary, &t.Body, &t.Version, &t.TranslatorID, &t.At, &t.slot); err != nil {
			return nil, err
		}
		t.At = t.At.UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// translationIn reads the translation of a practice in lang; the zero value when there is none.
func translationIn(ctx context.Context, q querier, practiceID int64, lang string) (storedTranslation, error) {
	ts, err := translationsWhere(ctx, q, `practice_id = $1 AND lang = $2`, practiceID, lang)
	if err != nil || len(ts) == 0 {
		return storedTranslation{}, err
	}
	return ts[0], nil
}

// SaveTranslation creates or replaces the translation of t.PracticeID in t.Lang, and its search
// document. A new translation takes the lowest free document slot; a practice has at most 255
// translations (KindConflict "practice.translations_full" beyond).
func (db *DB) SaveTranslation(ctx context.Context, t *practice.Translation) (err error) {
	defer citypact.Wrap(&err, "store.SaveTranslation(%d, %q)", t.PracticeID, t.Lang)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		p, err := db.practiceByID(ctx, tx, t.PracticeID, true)
		if err != nil {
			return err
		}
		rel, err := db.relations(ctx, tx, a, p.ID)
		if err != nil {
			return err
		}
		existing, err := translationIn(ctx, tx, p.ID, i18n.CanonicalTag(t.Lang))
		if err != nil {
			return err
		}
		if err := practice.CanTranslate(a, p, rel, existing.Translation); err != nil {
			return err
		}
		if err := t.Validate(p); err != nil {
			return err
		}
		t.TranslatorID, t.At = a.UserID, db.Now()
		slot := existing.slot
		if slot == 0 {
			used, err := queryInt64s(ctx, tx, `SELECT slot FROM practice_translations WHERE practice_id = $1 ORDER BY slot`, p.ID)
			if err != nil {
				return err
			}
			for slot = 1; slot <= len(used) && used[slot-1] == int64(slot); slot++ {
			}
			if slot > maxSlot {
				return citypact.Conflict("practice.translations_full")
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO practice_translations (practice_id, lang, title, summary, body, version, translator_id, at, slot)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (practice_id, lang) DO UPDATE SET title = excluded.title,
			summary = excluded.summary, body = excluded.body, version = excluded.version, translator_id = excluded.translator_id, at = excluded.at`,
			t.PracticeID, t.Lang, t.Title, t.Summary, t.Body, t.Version, nullID(t.TranslatorID), t.At, slot)
		if err != nil {
			return err
		}
		if err := db.writeDocument(ctx, tx, docID(p.ID, slot), p, t.Lang, documentText(t.Title, t.Summary, t.Body, nil)); err != nil {
			return err
		}
		var before any
		if existing.slot != 0 {
			before = auditOfTranslation(existing.Translation)
		}
		return db.writeAudit(ctx, tx, "translation.save", "practice", p.ID, before, auditOfTranslation(*t))
	})
}

// DeleteTranslation deletes a translation and its search document.
func (db *DB) DeleteTranslation(ctx context.Context, practiceID int64, lang string) (err error) {
	defer citypact.Wrap(&err, "store.DeleteTranslation(%d, %q)", practiceID, lang)
	a := citypact.ActorFrom(ctx)
	return db.tx(ctx, func(tx *sql.Tx) error {
		p, err := db.practiceByID(ctx, tx, practiceID, true)
		if err != nil {
			return err
		}
		rel, err := db.relations(ctx, tx, a, p.ID)
		if err != nil {
			return err
		}
		if !practice.CanSeePractice(a, p, rel) {
			return citypact.NotFound("practice")
		}
		t, err := translationIn(ctx, tx, p.ID, i18n.CanonicalTag(lang))
		if err != nil {
			return err
		}
		if t.slot == 0 {
			return citypact.NotFound("translation")
		}
		if err := practice.CanDeleteTranslation(a, p, rel, t.Translation); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM practice_translations WHERE practice_id = $1 AND lang = $2`, p.ID, t.Lang); err != nil {
			return err
		}
		if err := db.deleteDocument(ctx, tx, docID(p.ID, t.slot)); err != nil {
			return err
		}
		return db.writeAudit(ctx, tx, "translation.delete", "practice", p.ID, auditOfTranslation(t.Translation), nil)
	})
}

// Translations lists the translations of a practice the actor may see, by language.
func (db *DB) Translations(ctx context.Context, practiceID int64) (_ []practice.Translation, err error) {
	defer citypact.Wrap(&err, "store.Translations(%d)", practiceID)
	ctx = db.reading(ctx)
	if err := db.checkVisible(ctx, db.rq, citypact.ActorFrom(ctx), practiceID); err != nil {
		return nil, err
	}
	return translationsOf(ctx, db.rq, practiceID)
}

// translationsOf lists the translations of a practice, by language.
func translationsOf(ctx context.Context, q querier, practiceID int64) ([]practice.Translation, error) {
	ts, err := translationsWhere(ctx, q, `practice_id = $1 ORDER BY lang`, practiceID)
	out := make([]practice.Translation, len(ts))
	for i, t := range ts {
		out[i] = t.Translation
	}
	return out, err
}
