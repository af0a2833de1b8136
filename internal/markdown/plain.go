package markdown

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Plain returns the text of src without markup (for summaries, feeds and
// search), whitespace collapsed to single spaces and trimmed, at most max runes
// with "…" when cut (the "…" counts towards max). max <= 0 means no limit.
//
// The result is plain text, not HTML: escape it where it is embedded
// (html/template and feed writers do). Link and image URLs are dropped, their
// text kept; code is kept as text; task-list checkboxes become ☐ / ☑. It is
// the text of exactly what Render shows, so it contains no control characters.
func Plain(src string, max int) string {
	src = cleanInput(src)
	var text string
	if !parseable(src) {
		text = src
	} else {
		var buf bytes.Buffer
		if err := md.Convert([]byte(src), &buf); err != nil {
			text = src
		} else {
			text = htmlText(dropControls(buf.Bytes()))
		}
	}
	return truncate(collapse(text), max)
}

// htmlText returns the text content of goldmark's output. Since raw HTML is
// off, every tag in it is one goldmark wrote.
func htmlText(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) / 2)
	z := html.NewTokenizer(bytes.NewReader(b))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return sb.String()
		case html.TextToken:
			sb.Write(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			// Inline elements (a, em, strong, del, code) join their
			// neighbours: "**강조**했다" is one word. Everything else
			// separates words.
			switch name, _ := z.TagName(); string(name) {
			case "a", "em", "strong", "del", "code":
			default:
				sb.WriteByte(' ')
			}
		}
	}
}

// collapse replaces every run of white space with one space and trims the
// ends.
func collapse(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = sb.Len() > 0
			continue
		}
		if space {
			sb.WriteByte(' ')
			space = false
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// truncate cuts s to at most max runes, the last of them "…" when cut.
func truncate(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	if max == 1 {
		return "…"
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
		}
		n++
	}
	return s
}
