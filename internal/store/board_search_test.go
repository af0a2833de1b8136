package store_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/search"
	"github.com/citypact/citypact/internal/store"
)

// boardHits searches the boards as ctx's actor and returns the ids of the threads found and, for
// each, the post that matched (0: the thread's own text).
func boardHits(t *testing.T, bs *store.BoardStore, ctx context.Context, text string) (threads, posts []int64) {
	t.Helper()
	res, err := bs.Search(ctx, board.SearchQuery{Text: text})
	if err != nil {
		t.Fatalf("Search(%q): %v", text, err)
	}
	threads, posts = []int64{}, []int64{}
	for _, h := range res.Hits {
		threads = append(threads, h.Thread.ID)
		posts = append(posts, h.PostID)
	}
	return threads, posts
}

// TestBoardSearch finds threads by their text, their posts' and their translations', in
// Korean, Chinese and English, as each reader may see them: a network's thread only for its
// members, nothing a moderator hid, and the index follows edits, translations and moderation in
// the transactions that make them.
func TestBoardSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		bs := f.bs
		public := board.Thread{BoardID: f.public.ID, Title: "선별진료소 운영", Body: "확진자가 늘어 **선별진료소**를 늘렸습니다.", Lang: "ko", Tags: []string{"clinics"}}
		if err := bs.CreateThread(as(f.seoulMember), &public); err != nil {
			t.Fatal(err)
		}
		network := board.Thread{BoardID: f.network.ID, Title: "防疫物資的分配", Body: "請問各城市如何分配口罩？", Lang: "zh-TW"}
		if err := bs.CreateThread(as(f.tokyoEd), &network); err != nil {
			t.Fatal(err)
		}
		answer := f.mustPost(t, as(f.tokyoEd), public, board.PostAnswer, "We screened travellers at drive-through stations.")
		*f.now = f.now.Add(time.Hour) // past the rate limit

		for _, c := range []struct {
			who   string
			ctx   context.Context
			text  string
			want  []int64
			posts []int64
		}{
			{"visitor, Korean two-character term inside a word", visitor, "확진", []int64{public.ID}, []int64{0}},
			{"visitor, a network's thread is not found", visitor, "防疫", []int64{}, nil},
			{"member of another organisation", as(f.berlinMember), "防疫", []int64{}, nil},
			{"member of the network finds it", as(f.seoulMember), "防疫", []int64{network.ID}, []int64{0}},
			{"a Chinese two-character term", as(f.tokyoEd), "口罩", []int64{network.ID}, []int64{0}},
			{"an answer's words find its thread", visitor, "drive-through", []int64{public.ID}, []int64{answer.ID}},
			{"tags are searched", visitor, "clinics", []int64{public.ID}, []int64{0}},
			{"markup is not a word", visitor, "**", nil, nil},
			{"admin sees every board", as(f.admin), "防疫", []int64{network.ID}, []int64{0}},
		} {
			t.Run(c.who, func(t *testing.T) {
				res, err := bs.Search(c.ctx, board.SearchQuery{Text: c.text})
				if c.want == nil {
					wantKind(t, "empty query", err, citypact.KindInvalid, "")
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				got, posts := []int64{}, []int64{}
				for _, h := range res.Hits {
					got = append(got, h.Thread.ID)
					posts = append(posts, h.PostID)
					if !slices.ContainsFunc(h.Snippet, func(s search.Segment) bool { return s.Hit }) {
						t.Errorf("hit %d: no highlighted match in its snippet %v", h.Thread.ID, h.Snippet)
					}
				}
				if !slices.Equal(got, c.want) || (c.posts != nil && !slices.Equal(posts, c.posts)) {
					t.Errorf("threads %v posts %v, want %v %v", got, posts, c.want, c.posts)
				}
			})
		}

		// A translation is found in its own language, and the hit's title is the translated one.
		tr := board.Translation{ThreadID: public.ID, Lang: "en", Title: "Running screening clinics", Body: "Confirmed cases rose, so we opened more clinics.", Version: public.Version}
		if err := bs.SaveTranslation(as(f.taipeiMember), &tr); err != nil {
			t.Fatal(err)
		}
		res, err := bs.Search(visitor, board.SearchQuery{Text: "confirmed cases"})
		if err != nil || len(res.Hits) != 1 || res.Hits[0].Title != "Running screening clinics" || res.Hits[0].Lang != "en" {
			t.Fatalf("translation search: %+v, %v", res.Hits, err)
		}

		// Edits replace the old text's words.
		public.Title, public.Body = "임시 선별진료소", "검사 대기 시간을 줄였습니다."
		if err := bs.UpdateThread(as(f.seoulMember), &public); err != nil {
			t.Fatal(err)
		}
		if got, _ := boardHits(t, bs, visitor, "확진"); len(got) != 0 {
			t.Errorf("after the edit, the old text still finds %v", got)
		}
		if got, _ := boardHits(t, bs, visitor, "대기"); !slices.Equal(got, []int64{public.ID}) {
			t.Errorf("after the edit, the new text finds %v", got)
		}
		answer.Body = "We screened travellers at walk-through booths."
		if err := bs.UpdatePost(as(f.tokyoEd), &answer); err != nil {
			t.Fatal(err)
		}
		if got, _ := boardHits(t, bs, visitor, "drive-through"); len(got) != 0 {
			t.Errorf("after the post's edit, the old text finds %v", got)
		}

		// What a moderator hides is found by nobody, and found again once shown.
		mod := func(act board.Action, post int64) {
			t.Helper()
			if err := bs.Moderate(as(f.admin), board.Moderation{Action: act, ThreadID: public.ID, PostID: post, Note: "test"}); err != nil {
				t.Fatalf("Moderate %s: %v", act, err)
			}
		}
		mod(board.ActHide, answer.ID)
		for _, ctx := range []context.Context{visitor, as(f.tokyoEd), as(f.admin)} {
			if got, _ := boardHits(t, bs, ctx, "walk-through"); len(got) != 0 {
				t.Errorf("a hidden post is found: %v", got)
			}
		}
		mod(board.ActUnhide, answer.ID)
		if got, _ := boardHits(t, bs, visitor, "walk-through"); !slices.Equal(got, []int64{public.ID}) {
			t.Errorf("an unhidden post is not found again: %v", got)
		}
		mod(board.ActHide, 0)
		for _, q := range []string{"대기", "walk-through", "confirmed"} {
			if got, _ := boardHits(t, bs, as(f.seoulMember), q); len(got) != 0 {
				t.Errorf("%q finds a hidden thread (its text, a post, a translation): %v", q, got)
			}
		}
	})
}

// TestBoardSearchBadQueries: whatever is typed, a search answers or says the query is empty,
// never an engine error; and the candidates stay bounded.
func TestBoardSearchBadQueries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newForum(t, dsn)
		for i := range 4 {
			th := board.Thread{BoardID: f.public.ID, Title: "Mask stock " + strings.Repeat("x", i+1), Body: "Masks NEAR gowns AND \"quotes\" OR *stars*", Lang: "en"}
			if err := f.bs.CreateThread(as(f.seoulMember), &th); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{`"`, `mask*`, `NEAR(mask gowns)`, `mask AND OR NOT`, `'; DROP TABLE threads; --`, `col:mask`,
			`^mask`, `(mask`, `mask -gowns`, `\`, `'mask'`, `{mask}`, `mask:*`, `a & b | !c <-> d`, strings.Repeat("마스크 ", 2000),
			strings.Repeat("x", 10000), strings.Repeat(`"a" `, 2500)} {
			_, err := f.bs.Search(visitor, board.SearchQuery{Text: q})
			if err != nil && citypact.KindOf(err) != citypact.KindInvalid {
				t.Errorf("Search(%.40q): %v", q, err)
			}
		}
		defer store.SetBoardSearchCandidates(2)()
		res, err := f.bs.Search(visitor, board.SearchQuery{Text: "masks"})
		if err != nil || res.Total != 2 || !res.TotalCapped || len(res.Hits) != 2 {
			t.Errorf("bounded search: total %d capped %v hits %d, %v", res.Total, res.TotalCapped, len(res.Hits), err)
		}
	})
}

// TestBoardSearchTiers: with every thread in its own block of ids, the PostgreSQL candidate
// query reads its three tiers in turn, newest first, and SQLite its index newest first; either
// way the bound keeps the newest matches, and a word only the oldest thread has is still found.
func TestBoardSearchTiers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		defer store.SetBoardBucketBits(9)() // one thread id a block
		f := newForum(t, dsn)
		var ids []int64
		for i := range 24 {
			if i%board.PostsPerMinute == 0 {
				*f.now = f.now.Add(time.Hour)
			}
			body := "Stock of gowns, week " + strconv.Itoa(i)
			if i == 0 {
				body += ". Also aprons."
			}
			th := board.Thread{BoardID: f.public.ID, Title: "Gowns " + strconv.Itoa(i), Body: body, Lang: "en"}
			if err := f.bs.CreateThread(as(f.seoulMember), &th); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, th.ID)
		}
		if got, _ := boardHits(t, f.bs, visitor, "aprons"); !slices.Equal(got, ids[:1]) {
			t.Errorf("a word of the oldest thread finds %v, want %v", got, ids[:1])
		}
		res, err := f.bs.Search(visitor, board.SearchQuery{Text: "gowns", Limit: 100})
		if err != nil || res.Total != len(ids) || res.TotalCapped {
			t.Fatalf("all: total %d capped %v, %v", res.Total, res.TotalCapped, err)
		}
		defer store.SetBoardSearchCandidates(3)()
		got, _ := boardHits(t, f.bs, visitor, "gowns")
		slices.Sort(got)
		if want := ids[len(ids)-3:]; !slices.Equal(got, want) {
			t.Errorf("bounded: threads %v, want the newest %v", got, want)
		}
	})
}
