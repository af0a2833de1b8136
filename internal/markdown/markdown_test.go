package markdown

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// renderCases are exact expected outputs. Headings start at h3, images become
// links, task lists become text, raw HTML is text, only absolute http(s) and
// mailto links survive.
var renderCases = []struct{ in, want string }{
	// English and the Markdown features that are kept.
	{"# Budget 2027\n\nThe council **approved** the *draft* budget.",
		"<h3>Budget 2027</h3>\n<p>The council <strong>approved</strong> the <em>draft</em> budget.</p>\n"},
	{"## Section\n### Sub\n#### Four\n##### Five\n###### Six",
		"<h4>Section</h4>\n<h5>Sub</h5>\n<h6>Four</h6>\n<h6>Five</h6>\n<h6>Six</h6>\n"},
	{"Title\n=====\n\nSub\n---",
		"<h3>Title</h3>\n<h4>Sub</h4>\n"},
	{"- one\n- two\n  - nested\n\n1. first\n2. second",
		"<ul>\n<li>one</li>\n<li>two\n<ul>\n<li>nested</li>\n</ul>\n</li>\n</ul>\n<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n"},
	{"7. seven\n8. eight",
		"<ol start=\"7\">\n<li>seven</li>\n<li>eight</li>\n</ol>\n"},
	{"> quoted\n> text",
		"<blockquote>\n<p>quoted\ntext</p>\n</blockquote>\n"},
	{"Use `go test` and ~~never~~ always test.",
		"<p>Use <code>go test</code> and <del>never</del> always test.</p>\n"},
	{"```go\nfunc main() { fmt.Println(\"<hi>\") }\n```",
		"<pre><code>func main() { fmt.Println(&#34;&lt;hi&gt;&#34;) }\n</code></pre>\n"},
	{"    indented <code>",
		"<pre><code>indented &lt;code&gt;\n</code></pre>\n"},
	{"---",
		"<hr>\n"},
	{"line one\\\nline two  \nline three\nline four",
		"<p>line one<br>\nline two<br>\nline three\nline four</p>\n"},
	{"| Item | Qty |\n|:-----|----:|\n| Masks | 1,000 |\n| Gloves | 250 |",
		"<table>\n<thead>\n<tr>\n<th align=\"left\">Item</th>\n<th align=\"right\">Qty</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"left\">Masks</td>\n<td align=\"right\">1,000</td>\n</tr>\n<tr>\n<td align=\"left\">Gloves</td>\n<td align=\"right\">250</td>\n</tr>\n</tbody>\n</table>\n"},
	{"| a | b | c |\n|---|:-:|---|\n| 1 | 2 |",
		"<table>\n<thead>\n<tr>\n<th>a</th>\n<th align=\"center\">b</th>\n<th>c</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td align=\"center\">2</td>\n<td></td>\n</tr>\n</tbody>\n</table>\n"},
	{"- [ ] order masks\n- [x] call the mayor",
		"<ul>\n<li>☐ order masks</li>\n<li>☑ call the mayor</li>\n</ul>\n"},
	{"See [the plan](https://example.org/plan \"Plan\") and <https://example.org/a?b=1&c=2>.",
		"<p>See <a href=\"https://example.org/plan\" rel=\"nofollow noopener noreferrer\">the plan</a> and <a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow noopener noreferrer\">https://example.org/a?b=1&amp;c=2</a>.</p>\n"},
	{"Visit www.example.org or mail office@example.org.",
		"<p>Visit <a href=\"http://www.example.org\" rel=\"nofollow noopener noreferrer\">www.example.org</a> or mail <a href=\"mailto:office@example.org\" rel=\"nofollow noopener noreferrer\">office@example.org</a>.</p>\n"},
	{"[mail us](mailto:office@example.org)",
		"<p><a href=\"mailto:office@example.org\" rel=\"nofollow noopener noreferrer\">mail us</a></p>\n"},
	{"![Map of the district](https://example.org/map.png)",
		"<p><a href=\"https://example.org/map.png\" rel=\"nofollow noopener noreferrer\">Map of the district</a></p>\n"},
	{"![](https://example.org/map.png)",
		"<p><a href=\"https://example.org/map.png\" rel=\"nofollow noopener noreferrer\">https://example.org/map.png</a></p>\n"},
	{"[![logo](https://example.org/logo.png)](https://example.org/)",
		"<p><a href=\"https://example.org/\" rel=\"nofollow noopener noreferrer\">logo</a></p>\n"},
	{"![relative](/img.png)",
		"<p>relative</p>\n"},
	{"[relative](/plans/42) and [fragment](#top) and [scheme-relative](//evil.example/)",
		"<p>relative and fragment and scheme-relative</p>\n"},
	{"[ref link][r]\n\n[r]: https://example.org/r",
		"<p><a href=\"https://example.org/r\" rel=\"nofollow noopener noreferrer\">ref link</a></p>\n"},
	{"AT&T < 5 > 3 \"quoted\" 'single'",
		"<p>AT&amp;T &lt; 5 &gt; 3 &#34;quoted&#34; &#39;single&#39;</p>\n"},
	{"Tab\tand escaped \\*stars\\*",
		"<p>Tab\tand escaped *stars*</p>\n"},
	{"CRLF\r\nand CR\rline endings",
		"<p>CRLF\nand CR\nline endings</p>\n"},
	{"a\n\n\n\nb",
		"<p>a</p>\n<p>b</p>\n"},
	{"<b>bold?</b> <div>block</div>",
		"<p>&lt;b&gt;bold?&lt;/b&gt; &lt;div&gt;block&lt;/div&gt;</p>\n"},
	{"<!-- comment -->",
		"<p>&lt;!-- comment --&gt;</p>\n"},
	{"Price: 5 * 3 * 2 = 30",
		"<p>Price: 5 * 3 * 2 = 30</p>\n"},
	{"snake_case_identifier and __strong__",
		"<p>snake_case_identifier and <strong>strong</strong></p>\n"},
	{"***both***",
		"<p><em><strong>both</strong></em></p>\n"},
	// Korean: CJK-friendly emphasis; line breaks between Hangul stay spaces.
	{"**강조**했다",
		"<p><strong>강조</strong>했다</p>\n"},
	{"이 문서는 **중요한** 내용을 담고 있습니다.\n다음 줄도 한국어입니다.",
		"<p>이 문서는 <strong>중요한</strong> 내용을 담고 있습니다.\n다음 줄도 한국어입니다.</p>\n"},
	{"**\"강조\"**했다",
		"<p><strong>&#34;강조&#34;</strong>했다</p>\n"},
	{"**`npm publish`**를 실행하십시오.",
		"<p><strong><code>npm publish</code></strong>를 실행하십시오.</p>\n"},
	{"*서울시*의 예산은 _증가_했다.",
		"<p><em>서울시</em>의 예산은 _증가_했다.</p>\n"},
	{"# 제목\n\n본문",
		"<h3>제목</h3>\n<p>본문</p>\n"},
	// Chinese: emphasis next to full-width punctuation; lines joined.
	{"这是**重要**的通知。",
		"<p>这是<strong>重要</strong>的通知。</p>\n"},
	{"**重要提示（请注意）：**请在周五前提交。",
		"<p><strong>重要提示（请注意）：</strong>请在周五前提交。</p>\n"},
	{"第一行\n第二行",
		"<p>第一行第二行</p>\n"},
	{"*斜体*文字和~~删除~~文字",
		"<p><em>斜体</em>文字和<del>删除</del>文字</p>\n"},
	// Japanese.
	{"これは**重要**です。",
		"<p>これは<strong>重要</strong>です。</p>\n"},
	{"**このアスタリスクは強調記号として認識されます。**この文のせいで。",
		"<p><strong>このアスタリスクは強調記号として認識されます。</strong>この文のせいで。</p>\n"},
	{"**「日本語」**です",
		"<p><strong>「日本語」</strong>です</p>\n"},
	{"一行目\n二行目",
		"<p>一行目二行目</p>\n"},
	{"日本語\nEnglish",
		"<p>日本語\nEnglish</p>\n"},
	{"*東京都*の予算",
		"<p><em>東京都</em>の予算</p>\n"},
	// Mixed.
	{"Seoul **서울** 首尔 ソウル",
		"<p>Seoul <strong>서울</strong> 首尔 ソウル</p>\n"},
	{"- 항목 一\n- 項目 二",
		"<ul>\n<li>항목 一</li>\n<li>項目 二</li>\n</ul>\n"},
	{"",
		""},
	{"   ",
		""},
}

func TestRender(t *testing.T) {
	for _, c := range renderCases {
		if got := Render(c.in); got != c.want {
			t.Errorf("Render(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		if err := checkHTML(Render(c.in)); err != nil {
			t.Errorf("Render(%q): %v", c.in, err)
		}
	}
}

func TestRenderToMatchesRender(t *testing.T) {
	for _, c := range renderCases {
		var b bytes.Buffer
		if err := RenderTo(&b, c.in); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("RenderTo(%q) = %q, want %q", c.in, b.String(), c.want)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errTest }

var errTest = &testError{}

type testError struct{}

func (*testError) Error() string { return "write failed" }

func TestRenderToReportsWriteErrors(t *testing.T) {
	if err := RenderTo(failingWriter{}, "hello"); err != errTest {
		t.Fatalf("RenderTo to a failing writer: %v, want %v", err, errTest)
	}
}

// Render is used from many handlers at once.
func TestRenderConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				for _, c := range renderCases {
					if got := Render(c.in); got != c.want {
						t.Errorf("concurrent Render(%q) = %q", c.in, got)
						return
					}
					Plain(c.in, 20)
				}
			}
		}()
	}
	wg.Wait()
}

func TestPlain(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"# Budget\n\nThe **council** approved the *draft*.", 0, "Budget The council approved the draft."},
		{"**강조**했다", 0, "강조했다"},
		{"이 문서는 **중요한** 내용입니다.\n다음 줄", 0, "이 문서는 중요한 내용입니다. 다음 줄"},
		{"这是**重要**的通知。\n第二行", 0, "这是重要的通知。第二行"},
		{"**「日本語」**です", 0, "「日本語」です"},
		{"See [the plan](https://example.org/plan) and ![map](https://example.org/m.png).", 0, "See the plan and map."},
		{"- [ ] masks\n- [x] gloves", 0, "☐ masks ☑ gloves"},
		{"| a | b |\n|---|---|\n| 1 | 2 |", 0, "a b 1 2"},
		{"Use `go test`:\n\n```\ngo test ./...\n```", 0, "Use go test: go test ./..."},
		{"line one\\\nline two", 0, "line one line two"},
		{"<script>alert(1)</script> &amp; &lt;", 0, "<script>alert(1)</script> & <"},
		{"  lots   of\t\tspace\n\n\n  here  ", 0, "lots of space here"},
		{"x&#1;y\x00z\x1b", 0, "xyz"},
		// Cutting.
		{"one two three four", 9, "one two…"},
		{"one two three four", 8, "one two…"},
		{"one two three four", 18, "one two three four"},
		{"one two three four", 17, "one two three fo…"},
		{"서울특별시 예산안", 4, "서울특…"},
		{"东京都の予算", 3, "东京…"},
		{"abc", 1, "…"},
		{"abc", -1, "abc"},
		{"", 5, ""},
	}
	for _, c := range cases {
		got := Plain(c.in, c.max)
		if got != c.want {
			t.Errorf("Plain(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
		if c.max > 0 && utf8.RuneCountInString(got) > c.max {
			t.Errorf("Plain(%q, %d) has %d runes", c.in, c.max, utf8.RuneCountInString(got))
		}
	}
}

// Nothing in the package may pull in the web or the database.
func TestNoForbiddenImports(t *testing.T) {
	out, err := goList(t, "-deps", "-f", "{{.ImportPath}}", ".")
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, p := range strings.Fields(out) {
		if p == "net/http" || p == "database/sql" {
			t.Errorf("package markdown depends on %s", p)
		}
	}
}
