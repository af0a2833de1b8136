// Package mailtest starts a real SMTP server for tests, as a separate process (the smtpsink
// command beside it), and reads back what it received, decoded: headers by net/mail, RFC 2047
// words by mime.WordDecoder, bodies from quoted-printable or base64. Killing that process plays
// a relay that is down; flags play one that is slow, busy or refusing.
//
// A test binary that uses it should remove the sink it built when done:
//
//	func TestMain(m *testing.M) { code := m.Run(); mailtest.Clean(); os.Exit(code) }
//
// It is for tests only and must never be imported by non-test code.
package mailtest

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Option changes how the sink behaves.
type Option func(*[]string)

func flagOpt(args ...string) Option { return func(a *[]string) { *a = append(*a, args...) } }

// Delay makes the sink wait d before every answer, its greeting included.
func Delay(d time.Duration) Option { return flagOpt("-delay", d.String()) }

// FailFirst makes the sink answer 451 (try again later) to the first n messages' DATA.
func FailFirst(n int) Option { return flagOpt("-fail-first", strconv.Itoa(n)) }

// Reject makes the sink answer 550 to every recipient.
func Reject() Option { return flagOpt("-reject") }

// StartTLS makes the sink offer STARTTLS, with a certificate that Sink.RootCAs trusts.
func StartTLS() Option { return flagOpt("-starttls") }

// ImplicitTLS makes the sink speak TLS from the first byte.
func ImplicitTLS() Option { return flagOpt("-implicit-tls") }

// Auth makes the sink require AUTH PLAIN with these credentials.
func Auth(user, password string) Option { return flagOpt("-auth", user+":"+password) }

// Sink is a running (or stopped) SMTP server process and the directory it writes mail to.
type Sink struct {
	Addr string // host:port; the same across Stop and Restart

	t   testing.TB
	dir string

	mu    sync.Mutex
	cmd   *exec.Cmd
	stdin io.Closer
	log   *bytes.Buffer
}

// Received is one message the sink accepted.
type Received struct {
	From    string      // envelope sender (MAIL FROM)
	To      []string    // envelope recipients (RCPT TO)
	Header  mail.Header // as sent; Subject and To's names still encoded
	Subject string      // decoded
	Text    string      // the text/plain part, decoded
	HTML    string      // the text/html part, decoded, if any
	// TextEncoding is the Content-Transfer-Encoding of the text part, TextCharset its charset.
	TextEncoding, TextCharset string
	Raw                       []byte
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// binary builds smtpsink once per test binary. The go command comes from PATH: since Go 1.19,
// go test puts its own GOROOT/bin first there, so this is the toolchain running the tests.
func binary() (string, error) {
	buildOnce.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("mailtest: the go command is needed to build the SMTP sink: %v", err)
			return
		}
		if buildDir, buildErr = os.MkdirTemp("", "citypact-smtpsink-"); buildErr != nil {
			return
		}
		out, err := exec.Command(goCmd, "build", "-o", filepath.Join(buildDir, "smtpsink"),
			"github.com/citypact/citypact/internal/mail/mailtest/smtpsink").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("mailtest: building smtpsink: %v\n%s", err, out)
		}
	})
	return filepath.Join(buildDir, "smtpsink"), buildErr
}

// Clean removes the sink binary built for this test binary; call it from TestMain after m.Run.
func Clean() {
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
}

// Start starts a sink on a free loopback port. t stops it when the test ends.
func Start(t testing.TB, opts ...Option) *Sink {
	t.Helper()
	s := &Sink{t: t, dir: t.TempDir(), Addr: "127.0.0.1:0"}
	s.start(opts)
	t.Cleanup(s.Stop)
	return s
}

// Restart starts the sink again, on the same address and directory (so Messages keeps what it
// had), with new options: a relay that comes back, perhaps behaving differently.
func (s *Sink) Restart(opts ...Option) {
	s.t.Helper()
	s.Stop()
	s.start(opts)
}

func (s *Sink) start(opts []Option) {
	s.t.Helper()
	bin, err := binary()
	if err != nil {
		s.t.Fatal(err)
	}
	args := []string{"-dir", s.dir, "-listen", s.Addr}
	for _, o := range opts {
		o(&args)
	}
	cmd := exec.Command(bin, args...)
	stdin, err := cmd.StdinPipe() // the sink exits when this closes, even if we die first
	if err != nil {
		s.t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		s.t.Fatal(err)
	}
	logBuf := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = w, &lockedWriter{w: logBuf}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	w.Close()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "ADDR "); ok {
				addr <- a
			}
		}
		r.Close()
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			cmd.Wait()
			s.t.Fatalf("mailtest: the sink exited before listening:\n%s", logBuf)
		}
		s.Addr = a
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		s.t.Fatalf("mailtest: the sink did not start listening within 30s:\n%s", logBuf)
	}
	s.mu.Lock()
	s.cmd, s.stdin, s.log = cmd, stdin, logBuf
	s.mu.Unlock()
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Stop kills the sink, as a crash or a pulled cable would: connections are refused until
// Restart. Stopping a stopped sink does nothing.
func (s *Sink) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.stdin.Close()
	s.cmd = nil
}

// Host and Port split Addr.
func (s *Sink) Host() string { h, _, _ := net.SplitHostPort(s.Addr); return h }

func (s *Sink) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	n, _ := strconv.Atoi(p)
	return n
}

// RootCAs returns a pool trusting the sink's certificate (with StartTLS or ImplicitTLS).
func (s *Sink) RootCAs() *x509.CertPool {
	s.t.Helper()
	pem, err := os.ReadFile(filepath.Join(s.dir, "cert.pem"))
	if err != nil {
		s.t.Fatalf("mailtest: the sink has no certificate (start it with StartTLS or ImplicitTLS): %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return pool
}

// Messages returns what the sink has accepted so far, oldest first. A message it cannot decode
// fails the test (it may be called from any goroutine).
func (s *Sink) Messages() []Received {
	names, _ := filepath.Glob(filepath.Join(s.dir, "*.eml"))
	slices.Sort(names)
	var out []Received
	for _, name := range names {
		r, err := readReceived(name)
		if err != nil {
			s.t.Errorf("mailtest: %s: %v", filepath.Base(name), err)
			continue
		}
		out = append(out, r)
	}
	return out
}

// WaitFor waits until the sink has accepted at least n messages and returns them, or fails the
// test after timeout.
func (s *Sink) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := s.Messages()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			s.mu.Lock()
			log := ""
			if s.log != nil {
				log = s.log.String()
			}
			s.mu.Unlock()
			t.Fatalf("mailtest: %d of %d messages arrived within %v; sink log:\n%s", len(got), n, timeout, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readReceived(name string) (Received, error) {
	var r Received
	raw, err := os.ReadFile(name)
	if err != nil {
		return r, err
	}
	r.Raw = raw
	env, err := os.ReadFile(strings.TrimSuffix(name, ".eml") + ".json")
	if err != nil {
		return r, err
	}
	var e struct {
		From string
		To   []string
	}
	if err := json.Unmarshal(env, &e); err != nil {
		return r, err
	}
	r.From, r.To = e.From, e.To
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return r, err
	}
	r.Header = msg.Header
	if r.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return r, fmt.Errorf("subject: %v", err)
	}
	return r, r.readPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

// readPart decodes a part, or walks a multipart one, keeping the text and HTML bodies.
func (r *Received) readPart(contentType, cte string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain; charset=us-ascii"
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %v", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			// NextRawPart: NextPart would decode quoted-printable itself and hide the encoding.
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := r.readPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	cte = strings.ToLower(strings.TrimSpace(cte))
	switch cte {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "", "7bit", "8bit":
	default:
		return fmt.Errorf("unknown transfer encoding %q", cte)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("%s body: %v", cte, err)
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
		return fmt.Errorf("charset %q: only UTF-8 is expected", cs)
	}
	switch mt {
	case "text/plain":
		r.Text, r.TextEncoding, r.TextCharset = string(text), cte, strings.ToLower(params["charset"])
	case "text/html":
		r.HTML = string(text)
	}
	return nil
}
