package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/mail"
)

// The outbox takes mail.Message as it is, rather than a type of its own, so that one Validate
// guards both ends: what cannot be sent is refused when queued, in the caller's transaction. The
// mail package imports no store, so there is no cycle.
var _ mail.Outbox = (*DB)(nil)

// EnqueueMail queues messages for the mail worker, all or none: one invalid message (an address
// that does not parse, a line break in a subject) stores nothing and is a citypact.Invalid error.
// Queuing is not a change of anybody's data, so it writes no audit row (nor moves the data
// version that page caches follow); the change that causes mail writes its own.
func (db *DB) EnqueueMail(ctx context.Context, msgs ...mail.Message) (err error) {
	defer citypact.Wrap(&err, "store.EnqueueMail")
	if err := validateMail(msgs); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error { return db.enqueueMail(ctx, tx, msgs...) })
}

// enqueueMail queues messages in tx, for store methods that send mail about their own change
// (a reply, a new version): the mail is queued if and only if the change commits. The worker only
// sees it after commit; callers should Kick it then.
func (db *DB) enqueueMail(ctx context.Context, tx *sql.Tx, msgs ...mail.Message) error {
	if err := validateMail(msgs); err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO mail_outbox (due_at, created_at, to_addr, to_name, lang,
		unsubscribe_url, subject, text_body, html_body) VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	now := db.Now()
	for _, m := range msgs {
		if _, err := stmt.ExecContext(ctx, now, m.To, m.ToName, m.Lang, m.Unsubscribe, m.Subject, m.Text, m.HTML); err != nil {
			return err
		}
	}
	return nil
}

func validateMail(msgs []mail.Message) error {
	for i, m := range msgs {
		if err := m.Validate(); err != nil {
			return fmt.Errorf("message %d of %d: %w", i+1, len(msgs), err)
		}
	}
	return nil
}

// ClaimMail implements mail.Outbox. One statement picks and claims the rows, so nothing runs
// between choosing and claiming. On PostgreSQL, FOR UPDATE SKIP LOCKED makes concurrent workers
// pass over the rows another is claiming (rather than wait, then claim them again); when such a
// row was claimed and committed meanwhile, PostgreSQL checks the WHERE clause again on the new
// row and drops it. On SQLite the writer connection and its immediate transactions serialise
// claims.
func (db *DB) ClaimMail(ctx context.Context, worker string, n int, lease time.Duration) (_ []mail.Outgoing, err error) {
	defer citypact.Wrap(&err, "store.ClaimMail(%q, %d)", worker, n)
	if worker == "" || n <= 0 || lease <= 0 {
		return nil, errors.New("a claim needs a worker, a positive batch size and a positive lease")
	}
	lock := ""
	if db.Engine == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	now := db.Now()
	rows, err := db.w.QueryContext(ctx, `UPDATE mail_outbox SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1
		WHERE id IN (SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND due_at <= $3
			AND (claimed_until IS NULL OR claimed_until <= $3) ORDER BY due_at, id`+sqlLimit(n)+lock+`)
		RETURNING id, to_addr, to_name, lang, unsubscribe_url, subject, text_body, html_body, attempts, claimed_until, due_at`,
		worker, now.Add(lease), now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type claimed struct {
		mail.Outgoing
		due time.Time
	}
	var out []claimed
	for rows.Next() {
		var c claimed
		m := &c.Message
		if err := rows.Scan(&m.ID, &m.To, &m.ToName, &m.Lang, &m.Unsubscribe, &m.Subject, &m.Text, &m.HTML,
			&c.Attempts, &c.ClaimedUntil, &c.due); err != nil {
			return nil, err
		}
		c.ClaimedUntil = c.ClaimedUntil.UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// RETURNING keeps no order: send the longest-waiting first.
	slices.SortFunc(out, func(a, b claimed) int {
		if c := a.due.Compare(b.due); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	batch := make([]mail.Outgoing, len(out))
	for i, c := range out {
		batch[i] = c.Outgoing
	}
	return batch, nil
}

// pendingClaimedBy matches a message still claimed by the worker $3 and still pending: an
// outcome is recorded only by the claim's holder, so a worker whose lease ran out, and whose
// message another took over, cannot overwrite what the other records.
const pendingClaimedBy = `id = $2 AND claimed_by = $3 AND sent_at IS NULL AND failed_at IS NULL`

// MarkMailSent implements mail.Outbox. The bodies are emptied: the outbox is a queue, not an
// archive of single-use links. The attempts and last error stay, for the admin page.
func (db *DB) MarkMailSent(ctx context.Context, id int64, worker string) (err error) {
	defer citypact.Wrap(&err, "store.MarkMailSent(%d)", id)
	res, err := db.w.ExecContext(ctx, `UPDATE mail_outbox SET sent_at = $1, claimed_by = NULL, claimed_until = NULL,
		text_body = '', html_body = '' WHERE `+pendingClaimedBy, db.Now(), id, worker)
	return db.claimHeld(ctx, res, err, id)
}

// MarkMailFailed implements mail.Outbox: the message is due again at retryAt, or given up
// (failed_at, bodies emptied) when retryAt is zero. errText is kept, cut to 1,000 bytes.
func (db *DB) MarkMailFailed(ctx context.Context, id int64, worker string, errText string, retryAt time.Time) (err error) {
	defer citypact.Wrap(&err, "store.MarkMailFailed(%d)", id)
	errText = cutText(errText, 1000)
	var res sql.Result
	if retryAt.IsZero() {
		res, err = db.w.ExecContext(ctx, `UPDATE mail_outbox SET failed_at = $1, claimed_by = NULL, claimed_until = NULL,
			last_error = $4, text_body = '', html_body = '' WHERE `+pendingClaimedBy, db.Now(), id, worker, errText)
	} else {
		// UTC to the microsecond: SQLite compares times as text, which sorts right only in one zone.
		res, err = db.w.ExecContext(ctx, `UPDATE mail_outbox SET due_at = $1, claimed_by = NULL, claimed_until = NULL,
			last_error = $4 WHERE `+pendingClaimedBy, retryAt.UTC().Truncate(time.Microsecond), id, worker, errText)
	}
	return db.claimHeld(ctx, res, err, id)
}

// claimHeld turns an update that matched no row into NotFound (no such message) or Conflict
// (the message is no longer this worker's: sent, given up, or claimed by another).
func (db *DB) claimHeld(ctx context.Context, res sql.Result, err error, id int64) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	if _, err := db.MailStatus(ctx, id); err != nil {
		return err
	}
	return citypact.Conflict("mail.claim_lost")
}

func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

const mailStatusColumns = `id, to_addr, subject, created_at, due_at, attempts, COALESCE(claimed_by, ''), sent_at, failed_at, last_error`

func scanMailStatus(s scanner) (mail.Status, error) {
	var st mail.Status
	var sent, failed sql.NullTime
	err := s.Scan(&st.ID, &st.To, &st.Subject, &st.CreatedAt, &st.DueAt, &st.Attempts, &st.ClaimedBy, &sent, &failed, &st.LastError)
	st.CreatedAt, st.DueAt = st.CreatedAt.UTC(), st.DueAt.UTC()
	st.SentAt, st.FailedAt = timeOf(sent), timeOf(failed)
	return st, err
}

// MailStatus reports what the outbox knows of one message.
func (db *DB) MailStatus(ctx context.Context, id int64) (_ mail.Status, err error) {
	defer citypact.Wrap(&err, "store.MailStatus(%d)", id)
	st, err := scanMailStatus(db.r.QueryRowContext(db.reading(ctx), `SELECT `+mailStatusColumns+` FROM mail_outbox WHERE id = $1`, id))
	return st, notFound(err, "mail")
}

// ListMail lists the outbox newest first; Page.After is the last id seen.
func (db *DB) ListMail(ctx context.Context, pg citypact.Page) (_ []mail.Status, err error) {
	defer citypact.Wrap(&err, "store.ListMail")
	ctx = db.reading(ctx)
	pg = pg.Normalize()
	after := pg.After
	if after == 0 {
		after = 1<<63 - 1
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+mailStatusColumns+` FROM mail_outbox WHERE id < $1 ORDER BY id DESC`+sqlLimit(pg.Limit),
		after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mail.Status
	for rows.Next() {
		st, err := scanMailStatus(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// MailCounts counts the outbox's messages by state.
func (db *DB) MailCounts(ctx context.Context) (_ mail.Counts, err error) {
	defer citypact.Wrap(&err, "store.MailCounts")
	var c mail.Counts
	err = db.r.QueryRowContext(db.reading(ctx), `SELECT
		COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM mail_outbox`).Scan(&c.Queued, &c.Sent, &c.Failed)
	return c, err
}
