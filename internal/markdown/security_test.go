package markdown

import (
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// xssCases are the classic vectors of the OWASP XSS filter evasion cheat
// sheet, written as a user would type them into a Markdown field, with the
// exact output.
var xssCases = []struct{ in, want string }{
	// Raw HTML is never markup: it is shown as typed.
	{"<script>alert(1)</script>",
		"<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
	{"<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
		"<p>&lt;SCRIPT SRC=https://evil.example/xss.js&gt;&lt;/SCRIPT&gt;</p>\n"},
	{"<img src=x onerror=alert(1)>",
		"<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"},
	{"<svg onload=alert(1)>",
		"<p>&lt;svg onload=alert(1)&gt;</p>\n"},
	{"<svg/onload=alert(1)>",
		"<p>&lt;svg/onload=alert(1)&gt;</p>\n"},
	{"<iframe src=\"https://evil.example\"></iframe>",
		"<p>&lt;iframe src=&#34;https://evil.example&#34;&gt;&lt;/iframe&gt;</p>\n"},
	{"<style>body{display:none}</style>",
		"<p>&lt;style&gt;body{display:none}&lt;/style&gt;</p>\n"},
	{"<object data=\"x.swf\"></object><embed src=\"x.swf\">",
		"<p>&lt;object data=&#34;x.swf&#34;&gt;&lt;/object&gt;&lt;embed src=&#34;x.swf&#34;&gt;</p>\n"},
	{"<form action=\"https://evil.example\"><input name=\"p\"></form>",
		"<p>&lt;form action=&#34;https://evil.example&#34;&gt;&lt;input name=&#34;p&#34;&gt;&lt;/form&gt;</p>\n"},
	{"<a href=\"javascript:alert(1)\">raw html</a>",
		"<p>&lt;a href=&#34;javascript:alert(1)&#34;&gt;raw html&lt;/a&gt;</p>\n"},
	{"<a href=\"https://example.org\" onclick=\"alert(1)\">raw html</a>",
		"<p>&lt;a href=&#34;https://example.org&#34; onclick=&#34;alert(1)&#34;&gt;raw html&lt;/a&gt;</p>\n"},
	{"<div style=\"background:url(javascript:alert(1))\">x</div>",
		"<p>&lt;div style=&#34;background:url(javascript:alert(1))&#34;&gt;x&lt;/div&gt;</p>\n"},
	{"<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
		"<p>&lt;math&gt;&lt;mi xlink:href=&#34;javascript:alert(1)&#34;&gt;x&lt;/mi&gt;&lt;/math&gt;</p>\n"},
	// Link destinations: only http(s) and mailto, however obfuscated.
	{"[x](javascript:alert(1))",
		"<p>x</p>\n"},
	{"[x](JaVaScRiPt:alert(1))",
		"<p>x</p>\n"},
	{"[x](java&#x09;script:alert(1))",
		"<p>x</p>\n"},
	{"[x](java&#09;script:alert(1))",
		"<p>x</p>\n"},
	{"[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
		"<p>x</p>\n"},
	{"[x](&#x6A;avascript:alert(1))",
		"<p>x</p>\n"},
	{"[x](javascript&colon;alert(1))",
		"<p>x</p>\n"},
	{"[x]( javascript:alert(1))",
		"<p>x</p>\n"},
	{"[x](<javascript:alert(1)>)",
		"<p>x</p>\n"},
	{"[x](<java script:alert(1)>)",
		"<p>x</p>\n"},
	{"[x](\x01javascript:alert(1))",
		"<p>x</p>\n"},
	{"[x](vbscript:msgbox(1))",
		"<p>x</p>\n"},
	{"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"<p>x</p>\n"},
	{"[x](DATA:text/html,<script>alert(1)</script>)",
		"<p>x</p>\n"},
	{"[x](file:///etc/passwd)",
		"<p>x</p>\n"},
	{"[x](https://example.org \"\\\" onmouseover=\\\"alert(1)\")",
		"<p><a href=\"https://example.org\" rel=\"nofollow noopener noreferrer\">x</a></p>\n"},
	{"[x](https://example.org/\"onmouseover=\"alert(1))",
		"<p><a href=\"https://example.org/%22onmouseover=%22alert(1)\" rel=\"nofollow noopener noreferrer\">x</a></p>\n"},
	{"[x][js]\n\n[js]: javascript:alert(1)",
		"<p>x</p>\n"},
	// Images become links, with the same URL rules.
	{"![x](javascript:alert(1))",
		"<p>x</p>\n"},
	{"![x\" onerror=\"alert(1)](https://example.org/a.png)",
		"<p><a href=\"https://example.org/a.png\" rel=\"nofollow noopener noreferrer\">x&#34; onerror=&#34;alert(1)</a></p>\n"},
	{"![x](https://example.org/a.png\"onerror=\"alert(1))",
		"<p><a href=\"https://example.org/a.png%22onerror=%22alert(1)\" rel=\"nofollow noopener noreferrer\">x</a></p>\n"},
	// Autolinks and linkified text.
	{"<javascript:alert(1)>",
		"<p>javascript:alert(1)</p>\n"},
	{"<JAVASCRIPT:alert(1)>",
		"<p>JAVASCRIPT:alert(1)</p>\n"},
	{"<vbscript:msgbox(1)>",
		"<p>vbscript:msgbox(1)</p>\n"},
	{"<data:text/html,<script>alert(1)</script>>",
		"<p>&lt;data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;&gt;</p>\n"},
	{"javascript:alert(1)",
		"<p>javascript:alert(1)</p>\n"},
	{"www.example.org/\"onmouseover=\"alert(1)",
		"<p><a href=\"http://www.example.org/%22onmouseover=%22alert(1)\" rel=\"nofollow noopener noreferrer\">www.example.org/&#34;onmouseover=&#34;alert(1)</a></p>\n"},
	{"https://example.org/<script>",
		"<p><a href=\"https://example.org/\" rel=\"nofollow noopener noreferrer\">https://example.org/</a>&lt;script&gt;</p>\n"},
	// Code, headings, tables, link text: escaped.
	{"`<script>alert(1)</script>`",
		"<p><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></p>\n"},
	{"```html\n<script>alert(1)</script>\n```",
		"<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>\n"},
	{"# <script>alert(1)</script>",
		"<h3>&lt;script&gt;alert(1)&lt;/script&gt;</h3>\n"},
	{"| <img src=x onerror=alert(1)> |\n|---|\n| <script> |",
		"<table>\n<thead>\n<tr>\n<th>&lt;img src=x onerror=alert(1)&gt;</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>&lt;script&gt;</td>\n</tr>\n</tbody>\n</table>\n"},
	{"[<img src=x onerror=alert(1)>](https://example.org)",
		"<p><a href=\"https://example.org\" rel=\"nofollow noopener noreferrer\">&lt;img src=x onerror=alert(1)&gt;</a></p>\n"},
	// No id or class from users (DOM clobbering), no attribute syntax.
	{"<a href=\"https://example.org\" id=\"login\" class=\"btn\" name=\"x\">x</a>",
		"<p>&lt;a href=&#34;https://example.org&#34; id=&#34;login&#34; class=&#34;btn&#34; name=&#34;x&#34;&gt;x&lt;/a&gt;</p>\n"},
	{"# Heading {#login}",
		"<h3>Heading {#login}</h3>\n"},
	// Control characters and invalid UTF-8.
	{"x&#0;y&#1;z\x00w\x1b[31m",
		"<p>x�yzw[31m</p>\n"},
	{"\xff\xfe invalid utf8",
		"<p>� invalid utf8</p>\n"},
}

func TestXSS(t *testing.T) {
	for _, c := range xssCases {
		got := Render(c.in)
		if got != c.want {
			t.Errorf("Render(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		if err := checkHTML(got); err != nil {
			t.Errorf("Render(%q) = %q: %v", c.in, got, err)
		}
	}
}

// The bluemonday policy alone must enforce the rules, whatever goldmark
// produced: feed it hostile HTML directly.
func TestPolicyAlone(t *testing.T) {
	cases := []struct{ in, want string }{
		{`<script>alert(1)</script><p>ok</p>`, `<p>ok</p>`},
		{`<style>p{}</style><iframe src="https://e.example"></iframe><object data="x"></object><embed src="x">`, ``},
		{`<form action="https://e.example"><input name="p"><button>go</button></form>`, `go`},
		{`<img src="https://example.org/a.png" alt="a">`, ``},
		{`<svg onload="alert(1)"><circle/></svg>`, ``},
		{`<p onclick="alert(1)" id="login" class="btn" style="color:red" lang="en" dir="rtl" title="t">x</p>`, `<p>x</p>`},
		{`<h1>a</h1><h2>b</h2><h3 id="x">c</h3>`, `ab<h3>c</h3>`},
		{`<a href="javascript:alert(1)">x</a>`, `x`},
		{`<a href="JaVaScRiPt:alert(1)">x</a>`, `x`},
		{`<a href="java&#x09;script:alert(1)">x</a>`, `x`},
		{`<a href="&#x6A;avascript:alert(1)">x</a>`, `x`},
		{`<a href=" javascript:alert(1)">x</a>`, `x`},
		{"<a href=\"\x01javascript:alert(1)\">x</a>", `x`},
		{`<a href="vbscript:msgbox(1)">x</a>`, `x`},
		{`<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>`, `x`},
		{`<a href="/relative">x</a>`, `x`},
		{`<a href="//evil.example/">x</a>`, `x`},
		{`<a href="https://example.org/" target="_blank" onclick="x()" id="y">x</a>`, `<a href="https://example.org/" rel="nofollow noreferrer">x</a>`},
		{`<a href="https://example.org/" rel="nofollow noopener noreferrer">x</a>`, `<a href="https://example.org/" rel="nofollow noopener noreferrer">x</a>`},
		{`<a href="https://example.org/" rel="opener">x</a>`, `<a href="https://example.org/" rel="nofollow noreferrer">x</a>`},
		{`<a href="mailto:office@example.org">x</a>`, `<a href="mailto:office@example.org" rel="nofollow noreferrer">x</a>`},
		{`<ol start="3" type="a"><li>x</li></ol>`, `<ol start="3"><li>x</li></ol>`},
		{`<ol start="javascript:1"><li>x</li></ol>`, `<ol><li>x</li></ol>`},
		{`<table><tr><td align="left" style="x" width="9">1</td><td align="justify">2</td></tr></table>`, `<table><tr><td align="left">1</td><td>2</td></tr></table>`},
		{`<pre><code class="language-go">x</code></pre>`, `<pre><code>x</code></pre>`},
		{`<div><span>x</span></div>`, `x`},
	}
	for _, c := range cases {
		got := policy.Sanitize(c.in)
		if got != c.want {
			t.Errorf("policy.Sanitize(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		// Markup the policy lets through must pass checkHTML too, except
		// that bluemonday's own backstop rel lacks noopener.
		if err := checkHTML(strings.ReplaceAll(got, `rel="nofollow noreferrer"`, `rel="`+rel+`"`)); err != nil {
			t.Errorf("policy.Sanitize(%q) = %q: %v", c.in, got, err)
		}
	}
}

func TestEveryLinkHasRel(t *testing.T) {
	in := "[a](https://a.example) <https://b.example> www.c.example d@e.example " +
		"[f][g] ![h](https://i.example/h.png) [mail](mailto:j@k.example)\n\n[g]: http://g.example"
	out := Render(in)
	if n, m := strings.Count(out, "<a "), strings.Count(out, ` rel="nofollow noopener noreferrer">`); n != 7 || m != n {
		t.Errorf("Render(%q) = %q: %d links, %d with rel", in, out, n, m)
	}
	if strings.Contains(out, "target=") {
		t.Errorf("Render(%q) = %q: has a target", in, out)
	}
}

var (
	allowedElements = map[string]bool{
		"p": true, "br": true, "hr": true, "blockquote": true, "pre": true, "code": true,
		"em": true, "strong": true, "del": true, "ul": true, "ol": true, "li": true,
		"h3": true, "h4": true, "h5": true, "h6": true,
		"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "a": true,
	}
	allowedAttributes = map[string]map[string]bool{
		"a":  {"href": true, "rel": true},
		"ol": {"start": true},
		"th": {"align": true},
		"td": {"align": true},
	}
	tagRE      = regexp.MustCompile(`<[^>]*>`)
	valueRE    = regexp.MustCompile(`"[^"]*"`)
	handlerRE  = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	dangerous  = []string{"<script", "<iframe", "<style", "<object", "<embed", "<form", "<input", "<img", "<svg", "<math"}
	badSchemes = []string{"javascript:", "vbscript:", "data:", "file:"}
)

// checkHTML reports how out breaks the output rules, if it does. It is the
// oracle of the tests and of FuzzRender. The rules about "javascript:" and
// " on…=" apply to markup (tags and attribute values): the text "javascript:"
// or "onload=" is harmless and may appear in what users wrote.
func checkHTML(out string) error {
	if !utf8.ValidString(out) {
		return errors.New("invalid UTF-8")
	}
	for _, r := range out {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return fmt.Errorf("control character %U", r)
		}
	}
	low := strings.ToLower(out)
	for _, d := range dangerous {
		if strings.Contains(low, d) {
			return fmt.Errorf("contains %q", d)
		}
	}
	for _, tag := range tagRE.FindAllString(out, -1) {
		// Attribute values are always double-quoted with '"' escaped
		// inside; blank them so that a URL like
		// https://example.org/%22onmouseover=%22 is not mistaken for an
		// attribute. The values themselves are checked below.
		names := valueRE.ReplaceAllString(tag, `""`)
		if handlerRE.MatchString(names) {
			return fmt.Errorf("event handler in %q", tag)
		}
		if strings.Contains(strings.ToLower(names), "javascript:") {
			return fmt.Errorf("javascript: in %q", tag)
		}
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return nil
		case html.CommentToken, html.DoctypeToken:
			return fmt.Errorf("%v token %q", tt, z.Raw())
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			if !allowedElements[tok.Data] {
				return fmt.Errorf("element %q", tok.Data)
			}
			hasRel := false
			for _, a := range tok.Attr {
				if !allowedAttributes[tok.Data][a.Key] {
					return fmt.Errorf("attribute %s on %s", a.Key, tok.Data)
				}
				// What a browser would see: entities decoded (done by the
				// tokenizer), tab and newline removed, leading and
				// trailing C0 controls and spaces trimmed.
				v := strings.Map(func(r rune) rune {
					if r == '\t' || r == '\n' || r == '\r' {
						return -1
					}
					return r
				}, a.Val)
				v = strings.ToLower(strings.TrimFunc(v, func(r rune) bool { return r <= ' ' }))
				for _, s := range badSchemes {
					if strings.HasPrefix(v, s) {
						return fmt.Errorf("%s=%q", a.Key, a.Val)
					}
				}
				switch a.Key {
				case "href":
					u, err := url.Parse(a.Val)
					if err != nil {
						return fmt.Errorf("href %q: %v", a.Val, err)
					}
					switch u.Scheme {
					case "http", "https":
						if u.Host == "" {
							return fmt.Errorf("href %q without host", a.Val)
						}
					case "mailto":
					default:
						return fmt.Errorf("href %q", a.Val)
					}
				case "rel":
					if a.Val != rel {
						return fmt.Errorf("rel %q", a.Val)
					}
					hasRel = true
				}
			}
			if tok.Data == "a" && tt == html.StartTagToken && !hasRel {
				return fmt.Errorf("link without rel: %q", z.Raw())
			}
		}
	}
}

func goList(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	return string(out), err
}
