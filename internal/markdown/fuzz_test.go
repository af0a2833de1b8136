package markdown

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRender checks, for any input, that the output passes checkHTML: no
// script, iframe or other forbidden element, no event-handler attribute, no
// URL with a scheme other than http, https or mailto (javascript:, data:,
// vbscript: however encoded), every link with rel="nofollow noopener
// noreferrer". It also checks that the output is bounded, that RenderTo agrees
// with Render, and that Plain is plain text within its limit.
func FuzzRender(f *testing.F) {
	for _, c := range renderCases {
		f.Add(c.in)
	}
	for _, c := range xssCases {
		f.Add(c.in)
	}
	for _, p := range pathological {
		f.Add(p.gen(200))
	}
	f.Add("[a](https://example.org) <https://b.example> www.c.example d@e.example")
	f.Add("[x](java\tscript:alert(1)) [y](java\nscript:alert(1)) [z](&#x20;javascript:alert(1))")
	f.Add("[x](https://example.org/?q=javascript:alert(1))")
	f.Add("<img src=x onerror=alert(1)//")
	f.Add("**강조**했다 这是**重要**的 **「日本語」**です")
	f.Fuzz(func(t *testing.T, src string) {
		out := Render(src)
		if err := checkHTML(out); err != nil {
			t.Fatalf("Render(%q) = %q: %v", src, out, err)
		}
		low := strings.ToLower(out)
		if strings.Contains(low, "<script") || strings.Contains(low, "<iframe") {
			t.Fatalf("Render(%q) = %q", src, out)
		}
		if len(out) > 64*len(src)+64<<10 {
			t.Fatalf("Render(%q): %d bytes out", src, len(out))
		}
		var b bytes.Buffer
		if err := RenderTo(&b, src); err != nil || b.String() != out {
			t.Fatalf("RenderTo(%q) = %q, %v; Render = %q", src, b.String(), err, out)
		}
		// bluemonday must have nothing left to remove.
		if again := policy.Sanitize(out); again != out {
			t.Fatalf("Render(%q) = %q, sanitised again %q", src, out, again)
		}

		p := Plain(src, 50)
		if !utf8.ValidString(p) || utf8.RuneCountInString(p) > 50 {
			t.Fatalf("Plain(%q, 50) = %q", src, p)
		}
		for _, r := range p {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("Plain(%q, 50) = %q: control character %U", src, p, r)
			}
		}
		if p != strings.TrimSpace(p) || strings.Contains(p, "  ") {
			t.Fatalf("Plain(%q, 50) = %q: white space not collapsed", src, p)
		}
	})
}
