package app_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
)

// TestOrganisationListsAsCSV: each list on an organisation's page downloads as CSV, with contact
// details only for signed-in members and formulas neutralised.
func TestOrganisationListsAsCSV(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "test", Role: citypact.RoleAdmin})
		db := h.App.DB
		c := directory.Contact{OrgID: h.Seoul.ID, Name: "=HYPERLINK(\"x\")", Title: directory.TitleFocalHealth, Email: "focal@seoul.example"}
		tie := directory.Tie{A: h.Seoul.ID, B: h.Taipei.ID, Kind: directory.TieFriendship, Reference: "MoU"}
		e := directory.TimelineEntry{Date: time.Date(2020, 5, 29, 0, 0, 0, 0, time.UTC), Kind: directory.EntryVisit,
			Title: "Video conference", Parties: []int64{h.Seoul.ID, h.Taipei.ID}}
		if err := db.AddContact(ctx, &c); err != nil {
			t.Fatal(err)
		}
		if err := db.AddTie(ctx, &tie); err != nil {
			t.Fatal(err)
		}
		if err := db.AddTimelineEntry(ctx, &e); err != nil {
			t.Fatal(err)
		}
		read := func(cl *apptest.Client, path string) [][]string {
			t.Helper()
			res := cl.Get(path)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF"))).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return rows
		}
		visitor := h.Client(t)
		contacts := read(visitor, "/orgs/seoul/contacts.csv")
		if len(contacts) != 2 || contacts[1][3] != "" || !strings.HasPrefix(contacts[1][0], "'=") {
			t.Errorf("visitor's contacts.csv: %q", contacts)
		}
		member := h.Client(t)
		member.SignIn(h.Member.Email, apptest.Password)
		if rows := read(member, "/orgs/seoul/contacts.csv"); rows[1][3] != "focal@seoul.example" {
			t.Errorf("member's contacts.csv lacks the e-mail: %q", rows)
		}
		if rows := read(visitor, "/orgs/taipei/ties.csv"); len(rows) != 2 || rows[1][0] != "seoul" || rows[1][8] != "MoU" {
			t.Errorf("ties.csv from the other side: %q", rows)
		}
		if rows := read(visitor, "/orgs/seoul/timeline.csv"); len(rows) != 2 || rows[1][0] != "2020-05-29" || rows[1][4] != "seoul taipei" {
			t.Errorf("timeline.csv: %q", rows)
		}
		if rows := read(visitor, "/orgs/seoul/networks.csv"); len(rows) != 1 {
			t.Errorf("networks.csv of an organisation in no network: %q", rows)
		}
	})
}
