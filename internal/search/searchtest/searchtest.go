// Package searchtest holds a labelled sample for search tests: short documents about epidemic
// countermeasures in Korean, Chinese, Japanese and English, queries, and an oracle that says which
// documents each query should find. The search package checks its normaliser against it without a
// database; the store runs the same sample through SQLite FTS5 and PostgreSQL and compares.
//
// It is for tests only and imports nothing of citypact but the search package's folding.
package searchtest

import (
	"bufio"
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citypact/citypact/internal/search"
)

// Document is one sample document.
type Document struct {
	ID   int    // 1-based line order among documents
	Lang string // ko, zh, ja or en
	Text string
}

//go:embed testdata/documents.txt
var documents string

// Documents returns the sample documents.
func Documents() []Document {
	var docs []Document
	sc := bufio.NewScanner(strings.NewReader(documents))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lang, text, ok := strings.Cut(line, "\t")
		if !ok {
			panic("searchtest: line without a tab: " + line)
		}
		docs = append(docs, Document{ID: len(docs) + 1, Lang: lang, Text: text})
	}
	return docs
}

// Query is a sample query as a user would type it.
type Query struct {
	Lang string
	Text string
}

// Queries are the sample queries: CJK terms of two or more characters (words inside longer runs,
// words followed by particles, variant and full-width forms), English words and phrases, and a
// few of several terms.
var Queries = []Query{
	{"ko", "확진"}, {"ko", "확진자"}, {"ko", "동선"}, {"ko", "확진자 동선"}, {"ko", "선별진료소"},
	{"ko", "진료소"}, {"ko", "자가격리"}, {"ko", "격리"}, {"ko", "거리두기"}, {"ko", "역학조사"},
	{"ko", "접촉자"}, {"ko", "밀접접촉자"}, {"ko", "예방접종"}, {"ko", "접종"}, {"ko", "코로나19"},
	{"ko", "코로나"}, {"ko", "마스크"}, {"ko", "방역"}, {"ko", "재난문자"}, {"ko", "보건소"},
	{"ko", "검사"}, {"ko", "PCR검사"}, {"ko", "생활치료센터"}, {"ko", "서울"}, {"ko", "부산"},
	{"ko", "집단감염"}, {"ko", "선별검사소"},
	{"zh", "防疫"}, {"zh", "防疫旅館"}, {"zh", "旅館"}, {"zh", "檢疫"}, {"zh", "居家檢疫"},
	{"zh", "隔離"}, {"zh", "確診"}, {"zh", "快篩"}, {"zh", "口罩"}, {"zh", "疫苗"}, {"zh", "接種"},
	{"zh", "疫苗接種"}, {"zh", "社交距離"}, {"zh", "台北"}, {"zh", "臺北"}, {"zh", "台灣"},
	{"zh", "指揮中心"}, {"zh", "篩檢站"}, {"zh", "肺炎"}, {"zh", "核酸检测"}, {"zh", "健康码"},
	{"zh", "国际"}, {"zh", "特區"}, {"zh", "車站"},
	{"ja", "濃厚接触者"}, {"ja", "接触者"}, {"ja", "濃厚"}, {"ja", "緊急事態宣言"}, {"ja", "保健所"},
	{"ja", "PCR検査"}, {"ja", "検査"}, {"ja", "ワクチン"}, {"ja", "ワクチン接種"}, {"ja", "陽性"},
	{"ja", "自宅療養"}, {"ja", "療養"}, {"ja", "クラスター"}, {"ja", "東京"}, {"ja", "東京都"},
	{"ja", "大阪"}, {"ja", "マスク"}, {"ja", "発熱外来"}, {"ja", "センター"}, {"ja", "三密"},
	{"ja", "検査センター"}, {"ja", "葛飾区"}, {"ja", "ｸﾗｽﾀｰ"}, {"ja", "待機期間"},
	{"en", "screening"}, {"en", "clinics"}, {"en", `"screening clinics"`}, {"en", "quarantine"},
	{"en", "vaccine"}, {"en", "vaccination"}, {"en", `"contact tracing"`}, {"en", "tracing"},
	{"en", "masks"}, {"en", "mask"}, {"en", "lockdown"}, {"en", "COVID-19"}, {"en", "ventilation"},
	{"en", "booster"}, {"en", "Seoul"}, {"en", "Taipei"}, {"en", "testing"}, {"en", "isolation"},
	{"en", "wastewater"}, {"en", "PCR"}, {"en", `"health centre"`}, {"en", "cases tracing"},
	{"en", `"social distancing"`}, {"en", "ＭＡＳＫＳ"},
}

// Relevant reports whether doc should match query: every term of the query (a word, or the text of
// a "quoted phrase") occurs in the folded document. CJK terms may stand anywhere, as substrings;
// a term's end that is a letter or digit of a spaced script must fall on a word edge, so clinic
// does not occur in clinics. White space inside a term matches any run of white space.
func Relevant(doc, query string) bool {
	text := fold(doc)
	for _, term := range terms(query) {
		if !contains(text, fold(term)) {
			return false
		}
	}
	return true
}

// terms splits query into its words and quoted phrases.
func terms(query string) []string {
	var out []string
	for i, part := range strings.Split(query, `"`) {
		if i%2 == 1 {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
			continue
		}
		out = append(out, strings.Fields(part)...)
	}
	return out
}

// fold folds s as the search package does, drops the marks and format characters that never reach
// a token, and turns every run of white space into one space.
func fold(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsMark(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, search.Fold(s))
	return strings.Join(strings.Fields(s), " ")
}

func contains(text, term string) bool {
	if term == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(term)
	last, _ := utf8.DecodeLastRuneInString(term)
	for i := 0; ; {
		j := strings.Index(text[i:], term)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(term)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if edge(before, first) && edge(after, last) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[start:])
		i = start + size
	}
}

// edge reports whether a match may end between outside and inside: anything but two letters of
// spaced scripts, or two digits.
func edge(outside, inside rune) bool {
	switch {
	case spacedLetter(outside) && spacedLetter(inside):
		return false
	case unicode.IsDigit(outside) && unicode.IsDigit(inside):
		return false
	}
	return true
}

func spacedLetter(r rune) bool {
	return unicode.IsLetter(r) && r != 'ー' && r != '〆' &&
		!unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}
