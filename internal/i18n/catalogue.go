package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sync"
)

// The catalogues: per language a folder named after the Lang ("zh-TW"), of
// flat JSON objects of key → message, one file per area of the interface
// ("board.json"), so that work on one area touches its own files. A language's
// catalogue is the union of its files; a key in two files is an error.
//
//go:embed locales/*/*.json
var localeFiles embed.FS

// readCatalogue returns a language's messages exactly as its files in fsys have them.
func readCatalogue(fsys fs.FS, l Lang) (map[string]string, error) {
	names, err := fs.Glob(fsys, "locales/"+string(l)+"/*.json")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("locales/%s: no catalogue files", l)
	}
	all := map[string]string{}
	from := map[string]string{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		m, err := decodeCatalogue(name, b)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			if other, dup := from[k]; dup {
				return nil, fmt.Errorf("%s: key %q is also in %s", name, k, other)
			}
			all[k], from[k] = v, name
		}
	}
	return all, nil
}

// decodeCatalogue parses a catalogue file: one JSON object whose values are
// all strings.
func decodeCatalogue(name string, b []byte) (map[string]string, error) {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%s: not a JSON object", name)
	}
	return m, nil
}

// loaded is what the embedded catalogues become on first use.
type loaded struct {
	translators [len(langs)]*Translator // index for index with langs
	keys        []string                // English keys, sorted
}

// catalogues parses the embedded files once, on first use. A file that does
// not parse is a programmer error, caught by the package's tests, so it
// panics rather than making every caller handle an error.
//
// A key English has and a translation lacks gets the English text, so a
// half-translated release shows English rather than ⟦key⟧ to readers;
// TestCataloguesComplete keeps such a release from passing CI. Keys English
// lacks are dropped.
var catalogues = sync.OnceValue(func() *loaded {
	en, err := readCatalogue(localeFiles, EN)
	if err != nil {
		panic("i18n: embedded catalogue is broken: " + err.Error())
	}
	var c loaded
	for i, l := range langs {
		msgs := en
		if l != EN {
			tr, err := readCatalogue(localeFiles, l)
			if err != nil {
				panic("i18n: embedded catalogue is broken: " + err.Error())
			}
			msgs = withFallback(tr, en)
		}
		c.translators[i] = &Translator{lang: l, msgs: msgs, hasOne: l == EN}
	}
	c.keys = slices.Sorted(maps.Keys(en))
	return &c
})

// withFallback returns tr restricted to en's keys, with en's message for
// each key tr lacks.
func withFallback(tr, en map[string]string) map[string]string {
	m := make(map[string]string, len(en))
	for k, v := range en {
		if s, ok := tr[k]; ok {
			v = s
		}
		m[k] = v
	}
	return m
}

// Keys returns the English catalogue's keys, sorted: every key a template or
// handler may pass to [Translator.T]. Plural keys appear with their suffix
// ("members.count.one", "members.count.other"). The slice is the caller's.
func Keys() []string {
	return slices.Clone(catalogues().keys)
}
