// Package markdown converts user-written Markdown to sanitised HTML, and
// nothing else.
//
// Render and RenderTo produce an HTML fragment that is safe to embed in a page;
// Plain produces unformatted text for summaries, feeds and search. Markdown is
// parsed by goldmark (CommonMark + GFM tables, strikethrough, autolinks and task
// lists, + the CJK extension and CJK-friendly emphasis); the AST is then
// rewritten (see below) and the HTML goldmark writes is passed through a
// bluemonday allow-list policy as the very last step, so that bluemonday alone
// guarantees the safety properties even if goldmark or the rewriting had a bug.
//
// What users can and cannot get:
//
//   - Raw HTML is not interpreted: "<b>x</b>" or "<script>" in the input is
//     shown as typed (escaped text), never dropped silently and never markup.
//   - Elements: p, br, hr, blockquote, pre, code, em, strong, del, ul, ol
//     (start), li, h3–h6, table, thead, tbody, tr, th, td (align), a. Nothing
//     else: no script, style, iframe, object, embed, form, input, img, svg.
//   - Attributes: only a[href,rel], ol[start], th/td[align]. No id (DOM
//     clobbering), no class, no style, no event handlers, and no link titles
//     (tooltips add nothing to user content and would be the one attribute
//     carrying free text).
//   - Links: only absolute http and https URLs with a host, and mailto. Anything
//     else (javascript:, vbscript:, data:, relative URLs, URLs that do not
//     parse) loses its link and keeps its text. Every link carries
//     rel="nofollow noopener noreferrer" and no target.
//   - Images: turned into ordinary links to the image URL (text: the alt text,
//     or the URL when there is none), because the pages' CSP (img-src 'self'
//     data:) would block external images anyway and loading them would leak
//     readers' addresses to third parties. An image inside a link becomes its
//     alt text.
//   - Headings are shifted down two levels (# → h3, ## → h4, ### → h5, deeper →
//     h6): pages own h1 and h2.
//   - Task-list items render as "☐ " / "☑ " text instead of <input>.
//   - Chinese and Japanese: a line break between two CJK characters vanishes
//     instead of becoming a space; emphasis next to CJK punctuation works
//     (**「日本語」**です). Korean keeps its spaces.
//   - Fenced code keeps its text (escaped) but not its language class.
//   - Table alignment is an align attribute, not an inline style, so the CSP
//     need not allow inline styles.
//
// Input handling: invalid UTF-8 becomes U+FFFD, CRLF and CR become LF, and
// other ASCII control characters except tab are dropped.
//
// Limits (goldmark alone is quadratic on several inputs, and Markdown can
// amplify): work and output are linear in the size of the input, output at
// most ~50 times it.
//
//   - Reference links cannot multiply a long URL: link destinations are
//     budgeted at about twice the input size; links over budget become text.
//   - GFM tables cannot be padded quadratically: cells are budgeted the same
//     way; a table over budget stays a paragraph.
//   - Paragraphs longer than 256 lines are cut into paragraphs of 256 lines.
//   - Documents on which goldmark would do superlinear work (see expensive),
//     that nest quotes or lists more than 32 deep, or that exceed
//     MaxSourceBytes are not parsed at all but shown as escaped plain text,
//     paragraphs and line breaks kept.
//
// Ordinary documents never come near these limits. Rendering costs about
// 0.2–1.5 µs a byte, so callers should still limit what users can submit and
// render once when content is saved rather than on every view.
//
// This package must never import net/http or database/sql: it is a pure
// function from text to text, usable from handlers, feeds, mail and the CLI.
package markdown

import (
	"bufio"
	"bytes"
	"html"
	"io"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
)

// MaxSourceBytes is the largest input that is parsed as Markdown. Larger
// inputs are shown as plain text (see the package documentation). The limit
// exists so that a mistake in a caller's own size limit cannot turn into
// unbounded parser memory: goldmark allocates up to a few hundred bytes per
// input byte (about 0.5 GB, mostly short-lived, for 1 MiB of "[").
const MaxSourceBytes = 1 << 20

// rel is the rel attribute of every link in the output.
const rel = "nofollow noopener noreferrer"

var (
	md     = newMarkdown()
	policy = newPolicy()
)

func newMarkdown() goldmark.Markdown {
	// goldmark's default parser minus raw HTML (blocks and inline tags) and
	// minus its emphasis parser, which cjkEmphasisParser replaces.
	var blocks, inlines []util.PrioritizedValue
	for _, v := range parser.DefaultBlockParsers() {
		if v.Value != parser.NewHTMLBlockParser() {
			blocks = append(blocks, v)
		}
	}
	for _, v := range parser.DefaultInlineParsers() {
		if v.Value != parser.NewRawHTMLParser() && v.Value != parser.NewEmphasisParser() {
			inlines = append(inlines, v)
		}
	}
	inlines = append(inlines, util.Prioritized(cjkEmphasisParser{}, 500))
	p := parser.NewParser(
		parser.WithBlockParsers(blocks...),
		parser.WithInlineParsers(inlines...),
		// Reference definitions, tables, and cutting long paragraphs.
		parser.WithParagraphTransformers(util.Prioritized(paragraphTransformer{}, 100)),
		parser.WithASTTransformers(util.Prioritized(safetyTransformer{}, 1000)),
		// Deliberately not WithAutoHeadingID or WithAttribute: users
		// must not be able to set id or class attributes.
	)
	return goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithExtensions(
			// extension.GFM, with its table extension replaced by
			// boundedTable.
			extension.Linkify,
			extension.Strikethrough,
			extension.TaskList,
			boundedTable{},
			// The CJK extension for "\ " (an escaped space that renders
			// as nothing). Its line-break styles are not used (see
			// joinsLines); safetyTransformer joins lines instead.
			extension.NewCJK(extension.WithEscapedSpace()),
		),
		// Deliberately not html.WithUnsafe(). With the raw HTML parsers
		// removed this never matters: HTML in the input is plain text.
	)
}

func newPolicy() *bluemonday.Policy {
	// Built from an empty policy rather than from bluemonday.UGCPolicy(),
	// because bluemonday policies can only be extended, never narrowed, and
	// the UGC policy allows id, lang, dir, img, relative URLs and dozens of
	// elements goldmark never produces. This is the UGC policy restricted to
	// exactly what our goldmark configuration emits.
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"p", "br", "hr", "blockquote", "pre", "code",
		"em", "strong", "del",
		"ul", "ol", "li",
		"h3", "h4", "h5", "h6",
		"table", "thead", "tbody", "tr", "th", "td",
	)
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,9}$`)).OnElements("ol")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|center|right)$`)).OnElements("th", "td")

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + rel + `$`)).OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(false)
	p.RequireParseableURLs(true)
	// Backstops: our links already carry rel="nofollow noopener
	// noreferrer", which satisfies both, so bluemonday leaves it unchanged.
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	return p
}

// Render converts Markdown to HTML that is safe to embed in a page: goldmark
// with GFM (tables, strikethrough, autolinks, task lists) and the CJK extension
// (so Korean/Chinese/Japanese emphasis and line breaks work), raw HTML off, then
// bluemonday (UGC policy, tightened) run last. See the package documentation
// for exactly what survives.
func Render(src string) string {
	var b strings.Builder
	_ = RenderTo(&b, src) // a strings.Builder never fails
	return b.String()
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// RenderTo writes the same HTML as Render to w (for large bodies). The only
// errors are those returned by w.
func RenderTo(w io.Writer, src string) error {
	src = cleanInput(src)
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bufPool.Put(buf)
		}
	}()
	if !parseable(src) {
		writePlainHTML(buf, src)
	} else if err := md.Convert([]byte(src), buf); err != nil {
		// goldmark's renderers only fail when the writer fails, and a
		// bytes.Buffer does not; be safe regardless.
		buf.Reset()
		writePlainHTML(buf, src)
	}
	// Numeric character references such as &#1; are decoded by goldmark
	// into raw control characters; drop them like the raw ones in the input.
	b := dropControls(buf.Bytes())
	bw := bufio.NewWriterSize(w, 32<<10)
	if err := policy.SanitizeReaderToWriter(bytes.NewReader(b), bw); err != nil {
		return err
	}
	return bw.Flush()
}

// parseable reports whether src may be given to goldmark: not too large, and
// not one of the inputs on which goldmark does superlinear work.
func parseable(src string) bool {
	return len(src) <= MaxSourceBytes && !expensive(src)
}

// writePlainHTML writes src as escaped text: paragraphs at blank lines, line
// breaks kept. It is how documents that are not parsed are shown.
func writePlainHTML(buf *bytes.Buffer, src string) {
	inPara := false
	for line := range strings.Lines(src) {
		line = strings.TrimRight(line, "\r\n")
		if strings.TrimSpace(line) == "" {
			if inPara {
				buf.WriteString("</p>\n")
				inPara = false
			}
			continue
		}
		if inPara {
			buf.WriteString("<br>\n")
		} else {
			buf.WriteString("<p>")
			inPara = true
		}
		buf.WriteString(html.EscapeString(line))
	}
	if inPara {
		buf.WriteString("</p>\n")
	}
}

// cleanInput makes src valid UTF-8, turns CRLF and CR line endings into LF
// (so that the guard and goldmark agree on what a line is), and removes ASCII
// control characters other than tab and LF.
func cleanInput(src string) string {
	if !utf8.ValidString(src) {
		src = strings.ToValidUTF8(src, "\uFFFD")
	}
	if strings.IndexByte(src, '\r') >= 0 {
		src = strings.ReplaceAll(src, "\r\n", "\n")
		src = strings.ReplaceAll(src, "\r", "\n")
	}
	for i := 0; i < len(src); i++ {
		if isDroppedControl(src[i]) {
			return strings.Map(func(r rune) rune {
				if r < 0x80 && isDroppedControl(byte(r)) {
					return -1
				}
				return r
			}, src)
		}
	}
	return src
}

func isDroppedControl(c byte) bool {
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f
}

// dropControls removes dropped control characters from b in place. Bytes below
// 0x80 are always whole characters in UTF-8, so this cannot split a rune.
func dropControls(b []byte) []byte {
	out := b[:0]
	for _, c := range b {
		if !isDroppedControl(c) {
			out = append(out, c)
		}
	}
	return out
}
