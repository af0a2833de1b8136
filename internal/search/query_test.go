package search

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// p builds a phrase for test tables: p("a", "b") is exact, p("a", "b*") ends in a prefix.
func p(toks ...string) Phrase {
	ph := Phrase{Tokens: toks}
	if last := toks[len(toks)-1]; strings.HasSuffix(last, "*") {
		ph.Tokens = append(toks[:len(toks)-1:len(toks)-1], strings.TrimSuffix(last, "*"))
		ph.Prefix = true
	}
	return ph
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want []Phrase
	}{
		{"확진", []Phrase{p("확진")}},
		{"확진자 동선", []Phrase{p("확진", "진자"), p("동선")}},
		{"臺北", []Phrase{p("台北")}},
		{"防疫旅館", []Phrase{p("防疫", "疫旅", "旅館")}},
		{"肺", []Phrase{p("肺*")}},
		{"2020년", []Phrase{p("2020", "년*")}},
		{"第1回会議", []Phrase{p("第", "1", "回会", "会議")}},
		{"ワクチン接種", []Phrase{p("ワク", "クチ", "チン", "ン接", "接種")}},
		{`"東京 タワー"`, []Phrase{p("东京", "京", "タワ", "ワー")}},
		{`"contact tracing" masks`, []Phrase{p("contact", "tracing"), p("masks")}},
		{"COVID-19", []Phrase{p("covid", "19")}},
		{"ＰＣＲ検査", []Phrase{p("pcr", "検査")}},
		{`＂social distancing＂`, []Phrase{p("social", "distancing")}},
		{`“social distancing”`, []Phrase{p("social", "distancing")}},
		{`"unclosed phrase`, []Phrase{p("unclosed", "phrase")}},
		{"mask mask MASK", []Phrase{p("mask")}},
		// FTS syntax is never syntax.
		{"a OR b NOT c AND d", []Phrase{p("a"), p("or"), p("b"), p("not"), p("c"), p("and"), p("d")}},
		{"-mask +vaccine* ^first", []Phrase{p("mask"), p("vaccine"), p("first")}},
		{"body:covid", []Phrase{p("body", "covid")}},
		{"NEAR(a b, 2)", []Phrase{p("near", "a"), p("b"), p("2")}},
		{"{title body}: x", []Phrase{p("title"), p("body"), p("x")}},
		{"'; DROP TABLE users; --", []Phrase{p("drop"), p("table"), p("users")}},
		{`a\"b`, []Phrase{p("a"), p("b")}},
		{"x & y | !z <-> (w)", []Phrase{p("x"), p("y"), p("z"), p("w")}},
		{"확진*", []Phrase{p("확진")}},
		// Nothing to search for.
		{"", nil},
		{"   ", nil},
		{`"" *** () : - ^`, nil},
		{"…！？", nil},
	}
	for _, tt := range tests {
		if got := Parse(tt.in).Phrases; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestQueryStrings(t *testing.T) {
	tests := []struct {
		q             Query
		fts5, tsquery string
	}{
		{Parse("확진"), `"확진"`, `'확진'`},
		{Parse("확진자 동선"), `"확진 진자" AND "동선"`, `'확진' <-> '진자' & '동선'`},
		{Parse(`"contact tracing" OR masks`), `"contact tracing" AND "or" AND "masks"`, `'contact' <-> 'tracing' & 'or' & 'masks'`},
		{Parse("肺 2020년"), `"肺"* AND "2020 년"*`, `'肺':* & '2020' <-> '년':*`},
		{Parse(`'"\:*&|!()<>`), ``, ``},
		{Parse(`it's "NEAR" a\b`), `"it s" AND "near" AND "a b"`, `'it' <-> 's' & 'near' & 'a' <-> 'b'`},
		// Tokens never hold quotes or backslashes, but a hand-made query is escaped all the same.
		{Query{Phrases: []Phrase{{Tokens: []string{`a"b`, `c'd\e`}, Prefix: true}}}, `"a""b c'd\e"*`, `'a"b' <-> 'c''d\\e':*`},
	}
	for _, tt := range tests {
		if got := tt.q.FTS5(); got != tt.fts5 {
			t.Errorf("%v.FTS5() = %s, want %s", tt.q.Phrases, got, tt.fts5)
		}
		if got := tt.q.TSQuery(); got != tt.tsquery {
			t.Errorf("%v.TSQuery() = %s, want %s", tt.q.Phrases, got, tt.tsquery)
		}
	}
}

func TestParseLimits(t *testing.T) {
	var words strings.Builder
	for i := 0; words.Len() < 10000; i++ {
		fmt.Fprintf(&words, "w%d ", i)
	}
	long := words.String()[:10000]
	cjk := strings.Repeat("확진자동선공개방역", 1200)[:3*10000] // 10,000 syllables, no spaces
	for _, in := range []string{long, cjk, strings.Repeat(`"`, 10000), strings.Repeat("確診 ", 5000)} {
		q := Parse(in)
		n := 0
		for _, ph := range q.Phrases {
			n += len(ph.Tokens)
		}
		if n > MaxQueryTokens {
			t.Errorf("Parse(%.20q…) has %d tokens, want at most %d", in, n, MaxQueryTokens)
		}
		head := truncate(in, MaxQueryRunes)
		if utf8.RuneCountInString(head) != min(MaxQueryRunes, utf8.RuneCountInString(in)) {
			t.Fatalf("truncate kept %d characters", utf8.RuneCountInString(head))
		}
		if !reflect.DeepEqual(q, Parse(head)) {
			t.Errorf("Parse(%.20q…) reads past the first %d characters", in, MaxQueryRunes)
		}
		// A 10,000-character query costs what its first 1,000 characters do.
		if a, b := testing.AllocsPerRun(5, func() { Parse(in) }), testing.AllocsPerRun(5, func() { Parse(head) }); a > b {
			t.Errorf("Parse(%.20q…) allocates %v times, its first %d characters %v", in, a, MaxQueryRunes, b)
		}
	}
	// Words past the token budget are left out; a phrase over it is cut short.
	q := Parse("a b c " + strings.Repeat("확", 40))
	if got := len(q.Phrases[3].Tokens); got != MaxQueryTokens-3 || q.Phrases[3].Prefix {
		t.Errorf("last phrase = %v, want %d exact tokens", q.Phrases[3], MaxQueryTokens-3)
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		query, text string
		want        bool
	}{
		{"확진", "확진자가 다녀간 곳", true},
		{"확진자", "확진 판정을 받은 사람", false},
		{"台北", "臺北市政府", true},
		{"臺北市", "台北市", true},
		{"肺", "心肺機能", true},
		{"肺", "肺炎", true},
		{"肺炎", "心肺機能", false},
		{"2020년", "2020년에", true},
		{"2020년", "2020 년", true},
		{"第1回", "今次第1回会議", true},
		{"clinic", "screening clinics", false},
		{"covid-19", "COVID19 cases", true},
		{`"contact tracing"`, "tracing contact", false},
		{"contact tracing", "tracing contact", true},
		{"ＰＣＲ", "pcr 검사", true},
		{"***", "anything", false},
	}
	for _, tt := range tests {
		if got := Parse(tt.query).Matches(tt.text); got != tt.want {
			t.Errorf("Parse(%q).Matches(%q) = %v, want %v", tt.query, tt.text, got, tt.want)
		}
	}
}
