package i18n

import (
	"regexp"
	"strings"

	"golang.org/x/text/language"
)

// Content languages. The interface speaks four languages (Lang), but practices, posts and their
// translations may be in any language, named by a BCP 47 tag. The domains that store such text
// share these rules, so that "the language of a text" means the same everywhere.

// MaxTagLen bounds a language tag before it is parsed.
const MaxTagLen = 35

// CanonicalTag returns the canonical form of a BCP 47 tag ("zh-tw" → "zh-TW", "EN" → "en"), or s
// trimmed when it does not parse (ValidTag then refuses it).
func CanonicalTag(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > MaxTagLen {
		return s
	}
	t, err := language.Parse(s)
	if err != nil {
		return s
	}
	return t.String()
}

var tagRE = regexp.MustCompile(`^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$`)

// ValidTag accepts well-formed, known BCP 47 tags in canonical form, without private-use or
// extension parts, whose language is stated: "und" and "und-KR" parse, with a language guessed
// from the region, which is not what the writer said, and readers filter and translators work by
// the language a text says it is in.
func ValidTag(s string) bool {
	if len(s) > MaxTagLen || !tagRE.MatchString(s) {
		return false
	}
	t, err := language.Parse(s)
	if err != nil || t.String() != s {
		return false
	}
	_, conf := t.Base()
	return conf == language.Exact
}

// SameLanguage reports whether two tags name the same language in the same script ("ko" and
// "ko-KR", "en-GB" and "en-US"), so that one cannot translate the other; "zh-TW" and "zh-CN"
// (Traditional and Simplified) differ.
func SameLanguage(a, b string) bool {
	ta, err1 := language.Parse(a)
	tb, err2 := language.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	ba, _ := ta.Base()
	bb, _ := tb.Base()
	sa, _ := ta.Script()
	sb, _ := tb.Script()
	return ba == bb && sa == sb
}
