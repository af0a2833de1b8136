package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"english", "Screening clinics open, 9 a.m.–6 p.m.", []string{"screening", "clinics", "open", "9", "a", "m", "6", "p", "m"}},
		{"english case", "COVID Vaccine", []string{"covid", "vaccine"}},
		{"letters meet digits", "covid19 and COVID-19", []string{"covid", "19", "and", "covid", "19"}},
		{"korean particles", "확진자가 동선을", []string{"확진", "진자", "자가", "가", "동선", "선을", "을"}},
		{"chinese", "防疫旅館", []string{"防疫", "疫旅", "旅館", "館"}},
		{"japanese kana and kanji", "濃厚接触者の検査", []string{"濃厚", "厚接", "接触", "触者", "者の", "の検", "検査", "査"}},
		{"prolonged sound mark", "センター", []string{"セン", "ンタ", "ター", "ー"}},
		{"one-character run", "第1回", []string{"第", "1", "回"}},
		{"mixed scripts", "PCR검사 후 Seoul에서", []string{"pcr", "검사", "사", "후", "seoul", "에서", "서"}},
		{"punctuation splits runs", "東京・大阪", []string{"东京", "京", "大阪", "阪"}},
		{"full-width", "Ａ１ ＰＣＲ", []string{"a", "1", "pcr"}},
		{"half-width katakana", "ｶﾞｲﾄﾞ", []string{"ガイ", "イド", "ド"}},
		{"compatibility characters", "㍻ ①", []string{"平成", "成", "1"}},
		{"variants", "臺灣 國際 廣島", []string{"台湾", "湾", "国際", "際", "広島", "島"}},
		{"variation selector dropped", "葛\U000E0100飾区", []string{"葛飾", "飾区", "区"}},
		{"soft hyphen dropped", "vac\u00ADcine", []string{"vaccine"}},
		{"decomposed hangul", "\u1112\u1161\u11ab\u1100\u116e\u11a8", []string{"한국", "국"}},
		{"emoji separates", "😷마스크", []string{"마스", "스크", "크"}},
		{"other scripts", "ΣΑΡΣ Москва", []string{"σαρσ", "москва"}},
		{"symbols only", "!!! … ★ ()", nil},
		{"empty", "", nil},
		{"long word cut", strings.Repeat("a", 150), []string{strings.Repeat("a", maxWordBytes)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Tokens(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestIndex(t *testing.T) {
	tests := []struct{ text, want string }{
		{"확진자 동선 공개", "확진 진자 자 동선 선 공개 개"},
		{"Contact tracing, 24/7.", "contact tracing 24 7"},
		{"臺北市 防疫旅館", "台北 北市 市 防疫 疫旅 旅館 館"},
		{"…", ""},
	}
	for _, tt := range tests {
		if got := Index(tt.text); got != tt.want {
			t.Errorf("Index(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Ｔｏｋｙｏ", "tokyo"},
		{"臺北市", "台北市"},
		{"東京都 大阪府", "东京都 大阪府"},
		{"ｸﾗｽﾀｰ", "クラスター"},
		{"COVID-19", "covid-19"},
	}
	for _, tt := range tests {
		if got := Fold(tt.text); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestQuickSpan: the NFKC prefix normalize reads without norm's iterator is norm's own, on random
// text that mixes the fast path's characters with what composes with them (combining marks,
// conjoining jamo, the kana voicing mark) and with compatibility characters.
func TestQuickSpan(t *testing.T) {
	pool := []rune{'a', 'Z', '1', ' ', '.', '\n', '가', '확', '진', 'か', 'ー', '防', '疫', '臺',
		'、', '。', '「', '】', '・', '\u3000', '\uff0c', '\u2329', '\u0301', '\u3099', '\u1100', '\u1161', '\u11a8', '\uff76', '\uff21', '\uf900', '\u337b', '\u00e9', '\u00ad'}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		rs := make([]rune, rng.IntN(12))
		for i := range rs {
			rs[i] = pool[rng.IntN(len(pool))]
		}
		text := string(rs)
		if got, want := quickSpan(text), norm.NFKC.QuickSpanString(text); got != want {
			t.Fatalf("quickSpan(%+q) = %d, want %d", text, got, want)
		}
	}
}
