package config

import (
	"flag"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/mail"
)

func bind(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	c := Default()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Bind(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func TestPrecedence(t *testing.T) {
	c, err := bind(t, map[string]string{"CITYPACT_ADDR": "0.0.0.0:9000", "CITYPACT_DATABASE": "postgres://u@db/citypact"}, "--addr", "127.0.0.1:7000")
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7000" || c.Database != "postgres://u@db/citypact" {
		t.Errorf("flag should beat env, env beat default: %+v", c)
	}
	c, _ = bind(t, nil)
	if c.Addr != "127.0.0.1:8080" || c.Database != "sqlite:./data/citypact.db" || c.MaxBodyBytes != 1<<20 {
		t.Errorf("defaults: %+v", c)
	}
	c, err = bind(t, map[string]string{"CITYPACT_MAX_BODY": "2MiB", "CITYPACT_LOG_LEVEL": "warn", "CITYPACT_BEHIND_PROXY": "true"})
	if err != nil || c.MaxBodyBytes != 2<<20 || c.LogLevel.String() != "WARN" || !c.BehindProxy {
		t.Errorf("env values: %+v %v", c, err)
	}
}

func TestValidateNamesEveryProblem(t *testing.T) {
	_, err := bind(t, map[string]string{"CITYPACT_BEHIND_PROXY": "perhaps", "CITYPACT_MAX_BODY": "lots"},
		"--addr", "nonsense", "--database", "mysql://x", "--base-url", "ftp://x/y", "--tls-cert", "/nonexistent")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"addr:", "database:", "base-url:", "tls-cert and tls-key", "CITYPACT_BEHIND_PROXY", "CITYPACT_MAX_BODY"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1024": 1024, "512KiB": 512 << 10, "1MiB": 1 << 20, "2MB": 2e6, " 3 GiB ": 3 << 30} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "1TB", "x", "99999999999GiB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

func TestMail(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "smtp-password")
	if err := os.WriteFile(pwFile, []byte("from a file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	relay := map[string]string{"CITYPACT_SMTP_ADDR": "smtp.example.org:587", "CITYPACT_MAIL_FROM": "citypact <hub@example.org>",
		"CITYPACT_SMTP_USER": "hub", "CITYPACT_SMTP_PASSWORD": "from the environment", "CITYPACT_BASE_URL": "https://hub.example.org"}
	with := func(kv ...string) map[string]string {
		env := maps.Clone(relay)
		for i := 0; i < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want mail.SMTPConfig // when the relay is set and valid
		err  string          // part of the error, when invalid
	}{
		{name: "no relay: mail stays queued", env: map[string]string{"CITYPACT_MAIL_FROM": "hub@example.org"}},
		{name: "from the environment", env: relay, want: mail.SMTPConfig{Addr: "smtp.example.org:587", From: "citypact <hub@example.org>",
			Username: "hub", Password: "from the environment", TLS: mail.TLSMandatory}},
		{name: "password from a file", env: with("CITYPACT_SMTP_PASSWORD", "", "CITYPACT_SMTP_PASSWORD_FILE", pwFile),
			want: mail.SMTPConfig{Addr: "smtp.example.org:587", From: "citypact <hub@example.org>", Username: "hub", Password: "from a file", TLS: mail.TLSMandatory}},
		{name: "flags beat the environment", env: relay, args: []string{"--smtp-addr", "127.0.0.1:2525", "--smtp-tls", "none", "--mail-from", "hub@example.net"},
			want: mail.SMTPConfig{Addr: "127.0.0.1:2525", From: "hub@example.net", Username: "hub", Password: "from the environment", TLS: mail.TLSNone}},
		{name: "implicit tls", env: with("CITYPACT_SMTP_TLS", "tls", "CITYPACT_SMTP_ADDR", "smtp.example.org:465"),
			want: mail.SMTPConfig{Addr: "smtp.example.org:465", From: "citypact <hub@example.org>", Username: "hub", Password: "from the environment", TLS: mail.TLSImplicit}},
		{name: "plain text to a remote relay", env: with("CITYPACT_SMTP_TLS", "none"), err: "only allowed for a relay on this machine"},
		{name: "unknown policy", env: with("CITYPACT_SMTP_TLS", "yes"), err: "tls policy"},
		{name: "no sender", env: with("CITYPACT_MAIL_FROM", ""), err: "mail from"},
		{name: "no base URL for the links", env: with("CITYPACT_BASE_URL", ""), err: "base-url: needed when smtp-addr is set"},
		{name: "header in the sender", env: with("CITYPACT_MAIL_FROM", "hub@example.org\r\nBcc: x@example.net"), err: "mail from"},
		{name: "no port", env: with("CITYPACT_SMTP_ADDR", "smtp.example.org"), err: "host:port"},
		{name: "user without password", env: with("CITYPACT_SMTP_PASSWORD", ""), err: "go together"},
		{name: "password twice", env: with("CITYPACT_SMTP_PASSWORD_FILE", pwFile), err: "not both"},
		{name: "missing password file", env: with("CITYPACT_SMTP_PASSWORD", "", "CITYPACT_SMTP_PASSWORD_FILE", filepath.Join(dir, "nope")), err: "cannot read"},
		{name: "empty password file", env: with("CITYPACT_SMTP_PASSWORD", "", "CITYPACT_SMTP_PASSWORD_FILE", empty), err: "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := bind(t, tt.env, tt.args...)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("Validate: %v, want it to mention %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, ok, err := c.Mail()
			if err != nil || ok != (tt.want.Addr != "") || got != tt.want {
				t.Errorf("Mail() = %+v, %v, %v; want %+v", got, ok, err, tt.want)
			}
		})
	}
}

// TestNoPasswordFlag: a password on the command line is visible to every user of the machine.
func TestNoPasswordFlag(t *testing.T) {
	if _, err := bind(t, nil, "--smtp-password", "secret"); err == nil {
		t.Error("--smtp-password was accepted")
	}
}
