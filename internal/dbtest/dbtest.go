// Package dbtest runs a test against every storage engine citypact supports: SQLite and PostgreSQL.
//
// Each test gets a fresh, empty database of its own. PostgreSQL comes from CITYPACT_TEST_POSTGRES (the URL
// of a server on which tests may create and drop databases) or else from a throwaway cluster that the
// first caller starts and Main stops. Where PostgreSQL is not installed, its tests skip, unless
// CITYPACT_REQUIRE_POSTGRES=1 (set it in CI) makes that a failure. CITYPACT_TEST_PG_BIN names the only
// directory to look in for initdb and pg_ctl; point it at a missing one to rehearse a bare machine.
// CITYPACT_TEST_PG_OPTIONS adds settings to the throwaway cluster's command line (benchmarks give it
// a deployment's memory, "-c shared_buffers=1GB", where the default is 128 MB).
//
// It is for tests only and must never be imported by non-test code.
package dbtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// Each runs fn as the subtests "sqlite" and "postgres", each with the DSN of a fresh, empty database.
func Each(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns "sqlite:" and the path of a database file that does not exist yet; t removes it.
func SQLite(t testing.TB) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "citypact.db")
}

// Postgres returns the URL of a new, empty PostgreSQL database, dropped when t ends.
func Postgres(t testing.TB) string {
	t.Helper()
	once.Do(func() { srv, srvErr = connect() })
	if errors.Is(srvErr, errNotInstalled) && os.Getenv("CITYPACT_REQUIRE_POSTGRES") != "1" {
		t.Skip("PostgreSQL not installed: SKIPPING PostgreSQL tests; set CITYPACT_REQUIRE_POSTGRES=1 to make this a failure")
	}
	if srvErr != nil {
		t.Fatalf("dbtest: %v", srvErr)
	}
	name := srv.prefix + strconv.FormatInt(srv.seq.Add(1), 10)
	// template0, as fast as template1 here, is empty on any server, lets us ask for UTF8 whatever the
	// server's default, and accepts no connections that would make CREATE DATABASE fail.
	if err := srv.exec("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		t.Fatalf("dbtest: creating database: %v%s", err, srv.logTail())
	}
	t.Cleanup(func() {
		drop := "DROP DATABASE IF EXISTS " + name
		if srv.force {
			drop += " WITH (FORCE)" // a connection the test forgot to close must not keep the database
		}
		if err := srv.exec(drop); err != nil {
			t.Errorf("dbtest: dropping database: %v", err)
		}
	})
	u := *srv.url
	u.Path = "/" + name
	return u.String()
}

// Main runs m's tests and then stops the cluster Postgres started, if it started one. Without it the
// cluster still goes, a moment after the test binary exits.
func Main(m *testing.M) int {
	code := m.Run()
	if srv != nil {
		if err := srv.close(); err != nil {
			fmt.Fprintf(os.Stderr, "dbtest: stopping PostgreSQL: %v\n", err)
		}
	}
	return code
}

// The server is shared by every test in the binary: starting a cluster takes a second or two, creating
// a database tens of milliseconds.
var (
	once   sync.Once
	srv    *server
	srvErr error
)

var errNotInstalled = errors.New("PostgreSQL not installed")

type server struct {
	url    *url.URL // where tests connect, without a database name
	force  bool     // DROP DATABASE … WITH (FORCE) exists (PostgreSQL 13 and later)
	prefix string   // of database names: the pid alone may recur when containers share a server
	seq    atomic.Int64

	admin *sql.DB // on the postgres database, kept open because connecting costs more than creating

	// Set only for the cluster we started.
	dir      string
	pgCtl    []string // the pg_ctl command line, as the user that owns the cluster
	watchdog *exec.Cmd
	release  io.Closer // closing it tells the watchdog we are done
}

func (s *server) exec(query string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := s.admin.ExecContext(ctx, query)
	return err
}

// connect reaches CITYPACT_TEST_POSTGRES, or else starts a throwaway cluster.
func connect() (*server, error) {
	s := &server{}
	if env := os.Getenv("CITYPACT_TEST_POSTGRES"); env != "" {
		u, err := url.Parse(env)
		if err != nil {
			return nil, fmt.Errorf("CITYPACT_TEST_POSTGRES: %v", err)
		}
		s.url = u
	} else if err := s.start(); err != nil {
		s.close()
		return nil, err
	}
	if err := s.dial(); err != nil {
		err = fmt.Errorf("connecting to %s: %v%s", s.url.Redacted(), err, s.logTail())
		s.close()
		return nil, err
	}
	s.prefix = fmt.Sprintf("citypact_test_%d_%x_", os.Getpid(), rand.Uint32())
	return s, nil
}

func (s *server) dial() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u := *s.url
	u.Path = "/postgres"
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return err
	}
	s.admin = db
	db.SetMaxOpenConns(4) // parallel tests create databases at once, but leave connections to them
	var version int
	if err := db.QueryRowContext(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		return err
	}
	s.force = version >= 130000
	return nil
}

func (s *server) start() error {
	bin, err := findBin()
	if err != nil {
		return err
	}
	asPostgres := os.Geteuid() == 0 // initdb refuses to run as root
	// The cluster's user must reach the directory, so not under a $TMPDIR only root can enter.
	parent := os.TempDir()
	if asPostgres {
		parent = "/tmp"
	}
	if shm, ok := roomyTmpfs(); ok {
		parent = shm
	}
	if s.dir, err = os.MkdirTemp(parent, "citypact-pg-"); err != nil {
		return err
	}
	var as []string
	if asPostgres {
		if err := chownToPostgres(s.dir); err != nil {
			return err
		}
		as = []string{"runuser", "-u", "postgres", "--"}
	}
	data, log := filepath.Join(s.dir, "data"), filepath.Join(s.dir, "postgres.log")
	s.pgCtl = append(slices.Clone(as), filepath.Join(bin, "pg_ctl"), "-D", data)
	run := func(args ...string) error {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = s.dir // the cluster's user may not be able to enter the test's working directory
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	port, err := freePort()
	if err == nil {
		err = s.watch()
	}
	if err == nil {
		// -N: durability is pointless for a throwaway cluster, and syncing costs seconds.
		err = run(append(as, filepath.Join(bin, "initdb"), "-D", data, "-N",
			"-E", "UTF8", "--locale=C.UTF-8", "-A", "trust", "-U", "postgres")...)
	}
	if err == nil {
		opts := fmt.Sprintf("-F -c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off "+
			"-c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, s.dir)
		if extra := os.Getenv("CITYPACT_TEST_PG_OPTIONS"); extra != "" {
			opts += " " + extra // benchmarks set a deployment's memory: -c shared_buffers=1GB
		}
		err = run(append(slices.Clone(s.pgCtl), "start", "-w", "-t", "60", "-l", log, "-o", opts)...)
	}
	if err != nil {
		return fmt.Errorf("starting PostgreSQL from %s: %v%s", bin, err, s.logTail())
	}
	s.url = &url.URL{Scheme: "postgres", User: url.User("postgres"),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), RawQuery: "sslmode=disable"}
	return nil
}

// watch starts a shell that stops the cluster and removes its directory once this process has exited,
// however it exits: a panic or a timeout never runs Main. Its stdin is a pipe only this process writes
// to, so it reads end-of-file when we are gone. It ignores the ^C that kills the test binary.
func (s *server) watch() error {
	const script = `trap '' INT HUP; cat >/dev/null; d=$1; shift; [ -d "$d" ] || exit 0
"$@" stop -m immediate >/dev/null 2>&1; rm -rf "$d"`
	cmd := exec.Command("sh", append([]string{"-c", script, "sh", s.dir}, s.pgCtl...)...)
	cmd.Dir = "/"
	w, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	s.watchdog, s.release = cmd, w
	return nil
}

// close stops the cluster if we started it (immediate mode: nothing in it is worth a checkpoint) and
// removes its directory.
func (s *server) close() error {
	if s.admin != nil {
		s.admin.Close()
	}
	if s.dir == "" {
		return nil
	}
	var err error
	if _, statErr := os.Stat(filepath.Join(s.dir, "data", "postmaster.pid")); statErr == nil {
		cmd := exec.Command(s.pgCtl[0], append(s.pgCtl[1:], "stop", "-m", "immediate")...)
		cmd.Dir = s.dir
		if out, stopErr := cmd.CombinedOutput(); stopErr != nil {
			err = fmt.Errorf("pg_ctl stop: %v\n%s", stopErr, out)
		}
	}
	if rmErr := os.RemoveAll(s.dir); err == nil {
		err = rmErr
	}
	if s.watchdog != nil {
		s.release.Close() // it finds the directory gone and exits
		s.watchdog.Wait()
	}
	return err
}

// logTail returns the end of the server log, for error messages.
func (s *server) logTail() string {
	if s.dir == "" {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	lines = lines[max(0, len(lines)-20):]
	return "\nserver log (last lines):\n" + strings.Join(lines, "\n")
}

// findBin returns the directory holding initdb and pg_ctl: pg_ctl's on PATH, else the newest of Debian's.
func findBin() (string, error) {
	var dirs []string
	if env := os.Getenv("CITYPACT_TEST_PG_BIN"); env != "" {
		dirs = []string{env}
	} else {
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			if p, err = filepath.EvalSymlinks(p); err == nil {
				dirs = append(dirs, filepath.Dir(p))
			}
		}
		debian, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		slices.SortFunc(debian, func(a, b string) int { return versionOf(b) - versionOf(a) })
		dirs = append(dirs, debian...)
	}
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", fmt.Errorf("%w: looked for initdb and pg_ctl in %q", errNotInstalled, dirs)
}

func versionOf(bin string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(bin)))
	return n
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

func chownToPostgres(dir string) error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs a postgres user to run PostgreSQL as: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(dir, uid, gid)
}

// freePort asks the kernel for an unused loopback port. Another process could take it before the
// server binds it; on a test machine that is rare enough to accept.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
