package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"time"
	"unicode/utf8"
)

// Outbox is the queue the Worker drains; the store implements it on both engines.
//
// ClaimMail takes up to n messages that are due, neither sent nor given up, and not claimed by
// a worker whose claim (lease) still runs; it claims them for worker until now+lease and counts
// the attempt. No two workers, in this process or another, hold the same message at once.
// MarkMailSent and MarkMailFailed record an outcome only while the message is still claimed by
// that worker, and otherwise return a citypact.Conflict error: a worker whose claim ran out and
// whose message was taken over must not overwrite what the new owner records. MarkMailFailed
// with a zero retryAt gives the message up; otherwise it is due again at retryAt.
type Outbox interface {
	ClaimMail(ctx context.Context, worker string, n int, lease time.Duration) ([]Outgoing, error)
	MarkMailSent(ctx context.Context, id int64, worker string) error
	MarkMailFailed(ctx context.Context, id int64, worker string, errText string, retryAt time.Time) error
}

// WorkerOptions tune a Worker; the zero value is right for production.
type WorkerOptions struct {
	Batch       int           // messages claimed at once (default 10)
	Lease       time.Duration // how long a claim holds; must outlast sending a batch (default 10 min)
	Poll        time.Duration // how often to look for due mail without a Kick (default 30 s)
	MinBackoff  time.Duration // the wait after a first temporary failure (default 1 min)
	MaxBackoff  time.Duration // the longest wait between attempts (default 6 h)
	MaxAttempts int           // attempts before giving up (default 12: about a day with the defaults)
	Logger      *slog.Logger  // default slog.Default()
	Now         func() time.Time
	ID          string // the worker's name in claimed_by; default host/pid/random, unique per instance
}

// Worker sends queued mail in the background: Run it once per process. With several processes
// on one PostgreSQL database, each runs its own; the outbox hands every message to one of them.
type Worker struct {
	box    Outbox
	sender Sender
	opt    WorkerOptions
	log    *slog.Logger
	kick   chan struct{}
}

// NewWorker returns a worker that sends box's mail with s. A nil s (no SMTP relay configured)
// leaves mail queued: Run then only says so.
func NewWorker(box Outbox, s Sender, opt WorkerOptions) *Worker {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if opt.Batch <= 0 {
		opt.Batch = 10
	}
	def(&opt.Lease, 10*time.Minute)
	def(&opt.Poll, 30*time.Second)
	def(&opt.MinBackoff, time.Minute)
	def(&opt.MaxBackoff, 6*time.Hour)
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 12
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.ID == "" {
		opt.ID = workerID()
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Worker{box: box, sender: s, opt: opt, log: opt.Logger.With("worker", opt.ID), kick: make(chan struct{}, 1)}
}

// workerID names this instance: the host and pid say where it runs, the random part keeps two
// workers apart when a container's pid (often 1) and host name recur.
func workerID() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// ID is the name the worker claims messages under.
func (w *Worker) ID() string { return w.opt.ID }

// Kick asks the worker to look for due mail now rather than at the next poll; call it after
// queuing mail. It never blocks: kicks that arrive while one is pending merge into it.
func (w *Worker) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Run sends due mail until ctx is done, and returns nil then. Failures are logged and recorded
// in the outbox, never returned: a broken relay or database must not stop the process.
func (w *Worker) Run(ctx context.Context) error {
	if w.sender == nil {
		w.log.Warn("mail: no SMTP relay configured; mail stays queued until one is")
		<-ctx.Done()
		return nil
	}
	w.log.Info("mail: worker started", "batch", w.opt.Batch, "poll", w.opt.Poll)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			w.log.Info("mail: worker stopped")
			return nil
		case <-w.kick:
		case <-timer.C:
		}
		// A full batch suggests more is due: drain before waiting again.
		for n := w.opt.Batch; n == w.opt.Batch && ctx.Err() == nil; {
			n = w.runBatch(ctx)
		}
		timer.Reset(w.opt.Poll)
	}
}

// runBatch claims and sends one batch and returns how many it claimed.
func (w *Worker) runBatch(ctx context.Context) int {
	batch, err := w.box.ClaimMail(ctx, w.opt.ID, w.opt.Batch, w.opt.Lease)
	if err != nil {
		if ctx.Err() == nil {
			w.log.Error("mail: claiming mail", "err", err)
		}
		return 0
	}
	for _, o := range batch {
		if ctx.Err() != nil {
			// Unsent claims run out after the lease and are taken up again.
			break
		}
		if !w.opt.Now().Before(o.ClaimedUntil) {
			// The claim ran out while earlier messages were sent: another worker may have the
			// message now, and sending it here could send it twice.
			w.log.Warn("mail: claim ran out before sending; leaving it to the next claim", "mail", o.ID)
			continue
		}
		w.send(ctx, o)
	}
	return len(batch)
}

func (w *Worker) send(ctx context.Context, o Outgoing) {
	err := w.sender.Send(ctx, o.Message)
	// The outcome is recorded even if ctx ended meanwhile: a sent message must be marked sent.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	log := w.log.With("mail", o.ID, "attempt", o.Attempts)
	if err == nil {
		if err := w.box.MarkMailSent(rec, o.ID, w.opt.ID); err != nil {
			log.Error("mail: sent, but recording it failed; it may be sent again", "err", err)
			return
		}
		log.Info("mail: sent")
		return
	}
	if ctx.Err() != nil {
		// Stopped mid-send: not the message's fault. Its claim runs out and it is tried again.
		log.Info("mail: interrupted by shutdown", "err", err)
		return
	}
	var retryAt time.Time
	if !IsPermanent(err) && o.Attempts < w.opt.MaxAttempts {
		retryAt = w.opt.Now().Add(w.backoff(o.Attempts))
	}
	if rerr := w.box.MarkMailFailed(rec, o.ID, w.opt.ID, truncate(err.Error(), 1000), retryAt); rerr != nil {
		log.Error("mail: recording a failure failed", "err", rerr, "send_err", err)
		return
	}
	if retryAt.IsZero() {
		log.Error("mail: giving up", "err", err, "permanent", IsPermanent(err))
	} else {
		log.Warn("mail: will retry", "err", err, "retry_at", retryAt.UTC())
	}
}

// backoff is the wait after the attempts-th failure: MinBackoff doubled each time up to
// MaxBackoff, then a random part of up to half of it taken off, so that mail held back by one
// outage is not retried all at once.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.opt.MaxBackoff
	if attempts < 40 {
		d = min(w.opt.MinBackoff<<max(attempts-1, 0), w.opt.MaxBackoff)
	}
	if d <= 0 { // overflow
		d = w.opt.MaxBackoff
	}
	return d - time.Duration(mrand.Int64N(int64(d)/2+1))
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
