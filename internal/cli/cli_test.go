package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func run(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"frobnicate"}, {"user"}, {"user", "add", "--no-such-flag"}, {"backup"}} {
		if code, _, _ := run(t, "", nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, out, _ := run(t, "", nil, "help"); code != 0 || !strings.Contains(out, "serve") {
		t.Errorf("help: %d %q", code, out)
	}
	if code, out, _ := run(t, "", nil, "version"); code != 0 || !strings.HasPrefix(out, "citypact ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestRoutesJSON(t *testing.T) {
	code, out, _ := run(t, "", nil, "routes", "--json")
	var routes []RouteInfo
	if code != 0 || json.Unmarshal([]byte(out), &routes) != nil {
		t.Fatalf("routes --json: %d %q", code, out)
	}
	found := map[string]RouteInfo{}
	for _, r := range routes {
		found[r.Method+" "+r.Pattern] = r
	}
	for key, role := range map[string]string{"GET /admin/audit": "admin", "POST /account/password": "member", "GET /{$}": "visitor", "GET /healthz": "visitor"} {
		if found[key].Role != role {
			t.Errorf("%s: role %q, want %q", key, found[key].Role, role)
		}
	}
	if r := found["POST /api/v1/organisations"]; r.Role != "admin" || r.Scope != "write" {
		t.Errorf("API write route: %+v", r)
	}
}

// TestUserAndBackupCommands drives the commands an operator uses on a fresh hub, on both engines.
func TestUserAndBackupCommands(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		env := map[string]string{"CITYPACT_DATABASE": dsn}
		if code, _, errs := run(t, "", env, "org", "add", "--slug", "seoul", "--name", "Seoul"); code != 0 {
			t.Fatalf("org add: %s", errs)
		}
		code, out, errs := run(t, "", env, "user", "add", "--admin", "--email", "Admin@Example.org", "--name", "Secretariat")
		if code != 0 || !strings.Contains(out, "password (shown once): ") {
			t.Fatalf("user add --admin: %d %q %q", code, out, errs)
		}
		code, _, errs = run(t, "short\n", env, "user", "add", "--role", "member", "--org", "seoul", "--email", "m@seoul.example", "--name", "M", "--password-stdin")
		if code != 2 || !strings.Contains(errs, "at least 12") {
			t.Errorf("weak password: %d %q", code, errs)
		}
		code, _, errs = run(t, "a long enough passphrase\n", env, "user", "add", "--role", "member", "--org", "seoul", "--email", "m@seoul.example", "--name", "M", "--password-stdin")
		if code != 0 {
			t.Fatalf("member: %s", errs)
		}
		if code, _, _ := run(t, "", env, "user", "add", "--role", "member", "--org", "nowhere", "--email", "x@y.example", "--name", "X"); code != 1 {
			t.Errorf("unknown org: exit %d", code)
		}
		code, out, _ = run(t, "", env, "user", "list")
		if code != 0 || !strings.Contains(out, "admin@example.org") || !strings.Contains(out, "m@seoul.example") || !strings.Contains(out, "Seoul") {
			t.Errorf("user list: %q", out)
		}
		if code, _, errs := run(t, "", env, "user", "set-role", "--email", "m@seoul.example", "--role", "editor"); code != 0 {
			t.Errorf("set-role: %s", errs)
		}
		if code, _, errs := run(t, "another long passphrase\n", env, "user", "reset-password", "--email", "m@seoul.example", "--password-stdin"); code != 0 {
			t.Errorf("reset-password: %s", errs)
		}

		file := filepath.Join(t.TempDir(), "hub.backup")
		if code, _, errs := run(t, "", env, "backup", "--out", file); code != 0 {
			t.Fatalf("backup: %s", errs)
		}
		if code, _, errs := run(t, "", env, "restore", "--from", file); code != 1 || !strings.Contains(errs, "--force") {
			t.Errorf("restore over data without --force: %d %q", code, errs)
		}
		if code, _, errs := run(t, "", env, "restore", "--from", file, "--force"); code != 0 {
			t.Errorf("restore --force: %s", errs)
		}
		if code, out, _ := run(t, "", env, "migrate"); code != 0 || !strings.Contains(out, "applied 0") {
			t.Errorf("migrate after restore: %q", out)
		}
	})
}
