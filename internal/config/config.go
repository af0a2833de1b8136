// Package config reads the one Config value from flags and CITYPACT_* environment variables and
// validates it, with messages that say which setting is wrong and what it should look like. There
// are no globals: the value is passed down. It must never import the store, web or api packages.
package config

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact/internal/mail"
)

// Config is everything serve needs to know.
type Config struct {
	Addr          string        // listen address
	Database      string        // sqlite:PATH or postgres:// URL
	BaseURL       string        // the public URL, used in links sent by mail; never taken from the Host header
	TLSCert       string        // with TLSKey: serve HTTPS directly
	TLSKey        string        //
	BehindProxy   bool          // trust the last X-Forwarded-For hop and X-Forwarded-Proto
	MaxBodyBytes  int64         // request body limit
	MaxUpload     int64         // request body limit of file uploads (imports)
	LogLevel      slog.Level    //
	ShutdownGrace time.Duration // how long in-flight requests get on SIGTERM
	MetricsToken  string        // when set, /metrics needs "Authorization: Bearer TOKEN"
	Demo          bool          // seed the demo hub when the database has no organisations

	// The mail relay. Without SMTPAddr, mail is queued but not sent until one is set.
	SMTPAddr         string // host:port
	SMTPUser         string //
	SMTPPassword     string // only from CITYPACT_SMTP_PASSWORD: a flag would show it to every user in ps
	SMTPPasswordFile string // or read from this file (a container secret)
	MailFrom         string // "citypact <hub@example.org>"
	SMTPTLS          string // mandatory (default), opportunistic, tls, or none (a relay on this machine only)

	envErr []string // environment values that did not parse; Validate reports them
}

// Default returns the configuration of a single small hub on loopback.
func Default() Config {
	return Config{
		Addr:          "127.0.0.1:8080",
		Database:      "sqlite:./data/citypact.db",
		MaxBodyBytes:  1 << 20,
		MaxUpload:     256 << 20,
		LogLevel:      slog.LevelInfo,
		ShutdownGrace: 20 * time.Second,
		SMTPTLS:       string(mail.TLSMandatory),
	}
}

// TLS reports whether the server itself serves HTTPS, or a proxy in front does (so cookies are Secure).
func (c Config) TLS() bool {
	return (c.TLSCert != "" && c.TLSKey != "") || strings.HasPrefix(c.BaseURL, "https://")
}

// Bind defines serve's flags on fs with defaults taken from the environment (getenv), so that a
// flag given on the command line wins over the environment, which wins over the default.
func (c *Config) Bind(fs *flag.FlagSet, getenv func(string) string) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("CITYPACT_ADDR", c.Addr), "listen `address` (CITYPACT_ADDR)")
	fs.StringVar(&c.Database, "database", env("CITYPACT_DATABASE", c.Database), "database: sqlite:PATH or postgres://… `URL` (CITYPACT_DATABASE)")
	fs.StringVar(&c.BaseURL, "base-url", env("CITYPACT_BASE_URL", c.BaseURL), "public `URL` of the hub, e.g. https://hub.example.org (CITYPACT_BASE_URL)")
	fs.StringVar(&c.TLSCert, "tls-cert", env("CITYPACT_TLS_CERT", c.TLSCert), "TLS certificate `file` (CITYPACT_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", env("CITYPACT_TLS_KEY", c.TLSKey), "TLS key `file` (CITYPACT_TLS_KEY)")
	fs.StringVar(&c.MetricsToken, "metrics-token", env("CITYPACT_METRICS_TOKEN", c.MetricsToken), "bearer `token` required by /metrics (CITYPACT_METRICS_TOKEN)")
	c.boolVar(fs, &c.Demo, "demo", env("CITYPACT_DEMO", ""), "seed the demo hub into an empty database (CITYPACT_DEMO)")
	c.boolVar(fs, &c.BehindProxy, "behind-proxy", env("CITYPACT_BEHIND_PROXY", ""), "trust X-Forwarded-For/-Proto from a reverse proxy (CITYPACT_BEHIND_PROXY)")
	c.varFromEnv(fs, &byteSize{&c.MaxBodyBytes}, "max-body", "CITYPACT_MAX_BODY", getenv, "request body `limit`, e.g. 1MiB (CITYPACT_MAX_BODY)")
	c.varFromEnv(fs, &byteSize{&c.MaxUpload}, "max-upload", "CITYPACT_MAX_UPLOAD", getenv, "upload `limit` for imported files, e.g. 256MiB (CITYPACT_MAX_UPLOAD)")
	c.varFromEnv(fs, &levelFlag{&c.LogLevel}, "log-level", "CITYPACT_LOG_LEVEL", getenv, "`level`: debug, info, warn, error (CITYPACT_LOG_LEVEL)")
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", c.ShutdownGrace, "time in-flight requests get to finish on SIGTERM")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", env("CITYPACT_SMTP_ADDR", c.SMTPAddr), "mail relay `host:port`; unset, mail stays queued (CITYPACT_SMTP_ADDR)")
	fs.StringVar(&c.SMTPUser, "smtp-user", env("CITYPACT_SMTP_USER", c.SMTPUser), "mail relay `user name` (CITYPACT_SMTP_USER; the password only from CITYPACT_SMTP_PASSWORD or a file)")
	c.SMTPPassword = env("CITYPACT_SMTP_PASSWORD", c.SMTPPassword)
	fs.StringVar(&c.SMTPPasswordFile, "smtp-password-file", env("CITYPACT_SMTP_PASSWORD_FILE", c.SMTPPasswordFile), "`file` holding the mail relay's password (CITYPACT_SMTP_PASSWORD_FILE)")
	fs.StringVar(&c.MailFrom, "mail-from", env("CITYPACT_MAIL_FROM", c.MailFrom), "sender of the hub's mail, e.g. \"citypact <hub@example.org>\" (CITYPACT_MAIL_FROM)")
	fs.StringVar(&c.SMTPTLS, "smtp-tls", env("CITYPACT_SMTP_TLS", c.SMTPTLS), "`policy`: mandatory (STARTTLS), opportunistic, tls (implicit), none (loopback relay only) (CITYPACT_SMTP_TLS)")
}

// Mail returns the mail relay's settings, reading the password from its file if one is named.
// ok is false when no relay is set: mail then stays queued, which serve should log at start.
func (c Config) Mail() (cfg mail.SMTPConfig, ok bool, err error) {
	if c.SMTPAddr == "" {
		return cfg, false, nil
	}
	cfg = mail.SMTPConfig{Addr: c.SMTPAddr, Username: c.SMTPUser, Password: c.SMTPPassword, From: c.MailFrom, TLS: mail.TLSPolicy(c.SMTPTLS)}
	if c.SMTPPasswordFile != "" {
		if c.SMTPPassword != "" {
			return cfg, true, fmt.Errorf("smtp: give the password in CITYPACT_SMTP_PASSWORD or in a file, not both")
		}
		b, err := os.ReadFile(c.SMTPPasswordFile)
		if err != nil {
			return cfg, true, fmt.Errorf("smtp-password-file: cannot read %s", c.SMTPPasswordFile)
		}
		// Files written by editors and secret stores often end in a line break; a password never does.
		if cfg.Password = strings.TrimRight(string(b), "\r\n"); cfg.Password == "" {
			return cfg, true, fmt.Errorf("smtp-password-file: %s is empty", c.SMTPPasswordFile)
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, true, err // its messages name the settings
	}
	return cfg, true, nil
}

func (c *Config) boolVar(fs *flag.FlagSet, p *bool, name, envVal, usage string) {
	if envVal != "" {
		v, err := strconv.ParseBool(envVal)
		if err != nil {
			c.envErr = append(c.envErr, fmt.Sprintf("%s: %q is not true or false", strings.ToUpper("CITYPACT_"+strings.ReplaceAll(name, "-", "_")), envVal))
		}
		*p = v
	}
	fs.BoolVar(p, name, *p, usage)
}

func (c *Config) varFromEnv(fs *flag.FlagSet, v flag.Value, name, envName string, getenv func(string) string, usage string) {
	if s := getenv(envName); s != "" {
		if err := v.Set(s); err != nil {
			c.envErr = append(c.envErr, fmt.Sprintf("%s: %v", envName, err))
		}
	}
	fs.Var(v, name, usage)
}

// Validate checks the whole configuration and reports every problem at once.
func (c Config) Validate() error {
	var errs []string
	errs = append(errs, c.envErr...)
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Sprintf("addr: %q is not host:port (e.g. 127.0.0.1:8080)", c.Addr))
	}
	switch {
	case strings.HasPrefix(c.Database, "sqlite:"):
		if strings.TrimPrefix(c.Database, "sqlite:") == "" {
			errs = append(errs, "database: sqlite: needs a path, e.g. sqlite:./data/citypact.db")
		}
	case strings.HasPrefix(c.Database, "postgres://"), strings.HasPrefix(c.Database, "postgresql://"):
		if _, err := url.Parse(c.Database); err != nil {
			errs = append(errs, "database: the PostgreSQL URL does not parse")
		}
	default:
		errs = append(errs, "database: must be sqlite:PATH or a postgres:// URL")
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			errs = append(errs, fmt.Sprintf("base-url: %q must be an http(s) URL with a host and no path", c.BaseURL))
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, "tls-cert and tls-key go together")
	}
	for _, f := range []string{c.TLSCert, c.TLSKey} {
		if f != "" {
			if _, err := os.Stat(f); err != nil {
				errs = append(errs, fmt.Sprintf("tls: cannot read %s", f))
			}
		}
	}
	if c.MaxBodyBytes < 1024 || c.MaxBodyBytes > 1<<30 {
		errs = append(errs, "max-body: must be between 1KiB and 1GiB")
	}
	if c.MaxUpload < c.MaxBodyBytes || c.MaxUpload > 16<<30 {
		errs = append(errs, "max-upload: must be at least max-body and at most 16GiB")
	}
	if c.ShutdownGrace < 0 {
		errs = append(errs, "shutdown-grace: must not be negative")
	}
	if _, relay, err := c.Mail(); err != nil {
		errs = append(errs, err.Error())
	} else if relay && c.BaseURL == "" {
		// Links in mail (invitations, password resets) are built from it, never from a request's
		// Host header; without it they would lead to the listen address.
		errs = append(errs, "base-url: needed when smtp-addr is set: links in mail are built from it")
	}
	if len(errs) > 0 {
		return fmt.Errorf("configuration:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

// byteSize parses sizes like 1048576, 512KiB, 1MiB, 2MB.
type byteSize struct{ p *int64 }

func (b *byteSize) String() string {
	if b.p == nil {
		return ""
	}
	return strconv.FormatInt(*b.p, 10)
}

func (b *byteSize) Set(s string) error {
	n, err := ParseSize(s)
	if err != nil {
		return err
	}
	*b.p = n
	return nil
}

// ParseSize reads a byte size with an optional unit (KiB, MiB, GiB, KB, MB, GB).
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("%q is not a size like 1MiB", s)
	}
	return n * mult, nil
}

type levelFlag struct{ p *slog.Level }

func (l *levelFlag) String() string {
	if l.p == nil {
		return ""
	}
	return l.p.String()
}

func (l *levelFlag) Set(s string) error { return l.p.UnmarshalText([]byte(s)) }
