package markdown

import (
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// goldmark, like most Markdown parsers, has inputs on which it does
// quadratic work; measured here with 64 KiB inputs: "[](" repeated 4 s,
// "[a](<b" 0.4 s, "*a_ " 1.4 s, ">" repeated 5 s, "> " repeated 2.3 s,
// "1. " repeated 1.3 s, "> - " repeated 2.4 s, nested "[[[…]]]" 0.45 s;
// consecutive reference definitions, e.g. "[a]: b\n" repeated, and backtick
// runs of growing length also grow quadratically. Each takes minutes at
// 1 MiB. (Work quadratic in a paragraph's line count, such as "[a]\n"
// repeated, is bounded by cutting paragraphs instead: see maxParagraphLines.)
//
// expensive estimates, in one linear pass, an upper bound on that extra work,
// and reports whether it is too much (or the nesting too deep) to parse src.
// Such documents are shown as plain text instead (renderPlainHTML). The
// estimates are deliberately pessimistic, but ordinary documents, even large
// ones, stay far below the budget: their cost is roughly the length of their
// links, code spans and emphasis, i.e. linear.
//
// Each estimate follows one of goldmark's superlinear paths:
//
//   - "](": the link destination scan runs to the next white space (or to
//     ">" for "<…>" destinations), then a title scan to its closing quote;
//     when the link fails, the next "](" scans the same text again.
//   - "]": closing a link label walks the label's contents; nested labels
//     overlap.
//   - backtick runs: an unmatched run scans to the end of the paragraph for
//     a run of the same length.
//   - emphasis and strikethrough runs: each closer scans back over all
//     unmatched openers.
//   - reference definitions: each definition in a paragraph re-slices the
//     remaining lines.
//   - container nesting (block quotes and lists): every line is matched
//     against every open container, and the nesting on one line costs its
//     square.
//
// Content of top-level fenced code blocks is skipped: goldmark does not parse
// it, and large code listings would otherwise look expensive.
func expensive(src string) bool {
	g := guard{src: src, limit: 32*len(src) + 1<<22}
	return g.run()
}

// maxNesting is the deepest container nesting (quotes and lists) parsed.
const maxNesting = 32

type guard struct {
	src   string
	cost  int
	limit int

	// per paragraph (run of non-blank lines)
	brackets  []int32        // positions of unclosed '['
	ticks     map[int][2]int // backtick run length -> {count, sum of positions} of unmatched runs
	openers   map[byte]int   // unmatched emphasis openers by character
	opened    int            // sum of openers
	lines     int            // lines in the paragraph
	refLines  int            // lines that may be reference definitions
	nextCache [5]struct{ from, at int }
}

const (
	classSpace = iota // ' ', '\t', '\n', '\r', '\v', '\f'
	classGT           // '>' or '\n'
	classDQuote
	classSQuote
	classRParen
)

func (g *guard) run() bool {
	src := g.src
	fence := byte(0)
	fenceLen := 0
	for start := 0; start < len(src); {
		end := start
		for end < len(src) && src[end] != '\n' {
			end++
		}
		next := end + 1
		line := src[start:end]

		if fence != 0 {
			if closesFence(line, fence, fenceLen) {
				fence = 0
			}
			start = next
			continue
		}
		if c, n, ok := opensFence(line); ok {
			g.endParagraph(start)
			fence, fenceLen = c, n
			start = next
			continue
		}
		if isBlank(line) {
			g.endParagraph(start)
			start = next
			continue
		}

		depth, content := nesting(src, start, end)
		if depth > maxNesting {
			return true
		}
		g.lines++
		if mayDefineReference(src[content:end]) {
			g.refLines++
		}
		g.scanInline(start, end)
		if g.cost > g.limit {
			return true
		}
		start = next
	}
	g.endParagraph(len(src))
	return g.cost > g.limit
}

func (g *guard) endParagraph(pos int) {
	for _, v := range g.ticks {
		g.cost += v[0]*pos - v[1]
	}
	clear(g.ticks)
	clear(g.openers)
	g.opened = 0
	g.brackets = g.brackets[:0]
	g.cost += g.lines * g.refLines
	g.lines, g.refLines = 0, 0
}

// scanInline adds the estimated cost of the inline constructs on src[start:end].
func (g *guard) scanInline(start, end int) {
	src := g.src
	for i := start; i < end; i++ {
		switch c := src[i]; c {
		case '\\':
			if i+1 < end && util.IsPunct(src[i+1]) {
				i++
			}
		case '[':
			g.brackets = append(g.brackets, int32(i))
		case ']':
			if n := len(g.brackets); n > 0 {
				g.cost += i - int(g.brackets[n-1])
				g.brackets = g.brackets[:n-1]
			}
			if i+1 < end && src[i+1] == '(' {
				g.cost += g.linkTail(i + 2)
			}
		case '`':
			j := i
			for j < end && src[j] == '`' {
				j++
			}
			n := j - i
			if g.ticks == nil {
				g.ticks = map[int][2]int{}
			}
			if v, ok := g.ticks[n]; ok {
				g.cost += v[0]*i - v[1]
				delete(g.ticks, n)
			} else {
				g.ticks[n] = [2]int{1, i}
			}
			i = j - 1
		case '*', '_', '~':
			j := i
			for j < end && src[j] == c {
				j++
			}
			before := ' '
			if i > 0 {
				before, _ = utf8.DecodeLastRuneInString(src[:i])
			}
			after := ' '
			if j < end {
				after, _ = utf8.DecodeRuneInString(src[j:])
			}
			canOpen, canClose := flanking(c, before, after)
			if g.openers == nil {
				g.openers = map[byte]int{}
			}
			if canClose {
				g.cost += g.opened + 1
				if g.openers[c] > 0 {
					g.openers[c]--
					g.opened--
					canOpen = false
				}
			}
			if canOpen {
				g.openers[c]++
				g.opened++
			}
			i = j - 1
		}
	}
}

// linkTail estimates the work of parsing "(destination title)" starting at i,
// just after "](".
func (g *guard) linkTail(i int) int {
	src := g.src
	p := skipSpace(src, i)
	if p >= len(src) {
		return p - i
	}
	var q int
	if src[p] == '<' {
		q = g.next(classGT, p+1)
	} else {
		q = g.next(classSpace, p)
	}
	cost := q - i + 1
	r := skipSpace(src, q)
	if r < len(src) {
		class := -1
		switch src[r] {
		case '"':
			class = classDQuote
		case '\'':
			class = classSQuote
		case '(':
			class = classRParen
		}
		if class >= 0 {
			cost += g.next(class, r+1) - r
		}
	}
	return cost
}

// next returns the position of the first byte of the class at or after i, or
// len(src). Queries move forward through the text, so a cache of the last
// answer keeps the total scanning linear.
func (g *guard) next(class, i int) int {
	c := &g.nextCache[class]
	if c.at > 0 && c.from <= i && i <= c.at {
		return c.at
	}
	j := i
	for j < len(g.src) && !inClass(class, g.src[j]) {
		j++
	}
	c.from, c.at = i, j
	return j
}

func inClass(class int, b byte) bool {
	switch class {
	case classSpace:
		return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
	case classGT:
		return b == '>' || b == '\n'
	case classDQuote:
		return b == '"'
	case classSQuote:
		return b == '\''
	default:
		return b == ')'
	}
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// nesting returns an upper bound on the container depth that the line
// src[start:end] opens (block quote markers, list markers, and indentation
// before them at two columns a level) and the position after those markers.
func nesting(src string, start, end int) (depth, content int) {
	i, col, markers, indent := start, 0, 0, 0
	for {
		for i < end && (src[i] == ' ' || src[i] == '\t') {
			if src[i] == '\t' {
				col += 4 - col%4
			} else {
				col++
			}
			i++
		}
		if markers == 0 {
			indent = col
		}
		if i >= end {
			break
		}
		c := src[i]
		if c == '>' {
			markers++
			i++
			col++
			continue
		}
		if (c == '-' || c == '+' || c == '*') && (i+1 == end || src[i+1] == ' ' || src[i+1] == '\t') {
			markers++
			i++
			col++
			continue
		}
		if c >= '0' && c <= '9' {
			j := i
			for j < end && j-i < 9 && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			if j < end && (src[j] == '.' || src[j] == ')') && (j+1 == end || src[j+1] == ' ' || src[j+1] == '\t') {
				markers++
				col += j + 1 - i
				i = j + 1
				continue
			}
		}
		break
	}
	if markers == 0 {
		return 0, i
	}
	return markers + indent/2, i
}

// mayDefineReference reports whether line (after container markers) may start
// a link reference definition: up to three spaces, "[", a label, "]:".
func mayDefineReference(line string) bool {
	i := 0
	for i < len(line) && i < 3 && line[i] == ' ' {
		i++
	}
	if i >= len(line) || line[i] != '[' {
		return false
	}
	for i++; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case ']':
			return i+1 < len(line) && line[i+1] == ':'
		}
	}
	// The label may continue on the next line.
	return true
}

func isBlank(line string) bool {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ', '\t', '\r', '\v', '\f':
		default:
			return false
		}
	}
	return true
}

// opensFence reports whether line, unindented, opens a fenced code block at
// the top level. Only unindented fences are recognised, so that a fence inside
// a container (which ends with its container) is never mistaken for one that
// runs to its closing fence; those are simply not skipped.
func opensFence(line string) (byte, int, bool) {
	if len(line) < 3 || (line[0] != '`' && line[0] != '~') {
		return 0, 0, false
	}
	c := line[0]
	n := 0
	for n < len(line) && line[n] == c {
		n++
	}
	if n < 3 {
		return 0, 0, false
	}
	if c == '`' {
		for i := n; i < len(line); i++ {
			if line[i] == '`' {
				return 0, 0, false
			}
		}
	}
	return c, n, true
}

// closesFence reports whether line closes a fence of n characters c.
func closesFence(line string, c byte, n int) bool {
	i := 0
	for i < len(line) && i < 3 && line[i] == ' ' {
		i++
	}
	j := i
	for j < len(line) && line[j] == c {
		j++
	}
	return j-i >= n && isBlank(line[j:])
}

// flanking applies the CJK-friendly emphasis rules of scanCJKDelimiter (for
// '~' as for '*').
func flanking(c byte, before, after rune) (canOpen, canClose bool) {
	beforeSpace, afterSpace := util.IsSpaceRune(before), util.IsSpaceRune(after)
	beforePunct, afterPunct := util.IsPunctRune(before), util.IsPunctRune(after)
	beforeCJK, afterCJK := isCJK(before), isCJK(after)
	beforeNonCJKPunct := beforePunct && !beforeCJK
	afterNonCJKPunct := afterPunct && !afterCJK

	left := !afterSpace &&
		(!afterNonCJKPunct || beforeSpace || beforePunct || beforeCJK)
	right := !beforeSpace &&
		(!beforeNonCJKPunct || afterSpace || afterPunct || afterCJK)
	if c == '_' {
		return left && (!right || beforePunct), right && (!left || afterPunct)
	}
	return left, right
}
