package i18n

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/text/language"
)

// Lang is one of the languages the interface is written in. Its value is the
// BCP 47 tag used in URLs, cookies and hreflang.
type Lang string

// The supported languages.
const (
	EN   Lang = "en"
	KO   Lang = "ko"
	ZHTW Lang = "zh-TW"
	JA   Lang = "ja"
)

// Langs lists the supported languages in the order the language switcher
// shows them. EN, the fallback, comes first.
var Langs = []Lang{EN, KO, ZHTW, JA}

// langs is Langs for this package's own use, out of callers' reach: Match
// and For depend on its order.
var langs = [...]Lang{EN, KO, ZHTW, JA}

// matcherTags holds the tags given to the matcher, index for index with langs.
var matcherTags = []language.Tag{
	language.English,
	language.Korean,
	language.MustParse("zh-TW"),
	language.Japanese,
}

var matcher = sync.OnceValue(func() language.Matcher {
	return language.NewMatcher(matcherTags)
})

// Parse reports the supported language a tag names, as written in a ?lang=
// parameter or a cookie. It is lenient about case, separators and region
// ("KO", "ko-KR", "en-GB", "ja_JP") but refuses anything that would mean
// guessing: "zh" and "zh-CN" name Simplified Chinese, which is not offered.
// Chinese is accepted when the tag says Traditional, by script ("zh-Hant",
// "zh-Hant-HK") or by a Traditional-writing region ("zh-TW", "zh-HK", "zh-MO").
func Parse(s string) (Lang, bool) {
	switch s {
	case "en", "ko", "zh-TW", "ja":
		return Lang(s), true
	}
	if s == "" || len(s) > maxTag {
		return "", false
	}
	tag, err := language.Parse(s)
	if err != nil {
		return "", false
	}
	base, script, region := tag.Raw()
	switch base.String() {
	case "en":
		return ifUsual(EN, script, "Latn")
	case "ko":
		return ifUsual(KO, script, "Kore")
	case "ja":
		return ifUsual(JA, script, "Jpan")
	case "zh":
		switch script.String() {
		case "Hant":
			return ZHTW, true
		case "Zzzz": // no script given: the region decides
			switch region.String() {
			case "TW", "HK", "MO":
				return ZHTW, true
			}
		}
	}
	return "", false
}

// ifUsual accepts l if the tag's script subtag is absent or the one l is
// normally written in, so "ja-Latn" (romanised Japanese) is refused.
func ifUsual(l Lang, s language.Script, usual string) (Lang, bool) {
	if v := s.String(); v == "Zzzz" || v == usual {
		return l, true
	}
	return "", false
}

// Bounds on what Match reads, to keep hostile headers cheap. Browsers send
// well under 200 bytes and a handful of languages.
const (
	maxAcceptLanguage = 1024 // bytes
	maxAcceptEntries  = 16   // comma-separated entries
	maxTag            = 64   // bytes in one language tag
)

// Match chooses the language for a request from its Accept-Language header,
// honouring the reader's order of preference. Unknown, empty or malformed
// headers give EN. Each entry stands alone: one that does not parse, or has
// a malformed weight, is skipped; weights above 1 count as 1.
//
// Only a match of High confidence or better counts. In practice that means
// Simplified Chinese ("zh", "zh-CN", "zh-Hans", "zh-SG"), which the matcher
// pairs with zh-TW at Low confidence, gets English unless the header also
// names one of the other languages: the two scripts differ enough that
// Traditional text is not what the reader asked for, and for a government
// audience an unrequested Taiwanese-usage page is more than a style choice.
// The switcher offers 繁體中文 to anyone who prefers it. Traditional readers
// elsewhere ("zh-HK", "zh-Hant-HK", "zh-MO") match at High and get zh-TW.
func Match(acceptLanguage string) Lang {
	if acceptLanguage == "" {
		return EN
	}
	// Browsers send the same few headers over and over, and parsing one costs
	// microseconds on every page: remember the answers, up to a bound, so a
	// client sending endless distinct headers cannot grow memory.
	if l, ok := matchCache.Load(acceptLanguage); ok {
		return l.(Lang)
	}
	l := match(acceptLanguage)
	if len(acceptLanguage) <= 256 && matchCacheSize.Add(1) <= matchCacheMax {
		matchCache.Store(acceptLanguage, l)
	}
	return l
}

var (
	matchCache     sync.Map // Accept-Language header → Lang
	matchCacheSize atomic.Int64
)

const matchCacheMax = 4096

func match(acceptLanguage string) Lang {
	var buf [8]language.Tag
	tags := parseAcceptLanguage(buf[:0], acceptLanguage)
	if len(tags) == 0 {
		return EN
	}
	_, i, conf := matcher().Match(tags...)
	if conf < language.High || i < 0 || i >= len(langs) {
		return EN
	}
	return langs[i]
}

// parseAcceptLanguage appends to tags the languages an Accept-Language
// header names, most wanted first. It leaves out "*", entries with weight 0
// and entries that do not parse. It reads at most maxAcceptLanguage bytes,
// cut at the last whole entry, and the first maxAcceptEntries entries, and
// skips tags longer than maxTag: parsing a tag costs time in its length.
//
// language.ParseAcceptLanguage is stricter: one bad entry loses the whole
// header, and it lets a weight above 1 outrank everything.
func parseAcceptLanguage(tags []language.Tag, h string) []language.Tag {
	if len(h) > maxAcceptLanguage {
		h = h[:maxAcceptLanguage]
		if i := strings.LastIndexByte(h, ','); i >= 0 {
			h = h[:i]
		}
	}
	var qbuf [8]float64
	qs := qbuf[:0]
	n := 0
	for entry := range strings.SplitSeq(h, ",") {
		if n++; n > maxAcceptEntries {
			break
		}
		tag, params, _ := strings.Cut(entry, ";")
		tag = strings.TrimSpace(tag)
		if tag == "" || tag == "*" || len(tag) > maxTag {
			continue
		}
		q, ok := weight(params)
		if !ok || q == 0 {
			continue
		}
		t, err := language.Parse(tag)
		if err != nil {
			continue
		}
		// Insert after every entry of greater or equal weight, keeping
		// the header's order among equals.
		i := len(qs)
		for i > 0 && qs[i-1] < q {
			i--
		}
		tags = slices.Insert(tags, i, t)
		qs = slices.Insert(qs, i, q)
	}
	return tags
}

// weight returns the q parameter in an entry's parameters ("q=0.8"), 1 if
// there is none, and false if it is malformed.
func weight(params string) (float64, bool) {
	params = strings.TrimSpace(params)
	if params == "" {
		return 1, true
	}
	v, ok := strings.CutPrefix(params, "q=")
	if !ok {
		v, ok = strings.CutPrefix(params, "Q=")
	}
	if !ok {
		return 0, false
	}
	q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || q != q || q < 0 { // q != q: NaN
		return 0, false
	}
	return min(q, 1), true
}

// String returns the language's tag, as used in URLs and cookies.
func (l Lang) String() string { return string(l) }

// HTMLLang returns the value for <html lang> and hreflang.
//
// For Chinese it is "zh-TW", the same tag as in URLs, rather than "zh-Hant"
// or "zh-Hant-TW". Browsers choose Traditional glyphs for zh-TW as they do
// for zh-Hant. Screen readers choose a voice from the tag, and the Chinese
// voices Windows and macOS install are labelled zh-TW, zh-HK and zh-CN, so
// zh-TW is the tag most likely to be read in Taiwanese Mandarin; a script
// subtag they do not map may fall back to a mainland voice. In CSS, write
// :lang(zh-TW), or :lang(zh) for any Chinese; :lang(zh-Hant) would not match.
//
// An unknown Lang gives "en", as [For] gives English's translator.
func (l Lang) HTMLLang() string {
	switch l {
	case EN, KO, ZHTW, JA:
		return string(l)
	}
	return string(EN)
}

// Name returns the language's name in itself, for the language switcher.
func (l Lang) Name() string {
	switch l {
	case EN:
		return "English"
	case KO:
		return "한국어"
	case ZHTW:
		return "繁體中文"
	case JA:
		return "日本語"
	}
	return "English"
}

// Dir returns the text direction for the dir attribute: "ltr" for all four
// languages. Templates should still use it, so adding a right-to-left
// language later is a change here only.
func (l Lang) Dir() string { return "ltr" }
