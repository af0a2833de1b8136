package practice_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/citypact/citypact/internal/markdown"
	"github.com/citypact/citypact/internal/practice"
)

// Practice bodies and translations are Markdown rendered by internal/markdown. The bad inputs of
// the issue (script in Markdown, javascript: links) must come out inert; this checks the
// renderer does that for the bodies this package accepts, so a change on either side shows.
func TestBodiesRenderInert(t *testing.T) {
	bodies := []string{
		"<script>alert(1)</script>",
		"Intro\n\n<script src=https://evil.example/x.js></script>",
		"[call us](javascript:alert(1))",
		"[call us](JaVaScRiPt:alert(1))",
		"[call us](java\tscript:alert(1))",
		"[x](&#106;avascript:alert(1))",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"[x](vbscript:msgbox(1))",
		"![img](javascript:alert(1))",
		"<img src=x onerror=alert(1)>",
		"<a href=\"javascript:alert(1)\">x</a>",
		"[ref]\n\n[ref]: javascript:alert(1)",
		"<svg onload=alert(1)>",
		"<iframe src=https://evil.example></iframe>",
	}
	// The check below does see links: an ordinary one comes through.
	if out := markdown.Render("[WHO](https://www.who.int/)"); !strings.Contains(out, `<a href="https://www.who.int/"`) {
		t.Fatalf("an ordinary link rendered as %q", out)
	}
	for _, b := range bodies {
		p := practice.Practice{OwnerID: 1, Title: "t", Body: b, Lang: "en", Status: practice.Draft}
		if err := p.Validate(practice.Choices{}); err != nil {
			t.Fatalf("%q not accepted as a draft body: %v", b, err)
		}
		out := markdown.Render(p.Body)
		z := html.NewTokenizer(strings.NewReader(out))
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			tok := z.Token()
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			switch tok.Data {
			case "script", "img", "svg", "iframe", "object", "embed", "style":
				t.Errorf("%q rendered a <%s>: %q", b, tok.Data, out)
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || a.Key == "src" || a.Key == "style" ||
					(a.Key == "href" && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "mailto:")) {
					t.Errorf("%q rendered %s=%q: %q", b, a.Key, a.Val, out)
				}
			}
		}
	}
}
