package search_test

import (
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/search"
	"github.com/citypact/citypact/internal/search/searchtest"
)

func sampleText() string {
	var b strings.Builder
	for _, d := range searchtest.Documents() {
		b.WriteString(d.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

func BenchmarkIndex(b *testing.B) {
	text := sampleText()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		search.Index(text)
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		search.Parse(`확진자 동선 "contact tracing" 臺北 防疫旅館`)
	}
}

func BenchmarkSnippet(b *testing.B) {
	text := sampleText()
	q := search.Parse("확진자 동선")
	for b.Loop() {
		search.Snippet(text, q, 160)
	}
}
