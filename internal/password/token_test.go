package password

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	const prefix = "cp_test_"
	seen := make(map[string]bool)
	for range 1000 {
		plain, err := NewToken(prefix)
		if err != nil {
			t.Fatal(err)
		}
		body, ok := strings.CutPrefix(plain, prefix)
		if !ok {
			t.Fatalf("token %q lacks prefix %q", plain, prefix)
		}
		raw, err := base64.RawURLEncoding.DecodeString(body)
		if err != nil || len(raw) != 32 {
			t.Fatalf("token body %q: %d bytes, err %v; want 32 bytes of base64url", body, len(raw), err)
		}
		if seen[plain] {
			t.Fatalf("token %q repeated", plain)
		}
		seen[plain] = true
	}
}

func TestHashToken(t *testing.T) {
	// FIPS 180-2 example "abc".
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := HashToken("abc"); got != want {
		t.Errorf("HashToken(abc) = %s, want %s", got, want)
	}
}
