package directory

import (
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// ValidCountry reports whether code is an ISO 3166-1 alpha-2 country code ("KR", "TW").
func ValidCountry(code string) bool {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry() && r.String() == code
}

var namers sync.Map // UI language → display.Namer

// CountryName returns a country's name in a UI language ("ko" → 대한민국 for KR), or the code.
func CountryName(code, lang string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	n, ok := namers.Load(lang)
	if !ok {
		tag, err := language.Parse(lang)
		if err != nil {
			tag = language.English
		}
		n, _ = namers.LoadOrStore(lang, display.Regions(tag))
	}
	if name := n.(display.Namer).Name(r); name != "" {
		return name
	}
	return code
}
