package web

import (
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
)

func TestSlugList(t *testing.T) {
	got := slugList(" taipei, Tokyo、new-taipei，seoul\u3000busan;;")
	want := []string{"taipei", "tokyo", "new-taipei", "seoul", "busan"}
	if !slices.Equal(got, want) {
		t.Errorf("slugList = %q, want %q", got, want)
	}
}

// TestNameRows: the organisation form offers a row per interface language not yet named and one
// empty row, and a form sent back with errors does not grow a row each time.
func TestNameRows(t *testing.T) {
	rows := nameRows([]directory.Name{{Lang: "ko", Text: "서울특별시", Original: true}, {Lang: "fr", Text: "Séoul"}})
	var langs []string
	for i, r := range rows {
		if r.Index != i {
			t.Errorf("row %d has index %d", i, r.Index)
		}
		langs = append(langs, r.Lang)
	}
	if want := []string{"ko", "fr", "en", "zh-TW", "ja", ""}; !slices.Equal(langs, want) {
		t.Errorf("rows for %q, want %q", langs, want)
	}

	form := url.Values{"original": {"1"}}
	for _, r := range rows {
		form.Set("name_lang_"+r.Key(), r.Lang)
		form.Set("name_text_"+r.Key(), r.Text)
	}
	req := httptest.NewRequest("POST", "/orgs/seoul/edit", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := req.ParseForm(); err != nil {
		t.Fatal(err)
	}
	posted := postedNames(req)
	if again := nameRows(posted); len(again) != len(rows) {
		t.Errorf("a form sent back has %d rows, first %d", len(again), len(rows))
	}
	names := filledNames(posted)
	if len(names) != 2 || names[0].Original || !names[1].Original {
		t.Errorf("filled names %+v: want two, the second marked original as posted", names)
	}
	if one := filledNames([]directory.Name{{Lang: "en", Text: "Seoul"}, {Lang: "ko"}}); len(one) != 1 || !one[0].Original {
		t.Errorf("a single name is the original: %+v", one)
	}
}

func TestCountryOptions(t *testing.T) {
	for _, l := range i18n.Langs {
		opts := countryOptions(l)
		if len(opts) < 240 {
			t.Fatalf("%s: %d countries", l, len(opts))
		}
		found := false
		for _, o := range opts {
			if !directory.ValidCountry(o.Value) || o.Label == "" {
				t.Errorf("%s: option %+v", l, o)
			}
			found = found || (o.Value == "KR" && o.Label == directory.CountryName("KR", string(l)))
		}
		if !found {
			t.Errorf("%s: no Korea", l)
		}
	}
	if opts := presentCountries(i18n.EN, []string{"TW", "KR"}); len(opts) != 2 ||
		opts[0].Label != "South Korea" || opts[1].Label != "Taiwan" {
		t.Errorf("present countries %+v", opts)
	}
}
