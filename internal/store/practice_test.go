package store_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/search"
	"github.com/citypact/citypact/internal/store"
)

// library is a store with three cities, a network, and their staff: Seoul and Taipei are sister
// cities, Tokyo belongs to the network, and nobody else is related.
type library struct {
	db                     *store.DB
	now                    *time.Time
	seoul, taipei, tokyo   directory.Organisation
	net                    directory.Organisation
	seoulEd, seoulMember   account.User
	taipeiEd, taipeiMember account.User
	tokyoEd                account.User
}

func newLibrary(t *testing.T, dsn string) *library {
	t.Helper()
	db, now := open(t, dsn)
	l := &library{db: db, now: now}
	l.seoul = mustCreate(t, db, city("seoul", "KR", "ko", "서울특별시", "en", "Seoul"))
	l.taipei = mustCreate(t, db, city("taipei", "TW", "zh-TW", "臺北市", "en", "Taipei"))
	l.tokyo = mustCreate(t, db, city("tokyo", "JP", "ja", "東京都", "en", "Tokyo"))
	l.net = mustCreate(t, db, directory.Organisation{Slug: "net", Kind: directory.KindNetwork, Names: names("en", "Net")})
	if err := db.AddTie(ctxAs(admin), &directory.Tie{A: l.seoul.ID, B: l.taipei.ID, Kind: directory.TieSister}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []int64{l.tokyo.ID, l.seoul.ID} {
		if err := db.AddMembership(ctxAs(admin), &directory.Membership{NetworkID: l.net.ID, MemberID: m, Role: directory.RoleMember}); err != nil {
			t.Fatal(err)
		}
	}
	l.seoulEd = mustUser(t, db, "editor@seoul.example", citypact.RoleEditor, l.seoul.ID)
	l.seoulMember = mustUser(t, db, "member@seoul.example", citypact.RoleMember, l.seoul.ID)
	l.taipeiEd = mustUser(t, db, "editor@taipei.example", citypact.RoleEditor, l.taipei.ID)
	l.taipeiMember = mustUser(t, db, "member@taipei.example", citypact.RoleMember, l.taipei.ID)
	l.tokyoEd = mustUser(t, db, "editor@tokyo.example", citypact.RoleEditor, l.tokyo.ID)
	return l
}

func as(u account.User) context.Context { return ctxAs(u.Actor()) }

var visitor = context.Background()

// newPractice is a practice ready to publish.
func newPractice(owner int64, title string) practice.Practice {
	return practice.Practice{OwnerID: owner, Title: title, Summary: "How " + title + " worked.",
		Body: "## " + title + "\n\nThe city ran **" + title + "** for six weeks.", Lang: "en",
		Category: "contact-tracing", Tags: []string{"Pilot", "pilot", "Night shift"}, Visibility: practice.Public,
		SDGTargets: []string{"3.d", "3.3"}, PeriodFrom: day(2020, 3, 1), PeriodTo: day(2020, 6, 30)}
}

// mustPublished creates p as a draft and publishes it as version 1.
func (l *library) mustPublished(t *testing.T, ctx context.Context, p practice.Practice) practice.Practice {
	t.Helper()
	if err := l.db.CreatePractice(ctx, &p); err != nil {
		t.Fatalf("create %q: %v", p.Title, err)
	}
	if _, err := l.db.Publish(ctx, &p, "first"); err != nil {
		t.Fatalf("publish %q: %v", p.Title, err)
	}
	return p
}

// searchIDs returns the ids of the practices a search finds, in order.
func searchIDs(t *testing.T, db *store.DB, ctx context.Context, q practice.SearchQuery) []int64 {
	t.Helper()
	res, err := db.Search(ctx, q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	ids := []int64{}
	for _, h := range res.Hits {
		ids = append(ids, h.Practice.ID)
	}
	return ids
}

func ids(ps []practice.Practice) []int64 {
	out := []int64{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func wantKind(t *testing.T, what string, err error, kind citypact.Kind, msg string) {
	t.Helper()
	if citypact.KindOf(err) != kind || (msg != "" && citypact.MessageOf(err) != msg) {
		t.Errorf("%s: got %v, want %v %s", what, err, kind, msg)
	}
}

func TestPracticeLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		db, ed := l.db, as(l.seoulEd)

		p := newPractice(l.seoul.ID, "Drive-through screening")
		p.Slug, p.Status, p.Version = "drive-through", practice.Published, 7 // a new practice is a draft whatever it says
		if err := db.CreatePractice(ed, &p); err != nil {
			t.Fatal(err)
		}
		got, err := db.Practice(ed, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != practice.Draft || got.Version != 0 || !slices.Equal(got.Tags, []string{"pilot", "night shift"}) ||
			!slices.Equal(got.SDGTargets, []string{"3.3", "3.d"}) || !got.PeriodTo.Equal(day(2020, 6, 30)) ||
			got.Slug != "drive-through" || !got.CreatedAt.Equal(epoch) || !got.PublishedAt.IsZero() {
			t.Errorf("draft read back as %+v", got)
		}
		// Drafts are not indexed, and other organisations cannot see them at all.
		if found := searchIDs(t, db, ed, practice.SearchQuery{Text: "drive-through"}); len(found) != 0 {
			t.Errorf("a draft was found: %v", found)
		}
		_, err = db.Practice(as(l.taipeiEd), p.ID)
		wantKind(t, "a draft seen by a partner", err, citypact.KindNotFound, "")

		*l.now = epoch.Add(time.Hour)
		p.Body += "\n\nSaved again."
		if err := db.SaveDraft(ed, &p); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Practice(ed, p.ID); !strings.HasSuffix(got.Body, "Saved again.") || !got.UpdatedAt.Equal(epoch.Add(time.Hour)) {
			t.Errorf("saved draft: %+v", got)
		}
		if vs, _ := db.Versions(ed, p.ID); len(vs) != 0 {
			t.Errorf("a draft has versions: %+v", vs)
		}

		*l.now = epoch.Add(2 * time.Hour)
		v1, err := db.Publish(ed, &p, "first edition")
		if err != nil {
			t.Fatal(err)
		}
		if v1.Number != 1 || p.Version != 1 || p.Status != practice.Published || !p.PublishedAt.Equal(epoch.Add(2*time.Hour)) ||
			v1.EditorID != l.seoulEd.ID || v1.Note != "first edition" {
			t.Errorf("publish: version %+v, practice %+v", v1, p)
		}
		if found := searchIDs(t, db, visitor, practice.SearchQuery{Text: "drive-through"}); !slices.Equal(found, []int64{p.ID}) {
			t.Errorf("search after publishing: %v", found)
		}
		if got, err := db.PracticeBySlug(visitor, "Drive-Through"); err != nil || got.ID != p.ID {
			t.Errorf("by slug: %+v %v", got, err)
		}

		// A translation of version 1.
		tr := practice.Translation{PracticeID: p.ID, Lang: "ko", Title: "드라이브 스루 선별진료소", Body: "서울시는 선별진료소를 운영했다.", Version: 1}
		if err := db.SaveTranslation(as(l.taipeiMember), &tr); err != nil {
			t.Fatal(err)
		}

		// Publishing only other fields writes no version; a stale base is refused.
		p.Tags = []string{"drive-through"}
		v, err := db.Publish(ed, &p, "")
		if err != nil || v.Number != 1 || p.Version != 1 {
			t.Errorf("publish without a text change: %+v %v", v, err)
		}
		stale := p
		stale.Version = 0
		_, err = db.Publish(ed, &stale, "")
		wantKind(t, "stale publish", err, citypact.KindConflict, "practice.stale")

		*l.now = epoch.Add(3 * time.Hour)
		p.Body = strings.Replace(p.Body, "six weeks", "eight weeks", 1)
		v2, err := db.Publish(ed, &p, "longer")
		if err != nil || v2.Number != 2 || p.Version != 2 {
			t.Fatalf("second version: %+v %v", v2, err)
		}
		vs, err := db.Versions(visitor, p.ID)
		if err != nil || len(vs) != 2 || vs[0].Number != 2 || vs[1].Number != 1 || !vs[1].At.Equal(epoch.Add(2*time.Hour)) {
			t.Fatalf("versions: %+v %v", vs, err)
		}
		a, _ := db.Version(visitor, p.ID, 1)
		b, _ := db.Version(visitor, p.ID, 2)
		parts, err := practice.Diff(a, b)
		if err != nil {
			t.Fatal(err)
		}
		var del, ins string
		for _, d := range parts {
			switch d.Op {
			case practice.OpDelete:
				del += d.Text
			case practice.OpInsert:
				ins += d.Text
			}
		}
		if del != "six" || ins != "eight" {
			t.Errorf("diff of stored versions: deleted %q, inserted %q (%+v)", del, ins, parts)
		}
		_, err = db.Version(visitor, p.ID, 3)
		wantKind(t, "missing version", err, citypact.KindNotFound, "")
		ts, err := db.Translations(visitor, p.ID)
		if err != nil || len(ts) != 1 || !ts[0].Outdated(p.Version) {
			t.Errorf("translation after version 2: %+v %v", ts, err)
		}

		// Retired practices are found only when asked for; they cannot be published over.
		*l.now = epoch.Add(4 * time.Hour)
		if err := db.SetStatus(ed, p.ID, practice.Retired); err != nil {
			t.Fatal(err)
		}
		if found := searchIDs(t, db, visitor, practice.SearchQuery{Text: "drive-through"}); len(found) != 0 {
			t.Errorf("a retired practice was found: %v", found)
		}
		if found := searchIDs(t, db, visitor, practice.SearchQuery{Text: "drive-through", Retired: true}); !slices.Equal(found, []int64{p.ID}) {
			t.Errorf("retired, asked for: %v", found)
		}
		_, err = db.Publish(ed, &p, "")
		wantKind(t, "publishing a retired practice", err, citypact.KindConflict, "practice.retired")
		wantKind(t, "retired to draft", db.SetStatus(ed, p.ID, practice.Draft), citypact.KindConflict, "practice.status_invalid")
		wantKind(t, "SaveDraft of a retired practice", db.SaveDraft(ed, &p), citypact.KindConflict, "practice.not_draft")
		wantKind(t, "DeleteDraft of a retired practice", db.DeleteDraft(ed, p.ID), citypact.KindConflict, "practice.not_draft")
		if err := db.SetStatus(ed, p.ID, practice.Published); err != nil {
			t.Fatal(err)
		}
		if found := searchIDs(t, db, visitor, practice.SearchQuery{Text: "drive-through"}); !slices.Equal(found, []int64{p.ID}) {
			t.Errorf("republished: %v", found)
		}

		want := []string{"practice.create", "practice.update", "practice.publish", "translation.save", "practice.publish",
			"practice.publish", "practice.status", "practice.status"}
		if got := auditActions(t, db, "practice", p.ID); !slices.Equal(got, want) {
			t.Errorf("audit: %v, want %v", got, want)
		}

		// A draft never published is deleted, with its attachments.
		d := newPractice(l.seoul.ID, "Scrapped")
		if err := db.CreatePractice(ed, &d); err != nil {
			t.Fatal(err)
		}
		mustAttach(t, db, ed, d.ID, "note.txt", []byte("plain text notes"))
		if err := db.DeleteDraft(ed, d.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.Practice(ed, d.ID)
		wantKind(t, "deleted draft", err, citypact.KindNotFound, "")
		if n, _ := db.AttachmentUsage(ed, l.seoul.ID); n != 0 {
			t.Errorf("the deleted draft's attachments use %d bytes", n)
		}
	})
}

// TestPracticeErrors goes through the store's error contract: each failed call leaves nothing
// behind, not even an audit row.
func TestPracticeErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		db, ed := l.db, as(l.seoulEd)
		pub := l.mustPublished(t, ed, newPractice(l.seoul.ID, "Published"))
		orgOnly := newPractice(l.seoul.ID, "Internal")
		orgOnly.Visibility = practice.OrgOnly
		orgOnly = l.mustPublished(t, ed, orgOnly)
		taipeiP := l.mustPublished(t, as(l.taipeiEd), newPractice(l.taipei.ID, "Taipei's own"))
		draft := newPractice(l.seoul.ID, "A draft")
		if err := db.CreatePractice(ed, &draft); err != nil {
			t.Fatal(err)
		}
		before := auditCount(t, db)

		withSlug := newPractice(l.seoul.ID, "Another")
		withSlug.Slug = "taken"
		if err := db.CreatePractice(ed, &withSlug); err != nil {
			t.Fatal(err)
		}
		before++

		type call struct {
			name  string
			do    func() error
			kind  citypact.Kind
			field string // for KindInvalid
			key   string // the field error's key, or the message
		}
		p := func(mod func(p *practice.Practice)) *practice.Practice {
			x := newPractice(l.seoul.ID, "New one")
			mod(&x)
			return &x
		}
		for _, c := range []call{
			{"visitor creates", func() error { return db.CreatePractice(visitor, p(func(*practice.Practice) {})) }, citypact.KindUnauthenticated, "", ""},
			{"member creates", func() error { return db.CreatePractice(as(l.seoulMember), p(func(*practice.Practice) {})) }, citypact.KindForbidden, "", ""},
			{"another city's editor creates", func() error { return db.CreatePractice(as(l.taipeiEd), p(func(*practice.Practice) {})) }, citypact.KindForbidden, "", ""},
			{"read-only token creates", func() error {
				a := l.seoulEd.Actor()
				a.Scope, a.TokenID = citypact.ScopeRead, 1
				return db.CreatePractice(ctxAs(a), p(func(*practice.Practice) {}))
			}, citypact.KindForbidden, "", ""},
			{"no title", func() error { return db.CreatePractice(ed, p(func(x *practice.Practice) { x.Title = " " })) }, citypact.KindInvalid, "title", "field.required"},
			{"slug taken", func() error { return db.CreatePractice(ed, p(func(x *practice.Practice) { x.Slug = "taken" })) }, citypact.KindInvalid, "slug", "practice.slug_taken"},
			{"unknown category", func() error { return db.CreatePractice(ed, p(func(x *practice.Practice) { x.Category = "astrology" })) }, citypact.KindInvalid, "category", "practice.category_unknown"},
			{"a network the owner is not in", func() error {
				return db.CreatePractice(ed, p(func(x *practice.Practice) { x.Visibility = practice.Network(l.tokyo.ID) }))
			}, citypact.KindInvalid, "visibility", "practice.network_invalid"},
			{"adapted from its own owner's", func() error {
				return db.CreatePractice(ed, p(func(x *practice.Practice) { x.AdaptedFrom = []int64{pub.ID} }))
			}, citypact.KindInvalid, "adapted_from", "practice.adapted_from_same_owner"},
			{"adapted from an invisible practice", func() error {
				return db.CreatePractice(as(l.tokyoEd), p(func(x *practice.Practice) { x.OwnerID, x.AdaptedFrom = l.tokyo.ID, []int64{orgOnly.ID} }))
			}, citypact.KindInvalid, "adapted_from", "practice.adapted_from_invalid"},
			{"adapted from a draft", func() error {
				return db.CreatePractice(as(l.taipeiEd), p(func(x *practice.Practice) { x.OwnerID, x.AdaptedFrom = l.taipei.ID, []int64{draft.ID} }))
			}, citypact.KindInvalid, "adapted_from", "practice.adapted_from_invalid"},
			{"adapted from a missing practice", func() error {
				return db.CreatePractice(ed, p(func(x *practice.Practice) { x.AdaptedFrom = []int64{424242} }))
			}, citypact.KindInvalid, "adapted_from", "practice.adapted_from_invalid"},
			{"publish without a body", func() error {
				x := draft
				x.Body = ""
				_, err := db.Publish(ed, &x, "")
				return err
			}, citypact.KindInvalid, "body", "field.required"},
			{"publish an invisible practice", func() error {
				x := orgOnly
				_, err := db.Publish(as(l.taipeiEd), &x, "")
				return err
			}, citypact.KindNotFound, "", ""},
			{"publish a visible practice of another city", func() error {
				x := taipeiP
				_, err := db.Publish(ed, &x, "")
				return err
			}, citypact.KindForbidden, "", ""},
			{"publish a missing practice", func() error {
				x := draft
				x.ID = 424242
				_, err := db.Publish(ed, &x, "")
				return err
			}, citypact.KindNotFound, "", ""},
			{"publish with a long note", func() error {
				x := draft
				_, err := db.Publish(ed, &x, strings.Repeat("n", practice.MaxNoteLen+1))
				return err
			}, citypact.KindInvalid, "note", "field.too_long"},
			{"save a published practice as a draft", func() error { x := pub; return db.SaveDraft(ed, &x) }, citypact.KindConflict, "", "practice.not_draft"},
			{"delete a published practice", func() error { return db.DeleteDraft(ed, pub.ID) }, citypact.KindConflict, "", "practice.not_draft"},
			{"delete another city's draft", func() error { return db.DeleteDraft(as(l.taipeiEd), draft.ID) }, citypact.KindNotFound, "", ""},
			{"member deletes a draft", func() error { return db.DeleteDraft(as(l.seoulMember), draft.ID) }, citypact.KindForbidden, "", ""},
			{"retire a draft", func() error { return db.SetStatus(ed, draft.ID, practice.Retired) }, citypact.KindConflict, "", "practice.status_invalid"},
			{"translate a draft", func() error {
				return db.SaveTranslation(ed, &practice.Translation{PracticeID: draft.ID, Lang: "ko", Title: "초안", Body: "본문", Version: 1})
			}, citypact.KindConflict, "", "practice.not_published"},
			{"translate into the original's language", func() error {
				return db.SaveTranslation(ed, &practice.Translation{PracticeID: pub.ID, Lang: "en-GB", Title: "x", Body: "y", Version: 1})
			}, citypact.KindInvalid, "lang", "practice.translation_same_lang"},
			{"visitor translates", func() error {
				return db.SaveTranslation(visitor, &practice.Translation{PracticeID: pub.ID, Lang: "ko", Title: "x", Body: "y", Version: 1})
			}, citypact.KindUnauthenticated, "", ""},
			{"translate an invisible practice", func() error {
				return db.SaveTranslation(as(l.tokyoEd), &practice.Translation{PracticeID: orgOnly.ID, Lang: "ja", Title: "x", Body: "y", Version: 1})
			}, citypact.KindNotFound, "", ""},
			{"delete a missing translation", func() error { return db.DeleteTranslation(ed, pub.ID, "fr") }, citypact.KindNotFound, "", ""},
			{"subscribe to a draft", func() error { return db.Subscribe(ed, draft.ID, true) }, citypact.KindConflict, "", "practice.not_published"},
			{"visitor subscribes", func() error { return db.Subscribe(visitor, pub.ID, true) }, citypact.KindUnauthenticated, "", ""},
			{"subscribe to an invisible practice", func() error { return db.Subscribe(as(l.tokyoEd), orgOnly.ID, true) }, citypact.KindNotFound, "", ""},
			{"member saves a category", func() error {
				return db.SaveCategory(ed, &practice.Category{Key: "new", Names: map[string]string{"en": "New"}})
			}, citypact.KindForbidden, "", ""},
			{"empty search", func() error { _, err := db.Search(visitor, practice.SearchQuery{Text: " ?! "}); return err }, citypact.KindInvalid, "q", "search.empty"},
		} {
			err := c.do()
			if c.kind == citypact.KindInvalid {
				wantField(t, c.name, err, c.field, c.key)
			} else {
				wantKind(t, c.name, err, c.kind, c.key)
			}
		}
		if n := auditCount(t, db); n != before {
			t.Errorf("failed calls wrote %d audit rows", n-before)
		}
		// Nothing half-written: the draft and the published practice are as they were.
		if got, _ := db.Practice(ed, draft.ID); got.Body != draft.Body || got.Status != practice.Draft {
			t.Errorf("draft changed: %+v", got)
		}
		if got, _ := db.Practice(ed, pub.ID); got.Version != 1 || got.Body != pub.Body {
			t.Errorf("published practice changed: %+v", got)
		}
		if vs, _ := db.Versions(ed, draft.ID); len(vs) != 0 {
			t.Errorf("a failed publish wrote versions: %+v", vs)
		}
		if ps, _ := db.Practices(ed, practice.Filter{Status: practice.Draft}); len(ps) != 2 {
			t.Errorf("drafts after failed creates: %v", ids(ps))
		}
		if ts, _ := db.Translations(ed, pub.ID); len(ts) != 0 {
			t.Errorf("failed translations were stored: %+v", ts)
		}
	})
}

func mustAttach(t *testing.T, db *store.DB, ctx context.Context, practiceID int64, name string, content []byte) practice.Attachment {
	t.Helper()
	a, err := practice.CheckUpload(name, bytes.NewReader(content), int64(len(content)), 0, practice.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	a.PracticeID = practiceID
	if err := db.SaveAttachment(ctx, &a, bytes.NewReader(content), practice.Limits{}); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAttachments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		db, ed := l.db, as(l.seoulEd)
		p := newPractice(l.seoul.ID, "With files")
		p.Visibility = practice.Partners
		p = l.mustPublished(t, ed, p)

		content := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0, 1, 2, 255, 'x'}, 10000)...)
		a := mustAttach(t, db, ed, p.ID, "../../etc/report.pdf", content)
		if a.ID == 0 || a.OwnerID != l.seoul.ID || a.Type != practice.TypePDF || a.Name != "report.pdf" || !a.At.Equal(epoch) {
			t.Errorf("saved %+v", a)
		}
		got, rc, err := db.AttachmentContent(as(l.taipeiMember), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		back, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(back, content) || got.SHA256 != a.SHA256 || got.Size != int64(len(content)) {
			t.Errorf("content read back differs: %d bytes, record %+v", len(back), got)
		}
		list, err := db.Attachments(ed, p.ID)
		if err != nil || len(list) != 1 || list[0] != a {
			t.Errorf("list: %+v %v", list, err)
		}
		if n, err := db.AttachmentUsage(ed, l.seoul.ID); err != nil || n != int64(len(content)) {
			t.Errorf("usage %d %v", n, err)
		}
		// Those who cannot see the practice cannot see its files.
		_, _, err = db.AttachmentContent(as(l.tokyoEd), a.ID)
		wantKind(t, "download by an unrelated city", err, citypact.KindNotFound, "")
		_, err = db.Attachments(visitor, p.ID)
		wantKind(t, "list by a visitor", err, citypact.KindNotFound, "")
		_, err = db.AttachmentUsage(as(l.tokyoEd), l.seoul.ID)
		wantKind(t, "another city's usage", err, citypact.KindForbidden, "")

		before := auditCount(t, db)
		text := []byte("minutes of the meeting")
		rec, err := practice.CheckUpload("minutes.txt", bytes.NewReader(text), int64(len(text)), 0, practice.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		rec.PracticeID = p.ID
		// What is stored must be what was checked.
		for name, r := range map[string]io.Reader{
			"other bytes":   bytes.NewReader([]byte("minutes of the meetinG")),
			"shorter":       bytes.NewReader(text[:5]),
			"longer":        bytes.NewReader(append(slices.Clone(text), '!')),
			"failing read":  io.MultiReader(bytes.NewReader(text[:3]), errReader{}),
			"right but bad": bytes.NewReader(text),
		} {
			r0 := rec
			if name == "right but bad" {
				r0.SHA256 = hex.EncodeToString(make([]byte, 32))
			}
			if err := db.SaveAttachment(ed, &r0, r, practice.Limits{}); err == nil || citypact.KindOf(err) != citypact.KindInternal {
				t.Errorf("%s: saved with %v", name, err)
			}
		}
		// The quota is checked again when saving.
		r1 := rec
		err = db.SaveAttachment(ed, &r1, bytes.NewReader(text), practice.Limits{Quota: int64(len(content)) + 10})
		wantField(t, "over quota", err, "file", "practice.file_quota")
		r2 := rec
		err = db.SaveAttachment(as(l.taipeiEd), &r2, bytes.NewReader(text), practice.Limits{})
		wantKind(t, "another city's editor attaches", err, citypact.KindForbidden, "")
		if n := auditCount(t, db); n != before {
			t.Errorf("refused uploads wrote %d audit rows", n-before)
		}
		if list, _ := db.Attachments(ed, p.ID); len(list) != 1 {
			t.Errorf("refused uploads were stored: %+v", list)
		}
		wantKind(t, "partner deletes", db.DeleteAttachment(as(l.taipeiEd), a.ID), citypact.KindForbidden, "")
		if err := db.DeleteAttachment(ed, a.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = db.AttachmentContent(ed, a.ID)
		wantKind(t, "deleted attachment", err, citypact.KindNotFound, "")
		if got := auditActions(t, db, "attachment", a.ID); !slices.Equal(got, []string{"attachment.create", "attachment.delete"}) {
			t.Errorf("audit: %v", got)
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestTranslations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		db, ed := l.db, as(l.seoulEd)
		p := newPractice(l.seoul.ID, "Contact tracing app")
		p = l.mustPublished(t, ed, p)

		zh := practice.Translation{PracticeID: p.ID, Lang: "zh-tw", Title: "接觸者追蹤應用程式", Summary: "首爾的做法", Body: "確診者的動線由防疫人員公開。", Version: 1}
		if err := db.SaveTranslation(as(l.taipeiMember), &zh); err != nil {
			t.Fatal(err)
		}
		ja := practice.Translation{PracticeID: p.ID, Lang: "ja", Title: "接触者追跡アプリ", Body: "濃厚接触者を保健所が追跡する。", Version: 1}
		if err := db.SaveTranslation(ed, &ja); err != nil {
			t.Fatal(err)
		}
		ts, err := db.Translations(visitor, p.ID)
		if err != nil || len(ts) != 2 || ts[0].Lang != "ja" || ts[1].Lang != "zh-TW" || ts[1].TranslatorID != l.taipeiMember.ID ||
			!ts[1].At.Equal(epoch) || ts[1].Outdated(1) {
			t.Fatalf("translations: %+v %v", ts, err)
		}

		// Each language is a search document of its own; a hit says which matched.
		for _, c := range []struct {
			q, lang, title string
		}{
			{"動線", "zh-TW", "接觸者追蹤應用程式"},
			{"保健所", "ja", "接触者追跡アプリ"},
			{"tracing app", "en", "Contact tracing app"},
		} {
			res, err := db.Search(visitor, practice.SearchQuery{Text: c.q})
			if err != nil || len(res.Hits) != 1 {
				t.Fatalf("search %q: %+v %v", c.q, res, err)
			}
			h := res.Hits[0]
			if h.Practice.ID != p.ID || h.Lang != c.lang || h.Title != c.title || !hasHit(h) {
				t.Errorf("search %q: hit %+v", c.q, h)
			}
		}
		if found := searchIDs(t, db, visitor, practice.SearchQuery{Text: "動線", Lang: "ja"}); len(found) != 0 {
			t.Errorf("language filter: %v", found)
		}
		if ps, _ := db.Practices(visitor, practice.Filter{Lang: "ja"}); !slices.Equal(ids(ps), []int64{p.ID}) {
			t.Errorf("list by translation language: %v", ids(ps))
		}

		// Another translator may not replace a translation; the owner's editor may.
		zh2 := zh
		zh2.Title = "改寫"
		wantKind(t, "replace another's translation", db.SaveTranslation(as(l.tokyoEd), &zh2), citypact.KindForbidden, "")
		if err := db.SaveTranslation(ed, &zh2); err != nil {
			t.Fatal(err)
		}
		if found := searchIDs(t, db, visitor, practice.SearchQuery{Text: "改寫"}); !slices.Equal(found, []int64{p.ID}) {
			t.Errorf("replaced translation not found: %v", found)
		}
		wantKind(t, "delete by another", db.DeleteTranslation(as(l.tokyoEd), p.ID, "ja"), citypact.KindForbidden, "")
		if err := db.DeleteTranslation(ed, p.ID, "ja"); err != nil {
			t.Fatal(err)
		}
		if found := searchIDs(t, db, visitor, practice.SearchQuery{Text: "保健所"}); len(found) != 0 {
			t.Errorf("deleted translation still found: %v", found)
		}
		// A new translation takes the freed slot and is found.
		fr := practice.Translation{PracticeID: p.ID, Lang: "fr", Title: "Application de traçage", Body: "Les cas confirmés.", Version: 1}
		if err := db.SaveTranslation(ed, &fr); err != nil {
			t.Fatal(err)
		}
		if res, _ := db.Search(visitor, practice.SearchQuery{Text: "traçage"}); len(res.Hits) != 1 || res.Hits[0].Lang != "fr" {
			t.Errorf("French: %+v", res)
		}
		if res, _ := db.Search(visitor, practice.SearchQuery{Text: "改寫"}); len(res.Hits) != 1 || res.Hits[0].Lang != "zh-TW" {
			t.Errorf("Chinese after the slot was reused: %+v", res)
		}
		want := []string{"practice.create", "practice.publish", "translation.save", "translation.save", "translation.save",
			"translation.delete", "translation.save"}
		if got := auditActions(t, db, "practice", p.ID); !slices.Equal(got, want) {
			t.Errorf("audit: %v", got)
		}
	})
}

func hasHit(h practice.Hit) bool {
	return slices.ContainsFunc(h.Snippet, func(s search.Segment) bool { return s.Hit })
}

// TestRelated: a practice page's translations, attachments and lineage come with one check that
// the actor may see the practice, and each list holds what the actor may see of it.
func TestRelated(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		db := l.db
		src := l.mustPublished(t, as(l.seoulEd), newPractice(l.seoul.ID, "Original"))
		a := newPractice(l.taipei.ID, "Taipei's adaptation")
		a.AdaptedFrom = []int64{src.ID}
		a = l.mustPublished(t, as(l.taipeiEd), a)
		b := newPractice(l.tokyo.ID, "Tokyo's adaptation")
		b.AdaptedFrom = []int64{src.ID}
		b.Visibility = practice.OrgOnly
		b = l.mustPublished(t, as(l.tokyoEd), b)

		tr := practice.Translation{PracticeID: a.ID, Lang: "ko", Title: "번안", Body: "본문", Version: 1}
		if err := db.SaveTranslation(as(l.taipeiEd), &tr); err != nil {
			t.Fatal(err)
		}
		att := mustAttach(t, db, as(l.taipeiEd), a.ID, "sop.pdf", []byte("%PDF-1.4\n%%EOF\n"))

		r, err := db.Related(visitor, a)
		if err != nil || !slices.Equal(ids(r.Sources), []int64{src.ID}) || len(r.Adaptations) != 0 {
			t.Errorf("lineage of the adaptation: %v %v %v", ids(r.Sources), ids(r.Adaptations), err)
		}
		if len(r.Translations) != 1 || r.Translations[0].Lang != "ko" || len(r.Attachments) != 1 || r.Attachments[0].ID != att.ID {
			t.Errorf("translations %+v, attachments %+v", r.Translations, r.Attachments)
		}
		r, _ = db.Related(visitor, src)
		if !slices.Equal(ids(r.Adaptations), []int64{a.ID}) {
			t.Errorf("visitor sees adaptations %v", ids(r.Adaptations))
		}
		r, _ = db.Related(as(l.tokyoEd), src)
		if !slices.Equal(ids(r.Adaptations), []int64{b.ID, a.ID}) {
			t.Errorf("Tokyo sees adaptations %v", ids(r.Adaptations))
		}
		// Tokyo's own-organisation practice: its owner sees its lineage, nobody else anything.
		for _, c := range []struct {
			who     string
			ctx     context.Context
			visible bool
		}{{"owner", as(l.tokyoEd), true}, {"visitor", visitor, false}, {"other editor", as(l.seoulEd), false}, {"other member", as(l.taipeiMember), false}} {
			r, err := db.Related(c.ctx, b)
			switch {
			case c.visible && (err != nil || !slices.Equal(ids(r.Sources), []int64{src.ID})):
				t.Errorf("%s: Related of an own-organisation practice: %+v, %v", c.who, r, err)
			case !c.visible && citypact.KindOf(err) != citypact.KindNotFound:
				t.Errorf("%s: Related of an own-organisation practice: %+v, %v, want not found", c.who, r, err)
			}
		}
		// Sources come in the author's order, not by id, and apart from adaptations read with them.
		c := newPractice(l.tokyo.ID, "Tokyo's public version")
		c.AdaptedFrom = []int64{src.ID, a.ID}
		c = l.mustPublished(t, as(l.tokyoEd), c)
		r, err = db.Related(visitor, c)
		if err != nil || !slices.Equal(ids(r.Sources), []int64{src.ID, a.ID}) || len(r.Adaptations) != 0 {
			t.Errorf("sources in the author's order: %v %v %v", ids(r.Sources), ids(r.Adaptations), err)
		}
		r, err = db.Related(visitor, a)
		if err != nil || !slices.Equal(ids(r.Sources), []int64{src.ID}) || !slices.Equal(ids(r.Adaptations), []int64{c.ID}) {
			t.Errorf("a practice both adapted and adapted from: %v %v %v", ids(r.Sources), ids(r.Adaptations), err)
		}
		// A source naming its adaptation would close a cycle.
		src.AdaptedFrom = []int64{a.ID}
		_, err = db.Publish(as(l.seoulEd), &src, "")
		wantField(t, "cycle", err, "adapted_from", "practice.adapted_from_cycle")
		if got, _ := db.Practice(visitor, a.ID); !slices.Equal(got.AdaptedFrom, []int64{src.ID}) {
			t.Errorf("read back: %v", got.AdaptedFrom)
		}
	})
}

func TestHandbooks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		db, ed := l.db, as(l.seoulEd)
		var own []practice.Practice
		for _, title := range []string{"First", "Second", "Third"} {
			p := newPractice(l.seoul.ID, title)
			p.Visibility = practice.OrgOnly
			own = append(own, l.mustPublished(t, ed, p))
		}
		taipeiPartners := newPractice(l.taipei.ID, "Taipei for partners")
		taipeiPartners.Visibility = practice.Partners
		taipeiPartners = l.mustPublished(t, as(l.taipeiEd), taipeiPartners)

		h := practice.Handbook{OwnerID: l.seoul.ID, Title: "Winter handbook", Items: []int64{own[2].ID, taipeiPartners.ID, own[0].ID},
			SharedWith: []int64{l.tokyo.ID}, Visibility: practice.OrgOnly}
		if err := db.CreateHandbook(ed, &h); err != nil {
			t.Fatal(err)
		}
		got, err := db.Handbook(as(l.tokyoEd), h.ID)
		if err != nil || !slices.Equal(got.Items, h.Items) || !slices.Equal(got.SharedWith, []int64{l.tokyo.ID}) || !got.CreatedAt.Equal(epoch) {
			t.Fatalf("shared handbook: %+v %v", got, err)
		}
		_, err = db.Handbook(as(l.taipeiEd), h.ID)
		wantKind(t, "unshared handbook", err, citypact.KindNotFound, "")

		// Sharing opens the owner's own practices in it, in order, and not Taipei's.
		items, hidden, err := db.HandbookItems(as(l.tokyoEd), h.ID)
		if err != nil || !slices.Equal(ids(items), []int64{own[2].ID, own[0].ID}) || hidden != 1 {
			t.Errorf("Tokyo's items: %v hidden %d %v", ids(items), hidden, err)
		}
		if _, err := db.Practice(as(l.tokyoEd), own[0].ID); err != nil {
			t.Errorf("a shared practice: %v", err)
		}
		_, err = db.Practice(as(l.tokyoEd), own[1].ID)
		wantKind(t, "a practice not in the shared handbook", err, citypact.KindNotFound, "")
		_, err = db.Practice(as(l.tokyoEd), taipeiPartners.ID)
		wantKind(t, "another owner's practice in the shared handbook", err, citypact.KindNotFound, "")
		if found := searchIDs(t, db, as(l.tokyoEd), practice.SearchQuery{Text: "six weeks"}); !slices.Equal(sorted(found), sorted([]int64{own[2].ID, own[0].ID})) {
			t.Errorf("Tokyo's search: %v", found)
		}

		// Opens are recorded per organisation other than the owner.
		*l.now = epoch.Add(time.Hour)
		for _, ctx := range []context.Context{as(l.tokyoEd), ed, ctxAs(admin)} {
			if err := db.RecordOpen(ctx, h.ID); err != nil {
				t.Fatal(err)
			}
		}
		*l.now = epoch.Add(2 * time.Hour)
		if err := db.RecordOpen(as(l.tokyoEd), h.ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, "open by an organisation that cannot see it", db.RecordOpen(as(l.taipeiEd), h.ID), citypact.KindNotFound, "")
		opens, err := db.Opens(ed, h.ID)
		if err != nil || len(opens) != 1 || opens[0].OrgID != l.tokyo.ID || !opens[0].FirstAt.Equal(epoch.Add(time.Hour)) ||
			!opens[0].LastAt.Equal(epoch.Add(2*time.Hour)) {
			t.Errorf("opens: %+v %v", opens, err)
		}
		_, err = db.Opens(as(l.tokyoEd), h.ID)
		wantKind(t, "opens seen by a reader", err, citypact.KindForbidden, "")

		// Lists.
		other := practice.Handbook{OwnerID: l.seoul.ID, Title: "Public handbook", Items: []int64{own[1].ID}, Visibility: practice.Public}
		if err := db.CreateHandbook(ed, &other); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			ctx  context.Context
			f    practice.HandbookFilter
			want []int64
		}{
			{visitor, practice.HandbookFilter{}, []int64{other.ID}},
			{as(l.tokyoEd), practice.HandbookFilter{}, []int64{other.ID, h.ID}},
			{as(l.tokyoEd), practice.HandbookFilter{SharedWith: l.tokyo.ID}, []int64{h.ID}},
			{ed, practice.HandbookFilter{Practice: own[0].ID}, []int64{h.ID}},
			{ed, practice.HandbookFilter{Owner: l.seoul.ID, Page: citypact.Page{Limit: 1}}, []int64{other.ID}},
			{ed, practice.HandbookFilter{Owner: l.seoul.ID, Page: citypact.Page{After: other.ID}}, []int64{h.ID}},
			{as(l.taipeiEd), practice.HandbookFilter{Owner: l.seoul.ID}, []int64{other.ID}},
		} {
			hs, err := db.Handbooks(c.ctx, c.f)
			var got []int64
			for _, h := range hs {
				got = append(got, h.ID)
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("Handbooks(%+v) = %v %v, want %v", c.f, got, err, c.want)
			}
		}

		// Errors, and updates that reorder and unshare.
		before := auditCount(t, db)
		bad := h
		bad.Items = []int64{own[0].ID, 424242}
		wantField(t, "missing item", db.UpdateHandbook(ed, &bad), "items", "practice.handbook_item_invalid")
		bad = h
		bad.SharedWith = []int64{424242}
		wantField(t, "unknown organisation", db.UpdateHandbook(ed, &bad), "shared_with", "practice.handbook_share_invalid")
		bad = h
		bad.Visibility = practice.Network(l.net.ID + 1000)
		wantField(t, "unknown network", db.UpdateHandbook(ed, &bad), "visibility", "practice.network_invalid")
		hb := practice.Handbook{OwnerID: l.tokyo.ID, Title: "Tokyo's", Items: []int64{own[1].ID}}
		wantField(t, "an item the editor cannot see", db.CreateHandbook(as(l.tokyoEd), &hb), "items", "practice.handbook_item_invalid")
		wantKind(t, "update by a reader", db.UpdateHandbook(as(l.tokyoEd), &h), citypact.KindForbidden, "")
		wantKind(t, "delete by a stranger", db.DeleteHandbook(as(l.taipeiEd), h.ID), citypact.KindNotFound, "")
		if n := auditCount(t, db); n != before {
			t.Errorf("refused handbook changes wrote %d audit rows", n-before)
		}
		h.Items, h.SharedWith, h.Visibility = []int64{own[0].ID, own[1].ID}, nil, practice.Network(l.net.ID)
		if err := db.UpdateHandbook(ed, &h); err != nil {
			t.Fatal(err)
		}
		items, hidden, _ = db.HandbookItems(as(l.tokyoEd), h.ID)
		if len(items) != 0 || hidden != 2 {
			t.Errorf("after unsharing, Tokyo (a network member) reads %v, %d hidden", ids(items), hidden)
		}
		items, _, _ = db.HandbookItems(ed, h.ID)
		if !slices.Equal(ids(items), []int64{own[0].ID, own[1].ID}) {
			t.Errorf("reordered: %v", ids(items))
		}
		if err := db.DeleteHandbook(ed, h.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.Handbook(ed, h.ID)
		wantKind(t, "deleted handbook", err, citypact.KindNotFound, "")
		if got := auditActions(t, db, "handbook", h.ID); !slices.Equal(got, []string{"handbook.create", "handbook.update", "handbook.delete"}) {
			t.Errorf("audit: %v", got)
		}
	})
}

func sorted(xs []int64) []int64 { xs = slices.Clone(xs); slices.Sort(xs); return xs }

func TestFollows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		db, ed := l.db, as(l.seoulEd)
		reader := as(l.taipeiMember)
		a := l.mustPublished(t, ed, newPractice(l.seoul.ID, "Alpha"))
		b := l.mustPublished(t, ed, newPractice(l.seoul.ID, "Beta"))
		c := newPractice(l.seoul.ID, "Gamma")
		c.Visibility = practice.Partners
		c = l.mustPublished(t, ed, c)

		if s, err := db.ReadState(reader, a.ID); err != nil || s.Subscribed || s.LastRead != 0 || s.ChangedSince(1) {
			t.Errorf("never read: %+v %v", s, err)
		}
		for _, p := range []practice.Practice{a, b, c} {
			if err := db.Subscribe(reader, p.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if subs, err := db.Subscribers(ctxAs(admin), a.ID); err != nil || !slices.Equal(subs, []int64{l.taipeiMember.ID}) {
			t.Errorf("subscribers: %v %v", subs, err)
		}
		_, err := db.Subscribers(ed, a.ID)
		wantKind(t, "subscribers for an editor", err, citypact.KindForbidden, "")

		edit := func(p *practice.Practice, at time.Duration) {
			t.Helper()
			*l.now = epoch.Add(at)
			p.Body += " More."
			if _, err := db.Publish(ed, p, "more"); err != nil {
				t.Fatal(err)
			}
		}
		edit(&b, time.Hour)
		edit(&a, 2*time.Hour)
		edit(&c, 3*time.Hour)
		changed, err := db.Changed(reader, citypact.Page{})
		if err != nil || !slices.Equal(ids(changed), []int64{c.ID, a.ID, b.ID}) {
			t.Errorf("changed: %v %v", ids(changed), err)
		}
		page, _ := db.Changed(reader, citypact.Page{After: a.ID, Limit: 5})
		if !slices.Equal(ids(page), []int64{b.ID}) {
			t.Errorf("changed after %d: %v", a.ID, ids(page))
		}
		if s, _ := db.ReadState(reader, a.ID); !s.Subscribed || s.LastRead != 1 || !s.ChangedSince(a.Version) {
			t.Errorf("state after a new version: %+v", s)
		}
		if err := db.MarkRead(reader, a.ID, 2); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkRead(reader, a.ID, 1); err != nil { // reading an old version keeps the newest read
			t.Fatal(err)
		}
		if err := db.Subscribe(reader, b.ID, false); err != nil {
			t.Fatal(err)
		}
		// Gamma stops being visible to Taipei: no longer listed.
		if err := db.DeleteTie(ctxAs(admin), mustTie(t, db, l.seoul.ID)); err != nil {
			t.Fatal(err)
		}
		changed, _ = db.Changed(reader, citypact.Page{})
		if len(changed) != 0 {
			t.Errorf("changed after reading, unfollowing and losing sight: %v", ids(changed))
		}
		if s, _ := db.ReadState(reader, a.ID); s.LastRead != 2 || !s.ReadAt.Equal(epoch.Add(3*time.Hour)) {
			t.Errorf("state after reading: %+v", s)
		}
		if s, _ := db.ReadState(visitor, a.ID); s != (practice.ReadState{PracticeID: a.ID}) {
			t.Errorf("visitor's state: %+v", s)
		}
		_, err = db.Changed(visitor, citypact.Page{})
		wantKind(t, "visitor's changes", err, citypact.KindUnauthenticated, "")
		if got := auditActions(t, db, "practice", b.ID); !slices.Contains(got, "practice.follow") || !slices.Contains(got, "practice.unfollow") {
			t.Errorf("audit: %v", got)
		}
	})
}

func mustTie(t *testing.T, db *store.DB, org int64) int64 {
	t.Helper()
	ts, err := db.Ties(context.Background(), org)
	if err != nil || len(ts) == 0 {
		t.Fatalf("ties of %d: %v", org, err)
	}
	return ts[0].ID
}

func TestCategories(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		got, err := db.Categories(visitor)
		if err != nil {
			t.Fatal(err)
		}
		if want := practice.DefaultCategories(); len(got) != len(want) {
			t.Fatalf("seeded %d categories, want %d", len(got), len(want))
		} else {
			for i := range want {
				if got[i].Key != want[i].Key || got[i].Position != want[i].Position || len(got[i].Names) != 4 {
					t.Errorf("category %d: %+v, want %+v", i, got[i], want[i])
				}
				for lang, n := range want[i].Names {
					if got[i].Names[lang] != n {
						t.Errorf("%s in %s: %q, want %q", want[i].Key, lang, got[i].Names[lang], n)
					}
				}
			}
		}
		c := practice.Category{Key: "mental-health", Position: 5, Names: map[string]string{"en": "Mental health", "ko": "정신 건강"}}
		if err := db.SaveCategory(ctxAs(admin), &c); err != nil {
			t.Fatal(err)
		}
		c.Names["en"] = "Mental health support"
		if err := db.SaveCategory(ctxAs(admin), &c); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Categories(visitor)
		if got[0].Key != "mental-health" || got[0].NameIn("en") != "Mental health support" || got[0].NameIn("ja") != "Mental health support" {
			t.Errorf("saved category: %+v", got[0])
		}
		bad := practice.Category{Key: "x", Names: map[string]string{"en": "X", "fr": "X"}}
		wantField(t, "a name outside the UI languages", db.SaveCategory(ctxAs(admin), &bad), "names", "practice.lang_invalid")
		es, _ := db.AuditLog(context.Background(), audit.Filter{Action: "category.save"})
		if len(es) != 2 {
			t.Errorf("audit: %d rows", len(es))
		}
	})
}

func TestPracticesFilter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		db, ed := l.db, as(l.seoulEd)
		a := newPractice(l.seoul.ID, "Alpha")
		a.Tags, a.SDGTargets, a.Category = []string{"masks"}, []string{"3.d"}, "disinfection"
		a = l.mustPublished(t, ed, a)
		b := newPractice(l.seoul.ID, "Beta")
		b.Tags, b.Lang, b.SDGTargets = []string{"schools"}, "ko", []string{"3.3"}
		b = l.mustPublished(t, ed, b)
		c := l.mustPublished(t, as(l.taipeiEd), newPractice(l.taipei.ID, "Gamma"))
		if err := db.SetStatus(as(l.taipeiEd), c.ID, practice.Retired); err != nil {
			t.Fatal(err)
		}
		d := newPractice(l.seoul.ID, "Delta")
		if err := db.CreatePractice(ed, &d); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			ctx  context.Context
			f    practice.Filter
			want []int64
		}{
			{visitor, practice.Filter{}, []int64{b.ID, a.ID}},
			{visitor, practice.Filter{Retired: true}, []int64{c.ID, b.ID, a.ID}},
			{visitor, practice.Filter{Status: practice.Retired}, []int64{c.ID}},
			{visitor, practice.Filter{Status: practice.Draft}, []int64{}},
			{ed, practice.Filter{Status: practice.Draft}, []int64{d.ID}},
			{as(l.taipeiEd), practice.Filter{Status: practice.Draft}, []int64{}},
			{ctxAs(admin), practice.Filter{Status: practice.Draft}, []int64{d.ID}},
			{visitor, practice.Filter{Tag: "masks"}, []int64{a.ID}},
			{visitor, practice.Filter{SDG: "3.d"}, []int64{a.ID}},
			{visitor, practice.Filter{SDG: "3.3"}, []int64{b.ID}},
			{visitor, practice.Filter{Category: "disinfection"}, []int64{a.ID}},
			{visitor, practice.Filter{Lang: "ko"}, []int64{b.ID}},
			{visitor, practice.Filter{Owner: l.taipei.ID, Retired: true}, []int64{c.ID}},
			{visitor, practice.Filter{Query: "beta"}, []int64{b.ID}},
			{visitor, practice.Filter{Query: "six weeks", Page: citypact.Page{Limit: 1}}, []int64{b.ID}},
			{visitor, practice.Filter{Query: "six weeks", Page: citypact.Page{After: b.ID}}, []int64{a.ID}},
			{visitor, practice.Filter{Query: "schools"}, []int64{b.ID}}, // tags are searched
		} {
			ps, err := db.Practices(tc.ctx, tc.f)
			if err != nil || !slices.Equal(ids(ps), tc.want) {
				t.Errorf("Practices(%+v) = %v %v, want %v", tc.f, ids(ps), err, tc.want)
			}
		}
		_, err := db.Practices(visitor, practice.Filter{Query: "()"})
		wantField(t, "empty query", err, "q", "search.empty")
	})
}

// TestReadBackAll checks a practice with every field set reads back as it was written.
func TestReadBackAll(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		l := newLibrary(t, dsn)
		ed := as(l.seoulEd)
		src := l.mustPublished(t, as(l.taipeiEd), newPractice(l.taipei.ID, "Source"))
		p := newPractice(l.seoul.ID, "Everything")
		p.Slug, p.Visibility, p.AdaptedFrom, p.Lang = "everything", practice.Network(l.net.ID), []int64{src.ID}, "ko"
		p = l.mustPublished(t, ed, p)
		got, err := l.db.Practice(ed, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Slug != p.Slug || got.Visibility != p.Visibility || !slices.Equal(got.AdaptedFrom, p.AdaptedFrom) ||
			!slices.Equal(got.Tags, p.Tags) || !slices.Equal(got.SDGTargets, p.SDGTargets) || got.Lang != "ko" ||
			!got.PeriodFrom.Equal(p.PeriodFrom) || !got.PeriodTo.Equal(p.PeriodTo) || got.Category != p.Category ||
			got.Title != p.Title || got.Summary != p.Summary || got.Body != p.Body || got.Version != 1 ||
			!got.PublishedAt.Equal(p.PublishedAt) || !got.UpdatedAt.Equal(p.UpdatedAt) || got.OwnerID != l.seoul.ID {
			t.Errorf("read back\n%+v\nwrote\n%+v", got, p)
		}
	})
}
