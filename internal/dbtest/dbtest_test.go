package dbtest_test

import (
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/citypact/citypact/internal/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

const seoul = "서울"

// The tests run in parallel to let the race detector see concurrent first calls and creations.
func TestEach(t *testing.T) {
	t.Parallel()
	var dsns []string
	dbtest.Each(t, func(t *testing.T, dsn string) {
		dsns = append(dsns, dsn)
		var db *sql.DB
		switch name := filepath.Base(t.Name()); name {
		case "sqlite":
			path, ok := strings.CutPrefix(dsn, "sqlite:")
			if !ok || !filepath.IsAbs(path) {
				t.Fatalf("DSN %q, want sqlite:/absolute/path", dsn)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("%s exists before the test made it (%v)", path, err)
			}
			db = open(t, "sqlite", path)
		case "postgres":
			if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
				t.Errorf("DSN %q, want a postgres:// URL", dsn)
			}
			db = open(t, "pgx", dsn)
			checkPostgres(t, db)
		default:
			t.Fatalf("subtest %q, want sqlite or postgres", name)
		}
		mustExec(t, db, "CREATE TABLE city (name TEXT)")
		mustExec(t, db, "INSERT INTO city VALUES ($1)", seoul)
		var got string
		if err := db.QueryRow("SELECT name FROM city WHERE name = $1", seoul).Scan(&got); err != nil || got != seoul {
			t.Errorf("read back %q, %v; want %q", got, err, seoul)
		}
	})
	if len(dsns) == 2 && dsns[0] == dsns[1] {
		t.Errorf("both engines got %q", dsns[0])
	}
}

func checkPostgres(t *testing.T, db *sql.DB) {
	if n := count(t, db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"); n != 0 {
		t.Errorf("fresh database has %d tables", n)
	}
	var encoding, ctype string
	err := db.QueryRow(`SELECT pg_encoding_to_char(encoding), datctype
		FROM pg_database WHERE datname = current_database()`).Scan(&encoding, &ctype)
	// pg_trgm and lower() need a UTF-8 ctype to treat 서울 as letters.
	norm := strings.ToLower(strings.ReplaceAll(ctype, "-", ""))
	if err != nil || encoding != "UTF8" || !strings.HasSuffix(norm, ".utf8") {
		t.Errorf("encoding %q, ctype %q (%v); want UTF8 and a UTF-8 ctype", encoding, ctype, err)
	}
}

func TestPostgresTwice(t *testing.T) {
	t.Parallel()
	a, b := dbtest.Postgres(t), dbtest.Postgres(t)
	if a == b {
		t.Fatalf("two calls both gave %q", a)
	}
	mustExec(t, open(t, "pgx", a), "CREATE TABLE only_in_a (id int)")
	if n := count(t, open(t, "pgx", b), "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"); n != 0 {
		t.Errorf("a table made in %s shows up in %s", a, b)
	}
}

// A bare machine is simulated by pointing CITYPACT_TEST_PG_BIN at nothing, in a child test binary
// (the parent's cluster is started once per binary and cannot be forgotten).
func TestWithoutPostgres(t *testing.T) {
	if os.Getenv("CITYPACT_TEST_PG_BIN") != "" {
		t.Skip("already simulating a machine without PostgreSQL")
	}
	for _, tc := range []struct {
		require string
		wantErr bool
		want    string
	}{
		{"", false, "SKIPPING PostgreSQL tests"},
		{"1", true, "PostgreSQL not installed"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEach$", "-test.v")
		cmd.Env = append(without(os.Environ(), "CITYPACT_TEST_POSTGRES=", "CITYPACT_REQUIRE_POSTGRES="),
			"CITYPACT_TEST_PG_BIN=/nonexistent", "CITYPACT_REQUIRE_POSTGRES="+tc.require)
		out, err := cmd.CombinedOutput()
		if (err != nil) != tc.wantErr || !strings.Contains(string(out), tc.want) {
			t.Errorf("CITYPACT_REQUIRE_POSTGRES=%q: err = %v, want error %v and %q in output:\n%s",
				tc.require, err, tc.wantErr, tc.want, out)
		}
	}
}

func open(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db *sql.DB, query string) (n int) {
	t.Helper()
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// without drops from env the variables given as "NAME=".
func without(env []string, names ...string) []string {
	return slices.DeleteFunc(env, func(kv string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(kv, n) })
	})
}
