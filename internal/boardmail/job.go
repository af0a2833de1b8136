// Package boardmail turns the boards' notifications into mail: a Job that, on every poll, puts
// one message per new notification in the outbox for users who want mail immediately, and once
// a day or a week a digest for those who want one (board.BuildDigest decides what it holds);
// the messages, in each recipient's language; and the signed one-click unsubscribe links every
// message carries (RFC 8058), with the Unsubscriber that honours them without a sign-in.
//
// It must never import net/http, database/sql or the store: it talks to a Store, which the
// store implements, and queues mail through it (board.Store.QueueDigest), so that marking the
// notifications and queuing their mail commit together.
package boardmail

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/mail"
)

// Recipient is a user as their mail needs them.
type Recipient struct {
	ID    int64
	Email string
	Name  string
	Lang  i18n.Lang
}

// Store is what the job needs: the mail job's methods of board.Store, and the addresses.
type Store interface {
	MailDue(ctx context.Context, f board.Frequency, end time.Time, after int64, limit int) ([]int64, error)
	DigestItems(ctx context.Context, user int64, f board.Frequency, end time.Time) ([]board.DigestItem, error)
	QueueDigest(ctx context.Context, d board.Digest, msgs []mail.Message) error
	// QueueDigests is QueueDigest for several digests in one transaction, all or none:
	// KindConflict when any is stale.
	QueueDigests(ctx context.Context, ds []board.Digest, msgs [][]mail.Message) error
	// MailRecipients returns the users of ids who can get mail (not disabled), by id.
	MailRecipients(ctx context.Context, ids []int64) (map[int64]Recipient, error)
	// PurgeNotifications deletes the notifications created before a time, returning how many.
	PurgeNotifications(ctx context.Context, before time.Time) (int64, error)
}

// Retention is how long notifications are kept: the in-app list and its unread count, marking a
// thread read and building a digest all read a user's notifications, which would otherwise only
// grow. Long past every digest's period (a week), and longer than a question stays current.
const Retention = 180 * 24 * time.Hour

// Kicker is the mail worker, told that the job queued mail.
type Kicker interface{ Kick() }

// Digests go out at DigestHour UTC: 08:00 in Seoul and Tokyo, 07:00 in Taipei, before the working
// day of the East Asian cities the hub was built for, and overnight for Europe, whose readers
// find it in the morning too. Weekly digests go out on DigestWeekday at the same hour: Monday
// morning in East Asia.
const (
	DigestHour    = 23
	DigestWeekday = time.Sunday
)

// DigestEnd returns the end of the latest daily or weekly digest period at or before now.
func DigestEnd(f board.Frequency, now time.Time) time.Time {
	now = now.UTC()
	end := time.Date(now.Year(), now.Month(), now.Day(), DigestHour, 0, 0, 0, time.UTC)
	if end.After(now) {
		end = end.AddDate(0, 0, -1)
	}
	if f == board.FreqWeekly {
		end = end.AddDate(0, 0, -((int(end.Weekday()) - int(DigestWeekday) + 7) % 7))
	}
	return end
}

// Options tune a Job; the zero value is production's.
type Options struct {
	Poll    time.Duration // how often immediate mail is looked for (30 s)
	Batch   int           // users per MailDue page (200): bounds the memory of one step
	Workers int           // users built and queued at once (4)
	Now     func() time.Time
	Logger  *slog.Logger
	Kick    Kicker // may be nil
}

// Job is the board mail job. Run it beside the mail worker on every instance: the notification
// rows are the queue, and QueueDigest refuses a digest whose notifications another instance
// marked first, so two instances never mail one item twice.
type Job struct {
	store Store
	links *Links
	opt   Options

	mu   sync.Mutex
	done map[board.Frequency]time.Time // the digest period ends this instance has finished
}

// NewJob returns a job that mails through st with links.
func NewJob(st Store, links *Links, opt Options) *Job {
	if opt.Poll <= 0 {
		opt.Poll = 30 * time.Second
	}
	if opt.Batch <= 0 {
		opt.Batch = 200
	}
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Job{store: st, links: links, opt: opt, done: map[board.Frequency]time.Time{}}
}

// Run polls until ctx ends.
func (j *Job) Run(ctx context.Context) error {
	t := time.NewTicker(j.opt.Poll)
	defer t.Stop()
	for {
		j.Tick(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Tick does one poll's work: immediate mail, then any digest whose time has come. A digest
// period this instance finished is not looked at again until the next one: the query would find
// nothing new, but would cost every poll.
func (j *Job) Tick(ctx context.Context) {
	now := j.opt.Now().UTC()
	if _, err := j.Mail(ctx, board.FreqImmediately, now); err != nil && ctx.Err() == nil {
		j.opt.Logger.Warn("board mail", "frequency", board.FreqImmediately, "err", err)
	}
	for _, f := range []board.Frequency{board.FreqDaily, board.FreqWeekly} {
		end := DigestEnd(f, now)
		j.mu.Lock()
		finished := j.done[f].Equal(end)
		j.mu.Unlock()
		if finished {
			continue
		}
		n, err := j.Mail(ctx, f, end)
		if err != nil {
			if ctx.Err() == nil {
				j.opt.Logger.Warn("board digests", "frequency", f, "end", end, "err", err)
			}
			continue
		}
		j.mu.Lock()
		j.done[f] = end
		j.mu.Unlock()
		if n > 0 {
			j.opt.Logger.Info("board digests queued", "frequency", f, "end", end, "messages", n)
		}
		if f == board.FreqDaily {
			j.purge(ctx, end)
		}
	}
}

// purge deletes the notifications older than Retention, once a day after the daily digests
// (which need the day's notifications). Several instances may purge at once: each deletes what
// is left.
func (j *Job) purge(ctx context.Context, end time.Time) {
	n, err := j.store.PurgeNotifications(ctx, end.Add(-Retention))
	switch {
	case err != nil && ctx.Err() == nil:
		j.opt.Logger.Warn("board notifications purge", "err", err)
	case n > 0:
		j.opt.Logger.Info("board notifications purged", "before", end.Add(-Retention), "deleted", n)
	}
}

// Mail queues the mail of frequency f for notifications created before end: for FreqImmediately
// one message per item, for FreqDaily and FreqWeekly one digest per user of the period ending at
// end. It works through the users in batches of Options.Batch: Options.Workers read and build
// their digests at once, then the batch is queued in a few transactions (QueueDigests), so that
// a run costs a commit per queueChunk users rather than one per user. It returns how many
// messages it queued. A user whose digest another instance queued first is skipped; one user's
// failure does not stop the others, and is returned at the end.
func (j *Job) Mail(ctx context.Context, f board.Frequency, end time.Time) (queued int, err error) {
	defer citypact.Wrap(&err, "boardmail.Mail(%s)", f)
	var after int64
	var firstErr error
	for ctx.Err() == nil {
		users, err := j.store.MailDue(ctx, f, end, after, j.opt.Batch)
		if err != nil {
			return queued, err
		}
		if len(users) == 0 {
			break
		}
		after = users[len(users)-1]
		rcpts, err := j.store.MailRecipients(ctx, users)
		if err != nil {
			return queued, err
		}
		built := j.build(ctx, f, end, users, rcpts)
		for len(built) > 0 {
			chunk := built[:min(len(built), queueChunk)]
			built = built[len(chunk):]
			n, err := j.queue(ctx, chunk)
			queued += n
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}
		if queued > 0 && j.opt.Kick != nil {
			j.opt.Kick.Kick()
		}
		if len(users) < j.opt.Batch {
			break
		}
	}
	return queued, firstErr
}

// queueChunk is how many users' mail one transaction queues: enough that commits stop
// dominating, few enough that a conflict with another instance costs little to redo.
const queueChunk = 50

// built is one user's digest and its messages, not yet queued, or what kept it from being built.
type built struct {
	d    board.Digest
	msgs []mail.Message
	err  error
}

// build reads and builds the digests of users, Options.Workers at a time; users with nothing to
// mark are left out.
func (j *Job) build(ctx context.Context, f board.Frequency, end time.Time, users []int64, rcpts map[int64]Recipient) []built {
	out := make([]built, len(users))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(j.opt.Workers, len(users)) {
		wg.Go(func() {
			for i := range next {
				out[i] = j.buildUser(ctx, f, end, users[i], rcpts[users[i]])
			}
		})
	}
	for i := range users {
		next <- i
	}
	close(next)
	wg.Wait()
	keep := out[:0]
	for _, b := range out {
		if b.err != nil || len(b.d.Marked) > 0 {
			keep = append(keep, b)
		}
	}
	return keep
}

// buildUser builds one user's mail.
func (j *Job) buildUser(ctx context.Context, f board.Frequency, end time.Time, user int64, r Recipient) built {
	items, err := j.store.DigestItems(ctx, user, f, end)
	if err != nil {
		return built{err: err}
	}
	p, ok := board.DigestPeriod(f, end)
	if !ok {
		p = board.Period{From: end, To: end}
	}
	d := board.BuildDigest(user, f, p, items)
	var msgs []mail.Message
	if !d.Empty() && r.Email != "" {
		if f == board.FreqImmediately {
			msgs = j.itemMails(r, d)
		} else {
			msgs = []mail.Message{j.digestMail(r, d)}
		}
		msgs = valid(msgs)
	}
	return built{d: d, msgs: msgs}
}

// queue queues built mail in one transaction, or one user at a time when another instance
// queued some of it first (the batch is then refused whole), skipping those.
func (j *Job) queue(ctx context.Context, bs []built) (int, error) {
	var firstErr error
	ds := make([]board.Digest, 0, len(bs))
	msgs := make([][]mail.Message, 0, len(bs))
	n := 0
	for _, b := range bs {
		if b.err != nil {
			firstErr = cmp.Or(firstErr, b.err)
			continue
		}
		ds, msgs = append(ds, b.d), append(msgs, b.msgs)
		n += len(b.msgs)
	}
	if len(ds) == 0 {
		return 0, firstErr
	}
	err := j.store.QueueDigests(ctx, ds, msgs)
	if err == nil {
		return n, firstErr
	}
	if citypact.KindOf(err) != citypact.KindConflict {
		return 0, cmp.Or(firstErr, err)
	}
	n = 0
	for i, d := range ds {
		err := j.store.QueueDigest(ctx, d, msgs[i])
		switch {
		case err == nil:
			n += len(msgs[i])
		case citypact.KindOf(err) == citypact.KindConflict: // another instance queued it
		default:
			firstErr = cmp.Or(firstErr, err)
		}
	}
	return n, firstErr
}

// valid keeps the messages that can be sent: an address stored before addresses were checked
// for mail must not hold back everyone else's mail, nor keep its notifications pending forever.
func valid(msgs []mail.Message) []mail.Message {
	out := msgs[:0]
	for _, m := range msgs {
		if m.Validate() == nil {
			out = append(out, m)
		}
	}
	return out
}
