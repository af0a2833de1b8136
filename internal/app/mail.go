package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/citypact/citypact/internal/boardmail"
	"github.com/citypact/citypact/internal/config"
	"github.com/citypact/citypact/internal/mail"
	"github.com/citypact/citypact/internal/store"
)

// newMailWorker builds the worker that sends the outbox through the relay cfg names. Without a
// relay it gets no sender: mail then stays queued (the worker says so once, when it runs) and
// goes out once a relay is configured and the hub restarted.
func newMailWorker(cfg config.Config, db *store.DB, log *slog.Logger, now func() time.Time, opt mail.WorkerOptions) (*mail.Worker, error) {
	var sender mail.Sender
	smtp, ok, err := cfg.Mail()
	if err != nil {
		return nil, err
	}
	if ok {
		if sender, err = mail.NewSMTP(smtp); err != nil {
			return nil, err
		}
	}
	if opt.Logger == nil {
		opt.Logger = log
	}
	if opt.Now == nil {
		opt.Now = now
	}
	return mail.NewWorker(db, sender, opt), nil
}

// RunMail sends queued mail, and turns board notifications into mail, until ctx ends. Serve
// runs it; so do tests that serve Handler themselves. Run it once per App.
func (a *App) RunMail(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.BoardMail.Run(ctx)
	}()
	err := a.Mail.Run(ctx)
	<-done
	return err
}

// boardMailLinks signs the unsubscribe links of board mail with the hub's key (made on first
// use and kept in the database, so every instance signs alike) and builds every link from the
// configured base URL.
func boardMailLinks(ctx context.Context, db *store.DB, base string) (*boardmail.Links, error) {
	key, err := db.MailKey(ctx)
	if err != nil {
		return nil, err
	}
	return boardmail.NewLinks(base, key), nil
}

// newBoardMailJob builds the job that mails board notifications: each poll the immediate ones,
// and the daily and weekly digests when their hour has come.
func newBoardMailJob(db *store.DB, links *boardmail.Links, w *mail.Worker, log *slog.Logger, now func() time.Time, opt Options) *boardmail.Job {
	o := opt.BoardMail
	if o.Kick == nil {
		o.Kick = w
	}
	if o.Poll == 0 {
		o.Poll = opt.Mail.Poll
	}
	if o.Logger == nil {
		o.Logger = log
	}
	if o.Now == nil {
		o.Now = now
	}
	return boardmail.NewJob(db.BoardStore(), links, o)
}

// publicURL is the base of links in mail: the configured base URL, never a request's Host
// header. Without one, the listen address stands in, which is right for a hub used on this
// machine and wrong for any other: serve says so.
func publicURL(cfg config.Config, log *slog.Logger) string {
	if cfg.BaseURL != "" {
		return cfg.BaseURL
	}
	u := "http://" + cfg.Addr
	log.Warn("no base URL configured (--base-url, CITYPACT_BASE_URL): links in mail will use the listen address", "base_url", u)
	return u
}
