package account_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/store"
	"github.com/citypact/citypact/internal/totp"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

const pw = "a long enough passphrase"

type fixture struct {
	db    *store.DB
	svc   *account.Service
	now   *time.Time
	seoul directory.Organisation
	admin account.User
	mem   account.User
}

var start = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func setup(t *testing.T, dsn string) *fixture {
	t.Helper()
	f := &fixture{now: new(time.Time)}
	*f.now = start
	clock := func() time.Time { return *f.now }
	var err error
	f.db, err = store.Open(context.Background(), dsn, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.db.Close() })
	if _, err := f.db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.svc = account.NewService(f.db, apptest.CheapHasher(), account.DefaultPolicy, clock)
	ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "test", Role: citypact.RoleAdmin})
	f.seoul = directory.Organisation{Slug: "seoul", Name: "Seoul", Kind: directory.KindCity}
	if err := f.db.CreateOrganisation(ctx, &f.seoul); err != nil {
		t.Fatal(err)
	}
	if f.admin, err = f.svc.CreateUser(ctx, account.NewUser{Email: "Admin@Example.org", Name: "Admin", Role: citypact.RoleAdmin, Password: pw}); err != nil {
		t.Fatal(err)
	}
	if f.mem, err = f.svc.CreateUser(ctx, account.NewUser{Email: "member@seoul.example", Name: "Member", Role: citypact.RoleMember, OrgID: f.seoul.ID, Password: pw}); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCreateUserValidation(t *testing.T) {
	f := setup(t, dbtest.SQLite(t))
	ctx := context.Background()
	tests := []struct {
		name  string
		nu    account.NewUser
		field string
		key   string
	}{
		{"empty e-mail", account.NewUser{Name: "x", Role: citypact.RoleAdmin, Password: pw}, "email", "field.required"},
		{"bad e-mail", account.NewUser{Email: "not an address", Name: "x", Role: citypact.RoleAdmin, Password: pw}, "email", "email.invalid"},
		{"header injection", account.NewUser{Email: "a@b.example\r\nBcc: x@y", Name: "x", Role: citypact.RoleAdmin, Password: pw}, "email", "email.invalid"},
		{"taken (any case)", account.NewUser{Email: "ADMIN@example.org", Name: "x", Role: citypact.RoleAdmin, Password: pw}, "email", "user.email_taken"},
		{"no name", account.NewUser{Email: "n@x.example", Role: citypact.RoleAdmin, Password: pw}, "name", "field.required"},
		{"short password", account.NewUser{Email: "n@x.example", Name: "x", Role: citypact.RoleAdmin, Password: "short"}, "password", "password.too_short"},
		{"common password", account.NewUser{Email: "n@x.example", Name: "x", Role: citypact.RoleAdmin, Password: "Unbelievable"}, "password", "password.common"},
		{"member without org", account.NewUser{Email: "n@x.example", Name: "x", Role: citypact.RoleMember, Password: pw}, "org", "user.org_required"},
		{"unknown org", account.NewUser{Email: "n@x.example", Name: "x", Role: citypact.RoleEditor, OrgID: 999, Password: pw}, "org", "user.org_unknown"},
		{"no role", account.NewUser{Email: "n@x.example", Name: "x", Password: pw}, "role", "field.choice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.CreateUser(ctx, tt.nu)
			found := false
			for _, fe := range citypact.FieldsOf(err) {
				found = found || (fe.Field == tt.field && fe.Key == tt.key)
			}
			if !found {
				t.Errorf("got %v, want %s: %s", err, tt.field, tt.key)
			}
		})
	}
	if _, err := f.db.UserByEmail(ctx, "n@x.example"); citypact.KindOf(err) != citypact.KindNotFound {
		t.Errorf("a refused user was stored: %v", err)
	}
}

func TestSignInAndThrottle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := setup(t, dsn)
		ctx := context.Background()
		m := account.Meta{UserAgent: "test", IP: "192.0.2.1"}
		res, err := f.svc.SignIn(ctx, "  admin@EXAMPLE.org ", pw, m)
		if err != nil || res.Secret == "" || res.User.ID != f.admin.ID || res.User.PasswordHash != "" {
			t.Fatalf("sign in: %+v %v", res, err)
		}
		a, _, _, err := f.svc.Authenticate(ctx, res.Secret)
		if err != nil || a.UserID != f.admin.ID || a.Role != citypact.RoleAdmin {
			t.Fatalf("authenticate: %+v %v", a, err)
		}
		// Wrong password and unknown address give the same answer.
		_, e1 := f.svc.SignIn(ctx, "admin@example.org", "wrong password!!", m)
		_, e2 := f.svc.SignIn(ctx, "nobody@example.org", "wrong password!!", m)
		if citypact.MessageOf(e1) != "signin.failed" || citypact.MessageOf(e2) != "signin.failed" {
			t.Errorf("failures: %v / %v", e1, e2)
		}
		// A second instance on the same database sees the same failure count.
		other := account.NewService(f.db, apptest.CheapHasher(), account.DefaultPolicy, func() time.Time { return *f.now })
		for range 4 {
			other.SignIn(ctx, "admin@example.org", "wrong password!!", m)
		}
		if _, err := f.svc.SignIn(ctx, "admin@example.org", pw, m); citypact.KindOf(err) != citypact.KindTooMany {
			t.Fatalf("sixth attempt with the right password: %v, want throttled", err)
		}
		// The window passes; the right password works again.
		*f.now = f.now.Add(16 * time.Minute)
		if _, err := f.svc.SignIn(ctx, "admin@example.org", pw, m); err != nil {
			t.Errorf("after the window: %v", err)
		}
	})
}

func TestSessionTimeouts(t *testing.T) {
	f := setup(t, dbtest.SQLite(t))
	ctx := context.Background()
	p := account.DefaultPolicy
	res, err := f.svc.SignIn(ctx, "member@seoul.example", pw, account.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	// Used every hour, the session lives until its absolute limit.
	for elapsed := time.Hour; elapsed < p.AbsoluteTimeout; elapsed += time.Hour {
		*f.now = start.Add(elapsed)
		if _, _, _, err := f.svc.Authenticate(ctx, res.Secret); err != nil {
			t.Fatalf("after %v: %v", elapsed, err)
		}
	}
	*f.now = start.Add(p.AbsoluteTimeout)
	if _, _, _, err := f.svc.Authenticate(ctx, res.Secret); citypact.KindOf(err) != citypact.KindUnauthenticated {
		t.Errorf("past the absolute limit: %v", err)
	}
	// Left idle, a session ends after the idle timeout.
	*f.now = start
	res, _ = f.svc.SignIn(ctx, "member@seoul.example", pw, account.Meta{})
	*f.now = start.Add(p.IdleTimeout + time.Second)
	if _, _, _, err := f.svc.Authenticate(ctx, res.Secret); citypact.KindOf(err) != citypact.KindUnauthenticated {
		t.Errorf("idle session: %v", err)
	}
}

func TestChangePasswordEndsSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := setup(t, dsn)
		ctx := context.Background()
		s1, _ := f.svc.SignIn(ctx, "member@seoul.example", pw, account.Meta{})
		s2, _ := f.svc.SignIn(ctx, "member@seoul.example", pw, account.Meta{})
		a, _, _, _ := f.svc.Authenticate(ctx, s1.Secret)
		if _, err := f.svc.ChangePassword(ctx, a, "wrong current pw", "another long passphrase", account.Meta{}); citypact.FieldsOf(err)[0].Key != "password.current_wrong" {
			t.Errorf("wrong current: %v", err)
		}
		if _, err := f.svc.ChangePassword(ctx, a, pw, "short", account.Meta{}); citypact.FieldsOf(err)[0].Key != "password.too_short" {
			t.Errorf("short new: %v", err)
		}
		res, err := f.svc.ChangePassword(ctx, a, pw, "another long passphrase", account.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		for _, old := range []string{s1.Secret, s2.Secret} {
			if _, _, _, err := f.svc.Authenticate(ctx, old); citypact.KindOf(err) != citypact.KindUnauthenticated {
				t.Errorf("old session still valid: %v", err)
			}
		}
		if _, _, _, err := f.svc.Authenticate(ctx, res.Secret); err != nil {
			t.Errorf("new session: %v", err)
		}
		if _, err := f.svc.SignIn(ctx, "member@seoul.example", pw, account.Meta{}); err == nil {
			t.Error("old password still works")
		}
	})
}

func TestTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := setup(t, dsn)
		ctx := context.Background()
		member := f.mem.Actor()
		// A member cannot point a token at another organisation: it is bound to their own.
		res, err := f.svc.CreateToken(ctx, member, "ci", citypact.ScopeRead, 12345)
		if err != nil || res.Token.OrgID != f.seoul.ID {
			t.Fatalf("create: %+v %v", res, err)
		}
		a, err := f.svc.AuthenticateToken(ctx, res.Secret)
		if err != nil || a.UserID != f.mem.ID || a.Scope != citypact.ScopeRead || a.OrgID != f.seoul.ID || a.TokenID != res.Token.ID {
			t.Fatalf("authenticate: %+v %v", a, err)
		}
		list, _ := f.svc.Tokens(ctx, member)
		if len(list) != 1 || list[0].LastUsedAt.IsZero() {
			t.Errorf("last use not recorded: %+v", list)
		}
		if _, err := f.svc.CreateToken(ctx, member, "", citypact.ScopeNone, 0); len(citypact.FieldsOf(err)) != 2 {
			t.Errorf("empty name and scope: %v", err)
		}
		if err := f.svc.RevokeToken(ctx, member, res.Token.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AuthenticateToken(ctx, res.Secret); citypact.KindOf(err) != citypact.KindUnauthenticated {
			t.Errorf("revoked token accepted: %v", err)
		}
		if _, err := f.svc.AuthenticateToken(ctx, "cpt_forged"); citypact.KindOf(err) != citypact.KindUnauthenticated {
			t.Errorf("forged token: %v", err)
		}
	})
}

func TestTOTPEnrolAndSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := setup(t, dsn)
		ctx := context.Background()
		admin := f.admin.Actor()
		secret, err := f.svc.BeginTOTP(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ConfirmTOTP(ctx, admin, "000000"); citypact.KindOf(err) != citypact.KindInvalid {
			t.Errorf("wrong code: %v", err)
		}
		code, _ := totp.Code(secret, *f.now)
		if err := f.svc.ConfirmTOTP(ctx, admin, code); err != nil {
			t.Fatal(err)
		}
		// Signing in now needs the second step; the pending session grants nothing.
		res, err := f.svc.SignIn(ctx, "admin@example.org", pw, account.Meta{})
		if err != nil || !res.Session.MFAPending {
			t.Fatalf("pending: %+v %v", res, err)
		}
		if a, _, _, _ := f.svc.Authenticate(ctx, res.Secret); a.SignedIn() {
			t.Error("a pending session acts as the user")
		}
		// The code used to enrol cannot be used again (replay), even within its 30 s.
		if _, err := f.svc.VerifyTOTP(ctx, res.Secret, code, account.Meta{}); citypact.KindOf(err) != citypact.KindInvalid {
			t.Errorf("replayed code: %v", err)
		}
		*f.now = f.now.Add(30 * time.Second)
		code, _ = totp.Code(secret, *f.now)
		full, err := f.svc.VerifyTOTP(ctx, res.Secret, code, account.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if a, _, _, err := f.svc.Authenticate(ctx, full.Secret); err != nil || !a.IsAdmin() {
			t.Errorf("full session: %+v %v", a, err)
		}
		if _, _, _, err := f.svc.Authenticate(ctx, res.Secret); citypact.KindOf(err) != citypact.KindUnauthenticated {
			t.Errorf("the pending session survived: %v", err)
		}
		// Required for admins: it cannot be turned off.
		if err := f.svc.SetRequireAdminTOTP(ctx, admin, true); err != nil {
			t.Fatal(err)
		}
		*f.now = f.now.Add(30 * time.Second)
		code, _ = totp.Code(secret, *f.now)
		if err := f.svc.DisableTOTP(ctx, admin, code); citypact.MessageOf(err) != "totp.required" {
			t.Errorf("disable while required: %v", err)
		}
		if err := f.svc.SetRequireAdminTOTP(ctx, f.mem.Actor(), false); citypact.KindOf(err) != citypact.KindForbidden {
			t.Errorf("member changed a hub setting: %v", err)
		}
	})
}

func TestUserManagementRoles(t *testing.T) {
	f := setup(t, dbtest.SQLite(t))
	ctx := context.Background()
	change := account.UserChange{Name: "Member", Role: citypact.RoleEditor, OrgID: f.seoul.ID}
	if _, err := f.svc.UpdateUser(ctx, f.mem.Actor(), f.mem.ID, change); citypact.KindOf(err) != citypact.KindForbidden {
		t.Errorf("member promoted themself: %v", err)
	}
	if _, err := f.svc.Users(ctx, f.mem.Actor(), citypact.Page{}); citypact.KindOf(err) != citypact.KindForbidden {
		t.Errorf("member listed users: %v", err)
	}
	u, err := f.svc.UpdateUser(ctx, f.admin.Actor(), f.mem.ID, change)
	if err != nil || u.Role != citypact.RoleEditor {
		t.Errorf("admin promoted member: %+v %v", u, err)
	}
	self := account.UserChange{Name: "Admin", Role: citypact.RoleMember, OrgID: f.seoul.ID}
	if _, err := f.svc.UpdateUser(ctx, f.admin.Actor(), f.admin.ID, self); citypact.KindOf(err) != citypact.KindConflict {
		t.Errorf("admin demoted themself: %v", err)
	}
	// Disabling ends the user's sessions at once.
	res, _ := f.svc.SignIn(ctx, "member@seoul.example", pw, account.Meta{})
	change.Disabled = true
	if _, err := f.svc.UpdateUser(ctx, f.admin.Actor(), f.mem.ID, change); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := f.svc.Authenticate(ctx, res.Secret); citypact.KindOf(err) != citypact.KindUnauthenticated {
		t.Errorf("disabled user's session: %v", err)
	}
	if _, err := f.svc.SignIn(ctx, "member@seoul.example", pw, account.Meta{}); err == nil {
		t.Error("disabled user signed in")
	}
}
