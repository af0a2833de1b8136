package search

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold prepares text for matching as Tokens sees it, without splitting it: NFKC (full-width
// Ｔｏｋｙｏ becomes Tokyo, compatibility ideographs their unified forms), lower case, then the
// variant characters that names are commonly written with either way folded to one form, so
// that 台北 finds 臺北市. It is not a traditional-to-simplified conversion. It is the directory's
// name folding (store.fold), kept here so that both searches fold alike.
func Fold(s string) string { return strings.Map(foldRune, norm.NFKC.String(s)) }

// variants maps a variant character to the form both documents and queries are folded to.
var variants = map[rune]rune{
	'臺': '台', '灣': '湾', '國': '国', '區': '区', '縣': '県', '县': '県',
	'東': '东', '濱': '浜', '澤': '沢', '廣': '広',
}

// foldRune lower-cases r and folds its variant; r is already NFKC.
func foldRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	case hangulSyllable(r) || kana(r):
		return r // no case, no variants
	}
	r = unicode.ToLower(r)
	if r >= 0x2E80 { // variants are all ideographs
		if v, ok := variants[r]; ok {
			return v
		}
	}
	return r
}

// class is what a folded character does to tokens.
type class uint8

const (
	sep   class = iota // ends a token
	word               // letter of a spaced script
	digit              // number
	cjk                // Han, Hiragana, Katakana or Hangul letter
)

func classOf(r rune) class {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
			return word
		case '0' <= r && r <= '9':
			return digit
		}
		return sep
	}
	if commonCJK(r) { // the common blocks first
		return cjk
	}
	letter := unicode.IsLetter(r)
	number := !letter && unicode.IsNumber(r)
	switch {
	case !letter && !number:
		return sep // symbols too: FTS5's unicode61 keeps only letters and numbers
	case isCJK(r):
		return cjk
	case letter:
		return word
	}
	return digit
}

// hangulSyllable and kana report whether r is in the blocks most Korean and Japanese text is
// written in, which hold no marks, format characters, case or variants: the common case checked
// before the Unicode tables.
func hangulSyllable(r rune) bool { return 0xAC00 <= r && r <= 0xD7A3 }

func kana(r rune) bool { return 0x3041 <= r && r <= 0x3096 || 0x30A1 <= r && r <= 0x30FA || r == 'ー' }

// commonCJK reports whether r is a Hangul syllable, kana or a common ideograph (though these have
// variants to fold).
func commonCJK(r rune) bool { return hangulSyllable(r) || 0x4E00 <= r && r <= 0x9FFF || kana(r) }

// isCJK reports whether r is written without spaces between words. The prolonged sound mark ー and
// the closing mark 〆 belong to no script but to Japanese words (センター, 締〆).
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r == 'ー' || r == '〆'
}

// dropped reports whether r is left out of tokens without ending one: combining marks NFKC could
// not compose (ideographic variation selectors after 葛, emoji selectors) and invisible format
// characters (soft hyphens, zero-width joiners).
func dropped(r rune) bool {
	if r < 0x300 || commonCJK(r) {
		return r == 0xAD // the soft hyphen is the one format character below U+0300
	}
	return unicode.IsMark(r) || unicode.Is(unicode.Cf, r)
}

// unit is one folded character and the bytes of the original text it came from. NFKC may turn
// one original character into several (㍻ into 平成) or several into one (ᄒ ᅡ into 하); all
// characters of one normalisation segment share its span.
type unit struct {
	r          rune
	class      class
	start, end int
}

// normalize folds text into units, leaving out dropped characters (their bytes join the span of
// the unit before, so that a highlight keeps a variation selector with its ideograph). The prefix
// of text that is already in NFKC (norm's quick check: most text) is read a character at a time,
// each its own segment, without the normalising iterator, which costs several times more; the
// prefix ends on a normalisation boundary, so the rest normalises as it would have.
func normalize(text string) []unit { return normalizeTo(nil, text) }

// normalizeTo is normalize appending to units[:0], whose array it reuses when large enough.
func normalizeTo(units []unit, text string) []unit {
	units = slices.Grow(units[:0], utf8.RuneCountInString(text))
	add := func(r rune, start, end int) {
		if dropped(r) {
			if k := len(units) - 1; k >= 0 && units[k].class != sep {
				units[k].end = end
			}
			return
		}
		r = foldRune(r)
		units = append(units, unit{r: r, class: classOf(r), start: start, end: end})
	}
	quick := quickSpan(text)
	for i := 0; i < quick; {
		r, n := utf8.DecodeRuneInString(text[i:])
		add(r, i, i+n)
		i += n
	}
	if quick == len(text) {
		return units
	}
	var it norm.Iter
	it.InitString(norm.NFKC, text[quick:])
	for !it.Done() {
		start := quick + it.Pos()
		seg := it.Next()
		end := quick + it.Pos()
		for len(seg) > 0 {
			r, n := utf8.DecodeRune(seg)
			seg = seg[n:]
			add(r, start, end)
		}
	}
	return units
}

// quickSpan is norm.NFKC.QuickSpanString(text), the prefix of text already in NFKC and ending on
// a normalisation boundary, with its commonest part found without norm's tables (which cost
// normalize two thirds of its time): ASCII, Hangul syllables, kana, common ideographs and the
// commonest CJK punctuation are each their own NFKC form, and none of them composes with one
// before it (only combining marks and conjoining jamo do, which are none of them), so a run of
// them is in NFKC and ends on a boundary before its last character, which may still compose with
// what follows; norm checks the rest from there.
func quickSpan(text string) int {
	last := 0 // where the run's last character starts
	for i := 0; i < len(text); {
		r, n := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(text[i:])
			if !commonCJK(r) && !cjkMark(r) {
				break
			}
		}
		last = i
		i += n
	}
	return last + norm.NFKC.QuickSpanString(text[last:])
}

// cjkMark reports whether r is one of the commonest CJK punctuation marks that are their own NFKC
// form: 、。, the brackets 〈〉《》「」『』【】 and the middle dot ・ (not the ideographic space, which is
// a space in NFKC, nor the full-width forms, which are ASCII).
func cjkMark(r rune) bool {
	return r == 0x3001 || r == 0x3002 || 0x3008 <= r && r <= 0x3011 || r == 0x30FB
}

// kind tells how a token was made, which a query needs at a phrase's end.
type kind uint8

const (
	whole  kind = iota // a word or number
	bigram             // two characters of a CJK run
	tail               // the last character of a CJK run of two or more
	single             // a CJK run of one character
)

// token is a token and the units it covers, first to last inclusive.
type token struct {
	text        string
	kind        kind
	first, last int
}

// countTokens is how many tokens tokenize makes of units, and about how many bytes their text
// takes: one token a word or number, one a character of a CJK run (its bigrams and its tail, each
// character written twice), so that their slices are made once.
func countTokens(units []unit) (n, size int) {
	for i := 0; i < len(units); {
		c := units[i].class
		j := i + 1
		for j < len(units) && units[j].class == c {
			j++
		}
		switch c {
		case sep:
		case cjk:
			n += j - i
			size += 7 * (j - i) // two characters of three bytes and a space
		default:
			n++
			size += j - i + 1
		}
		i = j
	}
	return n, size
}

// tokenize splits units into tokens: runs of one class; words and numbers whole (cut at
// maxWordBytes), CJK runs as bigrams and a tail. It returns them with the index they make, their
// texts joined by single spaces; each token's text is a slice of it, so a document's tokens cost
// one allocation, not one each.
func tokenize(units []unit) ([]token, string) { return tokenizeTo(&scratch{}, units) }

// scratch is what tokenizing allocates besides the index, for reuse: hitSpans cuts twenty
// snippets a search, and reusing these halves the garbage a search leaves.
type scratch struct {
	units []unit
	toks  []token
	offs  [][2]int // each token's bytes in buf
	buf   []byte
}

// scratchPool holds scratch space no larger than maxScratch units, so that one long text does
// not keep its buffers alive in the pool.
var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

const maxScratch = 4096

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(s *scratch) {
	if cap(s.units) <= maxScratch && cap(s.toks) <= maxScratch {
		scratchPool.Put(s)
	}
}

// tokenizeTo is tokenize working in s, whose token slice it returns (valid until s is reused);
// the index is a new string.
func tokenizeTo(s *scratch, units []unit) ([]token, string) {
	n, size := countTokens(units)
	var (
		toks = slices.Grow(s.toks[:0], n)
		offs = slices.Grow(s.offs[:0], n)
		buf  = slices.Grow(s.buf[:0], size+16)
	)
	defer func() { s.toks, s.offs, s.buf = toks, offs, buf }()
	begin := func() int {
		if len(buf) > 0 {
			buf = append(buf, ' ')
		}
		return len(buf)
	}
	end := func(k kind, first, last, start int) {
		toks = append(toks, token{kind: k, first: first, last: last})
		offs = append(offs, [2]int{start, len(buf)})
	}
	for i := 0; i < len(units); {
		c := units[i].class
		if c == sep {
			i++
			continue
		}
		j := i + 1
		for j < len(units) && units[j].class == c {
			j++
		}
		switch {
		case c != cjk:
			start := begin()
			for _, u := range units[i:j] {
				if len(buf)-start+utf8.RuneLen(u.r) > maxWordBytes {
					break
				}
				buf = utf8.AppendRune(buf, u.r)
			}
			end(whole, i, j-1, start)
		case j-i == 1:
			start := begin()
			buf = utf8.AppendRune(buf, units[i].r)
			end(single, i, i, start)
		default:
			for k := i; k+1 < j; k++ {
				start := begin()
				buf = utf8.AppendRune(utf8.AppendRune(buf, units[k].r), units[k+1].r)
				end(bigram, k, k+1, start)
			}
			start := begin()
			buf = utf8.AppendRune(buf, units[j-1].r)
			end(tail, j-1, j-1, start)
		}
		i = j
	}
	index := string(buf)
	for n := range toks {
		toks[n].text = index[offs[n][0]:offs[n][1]]
	}
	return toks, index
}
