package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/markdown"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/search"
	"github.com/citypact/citypact/internal/search/searchtest"
	"github.com/citypact/citypact/internal/store"
)

// sampleLangs maps the sample's language codes to practices' tags.
var sampleLangs = map[string]string{"ko": "ko", "zh": "zh-TW", "ja": "ja", "en": "en"}

// TestSearchRecall loads the labelled sample as public practices and checks, on both engines,
// that every query finds every relevant document (100% recall, CJK terms included), and exactly
// the documents the normaliser says its index matches (the engine adds and loses nothing).
func TestSearchRecall(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		docs := searchtest.Documents()
		byPractice := map[int64]searchtest.Document{}
		for _, d := range docs {
			p := practice.Practice{OwnerID: l.seoul.ID, Title: "Document", Body: d.Text, Lang: sampleLangs[d.Lang],
				Category: "education", Visibility: practice.Public}
			p = l.mustPublished(t, as(l.seoulEd), p)
			byPractice[p.ID] = d
		}
		relevantPairs := 0
		for _, sq := range searchtest.Queries {
			res, err := l.db.Search(visitor, practice.SearchQuery{Text: sq.Text, Limit: practice.MaxSearchLimit})
			if err != nil {
				t.Fatalf("%q: %v", sq.Text, err)
			}
			q := search.Parse(sq.Text)
			var found, relevant, matches []int
			for _, h := range res.Hits {
				found = append(found, byPractice[h.Practice.ID].ID)
			}
			for _, d := range docs {
				if searchtest.Relevant(d.Text, sq.Text) {
					relevant = append(relevant, d.ID)
				}
				if q.Matches("Document\n\n" + markdown.Plain(d.Text, 0)) {
					matches = append(matches, d.ID)
				}
			}
			slices.Sort(found)
			relevantPairs += len(relevant)
			if len(res.Hits) != res.Total || res.TotalCapped {
				t.Errorf("%q: %d hits of %d (capped %v)", sq.Text, len(res.Hits), res.Total, res.TotalCapped)
			}
			for _, id := range relevant {
				if !slices.Contains(found, id) {
					t.Errorf("%s recall: %q misses document %d %q", sq.Lang, sq.Text, id, docs[id-1].Text)
				}
			}
			if !slices.Equal(found, matches) {
				t.Errorf("%q finds %v, the normaliser matches %v", sq.Text, found, matches)
			}
		}
		t.Logf("%d queries, %d relevant pairs, all found", len(searchtest.Queries), relevantPairs)
	})
}

func TestSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		db, ed := l.db, as(l.seoulEd)
		mk := func(ctx context.Context, owner int64, title, body string, mod func(p *practice.Practice)) practice.Practice {
			p := newPractice(owner, title)
			p.Body = body
			if mod != nil {
				mod(&p)
			}
			return l.mustPublished(t, ctx, p)
		}
		once := mk(ed, l.seoul.ID, "Quarantine hotels", "Guests stay in quarantine for fourteen days.", nil)
		thrice := mk(ed, l.seoul.ID, "Hotel quarantine", "Quarantine, quarantine and more quarantine: the quarantine hotel.", func(p *practice.Practice) {
			p.Category, p.SDGTargets = "border-quarantine", []string{"3.b"}
		})
		taipei := mk(as(l.taipeiEd), l.taipei.ID, "防疫旅館", "居家檢疫者入住防疫旅館 quarantine", func(p *practice.Practice) {
			p.Lang, p.Visibility = "zh-TW", practice.Partners
			p.PeriodFrom, p.PeriodTo = day(2021, 1, 1), time.Time{}
		})
		tokyo := mk(as(l.tokyoEd), l.tokyo.ID, "宿泊療養", "軽症者はホテルで療養する。quarantine は十四日。", func(p *practice.Practice) {
			p.Lang, p.Visibility = "ja", practice.Network(l.net.ID)
			p.PeriodFrom, p.PeriodTo = day(2019, 1, 1), day(2019, 12, 31)
		})

		for _, c := range []struct {
			ctx  context.Context
			q    practice.SearchQuery
			want []int64
		}{
			// Ranking: more occurrences in a shorter document first.
			{visitor, practice.SearchQuery{Text: "quarantine"}, []int64{thrice.ID, once.ID}},
			// Visibility: partners and networks.
			{as(l.taipeiMember), practice.SearchQuery{Text: "quarantine", Owner: l.taipei.ID}, []int64{taipei.ID}},
			{ed, practice.SearchQuery{Text: "quarantine", Owner: l.tokyo.ID}, []int64{tokyo.ID}},
			{as(l.taipeiEd), practice.SearchQuery{Text: "quarantine", Owner: l.tokyo.ID}, []int64{}},
			{visitor, practice.SearchQuery{Text: "防疫"}, []int64{}},
			// Filters.
			{ed, practice.SearchQuery{Text: "quarantine", Category: "border-quarantine"}, []int64{thrice.ID}},
			{ed, practice.SearchQuery{Text: "quarantine", SDG: "3.b"}, []int64{thrice.ID}},
			{ed, practice.SearchQuery{Text: "quarantine", Lang: "ja"}, []int64{tokyo.ID}},
			{ed, practice.SearchQuery{Text: "quarantine", Country: "jp"}, []int64{tokyo.ID}},
			{ed, practice.SearchQuery{Text: "quarantine", Country: "TW"}, []int64{taipei.ID}},
			{ed, practice.SearchQuery{Text: "quarantine", PeriodFrom: day(2022, 1, 1)}, []int64{taipei.ID}},
			{ed, practice.SearchQuery{Text: "quarantine", PeriodFrom: day(2019, 6, 1), PeriodTo: day(2019, 6, 2)}, []int64{tokyo.ID}},
			{ed, practice.SearchQuery{Text: "quarantine", PeriodTo: day(2019, 12, 31), Owner: l.tokyo.ID}, []int64{tokyo.ID}},
			{ed, practice.SearchQuery{Text: "quarantine", PeriodTo: day(2018, 12, 31)}, []int64{}},
			{ed, practice.SearchQuery{Text: "quarantine", Limit: 1}, []int64{thrice.ID}},
			// Words, phrases, CJK inside longer runs, variants.
			{ed, practice.SearchQuery{Text: `"quarantine hotels"`}, []int64{once.ID}},
			{ed, practice.SearchQuery{Text: `"hotels quarantine"`}, []int64{}},
			{ed, practice.SearchQuery{Text: "檢疫 旅館"}, []int64{taipei.ID}},
			{ed, practice.SearchQuery{Text: "療養"}, []int64{tokyo.ID}},
			{ed, practice.SearchQuery{Text: "ｑｕａｒａｎｔｉｎｅ 療"}, []int64{tokyo.ID}},
			// * is not an operator: a word is a whole word.
			{ed, practice.SearchQuery{Text: "hotel*"}, []int64{thrice.ID}},
		} {
			got := searchIDs(t, db, c.ctx, c.q)
			if !slices.Equal(got, c.want) {
				t.Errorf("Search(%+v) = %v, want %v", c.q, got, c.want)
			}
		}

		// Hits carry their text, a score and a marked snippet.
		res, err := db.Search(as(l.taipeiMember), practice.SearchQuery{Text: "旅館", Owner: l.taipei.ID})
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		h := res.Hits[0]
		if h.Lang != "zh-TW" || h.Title != "防疫旅館" || h.Score <= 0 || !hasHit(h) || h.Practice.Summary != taipei.Summary {
			t.Errorf("hit %+v", h)
		}
		for _, s := range h.Snippet {
			if strings.ContainsAny(s.Text, "*#") {
				t.Errorf("snippet shows markup: %+v", h.Snippet)
			}
		}

		// Query syntax is never syntax, and long input is refused or cut, never an error of the
		// engine (what a query may cost is search.Parse's limits, tested there).
		junk := `quarantine" OR NEAR(a b) * ^col: AND -x {}[]()'\ `
		long := strings.Repeat(junk, 10000/len(junk)+1)[:10000]
		for _, text := range []string{`"`, `quarantine*`, `NEAR(quarantine hotel)`, `quarantine OR hotel`, `col:quarantine`,
			`-quarantine`, `'quarantine'`, `quarantine\`, `hotel & quarantine | x`, `!quarantine:*`, `(quarantine`, `^quarantine`, long,
			strings.Repeat("확", 10000), strings.Repeat("a ", 5000)} {
			_, err := db.Search(ed, practice.SearchQuery{Text: text})
			if err != nil && citypact.KindOf(err) != citypact.KindInvalid {
				t.Errorf("Search(%.40q): %v", text, err)
			}
		}
		if got := searchIDs(t, db, ed, practice.SearchQuery{Text: `NEAR(quarantine hotels)`}); len(got) != 0 {
			t.Errorf("NEAR is a word, not an operator: %v", got)
		}
		if got := searchIDs(t, db, ed, practice.SearchQuery{Text: `quarantine OR nothing`}); len(got) != 0 {
			t.Errorf("OR is a word, not an operator: %v", got)
		}
	})
}

// TestSearchCapsTotal lowers the candidate bound to check that totals beyond it are reported as
// lower bounds, that exactly the bound is not, and that the newest documents are the ones ranked.
func TestSearchCapsTotal(t *testing.T) {
	defer store.SetSearchCandidates(5)()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		var ps []practice.Practice
		for i := range 7 {
			ps = append(ps, l.mustPublished(t, as(l.seoulEd), newPractice(l.seoul.ID, fmt.Sprintf("Curfew %d", i))))
		}
		res, err := l.db.Search(visitor, practice.SearchQuery{Text: "curfew", Limit: 100})
		if err != nil || res.Total != 5 || !res.TotalCapped || len(res.Hits) != 5 {
			t.Fatalf("capped: total %d capped %v, %d hits, %v", res.Total, res.TotalCapped, len(res.Hits), err)
		}
		var got []int64
		for _, h := range res.Hits {
			got = append(got, h.Practice.ID)
			// Each hit's snippet is cut from its own text ("How Curfew 3 worked. …").
			var snippet strings.Builder
			for _, s := range h.Snippet {
				snippet.WriteString(s.Text)
			}
			if !strings.Contains(snippet.String(), h.Practice.Title+" ") {
				t.Errorf("hit %q has the snippet %q", h.Practice.Title, snippet.String())
			}
		}
		if want := ids(ps[2:]); !slices.Equal(sorted(got), sorted(want)) {
			t.Errorf("ranked %v, want the newest %v", got, want)
		}
		res, _ = l.db.Search(visitor, practice.SearchQuery{Text: "curfew", Owner: l.seoul.ID, Category: "contact-tracing", Limit: 2})
		if res.Total != 5 || !res.TotalCapped || len(res.Hits) != 2 {
			t.Errorf("limit 2: %+v", res)
		}
		if err := l.db.SetStatus(as(l.seoulEd), ps[6].ID, practice.Retired); err != nil {
			t.Fatal(err)
		}
		if err := l.db.SetStatus(as(l.seoulEd), ps[5].ID, practice.Retired); err != nil {
			t.Fatal(err)
		}
		res, _ = l.db.Search(visitor, practice.SearchQuery{Text: "curfew"})
		if res.Total != 5 || res.TotalCapped {
			t.Errorf("exactly the bound: total %d capped %v", res.Total, res.TotalCapped)
		}

		// A word PostgreSQL's statistics know for common: the query by tiers, with and without a
		// filter on the practice.
		defer store.SetSearchCandidates(1)()
		defer l.db.SetWordStats(map[string]float64{"curfew": 1e6})()
		for _, q := range []practice.SearchQuery{{Text: "curfew", Retired: true}, {Text: "curfew", Retired: true, Owner: l.seoul.ID}} {
			res, err := l.db.Search(visitor, q)
			if err != nil || res.Total != 1 || !res.TotalCapped || len(res.Hits) != 1 || res.Hits[0].Practice.ID != ps[6].ID {
				t.Errorf("bound 1, %+v: %+v, %v", q, res, err)
			}
		}
	})
}

// TestSearchIndexIsTransactional checks that a publish that fails leaves the index as it was.
func TestSearchIndexIsTransactional(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		ed := as(l.seoulEd)
		p := l.mustPublished(t, ed, newPractice(l.seoul.ID, "Lanterns"))
		other := newPractice(l.seoul.ID, "Other")
		other.Slug = "other"
		l.mustPublished(t, ed, other)
		p.Title, p.Slug = "Fireworks", "other" // taken: the publish fails
		_, err := l.db.Publish(ed, &p, "")
		wantField(t, "taken slug", err, "slug", "practice.slug_taken")
		if got := searchIDs(t, l.db, visitor, practice.SearchQuery{Text: "fireworks"}); len(got) != 0 {
			t.Errorf("a failed publish was indexed: %v", got)
		}
		if got := searchIDs(t, l.db, visitor, practice.SearchQuery{Text: "lanterns"}); !slices.Equal(got, []int64{p.ID}) {
			t.Errorf("the published text is no longer found: %v", got)
		}
	})
}

// TestSearchFollowsStatusAndVisibility: a practice's original and translation are found by whom
// the practice's current status and visibility allow, after each change (PostgreSQL keeps both in
// the search documents' rows, which every change must update, translations' included).
func TestSearchFollowsStatusAndVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		db, ed := l.db, as(l.seoulEd)
		p := newPractice(l.seoul.ID, "Screening clinics")
		p.Body = "Drive-through screening."
		p = l.mustPublished(t, ed, p)
		tr := practice.Translation{PracticeID: p.ID, Lang: "ko", Title: "선별진료소", Body: "드라이브스루 선별진료소", Version: p.Version}
		if err := db.SaveTranslation(ed, &tr); err != nil {
			t.Fatal(err)
		}
		type who struct {
			ctx     context.Context
			retired bool
			found   bool
		}
		check := func(step string, cases ...who) {
			t.Helper()
			for _, c := range cases {
				for _, text := range []string{"screening", "선별"} {
					got := searchIDs(t, db, c.ctx, practice.SearchQuery{Text: text, Retired: c.retired})
					if want := c.found; (len(got) == 1 && got[0] == p.ID) != want || len(got) > 1 {
						t.Errorf("%s: %q (retired %v) found %v, want found %v", step, text, c.retired, got, want)
					}
				}
			}
		}
		check("public", who{visitor, false, true}, who{as(l.taipeiMember), false, true})

		p.Visibility = practice.Partners
		if _, err := db.Publish(ed, &p, "partners only"); err != nil {
			t.Fatal(err)
		}
		check("partners", who{visitor, false, false}, who{as(l.tokyoEd), false, false}, who{as(l.taipeiMember), false, true},
			who{ctxAs(admin), false, true}, who{as(l.seoulMember), false, true})

		p.Visibility = practice.Public
		if _, err := db.Publish(ed, &p, "public again"); err != nil {
			t.Fatal(err)
		}
		check("public again", who{visitor, false, true}, who{as(l.tokyoEd), false, true})

		if err := db.SetStatus(ed, p.ID, practice.Retired); err != nil {
			t.Fatal(err)
		}
		check("retired", who{visitor, false, false}, who{visitor, true, true}, who{as(l.tokyoEd), false, false})

		if err := db.SetStatus(ed, p.ID, practice.Published); err != nil {
			t.Fatal(err)
		}
		check("published again", who{visitor, false, true})
	})
}

// TestSearchCountsAfterMigration: migration 17 builds the word counts of documents already
// stored. Two practices of equal length hold a word once and five times; the one with the word
// once is newer, so with the counts lost (every word once) it would rank first, as a tie goes to
// the newer document. After going down to 16 and up again, the five times still rank first.
func TestSearchCountsAfterMigration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		db, ctx := l.db, context.Background()
		filler := func(n int) string { return strings.Repeat("city ", n) }
		many := newPractice(l.seoul.ID, "Hotels")
		many.Body = strings.Repeat("quarantine ", 5) + filler(20)
		many = l.mustPublished(t, as(l.seoulEd), many)
		once := newPractice(l.seoul.ID, "Hotels")
		once.Body = "quarantine " + filler(24)
		once = l.mustPublished(t, as(l.seoulEd), once)
		want := []int64{many.ID, once.ID}
		if got := searchIDs(t, db, visitor, practice.SearchQuery{Text: "quarantine"}); !slices.Equal(got, want) {
			t.Fatalf("before: %v, want %v", got, want)
		}
		if err := db.MigrateTo(ctx, 16); err != nil {
			t.Fatalf("down to 16: %v", err)
		}
		if err := db.MigrateTo(ctx, 17); err != nil {
			t.Fatalf("up to 17: %v", err)
		}
		if got := searchIDs(t, db, visitor, practice.SearchQuery{Text: "quarantine"}); !slices.Equal(got, want) {
			t.Errorf("after down and up: %v, want %v", got, want)
		}
	})
}
