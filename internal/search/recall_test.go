package search_test

import (
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/search"
	"github.com/citypact/citypact/internal/search/searchtest"
)

// TestRecall checks the normaliser against the labelled sample without a database: every document
// that holds a query's terms (after folding) must have each phrase's tokens adjacent and in order
// among its own tokens, which is what an FTS5 phrase or a tsquery <-> chain finds. It logs
// precision per language; the store runs the same sample through both engines.
func TestRecall(t *testing.T) {
	docs := searchtest.Documents()
	if len(docs) < 200 {
		t.Fatalf("sample has %d documents, want at least 200", len(docs))
	}
	index := make([]string, len(docs)) // " tok tok … tok " per document
	for i, d := range docs {
		index[i] = " " + strings.Join(search.Tokens(d.Text), " ") + " "
	}
	type tally struct{ queries, relevant, matched, both, inflected int }
	byLang := map[string]*tally{}
	for _, sq := range searchtest.Queries {
		q := search.Parse(sq.Text)
		if q.Empty() {
			t.Errorf("Parse(%q) is empty", sq.Text)
			continue
		}
		n := byLang[sq.Lang]
		if n == nil {
			n = &tally{}
			byLang[sq.Lang] = n
		}
		n.queries++
		relevant := 0
		for i, d := range docs {
			rel := searchtest.Relevant(d.Text, sq.Text)
			got := phraseMatch(index[i], q)
			if m := q.Matches(d.Text); m != got {
				t.Errorf("Parse(%q).Matches(%q) = %v, but its tokens say %v", sq.Text, d.Text, m, got)
			}
			if rel {
				relevant++
				n.relevant++
			}
			if got {
				n.matched++
			}
			if rel && got {
				n.both++
			}
			if rel && !got {
				t.Errorf("recall: %q (%s) misses document %d %q\nquery tokens %v\ndocument tokens%s",
					sq.Text, q.FTS5(), d.ID, d.Text, q.Phrases, index[i])
			}
			if sq.Lang == "en" && !rel && !got && strings.Contains(strings.ToLower(d.Text), strings.ToLower(strings.Trim(sq.Text, `"`))) {
				n.inflected++ // clinic inside clinics: no stemming
			}
		}
		if relevant == 0 {
			t.Errorf("query %q finds no document of the sample: it tests nothing", sq.Text)
		}
	}
	for _, lang := range []string{"ko", "zh", "ja", "en"} {
		n := byLang[lang]
		t.Logf("%s: %d queries, %d relevant pairs, %d matched, recall %.1f%%, precision %.1f%%, %d longer-word substrings not matched",
			lang, n.queries, n.relevant, n.matched, pct(n.both, n.relevant), pct(n.both, n.matched), n.inflected)
	}
}

// phraseMatch reports whether every phrase of q appears in index, a document's tokens joined and
// surrounded by single spaces. It is written apart from Query.Matches so that each checks the other.
func phraseMatch(index string, q search.Query) bool {
	for _, p := range q.Phrases {
		s := " " + strings.Join(p.Tokens, " ")
		if !p.Prefix {
			s += " "
		}
		if !strings.Contains(index, s) {
			return false
		}
	}
	return true
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

// TestIndexSize logs how long Index is against its input, per language of the sample.
func TestIndexSize(t *testing.T) {
	in, out := map[string]int{}, map[string]int{}
	for _, d := range searchtest.Documents() {
		in[d.Lang] += len(d.Text)
		out[d.Lang] += len(search.Index(d.Text))
	}
	for _, lang := range []string{"ko", "zh", "ja", "en"} {
		t.Logf("%s: input %d bytes, Index %d bytes, ratio %.2f", lang, in[lang], out[lang], float64(out[lang])/float64(in[lang]))
	}
}
