package series

import (
	"context"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
)

// Limits of one query: a comparison shows at most MaxAreas areas over at most MaxDays days.
const (
	MaxAreas    = 8
	MaxDays     = 3660
	DefaultDays = 180
)

// Query is what a chart, a download or the API shows: the same state everywhere, read from and
// written to a URL's query string, so every chart can be shared and downloaded exactly as shown.
type Query struct {
	Areas   []string // area codes, at most MaxAreas, no repeats
	Metric  cases.Metric
	Kind    Kind
	Per100k bool
	Log     bool
	From    cases.Day // 0: DefaultDays before To
	To      cases.Day // 0: the newest day any of the areas has
	Source  string    // a source key; "" picks each area's freshest source for the metric
}

// ParseQuery reads a query from URL parameters: areas (comma-separated or repeated), metric,
// kind, per100k, scale (linear|log), from, to, source. Field errors name the parameter.
func ParseQuery(v url.Values) (Query, []citypact.FieldError) {
	q := Query{Metric: cases.NewCases, Kind: Avg7}
	var fs []citypact.FieldError
	bad := func(field, key string, args ...string) {
		fs = append(fs, citypact.FieldError{Field: field, Key: key, Args: args})
	}
	for _, s := range v["areas"] {
		for _, code := range strings.Split(s, ",") {
			if code = strings.TrimSpace(code); code == "" || slices.Contains(q.Areas, code) {
				continue
			}
			if !cases.ValidAreaCode(code) {
				bad("areas", "cases.area_code_invalid")
				continue
			}
			q.Areas = append(q.Areas, code)
		}
	}
	if len(q.Areas) > MaxAreas {
		bad("areas", "cases.too_many_areas", "n", itoa(MaxAreas))
		q.Areas = q.Areas[:MaxAreas]
	}
	if s := v.Get("metric"); s != "" {
		if m, ok := cases.ParseMetric(s); ok {
			q.Metric = m
		} else {
			bad("metric", "field.choice")
		}
	}
	if s := v.Get("kind"); s != "" {
		if k, ok := ParseKind(s); ok {
			q.Kind = k
		} else {
			bad("kind", "field.choice")
		}
	}
	switch v.Get("per100k") {
	case "", "0", "false":
	case "1", "true", "on":
		q.Per100k = true
	default:
		bad("per100k", "field.choice")
	}
	switch v.Get("scale") {
	case "", "linear":
	case "log":
		q.Log = true
	default:
		bad("scale", "field.choice")
	}
	day := func(field string) cases.Day {
		s := v.Get(field)
		if s == "" {
			return 0
		}
		d, err := cases.ParseDay(s)
		if err != nil {
			bad(field, "date.invalid")
		}
		return d
	}
	q.From, q.To = day("from"), day("to")
	if q.From != 0 && q.To != 0 {
		switch {
		case q.From > q.To:
			bad("from", "cases.range_reversed")
		case q.To-q.From >= MaxDays:
			bad("from", "cases.range_too_long", "n", itoa(MaxDays))
		}
	}
	if s := v.Get("source"); s != "" {
		q.Source = s
	}
	return q, fs
}

// Values writes the query back as URL parameters, in a fixed order and without defaults, so equal
// queries have equal URLs (and share a cache entry).
func (q Query) Values() url.Values {
	v := url.Values{}
	if len(q.Areas) > 0 {
		v.Set("areas", strings.Join(q.Areas, ","))
	}
	v.Set("metric", q.Metric.Key())
	v.Set("kind", q.Kind.String())
	if q.Per100k {
		v.Set("per100k", "1")
	}
	if q.Log {
		v.Set("scale", "log")
	}
	if q.From != 0 {
		v.Set("from", q.From.String())
	}
	if q.To != 0 {
		v.Set("to", q.To.String())
	}
	if q.Source != "" {
		v.Set("source", q.Source)
	}
	return v
}

// Result is one area's line, with where its numbers come from.
type Result struct {
	Area     cases.Area
	Source   cases.Source // zero when no source has the metric for the area
	Coverage cases.Coverage
	Line     Line
	Stale    bool
}

// Run computes the query's lines, one per area, over one common range: From..To, where an open
// end is filled from the data (To: the newest day of any area's chosen source; From: DefaultDays
// earlier). Each area's numbers come from q.Source, or from the source whose series of the metric
// (or of its daily/cumulative pair) reaches the newest day. An unknown area is KindNotFound.
func Run(ctx context.Context, st cases.Store, q Query, now time.Time) ([]Result, cases.Day, cases.Day, error) {
	byID, err := cases.SourcesByID(ctx, st)
	if err != nil {
		return nil, 0, 0, err
	}
	out := make([]Result, 0, len(q.Areas))
	var newest, oldest cases.Day
	for _, code := range q.Areas {
		a, err := st.AreaByCode(ctx, code)
		if err != nil {
			return nil, 0, 0, err
		}
		cov, err := st.Coverage(ctx, a.ID)
		if err != nil {
			return nil, 0, 0, err
		}
		r := Result{Area: a}
		if c, ok := pick(cov, byID, q); ok {
			r.Coverage, r.Source = c, byID[c.SourceID]
			r.Stale = r.Source.Stale(now)
			newest = max(newest, c.Last)
			if oldest == 0 || c.First < oldest {
				oldest = c.First
			}
		}
		out = append(out, r)
	}
	to, from := q.To, q.From
	if to == 0 {
		to = newest
		if to == 0 { // no data at all: the chart ends today, empty
			to = cases.DayOf(now)
		}
		if from != 0 && from > to {
			to = from + DefaultDays - 1
		}
	}
	if from == 0 {
		// The last DefaultDays, but not before the first day any of the areas has.
		from = max(to-DefaultDays+1, min(oldest, to))
		if oldest == 0 {
			from = to - DefaultDays + 1
		}
	}
	for i := range out {
		r := &out[i]
		if r.Source.ID == 0 {
			r.Line = Line{From: from, V: nanLine(int(to - from + 1))}
			continue
		}
		pts, err := Points(ctx, st, r.Area.ID, r.Source.ID, q.Metric, from, to)
		if err != nil {
			return nil, 0, 0, err
		}
		r.Line = Compute(pts, q.Metric, q.Kind, r.Area.Population, q.Per100k, from, to)
	}
	return out, from, to, nil
}

// pick chooses the coverage a query reads for an area.
func pick(cov []cases.Coverage, sources map[int64]cases.Source, q Query) (cases.Coverage, bool) {
	want := uint16(1) << q.Metric
	if p, ok := q.Metric.Pair(); ok {
		want |= 1 << p
	}
	var best cases.Coverage
	found := false
	for _, c := range cov {
		if c.Has&want == 0 {
			continue
		}
		if q.Source != "" && sources[c.SourceID].Key != q.Source {
			continue
		}
		if !found || c.Last > best.Last {
			best, found = c, true
		}
	}
	return best, found
}

func itoa(n int) string { return strconv.Itoa(n) }

// nanLine is n unknown days.
func nanLine(n int) []float64 {
	v := make([]float64, max(n, 0))
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}
