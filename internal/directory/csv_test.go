package directory

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var testRegions = []string{"asia-pacific", "europe", "international"}

func sampleOrgs() []Organisation {
	return []Organisation{
		{Slug: "seoul", Kind: KindCity, Name: "서울특별시", Names: []Name{
			{Lang: "en", Text: "Seoul, Korea"}, {Lang: "ko", Text: "서울특별시", Original: true}, {Lang: "zh-TW", Text: "首爾"}, {Lang: "ja", Text: "ソウル"},
		}, Country: "KR", Region: "asia-pacific", Population: 9_500_000, PopulationYear: 2020, PopulationSource: "KOSIS",
			Lat: 37.5665, Lon: 126.978, HasLocation: true, Website: "https://english.seoul.go.kr/",
			Description: "Capital of Korea.\n\n- member of \"CityNet\"\n- =not a formula", Source: "Reference document, p. 3"},
		{Slug: "munich", Kind: KindCity, Name: "München", Names: []Name{{Lang: "en", Text: "Munich"}, {Lang: "de", Text: "München", Original: true}},
			Country: "DE", Region: "europe", Lat: 48.1372, Lon: -11.5756, HasLocation: true},
		{Slug: "who", Kind: KindInternational, Name: "World Health Organization", Names: []Name{{Lang: "en", Text: "World Health Organization", Original: true}},
			Region: "international", Description: "@mention +1 -1 'quoted'"},
	}
}

func TestOrganisationsCSVRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := WriteOrganisationsCSV(&b, sampleOrgs()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "\uFEFFslug,kind,name_en,") || !strings.Contains(out, "\r\n") {
		t.Errorf("no byte-order mark, header or CRLF:\n%s", out)
	}
	if !strings.Contains(out, `"Seoul, Korea"`) || !strings.Contains(out, ",'@mention") || !strings.Contains(out, ",-11.5756,") {
		t.Errorf("quoting or neutralisation is not as expected:\n%s", out)
	}
	got, err := ReadOrganisationsCSV(&b, "orgs.csv", testRegions)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleOrgs()
	for i := range want {
		want[i].Normalize()
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, want)
	}
}

func TestReadOrganisationsCSVLenient(t *testing.T) {
	// A byte-order mark, CRLF, columns in another order and in capitals, names only in Korean,
	// a lower-case country, a slug to make from the English name, and padding around cells.
	in := "\uFEFFKind,name_ko,Name_EN,country,original_lang\r\n" +
		"city,부산광역시, Busan ,kr,ko\r\n" +
		"city,대구,Daegu,KR,\r\n" +
		"\r\n" + // blank lines are skipped
		"City,Incheon,,KR,\r\n"
	got, err := ReadOrganisationsCSV(strings.NewReader(in), "x.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d organisations, want 3: %+v", len(got), got)
	}
	busan := got[0]
	if busan.Slug != "busan" || busan.Name != "부산광역시" || busan.Country != "KR" || busan.NameIn("en") != "Busan" || busan.Original().Lang != "ko" {
		t.Errorf("busan = %+v", busan)
	}
	if got[1].Original().Lang != "en" || got[1].Name != "Daegu" {
		t.Errorf("without original_lang the English name is the original: %+v", got[1])
	}
	if got[2].Original().Lang != "ko" || got[2].Slug != "incheon" || got[2].Kind != KindCity {
		t.Errorf("the only name is the original: %+v", got[2])
	}
}

func TestReadOrganisationsCSVNoSlugFromHangul(t *testing.T) {
	in := "kind,name_ko,country\ncity,인천,KR\n"
	_, err := ReadOrganisationsCSV(strings.NewReader(in), "x.csv", nil)
	wantProblems(t, err, "x.csv:2:2: slug: ")
}

// wantProblems checks that err is an *ImportError whose lines start with these prefixes, in order.
func wantProblems(t *testing.T, err error, prefixes ...string) *ImportError {
	t.Helper()
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T), want an *ImportError", err, err)
	}
	lines := ie.Lines()
	if len(lines) != len(prefixes) {
		t.Fatalf("problems:\n%s\nwant %d starting %q", strings.Join(lines, "\n"), len(prefixes), prefixes)
	}
	for i, p := range prefixes {
		if !strings.HasPrefix(lines[i], p) {
			t.Errorf("problem %d = %q, want it to start %q", i, lines[i], p)
		}
		if m := ie.Problems[i].Message; m == "" {
			t.Errorf("problem %d has no message", i)
		}
	}
	return ie
}

func TestReadOrganisationsCSVProblems(t *testing.T) {
	const header = "slug,kind,name_en,country,region,population,population_year,lat,lon,website\n"
	for _, tc := range []struct {
		name, in string
		want     []string // prefixes of the problem lines
		keys     []string
	}{
		{"bad country", header + "seoul,city,Seoul,KR,,,,,,\nbusan,city,Busan,XX,,,,,,\n",
			[]string{"f.csv:3:4: country: "}, []string{"org.country_invalid"}},
		{"quoted name with a comma on the line before", header + "seoul,city,\"Seoul, Korea\",KR,,,,,,\n\"busan\",city,\"Busan\nMetropolitan City\",ZZ,,,,,,\n",
			[]string{"f.csv:4:4: country: "}, []string{"org.country_invalid"}}, // the line the field is on
		{"empty name", header + "seoul,city,,KR,,,,,,\n",
			[]string{"f.csv:2:3: name_en: "}, []string{"field.required"}},
		{"bad kind, region, numbers, location and website", header + "x,village,X,KR,mars,many,1700,91,,javascript:alert(1)\n",
			[]string{"f.csv:2:6: population: ", "f.csv:2:9: lon: ", "f.csv:2:2: kind: ", "f.csv:2:5: region: ", "f.csv:2:10: website: "},
			[]string{"field.invalid", "org.location_invalid", "field.choice", "field.choice", "url.invalid"}},
		{"population without a year", header + "x,city,X,KR,,100,,,,\n",
			[]string{"f.csv:2:7: population_year: "}, []string{"field.range"}},
		{"population year not a number", header + "x,city,X,KR,,100,last year,,,\n",
			[]string{"f.csv:2:7: population_year: "}, []string{"field.range"}},
		{"latitude out of range", header + "x,city,X,KR,,,,91,0,\n",
			[]string{"f.csv:2:8: lat: "}, []string{"org.location_invalid"}},
		{"not a number", header + "x,city,X,KR,,,,NaN,0,\n",
			[]string{"f.csv:2:8: lat: "}, []string{"org.location_invalid"}},
		{"duplicate slug", header + "seoul,city,Seoul,KR,,,,,,\ntaipei,city,Taipei,TW,,,,,,\nSeoul,city,Seoul again,KR,,,,,,\n",
			[]string{"f.csv:4:1: slug: "}, []string{"import.slug_twice"}},
		{"duplicate derived slug", "kind,name_en,country\ncity,New Taipei,TW\ncity,new  taipei,TW\n",
			[]string{"f.csv:3:2: slug: "}, []string{"import.slug_twice"}},
		{"missing columns", "slug,country\nseoul,KR\n",
			[]string{"f.csv:1:1: kind: ", "f.csv:1:1: name_en: "}, []string{"import.column_missing", "import.names_missing"}},
		{"empty file", "",
			[]string{"f.csv:1:1: kind: ", "f.csv:1:1: name_en: "}, []string{"import.column_missing", "import.names_missing"}},
		{"unknown and repeated columns", "slug,kind,name_en,mayor,kind\n",
			[]string{"f.csv:1:4: mayor: ", "f.csv:1:5: kind: "}, []string{"import.column_unknown", "import.column_twice"}},
		{"wrong number of fields", header + "seoul,city,Seoul,KR,,,,,,,extra\ntaipei,city,Taipei\nbusan,city,Busan,XX,,,,,,\n",
			[]string{"f.csv:2:11: ", "f.csv:3:4: ", "f.csv:4:4: country: "}, []string{"import.field_count", "import.field_count", "org.country_invalid"}},
		{"bare quote", header + "seoul,city,Se\"oul,KR,,,,,,\n",
			[]string{"f.csv:2:"}, []string{"import.quote"}},
		{"not UTF-8", header + "seoul,city,Seoul,KR,,,,,,\nmunchen,city,M\xfcnchen,DE,,,,,,\n",
			[]string{"f.csv:3:3: name_en: "}, []string{"import.not_utf8"}},
		{"UTF-16", "\xff\xfes\x00l\x00u\x00g\x00\n\x00",
			[]string{"f.csv:1:1: "}, []string{"import.not_utf8"}},
		{"original name in another language missing", "kind,name_en,country,original_lang\ncity,Munich,DE,de\n",
			[]string{"f.csv:2:2: original_name: "}, []string{"field.required"}},
		{"original name differs", "kind,name_en,country,original_lang,original_name\ncity,Munich,DE,en,München\n",
			[]string{"f.csv:2:5: original_name: "}, []string{"import.original_differs"}},
		{"bad original language", "kind,name_en,country,original_lang,original_name\ncity,Munich,DE,Deutsch!,München\n",
			[]string{"f.csv:2:4: original_lang: "}, []string{"org.name_lang_invalid"}},
		{"no original among several names", "kind,name_ko,name_ja,country\ncity,서울,ソウル,KR\n",
			[]string{"f.csv:2:2: original_lang: ", "f.csv:2:2: slug: "}, []string{"field.required", "field.required"}},
		{"name too long", "kind,name_en,name_ja,country\ncity,Seoul," + strings.Repeat("ソ", 201) + ",KR\n",
			[]string{"f.csv:2:3: name_ja: "}, []string{"field.too_long"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orgs, err := ReadOrganisationsCSV(strings.NewReader(tc.in), "f.csv", testRegions)
			if orgs != nil {
				t.Errorf("returned %d organisations despite problems", len(orgs))
			}
			ie := wantProblems(t, err, tc.want...)
			var keys []string
			for _, p := range ie.Problems {
				keys = append(keys, p.Key)
			}
			if !slices.Equal(keys, tc.keys) {
				t.Errorf("keys %v, want %v", keys, tc.keys)
			}
		})
	}
}

func TestReadOrganisationsCSVCapsProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("slug,kind,name_en,country\n")
	for i := range 150 {
		fmt.Fprintf(&b, "city-%d,city,City %d,XX\n", i, i)
	}
	orgs, err := ReadOrganisationsCSV(strings.NewReader(b.String()), "f.csv", nil)
	var ie *ImportError
	if !errors.As(err, &ie) || orgs != nil {
		t.Fatalf("err %v, %d orgs", err, len(orgs))
	}
	if len(ie.Problems) != MaxImportProblems || !ie.Truncated {
		t.Errorf("%d problems, truncated %v; want %d and true", len(ie.Problems), ie.Truncated, MaxImportProblems)
	}
	if last := ie.Problems[len(ie.Problems)-1]; last.Line != 101 {
		t.Errorf("last problem on line %d, want 101", last.Line)
	}
	if !strings.HasSuffix(ie.Error(), "more than 100 problems; the rest are not listed") {
		t.Errorf("Error() does not say there were more:\n…%s", ie.Error()[len(ie.Error())-200:])
	}
}

func TestReadOrganisationsCSVOneBadRowReturnsNothing(t *testing.T) {
	var b bytes.Buffer
	orgs := sampleOrgs()
	orgs[1].Country = "XX"
	if err := WriteOrganisationsCSV(&b, orgs); err != nil {
		t.Fatal(err)
	}
	got, err := ReadOrganisationsCSV(&b, "f.csv", testRegions)
	if got != nil {
		t.Errorf("returned %d organisations", len(got))
	}
	// Seoul's description spans three lines, so Munich is on line 6.
	wantProblems(t, err, "f.csv:6:9: country: ")
}

func TestReadOrganisationsCSVTooManyRows(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 50,001 rows")
	}
	var b strings.Builder
	b.WriteString("slug,kind,name_en\n")
	for i := range MaxImportRows + 1 {
		fmt.Fprintf(&b, "org-%d,ngo,Org %d\n", i, i)
	}
	_, err := ReadOrganisationsCSV(strings.NewReader(b.String()), "f.csv", nil)
	ie := wantProblems(t, err, fmt.Sprintf("f.csv:%d:1: ", MaxImportRows+2))
	if ie.Problems[0].Key != "import.too_many_rows" {
		t.Errorf("key %q", ie.Problems[0].Key)
	}
}

// FuzzReadOrganisationsCSV feeds arbitrary bytes to the reader: it must never panic, and it
// returns either organisations that validate or an *ImportError, never both.
func FuzzReadOrganisationsCSV(f *testing.F) {
	var b bytes.Buffer
	WriteOrganisationsCSV(&b, sampleOrgs())
	f.Add(b.Bytes())
	f.Add([]byte("kind,name_en,country\ncity,Seoul,KR\n"))
	f.Add([]byte("kind,name_en\n\"a\"b,c\n"))
	f.Add([]byte("\xef\xbb\xbfkind,name_ko,original_lang,original_name\r\ncity,서울,de,x\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		orgs, err := ReadOrganisationsCSV(bytes.NewReader(in), "f.csv", testRegions)
		var ie *ImportError
		if err != nil {
			if !errors.As(err, &ie) || orgs != nil || len(ie.Problems) == 0 || len(ie.Problems) > MaxImportProblems {
				t.Fatalf("orgs %v, err %v", orgs, err)
			}
			for _, p := range ie.Problems {
				if p.Line < 1 || p.Column < 1 || p.Message == "" {
					t.Fatalf("problem %+v", p)
				}
			}
			return
		}
		seen := map[string]bool{}
		for _, o := range orgs {
			if err := o.Validate(testRegions); err != nil || seen[o.Slug] {
				t.Fatalf("returned an invalid or repeated organisation %+v: %v", o, err)
			}
			seen[o.Slug] = true
		}
		// What was read writes and reads back the same.
		var out bytes.Buffer
		if err := WriteOrganisationsCSV(&out, orgs); err != nil {
			t.Fatal(err)
		}
		again, err := ReadOrganisationsCSV(&out, "again.csv", testRegions)
		if err != nil || !reflect.DeepEqual(again, orgs) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, again, orgs)
		}
	})
}
