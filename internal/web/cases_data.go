package web

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/series"
)

// chartFilename names a download after what it shows: "new_cases-avg7-KOR-JPN.csv".
func chartFilename(q series.Query, ext string) string {
	name := q.Metric.Key() + "-" + q.Kind.String()
	if q.Per100k {
		name += "-per100k"
	}
	return name + "-" + strings.Join(q.Areas, "-") + ext
}

// numberText writes a figure for a file: plain digits, "" when unknown. Rounding to 6 decimals
// keeps files small and identical across platforms.
func numberText(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64)
}

// chartData computes a download: the query of the chart it belongs to, and its lines.
func (s *Server) chartData(r *http.Request) (series.Query, []series.Result, cases.Day, cases.Day, error) {
	q, err := chartQuery(r)
	if err != nil {
		return q, nil, 0, 0, err
	}
	results, from, to, err := series.Run(r.Context(), s.Cases, q, time.Now())
	return q, results, from, to, err
}

// compareCSV serves GET /compare.csv: the data of the chart with the same query, a column per
// area (headed by its code), a row per day, oldest first; the sources are in the JSON download
// and beneath the chart, since CSV has no place for them.
func (s *Server) compareCSV(w http.ResponseWriter, r *http.Request) error {
	q, results, from, to, err := s.chartData(r)
	if err != nil {
		return err
	}
	header := append([]string{"date"}, q.Areas...)
	rows := make([][]string, 0, int(to-from+1))
	for i := 0; i <= int(to-from); i++ {
		row := make([]string, 0, len(results)+1)
		row = append(row, (from + cases.Day(i)).String())
		for _, res := range results {
			row = append(row, numberText(res.Line.V[i]))
		}
		rows = append(rows, row)
	}
	return writeCSV(w, chartFilename(q, ".csv"), header, rows)
}

// chartJSON is the JSON download of a chart.
type chartJSON struct {
	Metric  string          `json:"metric"`
	Kind    string          `json:"kind"`
	Per100k bool            `json:"per100k"`
	From    string          `json:"from"`
	To      string          `json:"to"`
	Areas   []chartAreaJSON `json:"areas"`
}

type chartAreaJSON struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Population *popJSON    `json:"population,omitempty"`
	Source     *sourceJSON `json:"source"`
	Values     []*float64  `json:"values"` // one per day from From; null when unknown
}

type popJSON struct {
	Value  int64  `json:"value"`
	Year   int    `json:"year,omitempty"`
	Source string `json:"source,omitempty"`
}

type sourceJSON struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	URL         string `json:"url,omitempty"`
	Licence     string `json:"licence,omitempty"`
	Attribution string `json:"attribution,omitempty"`
	LatestDay   string `json:"latest_day,omitempty"`
	Stale       bool   `json:"stale"`
}

// compareJSON serves GET /compare.json: the same data as compareCSV, with each area's source,
// licence and population.
func (s *Server) compareJSON(w http.ResponseWriter, r *http.Request) error {
	q, results, from, to, err := s.chartData(r)
	if err != nil {
		return err
	}
	out := chartJSON{Metric: q.Metric.Key(), Kind: q.Kind.String(), Per100k: q.Per100k, From: from.String(), To: to.String()}
	for _, res := range results {
		a := chartAreaJSON{Code: res.Area.Code, Name: res.Area.Name, Values: make([]*float64, len(res.Line.V))}
		if res.Area.Population > 0 {
			a.Population = &popJSON{Value: res.Area.Population, Year: res.Area.PopulationYear, Source: res.Area.PopulationSource}
		}
		if src := res.Source; src.ID != 0 {
			a.Source = &sourceJSON{Key: src.Key, Name: src.Name, URL: src.URL, Licence: src.Licence, Attribution: src.Attribution, Stale: res.Stale}
			if src.LatestDay != 0 {
				a.Source.LatestDay = src.LatestDay.String()
			}
		}
		for i, v := range res.Line.V {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				x := math.Round(v*1e6) / 1e6
				a.Values[i] = &x
			}
		}
		out.Areas = append(out.Areas, a)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+chartFilename(q, ".json")+`"`)
	h.Set("Cache-Control", "no-cache")
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(out)
}
