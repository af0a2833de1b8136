package markdown

import (
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// CommonMark decides whether ** opens or closes emphasis by looking at the
// characters on either side, and treats all punctuation alike. In Chinese,
// Japanese and Korean there is no space around emphasis, so
// "**「日本語」**です" and `**"강조"**했다` stay literal asterisks under
// CommonMark (and goldmark, whose CJK extension only handles line breaks and
// escaped spaces). cjkEmphasisParser replaces goldmark's emphasis parser with
// the CommonMark CJK-friendly amendments
// (https://github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md),
// simplified by ignoring variation selectors: punctuation next to a CJK
// character counts like a letter. Text without CJK characters parses exactly as
// in CommonMark.
type cjkEmphasisParser struct{}

func (cjkEmphasisParser) Trigger() []byte { return []byte{'*', '_'} }

func (cjkEmphasisParser) Parse(_ ast.Node, block text.Reader, pc parser.Context) ast.Node {
	before := block.PrecendingCharacter()
	line, segment := block.PeekLine()
	d := scanCJKDelimiter(line, before)
	if d == nil {
		return nil
	}
	d.Segment = segment.WithStop(segment.Start + d.OriginalLength)
	block.Advance(d.OriginalLength)
	pc.PushDelimiter(d)
	return d
}

type emphasisProcessor struct{}

func (emphasisProcessor) IsDelimiter(b byte) bool { return b == '*' || b == '_' }

func (emphasisProcessor) CanOpenCloser(opener, closer *parser.Delimiter) bool {
	return opener.Char == closer.Char
}

func (emphasisProcessor) OnMatch(consumes int) ast.Node { return ast.NewEmphasis(consumes) }

// scanCJKDelimiter is parser.ScanDelimiter with the CJK-friendly flanking
// rules.
func scanCJKDelimiter(line []byte, before rune) *parser.Delimiter {
	if len(line) == 0 || (line[0] != '*' && line[0] != '_') {
		return nil
	}
	c := line[0]
	j := 1
	for j < len(line) && line[j] == c {
		j++
	}
	after := ' '
	if j < len(line) {
		after, _ = utf8.DecodeRune(line[j:])
	}
	beforeSpace, afterSpace := util.IsSpaceRune(before), util.IsSpaceRune(after)
	beforePunct, afterPunct := util.IsPunctRune(before), util.IsPunctRune(after)
	beforeCJK, afterCJK := isCJK(before), isCJK(after)
	beforeNonCJKPunct := beforePunct && !beforeCJK
	afterNonCJKPunct := afterPunct && !afterCJK

	left := !afterSpace &&
		(!afterNonCJKPunct || beforeSpace || beforePunct || beforeCJK)
	right := !beforeSpace &&
		(!beforeNonCJKPunct || afterSpace || afterPunct || afterCJK)

	var canOpen, canClose bool
	if c == '_' {
		canOpen = left && (!right || beforePunct)
		canClose = right && (!left || afterPunct)
	} else {
		canOpen, canClose = left, right
	}
	return parser.NewDelimiter(canOpen, canClose, j, c, emphasisProcessor{})
}

// isCJK reports whether r is a CJK character in the sense of the CJK-friendly
// amendments: East Asian Width W, F or H (emoji excluded), or Hangul.
func isCJK(r rune) bool {
	if r < 0x1100 {
		return false
	}
	if unicode.Is(unicode.Hangul, r) {
		return true
	}
	if r >= 0x1F000 && r <= 0x1FAFF { // emoji and pictographs
		return false
	}
	switch util.EastAsianWidth(r) {
	case "W", "F", "H":
		return true
	}
	return false
}

// joinsLines reports whether a soft line break between a and b should vanish
// rather than become a space: Chinese and Japanese are written without spaces,
// so a line break between two of their characters is not a word boundary.
// Korean is written with spaces between words, so a break next to Hangul stays
// a space (goldmark's "Simple" style gets this wrong, and its "CSS3Draft" style
// also joins English lines that end in punctuation, so neither is used).
func joinsLines(a, b rune) bool {
	return isCJK(a) && isCJK(b) && !unicode.Is(unicode.Hangul, a) && !unicode.Is(unicode.Hangul, b)
}

// joinCJKLines clears the soft line break after t when the characters on
// either side of it are Chinese or Japanese.
func joinCJKLines(t *ast.Text, source []byte) {
	v := t.Value(source)
	if len(v) == 0 {
		return
	}
	// The first text after the break, possibly inside emphasis or a link.
	next := t.NextSibling()
	for next != nil && next.Kind() != ast.KindText && next.Type() == ast.TypeInline {
		next = next.FirstChild()
	}
	nt, ok := next.(*ast.Text)
	if !ok {
		return
	}
	nv := nt.Value(source)
	if len(nv) == 0 {
		return
	}
	a, _ := utf8.DecodeLastRune(v)
	b, _ := utf8.DecodeRune(nv)
	if joinsLines(a, b) {
		t.SetSoftLineBreak(false)
	}
}
