package cases

import "time"

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
