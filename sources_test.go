package citypact_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sources reads the Go files that pattern names, tests left out, by their paths.
func sources(t *testing.T, pattern string) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no files match %s (%v)", pattern, err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = src
	}
	return out
}

// TestNoBoundLimit keeps LIMIT and OFFSET written out in the store's queries (sqlLimit): bound
// as parameters, they make SQLite compile a statement again at every run, which cost the practice
// page a quarter of its time. Queries are built in many places, so the source is what is read.
func TestNoBoundLimit(t *testing.T) {
	bound := regexp.MustCompile(`(?i)\b(LIMIT|OFFSET)\s+(\$|\?)`)
	for f, src := range sources(t, "internal/store/*.go") {
		for i, line := range strings.Split(string(src), "\n") {
			if bound.MatchString(line) {
				t.Errorf("%s:%d: a bound LIMIT or OFFSET: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
