package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/store"
)

var _ practice.Store = (*store.DB)(nil)

// sdg17Targets are the targets Taipei's SDG17 page names as in effect in Taipei.
var sdg17Targets = []string{"17.6", "17.8", "17.13", "17.14", "17.16"}

// citedDocuments returns the documents a body's last line cites, or an error saying what is wrong
// with it.
func citedDocuments(body string) ([]string, error) {
	last := body[strings.LastIndex(body, "\n")+1:]
	rest, ok := strings.CutPrefix(last, sourceLine)
	if !ok {
		return nil, fmt.Errorf("last line %q does not start with %q", last, sourceLine)
	}
	docs := strings.Split(rest, "; ")
	for _, d := range docs {
		if !slices.Contains(documents, d) {
			return nil, fmt.Errorf("cites %q, which is not a reference document", d)
		}
	}
	return docs, nil
}

func TestEveryPracticeValidatesAndCitesItsDocuments(t *testing.T) {
	ids := map[string]int64{}
	for i, o := range organisations() {
		ids[o.Slug] = int64(i + 1)
	}
	lib := library()
	for _, d := range lib {
		if ids[d.Owner] == 0 {
			t.Errorf("%s: owner %q is not a demo organisation", d.Slug, d.Owner)
		}
	}
	recs, err := checkedPractices(lib, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range recs {
		if !strings.HasPrefix(p.Body, sampleNote) || !strings.HasSuffix(p.Summary, sampleSummary) {
			t.Errorf("%s: body or summary does not say it is sample text", p.Slug)
		}
		docs, err := citedDocuments(p.Body)
		if err != nil {
			t.Errorf("%s: %v", p.Slug, err)
		}
		if !slices.Equal(docs, lib[i].Docs) {
			t.Errorf("%s: cites %q, want %q", p.Slug, docs, lib[i].Docs)
		}
		if p.Lang != "en" || p.Visibility != practice.Public || len(p.AdaptedFrom) != 0 {
			t.Errorf("%s: lang %q, visibility %v, adapted from %v", p.Slug, p.Lang, p.Visibility, p.AdaptedFrom)
		}
		// SDG targets only from the SDG17 page, and only those it names.
		for _, code := range p.SDGTargets {
			if !slices.Contains(docs, docSDG17) || !slices.Contains(sdg17Targets, code) {
				t.Errorf("%s: SDG target %s, which its documents do not name", p.Slug, code)
			}
		}
	}
	// The handbook's summary cites its documents too.
	if _, err := citedDocuments(handbookSummary[strings.LastIndex(handbookSummary, sourceLine):]); err != nil {
		t.Errorf("handbook summary: %v", err)
	}
	// A wrong record stops the seed before it writes: an unknown category.
	bad := library()
	bad[0].Category = "astrology"
	if _, err := checkedPractices(bad, ids); err == nil {
		t.Error("a practice in an unknown category validated")
	}
}

// TestSeoulCountermeasuresAreTheNewslettersFour: the newsletter lists designated screening
// clinic, medical/disinfection services, economic support and campaigns, in that order.
func TestSeoulCountermeasuresAreTheNewslettersFour(t *testing.T) {
	var got []string
	for _, d := range library() {
		if d.Owner == "seoul" {
			got = append(got, d.Title)
		}
	}
	want := []string{"Designated screening clinic", "Medical/disinfection services", "Economic support", "Campaigns"}
	if !slices.Equal(got, want) {
		t.Errorf("Seoul's practices %q, want %q", got, want)
	}
}

// librarySnapshot renders every practice with its versions and translations, every handbook with
// its items, and the audit log, as text.
func librarySnapshot(t *testing.T, db *store.DB) string {
	t.Helper()
	ps, err := db.Practices(seeder, practice.Filter{Page: citypact.Page{Limit: citypact.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range ps {
		vs, err := db.Versions(seeder, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := db.Translations(seeder, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%+v\n%+v\n%+v\n", p, vs, ts)
	}
	hs, err := db.Handbooks(seeder, practice.HandbookFilter{Page: citypact.Page{Limit: citypact.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%+v\n", hs)
	log, err := db.AuditLog(context.Background(), audit.Filter{Page: citypact.Page{Limit: citypact.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "audit: %d entries\n", len(log))
	return b.String()
}

func TestSeedPractices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db := openStore(t, dsn)
		if _, err := Seed(seeder, db); err != nil {
			t.Fatal(err)
		}
		if err := SeedPractices(seeder, db, db); err != nil {
			t.Fatal(err)
		}

		// Seeding again changes nothing, not even the audit log.
		before := librarySnapshot(t, db)
		if err := SeedPractices(seeder, db, db); err != nil {
			t.Fatal(err)
		}
		if after := librarySnapshot(t, db); after != before {
			t.Errorf("second SeedPractices changed the library:\nbefore %s\nafter %s", before, after)
		}

		// A visitor sees every practice: all are published and public.
		ps, err := db.Practices(context.Background(), practice.Filter{Page: citypact.Page{Limit: citypact.MaxLimit}})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != len(library()) {
			t.Errorf("a visitor sees %d practices, want %d", len(ps), len(library()))
		}
		bySlug := map[string]practice.Practice{}
		for _, d := range library() {
			p, err := db.PracticeBySlug(context.Background(), d.Slug)
			if err != nil {
				t.Errorf("%s: %v", d.Slug, err)
				continue
			}
			bySlug[d.Slug] = p
			owner, err := db.OrganisationBySlug(context.Background(), d.Owner)
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != practice.Published || p.Visibility != practice.Public || p.Version != 1 || p.OwnerID != owner.ID {
				t.Errorf("%s: status %s, visibility %v, version %d, owner %d (want %d)", d.Slug, p.Status, p.Visibility, p.Version, p.OwnerID, owner.ID)
			}
			if _, err := citedDocuments(p.Body); err != nil {
				t.Errorf("%s: %v", d.Slug, err)
			}
			if ts, err := db.Translations(context.Background(), p.ID); err != nil || len(ts) != 0 {
				t.Errorf("%s: translations %+v, %v; the documents give none", d.Slug, ts, err)
			}
		}

		// The handbook lists Taipei's practices in order, and is shared with the platforms' hosts.
		taipei, err := db.OrganisationBySlug(context.Background(), "taipei")
		if err != nil {
			t.Fatal(err)
		}
		hs, err := db.Handbooks(context.Background(), practice.HandbookFilter{Owner: taipei.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(hs) != 1 || hs[0].Title != handbookTitle || hs[0].Visibility != practice.Public {
			t.Fatalf("Taipei's handbooks: %+v", hs)
		}
		items, hidden, err := db.HandbookItems(context.Background(), hs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, p := range items {
			got = append(got, p.Slug)
		}
		for _, d := range library() {
			if d.Owner == "taipei" {
				want = append(want, d.Slug)
			}
		}
		if hidden != 0 || !slices.Equal(got, want) {
			t.Errorf("handbook items %q (%d hidden), want %q", got, hidden, want)
		}
		var shares []int64
		for _, s := range handbookShares {
			o, err := db.OrganisationBySlug(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			shares = append(shares, o.ID)
		}
		slices.Sort(shares)
		if !slices.Equal(hs[0].SharedWith, shares) {
			t.Errorf("handbook shared with %v, want %v", hs[0].SharedWith, shares)
		}

		// Full-text search finds the samples.
		res, err := db.Search(context.Background(), practice.SearchQuery{Text: "GO SMART"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].Practice.ID != bySlug["taipei-smart-city-poc"].ID {
			t.Errorf("searching GO SMART: %+v", res.Hits)
		}
	})
}

// TestSeedPracticesLeavesOtherDataAlone: a real practice on a demo slug stops SeedPractices
// before it writes.
func TestSeedPracticesLeavesOtherDataAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db := openStore(t, dsn)
		if _, err := Seed(seeder, db); err != nil {
			t.Fatal(err)
		}
		seoul, err := db.OrganisationBySlug(context.Background(), "seoul")
		if err != nil {
			t.Fatal(err)
		}
		theirs := practice.Practice{Slug: "seoul-economic-support", OwnerID: seoul.ID, Title: "Economic support",
			Body: "Written by Seoul.", Lang: "ko", Category: "economic-support", Visibility: practice.Public}
		if err := db.CreatePractice(seeder, &theirs); err != nil {
			t.Fatal(err)
		}
		err = SeedPractices(seeder, db, db)
		if citypact.KindOf(err) != citypact.KindConflict {
			t.Fatalf("SeedPractices over a real practice: %v", err)
		}
		for _, d := range library() {
			if d.Slug == theirs.Slug {
				continue
			}
			if _, err := db.PracticeBySlug(seeder, d.Slug); citypact.KindOf(err) != citypact.KindNotFound {
				t.Errorf("%s after the refused SeedPractices: %v", d.Slug, err)
			}
		}
		got, err := db.PracticeBySlug(seeder, theirs.Slug)
		if err != nil || got.Body != theirs.Body || got.Status != practice.Draft {
			t.Errorf("their practice after the refused SeedPractices: %+v, %v", got, err)
		}
	})
}

// TestSeedPracticesNeedsTheDirectory: without Seed, the owners are missing and nothing is written.
func TestSeedPracticesNeedsTheDirectory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db := openStore(t, dsn)
		if err := SeedPractices(seeder, db, db); citypact.KindOf(err) != citypact.KindNotFound {
			t.Fatalf("SeedPractices without the directory: %v", err)
		}
	})
}
