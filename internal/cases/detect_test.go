package cases

import (
	"errors"
	"strings"
	"testing"

	"github.com/citypact/citypact"
)

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		header string
		want   string
	}{
		{"iso_code,location,date,total_cases", FormatOWID},
		{"\uFEFFiso_code,continent,location,date,total_cases", FormatOWID},
		{"date,location,iso_code", FormatOWID},
		{"Province/State,Country/Region,Lat,Long,1/22/20,1/23/20", FormatJHU},
		{"Province/State,Country/Region,Lat,Long", ""},
		{"Province/State,Country/Region,Lat,Long,Recovered", ""},
		{"iso_code,location", ""},
		{"date,time,province,confirmed,released,deceased", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := DetectFormat(strings.Split(tt.header, ",")); got != tt.want {
			t.Errorf("DetectFormat(%q) = %q; want %q", tt.header, got, tt.want)
		}
	}
}

func TestOpen(t *testing.T) {
	owid := joinLines(owidHead(t))
	jhu := writeCSV(jhuHead(t), true)
	tests := []struct {
		name, format, file, text string
		spec                     *MappingSpec
		want                     string // the format chosen
		obs                      int
	}{
		{"OWID detected", "", "owid.csv", owid, nil, FormatOWID, 9},
		{"OWID detected behind a byte-order mark", "", "owid.csv", bom + owid, nil, FormatOWID, 9},
		{"OWID named", FormatOWID, "x.csv", owid, nil, FormatOWID, 9},
		{"JHU detected", "", "time_series_covid19_confirmed_global.csv", jhu, nil, FormatJHU, 5 * 65},
		{"a mapping", "", "seoul.csv", "date,province,confirmed\n2020-03-01,Seoul,87\n",
			&MappingSpec{Format: "csv", Date: DateColumn{Column: "date", Layout: "iso"}, Area: AreaColumn{Column: "province"},
				Metrics: []MetricColumn{{Column: "confirmed", Metric: "total_cases"}}}, "mapping", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, format, err := Open(tt.format, tt.file, strings.NewReader(tt.text), tt.spec)
			if err != nil || format != tt.want {
				t.Fatalf("Open = %q, %v; want %q", format, err, tt.want)
			}
			if obs := readAll(t, rd); len(obs) != tt.obs || len(rd.Problems()) != 0 {
				t.Errorf("%d observations, problems %q; want %d and none", len(obs), problemLines(rd), tt.obs)
			}
		})
	}

	for _, tt := range []struct{ name, format, file, text, key string }{
		{"empty", "", "x.csv", "", "cases.problem.file_empty"},
		{"blank", "", "x.csv", "\r\n", "cases.problem.file_empty"},
		{"unknown", "", "x.csv", "date,province,confirmed\n2020-03-01,Seoul,87\n", "cases.problem.format_unknown"},
		{"JSON", "", "x.json", `{"data": []}`, "cases.problem.format_unknown"},
	} {
		_, _, err := Open(tt.format, tt.file, strings.NewReader(tt.text), nil)
		var ie *citypact.ImportError
		if !errors.As(err, &ie) || len(ie.Problems) != 1 || ie.Problems[0].Key != tt.key || ie.Problems[0].Line != 1 || ie.File != tt.file {
			t.Errorf("%s: Open: %v; want an *ImportError with %s on line 1", tt.name, err, tt.key)
		}
	}
	for _, tt := range []struct{ format, file string }{{"xlsx", "x.csv"}, {FormatJHU, "data.csv"}} {
		if _, _, err := Open(tt.format, tt.file, strings.NewReader(jhu), nil); citypact.KindOf(err) != citypact.KindInvalid {
			t.Errorf("Open(%q, %q): %v; want an invalid-input error", tt.format, tt.file, err)
		}
	}
}
