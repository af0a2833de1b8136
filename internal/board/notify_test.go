package board

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// cand builds a candidate: user u of org, with frequency f, who can see the thread or not,
// matched through sub (zero for none).
func cand(u, org int64, f Frequency, see bool, sub Subscription) Candidate {
	if sub.Kind != "" && sub.UserID == 0 {
		sub.UserID = u
	}
	return Candidate{UserID: u, OrgID: org, Frequency: f, CanSee: see, Sub: sub}
}

func follow(k Follow, target int64) Subscription { return Subscription{Kind: k, TargetID: target} }
func followTag(tag string) Subscription          { return Subscription{Kind: FollowTag, Tag: tag} }

// summary writes notifications as "user:kind:delivery", in order.
func summary(ns []Notification) string {
	var out []string
	for _, n := range ns {
		out = append(out, fmt.Sprintf("%d:%s:%s", n.UserID, n.Kind, n.Delivery))
	}
	return strings.Join(out, " ")
}

func TestFanOut(t *testing.T) {
	at := time.Date(2020, 3, 2, 9, 0, 0, 0, time.UTC)
	newThread := Event{Kind: EventNewThread, ActorID: 3, BoardID: 2, ThreadID: 5, Tags: []string{"masks", "supply"},
		AuthorOrgID: inNet, ToOrgs: []int64{orgA}, ToUsers: []int64{50, 51}, At: at}
	for _, tt := range []struct {
		name  string
		ev    Event
		cands []Candidate
		want  string
	}{
		{"board follower, immediately", newThread, []Candidate{cand(10, 0, FreqImmediately, true, follow(FollowBoard, 2))}, "10:new_thread:now"},
		{"tag follower, daily", newThread, []Candidate{cand(10, 0, FreqDaily, true, followTag("supply"))}, "10:new_thread:digest"},
		{"organisation follower, none", newThread, []Candidate{cand(10, 0, FreqNone, true, follow(FollowOrg, inNet))}, "10:new_thread:in_app"},
		{"never the actor", newThread, []Candidate{cand(3, inNet, FreqImmediately, true, follow(FollowBoard, 2))}, ""},
		{"never the actor, even addressed", Event{Kind: EventNewThread, ActorID: 50, BoardID: 2, ThreadID: 5, ToUsers: []int64{50}},
			[]Candidate{cand(50, 0, FreqImmediately, true, Subscription{})}, ""},
		{"never one who cannot see", newThread, []Candidate{cand(10, 0, FreqImmediately, false, follow(FollowBoard, 2))}, ""},
		{"addressee who cannot see", newThread, []Candidate{cand(50, unrelated, FreqImmediately, false, Subscription{})}, ""},
		{"addressed user without subscription", newThread, []Candidate{cand(50, unrelated, FreqWeekly, true, Subscription{})}, "50:addressed:digest"},
		{"staff of an addressed organisation", newThread, []Candidate{cand(14, orgA, FreqNone, true, Subscription{})}, "14:addressed:in_app"},
		{"not addressed, not subscribed", newThread, []Candidate{cand(19, orgB, FreqImmediately, true, Subscription{})}, ""},
		{"board + tag + organisation: one notification", newThread, []Candidate{
			cand(11, 0, FreqDaily, true, follow(FollowBoard, 2)),
			cand(11, 0, FreqDaily, true, followTag("masks")),
			cand(11, 0, FreqDaily, true, follow(FollowOrg, inNet)),
		}, "11:new_thread:digest"},
		{"addressed and a follower: addressed wins, in any order", newThread, []Candidate{
			cand(15, orgA, FreqWeekly, true, follow(FollowBoard, 2)),
			cand(15, orgA, FreqWeekly, true, Subscription{}),
			cand(16, orgA, FreqWeekly, true, Subscription{}),
			cand(16, orgA, FreqWeekly, true, follow(FollowBoard, 2)),
		}, "15:addressed:digest 16:addressed:digest"},
		// The store may fill OrgID only on the rows it found through the addressed organisation.
		{"addressed through one row only, in either order", newThread, []Candidate{
			cand(17, 0, FreqDaily, true, follow(FollowBoard, 2)),
			cand(17, orgA, FreqDaily, true, Subscription{}),
			cand(18, orgA, FreqDaily, true, Subscription{}),
			cand(18, 0, FreqDaily, true, follow(FollowBoard, 2)),
		}, "17:addressed:digest 18:addressed:digest"},
		{"disagreeing frequencies mail rather than miss", newThread, []Candidate{
			cand(11, 0, FreqWeekly, true, follow(FollowBoard, 2)),
			cand(11, 0, FreqImmediately, true, followTag("masks")),
			cand(11, 0, FreqNone, true, follow(FollowOrg, inNet)),
		}, "11:new_thread:now"},
		{"subscriptions that do not match are ignored", newThread, []Candidate{
			cand(12, 0, FreqImmediately, true, followTag("gowns")),
			cand(13, 0, FreqImmediately, true, follow(FollowBoard, 1)),
			cand(14, 0, FreqImmediately, true, follow(FollowOrg, orgB)),
			cand(16, 0, FreqImmediately, true, follow(FollowThread, 5)), // a thread's followers hear of posts
			cand(17, 0, FreqImmediately, true, Subscription{UserID: 99, Kind: FollowBoard, TargetID: 2}),
			cand(0, 0, FreqImmediately, true, follow(FollowBoard, 2)),
		}, ""},
		{"ordered by user", newThread, []Candidate{
			cand(30, 0, FreqDaily, true, follow(FollowBoard, 2)),
			cand(10, 0, FreqDaily, true, follow(FollowBoard, 2)),
			cand(20, orgA, FreqDaily, true, Subscription{}),
		}, "10:new_thread:digest 20:addressed:digest 30:new_thread:digest"},
		{"addressees added later", Event{Kind: EventAddressed, ActorID: 3, BoardID: 2, ThreadID: 5, ToUsers: []int64{52}}, []Candidate{
			cand(52, 0, FreqImmediately, true, Subscription{}),
			cand(50, 0, FreqImmediately, true, Subscription{}), // addressed before: not told again
			cand(10, 0, FreqImmediately, true, follow(FollowBoard, 2)),
		}, "52:addressed:now"},
		{"new answer to thread followers only", Event{Kind: EventNewPost, ActorID: 3, BoardID: 2, ThreadID: 5, PostID: 8, PostKind: PostAnswer}, []Candidate{
			cand(10, 0, FreqImmediately, true, follow(FollowThread, 5)),
			cand(11, 0, FreqImmediately, true, follow(FollowBoard, 2)),
			cand(12, 0, FreqImmediately, true, follow(FollowThread, 6)),
			cand(13, 0, FreqImmediately, false, follow(FollowThread, 5)),
			cand(3, 0, FreqImmediately, true, follow(FollowThread, 5)),
		}, "10:new_answer:now"},
		{"new comment", Event{Kind: EventNewPost, ActorID: 3, BoardID: 2, ThreadID: 5, PostID: 9, PostKind: PostComment},
			[]Candidate{cand(10, 0, FreqDaily, true, follow(FollowThread, 5))}, "10:new_comment:digest"},
		{"accepted", Event{Kind: EventAccepted, ActorID: 3, BoardID: 2, ThreadID: 5, PostID: 8, AnswerAuthorID: 20}, []Candidate{
			cand(20, 0, FreqNone, true, Subscription{}),
			cand(20, 0, FreqNone, true, follow(FollowThread, 5)),
			cand(10, 0, FreqDaily, true, follow(FollowThread, 5)),
			cand(11, 0, FreqDaily, true, Subscription{}),
		}, "10:accepted:digest 20:your_answer_accepted:in_app"},
		{"the asker accepting their own answer", Event{Kind: EventAccepted, ActorID: 3, BoardID: 2, ThreadID: 5, PostID: 8, AnswerAuthorID: 3},
			[]Candidate{cand(3, 0, FreqImmediately, true, follow(FollowThread, 5))}, ""},
		{"answer author who can no longer see", Event{Kind: EventAccepted, ActorID: 3, BoardID: 2, ThreadID: 5, PostID: 8, AnswerAuthorID: 20},
			[]Candidate{cand(20, 0, FreqImmediately, false, Subscription{})}, ""},
		{"no candidates", newThread, nil, ""},
	} {
		got := FanOut(tt.ev, tt.cands)
		if s := summary(got); s != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, s, tt.want)
		}
		for _, n := range got {
			if n.BoardID != tt.ev.BoardID || n.ThreadID != tt.ev.ThreadID || n.PostID != tt.ev.PostID || n.ActorID != tt.ev.ActorID ||
				!n.CreatedAt.Equal(tt.ev.At) || !n.Unread() {
				t.Errorf("%s: notification %+v does not describe the event", tt.name, n)
			}
		}
	}
}

func TestFanOutStorm(t *testing.T) {
	// 200,000 subscriptions of 10,000 users, twenty each, all matching: one notification each.
	ev := Event{Kind: EventNewThread, ActorID: 1, BoardID: 2, ThreadID: 5, Tags: []string{"masks"}}
	var cands []Candidate
	for i := range 200_000 {
		u := int64(i%10_000 + 1)
		cands = append(cands, cand(u, 0, FreqDaily, true, follow(FollowBoard, 2)))
	}
	got := FanOut(ev, cands)
	if len(got) != 9_999 { // everyone but the actor
		t.Fatalf("%d notifications", len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].UserID >= got[i].UserID {
			t.Fatalf("not one per user in order at %d", i)
		}
	}
}

func TestSubscriptionValidate(t *testing.T) {
	for _, tt := range []struct {
		s    Subscription
		want string
	}{
		{Subscription{Kind: FollowBoard, TargetID: 2}, ""},
		{Subscription{Kind: FollowTag, Tag: " Masks "}, ""},
		{Subscription{Kind: FollowTag}, "tag:board.tag_invalid"},
		{Subscription{Kind: FollowTag, Tag: "masks", TargetID: 3}, "tag:board.tag_invalid"},
		{Subscription{Kind: FollowThread}, "target:field.invalid"},
		{Subscription{Kind: FollowOrg, TargetID: 3, Tag: "x"}, "target:field.invalid"},
		{Subscription{Kind: "everything", TargetID: 3}, "kind:field.choice"},
	} {
		s := tt.s
		if got := strings.Join(keys(s.Validate()), " "); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.s, got, tt.want)
		}
	}
	s := Subscription{Kind: FollowTag, Tag: " ＭＡＳＫＳ "}
	if s.Validate() != nil || s.Tag != "masks" {
		t.Errorf("tag not normalised: %q", s.Tag)
	}
}

func TestFrequency(t *testing.T) {
	end := time.Date(2020, 3, 9, 6, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		f        Frequency
		delivery Delivery
		from     time.Time
		ok       bool
	}{
		{FreqNone, DeliverInApp, time.Time{}, false},
		{FreqImmediately, DeliverNow, time.Time{}, false},
		{FreqDaily, DeliverDigest, end.AddDate(0, 0, -1), true},
		{FreqWeekly, DeliverDigest, end.AddDate(0, 0, -7), true},
		{"hourly", DeliverInApp, time.Time{}, false},
	} {
		if got := DeliveryFor(tt.f); got != tt.delivery {
			t.Errorf("DeliveryFor(%s) = %s", tt.f, got)
		}
		p, ok := DigestPeriod(tt.f, end)
		if ok != tt.ok || !p.From.Equal(tt.from) || (ok && !p.To.Equal(end)) {
			t.Errorf("DigestPeriod(%s) = %+v, %v", tt.f, p, ok)
		}
		if tt.f.Valid() != (tt.f != "hourly") {
			t.Errorf("%s.Valid()", tt.f)
		}
	}
	if !DefaultFrequency.Valid() {
		t.Error("DefaultFrequency")
	}
}
