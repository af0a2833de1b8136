package config

import (
	"flag"
	"io"
	"strings"
	"testing"
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
