package store_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/store"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

var update = flag.Bool("update", false, "rewrite migrations/schema.txt from the migrated SQLite schema")

var epoch = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// open returns a migrated store on dsn with a clock that tests can move.
func open(t *testing.T, dsn string) (*store.DB, *time.Time) {
	t.Helper()
	now := epoch
	db, err := store.Open(context.Background(), dsn, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, &now
}

var admin = citypact.Actor{UserID: 0, Name: "test", Role: citypact.RoleAdmin}

func ctxAs(a citypact.Actor) context.Context { return citypact.WithActor(context.Background(), a) }

func mustOrg(t *testing.T, db *store.DB, slug string) directory.Organisation {
	t.Helper()
	o := directory.Organisation{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:], Kind: directory.KindCity}
	if err := db.CreateOrganisation(ctxAs(admin), &o); err != nil {
		t.Fatal(err)
	}
	return o
}

func mustUser(t *testing.T, db *store.DB, email string, role citypact.Role, orgID int64) account.User {
	t.Helper()
	u := account.User{Email: email, Name: "Name of " + email, Lang: i18n.KO, Role: role, OrgID: orgID,
		PasswordHash: "$argon2id$fake", PasswordChangedAt: epoch, CreatedAt: epoch, UpdatedAt: epoch}
	if err := db.CreateUser(ctxAs(admin), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

// columns lists "table.column" of every table on the engine, sorted.
func columns(t *testing.T, db *store.DB) []string {
	t.Helper()
	cols, err := db.Columns(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cols
}

// postgresOnly are the columns only PostgreSQL has: what its search reads of each candidate in the
// candidate's row, which SQLite's FTS5 index gives it (word counts) or a join gives it cheaply
// (the practice's status and visibility). See migrations 00016 and 00017.
var postgresOnly = map[string]bool{
	"board_search.index_tc": true, "practice_search.index_tc": true,
	"practice_search.status": true, "practice_search.vis_kind": true,
}

// TestSchemaSameOnBothEngines proves the two migration folders end with the same tables and
// columns, but for postgresOnly, and that they match the committed schema listing.
func TestSchemaSameOnBothEngines(t *testing.T) {
	lite, _ := open(t, dbtest.SQLite(t))
	pg, _ := open(t, dbtest.Postgres(t))
	a, b := columns(t, lite), columns(t, pg)
	b = slices.DeleteFunc(b, func(c string) bool { return postgresOnly[c] })
	if !slices.Equal(a, b) {
		t.Errorf("schemas differ:\nonly in SQLite: %v\nonly in PostgreSQL: %v", minus(a, b), minus(b, a))
	}
	want := filepath.Join("migrations", "schema.txt")
	got := strings.Join(a, "\n") + "\n"
	if *update {
		if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile(want)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/store -run Schema -update)", err)
	}
	if string(committed) != got {
		t.Errorf("migrations/schema.txt is stale; run: go test ./internal/store -run Schema -update\ngot:\n%s", got)
	}
	for _, db := range []*store.DB{lite, pg} {
		v, pending, err := db.SchemaVersion(context.Background())
		if err != nil || pending || v < 1 {
			t.Errorf("%s: version %d pending %v err %v", db.Engine, v, pending, err)
		}
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func TestMigrateTwiceIsNoop(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		applied, err := db.Migrate(context.Background())
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v", applied, err)
		}
	})
}

func TestUsers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		seoul := mustOrg(t, db, "seoul")
		u := mustUser(t, db, "officer@seoul.example", citypact.RoleEditor, seoul.ID)

		got, err := db.UserByEmail(ctx, "officer@seoul.example")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || got.OrgName != "Seoul" || got.Role != citypact.RoleEditor || got.Lang != i18n.KO || !got.CreatedAt.Equal(epoch) {
			t.Errorf("read back %+v", got)
		}

		// A taken address is a field error and writes nothing, not even an audit row.
		before := auditCount(t, db)
		dup := account.User{Email: u.Email, Name: "x", Role: citypact.RoleMember, OrgID: seoul.ID, PasswordHash: "h",
			PasswordChangedAt: epoch, CreatedAt: epoch, UpdatedAt: epoch}
		err = db.CreateUser(ctxAs(admin), &dup)
		if fe := citypact.FieldsOf(err); len(fe) != 1 || fe[0].Key != "user.email_taken" {
			t.Errorf("duplicate e-mail: %v", err)
		}
		// An unknown organisation is refused by the foreign key, and rolled back.
		bad := account.User{Email: "x@y.example", Name: "x", Role: citypact.RoleMember, OrgID: 9999, PasswordHash: "h",
			PasswordChangedAt: epoch, CreatedAt: epoch, UpdatedAt: epoch}
		if err := db.CreateUser(ctxAs(admin), &bad); citypact.KindOf(err) != citypact.KindInvalid {
			t.Errorf("unknown org: %v", err)
		}
		if n := auditCount(t, db); n != before {
			t.Errorf("failed writes left %d audit rows", n-before)
		}
		if _, err := db.UserByEmail(ctx, "x@y.example"); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("half-written user: %v", err)
		}

		// An update records before and after, without secrets.
		got.Name, got.Role = "Renamed", citypact.RoleMember
		if err := db.UpdateUser(ctxAs(citypact.Actor{UserID: u.ID, Name: u.Email, Role: citypact.RoleAdmin}), got); err != nil {
			t.Fatal(err)
		}
		entries, err := db.AuditLog(ctx, audit.Filter{Entity: "user", EntityID: u.ID, Action: "user.update"})
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit: %v %v", entries, err)
		}
		e := entries[0]
		if !strings.Contains(e.Before, `"role":"editor"`) || !strings.Contains(e.After, `"role":"member"`) ||
			strings.Contains(e.After, "argon2") || e.ActorUserID != u.ID || e.ActorLabel != u.Email {
			t.Errorf("audit entry %+v", e)
		}
		if _, err := db.UserByID(ctx, 424242); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("missing user: %v", err)
		}
	})
}

func auditCount(t *testing.T, db *store.DB) int {
	t.Helper()
	e, err := db.AuditLog(context.Background(), audit.Filter{Page: citypact.Page{Limit: citypact.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	return len(e)
}

func TestSessionsAndTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		seoul := mustOrg(t, db, "seoul")
		u := mustUser(t, db, "a@seoul.example", citypact.RoleMember, seoul.ID)
		other := mustUser(t, db, "b@seoul.example", citypact.RoleMember, seoul.ID)
		as := ctxAs(u.Actor())

		s := account.Session{UserID: u.ID, CreatedAt: epoch, LastSeenAt: epoch, ExpiresAt: epoch.Add(time.Hour), UserAgent: "Firefox", IP: "127.0.0.1"}
		if err := db.CreateSession(as, &s, "hash-1"); err != nil {
			t.Fatal(err)
		}
		gs, gu, err := db.SessionByHash(ctx, "hash-1")
		if err != nil || gs.ID != s.ID || gu.ID != u.ID || !gs.ExpiresAt.Equal(s.ExpiresAt) || gs.UserAgent != "Firefox" {
			t.Fatalf("SessionByHash: %+v %+v %v", gs, gu, err)
		}
		if _, _, err := db.SessionByHash(ctx, "nope"); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("unknown session: %v", err)
		}
		if err := db.TouchSession(ctx, s.ID, epoch.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		list, err := db.ListSessions(ctx, u.ID)
		if err != nil || len(list) != 1 || !list[0].LastSeenAt.Equal(epoch.Add(time.Minute)) {
			t.Fatalf("ListSessions: %+v %v", list, err)
		}
		// Someone else's session cannot be ended.
		if err := db.EndSession(ctxAs(other.Actor()), other.ID, s.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("ended another user's session: %v", err)
		}
		// A password change ends every session but the one kept.
		s2 := account.Session{UserID: u.ID, CreatedAt: epoch, LastSeenAt: epoch, ExpiresAt: epoch.Add(time.Hour)}
		if err := db.CreateSession(as, &s2, "hash-2"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPassword(as, u.ID, "new-hash", s2.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.ListSessions(ctx, u.ID); len(list) != 1 || list[0].ID != s2.ID {
			t.Errorf("after password change: %+v", list)
		}
		if n, err := db.DeleteExpiredSessions(ctx, epoch.Add(2*time.Hour)); err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions: %d %v", n, err)
		}

		tok := account.Token{UserID: u.ID, OrgID: seoul.ID, Name: "ci", Scope: citypact.ScopeRead, CreatedAt: epoch}
		if err := db.CreateToken(as, &tok, "tok-hash"); err != nil {
			t.Fatal(err)
		}
		gt, gu, err := db.TokenByHash(ctx, "tok-hash")
		if err != nil || gt.ID != tok.ID || gt.Scope != citypact.ScopeRead || gt.OrgName != "Seoul" || gu.Email != u.Email || !gt.LastUsedAt.IsZero() {
			t.Fatalf("TokenByHash: %+v %+v %v", gt, gu, err)
		}
		if err := db.RevokeToken(ctxAs(other.Actor()), other.ID, tok.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("revoked another user's token: %v", err)
		}
		if err := db.RevokeToken(as, u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if gt, _, _ := db.TokenByHash(ctx, "tok-hash"); gt.RevokedAt.IsZero() {
			t.Error("token not revoked")
		}
		if err := db.RevokeToken(as, u.ID, tok.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("second revoke: %v", err)
		}
	})
}

func TestLoginFailuresAndTOTPSteps(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		for i := range 3 {
			if err := db.RecordLoginFailure(ctx, "email:a", epoch.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := db.CountLoginFailures(ctx, "email:a", epoch.Add(time.Minute)); n != 2 {
			t.Errorf("failures since +1m: %d, want 2", n)
		}
		if err := db.ClearLoginFailures(ctx, "email:a"); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountLoginFailures(ctx, "email:a", epoch.Add(-time.Hour)); n != 0 {
			t.Errorf("after clear: %d", n)
		}

		seoul := mustOrg(t, db, "seoul")
		u := mustUser(t, db, "a@seoul.example", citypact.RoleMember, seoul.ID)
		if err := db.UseTOTPStep(ctx, u.ID, 100); err != nil {
			t.Fatal(err)
		}
		for _, step := range []int64{100, 99} {
			if err := db.UseTOTPStep(ctx, u.ID, step); citypact.KindOf(err) != citypact.KindConflict {
				t.Errorf("step %d replayed: %v", step, err)
			}
		}
		if err := db.UseTOTPStep(ctx, u.ID, 101); err != nil {
			t.Error(err)
		}

		if _, err := db.Setting(ctx, "x"); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("missing setting: %v", err)
		}
		if err := db.SetSetting(ctxAs(admin), "x", "1"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSetting(ctxAs(admin), "x", "2"); err != nil {
			t.Fatal(err)
		}
		if v, _ := db.Setting(ctx, "x"); v != "2" {
			t.Errorf("setting = %q", v)
		}
	})
}

func TestAuditLogFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, now := open(t, dsn)
		ctx := context.Background()
		for i, slug := range []string{"seoul", "taipei", "tokyo"} {
			*now = epoch.Add(time.Duration(i) * time.Hour)
			mustOrg(t, db, slug)
		}
		all, err := db.AuditLog(ctx, audit.Filter{})
		if err != nil || len(all) != 3 || all[0].ID < all[2].ID {
			t.Fatalf("newest first: %+v %v", all, err)
		}
		page1, _ := db.AuditLog(ctx, audit.Filter{Page: citypact.Page{Limit: 2}})
		page2, _ := db.AuditLog(ctx, audit.Filter{Page: citypact.Page{Limit: 2, After: page1[1].ID}})
		if len(page1) != 2 || len(page2) != 1 || page2[0].ID != all[2].ID {
			t.Errorf("paging: %v / %v", page1, page2)
		}
		since, _ := db.AuditLog(ctx, audit.Filter{Since: epoch.Add(90 * time.Minute)})
		if len(since) != 1 || !strings.Contains(since[0].After, "tokyo") {
			t.Errorf("since: %+v", since)
		}
		if none, _ := db.AuditLog(ctx, audit.Filter{Action: "user.create"}); len(none) != 0 {
			t.Errorf("action filter: %+v", none)
		}
	})
}

func TestOrganisations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		mustOrg(t, db, "seoul")
		dup := directory.Organisation{Slug: "seoul", Name: "Seoul again", Kind: directory.KindCity}
		if err := db.CreateOrganisation(ctxAs(admin), &dup); citypact.KindOf(err) != citypact.KindInvalid {
			t.Errorf("duplicate slug: %v", err)
		}
		o, err := db.OrganisationBySlug(ctx, "seoul")
		if err != nil || o.Name != "Seoul" {
			t.Errorf("by slug: %+v %v", o, err)
		}
		if _, err := db.OrganisationBySlug(ctx, "nope"); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("unknown slug: %v", err)
		}
	})
}

func TestBackupRestore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		mustOrg(t, db, "seoul")
		file := filepath.Join(t.TempDir(), "backup")
		if err := db.Backup(ctx, file); err != nil {
			t.Fatal(err)
		}
		if err := db.Backup(ctx, file); citypact.KindOf(err) != citypact.KindConflict {
			t.Errorf("backup over an existing file: %v", err)
		}
		mustOrg(t, db, "taipei") // a change after the backup
		db.Close()

		// Restoring over data needs --force; without it nothing changes.
		if err := store.Restore(ctx, dsn, file, false); citypact.KindOf(err) != citypact.KindConflict {
			t.Fatalf("restore without force: %v", err)
		}
		if err := store.Restore(ctx, dsn, file, true); err != nil {
			t.Fatal(err)
		}
		db2, _ := open(t, dsn)
		if _, err := db2.OrganisationBySlug(ctx, "seoul"); err != nil {
			t.Errorf("restored data missing: %v", err)
		}
		if _, err := db2.OrganisationBySlug(ctx, "taipei"); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("restore kept a later change: %v", err)
		}
		// A file that is not a backup is refused.
		junk := filepath.Join(t.TempDir(), "junk")
		os.WriteFile(junk, []byte("not a database"), 0o600)
		if err := store.Restore(ctx, dsn, junk, true); err == nil {
			t.Error("restored from junk")
		}
	})
}
