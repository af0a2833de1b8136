package practice

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/citypact/citypact"
)

// Op says what a part of a diff is.
type Op int8

const (
	OpEqual  Op = 0  // in both versions
	OpDelete Op = -1 // only in the older (a)
	OpInsert Op = 1  // only in the newer (b)
)

func (o Op) String() string {
	switch o {
	case OpDelete:
		return "delete"
	case OpInsert:
		return "insert"
	}
	return "equal"
}

// DiffPart is a run of text of one field that is in both versions, or only in one of them.
type DiffPart struct {
	Field string // "title", "summary" or "body"
	Op    Op
	Text  string
}

// diffTimeout bounds the work of one field's diff; past it the result is still a correct diff,
// only less minimal.
const diffTimeout = time.Second

// firstWordRune is the rune standing for the first distinct word of a diff; maxWords is how
// many runes there are from it on.
const (
	firstWordRune = 0x10000
	maxWords      = unicode.MaxRune + 1 - firstWordRune
)

// Diff compares two versions of one practice, field by field (title, summary, body, in that
// order), word by word: the parts of each field, read in order, give a's text when the inserted
// parts are skipped and b's when the deleted ones are. A field that did not change is a single
// equal part (or none when it is empty in both). Words are runs of letters and digits (a Korean
// word included); each Chinese character and each kana is a word of its own, because those
// scripts do not separate words with spaces; spaces and punctuation are words too. Versions of
// different practices are KindInvalid on the field "to".
//
// The diff is computed by diff-match-patch (github.com/sergi/go-diff) over words instead of
// characters, with its semantic clean-up, which merges small coincidental equalities into the
// changes around them so that the result reads as edits a person made.
func Diff(a, b Version) ([]DiffPart, error) {
	if a.PracticeID != b.PracticeID {
		return nil, citypact.Invalid(fe("to", "practice.diff_other_practice"))
	}
	var parts []DiffPart
	for _, f := range []struct{ name, a, b string }{
		{"title", a.Title, b.Title},
		{"summary", a.Summary, b.Summary},
		{"body", a.Body, b.Body},
	} {
		parts = append(parts, diffText(f.name, f.a, f.b)...)
	}
	return parts, nil
}

// Changed reports whether parts hold a change of field.
func Changed(parts []DiffPart, field string) bool {
	for _, p := range parts {
		if p.Field == field && p.Op != OpEqual {
			return true
		}
	}
	return false
}

func diffText(field, a, b string) []DiffPart {
	if a == b {
		if a == "" {
			return nil
		}
		return []DiffPart{{Field: field, Op: OpEqual, Text: a}}
	}
	// Each distinct word becomes one rune, so that the character diff of the rune strings is a
	// word diff of the texts (the technique of diff-match-patch's line mode). The runes are taken
	// from the supplementary planes (U+10000 on), so each is four bytes in UTF-8 and the clean-up,
	// which weighs equalities by their length in bytes, weighs every word alike.
	wa, wb := splitWords(a), splitWords(b)
	if len(wa)+len(wb) > maxWords {
		// More words than runes to stand for them: cannot happen within MaxBodyBytes, but stay
		// correct.
		return []DiffPart{{Field: field, Op: OpDelete, Text: a}, {Field: field, Op: OpInsert, Text: b}}
	}
	ids := map[string]rune{}
	var words []string
	next := rune(firstWordRune)
	encode := func(ws []string) []rune {
		out := make([]rune, len(ws))
		for i, w := range ws {
			r, ok := ids[w]
			if !ok {
				r = next
				next++
				ids[w] = r
				words = append(words, w)
			}
			out[i] = r
		}
		return out
	}
	ra, rb := encode(wa), encode(wb)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = diffTimeout
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(ra, rb, false))
	parts := make([]DiffPart, 0, len(diffs))
	for _, d := range diffs {
		var sb strings.Builder
		for _, r := range d.Text {
			sb.WriteString(words[r-firstWordRune])
		}
		op := OpEqual
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = OpDelete
		case diffmatchpatch.DiffInsert:
			op = OpInsert
		}
		if n := len(parts); n > 0 && parts[n-1].Op == op {
			parts[n-1].Text += sb.String()
			continue
		}
		parts = append(parts, DiffPart{Field: field, Op: op, Text: sb.String()})
	}
	return parts
}

// splitWords cuts s into words: runs of letters, digits and combining marks (except Han and
// kana, one word per character), runs of white space, and single other characters. The words
// joined give s back.
func splitWords(s string) []string {
	var out []string
	kind := func(r rune) int {
		switch {
		case unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana) || r == 'ー':
			return 3 // a word by itself
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			return 1
		case unicode.IsSpace(r):
			return 2
		}
		return 0 // punctuation and symbols: one each
	}
	start, prev := 0, -1
	for i, r := range s {
		k := kind(r)
		if r == utf8.RuneError {
			k = 0 // each byte of invalid UTF-8 stands alone
		}
		if i > start && (k != prev || k == 0 || k == 3) {
			out = append(out, s[start:i])
			start = i
		}
		prev = k
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
