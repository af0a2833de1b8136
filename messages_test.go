package citypact_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// errorKey finds the i18n keys errors are built with in code: a FieldError's Key, a field error
// helper's key after its field, and the keys of Conflict, Forbidden and TooMany.
var errorKey = regexp.MustCompile(`(?:Key: |fe\("[a-z_]+", |(?:Conflict|Forbidden|TooMany)\()"([a-z_]+\.[a-z_.]+)"`)

// TestErrorKeysInCatalogue: every error key in the code has a message in the English catalogue
// (the i18n tests check the other three have the same keys). A missing key would show users
// "practice.translations_full" instead of a sentence.
func TestErrorKeysInCatalogue(t *testing.T) {
	cats, err := filepath.Glob("internal/i18n/locales/en/*.json")
	if err != nil || len(cats) == 0 {
		t.Fatalf("no English catalogue files (%v)", err)
	}
	en := map[string]string{}
	for _, f := range cats {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &en); err != nil {
			t.Fatal(err)
		}
	}
	seen := 0
	for f, src := range sources(t, "internal/*/*.go") {
		for _, m := range errorKey.FindAllSubmatch(src, -1) {
			k := string(m[1])
			seen++
			if _, ok := en[k]; ok {
				continue
			}
			if _, ok := en[k+".other"]; ok {
				continue
			}
			t.Errorf("%s: error key %q has no message in the catalogue", f, k)
		}
	}
	if seen < 100 {
		t.Fatalf("found only %d error keys: the pattern no longer matches how errors are written", seen)
	}
}
