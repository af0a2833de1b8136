package cases

import (
	"encoding/csv"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const (
	jhuFinal    = "jhu-csse-covid-19/final-2023-03-09/"
	jhuUpstream = "jhu-csse-covid-19/upstream-2020-03-26/"
)

// readCSV reads a whole CSV file with encoding/csv, to check the reader against.
func readCSV(t testing.TB, r io.Reader) [][]string {
	t.Helper()
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestJHURealFiles(t *testing.T) {
	tests := []struct {
		file     string
		metric   Metric
		obs      int // countries × days
		skipped  int
		korea    int64 // "Korea, South" on 3/1/20
		lastDay  string
		lastKR   int64 // and on the last day
		koreaRow int   // its line
	}{
		// 197 countries: 201 names less Diamond Princess, MS Zaandam and the two Olympics; skipped
		// are those four rows and the 33 territories of Denmark, France, the Netherlands, New
		// Zealand and the United Kingdom.
		{jhuFinal + "time_series_covid19_confirmed_global.csv", TotalCases, 197 * 1143, 37, 3736, "2023-03-09", 30615522, 164},
		{jhuFinal + "time_series_covid19_deaths_global.csv", TotalDeaths, 197 * 1143, 37, 17, "2023-03-09", 34093, 164},
		// 174 countries of 175 names (less Diamond Princess); 20 territories.
		{jhuUpstream + "time_series_covid19_confirmed_global.csv", TotalCases, 174 * 65, 21, 3736, "2020-03-26", 9241, 145},
		{jhuUpstream + "time_series_covid19_deaths_global.csv", TotalDeaths, 174 * 65, 21, 17, "2020-03-26", 131, 145},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, err := JHUMetric(tt.file)
			if err != nil || m != tt.metric {
				t.Fatalf("JHUMetric = %v, %v; want %v", m, err, tt.metric)
			}
			rd := NewJHUReader(tt.file, openData(t, tt.file), m)
			obs := readAll(t, rd)
			if len(rd.Problems()) != 0 { // every country name maps
				t.Fatalf("problems: %q", problemLines(rd))
			}
			if len(obs) != tt.obs || rd.Skipped() != tt.skipped {
				t.Errorf("%d observations, %d skipped; want %d, %d", len(obs), rd.Skipped(), tt.obs, tt.skipped)
			}
			get := func(code, day string) (Observation, int64) {
				d := mustDay(t, day)
				i := slices.IndexFunc(obs, func(o Observation) bool { return o.Area == code && o.Day == d })
				if i < 0 {
					t.Fatalf("no observation of %s on %s", code, day)
				}
				v, ok := obs[i].Get(m)
				if !ok || obs[i].Has != 1<<m {
					t.Errorf("%s on %s has metrics %b; want only %v", code, day, obs[i].Has, m)
				}
				return obs[i], v
			}
			if o, v := get("KOR", "2020-03-01"); v != tt.korea || o.Pos.Line != tt.koreaRow || o.Pos.Column != 44 {
				t.Errorf("KOR 2020-03-01 = %d at %v; want %d at line %d, column 44 (3/1/20)", v, o.Pos, tt.korea, tt.koreaRow)
			}
			if _, v := get("KOR", tt.lastDay); v != tt.lastKR {
				t.Errorf("KOR %s = %d; want %d", tt.lastDay, v, tt.lastKR)
			}
			for _, code := range []string{"TWN", "USA", "COD", "PSE", "VAT", KosovoCode, "CHN", "AUS", "CAN", "FRA", "GBR"} {
				get(code, "2020-03-01")
			}
			for _, code := range []string{"REU", "GLP", "MTQ", "HKG", "MAC"} { // territories are in their country's figure
				if slices.ContainsFunc(obs, func(o Observation) bool { return o.Area == code }) {
					t.Errorf("%s has a series of its own", code)
				}
			}

			// Canada, Australia and China have no national row: their sum, computed here
			// independently from the file.
			rows := readCSV(t, openData(t, tt.file))
			col := slices.Index(rows[0], "3/1/20")
			for country, code := range map[string]string{"Canada": "CAN", "Australia": "AUS", "China": "CHN", "France": "FRA"} {
				var want int64
				for _, r := range rows[1:] {
					if r[1] == country && (country != "France" || r[0] == "") {
						n, _ := strconv.ParseInt(r[col], 10, 64)
						want += n
					}
				}
				if _, v := get(code, "2020-03-01"); v != want {
					t.Errorf("%s 2020-03-01 = %d; want %d", country, v, want)
				}
			}
		})
	}
	// Canada on 1 March 2020 was 8 (British Columbia) + 27 (Ontario) + 3 (Quebec) in the final file.
	rd := NewJHUReader("c.csv", openData(t, jhuFinal+"time_series_covid19_confirmed_global.csv"), TotalCases)
	for _, o := range readAll(t, rd) {
		if o.Area == "CAN" && o.Day == mustDay(t, "2020-03-01") {
			if v, _ := o.Get(TotalCases); v != 38 {
				t.Errorf("CAN 2020-03-01 = %d; want 38", v)
			}
		}
	}
	hints := rd.(AreaHinter)
	for code, name := range map[string]string{"KOR": "South Korea", "PRK": "North Korea", "TWN": "Taiwan", "OWID_KOS": "Kosovo", "MMR": "Myanmar (Burma)"} {
		a, ok := hints.AreaHint(code)
		if !ok || a.Name != name || a.Kind != AreaCountry || a.Validate() != nil {
			t.Errorf("AreaHint(%s) = %+v, %v; want the country %s", code, a, ok, name)
		}
	}
}

func TestJHUMetric(t *testing.T) {
	for file, want := range map[string]Metric{
		"time_series_covid19_confirmed_global.csv":     TotalCases,
		"/tmp/x/TIME_SERIES_COVID19_DEATHS_GLOBAL.CSV": TotalDeaths,
		"jhu-deaths.csv": TotalDeaths,
	} {
		if got, err := JHUMetric(file); err != nil || got != want {
			t.Errorf("JHUMetric(%q) = %v, %v; want %v", file, got, err, want)
		}
	}
	for _, file := range []string{"data.csv", "confirmed_and_deaths.csv", "time_series_covid19_recovered_global.csv"} {
		if _, err := JHUMetric(file); err == nil {
			t.Errorf("JHUMetric(%q): no error", file)
		}
	}
}

// jhuHead returns the rows of testdata/jhu-head_confirmed.csv, the header and 29 rows of the
// 2020-03-26 file (Canada's provinces, France and its territories, Korea, Taiwan, a ship).
func jhuHead(t testing.TB) [][]string {
	t.Helper()
	f, err := os.Open("testdata/jhu-head_confirmed.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return readCSV(t, f)
}

func writeCSV(rows [][]string, crlf bool) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.UseCRLF = crlf
	w.WriteAll(rows)
	return b.String()
}

func TestJHUProblems(t *testing.T) {
	col := func(rows [][]string, day string) int { return slices.Index(rows[0], day) }
	edit := func(f func(rows [][]string)) string {
		rows := jhuHead(t)
		f(rows)
		return writeCSV(rows, false)
	}
	tests := []struct {
		name  string
		text  string
		want  []string
		areas []string // the areas with observations
	}{
		{"as it is", edit(func([][]string) {}), nil, []string{"CAN", "COD", "FRA", "KOR", "TWN"}},
		{"CRLF and a byte-order mark", bom + writeCSV(jhuHead(t), true), nil, []string{"CAN", "COD", "FRA", "KOR", "TWN"}},
		{"not a day", edit(func(rows [][]string) { rows[0][10] = "Recovered" }),
			[]string{"1:11 Recovered cases.problem.jhu_day_column"}, nil},
		{"no such day", edit(func(rows [][]string) { rows[0][10] = "2/30/20" }),
			[]string{"1:11 2/30/20 cases.problem.jhu_day_column"}, nil},
		{"no Lat", edit(func(rows [][]string) { rows[0][2] = "Latitude" }),
			[]string{"1:0 Lat import.column_missing"}, nil},
		{"no days", "Province/State,Country/Region,Lat,Long\n,Japan,36,138\n", []string{"1:0  cases.problem.jhu_no_days"}, nil},
		{"negative total in Korea", edit(func(rows [][]string) { rows[24][col(rows, "3/1/20")] = "-1" }),
			[]string{"25:44 3/1/20 cases.problem.negative_total"}, []string{"CAN", "COD", "FRA", "TWN"}},
		{"a fraction in a province of Canada", edit(func(rows [][]string) { rows[8][col(rows, "3/1/20")] = "27.5" }),
			[]string{"9:44 3/1/20 cases.problem.number_fraction"}, []string{"COD", "FRA", "KOR", "TWN"}},
		{"a problem in a territory of France", edit(func(rows [][]string) { rows[15][col(rows, "3/1/20")] = "x" }),
			[]string{"16:44 3/1/20 cases.problem.number_invalid"}, []string{"CAN", "COD", "FRA", "KOR", "TWN"}},
		{"a problem in France's own row", edit(func(rows [][]string) { rows[23][col(rows, "3/1/20")] = "x" }),
			[]string{"24:44 3/1/20 cases.problem.number_invalid"}, []string{"CAN", "COD", "KOR", "TWN"}},
		{"unknown country", edit(func(rows [][]string) { rows[25][1] = "Atlantis" }),
			[]string{"26:2 Country/Region cases.problem.country_unknown"}, []string{"CAN", "COD", "FRA", "KOR"}},
		{"a country twice", edit(func(rows [][]string) { rows[25][1] = "Korea, South" }),
			[]string{"26:2 Country/Region cases.problem.jhu_country_twice"}, []string{"CAN", "COD", "FRA"}},
		{"not UTF-8", edit(func(rows [][]string) { rows[25][1] = "Taiwan\xff" }),
			[]string{"26:2 Country/Region cases.problem.not_utf8"}, []string{"CAN", "COD", "FRA", "KOR"}},
		{"a short row", edit(func(rows [][]string) { rows[24] = rows[24][:30] }),
			[]string{"25:31  import.field_count"}, []string{"CAN", "COD", "FRA", "TWN"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := NewJHUReader("time_series_covid19_confirmed_global.csv", strings.NewReader(tt.text), TotalCases)
			obs := readAll(t, rd)
			if got := problemLines(rd); !slices.Equal(got, tt.want) {
				t.Errorf("problems %q; want %q", got, tt.want)
			}
			var areas []string
			for _, o := range obs {
				if len(areas) == 0 || areas[len(areas)-1] != o.Area {
					areas = append(areas, o.Area)
				}
			}
			slices.Sort(areas)
			if !slices.Equal(areas, tt.areas) {
				t.Errorf("areas %q; want %q", areas, tt.areas)
			}
			if len(areas) > 0 && len(obs) != 65*len(areas) {
				t.Errorf("%d observations of %d areas; want 65 days each", len(obs), len(areas))
			}
		})
	}
}

func TestJHUNames(t *testing.T) {
	tests := []struct {
		name string
		code string
		skip bool
	}{
		{"Korea, South", "KOR", false},
		{"Korea, North", "PRK", false},
		{"Taiwan*", "TWN", false},
		{"US", "USA", false},
		{"Burma", "MMR", false},
		{"Congo (Kinshasa)", "COD", false},
		{"Congo (Brazzaville)", "COG", false},
		{"Cote d'Ivoire", "CIV", false},
		{"Holy See", "VAT", false},
		{"West Bank and Gaza", "PSE", false},
		{"Kosovo", "OWID_KOS", false},
		{"Micronesia", "FSM", false},
		{"Antarctica", "ATA", false},
		{"Bosnia and Herzegovina", "BIH", false},
		{"Saint Lucia", "LCA", false},
		{"Japan", "JPN", false},
		{"Diamond Princess", "", true},
		{"MS Zaandam", "", true},
		{"Summer Olympics 2020", "", true},
		{"Winter Olympics 2022", "", true},
	}
	for _, tt := range tests {
		code, skip, ok := jhuCode(tt.name)
		if !ok || code != tt.code || skip != tt.skip {
			t.Errorf("jhuCode(%q) = %q, %v, %v; want %q, %v", tt.name, code, skip, ok, tt.code, tt.skip)
		}
	}
	if _, _, ok := jhuCode("Atlantis"); ok {
		t.Error("jhuCode(Atlantis) is a country")
	}
	for name, code := range jhuNames {
		if a, ok := AreaForCode(code); !ok || a.Code != code {
			t.Errorf("jhuNames[%q] = %s, which is no area code", name, code)
		}
	}
}
