package markdown

import (
	"fmt"
	"testing"
)

var genInputs = []string{
	// English
	"# Budget 2027\n\nThe council **approved** the *draft* budget.",
	"## Section\n### Sub\n#### Four\n##### Five\n###### Six",
	"Title\n=====\n\nSub\n---",
	"- one\n- two\n  - nested\n\n1. first\n2. second",
	"7. seven\n8. eight",
	"> quoted\n> text",
	"Use `go test` and ~~never~~ always test.",
	"```go\nfunc main() { fmt.Println(\"<hi>\") }\n```",
	"    indented <code>",
	"---",
	"line one\\\nline two  \nline three\nline four",
	"| Item | Qty |\n|:-----|----:|\n| Masks | 1,000 |\n| Gloves | 250 |",
	"| a | b | c |\n|---|:-:|---|\n| 1 | 2 |",
	"- [ ] order masks\n- [x] call the mayor",
	"See [the plan](https://example.org/plan \"Plan\") and <https://example.org/a?b=1&c=2>.",
	"Visit www.example.org or mail office@example.org.",
	"[mail us](mailto:office@example.org)",
	"![Map of the district](https://example.org/map.png)",
	"![](https://example.org/map.png)",
	"[![logo](https://example.org/logo.png)](https://example.org/)",
	"![relative](/img.png)",
	"[relative](/plans/42) and [fragment](#top) and [scheme-relative](//evil.example/)",
	"[ref link][r]\n\n[r]: https://example.org/r",
	"AT&T < 5 > 3 \"quoted\" 'single'",
	"Tab\tand escaped \\*stars\\*",
	"a\n\n\n\nb",
	"<b>bold?</b> <div>block</div>",
	"<!-- comment -->",
	"Price: 5 * 3 * 2 = 30",
	"snake_case_identifier and __strong__",
	"***both***",
	// Korean
	"**강조**했다",
	"이 문서는 **중요한** 내용을 담고 있습니다.\n다음 줄도 한국어입니다.",
	"**\"강조\"**했다",
	"**`npm publish`**를 실행하십시오.",
	"*서울시*의 예산은 _증가_했다.",
	"# 제목\n\n본문",
	// Chinese
	"这是**重要**的通知。",
	"**重要提示（请注意）：**请在周五前提交。",
	"第一行\n第二行",
	"*斜体*文字和~~删除~~文字",
	// Japanese
	"これは**重要**です。",
	"**このアスタリスクは強調記号として認識されます。**この文のせいで。",
	"**「日本語」**です",
	"一行目\n二行目",
	"日本語\nEnglish",
	"*東京都*の予算",
	// mixed
	"Seoul **서울** 首尔 ソウル",
	"- 항목 一\n- 項目 二",
	"",
	"   ",
}

func TestGen(t *testing.T) {
	for _, in := range genInputs {
		fmt.Printf("\t{%q,\n\t\t%q},\n", in, Render(in))
	}
}
