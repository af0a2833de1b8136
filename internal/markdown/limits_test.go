package markdown

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
)

func repeat(s string, n int) string { return strings.Repeat(s, max(n/len(s), 1)) }

// pathological inputs of about n bytes: the classic ones (cmark's
// pathological tests, marked's and markdown-it's DoS reports) and the ones
// found against goldmark here. The first group are quadratic in goldmark
// without the guard (see guard.go); the rest are linear but heavy.
var pathological = []struct {
	name string
	gen  func(n int) string
}{
	// Quadratic in goldmark; flagged by the guard and shown as text.
	{"link openers [](", func(n int) string { return repeat("[](", n) }},
	{"unclosed links [a](b", func(n int) string { return repeat("[a](b", n) }},
	{"unclosed links [a](<b", func(n int) string { return repeat("[a](<b", n) }},
	{"unclosed images ![a](", func(n int) string { return repeat("![a](", n) }},
	{"nested brackets", func(n int) string { return repeat("[", n/2) + repeat("]", n/2) }},
	{"emphasis mismatch *a_", func(n int) string { return repeat("*a_ ", n) }},
	{"emphasis mismatch lines", func(n int) string { return repeat("*a_\n", n) }},
	{"nested quotes on one line", func(n int) string { return repeat(">", n) }},
	{"nested quotes with spaces", func(n int) string { return repeat("> ", n) }},
	{"nested ordered lists", func(n int) string { return repeat("1. ", n) }},
	{"nested quotes and lists", func(n int) string { return repeat("> - ", n) }},
	{"deeply indented lists", func(n int) string {
		var b strings.Builder
		for i := 0; b.Len() < n; i++ {
			b.WriteString(strings.Repeat("  ", i))
			b.WriteString("- a\n")
		}
		return b.String()
	}},
	{"reference definitions", func(n int) string { return repeat("[a]: b\n", n) }},
	{"backtick runs", func(n int) string {
		var b strings.Builder
		for i := 1; b.Len() < n; i++ {
			b.WriteString("e")
			b.WriteString(strings.Repeat("`", i))
		}
		return b.String()
	}},

	// Quadratic in the number of lines of a paragraph in goldmark; bounded
	// by cutting paragraphs at maxParagraphLines lines.
	{"unclosed titles", func(n int) string { return repeat("[a](b \"\n", n) }},
	{"shortcut references", func(n int) string { return repeat("[a]\n", n) }},
	{"image shortcut references", func(n int) string { return repeat("![a]\n", n) }},
	{"full references", func(n int) string { return repeat("[a][b]\n", n) }},

	// Linear; the first five at full size, the rest, which take up to ~1.5 µs
	// a byte, at a quarter of it to keep the test quick.
	{"1 MB of *", func(n int) string { return repeat("*", n) }},
	{"1 MB of _", func(n int) string { return repeat("_", n) }},
	{"unclosed [", func(n int) string { return repeat("[", n) }},
	{"unclosed [a", func(n int) string { return repeat("[a", n) }},
	{"unmatched ]", func(n int) string { return repeat("]", n) }},
	{"unclosed ![", func(n int) string { return repeat("![", n) }},
	{"unclosed (", func(n int) string { return "[a](" + repeat("(", n) }},
	{"emphasis openers", func(n int) string { return repeat("_a ", n) }},
	{"emphasis closers", func(n int) string { return repeat("a_ ", n) }},
	{"nested emphasis", func(n int) string { return repeat("*a ", n/2) + repeat(" a*", n/2) }},
	{"alternating *_", func(n int) string { return repeat("*_", n) }},
	{"rule of three", func(n int) string { return repeat("a**b c* ", n) }},
	{"strikethrough", func(n int) string { return repeat("~~a", n) }},
	{"<", func(n int) string { return repeat("<", n) }},
	{"autolink-ish <a:", func(n int) string { return repeat("<a:", n) }},
	{"backticks", func(n int) string { return repeat("`", n) }},
	{"list items", func(n int) string { return repeat("- a\n", n) }},
	{"lazy quote continuation", func(n int) string { return strings.Repeat(">", 30) + " a\n" + repeat("b\n", n) }},
	{"table padding", func(n int) string {
		return "|" + strings.Repeat("a|", 5000) + "\n|" + strings.Repeat("-|", 5000) + "\n" + repeat("a\n", n-20000)
	}},
	{"wide table", func(n int) string { return "|" + repeat("a|", n/2) + "\n|" + repeat("-|", n/2) + "\n" }},
	{"reference amplification", func(n int) string {
		return "[a]: https://example.org/" + strings.Repeat("b", n/2) + "\n\n" + repeat("[a]", n/2)
	}},
	{"image reference amplification", func(n int) string {
		return "[a]: https://example.org/" + strings.Repeat("b", n/2) + "\n\n" + repeat("![a]", n/2)
	}},
	{"linkify", func(n int) string { return repeat("www.a.b ", n) }},
	{"emails", func(n int) string { return repeat("a@b.c ", n) }},
	{"entities", func(n int) string { return repeat("&#x41;&", n) }},
	{"hard breaks", func(n int) string { return repeat("a  \n", n) }},
	{"headings", func(n int) string { return repeat("# a\n", n) }},
	{"unclosed fence", func(n int) string { return "```\n" + repeat("a\n", n) }},
	{"tasks", func(n int) string { return repeat("- [x] a\n", n) }},
	{"mixed", func(n int) string { return repeat("*_[`<![~", n) }},
	{"CJK", func(n int) string { return repeat("**「日本語」**です\n", n) }},
}

// Render must finish in time proportional to its input and produce bounded
// output, whatever the input.
func TestPathological(t *testing.T) {
	deadline := 20 * time.Second
	if raceEnabled {
		deadline *= 5
	}
	for i, p := range pathological {
		n := MaxSourceBytes - 64 // just under the limit, so that everything is parsed
		if i >= 23 {
			n /= 4
		}
		if raceEnabled { // ~10 times slower; this run is about data races
			n /= 4
			if i >= 18 {
				n /= 4
			}
		}
		t.Run(p.name, func(t *testing.T) {
			src := p.gen(n)
			done := make(chan string, 1)
			start := time.Now()
			go func() { done <- Render(src) }()
			select {
			case out := <-done:
				if len(out) > 64*len(src)+64<<10 {
					t.Errorf("%d bytes in, %d bytes out", len(src), len(out))
				}
				if err := checkHTML(out); err != nil {
					t.Error(err)
				}
				t.Logf("%d bytes in %v, %d bytes out", len(src), time.Since(start).Round(time.Millisecond), len(out))
			case <-time.After(deadline):
				t.Fatalf("%d bytes: not done after %v", len(src), deadline)
			}
		})
	}
}

// The guard, not luck, keeps the quadratic cases fast: it must flag them
// already at 64 KiB, where goldmark takes 0.1–5 s on each.
func TestGuardFlagsQuadraticInputs(t *testing.T) {
	for _, p := range pathological[:14] {
		if src := p.gen(64 << 10); !expensive(src) {
			t.Errorf("%s: not flagged", p.name)
		}
		// goldmark also ends lines at CR; the guard must see the same lines.
		if src := strings.ReplaceAll(p.gen(64<<10), "\n", "\r"); parseable(cleanInput(src)) {
			t.Errorf("%s with CR line endings: not flagged", p.name)
		}
	}
}

// Ordinary documents, however large, must be parsed.
func TestGuardAcceptsOrdinaryDocuments(t *testing.T) {
	doc := ordinaryDocument(MaxSourceBytes - 4096)
	if expensive(doc) {
		g := guard{src: doc, limit: 32*len(doc) + 1<<22}
		g.run()
		t.Fatalf("ordinary %d-byte document flagged: cost %d, limit %d", len(doc), g.cost, g.limit)
	}
	out := Render(doc)
	if strings.Count(out, "<table>") < 10 || strings.Count(out, "<a href") < 100 || strings.Count(out, "<strong>") < 100 {
		t.Errorf("ordinary document not rendered as Markdown: %.300q", out)
	}

	// Large single blocks.
	var tasks, table, links, defs strings.Builder
	table.WriteString("| Item | Note |\n|---|---|\n")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&tasks, "- [x] task %d\n", i)
		fmt.Fprintf(&table, "| **item %d** | [see](https://example.org/%d) `code_%d` |\n", i, i, i)
		fmt.Fprintf(&links, "[link %d](https://example.org/%d) and *more*, ", i, i)
		if i < 1000 {
			fmt.Fprintf(&defs, "[ref%d]: https://example.org/%d\n", i, i)
		}
	}
	for name, doc := range map[string]string{
		"20,000 tasks":                tasks.String(),
		"20,000-row table":            table.String(),
		"20,000 links in a paragraph": links.String(),
		"1,000 reference definitions": defs.String(),
		"fenced code":                 "```c\n" + strings.Repeat("char* s = *p[i] * 2; /* a_b */ f(x)[y](z);\n", 20000) + "```\n",
	} {
		if expensive(doc) {
			t.Errorf("%s flagged", name)
		}
	}

	// The CommonMark spec examples, from goldmark's module, where present.
	if ex := specExamples(t); ex != nil {
		var all strings.Builder
		for _, e := range ex {
			if expensive(e.Markdown) {
				t.Errorf("spec example %d flagged: %q", e.Example, e.Markdown)
			}
			all.WriteString(e.Markdown)
			all.WriteString("\n\n")
		}
		if expensive(all.String()) {
			t.Errorf("all spec examples together flagged")
		}
	}
}

// ordinaryDocument returns about n bytes of realistic Markdown: sections with
// headings, paragraphs in four languages, lists, tables, code, quotes and
// links, repeated.
func ordinaryDocument(n int) string {
	section := `## Section %d: budget and supplies

The council **approved** the *draft* budget for district %d on 2027-03-%02d. See
[the plan](https://example.org/plans/%d) and <https://example.org/minutes/%d>, or
write to office@example.org. Items marked ~~cancelled~~ were moved to next year;
snake_case_names and 5 * 3 * 2 = 30 are not emphasis.

서울시 **예산안**이 통과되었습니다. 자세한 내용은 [여기](https://example.org/ko/%d)를
참고하십시오. 这是**重要**的通知（请注意）。**「日本語」**の資料もあります。

- [x] order masks
- [ ] order gloves
  - nitrile, size M
  - nitrile, size L
1. first step
2. second step

> Quoted from the minutes:
> the **pledge** was confirmed.

| Item | Qty | Unit price |
|:-----|----:|-----------:|
| Masks | 1,000 | 0.50 |
| Gloves | 250 | 0.20 |
| Gowns | 40 | 3.10 |

` + "```go\nfunc total(items []Item) (sum int) {\n\tfor _, it := range items {\n\t\tsum += it.Qty * it.Price // *pointer* [x](y\n\t}\n\treturn\n}\n```\n\n"
	var b strings.Builder
	for i := 1; b.Len() < n; i++ {
		fmt.Fprintf(&b, section, i, i, i%28+1, i, i, i)
	}
	return b.String()[:n]
}

type specExample struct {
	Markdown string
	HTML     string
	Example  int
}

// specExamples returns the CommonMark spec examples shipped with goldmark's
// module (in the module cache), or nil when they cannot be found.
func specExamples(t *testing.T) []specExample {
	t.Helper()
	out, err := goList(t, "-m", "-f", "{{.Dir}}", "github.com/yuin/goldmark")
	if err != nil {
		t.Logf("go list -m github.com/yuin/goldmark: %v", err)
		return nil
	}
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(out), "_test", "spec.json"))
	if err != nil {
		t.Logf("CommonMark spec examples not found: %v", err)
		return nil
	}
	var ex []specExample
	if err := json.Unmarshal(data, &ex); err != nil {
		t.Fatal(err)
	}
	return ex
}

// The CJK-friendly emphasis parser must parse every CommonMark spec example
// exactly as goldmark's own emphasis parser does.
func TestCJKEmphasisIsCommonMarkOutsideCJK(t *testing.T) {
	ex := specExamples(t)
	if ex == nil {
		t.Skip("CommonMark spec examples not available")
	}
	var inlines []util.PrioritizedValue
	for _, v := range parser.DefaultInlineParsers() {
		if v.Value != parser.NewEmphasisParser() {
			inlines = append(inlines, v)
		}
	}
	inlines = append(inlines, util.Prioritized(cjkEmphasisParser{}, 500))
	ours := goldmark.New(goldmark.WithParser(parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(inlines...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)))
	theirs := goldmark.New()
	for _, e := range ex {
		var a, b bytes.Buffer
		if err := ours.Convert([]byte(e.Markdown), &a); err != nil {
			t.Fatal(err)
		}
		if err := theirs.Convert([]byte(e.Markdown), &b); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Errorf("spec example %d: %q\n ours   %q\n theirs %q", e.Example, e.Markdown, a.String(), b.String())
		}
	}
}

func TestTableCellBudget(t *testing.T) {
	// 2,000 columns and 2,000 one-character rows would be 4 million cells.
	src := "|" + strings.Repeat("a|", 2000) + "\n|" + strings.Repeat("-|", 2000) + "\n" + strings.Repeat("x\n", 2000)
	out := Render(src)
	if strings.Contains(out, "<table>") || len(out) > 4*len(src) {
		t.Errorf("%d bytes in, %d bytes out, table: %v", len(src), len(out), strings.Contains(out, "<table>"))
	}
	// An ordinary table is still a table.
	if out := Render("| a | b |\n|---|---|\n| 1 | 2 |"); !strings.Contains(out, "<table>") {
		t.Errorf("ordinary table: %q", out)
	}
}

func TestLinkDestinationBudget(t *testing.T) {
	url := "https://example.org/" + strings.Repeat("b", 10000)
	src := "[a]: " + url + "\n\n" + strings.Repeat("[a] ", 1000)
	out := Render(src)
	if n := strings.Count(out, "<a href"); n < 1 || n > 3 {
		t.Errorf("%d links out of 1000 uses of a %d-byte URL", n, len(url))
	}
	if len(out) > 4*len(src) {
		t.Errorf("%d bytes in, %d bytes out", len(src), len(out))
	}
	// The same links, each written out, are all kept.
	src = strings.Repeat("[a]("+url+") ", 50)
	if n := strings.Count(Render(src), "<a href"); n != 50 {
		t.Errorf("%d of 50 inline links kept", n)
	}
}

func TestTooLargeOrTooExpensiveIsPlainText(t *testing.T) {
	big := strings.Repeat("**a** <b>\n", MaxSourceBytes/10+1)
	out := Render(big)
	if !strings.HasPrefix(out, "<p>**a** &lt;b&gt;<br>\n**a**") {
		t.Errorf("oversized input: %.100q", out)
	}
	if got, want := Render("*a_ x\n\n"+repeat("[](", 1<<17)+"\n\nsecond"), "<p>*a_ x</p>\n<p>"+repeat("[](", 1<<17)+"</p>\n<p>second</p>\n"; got != want {
		t.Errorf("expensive input: %.100q", got)
	}
	if got := Plain(repeat("[](", 1<<17), 10); got != "[]([]([](…" {
		t.Errorf("Plain of expensive input: %q", got)
	}
}

func TestLongParagraphsAreCut(t *testing.T) {
	src := strings.Repeat("word [a] *b*\n", 600)
	out := Render(src)
	if n := strings.Count(out, "<p>"); n != 3 {
		t.Errorf("600-line paragraph: %d paragraphs, want 3", n)
	}
	if n := strings.Count(out, "<em>b</em>"); n != 600 {
		t.Errorf("600-line paragraph: %d emphasised words, want 600", n)
	}
	if strings.Contains(out, "\n word") {
		t.Errorf("cut paragraphs keep leading spaces: %.200q", out)
	}
	// The last chunk is the one a setext underline makes a heading.
	out = Render(strings.Repeat("line\n", 300) + "===\n")
	if !strings.HasSuffix(out, "</p>\n<h3>"+strings.TrimSuffix(strings.Repeat("line\n", 300-256), "\n")+"</h3>\n") {
		t.Errorf("setext heading after a long paragraph: ...%q", out[max(0, len(out)-300):])
	}
	// Tables and reference definitions are not cut.
	var table, defs, uses strings.Builder
	table.WriteString("| a | b |\n|---|---|\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&table, "| %d | [x](https://example.org/%d) |\n", i, i)
		fmt.Fprintf(&defs, "[r%d]: https://example.org/%d\n", i, i)
		fmt.Fprintf(&uses, "[r%d] ", i)
	}
	if out := Render(table.String()); strings.Count(out, "<tr>") != 1001 || strings.Count(out, "<table>") != 1 {
		t.Errorf("1000-row table: %d rows, %d tables", strings.Count(out, "<tr>"), strings.Count(out, "<table>"))
	}
	if out := Render(uses.String() + "\n\n" + defs.String()); strings.Count(out, "<a href") != 1000 {
		t.Errorf("1000 reference definitions: %d links", strings.Count(out, "<a href"))
	}
}
