package cases

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/citypact/citypact"
)

func TestDecodePush(t *testing.T) {
	body := `{"source": "taipei-reports",
 "observations": [
  {"area": "taipei", "date": "2026-11-20", "new_cases": 12, "total_cases": 3456},
  {"area": "taipei", "date": "2026-11-19", "new_cases": -2, "hospitalised": null, "icu": 3}
 ]}`
	source, rd, err := DecodePush(strings.NewReader(body))
	if err != nil || source != "taipei-reports" {
		t.Fatalf("DecodePush = %q, %v", source, err)
	}
	obs := readAll(t, rd)
	var v1, v2 Values
	v1.Set(NewCases, 12)
	v1.Set(TotalCases, 3456)
	v2.Set(NewCases, -2)
	v2.Set(ICU, 3)
	want := []Observation{
		{Area: "taipei", Day: mustDay(t, "2026-11-20"), Values: v1, Pos: Position{Line: 3, Column: 3}},
		{Area: "taipei", Day: mustDay(t, "2026-11-19"), Values: v2, Pos: Position{Line: 4, Column: 3}},
	}
	if !slices.Equal(obs, want) || len(rd.Problems()) != 0 {
		t.Errorf("read %+v, problems %q; want %+v", obs, problemLines(rd), want)
	}
}

func TestDecodePushHead(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string
	}{
		{"empty", "", []string{"1:0  cases.problem.file_empty"}},
		{"an array", `[]`, []string{"1:1  cases.problem.push_shape"}},
		{"not JSON", `{"source" "x"}`, []string{"1:11  cases.problem.json_syntax"}},
		{"truncated", `{"source": "x", "obs`, []string{"1:21  cases.problem.json_truncated"}},
		{"no observations", `{"source": "x"}`, []string{"1:1 observations cases.problem.records_missing"}},
		{"observations not an array", `{"source": "x", "observations": {}}`, []string{"1:33 observations cases.problem.records_missing"}},
		{"source after observations", `{"observations": [], "source": "x"}`, []string{"1:18 source cases.problem.push_source"}},
		{"source not a key", `{"source": 12, "observations": []}`, []string{"1:12 source cases.problem.push_source"}},
		{"unknown key", "{\"source\": \"x\",\n \"token\": \"abc\", \"observations\": []}", []string{"2:11 token cases.problem.key_unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rd, err := DecodePush(strings.NewReader(tt.body))
			var ie *citypact.ImportError
			if !errors.As(err, &ie) || rd != nil {
				t.Fatalf("DecodePush = %v, %v; want an *ImportError", rd, err)
			}
			var got []string
			for _, p := range ie.Problems {
				got = append(got, strings.Join([]string{itoa(int64(p.Line)) + ":" + itoa(int64(p.Column)), p.Field, p.Key}, " "))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems %q; want %q", got, tt.want)
			}
		})
	}
}

func TestPushProblems(t *testing.T) {
	head := "{\"source\": \"taipei-reports\", \"observations\": [\n"
	ok := `{"area": "taipei", "date": "2026-11-20", "new_cases": 1}`
	tests := []struct {
		name    string
		body    string
		want    []string
		obs     int
		skipped int
	}{
		{"unknown metric", head + `{"area": "taipei", "date": "2026-11-20", "deaths": 1},` + "\n" + ok + "]}",
			[]string{"2:52 deaths cases.problem.key_unknown"}, 1, 0},
		{"a date", head + `{"area": "taipei", "date": "20/11/2026", "new_cases": 1}]}`,
			[]string{"2:28 date cases.problem.date_invalid"}, 0, 0},
		{"a date that is no string", head + `{"area": "taipei", "date": 20261120, "new_cases": 1}]}`,
			[]string{"2:28 date cases.problem.date_invalid"}, 0, 0},
		{"no area", head + `{"date": "2026-11-20", "new_cases": 1}]}`,
			[]string{"2:1 area cases.problem.value_missing"}, 0, 0},
		{"no date", head + `{"area": "taipei", "new_cases": 1}]}`,
			[]string{"2:1 date cases.problem.value_missing"}, 0, 0},
		{"an area that is no code", head + `{"area": "台北", "date": "2026-11-20", "new_cases": 1}]}`,
			[]string{"2:10 area cases.problem.area_invalid"}, 0, 0},
		{"a number as a string", head + `{"area": "taipei", "date": "2026-11-20", "new_cases": "12"}]}`,
			[]string{"2:55 new_cases cases.problem.number_invalid"}, 0, 0},
		{"a fraction", head + `{"area": "taipei", "date": "2026-11-20", "new_cases": 1.5}]}`,
			[]string{"2:55 new_cases cases.problem.number_fraction"}, 0, 0},
		{"a negative total", head + `{"area": "taipei", "date": "2026-11-20", "total_deaths": -1}]}`,
			[]string{"2:58 total_deaths cases.problem.negative_total"}, 0, 0},
		{"a key twice", head + `{"area": "taipei", "date": "2026-11-20", "new_cases": 1, "new_cases": 2}]}`,
			[]string{"2:71 new_cases cases.problem.key_twice"}, 0, 0},
		{"an object as a figure", head + `{"area": "taipei", "date": "2026-11-20", "new_cases": {"n": 1}}]}`,
			[]string{"2:55 new_cases cases.problem.number_invalid"}, 0, 0},
		{"not an object", head + "12,\n" + ok + "]}", []string{"2:1  cases.problem.record_not_object"}, 1, 0},
		{"no figures", head + `{"area": "taipei", "date": "2026-11-20", "icu": null}]}`, nil, 0, 1},
		{"source twice", head + ok + `], "source": "other"}`, []string{"2:70 source cases.problem.key_twice"}, 1, 0},
		{"after the end", head + ok + "]}\n{}", []string{"3:1  cases.problem.json_trailing"}, 1, 0},
		{"truncated", head + ok + ",\n" + `{"area": "tai`, []string{"3:14  cases.problem.json_truncated"}, 1, 0},
		{"not UTF-8", head + "{\"area\": \"taipei\xff\", \"date\": \"2026-11-20\", \"new_cases\": 1}]}",
			[]string{"2:10 area cases.problem.not_utf8"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rd, err := DecodePush(strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			obs := readAll(t, rd)
			if got := problemLines(rd); !slices.Equal(got, tt.want) {
				t.Errorf("problems %q; want %q", got, tt.want)
			}
			if len(obs) != tt.obs || rd.Skipped() != tt.skipped {
				t.Errorf("%d observations, %d skipped; want %d, %d", len(obs), rd.Skipped(), tt.obs, tt.skipped)
			}
		})
	}
}
