package i18n

import "testing"

func TestContentTags(t *testing.T) {
	for _, tt := range []struct {
		in, canonical string
		valid         bool
	}{
		{"en", "en", true},
		{" zh-tw ", "zh-TW", true},
		{"KO", "ko", true},
		{"ja-JP", "ja-JP", true},
		{"und", "und", false},
		{"und-KR", "und-KR", false}, // parses, with Korean guessed from the region: not stated
		{"x-private", "x-private", false},
		{"en-u-ca-buddhist", "en-u-ca-buddhist", false},
		{"not a tag", "not a tag", false},
		{"", "", false},
		{"en-GB-oxendict-aaaaaaaa-bbbbbbbb-cccccccc", "en-GB-oxendict-aaaaaaaa-bbbbbbbb-cccccccc", false},
	} {
		c := CanonicalTag(tt.in)
		if c != tt.canonical {
			t.Errorf("CanonicalTag(%q) = %q, want %q", tt.in, c, tt.canonical)
		}
		if got := ValidTag(c); got != tt.valid {
			t.Errorf("ValidTag(%q) = %v, want %v", c, got, tt.valid)
		}
	}
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"ko", "ko-KR", true},
		{"en-GB", "en-US", true},
		{"zh-TW", "zh-CN", false},
		{"ja", "ko", false},
		{"?", "?", true},
	} {
		if got := SameLanguage(tt.a, tt.b); got != tt.same {
			t.Errorf("SameLanguage(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}
