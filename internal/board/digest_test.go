package board

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var digestEnd = time.Date(2020, 3, 9, 6, 0, 0, 0, time.UTC)

// item is a digest item of notification id about post (0: the thread) in thread of board,
// hours before the digest's end (negative: after it).
func item(id, board, thread, post int64, kind NoteKind, hours float64) DigestItem {
	return DigestItem{
		NotificationID: id, Kind: kind, BoardID: board, BoardName: fmt.Sprintf("board %d", board),
		ThreadID: thread, ThreadTitle: fmt.Sprintf("thread %d", thread), PostID: post,
		At: digestEnd.Add(-time.Duration(hours * float64(time.Hour))),
	}
}

// layout writes a digest's structure as "b2[t6(5) t5(1 3)] b1[…]", notification ids in order.
func layout(d Digest) string {
	var bs []string
	for _, b := range d.Boards {
		var ts []string
		for _, t := range b.Threads {
			var ids []string
			for _, it := range t.Items {
				if it.ThreadID != t.ID || it.BoardID != b.ID {
					return "misfiled item"
				}
				ids = append(ids, fmt.Sprint(it.NotificationID))
			}
			ts = append(ts, fmt.Sprintf("t%d(%s)", t.ID, strings.Join(ids, " ")))
		}
		bs = append(bs, fmt.Sprintf("b%d[%s]", b.ID, strings.Join(ts, " ")))
	}
	return strings.Join(bs, " ")
}

func TestBuildDigest(t *testing.T) {
	period, _ := DigestPeriod(FreqDaily, digestEnd)
	read := item(6, 1, 7, 10, NoteNewAnswer, 3)
	read.ReadAt = digestEnd.Add(-time.Hour)
	digested := item(9, 1, 7, 12, NoteNewAnswer, 4)
	digested.DigestedAt = digestEnd.Add(-24 * time.Hour)
	items := []DigestItem{
		item(1, 2, 5, 0, NoteNewThread, 20),
		item(2, 2, 5, 8, NoteNewAnswer, 10),
		item(3, 2, 5, 8, NoteAccepted, 2), // the same post again: shown once, as the latest
		item(4, 1, 7, 9, NoteNewAnswer, 5),
		item(5, 2, 6, 0, NoteNewThread, 1),
		read,                                   // post 10 was read…
		item(7, 1, 7, 10, NoteNewAnswer, 3),    // …so its other notification is not shown
		item(8, 2, 5, 11, NoteNewAnswer, -1),   // after the period: the next digest's
		digested,                               // in an earlier digest
		item(10, 1, 7, 13, NoteNewComment, 30), // before the period, never sent: caught up
	}
	d := BuildDigest(42, FreqDaily, period, items)
	if got, want := layout(d), "b2[t6(5) t5(1 3)] b1[t7(10 4)]"; got != want {
		t.Errorf("layout %s, want %s", got, want)
	}
	if d.UserID != 42 || d.Frequency != FreqDaily || d.Period != period || d.Count != 5 || d.Omitted != 0 || d.Empty() {
		t.Errorf("digest %+v", d)
	}
	if want := []int64{1, 2, 3, 4, 5, 7, 10}; !slices.Equal(d.Marked, want) {
		t.Errorf("marked %v, want %v", d.Marked, want)
	}
	if th := d.Boards[0].Threads[1]; th.Title != "thread 5" || !th.Latest.Equal(items[2].At) || th.Items[1].Kind != NoteAccepted {
		t.Errorf("thread 5: %+v", th)
	}
	if d.Boards[0].Name != "board 2" {
		t.Errorf("board name %q", d.Boards[0].Name)
	}

	// The same input in any order gives the same digest.
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		shuffled := slices.Clone(items)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if e := BuildDigest(42, FreqDaily, period, shuffled); !reflect.DeepEqual(e, d) {
			t.Fatalf("order changed the digest:\n%s\n%s", layout(e), layout(d))
		}
	}
}

func TestDigestPrefersWhatIsAboutTheUser(t *testing.T) {
	period, _ := DigestPeriod(FreqDaily, digestEnd)
	for _, items := range [][]DigestItem{
		{item(1, 2, 5, 0, NoteAddressed, 10), item(2, 2, 5, 0, NoteNewThread, 5)},
		{item(1, 2, 5, 0, NoteNewThread, 10), item(2, 2, 5, 0, NoteAddressed, 5)},
	} {
		d := BuildDigest(1, FreqDaily, period, items)
		if d.Count != 1 || d.Boards[0].Threads[0].Items[0].Kind != NoteAddressed || !slices.Equal(d.Marked, []int64{1, 2}) {
			t.Errorf("%s, marked %v: want the addressed notification shown once", layout(d), d.Marked)
		}
	}
}

func TestDigestCap(t *testing.T) {
	period, _ := DigestPeriod(FreqWeekly, digestEnd)
	var items []DigestItem
	// Two old questions addressed to the user, then 60 newer posts in 6 threads.
	items = append(items, item(1, 1, 1, 0, NoteAddressed, 150), item(2, 1, 2, 0, NoteAddressed, 149))
	for i := range int64(60) {
		items = append(items, item(100+i, 2, 10+i%6, 1000+i, NoteNewAnswer, float64(100-i)))
	}
	d := BuildDigest(1, FreqWeekly, period, items)
	if d.Count != MaxDigestItems || d.Omitted != 62-MaxDigestItems {
		t.Fatalf("count %d, omitted %d", d.Count, d.Omitted)
	}
	if len(d.Marked) != 62 {
		t.Errorf("marked %d, want all 62 (omitted ones are not carried into the next digest)", len(d.Marked))
	}
	shown := map[int64]bool{}
	n := 0
	for _, b := range d.Boards {
		for _, th := range b.Threads {
			for _, it := range th.Items {
				if shown[it.NotificationID] {
					t.Errorf("notification %d shown twice", it.NotificationID)
				}
				shown[it.NotificationID] = true
				n++
			}
		}
	}
	if n != d.Count {
		t.Errorf("%d items in groups, Count %d", n, d.Count)
	}
	if !shown[1] || !shown[2] {
		t.Error("what is about the user was cut")
	}
	// Of the 60 posts, the 48 newest are shown: 100..111 (the oldest) are omitted.
	for id := int64(100); id < 160; id++ {
		if shown[id] != (id >= 112) {
			t.Errorf("post notification %d shown = %v", id, shown[id])
		}
	}
}

func TestDigestCapBoundary(t *testing.T) {
	period, _ := DigestPeriod(FreqDaily, digestEnd)
	for _, n := range []int{MaxDigestItems - 1, MaxDigestItems, MaxDigestItems + 1} {
		var items []DigestItem
		for i := range int64(n) {
			items = append(items, item(i+1, 1, 1, i+1, NoteNewAnswer, 1))
		}
		d := BuildDigest(1, FreqDaily, period, items)
		if d.Count != min(n, MaxDigestItems) || d.Omitted != max(0, n-MaxDigestItems) || len(d.Marked) != n {
			t.Errorf("%d items: count %d, omitted %d, marked %d", n, d.Count, d.Omitted, len(d.Marked))
		}
	}
}

func TestDigestEmpty(t *testing.T) {
	period, _ := DigestPeriod(FreqDaily, digestEnd)
	read := item(1, 1, 1, 0, NoteNewThread, 2)
	read.ReadAt = digestEnd
	for name, items := range map[string][]DigestItem{
		"nothing":           nil,
		"all read":          {read},
		"all in the future": {item(2, 1, 1, 3, NoteNewAnswer, 0), item(3, 1, 1, 4, NoteNewAnswer, -5)},
	} {
		d := BuildDigest(1, FreqDaily, period, items)
		if !d.Empty() || d.Count != 0 || len(d.Boards) != 0 || len(d.Marked) != 0 {
			t.Errorf("%s: %+v", name, d)
		}
	}
}

func TestDigestOrdersTies(t *testing.T) {
	// Two boards and two threads whose newest items are at the same time: the smaller id first.
	// Within a thread, items at the same time: the thread's own text, then posts by id.
	period, _ := DigestPeriod(FreqDaily, digestEnd)
	items := []DigestItem{
		item(1, 3, 30, 7, NoteNewAnswer, 1), item(2, 3, 31, 0, NoteNewThread, 1),
		item(3, 2, 20, 9, NoteNewAnswer, 1), item(4, 2, 20, 0, NoteNewThread, 1), item(5, 2, 20, 8, NoteNewComment, 1),
	}
	if got, want := layout(BuildDigest(1, FreqDaily, period, items)), "b2[t20(4 5 3)] b3[t30(1) t31(2)]"; got != want {
		t.Errorf("layout %s, want %s", got, want)
	}
}
