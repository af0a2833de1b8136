package board

import (
	"slices"
	"strconv"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/tags"
)

// Frequency is how often a user wants e-mail about what they follow. It is one setting per user,
// not per subscription: the point is that people choose how much mail they get in one place. The
// in-app notification list is kept whatever the frequency.
type Frequency string

const (
	FreqNone        Frequency = "none"        // no e-mail; the in-app list only
	FreqImmediately Frequency = "immediately" // one e-mail per notification
	FreqDaily       Frequency = "daily"       // one digest a day
	FreqWeekly      Frequency = "weekly"      // one digest a week
)

// Frequencies lists the frequencies in display order.
var Frequencies = []Frequency{FreqNone, FreqImmediately, FreqDaily, FreqWeekly}

// DefaultFrequency is a new user's: a daily digest tells them what happened without burying
// them, and they can ask for more or less.
const DefaultFrequency = FreqDaily

// Valid reports whether f is a known frequency.
func (f Frequency) Valid() bool { return slices.Contains(Frequencies, f) }

// DigestPeriod returns the period a digest sent at end covers: the day or week before it. ok is
// false for frequencies that have no digest.
func DigestPeriod(f Frequency, end time.Time) (p Period, ok bool) {
	switch f {
	case FreqDaily:
		return Period{From: end.AddDate(0, 0, -1), To: end}, true
	case FreqWeekly:
		return Period{From: end.AddDate(0, 0, -7), To: end}, true
	}
	return Period{}, false
}

// Follow is what a subscription follows.
type Follow string

const (
	FollowBoard  Follow = "board"  // new threads on a board
	FollowTag    Follow = "tag"    // new threads with a tag, on any board the user can see
	FollowThread Follow = "thread" // new posts in a thread, and its accepted answer
	FollowOrg    Follow = "org"    // new threads by an organisation's staff
)

// Follows lists the kinds in display order.
var Follows = []Follow{FollowBoard, FollowTag, FollowThread, FollowOrg}

// Subscription is one thing a user follows. Following a board brings its new threads, not every
// post in them (that is what following a thread is for), so that a busy board does not bury its
// followers. The store subscribes the author of a thread or post to the thread, and a user who
// marks "same question".
type Subscription struct {
	ID        int64
	UserID    int64 // store: the actor
	Kind      Follow
	TargetID  int64  // the board, thread or organisation; 0 for a tag
	Tag       string // FollowTag only; normalised
	CreatedAt time.Time
}

// Validate normalises the tag and checks that s names exactly what its kind follows.
func (s *Subscription) Validate() error {
	s.Tag = tags.Fold(s.Tag)
	switch {
	case !slices.Contains(Follows, s.Kind):
		return citypact.Invalid(fe("kind", "field.choice"))
	case s.Kind == FollowTag && (s.TargetID != 0 || !validTag(s.Tag)):
		return citypact.Invalid(fe("tag", "board.tag_invalid", "max", strconv.Itoa(MaxTagLen)))
	case s.Kind != FollowTag && (s.TargetID <= 0 || s.Tag != ""):
		return citypact.Invalid(fe("target", "field.invalid"))
	}
	return nil
}

// NoteKind is what a notification tells its user.
type NoteKind string

const (
	NoteNewThread          NoteKind = "new_thread"           // on a board, tag or organisation followed
	NoteAddressed          NoteKind = "addressed"            // a thread asks the user or their organisation
	NoteNewAnswer          NoteKind = "new_answer"           // in a thread followed
	NoteNewComment         NoteKind = "new_comment"          // in a thread followed
	NoteAccepted           NoteKind = "accepted"             // an answer was accepted in a thread followed
	NoteYourAnswerAccepted NoteKind = "your_answer_accepted" // the user's own answer was accepted
)

// priority ranks kinds when one event gives a user several reasons to hear of it, and orders a
// digest's selection: what is about the user comes before what they follow.
func (k NoteKind) priority() int {
	if k == NoteAddressed || k == NoteYourAnswerAccepted {
		return 1
	}
	return 0
}

// Delivery is how a notification reaches its user beyond the in-app list, fixed when it is
// created from the user's Frequency then.
type Delivery string

const (
	DeliverInApp  Delivery = "in_app" // the list only (FreqNone)
	DeliverNow    Delivery = "now"    // an e-mail now, queued in the outbox in the same transaction
	DeliverDigest Delivery = "digest" // the next daily or weekly digest
)

// DeliveryFor maps a frequency to a delivery; an unknown frequency sends no mail.
func DeliveryFor(f Frequency) Delivery {
	switch f {
	case FreqImmediately:
		return DeliverNow
	case FreqDaily, FreqWeekly:
		return DeliverDigest
	}
	return DeliverInApp
}

// Notification is one thing one user should hear of, in the in-app list and, by Delivery, by
// e-mail.
type Notification struct {
	ID         int64
	UserID     int64
	Kind       NoteKind
	BoardID    int64
	ThreadID   int64
	PostID     int64 // the post, or 0 for the thread itself
	ActorID    int64 // who caused it
	Delivery   Delivery
	CreatedAt  time.Time
	ReadAt     time.Time // zero while unread; reading the thread marks its notifications read
	DigestedAt time.Time // when a digest included it (or accounted for it); zero before
}

// Unread reports whether the user has not read the notification.
func (n Notification) Unread() bool { return n.ReadAt.IsZero() }

// EventKind is what happened on a board.
type EventKind string

const (
	EventNewThread EventKind = "new_thread" // a thread was created (with its addressees)
	EventAddressed EventKind = "addressed"  // addressees were added to an existing thread
	EventNewPost   EventKind = "new_post"   // an answer or comment was posted
	EventAccepted  EventKind = "accepted"   // an answer was accepted
)

// Event is what happened, as the store knows it when it commits the change that caused it.
type Event struct {
	Kind     EventKind
	ActorID  int64 // never notified of their own doing
	BoardID  int64
	ThreadID int64
	PostID   int64    // EventNewPost: the post; EventAccepted: the answer; 0 otherwise
	PostKind PostKind // EventNewPost: answer or comment
	// EventNewThread: the thread's tags and its author's organisation, matched against tag and
	// organisation subscriptions.
	Tags        []string
	AuthorOrgID int64
	// EventNewThread: the thread's addressees; EventAddressed: only those just added.
	ToOrgs  []int64
	ToUsers []int64
	// EventAccepted: the accepted answer's author, told even without a subscription.
	AnswerAuthorID int64
	At             time.Time
}

// Candidate is one user the store found who may need to hear of an event: a follower (Sub is the
// subscription that matched), or someone it must tell without one (Sub zero): a user addressed,
// one whose organisation is addressed, or the accepted answer's author. A user may come several
// times, once per reason. The store computes CanSee for the user — CanSeeThread as that user,
// or the same rule as a predicate — because FanOut must never tell anyone of what they cannot
// read.
type Candidate struct {
	UserID    int64
	OrgID     int64 // the user's organisation, matched against Event.ToOrgs
	Frequency Frequency
	CanSee    bool
	Sub       Subscription
}

// FanOut decides who hears of ev: at most one notification per user, never to the actor, never
// to someone who cannot see the thread. Addressees (ToUsers, and the staff of ToOrgs) hear of a
// new thread or of being added whether or not they follow anything, and so does the author of
// an accepted answer; followers hear of what their subscription covers (a board's, a tag's or an
// organisation's new threads; a thread's posts and acceptance). A candidate whose subscription
// does not match ev is ignored, so a too-wide store query cannot notify the wrong people. When
// one user has several reasons, the notification says the one about them (addressed, your answer
// accepted). Each notification's Delivery follows the user's frequency: DeliverNow ones also need
// an e-mail queued now, DeliverDigest ones wait for the digest. The result is ordered by user id.
func FanOut(ev Event, cands []Candidate) []Notification {
	type plan struct {
		kind NoteKind
		freq Frequency
	}
	plans := make(map[int64]plan)
	for _, c := range cands {
		if c.UserID == 0 || c.UserID == ev.ActorID || !c.CanSee {
			continue
		}
		kind, ok := reason(ev, c)
		if !ok {
			continue
		}
		p, seen := plans[c.UserID]
		if !seen || kind.priority() > p.kind.priority() {
			p.kind = kind
		}
		if !seen || urgency(c.Frequency) > urgency(p.freq) {
			p.freq = c.Frequency // one setting per user; if rows disagree, mail rather than miss
		}
		plans[c.UserID] = p
	}
	users := make([]int64, 0, len(plans))
	for u := range plans {
		users = append(users, u)
	}
	slices.Sort(users)
	out := make([]Notification, len(users))
	for i, u := range users {
		p := plans[u]
		out[i] = Notification{
			UserID: u, Kind: p.kind, BoardID: ev.BoardID, ThreadID: ev.ThreadID, PostID: ev.PostID,
			ActorID: ev.ActorID, Delivery: DeliveryFor(p.freq), CreatedAt: ev.At,
		}
	}
	return out
}

// reason returns what c hears of ev, if anything.
func reason(ev Event, c Candidate) (NoteKind, bool) {
	addressed := slices.Contains(ev.ToUsers, c.UserID) || (c.OrgID != 0 && slices.Contains(ev.ToOrgs, c.OrgID))
	follows := func(k Follow, target int64) bool {
		return c.Sub.Kind == k && c.Sub.TargetID == target && c.Sub.UserID == c.UserID
	}
	switch ev.Kind {
	case EventNewThread:
		switch {
		case addressed:
			return NoteAddressed, true
		case follows(FollowBoard, ev.BoardID), ev.AuthorOrgID != 0 && follows(FollowOrg, ev.AuthorOrgID),
			c.Sub.Kind == FollowTag && c.Sub.UserID == c.UserID && slices.Contains(ev.Tags, c.Sub.Tag):
			return NoteNewThread, true
		}
	case EventAddressed:
		if addressed {
			return NoteAddressed, true
		}
	case EventNewPost:
		if follows(FollowThread, ev.ThreadID) {
			if ev.PostKind == PostAnswer {
				return NoteNewAnswer, true
			}
			return NoteNewComment, true
		}
	case EventAccepted:
		switch {
		case ev.AnswerAuthorID != 0 && c.UserID == ev.AnswerAuthorID:
			return NoteYourAnswerAccepted, true
		case follows(FollowThread, ev.ThreadID):
			return NoteAccepted, true
		}
	}
	return "", false
}

// urgency orders frequencies from no mail to mail now.
func urgency(f Frequency) int {
	switch f {
	case FreqImmediately:
		return 3
	case FreqDaily:
		return 2
	case FreqWeekly:
		return 1
	}
	return 0
}
