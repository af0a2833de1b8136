package board

import (
	"context"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/mail"
)

// BoardFilter narrows a list of boards, which holds only boards the actor may see
// (CanSeeBoard, as a predicate in the query), ordered by kind then slug.
type BoardFilter struct {
	Kind     Kind
	Scope    ScopeKind // "" for every scope
	Network  int64     // boards of this network
	Org      int64     // pair channels of this organisation
	Archived bool      // include archived boards
}

// ThreadFilter narrows a list of threads, which holds only threads the actor may see
// (CanSeeThread): hidden ones only for the board's moderators and their authors.
type ThreadFilter struct {
	Board       int64
	Tag         string // a normalised tag
	Lang        string // in this language: the original's, or a translation's
	Status      Status // "" for every status but hidden
	Author      int64  // threads by this user
	AuthorOrg   int64  // threads by this organisation's staff
	AddressedTo int64  // threads addressed to this organisation or to its staff
	Practice    int64  // threads linking this practice ("questions about this practice")
	Unanswered  bool   // questions without an accepted answer, oldest first (what waits longest)
	// Bare leaves out the threads' bodies, answer counts and lists (tags, addressees, practices,
	// attachments), for a page that only links the threads: reading them was most of the cost
	// of a practice page's questions.
	Bare bool
	// Page: by latest activity, newest first; Page.After is the last thread id seen, whose
	// activity time the store looks up to continue after it (keyset on activity, id).
	Page citypact.Page
}

// Reading is a thread as its page shows it (Store.ReadThread).
type Reading struct {
	Board        Board
	Thread       Thread
	Posts        []Post
	Translations []Translation
}

// NotificationFilter narrows the actor's own notification list, newest first.
type NotificationFilter struct {
	Unread bool
	Page   citypact.Page // Page.After is the last notification id seen
}

// ReportFilter narrows the reports on boards the actor moderates, oldest first.
type ReportFilter struct {
	Board int64
	Open  bool // only those not yet resolved
	Page  citypact.Page
}

// Store keeps the boards.
//
// Who: every method takes the actor from ctx and applies this package's rules itself, not only
// the handlers: reads through CanSeeBoard / CanSeeThread / CanSeePost, computed from Relations
// the store fills for the actor's organisation (or the same rule as an SQL predicate), changes
// through CanPost, CanAccept, CanMarkSame, CanEditThread, CanEditPost, CanTranslate, CanReport,
// CanSubscribe, CanModerate and CanManageBoard. Fields a thread or post marks "store" are set by
// the store, never taken from the input. Methods that change data write an audit row in the same
// transaction; creating threads and posts and accepting answers also run FanOut and write its
// notifications in that transaction (so nobody hears of what was rolled back, and nothing is
// lost after commit); the mail job sends them (MailDue).
//
// Errors:
//   - What does not exist, or exists but the actor may not see, is KindNotFound: the two are
//     indistinguishable, so ids cannot be probed. "Not found" is an error, never a zero value
//     with a nil error.
//   - What the actor sees but may not do is KindForbidden (accepting on someone else's
//     question, moderating without being a moderator, a read-only token writing); a visitor
//     changing anything gets citypact.ErrUnauthenticated.
//   - Input is validated by the store too (Board.Validate, Thread.Validate, Post.Validate,
//     Translation.Validate, Report.Validate, Moderation.Validate, Subscription.Validate,
//     CheckAccept, CheckMove); what only the store can know is KindInvalid on its field: a taken
//     slug ("slug", "board.slug_taken"), an addressee that does not exist or cannot see the
//     board ("to_orgs" / "to_users", "board.addressee_invalid"), a practice or attachment the
//     actor cannot see ("practices" / "attachments", "field.invalid"), a parent that is not an
//     answer in the thread ("parent", "field.invalid"), a pair without a sister or friendship
//     tie ("scope", "board.pair_no_tie").
//   - State clashes are KindConflict: posting to a locked or archived board or into a locked or
//     hidden thread, accepting on a board that is not for questions (the keys of CanPost and
//     CanAccept), an author's edit after EditWindow ("board.edit_window_closed").
//   - Posting faster than CheckRate allows is KindTooMany ("board.rate_limited"), carrying the
//     wait (RetryAfter).
type Store interface {
	// CreateBoard stores a new board (CanManageBoard) and sets its ID and CreatedAt.
	CreateBoard(ctx context.Context, b *Board) error
	// UpdateBoard changes a board's names, description, Locked and Archived; its kind, scope
	// and slug never change (threads and links depend on them). Boards are archived, never
	// deleted: threads, practices and old e-mails link to them.
	UpdateBoard(ctx context.Context, b *Board) error
	Board(ctx context.Context, id int64) (Board, error)
	BoardBySlug(ctx context.Context, slug string) (Board, error)
	Boards(ctx context.Context, f BoardFilter) ([]Board, error)
	// OpenPair returns the private channel of organisations a and b, creating it (a questions
	// board, slug PairSlug) when there is none and they have a sister or friendship tie. An
	// editor of a or b, or an admin, may open it; it is idempotent.
	OpenPair(ctx context.Context, a, b int64) (Board, error)

	// CreateThread stores t on its board as the actor (CanPost, CheckRate, Thread.Validate),
	// with Version 1, subscribes the author to it, and fans out EventNewThread.
	CreateThread(ctx context.Context, t *Thread) error
	// UpdateThread changes title, body, language, tags, addressees, practices, attachments and
	// supply fields (CanEditThread); it raises Version when TextChanged, and fans out
	// EventAddressed to addressees it adds.
	UpdateThread(ctx context.Context, t *Thread) error
	Thread(ctx context.Context, id int64) (Thread, error)
	Threads(ctx context.Context, f ThreadFilter) ([]Thread, error)
	// ReadThread returns what a thread's page shows, under one visibility check: the thread (as
	// Thread returns it), its board, and the posts (oldest first) and translations the actor may
	// see (as Posts and Translations return them).
	ReadThread(ctx context.Context, id int64) (Reading, error)

	// CreatePost stores p in its thread as the actor (CanPost, CheckRate, Post.Validate),
	// raises the thread's ActivityAt (and AnsweredAt for its first answer), subscribes the
	// author to the thread, and fans out EventNewPost.
	CreatePost(ctx context.Context, p *Post) error
	// UpdatePost changes a post's body, language and attachments (CanEditPost), raising its
	// Version.
	UpdatePost(ctx context.Context, p *Post) error
	// Posts lists a thread's posts the actor may see, oldest first (answers and comments
	// together; pages place comments under their parent).
	Posts(ctx context.Context, threadID int64, p citypact.Page) ([]Post, error)
	// Accept makes postID the thread's accepted answer (CanAccept, CheckAccept) and fans out
	// EventAccepted; postID 0 withdraws the acceptance. Accepting the accepted answer again
	// changes nothing.
	Accept(ctx context.Context, threadID, postID int64) error
	// MarkSame adds (on) or removes the actor's "same question" mark (CanMarkSame), keeping
	// SameCount, and subscribes them to the thread when adding.
	MarkSame(ctx context.Context, threadID int64, on bool) error

	// SaveTranslation creates or replaces the translation of t's original in t.Lang, with the
	// actor as translator (CanTranslate, Translation.Validate); it updates the search index.
	SaveTranslation(ctx context.Context, t *Translation) error
	// Translations lists the translations of a thread and of its posts the actor may see.
	Translations(ctx context.Context, threadID int64) ([]Translation, error)

	// Subscribe stores s for the actor (CanSubscribe); following what one already follows
	// returns the existing subscription.
	Subscribe(ctx context.Context, s *Subscription) error
	// Unsubscribe deletes one of the actor's subscriptions.
	Unsubscribe(ctx context.Context, id int64) error
	// Subscriptions lists the actor's subscriptions.
	Subscriptions(ctx context.Context) ([]Subscription, error)
	// Frequency returns the actor's e-mail frequency (DefaultFrequency until they choose);
	// SetFrequency changes it. Notifications already created keep their Delivery.
	Frequency(ctx context.Context) (Frequency, error)
	SetFrequency(ctx context.Context, f Frequency) error

	// Notifications lists the actor's notifications on threads they may still see.
	Notifications(ctx context.Context, f NotificationFilter) ([]Notification, error)
	// UnreadCount counts the actor's unread notifications (what the page header shows).
	UnreadCount(ctx context.Context) (int, error)
	// MarkRead marks the actor's notifications about a thread read (pages call it when showing
	// the thread); threadID 0 marks all of them.
	MarkRead(ctx context.Context, threadID int64) error

	// Report files a report (CanReport, Report.Validate) for the board's moderators.
	Report(ctx context.Context, r *Report) error
	// Reports lists reports on boards the actor moderates.
	Reports(ctx context.Context, f ReportFilter) ([]Report, error)
	// ResolveReport closes a report (CanModerate on its board).
	ResolveReport(ctx context.Context, id int64) error
	// Moderate applies m (Moderation.Validate, CanModerate; for ActMove CanModerate on both
	// boards and CheckMove) and writes it, with its note, to the audit log.
	Moderate(ctx context.Context, m Moderation) error

	// The mail job's methods act for no signed-in user: the job calls them, never a handler. The
	// notification rows are the queue: creating a post writes them in its transaction (fast,
	// and nothing is lost), and the job turns them into outbox mail after commit. Digests use
	// the job with FreqDaily or FreqWeekly; immediate mail uses it with FreqImmediately, every
	// poll, one message per item of the Digest (whose cap also stops a storm from mailing a
	// user hundreds of times).
	//
	// MailDue lists users whose frequency is f and who have notifications of the matching
	// Delivery (DeliveryFor(f)) neither read nor digested, created before end: at most limit,
	// by user id after the given one, so the job works in batches of bounded memory.
	MailDue(ctx context.Context, f Frequency, end time.Time, after int64, limit int) ([]int64, error)
	// DigestItems returns user's notifications of the Delivery DeliveryFor(f) created before
	// end, as BuildDigest takes them (board names in the user's language), on threads and posts
	// the user may still see now: a user who left an organisation gets nothing more of its
	// network's boards.
	DigestItems(ctx context.Context, user int64, f Frequency, end time.Time) ([]DigestItem, error)
	// QueueDigest, in one transaction, puts msgs (built from d; none when d is Empty) in the mail
	// outbox and sets DigestedAt on d.Marked, so that mail goes out once and never repeats an
	// item, even when the job crashes and runs again. It changes nothing and returns
	// KindConflict ("board.digest_stale") when one of d.Marked was digested meanwhile (another
	// instance's job got there first).
	QueueDigest(ctx context.Context, d Digest, msgs []mail.Message) error
}
