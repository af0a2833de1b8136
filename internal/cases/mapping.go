package cases

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // mappings name IANA zones, which must load on any machine

	"github.com/citypact/citypact"
)

// Mapping is a saved description of a file format the hub has no parser for: which column holds
// the date and in which layout, which the area, which the metrics. With it the Seoul, Taiwan and
// Tokyo files (and any like them) import without code changes.
type Mapping struct {
	ID        int64
	Name      string // how imports name it: "readr-taiwan-county"
	Source    string // the key of the source its data come from
	Spec      MappingSpec
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MappingSpec is a mapping's definition, stored and exchanged as JSON.
//
// A file is read as a table of records: a CSV file's rows (the first row names the columns), or
// the objects of a JSON array (Records says where the array is; keys are the columns, and a key
// may be a dotted path into nested objects). Each record gives one day (Date) of one or more
// areas:
//   - long files name the area in a column (Area.Column, translated by Area.Codes) or are all
//     about one area (Area.Code), and give metrics in columns (Metrics);
//   - wide files have one column per area (AreaColumns: column → area code), each holding the
//     metric WideMetric.
//
// Cumulative columns (total_cases and the like) are stored as such; daily figures are derived
// from them when read, and the other way round.
type MappingSpec struct {
	Format  string `json:"format"`            // "csv" or "json"
	Records string `json:"records,omitempty"` // JSON only: dotted path to the array of records; "" for a top-level array

	Date DateColumn `json:"date"`

	Area        AreaColumn        `json:"area,omitzero"`
	Metrics     []MetricColumn    `json:"metrics,omitempty"`
	AreaColumns map[string]string `json:"area_columns,omitempty"`
	WideMetric  string            `json:"wide_metric,omitempty"`
}

// DateColumn says where a record's day is and how it is written.
type DateColumn struct {
	Column string `json:"column"`
	// Layout is a Go time layout ("2006/1/2 15:04", "1/2/06") or "iso" (YYYY-MM-DD, with or
	// without a time and zone after it) or "rfc3339".
	Layout string `json:"layout"`
	// TimeZone is the IANA zone whose calendar day a timestamp with a zone falls on ("Asia/Tokyo"):
	// 2020-01-24T15:00:00Z is 25 January in Tokyo. Default UTC.
	TimeZone string `json:"time_zone,omitempty"`
	// Skip is a regular expression: records whose date cell matches it are skipped on purpose
	// (period totals such as "2020-01-01~2020-12-31"), counted, not reported as problems.
	Skip string `json:"skip,omitempty"`
}

// AreaColumn says which area a record of a long file is about.
type AreaColumn struct {
	Code   string            `json:"code,omitempty"`   // every record is about this area
	Column string            `json:"column,omitempty"` // or the area is named in this column
	Codes  map[string]string `json:"codes,omitempty"`  // the column's values → area codes; unlisted values are codes themselves
	// Unlisted is "skip" to leave out records whose area is not in Codes (a province file of
	// which the hub follows one city); by default they are area codes, and unknown ones problems.
	Unlisted string `json:"unlisted,omitempty"`
}

// MetricColumn maps one column to one metric.
type MetricColumn struct {
	Column string `json:"column"`
	Metric string `json:"metric"` // a metric key: "new_cases", "total_cases", …
}

var mappingNameRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Validate checks a mapping before it is stored: its name and source key are short names
// ("readr-taiwan-county"), and its spec is valid (errors about the spec name its fields
// "spec.date.layout" and so on).
func (m *Mapping) Validate() error {
	var fs []citypact.FieldError
	if len(m.Name) > 64 || !mappingNameRE.MatchString(m.Name) {
		fs = append(fs, citypact.FieldError{Field: "name", Key: "cases.problem.mapping_name"})
	}
	if len(m.Source) > 64 || !mappingNameRE.MatchString(m.Source) {
		fs = append(fs, citypact.FieldError{Field: "source", Key: "cases.problem.mapping_name"})
	}
	for _, f := range citypact.FieldsOf(m.Spec.Validate()) {
		f.Field = "spec." + f.Field
		fs = append(fs, f)
	}
	if len(fs) > 0 {
		return citypact.Invalid(fs...)
	}
	return nil
}

// Validate checks a spec: it returns a citypact.Invalid error whose fields are JSON paths into
// the spec ("date.layout", "metrics[1].metric", "area_columns.臺北市").
func (s *MappingSpec) Validate() error {
	var fs []citypact.FieldError
	bad := func(field, key string, args ...string) {
		fs = append(fs, citypact.FieldError{Field: field, Key: key, Args: args})
	}
	switch s.Format {
	case "csv":
		if s.Records != "" {
			bad("records", "cases.problem.mapping_records_csv")
		}
	case "json":
		if s.Records != "" && slices.Contains(strings.Split(s.Records, "."), "") {
			bad("records", "field.invalid")
		}
	default:
		bad("format", "field.choice")
	}
	if strings.TrimSpace(s.Date.Column) == "" {
		bad("date.column", "field.required")
	}
	switch {
	case s.Date.Layout == "":
		bad("date.layout", "field.required")
	case !validLayout(s.Date.Layout):
		bad("date.layout", "cases.problem.mapping_layout", "layout", s.Date.Layout)
	}
	if s.Date.TimeZone != "" {
		if _, err := time.LoadLocation(s.Date.TimeZone); err != nil {
			bad("date.time_zone", "cases.problem.mapping_time_zone", "zone", s.Date.TimeZone)
		}
	}
	if s.Date.Skip != "" {
		if _, err := regexp.Compile(s.Date.Skip); err != nil {
			bad("date.skip", "cases.problem.mapping_skip", "error", err.Error())
		}
	}

	wide := len(s.AreaColumns) > 0
	if n := btoi(s.Area.Code != "") + btoi(s.Area.Column != "") + btoi(wide); n != 1 {
		bad("area", "cases.problem.mapping_area")
	}
	if s.Area.Code != "" && !ValidAreaCode(s.Area.Code) {
		bad("area.code", "cases.problem.area_invalid", "value", s.Area.Code)
	}
	for _, k := range slices.Sorted(maps.Keys(s.Area.Codes)) {
		if !ValidAreaCode(s.Area.Codes[k]) {
			bad("area.codes."+k, "cases.problem.area_invalid", "value", s.Area.Codes[k])
		}
	}
	if len(s.Area.Codes) > 0 && s.Area.Column == "" {
		bad("area.codes", "cases.problem.mapping_codes")
	}
	switch s.Area.Unlisted {
	case "", "skip":
	default:
		bad("area.unlisted", "field.choice")
	}
	if wide {
		for _, k := range slices.Sorted(maps.Keys(s.AreaColumns)) {
			if strings.TrimSpace(k) == "" {
				bad("area_columns", "field.invalid")
			} else if !ValidAreaCode(s.AreaColumns[k]) {
				bad("area_columns."+k, "cases.problem.area_invalid", "value", s.AreaColumns[k])
			}
		}
		if _, ok := ParseMetric(s.WideMetric); !ok {
			bad("wide_metric", "cases.problem.metric_unknown", "metric", s.WideMetric, "metrics", metricList())
		}
		if len(s.Metrics) > 0 {
			bad("metrics", "cases.problem.mapping_wide_metrics")
		}
	} else {
		if s.WideMetric != "" {
			bad("wide_metric", "cases.problem.mapping_long_wide_metric")
		}
		if len(s.Metrics) == 0 {
			bad("metrics", "field.required")
		}
		seen := map[Metric]bool{}
		for i, mc := range s.Metrics {
			if strings.TrimSpace(mc.Column) == "" {
				bad(fmt.Sprintf("metrics[%d].column", i), "field.required")
			}
			m, ok := ParseMetric(mc.Metric)
			switch {
			case !ok:
				bad(fmt.Sprintf("metrics[%d].metric", i), "cases.problem.metric_unknown", "metric", mc.Metric, "metrics", metricList())
			case seen[m]:
				bad(fmt.Sprintf("metrics[%d].metric", i), "cases.problem.mapping_metric_twice", "metric", mc.Metric)
			}
			seen[m] = true
		}
	}
	if len(fs) > 0 {
		return citypact.Invalid(fs...)
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// metricList names the metrics for messages.
func metricList() string {
	return strings.Join(metricKeys[:], ", ")
}

// layoutProbe is a time whose every element differs, so that a layout that leaves out the year,
// month or day does not read it back.
var layoutProbe = time.Date(2021, 11, 23, 13, 14, 15, 0, time.UTC)

// validLayout reports whether a date layout is "iso", "rfc3339", or a Go layout with a year, a
// month and a day.
func validLayout(layout string) bool {
	switch layout {
	case "iso", "rfc3339":
		return true
	}
	t, err := time.Parse(layout, layoutProbe.Format(layout))
	if err != nil {
		return false
	}
	y, m, d := t.Date()
	return y == 2021 && m == 11 && d == 23
}
