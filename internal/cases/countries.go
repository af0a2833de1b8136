package cases

import (
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Countries are areas coded by ISO 3166-1 alpha-3 ("KOR"), with their alpha-2 code as Country
// ("KR"). The code list and the English names come from golang.org/x/text (CLDR), so that no
// table of 249 countries has to be kept by hand here.
//
// Kosovo has no ISO code. OWID writes it OWID_KOS (XKX in its 2020 files), CLDR XK; all three
// give the area OWID_KOS, a country with Country "XK". Other codes of the form OWID_… are Our
// World in Data's own groupings (OWID_WRL for the world, OWID_EUR for Europe…): aggregates.

// KosovoCode is the area code of Kosovo.
const KosovoCode = "OWID_KOS"

// notAssigned are two-letter codes CLDR knows as regions but ISO 3166-1 does not assign to a
// country: exceptionally reserved ones (AC Ascension, CP Clipperton, DG Diego Garcia, TA Tristan
// da Cunha) and the deleted ones of ISO 3166-3 that CLDR still names (BU Burma, DD East Germany,
// ZR Zaire…). XK is handled as Kosovo before this list is consulted.
var notAssigned = map[string]bool{
	"AC": true, "BU": true, "CP": true, "CT": true, "DD": true, "DG": true, "DY": true, "FX": true,
	"HV": true, "JT": true, "MI": true, "NH": true, "NQ": true, "PU": true, "PZ": true, "RH": true,
	"TA": true, "TP": true, "VD": true, "WK": true, "XK": true, "YD": true, "ZR": true,
}

// AreaForCode returns the area a country or aggregate code stands for in OWID's files, the API
// and the command line: an ISO 3166-1 country code, alpha-3 ("KOR") or alpha-2 ("KR"), gives the
// country (Code "KOR", Country "KR", Kind AreaCountry, Name its English name); OWID_KOS, XKX and
// XK give Kosovo; any other code matching ^OWID_[A-Z0-9_]+$ gives an aggregate, with no name
// (the file names it). Codes must be upper case. ok is false for anything else.
func AreaForCode(code string) (a Area, ok bool) {
	switch code {
	case KosovoCode, "XKX", "XK":
		return Area{Code: KosovoCode, Kind: AreaCountry, Name: "Kosovo", Country: "XK"}, true
	}
	if isOWIDAggregate(code) {
		return Area{Code: code, Kind: AreaAggregate}, true
	}
	if (len(code) != 2 && len(code) != 3) || !isUpper(code) {
		return Area{}, false
	}
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() || notAssigned[r.String()] {
		return Area{}, false
	}
	a2, a3 := r.String(), r.ISO3()
	if (len(code) == 2 && a2 != code) || (len(code) == 3 && a3 != code) || len(a2) != 2 || len(a3) != 3 || a3 == "ZZZ" {
		return Area{}, false // a deprecated or reserved code that CLDR maps onto another
	}
	name := display.English.Regions().Name(r)
	if name == "" {
		return Area{}, false
	}
	return Area{Code: a3, Kind: AreaCountry, Name: name, Country: a2}, true
}

// isOWIDAggregate reports whether code matches ^OWID_[A-Z0-9_]+$ (and is not Kosovo).
func isOWIDAggregate(code string) bool {
	rest, ok := strings.CutPrefix(code, "OWID_")
	if !ok || rest == "" || code == KosovoCode {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func isUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// countryNames maps the normalised English (CLDR) name of every ISO 3166-1 country to its
// alpha-3 code, built on first use.
var countryNames = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, 260)
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			if area, ok := AreaForCode(string([]byte{a, b})); ok && area.Kind == AreaCountry {
				m[normaliseName(area.Name)] = area.Code
			}
		}
	}
	return m
})

// CountryCodeByName returns the alpha-3 code of a country from its English name as CLDR writes
// it ("South Korea", "Bosnia & Herzegovina", "St. Lucia"; case, "&" for "and" and "St." for
// "Saint" do not matter). Sources that spell countries their own way keep a table of their own
// (see the JHU reader).
func CountryCodeByName(name string) (string, bool) {
	code, ok := countryNames()[normaliseName(name)]
	return code, ok
}

// normaliseName lowers a country name and writes "&" as "and" and "St." as "Saint".
func normaliseName(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	s = strings.ReplaceAll(s, " & ", " and ")
	if rest, ok := strings.CutPrefix(s, "st. "); ok {
		s = "saint " + rest
	}
	return s
}
