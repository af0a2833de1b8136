package practice

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/citypact/citypact"
)

// texts rebuilds both sides of field from parts.
func texts(parts []DiffPart, field string) (a, b string) {
	var sa, sb strings.Builder
	for _, p := range parts {
		if p.Field != field {
			continue
		}
		if p.Op != OpInsert {
			sa.WriteString(p.Text)
		}
		if p.Op != OpDelete {
			sb.WriteString(p.Text)
		}
	}
	return sa.String(), sb.String()
}

// show writes parts as "=equal -deleted +inserted" runs, for readable expectations.
func show(parts []DiffPart, field string) string {
	var out []string
	for _, p := range parts {
		if p.Field != field {
			continue
		}
		sign := map[Op]string{OpEqual: "=", OpDelete: "-", OpInsert: "+"}[p.Op]
		out = append(out, sign+p.Text)
	}
	return strings.Join(out, "|")
}

func TestDiff(t *testing.T) {
	a := Version{PracticeID: 1, Number: 1, Title: "Mask distribution at pharmacies",
		Summary: "Same summary.", Body: "Each person may buy two masks a week.\n\nBring your ID card."}
	b := Version{PracticeID: 1, Number: 2, Title: "Mask distribution at convenience stores",
		Summary: "Same summary.", Body: "Each person may buy three masks a week.\n\nBring your ID card or passport."}
	parts, err := Diff(a, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ field, want string }{
		{"title", "=Mask distribution at |-pharmacies|+convenience stores"},
		{"summary", "=Same summary."},
		{"body", "=Each person may buy |-two|+three|= masks a week.\n\nBring your ID card|+ or passport|=."},
	} {
		if got := show(parts, tt.field); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.field, got, tt.want)
		}
	}
	if Changed(parts, "summary") || !Changed(parts, "title") || !Changed(parts, "body") {
		t.Error("Changed")
	}
	// Whole words, never parts of them.
	for _, p := range parts {
		if p.Op != OpEqual && (strings.HasPrefix(p.Text, "ee") || p.Text == "o") {
			t.Errorf("split word: %q", p.Text)
		}
	}
}

func TestDiffCJK(t *testing.T) {
	a := Version{PracticeID: 1, Body: "口罩實名制，每人每週可購買兩片。"}
	b := Version{PracticeID: 1, Body: "口罩實名制，每人每週可購買三片。"}
	parts, _ := Diff(a, b)
	if got, want := show(parts, "body"), "=口罩實名制，每人每週可購買|-兩|+三|=片。"; got != want {
		t.Errorf("Chinese:\n got %q\nwant %q", got, want)
	}
	a = Version{PracticeID: 1, Body: "마스크는 약국에서 구입합니다"}
	b = Version{PracticeID: 1, Body: "마스크는 편의점에서 구입합니다"}
	parts, _ = Diff(a, b)
	if got, want := show(parts, "body"), "=마스크는 |-약국에서|+편의점에서|= 구입합니다"; got != want {
		t.Errorf("Korean:\n got %q\nwant %q", got, want)
	}
}

func TestDiffOtherPractice(t *testing.T) {
	_, err := Diff(Version{PracticeID: 1, Number: 1}, Version{PracticeID: 2, Number: 1})
	if citypact.KindOf(err) != citypact.KindInvalid || !slices.Equal(keys(err), []string{"to:practice.diff_other_practice"}) {
		t.Errorf("versions of two practices: %v", err)
	}
}

// TestDiffRebuilds checks, on random edits of random texts in several scripts, that the parts
// give back both versions exactly.
func TestDiffRebuilds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := []string{"mask", "masks", " ", "  ", "\n", ".", ",", "검사", "선별진료소", "口", "罩", "檢", "疫", "マスク", "ー", "\xff", "é", "e\u0301", "😷", "17.16", "-"}
	gen := func(n int) string {
		var sb strings.Builder
		for range n {
			sb.WriteString(vocab[rng.IntN(len(vocab))])
		}
		return sb.String()
	}
	for i := range 300 {
		a := gen(rng.IntN(60))
		bw := []string{}
		for _, w := range splitWords(a) {
			switch rng.IntN(6) {
			case 0: // drop
			case 1:
				bw = append(bw, gen(2))
			default:
				bw = append(bw, w)
			}
		}
		b := strings.Join(bw, "") + gen(rng.IntN(3))
		parts, err := Diff(Version{PracticeID: 9, Body: a, Title: b}, Version{PracticeID: 9, Body: b, Title: a})
		if err != nil {
			t.Fatal(err)
		}
		if ga, gb := texts(parts, "body"); ga != a || gb != b {
			t.Fatalf("case %d body: rebuilt %q / %q from %q / %q", i, ga, gb, a, b)
		}
		if ga, gb := texts(parts, "title"); ga != b || gb != a {
			t.Fatalf("case %d title: rebuilt %q / %q", i, ga, gb)
		}
		for j := 1; j < len(parts); j++ {
			if parts[j].Field == parts[j-1].Field && parts[j].Op == parts[j-1].Op {
				t.Fatalf("case %d: adjacent parts of one kind: %q %q", i, parts[j-1].Text, parts[j].Text)
			}
		}
	}
}

func TestSplitWords(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"Hello, world  again", []string{"Hello", ",", " ", "world", "  ", "again"}},
		{"口罩實名制", []string{"口", "罩", "實", "名", "制"}},
		{"マスクを配布", []string{"マ", "ス", "ク", "を", "配", "布"}},
		{"마스크는 약국", []string{"마스크는", " ", "약국"}},
		{"COVID-19", []string{"COVID", "-", "19"}},
	} {
		if got := splitWords(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkDiffLargeBody(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	words := strings.Fields("screening testing masks quarantine hotel contact tracing vaccination schedule district office 선별진료소 검사 口罩 檢疫")
	var sa, sb strings.Builder
	for sa.Len() < MaxBodyBytes-100 {
		w := words[rng.IntN(len(words))]
		sa.WriteString(w + " ")
		if rng.IntN(20) == 0 {
			sb.WriteString(words[rng.IntN(len(words))] + " ")
		} else {
			sb.WriteString(w + " ")
		}
	}
	va, vb := Version{PracticeID: 1, Body: sa.String()}, Version{PracticeID: 1, Body: sb.String()}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Diff(va, vb); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzDiff(f *testing.F) {
	f.Add("Mask distribution at pharmacies", "Mask distribution at convenience stores")
	f.Add("口罩實名制，每人每週可購買兩片。", "口罩實名制，每人每週可購買三片。")
	f.Add("a\xffb", "a\xfeb")
	f.Fuzz(func(t *testing.T, a, b string) {
		parts, err := Diff(Version{PracticeID: 1, Body: a}, Version{PracticeID: 1, Body: b})
		if err != nil {
			t.Fatal(err)
		}
		if ga, gb := texts(parts, "body"); ga != a || gb != b {
			t.Fatalf("rebuilt %q / %q from %q / %q", ga, gb, a, b)
		}
	})
}
