package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/mail"
)

func letterTo(to string) mail.Message {
	return mail.Message{To: to, Subject: "subject", Text: "body", Lang: "en"}
}

// TestInvitationAcceptedOnce: many acceptances of one invitation at once make one account;
// the others are told the invitation is used, and nothing is half-written.
func TestInvitationAcceptedOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		seoul := mustOrg(t, db, "seoul")
		inv := account.Invitation{Email: "new@seoul.example", Lang: i18n.KO, Role: citypact.RoleMember, OrgID: seoul.ID,
			CreatedAt: epoch, ExpiresAt: epoch.Add(time.Hour)}
		if err := db.CreateInvitation(ctxAs(admin), &inv, "hash-1", letterTo(inv.Email)); err != nil {
			t.Fatal(err)
		}
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				u := account.User{Email: inv.Email, Name: "New", Lang: i18n.KO, Role: inv.Role, OrgID: inv.OrgID,
					PasswordHash: "$argon2id$fake", PasswordChangedAt: epoch, CreatedAt: epoch, UpdatedAt: epoch}
				errs[i] = db.AcceptInvitation(ctxAs(admin), inv.ID, &u)
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case citypact.KindOf(err) != citypact.KindConflict:
				t.Errorf("a losing acceptance failed with %v, want a conflict", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d acceptances succeeded, want 1", ok)
		}
		got, err := db.InvitationByHash(t.Context(), "hash-1")
		if err != nil || got.AcceptedAt.IsZero() || got.UserID == 0 {
			t.Errorf("the invitation after acceptance: %+v, %v", got, err)
		}
		if pending, err := db.ListInvitations(t.Context(), 0); err != nil || len(pending) != 0 {
			t.Errorf("still pending: %v, %v", pending, err)
		}
	})
}

// TestPasswordResetUsedOnce: a reset link works once, only while it is fresh, and a newer link or
// a password change makes older links useless.
func TestPasswordResetUsedOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, now := open(t, dsn)
		u := mustUser(t, db, "kim@seoul.example", citypact.RoleAdmin, 0)
		reset := func(hash string) account.PasswordReset {
			t.Helper()
			r := account.PasswordReset{UserID: u.ID, CreatedAt: *now, ExpiresAt: now.Add(30 * time.Minute)}
			if err := db.CreatePasswordReset(ctxAs(admin), &r, hash, letterTo(u.Email)); err != nil {
				t.Fatal(err)
			}
			return r
		}
		used := func(hash string) bool {
			t.Helper()
			r, _, err := db.PasswordResetByHash(t.Context(), hash)
			if err != nil {
				t.Fatal(err)
			}
			return !r.UsedAt.IsZero()
		}
		first := reset("h1")
		second := reset("h2")
		if !used("h1") || used("h2") {
			t.Error("a new link did not supersede the older one")
		}
		if err := db.ResetPassword(ctxAs(admin), first.ID, u.ID, "$argon2id$new", true); citypact.MessageOf(err) != "reset.used" {
			t.Errorf("a superseded link: %v, want reset.used", err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { errs[i] = db.ResetPassword(ctxAs(admin), second.ID, u.ID, "$argon2id$new", true) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if citypact.MessageOf(err) != "reset.used" {
				t.Errorf("a second use: %v, want reset.used", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d uses of one link succeeded, want 1", ok)
		}

		late := reset("h3")
		*now = now.Add(31 * time.Minute)
		if err := db.ResetPassword(ctxAs(admin), late.ID, u.ID, "$argon2id$new", true); citypact.MessageOf(err) != "reset.used" {
			t.Errorf("an expired link: %v, want reset.used", err)
		}
		reset("h4")
		if err := db.SetPassword(ctxAs(admin), u.ID, "$argon2id$other", 0); err != nil {
			t.Fatal(err)
		}
		if !used("h4") {
			t.Error("a password change left an older reset link working")
		}
	})
}
