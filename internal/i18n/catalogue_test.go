package i18n

import (
	"bytes"
	"encoding/json"
	"go/build"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// mustReadCatalogue returns a language's messages as its file has them,
// without English fallbacks.
func mustReadCatalogue(t *testing.T, l Lang) map[string]string {
	t.Helper()
	m, err := readCatalogue(localeFiles, l)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCataloguesComplete(t *testing.T) {
	en := mustReadCatalogue(t, EN)
	for _, l := range Langs[1:] {
		tr := mustReadCatalogue(t, l)
		var missing, extra []string
		for k := range en {
			if _, ok := tr[k]; !ok {
				missing = append(missing, k)
			}
		}
		for k := range tr {
			if _, ok := en[k]; !ok {
				extra = append(extra, k)
			}
		}
		slices.Sort(missing)
		slices.Sort(extra)
		if len(missing) > 0 {
			t.Errorf("locales/%s lacks %d key(s) that en.json has; translate them:\n\t%s",
				l, len(missing), strings.Join(missing, "\n\t"))
		}
		if len(extra) > 0 {
			t.Errorf("locales/%s has %d key(s) that en.json lacks; remove or rename them:\n\t%s",
				l, len(extra), strings.Join(extra, "\n\t"))
		}
	}
}

// placeholderRE matches anything in braces, so a malformed placeholder
// ("{ id }", "{Id}") is caught by TestPlaceholderNames rather than ignored.
var placeholderRE = regexp.MustCompile(`\{[^{}]*\}`)

// placeholders returns the sorted, distinct placeholders in msg.
func placeholders(msg string) []string {
	ps := placeholderRE.FindAllString(msg, -1)
	slices.Sort(ps)
	return slices.Compact(ps)
}

func TestPlaceholdersMatch(t *testing.T) {
	en := mustReadCatalogue(t, EN)
	for _, l := range Langs[1:] {
		tr := mustReadCatalogue(t, l)
		for _, k := range slices.Sorted(maps.Keys(en)) {
			msg, ok := tr[k]
			if !ok {
				continue // TestCataloguesComplete reports it
			}
			want, got := placeholders(en[k]), placeholders(msg)
			if !slices.Equal(got, want) {
				t.Errorf("%s %q uses placeholders %v; English uses %v", l, k, got, want)
			}
		}
	}
}

var (
	keyRE         = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)
	placeholderOK = regexp.MustCompile(`^\{[a-z][a-z0-9_]*\}$`)
)

func TestKeyAndPlaceholderNames(t *testing.T) {
	for k, msg := range mustReadCatalogue(t, EN) {
		if !keyRE.MatchString(k) {
			t.Errorf("key %q: want lower-case dotted words, like \"pledge.form.title\"", k)
		}
		for _, p := range placeholders(msg) {
			if !placeholderOK.MatchString(p) {
				t.Errorf("%q: placeholder %s: want {lower_case_name}", k, p)
			}
		}
	}
}

func TestPluralsComplete(t *testing.T) {
	en := mustReadCatalogue(t, EN)
	for k := range en {
		base, ok := strings.CutSuffix(k, ".one")
		if ok {
			if _, ok := en[base+".other"]; !ok {
				t.Errorf("%q has no %q: N needs both forms", k, base+".other")
			}
		}
		base, ok = strings.CutSuffix(k, ".other")
		if ok {
			if _, ok := en[base+".one"]; !ok {
				t.Errorf("%q has no %q: N needs both forms", k, base+".one")
			}
		}
	}
}

func TestNoEmptyValues(t *testing.T) {
	for _, l := range Langs {
		for k, msg := range mustReadCatalogue(t, l) {
			if strings.TrimSpace(msg) == "" {
				t.Errorf("%s %q is empty", l, k)
			}
		}
	}
}

// TestNoDuplicateKeys catches a key written twice in one file, which
// encoding/json would silently resolve to the last, and a key in two files of
// a language, which readCatalogue refuses.
func TestNoDuplicateKeys(t *testing.T) {
	for _, l := range Langs {
		if _, err := readCatalogue(localeFiles, l); err != nil {
			t.Fatal(err)
		}
		names, err := fs.Glob(localeFiles, "locales/"+string(l)+"/*.json")
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			b, err := localeFiles.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(bytes.NewReader(b))
			seen := map[string]bool{}
			if _, err := dec.Token(); err != nil { // {
				t.Fatal(err)
			}
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					t.Fatal(err)
				}
				k := tok.(string)
				if seen[k] {
					t.Errorf("%s: key %q appears more than once", name, k)
				}
				seen[k] = true
				if _, err := dec.Token(); err != nil { // the value
					t.Fatal(err)
				}
			}
		}
	}
}

func TestReadCatalogueMergesFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/ko/a.json": {Data: []byte(`{"a.x": "가"}`)},
		"locales/ko/b.json": {Data: []byte(`{"b.y": "나"}`)},
	}
	m, err := readCatalogue(fsys, KO)
	if err != nil || len(m) != 2 || m["a.x"] != "가" || m["b.y"] != "나" {
		t.Fatalf("readCatalogue = %v, %v; want both files' keys", m, err)
	}
	fsys["locales/ko/c.json"] = &fstest.MapFile{Data: []byte(`{"a.x": "다"}`)}
	if _, err := readCatalogue(fsys, KO); err == nil || !strings.Contains(err.Error(), "a.json") {
		t.Errorf("a key in two files: err = %v, want one naming both files", err)
	}
	if _, err := readCatalogue(fsys, JA); err == nil {
		t.Error("a language without files: no error")
	}
}

func TestDecodeCatalogue(t *testing.T) {
	for _, bad := range []string{``, `null`, `[]`, `{"a": 1}`, `{"a": "x",}`, `{"a": {"b": "c"}}`} {
		if _, err := decodeCatalogue("locales/xx.json", []byte(bad)); err == nil {
			t.Errorf("decodeCatalogue(%q) succeeded, want an error", bad)
		} else if !strings.Contains(err.Error(), "locales/xx.json") {
			t.Errorf("decodeCatalogue(%q) error %q does not name the file", bad, err)
		}
	}
	m, err := decodeCatalogue("locales/xx.json", []byte(`{"a.b": "c"}`))
	if err != nil || m["a.b"] != "c" {
		t.Errorf("decodeCatalogue = %v, %v; want a.b: c", m, err)
	}
}

func TestWithFallback(t *testing.T) {
	en := map[string]string{"a": "A", "b": "B"}
	tr := map[string]string{"a": "가", "z": "extra"}
	got := withFallback(tr, en)
	want := map[string]string{"a": "가", "b": "B"}
	if !maps.Equal(got, want) {
		t.Errorf("withFallback = %v, want %v", got, want)
	}
}

func TestKeys(t *testing.T) {
	keys := Keys()
	if !slices.IsSorted(keys) {
		t.Errorf("Keys() is not sorted: %v", keys)
	}
	if !slices.Contains(keys, "members.count.one") || !slices.Contains(keys, "nav.home") {
		t.Errorf("Keys() = %v, want the English keys", keys)
	}
	if got, want := len(keys), len(mustReadCatalogue(t, EN)); got != want {
		t.Errorf("len(Keys()) = %d, want %d", got, want)
	}
	keys[0] = "changed"
	if Keys()[0] == "changed" {
		t.Error("Keys() returns shared storage; callers could corrupt it")
	}
}

// TestImports enforces the package comment: i18n is vocabulary, not a
// server or a store.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if imp == "net/http" || imp == "database/sql" || strings.HasPrefix(imp, "github.com/citypact/citypact/") {
			t.Errorf("package i18n imports %s; it must stay pure vocabulary", imp)
		}
	}
}
