package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/citypact/citypact/internal/series"
)

// Series is one computed daily series of an area, as JSON.
type Series struct {
	Area       AreaRef       `json:"area"`
	Source     SourceRef     `json:"source"`
	Metric     string        `json:"metric"`
	Kind       string        `json:"kind"`
	Per100k    bool          `json:"per100k"`
	Population *Population   `json:"population,omitempty"`
	From       string        `json:"from"`
	To         string        `json:"to"`
	Points     []SeriesPoint `json:"points"`
}

// AreaRef names an area inside an answer.
type AreaRef struct {
	Code    string `json:"code"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Country string `json:"country"`
}

// SeriesPoint is one day of a series; Value is nil (JSON null) when it is not known: not reported,
// or not computable (an average over days with gaps, a doubling time without growth).
type SeriesPoint struct {
	Date  string   `json:"date"`
	Value *float64 `json:"value"`
}

// maxSeriesDays bounds one series request: ten years and a few leap days, so that one answer
// stays small enough to cache.
const maxSeriesDays = 3660

// seriesQuery is a series request, parsed and in canonical form: two requests that mean the same
// have the same key, whatever the order or spelling of their parameters.
type seriesQuery struct {
	code     string
	metric   cases.Metric
	kind     series.Kind
	kindKey  string
	per100k  bool
	from, to cases.Day // noDay: from the series' coverage
	source   string    // "": the source with the newest data for the metric
	csv      bool
}

func (q seriesQuery) key() string {
	return fmt.Sprintf("%s|%s|%s|%t|%d|%d|%s|%t", q.code, q.metric.Key(), q.kindKey, q.per100k, q.from, q.to, q.source, q.csv)
}

// badParams is a 400 naming the wrong query parameters: the request cannot be understood, as
// opposed to a body that can be but is not valid (422).
func badParams(fs ...citypact.FieldError) error {
	return &httpx.Status{Code: http.StatusBadRequest, Key: "error.invalid", Err: citypact.Invalid(fs...)}
}

// noDay stands for a from or to the request leaves out.
const noDay = cases.Day(math.MinInt32)

// The days a series may ask for: before 1900 nothing was reported daily.
var (
	minSeriesDay = cases.DayOf(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC))
	maxSeriesDay = cases.DayOf(time.Date(2199, 12, 31, 0, 0, 0, 0, time.UTC))
)

// parseSeriesQuery reads a series request without touching the database, so that a bad one costs
// nothing.
func parseSeriesQuery(r *http.Request, csv bool) (seriesQuery, error) {
	v := r.URL.Query()
	q := seriesQuery{code: r.PathValue("code"), csv: csv, metric: cases.NewCases, kindKey: "value"}
	var errs []citypact.FieldError
	if s := v.Get("metric"); s != "" {
		m, ok := cases.ParseMetric(s)
		if !ok {
			errs = append(errs, citypact.FieldError{Field: "metric", Key: "field.choice"})
		}
		q.metric = m
	}
	if s := v.Get("kind"); s != "" {
		q.kindKey = s
	}
	k, ok := series.ParseKind(q.kindKey)
	if !ok {
		errs = append(errs, citypact.FieldError{Field: "kind", Key: "field.choice"})
	}
	q.kind = k
	switch v.Get("per100k") {
	case "", "false":
	case "true":
		q.per100k = true
	default:
		errs = append(errs, citypact.FieldError{Field: "per100k", Key: "field.choice"})
	}
	day := func(name string) cases.Day {
		s := v.Get(name)
		if s == "" {
			return noDay
		}
		d, err := cases.ParseDay(s)
		if err != nil || d < minSeriesDay || d > maxSeriesDay {
			errs = append(errs, citypact.FieldError{Field: name, Key: "date.invalid"})
			return noDay
		}
		return d
	}
	q.from, q.to = day("from"), day("to")
	if q.from != noDay && q.to != noDay {
		switch {
		case q.from > q.to:
			errs = append(errs, citypact.FieldError{Field: "to", Key: "date.before_since"})
		case q.to-q.from >= maxSeriesDays:
			errs = append(errs, citypact.FieldError{Field: "to", Key: "field.invalid"})
		}
	}
	if s := v.Get("source"); s != "" {
		src := cases.Source{Key: s, Name: "-"}
		if src.Validate() != nil {
			errs = append(errs, citypact.FieldError{Field: "source", Key: "field.choice"})
		}
		q.source = s
	}
	if len(errs) > 0 {
		return q, badParams(errs...)
	}
	return q, nil
}

// seriesJSON serves GET /api/v1/areas/{code}/series.
func (s *Server) seriesJSON(w http.ResponseWriter, r *http.Request) error {
	return s.series(w, r, false)
}

// seriesCSV serves GET /api/v1/areas/{code}/series.csv: the same series as a CSV file of date
// and value, with the source and its licence in headers.
func (s *Server) seriesCSV(w http.ResponseWriter, r *http.Request) error { return s.series(w, r, true) }

// series answers a series request from the cache when the data have not changed since it was
// computed: a hit costs the read of the data version, never the series query. The ETag is the
// data version and the canonical request, so a client holding it is answered 304 at once.
func (s *Server) series(w http.ResponseWriter, r *http.Request, csv bool) error {
	q, err := parseSeriesQuery(r, csv)
	if err != nil {
		return err
	}
	if !cases.ValidAreaCode(q.code) {
		return citypact.NotFound("area " + q.code)
	}
	if s.Version == nil { // no way to tell when data change: compute every time
		a, err := s.computeLimited(r, q)
		if err != nil {
			return err
		}
		a.serve(w)
		return nil
	}
	version, err := s.Version(r.Context())
	if err != nil {
		return err
	}
	key := q.key()
	etag := seriesETag(version, key)
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		h := w.Header()
		h.Set("ETag", etag)
		h.Set("Cache-Control", seriesCacheControl)
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	if a := s.seriesCache.get(version, key); a != nil {
		a.serve(w)
		return nil
	}
	a, err := s.computeLimited(r, q)
	if err != nil {
		return err
	}
	a.etag = etag
	s.seriesCache.put(version, key, a)
	a.serve(w)
	return nil
}

func seriesETag(version int64, key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return fmt.Sprintf(`"%d-%016x"`, version, h.Sum64())
}

// etagMatches applies If-None-Match (RFC 9110 13.1.2) with weak comparison. "*" is not taken:
// it would answer 304 for an area that does not exist.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == etag {
			return true
		}
	}
	return false
}

// seriesCacheControl lets browsers and shared caches keep a series for a minute: series are the
// same for everyone and change at most a few times a day.
const seriesCacheControl = "public, max-age=60"

// seriesAnswer is a computed series response, ready to send again.
type seriesAnswer struct {
	header http.Header
	body   []byte
	etag   string
}

func (a *seriesAnswer) serve(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	h.Set("Cache-Control", seriesCacheControl)
	if a.etag != "" {
		h.Set("ETag", a.etag)
	}
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(http.StatusOK)
	w.Write(a.body)
}

// seriesCache keeps the series answers of the current data version. It is bounded in entries
// and bytes and cleared when either bound or the version is passed: cheaper than an LRU and
// enough, since the version moves with every import anyway.
type seriesCache struct {
	mu      sync.RWMutex
	version int64
	entries map[string]*seriesAnswer
	bytes   int
}

const (
	maxSeriesCacheEntries = 4096
	maxSeriesCacheBytes   = 64 << 20 // a 3,660-day series is about 130 kB of JSON
)

func (c *seriesCache) get(version int64, key string) *seriesAnswer {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version {
		return nil
	}
	return c.entries[key]
}

func (c *seriesCache) put(version int64, key string, a *seriesAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return // computed under a version that has passed since
	}
	if version > c.version || c.entries == nil || len(c.entries) >= maxSeriesCacheEntries || c.bytes+len(a.body) > maxSeriesCacheBytes {
		c.version, c.entries, c.bytes = version, make(map[string]*seriesAnswer), 0
	}
	if old := c.entries[key]; old != nil {
		c.bytes -= len(old.body)
	}
	c.entries[key] = a
	c.bytes += len(a.body)
}

// computeLimited computes a series under the Limiter, so that under overload computations queue
// in order rather than all slowing down together.
func (s *Server) computeLimited(r *http.Request, q seriesQuery) (a *seriesAnswer, err error) {
	err = s.Limiter.Wrap(func(http.ResponseWriter, *http.Request) error {
		a, err = s.computeSeries(r, q)
		return err
	})(nil, r)
	return a, err
}

// covers reports whether coverage c has metric m, or the metric it is derived from.
func covers(c cases.Coverage, m cases.Metric) bool {
	if c.Has&(1<<m) != 0 {
		return true
	}
	p, ok := m.Pair()
	return ok && c.Has&(1<<p) != 0
}

// computeSeries reads and computes the series q asks for, and renders it.
func (s *Server) computeSeries(r *http.Request, q seriesQuery) (*seriesAnswer, error) {
	ctx := r.Context()
	area, err := s.Cases.AreaByCode(ctx, q.code)
	if err != nil {
		return nil, err
	}
	if q.per100k && area.Population <= 0 {
		return nil, badParams(citypact.FieldError{Field: "per100k", Key: "field.invalid"})
	}
	cov, err := s.Cases.Coverage(ctx, area.ID)
	if err != nil {
		return nil, err
	}
	srcs, err := cases.SourcesByID(r.Context(), s.Cases)
	if err != nil {
		return nil, err
	}
	// The source asked for, or the one whose data for the metric are the newest.
	var c cases.Coverage
	var src cases.Source
	found := false
	for _, cv := range cov {
		sv, ok := srcs[cv.SourceID]
		if !ok || cv.AreaID != area.ID || !covers(cv, q.metric) {
			continue
		}
		if q.source != "" {
			if sv.Key == q.source {
				c, src, found = cv, sv, true
			}
			continue
		}
		if !found || cv.Last > c.Last || (cv.Last == c.Last && cv.SourceID < c.SourceID) {
			c, src, found = cv, sv, true
		}
	}
	if !found {
		if q.source != "" && !knownSource(srcs, q.source) {
			return nil, badParams(citypact.FieldError{Field: "source", Key: "field.choice"})
		}
		return nil, citypact.NotFound(fmt.Sprintf("no %s series for %s", q.metric, area.Code))
	}

	from, to := q.from, q.to
	switch {
	case from == noDay && to == noDay:
		from, to = max(c.First, c.Last-maxSeriesDays+1), c.Last
	case from == noDay:
		from = max(min(c.First, to), to-maxSeriesDays+1)
	case to == noDay:
		to = min(max(c.Last, from), from+maxSeriesDays-1)
	}
	// The days the figures need (series.Points reads the whole history when a running total must
	// be rebuilt from daily figures).
	points, err := series.Points(ctx, s.Cases, area.ID, src.ID, q.metric, from, to)
	if err != nil {
		return nil, err
	}
	line := series.Compute(points, q.metric, q.kind, area.Population, q.per100k, from, to)

	out := Series{
		Area:   AreaRef{Code: area.Code, Kind: string(area.Kind), Name: area.Name, Country: area.Country},
		Source: sourceRef(src), Metric: q.metric.Key(), Kind: q.kindKey, Per100k: q.per100k,
		Population: populationJSON(area), From: from.String(), To: to.String(),
		Points: make([]SeriesPoint, 0, int(to-from)+1),
	}
	byDay := make(map[cases.Day]float64, len(line.V))
	for i, v := range line.V {
		byDay[line.From+cases.Day(i)] = v
	}
	for d := from; d <= to; d++ {
		p := SeriesPoint{Date: d.String()}
		if v, ok := byDay[d]; ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
			p.Value = &v
		}
		out.Points = append(out.Points, p)
	}
	if q.csv {
		return seriesCSVAnswer(out)
	}
	body, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return &seriesAnswer{header: http.Header{"Content-Type": {"application/json"}}, body: append(body, '\n')}, nil
}

func knownSource(srcs map[int64]cases.Source, key string) bool {
	for _, s := range srcs {
		if s.Key == key {
			return true
		}
	}
	return false
}

// seriesCSVAnswer renders a series as "date,value" rows, an unknown value as an empty cell.
// CSV has no room for metadata, so what the JSON says about the series goes into headers:
// the file name and the Citypact-* headers (UTF-8, percent-encoded outside printable ASCII).
func seriesCSVAnswer(sr Series) (*seriesAnswer, error) {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write([]string{"date", "value"})
	for _, p := range sr.Points {
		v := ""
		if p.Value != nil {
			v = strconv.FormatFloat(*p.Value, 'f', -1, 64)
		}
		cw.Write([]string{p.Date, v})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, err
	}
	// Area codes, source keys, metric and kind names are all [A-Za-z0-9_-]: safe in a file name.
	name := []string{sr.Area.Code, sr.Metric, sr.Kind}
	if sr.Per100k {
		name = append(name, "per100k")
	}
	name = append(name, sr.Source.Key, sr.From, sr.To)
	h := http.Header{}
	h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
	h.Set("Content-Disposition", `attachment; filename="`+strings.Join(name, "_")+`.csv"`)
	h.Set("Citypact-Source", sr.Source.Key)
	h.Set("Citypact-Source-Name", headerText(sr.Source.Name))
	h.Set("Citypact-Licence", headerText(sr.Source.Licence))
	h.Set("Citypact-Attribution", headerText(sr.Source.Attribution))
	h.Set("Link", "<"+prefix+"/sources/"+sr.Source.Key+`>; rel="describedby"`)
	if sr.Source.URL != "" {
		h.Add("Link", "<"+headerText(sr.Source.URL)+`>; rel="via"`)
	}
	return &seriesAnswer{header: h, body: b.Bytes()}, nil
}

// headerText makes free text safe as a header value: printable ASCII stays as it is; every other
// byte (UTF-8, control characters) and "%", "<", ">" and '"' are percent-encoded.
func headerText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '%' || c == '<' || c == '>' || c == '"' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
