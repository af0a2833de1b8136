package board

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/citypact/citypact"
)

// The checks below repeat a few of internal/practice's (domains do not import each other; tags
// are spelt by internal/tags for both), and differ where boards need it: titles refuse control
// characters instead of folding them, because they become mail subjects; tags refuse "/", because
// they stand in paths (/tags/{tag}/follow).

// fe builds a field error; args are key/value pairs for the message's placeholders.
func fe(field, key string, args ...string) citypact.FieldError {
	return citypact.FieldError{Field: field, Key: key, Args: args}
}

// lineUnsafe reports the runes a one-line field (a title, a product name, a board name) must not
// hold: control characters (C0 with CR, LF and TAB, DEL, C1), which could end a mail header built
// from a title (header injection) or break a page's layout; the Unicode line and paragraph
// separators some mail clients break lines at; and the bidirectional embeddings, overrides and
// isolates that can make a subject read differently from what it is (Trojan Source).
func lineUnsafe(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' ||
		(r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// textUnsafe reports the runes a multi-line text (a body, a description) must not hold: control
// characters other than tab and line ends. Bodies are quoted in e-mails, whose writer refuses such
// bytes; refusing them here keeps a post from blocking its own notifications.
func textUnsafe(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// checkLine checks a one-line field: present when required, valid UTF-8 without lineUnsafe
// runes, at most max characters. Such fields are trimmed but never "repaired": a CR or LF in a
// title cannot come from a browser's text input, so it is refused rather than folded away.
func checkLine(field, v string, max int, required bool) []citypact.FieldError {
	switch {
	case v == "" && required:
		return []citypact.FieldError{fe(field, "field.required")}
	case !utf8.ValidString(v) || strings.IndexFunc(v, lineUnsafe) >= 0:
		return []citypact.FieldError{fe(field, "board.control_chars")}
	case utf8.RuneCountInString(v) > max:
		return []citypact.FieldError{fe(field, "field.too_long", "max", strconv.Itoa(max))}
	}
	return nil
}

// checkText checks a multi-line field (Markdown or plain): present (not only white space) when
// required, valid UTF-8 without textUnsafe runes, at most max characters.
func checkText(field, v string, max int, required bool) []citypact.FieldError {
	switch {
	case strings.TrimSpace(v) == "":
		if required {
			return []citypact.FieldError{fe(field, "field.required")}
		}
		return nil
	case !utf8.ValidString(v) || strings.IndexFunc(v, textUnsafe) >= 0:
		return []citypact.FieldError{fe(field, "field.invalid")}
	case utf8.RuneCountInString(v) > max:
		return []citypact.FieldError{fe(field, "field.too_long", "max", strconv.Itoa(max))}
	}
	return nil
}

// normalizeText turns CR LF into LF (browsers send text areas with CR LF, which would count
// twice against the limit and differ from the same text sent through the API) and trims white
// space at the end. Leading white space is kept: in Markdown it can start a code block.
func normalizeText(s string) string {
	return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), " \t\r\n")
}

// Limits on tags.
const (
	MaxTags   = 10
	MaxTagLen = 40
)

// checkTags checks normalised tags: at most MaxTags, each at most MaxTagLen characters, without
// the characters that would make a tag ambiguous in a list, a URL or HTML, or controls.
func checkTags(tags []string) []citypact.FieldError {
	if len(tags) > MaxTags {
		return []citypact.FieldError{fe("tags", "board.tags_too_many", "max", strconv.Itoa(MaxTags))}
	}
	for _, t := range tags {
		if !validTag(t) {
			return []citypact.FieldError{fe("tags", "board.tag_invalid", "max", strconv.Itoa(MaxTagLen))}
		}
	}
	return nil
}

func validTag(t string) bool {
	return t != "" && utf8.ValidString(t) && utf8.RuneCountInString(t) <= MaxTagLen && !strings.ContainsAny(t, ",#<>\"/") &&
		strings.IndexFunc(t, func(r rune) bool { return lineUnsafe(r) || unicode.Is(unicode.Cf, r) }) < 0
}

// checkIDs checks a list of ids the store will resolve: at most max (else tooMany, a message
// key), each positive.
func checkIDs(field, tooMany string, ids []int64, max int) []citypact.FieldError {
	if len(ids) > max {
		return []citypact.FieldError{fe(field, tooMany, "max", strconv.Itoa(max))}
	}
	if slices.ContainsFunc(ids, func(id int64) bool { return id <= 0 }) {
		return []citypact.FieldError{fe(field, "field.invalid")}
	}
	return nil
}

// dedupeIDs removes repeated ids, keeping the first one's position.
func dedupeIDs(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// dateOf keeps the calendar day of t (in t's own location) as midnight UTC.
func dateOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
