package totp

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcSecret is the SHA-1 key of RFC 6238 Appendix B, in base32.
var rfcSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))

// The RFC's 8-digit codes for SHA-1, cut to their last 6 digits (RFC 4226
// truncation takes the value modulo 10^digits, so the two agree).
var rfcVectors = []struct {
	unix int64
	code string
}{
	{59, "287082"},          // 94287082
	{1111111109, "081804"},  // 07081804
	{1111111111, "050471"},  // 14050471
	{1234567890, "005924"},  // 89005924
	{2000000000, "279037"},  // 69279037
	{20000000000, "353130"}, // 65353130
}

func TestCodeRFC6238(t *testing.T) {
	if rfcSecret != "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" {
		t.Fatalf("rfcSecret = %s", rfcSecret)
	}
	for _, v := range rfcVectors {
		tm := time.Unix(v.unix, 0)
		got, err := Code(rfcSecret, tm)
		if err != nil || got != v.code {
			t.Errorf("Code(rfc, %d) = %q, %v; want %q", v.unix, got, err, v.code)
		}
		step, ok := Validate(rfcSecret, v.code, tm)
		if !ok || step != v.unix/30 {
			t.Errorf("Validate(rfc, %s, %d) = %d, %v; want %d, true", v.code, v.unix, step, ok, v.unix/30)
		}
	}
}

func TestCodeAcceptsTypedSecret(t *testing.T) {
	for _, s := range []string{strings.ToLower(rfcSecret), rfcSecret + "===="} {
		if got, err := Code(s, time.Unix(59, 0)); err != nil || got != "287082" {
			t.Errorf("Code(%q, 59) = %q, %v; want 287082", s, got, err)
		}
	}
}

func TestValidateDrift(t *testing.T) {
	// A fixed secret and time keep this deterministic: with a random one,
	// another step in the window yields the same code once in a million.
	secret := rfcSecret
	now := time.Unix(1_800_000_015, 0) // mid-step
	nowStep := now.Unix() / 30
	tests := []struct {
		name   string
		offset time.Duration // when the code was generated, relative to now
		ok     bool
		step   int64
	}{
		{"two steps behind", -60 * time.Second, false, 0},
		{"one step behind", -30 * time.Second, true, nowStep - 1},
		{"current", 0, true, nowStep},
		{"one step ahead", 30 * time.Second, true, nowStep + 1},
		{"two steps ahead", 60 * time.Second, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, err := Code(secret, now.Add(tt.offset))
			if err != nil {
				t.Fatal(err)
			}
			step, ok := Validate(secret, code, now)
			if ok != tt.ok || step != tt.step {
				t.Errorf("Validate = %d, %v; want %d, %v", step, ok, tt.step, tt.ok)
			}
		})
	}
}

// TestValidateReplay shows the contract: the same code gives the same step
// for its whole window, so a caller that stores the last step can refuse it.
func TestValidateReplay(t *testing.T) {
	secret, _ := NewSecret()
	issued := time.Unix(1_800_000_000, 0)
	code, _ := Code(secret, issued)
	first, ok := Validate(secret, code, issued)
	if !ok {
		t.Fatal("fresh code refused")
	}
	lastUsed := first
	for _, later := range []time.Duration{time.Second, 29 * time.Second, 31 * time.Second, 59 * time.Second} {
		step, ok := Validate(secret, code, issued.Add(later))
		if !ok || step != first {
			t.Errorf("replay after %v: Validate = %d, %v; want step %d again", later, step, ok, first)
		}
		if step > lastUsed {
			t.Errorf("replay after %v would pass a last-step check (%d > %d)", later, step, lastUsed)
		}
	}
}

func TestValidateGarbage(t *testing.T) {
	at := time.Unix(59, 0)
	for _, code := range []string{
		"", "28708", "2870820", "94287082", "287 082", " 287082", "287082\n",
		"28708a", "-28708", "+28708", "２８７０８２", // full-width digits
		"\x00\x00\x00\x00\x00\x00",
	} {
		if step, ok := Validate(rfcSecret, code, at); ok {
			t.Errorf("Validate(rfc, %q) = %d, true; want false", code, step)
		}
	}
	for _, secret := range []string{"", "not base32!", "GEZDGNBV", rfcSecret[:20], rfcSecret + "1"} {
		if _, ok := Validate(secret, "287082", at); ok {
			t.Errorf("Validate(%q, 287082) = true; want false", secret)
		}
		if _, err := Code(secret, at); err == nil {
			t.Errorf("Code(%q) succeeded; want an error", secret)
		}
	}
	if _, ok := Validate(rfcSecret, "287082", time.Unix(-1, 0)); ok {
		t.Error("Validate before 1970 = true; want false")
	}
}

func TestValidateFirstStep(t *testing.T) {
	// At step 0 there is no previous step; it must not wrap or panic.
	code, err := Code(rfcSecret, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if step, ok := Validate(rfcSecret, code, time.Unix(5, 0)); !ok || step != 0 {
		t.Errorf("Validate at step 0 = %d, %v; want 0, true", step, ok)
	}
}

func TestNewSecret(t *testing.T) {
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	if a == b {
		t.Error("two secrets are equal")
	}
	// 20 bytes are exactly 32 base32 characters: no padding to strip.
	if len(a) != 32 || strings.ToUpper(a) != a || strings.Contains(a, "=") {
		t.Errorf("NewSecret() = %q; want 32 upper-case base32 characters", a)
	}
}

func TestURI(t *testing.T) {
	got := URI(rfcSecret, "Citypact Seoul", "kim@example.org")
	want := "otpauth://totp/Citypact%20Seoul:kim%40example.org?secret=" + rfcSecret +
		"&issuer=Citypact%20Seoul&algorithm=SHA1&digits=6&period=30"
	if got != want {
		t.Errorf("URI =\n %s\nwant\n %s", got, want)
	}

	// Hostile names must stay inside their own field.
	got = URI(rfcSecret, "A:B&secret=X", "x:y?issuer=Z#f+g/서울")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("secret") != rfcSecret || q.Get("issuer") != "A:B&secret=X" || len(q["secret"]) != 1 {
		t.Errorf("URI %s: query %v", got, q)
	}
	issuer, account, _ := strings.Cut(strings.TrimPrefix(u.EscapedPath(), "/"), ":")
	if i, _ := url.PathUnescape(issuer); i != "A:B&secret=X" {
		t.Errorf("URI %s: label issuer %q", got, i)
	}
	if a, _ := url.PathUnescape(account); a != "x:y?issuer=Z#f+g/서울" {
		t.Errorf("URI %s: label account %q", got, a)
	}

	if got := URI(rfcSecret, "", "kim"); got != "otpauth://totp/kim?secret="+rfcSecret+"&algorithm=SHA1&digits=6&period=30" {
		t.Errorf("URI without issuer = %s", got)
	}
}
