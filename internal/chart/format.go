package chart

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// numberFormat is how a language writes numbers: the thousands separator and the decimal mark.
type numberFormat struct {
	group, point string
}

// numberFormats covers the common conventions by primary language subtag; any other language
// writes 1,234.5.
var numberFormats = map[string]numberFormat{
	// 1.234,5
	"de": {".", ","}, "es": {".", ","}, "it": {".", ","}, "nl": {".", ","}, "pt": {".", ","},
	"id": {".", ","}, "tr": {".", ","}, "da": {".", ","}, "el": {".", ","}, "ro": {".", ","},
	"hr": {".", ","}, "sl": {".", ","}, "sr": {".", ","}, "vi": {".", ","},
	// 1 234,5 with a no-break space, narrow in French
	"fr": {"\u202f", ","}, "ru": {"\u00a0", ","}, "uk": {"\u00a0", ","}, "pl": {"\u00a0", ","},
	"cs": {"\u00a0", ","}, "sk": {"\u00a0", ","}, "sv": {"\u00a0", ","}, "fi": {"\u00a0", ","},
	"nb": {"\u00a0", ","}, "no": {"\u00a0", ","}, "hu": {"\u00a0", ","}, "bg": {"\u00a0", ","},
	"lt": {"\u00a0", ","}, "lv": {"\u00a0", ","}, "et": {"\u00a0", ","},
}

// formatFor returns the number format of a BCP 47 language tag.
func formatFor(lang string) numberFormat {
	primary, _, _ := strings.Cut(strings.ToLower(lang), "-")
	if f, ok := numberFormats[primary]; ok {
		return f
	}
	return numberFormat{",", "."}
}

// format writes v with the given number of decimals, grouping thousands: 12,345.5. Negative
// numbers take a true minus sign (U+2212).
func (f numberFormat) format(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("−")
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(f.group)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(f.point)
		b.WriteString(frac)
	}
	return b.String()
}

// appendCoord appends v rounded to one decimal, without a trailing ".0": 12.3, 7, -0.5.
func appendCoord(b []byte, v float64) []byte {
	t := int64(math.Abs(v)*10 + 0.5) // math.Round is not inlined, and costs a third of the time
	if v < 0 && t != 0 {
		b = append(b, '-')
	}
	if t >= 100_000 {
		b = strconv.AppendInt(b, t/10, 10)
	} else {
		// Digits by hand for coordinates below 10,000 (all of them, on a chart of any sensible
		// size): this runs twice for every point of every line, and strconv is 5× slower.
		w := uint32(t / 10)
		switch {
		case w < 10:
			b = append(b, byte('0'+w))
		case w < 100:
			b = append(b, byte('0'+w/10), byte('0'+w%10))
		case w < 1000:
			b = append(b, byte('0'+w/100), byte('0'+w/10%10), byte('0'+w%10))
		default:
			b = append(b, byte('0'+w/1000), byte('0'+w/100%10), byte('0'+w/10%10), byte('0'+w%10))
		}
	}
	if r := t % 10; r != 0 {
		b = append(b, '.', byte('0'+r))
	}
	return b
}

// appendText appends s escaped for XML text or a quoted attribute. Characters XML does not allow
// (control characters, invalid UTF-8) become U+FFFD, so no input can make the document
// ill-formed.
func appendText(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '"':
			b = append(b, "&#34;"...)
		case r == '\'':
			b = append(b, "&#39;"...)
		case r == '\t' || r == '\n' || r == '\r':
			b = append(b, ' ')
		case r < 0x20 || (r >= 0xD800 && r <= 0xDFFF) || r == 0xFFFE || r == 0xFFFF:
			b = utf8.AppendRune(b, utf8.RuneError)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

// charWidth is the average advance of a Latin character at the chart's 12px font size; CJK
// characters are twice as wide. There is no font to measure on the server, so layout reserves
// space by this estimate.
const charWidth = 7

// textWidth estimates the width of s in pixels.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case wide(r):
			w += 2 * charWidth
		default:
			w += charWidth
		}
	}
	return w
}

// wide reports whether r is a full-width (East Asian) character.
func wide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115F || // Hangul Jamo
		(r >= 0x2E80 && r <= 0xA4CF) || // CJK radicals … Yi
		(r >= 0xAC00 && r <= 0xD7A3) || // Hangul syllables
		(r >= 0xF900 && r <= 0xFAFF) || // CJK compatibility ideographs
		(r >= 0xFE30 && r <= 0xFE4F) || // CJK compatibility forms
		(r >= 0xFF00 && r <= 0xFF60) || (r >= 0xFFE0 && r <= 0xFFE6) || // full-width forms
		(r >= 0x20000 && r <= 0x3FFFD)) // CJK extensions
}

// truncate shortens s to at most n characters, ending in "…" when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, k := 0, 0
	for i = range s {
		if k == n-1 {
			break
		}
		k++
	}
	return s[:i] + "…"
}

// cleanID turns s into an XML name usable as an id prefix: letters, digits, '-' and '_', starting
// with a letter; "chart" when empty.
func cleanID(s string) string {
	if s == "" {
		return "chart"
	}
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '-'
		}
	}
	if c := b[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return "c" + string(b)
	}
	return string(b)
}

// validLang reports whether s looks like a BCP 47 tag, safe to write in the lang attribute.
func validLang(s string) bool {
	if s == "" || len(s) > 35 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
