package search

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// hl writes segments as text with hits in brackets, for readable test tables.
func hl(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Hit {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestSnippet(t *testing.T) {
	long := "The city council met on Monday to review the first month of the programme. " +
		"Seoul opened three new screening clinics near subway stations, and the health centre " +
		"extended its hours until nine in the evening for the rest of the winter season."
	tests := []struct {
		name, text, query string
		width             int
		want              string
	}{
		{"latin", "Seoul opened three new screening clinics near subway stations.", "clinics", 0,
			"Seoul opened three new screening [clinics] near subway stations."},
		{"latin phrase and case", "Contact Tracing teams called every contact.", `"contact tracing" contact`, 0,
			"[Contact Tracing] teams called every [contact]."},
		{"korean inside words", "서울시는 어제 확진자가 다녀간 동선을 공개했다.", "확진 동선", 0,
			"서울시는 어제 [확진]자가 다녀간 [동선]을 공개했다."},
		{"variant", "臺北市政府は防疫旅館を用意した。", "台北", 8, "[臺北]市政府は防疫…"},
		{"one-character prefix", "心肺機能の検査", "肺", 0, "心[肺]機能の検査"},
		{"compatibility character", "㍻3年の対策", "平成", 0, "[㍻]3年の対策"},
		{"variation selector", "葛\U000E0100飾区の検査センター", "葛飾 センター", 0, "[葛\U000E0100飾]区の検査[センター]"},
		{"full-width", "ＰＣＲ検査を受けた", "pcr検査", 0, "[ＰＣＲ検査]を受けた"},
		{"white space", "  Masks\n\n  are   required.\t", "required", 0, "Masks are [required]."},
		{"window in latin", long, "clinics", 60,
			"…new screening [clinics] near subway stations, and the health…"},
		{"window at the end", long, "season", 40, "…for the rest of the winter [season]."},
		{"window in korean", strings.Repeat("가", 30) + "확진자" + strings.Repeat("나", 30), "확진자", 12,
			"…가가가[확진자]나나나나나나…"},
		{"no hit", long, "vaccine", 30, "The city council met on Monday…"},
		{"empty query", "Masks are required.", "", 0, "Masks are required."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hl(Snippet(tt.text, Parse(tt.query), tt.width)); got != tt.want {
				t.Errorf("Snippet(%q, %q, %d)\n got %s\nwant %s", tt.text, tt.query, tt.width, got, tt.want)
			}
		})
	}
}

// TestSnippetSegments checks the segments themselves: alternating, non-empty, hits as written.
func TestSnippetSegments(t *testing.T) {
	got := Snippet("확진자 동선 공개", Parse("동선"), 0)
	want := []Segment{{"확진자 ", false}, {"동선", true}, {" 공개", false}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Snippet = %#v, want %#v", got, want)
	}
	if got := Snippet("", Parse("x"), 10); len(got) != 0 {
		t.Errorf("Snippet of empty text = %#v, want none", got)
	}
}

// SnippetOfLong cuts the same kind of snippet from a window of a long text: the match highlighted,
// both cut ends marked; with no match, the text's start; a short text as Snippet cuts it.
func TestSnippetOfLong(t *testing.T) {
	filler := strings.Repeat("방역 수칙을 지키는 시민 여러분께 감사드립니다. ", 60)
	text := filler + "드라이브스루 선별진료소는 열 분 안에 검체를 채취합니다. " + filler
	q := Parse("선별진료소")
	segs := SnippetOfLong(text, q, 160)
	var hit bool
	var all strings.Builder
	for _, s := range segs {
		hit = hit || (s.Hit && s.Text == "선별진료소")
		all.WriteString(s.Text)
	}
	if !hit || !strings.HasPrefix(segs[0].Text, "…") || !strings.HasSuffix(segs[len(segs)-1].Text, "…") {
		t.Errorf("long text: %+v", segs)
	}
	if n := utf8.RuneCountInString(all.String()); n > 200 {
		t.Errorf("long text: a snippet of %d characters", n)
	}
	none := SnippetOfLong(text, Parse("zebrafish"), 160)
	if len(none) == 0 || none[0].Hit || !strings.HasPrefix(none[0].Text, "방역") || !strings.HasSuffix(none[len(none)-1].Text, "…") {
		t.Errorf("no match: %+v", none)
	}
	short := "Drive-through screening clinics."
	if got, want := SnippetOfLong(short, Parse("screening"), 160), Snippet(short, Parse("screening"), 160); !reflect.DeepEqual(got, want) {
		t.Errorf("short text: %+v, want %+v", got, want)
	}
}

// TestSnippetOfLongAsSnippet: on long texts of whole words, the window SnippetOfLong reads gives
// the very snippet Snippet cuts from the whole text, wherever the first match falls.
func TestSnippetOfLongAsSnippet(t *testing.T) {
	words := []string{"mask", "gown", "clinic", "tracing", "quarantine", "hotel", "city", "the", "of",
		"방역", "확진자가", "선별진료소", "격리", "병상을", "防疫", "旅館", "検疫所", "です。", "and,"}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 300 {
		var b strings.Builder
		for range 20 + rng.IntN(400) {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteString(" \n"[rng.IntN(2):][:1])
		}
		text := b.String()
		q := Parse(words[rng.IntN(len(words))])
		if got, want := SnippetOfLong(text, q, 160), Snippet(text, q, 160); !reflect.DeepEqual(got, want) {
			t.Fatalf("text %d, %v:\n got %+v\nwant %+v", i, q, got, want)
		}
	}
}
