// Command smtpsink is an SMTP server for tests, run as a separate process by mailtest.Start so
// that mail crosses a real socket to a real server, which can also be killed to play a relay
// that is down. It listens on -listen (127.0.0.1:0 picks a port), prints "ADDR host:port" on
// stdout once it accepts connections, and writes each message it accepts into -dir as N.eml,
// beside N.json with the envelope, before it answers 250. It exits when its stdin closes, so it
// never outlives the test that started it.
//
// Behaviour flags: -delay D waits D before every answer (a slow server); -fail-first N answers
// 451 to the first N messages' DATA (a server that greylists or is busy); -reject answers 550 to
// every recipient; -starttls offers STARTTLS with a self-signed certificate for 127.0.0.1 and
// localhost, written to -dir as cert.pem for the client to trust, and -implicit-tls speaks TLS
// from the first byte with it; -auth USER:PASSWORD requires AUTH PLAIN with these credentials.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func main() {
	dir := flag.String("dir", "", "directory to write received messages to (required)")
	listen := flag.String("listen", "127.0.0.1:0", "`address` to listen on")
	delay := flag.Duration("delay", 0, "wait this long before every answer")
	failFirst := flag.Int("fail-first", 0, "answer 451 to the DATA of the first `N` messages")
	reject := flag.Bool("reject", false, "answer 550 to every recipient")
	startTLS := flag.Bool("starttls", false, "offer STARTTLS (certificate written to DIR/cert.pem)")
	implicitTLS := flag.Bool("implicit-tls", false, "speak TLS from the first byte (certificate written to DIR/cert.pem)")
	auth := flag.String("auth", "", "require AUTH PLAIN as `USER:PASSWORD`")
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	log.SetPrefix("smtpsink: ")

	be := &backend{dir: *dir, reject: *reject}
	be.failLeft.Store(int64(*failFirst))
	if user, pass, ok := strings.Cut(*auth, ":"); ok {
		be.user, be.pass = user, pass
	}
	srv := smtp.NewServer(be)
	srv.Domain = "sink.test"
	srv.MaxMessageBytes = 16 << 20
	srv.MaxRecipients = 100
	srv.AllowInsecureAuth = !*startTLS // with STARTTLS on offer, credentials only after it

	l, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	if *startTLS || *implicitTLS {
		cfg, err := selfSigned(filepath.Join(*dir, "cert.pem"))
		if err != nil {
			log.Fatal(err)
		}
		if *implicitTLS {
			l = tls.NewListener(l, cfg)
		} else {
			srv.TLSConfig = cfg
		}
	}
	if *delay > 0 {
		l = slowListener{l, *delay}
	}
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	fmt.Printf("ADDR %s\n", l.Addr())
	if err := srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		log.Fatal(err)
	}
}

type backend struct {
	dir        string
	reject     bool
	user, pass string
	failLeft   atomic.Int64
	seq        atomic.Int64
	mu         sync.Mutex // serialises writing files, so numbering follows arrival
}

func (be *backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{be: be}, nil }

type session struct {
	be     *backend
	authed bool
	from   string
	to     []string
}

func (s *session) AuthMechanisms() []string {
	if s.be.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.be.user || pass != s.be.pass {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.be.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.be.reject {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.be.failLeft.Add(-1) >= 0 {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	return s.be.save(s.from, s.to, body)
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// save writes the envelope, then the message, each under a temporary name renamed into place:
// a reader that sees N.eml also sees N.json, and never half of either.
func (be *backend) save(from string, to []string, body []byte) error {
	be.mu.Lock()
	defer be.mu.Unlock()
	// Names sort by arrival across restarts of the sink on the same directory.
	name := fmt.Sprintf("%d-%d-%06d", time.Now().UnixNano(), os.Getpid(), be.seq.Add(1))
	env, _ := json.Marshal(map[string]any{"from": from, "to": to})
	for _, f := range []struct {
		ext  string
		data []byte
	}{{".json", env}, {".eml", body}} {
		tmp := filepath.Join(be.dir, name+f.ext+".tmp")
		if err := os.WriteFile(tmp, f.data, 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(be.dir, name+f.ext)); err != nil {
			return err
		}
	}
	return nil
}

// slowListener hands out connections that wait before every write, so every answer is late.
type slowListener struct {
	net.Listener
	delay time.Duration
}

func (l slowListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return slowConn{c, l.delay}, nil
}

type slowConn struct {
	net.Conn
	delay time.Duration
}

func (c slowConn) Write(p []byte) (int, error) {
	time.Sleep(c.delay)
	return c.Conn.Write(p)
}

// selfSigned makes a certificate for 127.0.0.1, ::1 and localhost and writes it to certFile.
func selfSigned(certFile string) (*tls.Config, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "smtpsink"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}, nil
}
