package demo

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
)

func TestEveryBoardThreadValidatesAndCitesItsDocuments(t *testing.T) {
	if err := checkBoards(demoBoards(), demoThreads()); err != nil {
		t.Fatal(err)
	}
	for _, d := range demoThreads() {
		for _, text := range []struct {
			what string
			body string
			docs []string
		}{{"thread", sampleText(d.Body, d.Docs), d.Docs}} {
			if !strings.HasPrefix(text.body, sampleNote) {
				t.Errorf("%q: the %s does not say it is sample text", d.Title, text.what)
			}
			if _, err := citedDocuments(text.body); err != nil {
				t.Errorf("%q: %v", d.Title, err)
			}
		}
		if d.Answer != nil {
			if _, err := citedDocuments(sampleText(d.Answer.Body, d.Answer.Docs)); err != nil {
				t.Errorf("answer to %q: %v", d.Title, err)
			}
		}
	}
	for _, b := range demoBoards() {
		if !strings.HasSuffix(b.record().Description, boardSample) {
			t.Errorf("board %s does not say it is a sample", b.Slug)
		}
	}
	// A wrong record stops the seed before it writes: a thread on a board that is not a demo
	// board, a supply thread without a product.
	bad := demoThreads()
	bad[0].Board = "nowhere"
	if err := checkBoards(demoBoards(), bad); err == nil {
		t.Error("a thread on an unknown board passed")
	}
	bad = demoThreads()
	bad[1].Supply = &board.SupplyInfo{}
	if err := checkBoards(demoBoards(), bad); err == nil {
		t.Error("a supply thread without a product passed")
	}
}

// boardsSnapshot renders the demo boards, their threads and posts as a visitor sees them.
func boardsSnapshot(t *testing.T, bs board.Store) string {
	t.Helper()
	ctx := context.Background()
	var out strings.Builder
	for _, d := range demoBoards() {
		b, err := bs.BoardBySlug(ctx, d.Slug)
		if err != nil {
			t.Fatalf("board %s: %v", d.Slug, err)
		}
		fmt.Fprintf(&out, "board %s %s %s\n", b.Slug, b.Kind, b.Scope)
		ts, err := bs.Threads(ctx, board.ThreadFilter{Board: b.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range ts {
			fmt.Fprintf(&out, "  thread %q by org %d to %v practices %d accepted %t\n", th.Title, th.AuthorOrgID, th.ToOrgs, len(th.Practices), th.AcceptedID != 0)
			ps, err := bs.Posts(ctx, th.ID, citypact.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				fmt.Fprintf(&out, "    %s by org %d\n", p.Kind, p.AuthorOrgID)
			}
		}
	}
	return out.String()
}

func TestSeedBoards(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db := openStore(t, dsn)
		if _, err := Seed(seeder, db); err != nil {
			t.Fatal(err)
		}
		if err := SeedPractices(seeder, db, db); err != nil {
			t.Fatal(err)
		}
		bs := db.BoardStore()
		if err := SeedBoards(seeder, bs, db, db, db); err != nil {
			t.Fatal(err)
		}
		before := boardsSnapshot(t, bs)
		if err := SeedBoards(seeder, bs, db, db, db); err != nil {
			t.Fatal(err)
		}
		if after := boardsSnapshot(t, bs); after != before {
			t.Errorf("a second SeedBoards changed the boards:\nbefore %s\nafter %s", before, after)
		}

		ctx := context.Background()
		seoul, err := db.OrganisationBySlug(ctx, "seoul")
		if err != nil {
			t.Fatal(err)
		}
		taipei, err := db.OrganisationBySlug(ctx, "taipei")
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`  thread %q by org %d to [%d] practices 1 accepted true
    answer by org %d
`, demoThreads()[0].Title, taipei.ID, seoul.ID, seoul.ID)
		if !strings.Contains(before, want) {
			t.Errorf("the question to Seoul, answered by Seoul and accepted, is not on the boards:\n%s", before)
		}
		for _, d := range demoThreads() {
			if !strings.Contains(before, fmt.Sprintf("%q", d.Title)) {
				t.Errorf("a visitor does not see %q", d.Title)
			}
		}
		// Every thread and post says it is sample text and cites its documents.
		for _, d := range demoBoards() {
			b, _ := bs.BoardBySlug(ctx, d.Slug)
			ts, _ := bs.Threads(ctx, board.ThreadFilter{Board: b.ID})
			for _, th := range ts {
				if _, err := citedDocuments(th.Body); err != nil || !strings.HasPrefix(th.Body, sampleNote) {
					t.Errorf("%q: not marked as sample text citing its documents (%v)", th.Title, err)
				}
				if th.Supply != nil && (th.Supply.UnitPrice != 0 || th.Supply.Currency != "" || th.Supply.Quantity != 0) {
					t.Errorf("%q: supply fields the documents do not give: %+v", th.Title, th.Supply)
				}
			}
		}
		// Nobody can sign in as a city: the authors are disabled.
		for _, slug := range []string{"seoul", "taipei"} {
			u, err := db.UserByEmail(ctx, authorEmail(slug))
			if err != nil || !u.Disabled || !strings.HasSuffix(u.Name, authorMark) {
				t.Errorf("demo author of %s: %v, disabled %t, name %q", slug, err, u.Disabled, u.Name)
			}
		}

		// A board with a demo slug that is not demo data stops the seed.
		fresh := openStore(t, dbtest.SQLite(t))
		if _, err := Seed(seeder, fresh); err != nil {
			t.Fatal(err)
		}
		if err := SeedPractices(seeder, fresh, fresh); err != nil {
			t.Fatal(err)
		}
		theirs := board.Board{Slug: "professional-material", Kind: board.KindMaterial, Scope: board.PublicScope, Names: map[string]string{"en": "Ours"}}
		admin, err := author(seeder, fresh, directory.Organisation{})
		if err != nil {
			t.Fatal(err)
		}
		if err := fresh.BoardStore().CreateBoard(citypact.WithActor(ctx, admin), &theirs); err != nil {
			t.Fatal(err)
		}
		if err := SeedBoards(seeder, fresh.BoardStore(), fresh, fresh, fresh); citypact.KindOf(err) != citypact.KindConflict {
			t.Errorf("seeding over a board that is not demo data: %v", err)
		}
		if bs, err := fresh.BoardStore().Boards(ctx, board.BoardFilter{}); err != nil || len(bs) != 1 {
			t.Errorf("the refused seed wrote boards: %v, %d", err, len(bs))
		}
	})
}
