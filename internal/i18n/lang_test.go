package i18n

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"en", EN, true},
		{"ko", KO, true},
		{"KO", KO, true},
		{"ko-KR", KO, true},
		{"ko_kr", KO, true},
		{"zh-TW", ZHTW, true},
		{"zh-tw", ZHTW, true},
		{"zh-Hant", ZHTW, true},
		{"zh-Hant-TW", ZHTW, true},
		{"zh-Hant-HK", ZHTW, true},
		{"zh-HK", ZHTW, true},
		{"ja", JA, true},
		{"ja-JP", JA, true},
		{"en-GB", EN, true},
		{"en-US", EN, true},

		{"zh-CN", "", false},
		{"zh-Hans", "", false},
		{"zh-Hans-TW", "", false},
		{"zh", "", false},
		{"ja-Latn", "", false},
		{"fr", "", false},
		{"", "", false},
		{" ", "", false},
		{"en ", "", false},
		{"*", "", false},
		{"und", "", false},
		{"english", "", false},
		{"../../etc/passwd", "", false},
		{"ko;q=1", "", false},
		{strings.Repeat("a", 100), "", false},
	}
	for _, tt := range tests {
		got, ok := Parse(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		header string
		want   Lang
	}{
		{"ko-KR,ko;q=0.9,en-US;q=0.8", KO},
		{"en-US,en;q=0.9,ko;q=0.8", EN},
		{"ja", JA},
		{"ja-JP", JA},
		{"zh-TW", ZHTW},
		{"zh-Hant-HK", ZHTW},
		{"zh-HK,zh;q=0.9", ZHTW},
		{"en-GB", EN},
		{"KO-kr", KO},

		// Simplified Chinese is not served Traditional unless the reader
		// also accepts it.
		{"zh-CN", EN},
		{"zh", EN},
		{"zh-Hans", EN},
		{"zh-SG", EN},
		{"zh-CN,zh;q=0.9,ja;q=0.5", JA},
		{"zh-CN,zh;q=0.9,zh-TW;q=0.5,en;q=0.3", ZHTW},

		// Preference order and quality.
		{"fr-FR, de", EN},
		{"fr, ja;q=0.1", JA},
		{"de, ko;q=0.1", KO},
		{"ja;q=0.5, ko", KO},
		{"zh-HK, ja", ZHTW},
		{"en-GB, ko", EN},
		{"ko;q=0, ja", JA},

		// Nothing usable.
		{"*", EN},
		{"", EN},
		{";;;q=abc", EN},
		{",,,", EN},
		{"q=0.5", EN},
		{"\x00\xff\xfe", EN},
		{"ko;q=abc, en", EN},

		// A malformed entry does not spoil the rest.
		{"fr, !!!, ja", JA},

		// Very long headers are cut at the last whole entry within the bound.
		{strings.Repeat("fr-FR;q=0.5, ", 10000) + "ko", EN},
		{"ko, " + strings.Repeat("fr-FR;q=0.5, ", 10000), KO},
		{strings.Repeat("x", 1<<20), EN},
	}
	for _, tt := range tests {
		if got := Match(tt.header); got != tt.want {
			name := tt.header
			if len(name) > 40 {
				name = name[:40] + "…"
			}
			t.Errorf("Match(%q) = %q, want %q", name, got, tt.want)
		}
	}
}

func TestLangMethods(t *testing.T) {
	tests := []struct {
		l                    Lang
		str, html, name, dir string
	}{
		{EN, "en", "en", "English", "ltr"},
		{KO, "ko", "ko", "한국어", "ltr"},
		{ZHTW, "zh-TW", "zh-TW", "繁體中文", "ltr"},
		{JA, "ja", "ja", "日本語", "ltr"},
		{Lang("fr"), "fr", "en", "English", "ltr"},
	}
	for _, tt := range tests {
		if got := tt.l.String(); got != tt.str {
			t.Errorf("%q.String() = %q, want %q", tt.l, got, tt.str)
		}
		if got := tt.l.HTMLLang(); got != tt.html {
			t.Errorf("%q.HTMLLang() = %q, want %q", tt.l, got, tt.html)
		}
		if got := tt.l.Name(); got != tt.name {
			t.Errorf("%q.Name() = %q, want %q", tt.l, got, tt.name)
		}
		if got := tt.l.Dir(); got != tt.dir {
			t.Errorf("%q.Dir() = %q, want %q", tt.l, got, tt.dir)
		}
	}
}

func TestLangsOrder(t *testing.T) {
	want := []Lang{EN, KO, ZHTW, JA}
	if !slices.Equal(Langs, want) {
		t.Errorf("Langs = %v, want %v", Langs, want)
	}
	if !slices.Equal(langs[:], want) {
		t.Errorf("langs = %v, want %v", langs, want)
	}
	if len(matcherTags) != len(Langs) {
		t.Fatalf("matcherTags has %d tags for %d languages", len(matcherTags), len(Langs))
	}
	for i, l := range Langs {
		if got, ok := Parse(string(l)); !ok || got != l {
			t.Errorf("Parse(%q) = %q, %v: every Lang must parse as itself", l, got, ok)
		}
		if got := Match(string(l)); got != l {
			t.Errorf("Match(%q) = %q: matcherTags[%d] is out of step with Langs", l, got, i)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"en", "ko-KR", "zh-Hant-TW", "zh-CN", "ja_JP", "", "x-private", "en-u-ca-gregory", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, ok := Parse(s)
		if !ok {
			if l != "" {
				t.Errorf("Parse(%q) = %q, false; want empty Lang when not ok", s, l)
			}
			return
		}
		if !slices.Contains(Langs, l) {
			t.Errorf("Parse(%q) = %q, true; not a supported language", s, l)
		}
	})
}

func FuzzMatch(f *testing.F) {
	for _, s := range []string{
		"ko-KR,ko;q=0.9,en-US;q=0.8", "zh-CN", "*", "", ";;;q=abc", "fr, !!!, ja",
		"en;q=1.0000001", "ja;q=-1", "ko;q=NaN", "zh-Hant-HK;q=0.5,,", "\xff\xfe,ko",
		"x-" + strings.Repeat("a", 300), strings.Repeat("ja-JP-u-ca-japanese,", 60),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		l := Match(h)
		if !slices.Contains(Langs, l) {
			t.Errorf("Match(%q) = %q; not a supported language", h, l)
		}
		if !utf8.ValidString(h) {
			return
		}
		// Adding a clear first choice must win, whatever follows.
		if got := Match("ja, " + h); got != JA {
			t.Errorf("Match(%q) = %q, want ja", "ja, "+h, got)
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	for _, bm := range []struct{ name, header string }{
		{"typical", "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7"},
		{"zh-CN", "zh-CN,zh;q=0.9"},
		{"empty", ""},
		{"long", strings.Repeat("fr-FR;q=0.5, ", 200)},
		{"hostile-entries", strings.Repeat("a,", 600)},
		{"hostile-same", strings.Repeat("ko;q=0.1,", 200)},
		{"hostile-tag", "en-" + strings.Repeat("t-", 500)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Match(bm.header)
			}
		})
	}
}
