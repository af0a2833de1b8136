package directory

import (
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
)

var regionKeys = []string{"asia-pacific", "europe"}

func fieldKeys(err error) []string {
	var out []string
	for _, f := range citypact.FieldsOf(err) {
		out = append(out, f.Field+":"+f.Key)
	}
	return out
}

func hasKey(err error, want string) bool {
	for _, k := range fieldKeys(err) {
		if k == want {
			return true
		}
	}
	return false
}

func TestOrganisationValidate(t *testing.T) {
	good := func() Organisation {
		return Organisation{Slug: "seoul", Kind: KindCity, Country: "KR", Region: "asia-pacific",
			Names: []Name{{Lang: "ko", Text: "서울특별시", Original: true}, {Lang: "en", Text: "Seoul"}}}
	}
	tests := []struct {
		name   string
		change func(*Organisation)
		want   string // "" for valid
	}{
		{"valid", func(*Organisation) {}, ""},
		{"country lower case is normalised", func(o *Organisation) { o.Country = "kr" }, ""},
		{"unknown country", func(o *Organisation) { o.Country = "XX" }, "country:org.country_invalid"},
		{"not a country", func(o *Organisation) { o.Country = "EU" }, "country:org.country_invalid"},
		{"three letters", func(o *Organisation) { o.Country = "KOR" }, "country:org.country_invalid"},
		{"empty name", func(o *Organisation) { o.Names = nil; o.Name = "" }, "name:field.required"},
		{"over-long name", func(o *Organisation) { o.Names[0].Text = strings.Repeat("서", MaxNameLen+1) }, "name:field.too_long"},
		{"two originals", func(o *Organisation) { o.Names[1].Original = true }, "names:org.one_original"},
		{"two names in one language", func(o *Organisation) { o.Names[1].Lang = "ko" }, "names:org.name_lang_invalid"},
		{"bad slug", func(o *Organisation) { o.Slug = "Seoul City!" }, "slug:org.slug_invalid"},
		{"reserved slug", func(o *Organisation) { o.Slug = "new" }, "slug:org.slug_invalid"},
		{"unknown kind", func(o *Organisation) { o.Kind = "planet" }, "kind:field.choice"},
		{"unknown region", func(o *Organisation) { o.Region = "atlantis" }, "region:field.choice"},
		{"javascript website", func(o *Organisation) { o.Website = "javascript:alert(1)" }, "website:url.invalid"},
		{"latitude out of range", func(o *Organisation) { o.HasLocation, o.Lat = true, 91 }, "location:org.location_invalid"},
		{"population without year", func(o *Organisation) { o.Population = 9_000_000 }, "population_year:field.range"},
		{"negative population", func(o *Organisation) { o.Population = -1 }, "population:field.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := good()
			tt.change(&o)
			o.Normalize()
			err := o.Validate(regionKeys)
			if tt.want == "" {
				if err != nil {
					t.Errorf("refused: %v", fieldKeys(err))
				}
				return
			}
			if !hasKey(err, tt.want) {
				t.Errorf("got %v, want %s", fieldKeys(err), tt.want)
			}
		})
	}
}

func TestRelationsValidate(t *testing.T) {
	network := Organisation{ID: 1, Kind: KindNetwork}
	city := Organisation{ID: 1, Kind: KindCity}
	day := time.Date(2021, 10, 12, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"membership in a city", (&Membership{NetworkID: 1, MemberID: 2, Role: RoleMember}).Validate(city), "network:membership.not_a_network"},
		{"member of itself", (&Membership{NetworkID: 1, MemberID: 1, Role: RoleMember}).Validate(network), "member:membership.self"},
		{"until before since", (&Membership{NetworkID: 1, MemberID: 2, Role: RoleMember, Since: day, Until: day.AddDate(0, 0, -1)}).Validate(network), "until:date.before_since"},
		{"unknown role", (&Membership{NetworkID: 1, MemberID: 2, Role: "king"}).Validate(network), "role:field.choice"},
		{"tie to itself", (&Tie{A: 3, B: 3, Kind: TieSister}).Validate(), "partner:tie.self"},
		{"tie kind", (&Tie{A: 3, B: 4, Kind: "rival"}).Validate(), "kind:field.choice"},
		{"entry with one party", (&TimelineEntry{Date: day, Kind: EntryVisit, Title: "x", Parties: []int64{1}}).Validate(), "parties:timeline.two_parties"},
		{"entry with a javascript link", (&TimelineEntry{Date: day, Kind: EntryVisit, Title: "x", Parties: []int64{1, 2}, Links: []string{"javascript:x"}}).Validate(), "links:url.invalid"},
		{"contact without a name", (&Contact{Title: TitleMayor}).Validate(), "name:field.required"},
		{"contact e-mail header injection", (&Contact{Name: "x", Title: TitleMayor, Email: "a@b.example\r\nBcc: c@d"}).Validate(), "email:email.invalid"},
	}
	for _, tt := range tests {
		if !hasKey(tt.err, tt.want) {
			t.Errorf("%s: got %v, want %s", tt.name, fieldKeys(tt.err), tt.want)
		}
	}
	if err := (&Membership{NetworkID: 1, MemberID: 2, Role: RoleObserver, Since: day}).Validate(network); err != nil {
		t.Errorf("a good membership refused: %v", fieldKeys(err))
	}
}

func TestCountryNames(t *testing.T) {
	for lang, want := range map[string]string{"en": "South Korea", "ko": "대한민국", "ja": "韓国"} {
		if got := CountryName("KR", lang); got != want {
			t.Errorf("CountryName(KR, %s) = %q, want %q", lang, got, want)
		}
	}
	if got := CountryName("TW", "zh-TW"); got != "台灣" {
		t.Errorf("CountryName(TW, zh-TW) = %q", got)
	}
}
