package search

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Segment is a piece of a snippet; Hit marks the text a query matched.
type Segment struct {
	Text string
	Hit  bool
}

// wordSlack is how far a snippet's edge moves to avoid cutting a word in half.
const wordSlack = 15

// Snippet returns about width characters of text around the first place q matches, cut into
// segments with the matches marked, for highlighted results. Hits are found as the engines find
// them, on the normalised text, and mapped back to the original: 台北 lights up 臺北, and 확진
// lights up the first two syllables of 확진자가. Runs of white space become one space; an
// ellipsis marks where the window cuts the text. Without a match the snippet is the text's start;
// width < 1 means the whole text.
func Snippet(text string, q Query, width int) []Segment {
	hits := hitSpans(text, q)
	lo, hi := window(text, hits, width)
	var segs []Segment
	emit := func(s string, hit bool) {
		s = collapseSpace(s)
		if s == "" {
			return
		}
		if n := len(segs); n > 0 && segs[n-1].Hit == hit {
			segs[n-1].Text += s
			return
		}
		segs = append(segs, Segment{Text: s, Hit: hit})
	}
	pos := lo
	for _, h := range hits {
		if h.end <= pos {
			continue
		}
		if h.start >= hi {
			break
		}
		s, e := max(h.start, pos), min(h.end, hi)
		emit(text[pos:s], false)
		emit(text[s:e], true)
		pos = e
	}
	emit(text[pos:hi], false)
	if len(segs) > 0 && !segs[0].Hit {
		segs[0].Text = strings.TrimLeft(segs[0].Text, " ")
		if segs[0].Text == "" {
			segs = segs[1:]
		}
	}
	if n := len(segs); n > 0 && !segs[n-1].Hit {
		segs[n-1].Text = strings.TrimRight(segs[n-1].Text, " ")
		if segs[n-1].Text == "" {
			segs = segs[:n-1]
		}
	}
	if lo > 0 {
		if len(segs) > 0 && !segs[0].Hit {
			segs[0].Text = "…" + segs[0].Text
		} else {
			segs = append([]Segment{{Text: "…"}}, segs...)
		}
	}
	if hi < len(text) {
		if n := len(segs); n > 0 && !segs[n-1].Hit {
			segs[n-1].Text += "…"
		} else {
			segs = append(segs, Segment{Text: "…"})
		}
	}
	return segs
}

// span is a range of bytes of the original text.
type span struct{ start, end int }

// hitSpans returns where q's phrases match text, in bytes of text, sorted and merged.
func hitSpans(text string, q Query) []span {
	if q.Empty() {
		return nil
	}
	s := getScratch()
	defer putScratch(s)
	s.units = normalizeTo(s.units, text)
	units := s.units
	toks, _ := tokenizeTo(s, units)
	var hits []span
	for _, p := range q.Phrases {
		n := len(p.Tokens)
		for _, i := range p.find(toks, 0) {
			last := toks[i+n-1].last
			if p.Prefix {
				last = toks[i+n-1].first + utf8.RuneCountInString(p.Tokens[n-1]) - 1
			}
			hits = append(hits, span{units[toks[i].first].start, units[last].end})
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].start < hits[j].start })
	merged := hits[:0]
	for _, h := range hits {
		if n := len(merged); n > 0 && h.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, h.end)
			continue
		}
		merged = append(merged, h)
	}
	return merged
}

// window returns the bytes of text a snippet of about width characters shows: a quarter of it
// before the first hit, moved off the middle of words.
func window(text string, hits []span, width int) (lo, hi int) {
	if width < 1 || utf8.RuneCountInString(text) <= width {
		return 0, len(text)
	}
	focus, focusEnd := 0, 0
	if len(hits) > 0 {
		focus, focusEnd = hits[0].start, hits[0].end
	}
	lo = back(text, focus, width/4)
	hi = forward(text, lo, width)
	if hi == len(text) {
		lo = back(text, hi, width)
	}
	// Move off the middle of a word: lo forward, not past the hit; hi back, not before it.
	for n := 0; lo > 0 && lo < focus && n < wordSlack && inWord(text, lo); n++ {
		_, size := utf8.DecodeRuneInString(text[lo:])
		lo += size
	}
	for lo < focus && startsWithMark(text[lo:]) {
		_, size := utf8.DecodeRuneInString(text[lo:])
		lo += size
	}
	for n := 0; hi < len(text) && hi > focusEnd && n < wordSlack && inWord(text, hi); n++ {
		_, size := utf8.DecodeLastRuneInString(text[:hi])
		hi -= size
	}
	for hi < len(text) && startsWithMark(text[hi:]) {
		_, size := utf8.DecodeRuneInString(text[hi:])
		hi += size
	}
	return lo, hi
}

// inWord reports whether byte i of text falls between two letters or digits of a spaced script.
func inWord(text string, i int) bool {
	before, _ := utf8.DecodeLastRuneInString(text[:i])
	after, _ := utf8.DecodeRuneInString(text[i:])
	spaced := func(r rune) bool { c := classOf(r); return c == word || c == digit }
	return spaced(before) && spaced(after)
}

func startsWithMark(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return dropped(r)
}

// SnippetOfLong is Snippet for a text that may be long, such as a document's body. Snippet
// normalises all the text it is given (about 150 ns a byte: 0.4 ms for 300 words of CJK, which
// twenty search hits would make most of a search's time), so SnippetOfLong gives it a window of
// the text: from a little before where a phrase's first token occurs in the text as written (a
// byte search, lower-cased) to a little more than a snippet's width after, as long as the window
// holds a match; failing that (variant characters, or a token found only inside a longer word),
// the text's start, where Snippet falls back to when nothing matches. Cut ends are marked "…".
func SnippetOfLong(text string, q Query, width int) []Segment {
	// Characters: Snippet shows width/4 of them before its first hit (fewer at the text's
	// start), moving the start forward off a word (so it needs one more before it), and width in
	// all from there; then some slack.
	before, after := width/4+8, width+24
	if !longer(text, before+after) {
		return Snippet(text, q, width)
	}
	var lower string // the text lower-cased, made only for a token with letters that have case
	var starts []int
	for _, p := range q.Phrases {
		in := text
		if strings.ToUpper(p.Tokens[0]) != p.Tokens[0] {
			if lower == "" {
				if lower = strings.ToLower(text); len(lower) != len(text) {
					lower = text // offsets would not match
				}
			}
			in = lower
		}
		if at := strings.Index(in, p.Tokens[0]); at >= 0 {
			starts = append(starts, at)
		}
	}
	slices.Sort(starts)
	for _, at := range starts[:min(len(starts), 3)] {
		lo, shown := at, 0 // the window's start, and how many characters it holds before at
		for ; lo > 0 && shown < before; shown++ {
			_, size := utf8.DecodeLastRuneInString(text[:lo])
			lo -= size
		}
		hi := forward(text, at, after-min(shown, width/4))
		if hi == len(text) { // Snippet then shows width characters before the end
			lo = min(lo, back(text, hi, width+8))
		}
		segs := Snippet(text[lo:hi], q, width)
		if !slices.ContainsFunc(segs, func(s Segment) bool { return s.Hit }) {
			continue
		}
		if lo > 0 && !strings.HasPrefix(segs[0].Text, "…") {
			segs = append([]Segment{{Text: "…"}}, segs...)
		}
		if n := len(segs) - 1; hi < len(text) && !strings.HasSuffix(segs[n].Text, "…") {
			segs = append(segs, Segment{Text: "…"})
		}
		return segs
	}
	segs := Snippet(text[:forward(text, 0, after)], q, width)
	if n := len(segs) - 1; n >= 0 && !strings.HasSuffix(segs[n].Text, "…") {
		segs = append(segs, Segment{Text: "…"})
	}
	return segs
}

// longer reports whether text has more than n characters, counting no further than that.
func longer(text string, n int) bool {
	if len(text) <= n {
		return false
	}
	return forward(text, 0, n) < len(text)
}

// back returns the byte offset n characters before i; forward the one n characters after.
func back(text string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(text[:i])
		i -= size
	}
	return i
}

func forward(text string, i, n int) int {
	for ; n > 0 && i < len(text); n-- {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i
}

// collapseSpace turns each run of white space into one space.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}
