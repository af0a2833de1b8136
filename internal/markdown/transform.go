package markdown

import (
	"bytes"
	"net/url"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// budget returns how many bytes of link destinations, and how many table
// cells, a document of n bytes may produce. Ordinary documents stay far
// below it (every destination appears in the source at least once); it only
// stops one definition from being referenced thousands of times, or a wide
// table header from padding thousands of short rows.
func budget(n int) int { return 2*n + 4096 }

// safetyTransformer rewrites the AST before rendering: it shifts headings,
// turns images into links, removes links whose URL is not allowed or that
// exceed the amplification budget, marks every link rel="nofollow noopener
// noreferrer", turns task-list checkboxes into text, and joins lines between
// Chinese or Japanese characters.
type safetyTransformer struct{}

type action struct {
	node ast.Node
	kind int
}

const (
	unwrap      = iota // replace the node by its children
	toText             // replace an autolink by its label
	imageToLink        // replace an image by a link with the image's children
	checkbox           // replace a task checkbox by text
)

func (safetyTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	left := budget(len(source))
	var actions []action
	inLink := 0 // number of enclosing links, autolinks and images

	// An iterative walk: the tree can be hundreds of thousands of levels
	// deep, and recursion would need a stack that deep.
	n := ast.Node(doc)
	for n != nil {
		// Entering n.
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+2, 6)
		case *ast.Link:
			cost := len(n.Destination)
			if inLink > 0 || cost > left || !allowedURL(n.Destination) {
				actions = append(actions, action{n, unwrap})
			} else {
				left -= cost
				n.Title = nil // see the package documentation
				n.SetAttributeString("rel", []byte(rel))
			}
			inLink++
		case *ast.Image:
			cost := len(n.Destination)
			if inLink > 0 || cost > left || !allowedURL(n.Destination) {
				actions = append(actions, action{n, unwrap})
			} else {
				left -= cost
				actions = append(actions, action{n, imageToLink})
			}
			inLink++
		case *ast.AutoLink:
			u := n.URL(source)
			if n.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(u), []byte("mailto:")) {
				u = append([]byte("mailto:"), u...)
			}
			if inLink > 0 || !allowedURL(u) {
				actions = append(actions, action{n, toText})
			} else {
				n.SetAttributeString("rel", []byte(rel))
			}
			inLink++
		case *extast.TaskCheckBox:
			actions = append(actions, action{n, checkbox})
		case *ast.Text:
			if n.SoftLineBreak() {
				joinCJKLines(n, source)
			}
		}

		if c := n.FirstChild(); c != nil {
			n = c
			continue
		}
		// Leave n and every ancestor that has no further sibling.
		for n != nil {
			switch n.Kind() {
			case ast.KindLink, ast.KindImage, ast.KindAutoLink:
				inLink--
			}
			if s := n.NextSibling(); s != nil {
				n = s
				break
			}
			n = n.Parent()
		}
	}

	// Apply in reverse document order, so that inner nodes are handled
	// before the nodes that contain them.
	for i := len(actions) - 1; i >= 0; i-- {
		a := actions[i]
		parent := a.node.Parent()
		if parent == nil {
			continue
		}
		switch a.kind {
		case unwrap:
			moveChildrenBefore(a.node, parent)
			parent.RemoveChild(parent, a.node)
		case toText:
			al := a.node.(*ast.AutoLink)
			parent.ReplaceChild(parent, al, ast.NewString(bytes.Clone(al.Label(source))))
		case imageToLink:
			img := a.node.(*ast.Image)
			link := ast.NewLink()
			link.Destination = img.Destination
			link.SetAttributeString("rel", []byte(rel))
			for c := img.FirstChild(); c != nil; c = img.FirstChild() {
				link.AppendChild(link, c) // AppendChild detaches c from img
			}
			if link.ChildCount() == 0 {
				link.AppendChild(link, ast.NewString(img.Destination))
			}
			parent.ReplaceChild(parent, img, link)
		case checkbox:
			mark := "☐ "
			if a.node.(*extast.TaskCheckBox).IsChecked {
				mark = "☑ "
			}
			parent.ReplaceChild(parent, a.node, ast.NewString([]byte(mark)))
		}
	}
}

func moveChildrenBefore(n, parent ast.Node) {
	for c := n.FirstChild(); c != nil; c = n.FirstChild() {
		parent.InsertBefore(parent, n, c) // InsertBefore detaches c from n
	}
}

// allowedURL reports whether dest, a link destination as goldmark parsed it
// (entities decoded), may be a link: an absolute http or https URL with a host,
// or a mailto URL. It judges the string goldmark will actually write.
func allowedURL(dest []byte) bool {
	u := util.URLEscape(dest, true)
	if len(u) == 0 || html.IsDangerousURL(u) {
		return false
	}
	p, err := url.Parse(string(u))
	if err != nil {
		return false
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		return p.Host != "" && p.Opaque == ""
	case "mailto":
		return p.Opaque != ""
	}
	return false
}

// boundedTable is goldmark's GFM table extension without its paragraph
// transformer, which paragraphTransformer runs, with a budget. Without the
// budget a header row of k cells followed by m one-character lines makes k×m
// cells (the table pads every row to the header's width): a few hundred
// kilobytes of input can become gigabytes of AST and HTML.
type boundedTable struct{}

var tableCellsKey = parser.NewContextKey()

func (boundedTable) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithASTTransformers(
			util.Prioritized(extension.NewTableASTTransformer(), 0),
		),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(extension.NewTableHTMLRenderer(
			extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute),
		), 500),
	))
}

// maxParagraphLines is the most lines a paragraph keeps; longer ones are cut
// into paragraphs of this many lines. goldmark looks up the text of a link
// label, a reference or a title by scanning the paragraph's lines from the
// last, so a paragraph of n lines with a "]" on each costs n² ("[a]\n"
// repeated: 2.3 s for 256 KiB).
const maxParagraphLines = 256

// paragraphTransformer runs the paragraph transformers in order: reference
// definitions, then tables (within the cell budget), then cutting what is
// left into paragraphs of at most maxParagraphLines lines.
type paragraphTransformer struct{}

var tableTransformer = boundedTableTransformer{extension.NewTableParagraphTransformer()}

func (paragraphTransformer) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	parser.LinkReferenceParagraphTransformer.Transform(node, reader, pc)
	if node.Parent() == nil {
		return
	}
	tableTransformer.Transform(node, reader, pc)
	if node.Parent() == nil {
		return
	}
	lines := node.Lines()
	if lines.Len() <= maxParagraphLines {
		return
	}
	// Earlier chunks go before node, which keeps the last one: a setext
	// heading underline after the paragraph then takes only that chunk.
	source := reader.Source()
	parent := node.Parent()
	for start := 0; lines.Len()-start > maxParagraphLines; start += maxParagraphLines {
		p := ast.NewParagraph()
		for i := start; i < start+maxParagraphLines; i++ {
			seg := lines.At(i)
			p.Lines().Append(seg.TrimLeftSpace(source))
		}
		last := p.Lines().At(maxParagraphLines - 1)
		p.Lines().Set(maxParagraphLines-1, last.TrimRightSpace(source))
		parent.InsertBefore(parent, node, p)
	}
	lines.SetSliced((lines.Len()-1)/maxParagraphLines*maxParagraphLines, lines.Len())
}

type boundedTableTransformer struct {
	inner parser.ParagraphTransformer
}

func (t boundedTableTransformer) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	if lines.Len() < 2 {
		return
	}
	source := reader.Source()
	// The number of columns is at most the number of cells in the
	// delimiter row, which is at most its '|' count + 1; every line from the
	// header on becomes one row. Charge the worst case over all lines that
	// could be the delimiter row.
	cols := 0
	for i := 1; i < lines.Len(); i++ {
		seg := lines.At(i)
		line := seg.Value(source)
		if looksLikeDelimiterRow(line) {
			cols = max(cols, bytes.Count(line, []byte{'|'})+1)
		}
	}
	if cols == 0 {
		return // not a table; costs nothing
	}
	cost := lines.Len() * cols
	used, _ := pc.Get(tableCellsKey).(int)
	if cost > budget(len(source))-used {
		return // stays a paragraph
	}
	pc.Set(tableCellsKey, used+cost)
	t.inner.Transform(node, reader, pc)
}

// looksLikeDelimiterRow is a superset of goldmark's test for a table delimiter
// row: only spaces, '|', ':' and '-', with at least one '-'.
func looksLikeDelimiterRow(line []byte) bool {
	dash := false
	for _, c := range line {
		switch c {
		case '-':
			dash = true
		case '|', ':', ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			return false
		}
	}
	return dash
}
