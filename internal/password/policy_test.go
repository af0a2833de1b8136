package password

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		want string // PolicyError code, or "" for accepted
	}{
		{"empty", "", CodeTooShort},
		{"11 ASCII", "abcdefghijk", CodeTooShort},
		{"12 ASCII", "abcdefghijkl", ""},
		// 33 bytes but 11 code points: the limit counts characters, not bytes.
		{"11 Hangul", "가나다라마바사아자차카", CodeTooShort},
		{"12 Hangul", "가나다라마바사아자차카타", ""},
		{"11 emoji", strings.Repeat("🔒", 11), CodeTooShort},
		{"12 emoji", strings.Repeat("🔒", 12), ""},
		{"spaces allowed", "correct horse battery staple", ""},
		{"128 ASCII", strings.Repeat("a", 128), ""},
		{"129 ASCII", strings.Repeat("a", 129), CodeTooLong},
		// 384 bytes: no byte limit hides behind the character limit.
		{"128 Hangul", strings.Repeat("가", 128), ""},
		{"129 Hangul", strings.Repeat("가", 129), CodeTooLong},
		{"common", "unbelievable", CodeCommon},
		{"common mixed case", "UnBelievable", CodeCommon},
		{"common upper case", "MASTURBATION", CodeCommon},
		{"common padded", "  scandinavian ", CodeCommon},
		{"common with punctuation", "films+pic+galeries", CodeCommon},
		{"common plus a digit is not listed", "unbelievable1", ""},
		{"invalid UTF-8", "abcdefghijkl\xff", CodeInvalidUTF8},
		{"truncated UTF-8", "abcdefghijk\xea\xb0", CodeInvalidUTF8},
		{"short and invalid", "\xff", CodeInvalidUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.pw)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", tt.pw, err)
				}
				return
			}
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("Check(%q) = %v, want *PolicyError %s", tt.pw, err, tt.want)
			}
			if pe.Code != tt.want {
				t.Errorf("Check(%q) code = %s, want %s", tt.pw, pe.Code, tt.want)
			}
		})
	}
}

func TestCommonListLoaded(t *testing.T) {
	set := commonSet()
	if got := len(set); got != 10000 {
		t.Errorf("common list has %d entries, want 10000", got)
	}
	// First and last lines: a CRLF or final-newline slip would lose one.
	for _, w := range []string{"password", "eyphed"} {
		if !set[w] {
			t.Errorf("common list lacks %q", w)
		}
	}
}

func TestPolicyErrorOmitsPassword(t *testing.T) {
	pw := "unbelievable"
	err := Check(pw)
	if err == nil || strings.Contains(err.Error(), pw) {
		t.Errorf("Check(%q) error = %v; want an error that does not repeat the password", pw, err)
	}
}
