package cases

import "testing"

func TestAreaForCode(t *testing.T) {
	tests := []struct {
		code string
		want Area // Code "" for no area
	}{
		{"KOR", Area{Code: "KOR", Kind: AreaCountry, Name: "South Korea", Country: "KR"}},
		{"KR", Area{Code: "KOR", Kind: AreaCountry, Name: "South Korea", Country: "KR"}},
		{"TWN", Area{Code: "TWN", Kind: AreaCountry, Name: "Taiwan", Country: "TW"}},
		{"JPN", Area{Code: "JPN", Kind: AreaCountry, Name: "Japan", Country: "JP"}},
		{"GBR", Area{Code: "GBR", Kind: AreaCountry, Name: "United Kingdom", Country: "GB"}},
		{"ATA", Area{Code: "ATA", Kind: AreaCountry, Name: "Antarctica", Country: "AQ"}},
		{"OWID_KOS", Area{Code: "OWID_KOS", Kind: AreaCountry, Name: "Kosovo", Country: "XK"}},
		{"XKX", Area{Code: "OWID_KOS", Kind: AreaCountry, Name: "Kosovo", Country: "XK"}},
		{"XK", Area{Code: "OWID_KOS", Kind: AreaCountry, Name: "Kosovo", Country: "XK"}},
		{"OWID_WRL", Area{Code: "OWID_WRL", Kind: AreaAggregate}},
		{"OWID_EU27", Area{Code: "OWID_EU27", Kind: AreaAggregate}},
		{"OWID_HIGH_INCOME", Area{Code: "OWID_HIGH_INCOME", Kind: AreaAggregate}},
		{"OWID_", Area{}},
		{"OWID_wrl", Area{}},
		{"OWID-WRL", Area{}},
		{"kor", Area{}},
		{"Kor", Area{}},
		{"KOREA", Area{}},
		{"", Area{}},
		{"ZZZ", Area{}},
		{"ZZ", Area{}},
		{"UK", Area{}},  // exceptionally reserved: GB is the United Kingdom
		{"EU", Area{}},  // not a country
		{"AC", Area{}},  // Ascension: reserved, not assigned
		{"BU", Area{}},  // Burma: deleted; MM
		{"ANT", Area{}}, // the Netherlands Antilles: deleted
		{"ROM", Area{}}, // Romania's old alpha-3: ROU
		{"001", Area{}},
	}
	for _, tt := range tests {
		got, ok := AreaForCode(tt.code)
		if ok != (tt.want.Code != "") || got != tt.want {
			t.Errorf("AreaForCode(%q) = %+v, %v; want %+v", tt.code, got, ok, tt.want)
		}
	}
	// Every ISO 3166-1 country, and Kosovo.
	if n := len(countryNames()); n != 250 {
		t.Errorf("%d country names; want 249 ISO countries and Kosovo", n)
	}
}

func TestCountryCodeByName(t *testing.T) {
	for name, want := range map[string]string{
		"South Korea": "KOR", "south korea": "KOR", "Bosnia and Herzegovina": "BIH", "Bosnia & Herzegovina": "BIH",
		"Saint Lucia": "LCA", "St. Lucia": "LCA", "Trinidad and Tobago": "TTO", "  Japan ": "JPN", "Kosovo": "OWID_KOS",
	} {
		if got, ok := CountryCodeByName(name); !ok || got != want {
			t.Errorf("CountryCodeByName(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"Atlantis", "Korea", ""} {
		if got, ok := CountryCodeByName(name); ok {
			t.Errorf("CountryCodeByName(%q) = %q", name, got)
		}
	}
}
