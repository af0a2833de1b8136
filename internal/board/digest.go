package board

import (
	"cmp"
	"slices"
	"time"
)

// MaxDigestItems caps the items one digest shows: beyond about fifty, a digest is skimmed, not
// read. The rest are counted (Digest.Omitted) and the mail links to the notification list.
const MaxDigestItems = 50

// Period is a span of time, From inclusive, To exclusive.
type Period struct{ From, To time.Time }

// DigestItem is one notification as a digest needs it: the store joins the board's name (in the
// recipient's language), the thread's title and an excerpt of the post in the same query, so
// that building every user's digest needs no query per item.
type DigestItem struct {
	NotificationID int64
	Kind           NoteKind
	BoardID        int64
	BoardName      string
	ThreadID       int64
	ThreadTitle    string
	PostID         int64  // 0: the thread itself
	Author         string // the author's name and organisation, as the mail shows them
	Excerpt        string // plain text, already cut to length
	At             time.Time
	// ReadAt and DigestedAt are set when the user read this notification, or a digest included
	// it. Such an item is not shown, and neither is any other about the same post: its presence
	// says the user has seen that post (see BuildDigest).
	ReadAt     time.Time
	DigestedAt time.Time
}

// key is what a digest never repeats: a post, or a thread's own text.
func (it DigestItem) key() [2]int64 { return [2]int64{it.ThreadID, it.PostID} }

// Digest is what one user's daily or weekly e-mail says, before any template renders it.
type Digest struct {
	UserID    int64
	Frequency Frequency
	Period    Period
	// Boards hold the items shown, grouped by board then thread; boards and threads ordered by
	// their latest item (newest first), items within a thread by time (oldest first), so that
	// a thread reads as a conversation.
	Boards  []DigestBoard
	Count   int // items shown
	Omitted int // items beyond MaxDigestItems, not shown
	// Marked lists the notifications the digest accounts for, in ascending order: those shown,
	// the duplicates folded into them, those omitted, and unread ones about posts the user had
	// already seen. The store sets their DigestedAt when the digest is queued, in the same
	// transaction, so that no later digest repeats them or carries a growing backlog.
	Marked []int64
}

// DigestBoard is one board's part of a digest.
type DigestBoard struct {
	ID      int64
	Name    string
	Threads []DigestThread
}

// DigestThread is one thread's part of a digest.
type DigestThread struct {
	ID     int64
	Title  string
	Latest time.Time // its newest item's time
	Items  []DigestItem
}

// Empty reports whether the digest has nothing to show; no mail is sent for it (its Marked
// notifications are still marked).
func (d Digest) Empty() bool { return d.Count == 0 }

// BuildDigest builds the digest of user for period p from their notifications meant for digests
// (Delivery DeliverDigest). The store passes those neither read nor digested, and may pass read
// or digested ones about the same posts (or set ReadAt/DigestedAt on an item from its post's
// other notifications), which makes BuildDigest skip the post:
//
//   - an item is a post, or a thread's own text: several notifications about one (a new answer,
//     then its acceptance) are shown once, as the one about the user if any, else the latest;
//   - a post the user already read, or got in an earlier digest, is not shown again;
//   - items at or after p.To wait for the next digest; items before p.From are shown, so that a
//     digest that could not be sent on time is caught up rather than lost;
//   - at most MaxDigestItems are shown: those about the user first (addressed, your answer
//     accepted), then the newest; the rest are counted in Omitted.
//
// The result does not depend on the order of items.
func BuildDigest(user int64, f Frequency, p Period, items []DigestItem) Digest {
	d := Digest{UserID: user, Frequency: f, Period: p}
	type group struct {
		shown DigestItem // the representative
		fresh []int64    // unread, undigested notifications of this post
		seen  bool       // the user read or got this post already
	}
	groups := make(map[[2]int64]*group)
	for _, it := range items {
		if !it.At.Before(p.To) {
			continue
		}
		g := groups[it.key()]
		if g == nil {
			g = &group{}
			groups[it.key()] = g
		}
		if !it.ReadAt.IsZero() || !it.DigestedAt.IsZero() {
			g.seen = true
			continue
		}
		g.fresh = append(g.fresh, it.NotificationID)
		if len(g.fresh) == 1 || before(g.shown, it) {
			g.shown = it
		}
	}
	var chosen []DigestItem
	for _, g := range groups {
		d.Marked = append(d.Marked, g.fresh...)
		if !g.seen && len(g.fresh) > 0 {
			chosen = append(chosen, g.shown)
		}
	}
	slices.Sort(d.Marked)
	// The most important first; ties broken down to the notification id so the cut is stable.
	slices.SortFunc(chosen, func(a, b DigestItem) int {
		if before(a, b) {
			return 1
		}
		if before(b, a) {
			return -1
		}
		return 0
	})
	if len(chosen) > MaxDigestItems {
		d.Omitted = len(chosen) - MaxDigestItems
		chosen = chosen[:MaxDigestItems]
	}
	d.Count = len(chosen)
	d.Boards = arrange(chosen)
	return d
}

// before reports whether a ranks below b for a digest: lower priority, else older, else a
// smaller notification id.
func before(a, b DigestItem) bool {
	if pa, pb := a.Kind.priority(), b.Kind.priority(); pa != pb {
		return pa < pb
	}
	if !a.At.Equal(b.At) {
		return a.At.Before(b.At)
	}
	return a.NotificationID < b.NotificationID
}

// arrange groups items by board and thread, in Digest.Boards' order.
func arrange(items []DigestItem) []DigestBoard {
	boards := make(map[int64]*DigestBoard)
	threads := make(map[int64]*DigestThread)
	latest := make(map[int64]time.Time) // board → newest item
	var boardOrder []int64
	threadsOf := make(map[int64][]int64)
	for _, it := range items {
		b := boards[it.BoardID]
		if b == nil {
			b = &DigestBoard{ID: it.BoardID, Name: it.BoardName}
			boards[it.BoardID] = b
			boardOrder = append(boardOrder, it.BoardID)
		}
		t := threads[it.ThreadID]
		if t == nil {
			t = &DigestThread{ID: it.ThreadID, Title: it.ThreadTitle}
			threads[it.ThreadID] = t
			threadsOf[it.BoardID] = append(threadsOf[it.BoardID], it.ThreadID)
		}
		t.Items = append(t.Items, it)
		if it.At.After(t.Latest) {
			t.Latest = it.At
		}
		if it.At.After(latest[it.BoardID]) {
			latest[it.BoardID] = it.At
		}
	}
	newestFirst := func(ta, tb time.Time, ia, ib int64) int {
		if c := tb.Compare(ta); c != 0 {
			return c
		}
		return cmp.Compare(ia, ib)
	}
	slices.SortFunc(boardOrder, func(a, b int64) int { return newestFirst(latest[a], latest[b], a, b) })
	out := make([]DigestBoard, 0, len(boardOrder))
	for _, bid := range boardOrder {
		b := boards[bid]
		ids := threadsOf[bid]
		slices.SortFunc(ids, func(a, b int64) int { return newestFirst(threads[a].Latest, threads[b].Latest, a, b) })
		for _, tid := range ids {
			t := threads[tid]
			slices.SortFunc(t.Items, func(a, b DigestItem) int {
				if c := a.At.Compare(b.At); c != 0 {
					return c
				}
				return cmp.Compare(a.PostID, b.PostID) // the thread's own text (0) first
			})
			b.Threads = append(b.Threads, *t)
		}
		out = append(out, *b)
	}
	return out
}
