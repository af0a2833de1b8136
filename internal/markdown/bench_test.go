package markdown

import (
	"strings"
	"testing"
)

// benchDoc is a 300-word city announcement in English, Korean, Chinese and
// Japanese with the usual Markdown: headings, emphasis, links, a list, a task
// list, a table, a quote and a code span.
const benchDoc = `# Emergency supplies: spring 2027

The **Seoul–Osaka–Shanghai** working group met on *14 March* to agree the
shared stock of medical supplies. The full minutes are at
[the secretariat's site](https://example.org/minutes/2027-03-14) and questions
go to office@example.org or <https://example.org/contact>.

## Decisions

1. Each city keeps a reserve of at least **30 days** of masks and gloves.
2. Requests above 10,000 units need the secretariat's approval.
3. Shipments are recorded in the ledger within ~~48~~ 24 hours.

- [x] agree reserve levels
- [ ] publish the ledger format
- [ ] translate the guidance

| City | Masks | Gloves | Status |
|:-----|------:|-------:|:------:|
| Seoul | 120,000 | 80,000 | ready |
| Osaka | 95,000 | 60,000 | ready |
| Shanghai | 150,000 | 110,000 | pending |

> Supplies pledged are supplies owed: record the pledge before the shipment.

Cities that cannot meet a request should say so *within two working days*, so
that the secretariat can ask another member. Every receipt must be confirmed
by the receiving city, and any shortfall or damage noted in the ledger with a
photograph or a short description. The next meeting, hosted by **Osaka**, will
review the first quarter's figures and the draft guidance for volunteers.

Use ` + "`citypact ledger export`" + ` for the monthly report.

## 서울

서울시는 **긴급 의료 물자**를 추가로 비축하기로 했습니다. 마스크와 장갑은
각 자치구 보건소에 배분되며, 자세한 일정은 [공지사항](https://example.org/ko/notice)을
참고하십시오. **"비축 기준"**은 매년 검토합니다.

## 上海

上海市将**增加**医疗物资储备。口罩和手套将分配到各区卫生中心，
详情请参阅[通知](https://example.org/zh/notice)。**重要提示（请注意）：**
请在周五前提交需求。

## 大阪

大阪市は**医療物資**の備蓄を増やします。マスクと手袋は各区の保健所に
配布されます。詳しくは[お知らせ](https://example.org/ja/notice)をご覧ください。
**「備蓄基準」**は毎年見直します。
`

func BenchmarkRender(b *testing.B) {
	b.SetBytes(int64(len(benchDoc)))
	b.ReportAllocs()
	for b.Loop() {
		Render(benchDoc)
	}
}

func BenchmarkPlain(b *testing.B) {
	b.SetBytes(int64(len(benchDoc)))
	b.ReportAllocs()
	for b.Loop() {
		Plain(benchDoc, 200)
	}
}

func TestBenchDocIsAbout300Words(t *testing.T) {
	// Latin words by spaces; CJK at roughly two characters a word.
	words := 0
	for _, f := range strings.Fields(Plain(benchDoc, 0)) {
		cjk := 0
		for _, r := range f {
			if isCJK(r) {
				cjk++
			}
		}
		words += 1 + cjk/2
	}
	if words < 250 || words > 400 {
		t.Errorf("benchDoc has about %d words", words)
	}
	t.Logf("benchDoc: %d bytes, about %d words", len(benchDoc), words)
	if out := Render(benchDoc); strings.Count(out, "<strong>") != 9 || !strings.Contains(out, "<table>") {
		t.Errorf("benchDoc renders unexpectedly: %s", out)
	}
}
