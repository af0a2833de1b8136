package chart

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	nan   = math.NaN()
	march = time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)
)

// element is an SVG element as encoding/xml reads it.
type element struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []element  `xml:",any"`
}

func (e element) attr(name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// all returns every element named name, depth first.
func (e element) all(name string) []element {
	var out []element
	if e.XMLName.Local == name {
		out = append(out, e)
	}
	for _, c := range e.Children {
		out = append(out, c.all(name)...)
	}
	return out
}

// texts returns the content of every <text>.
func (e element) texts() []string {
	var out []string
	for _, t := range e.all("text") {
		out = append(out, t.Text)
	}
	return out
}

// parse decodes the whole of svg, failing the test unless it is one well-formed element.
func parse(t *testing.T, svg string) element {
	t.Helper()
	var root element
	dec := xml.NewDecoder(strings.NewReader(svg))
	dec.Strict = true
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("SVG has content after its root element (%v)", err)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root is %v, want svg in the SVG namespace", root.XMLName)
	}
	return root
}

// lines returns the paths of the series, in order: those of the first group drawn 2px wide (the
// second is the legend's).
func lines(root element) []element {
	for _, g := range root.all("g") {
		if g.attr("stroke-width") == "2" {
			return g.all("path")
		}
	}
	return nil
}

func ramp(n int, f func(i int) float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = f(i)
	}
	return v
}

func TestAccessibleName(t *testing.T) {
	c := Chart{
		Title: "New cases in Seoul", Desc: "Rising since March.", ID: "seoul-cases", Lang: "ko",
		Start: march, Series: []Series{{Name: "서울", V: []float64{1, 2, 3}}},
	}
	root := parse(t, c.SVG())
	if got := root.attr("role"); got != "img" {
		t.Errorf("role = %q, want img", got)
	}
	if got := root.attr("aria-labelledby"); got != "seoul-cases-title seoul-cases-desc" {
		t.Errorf("aria-labelledby = %q", got)
	}
	if got := root.attr("lang"); got != "ko" {
		t.Errorf("lang = %q, want ko", got)
	}
	titles, descs := root.all("title"), root.all("desc")
	if len(titles) != 1 || titles[0].attr("id") != "seoul-cases-title" || titles[0].Text != c.Title {
		t.Errorf("title = %+v", titles)
	}
	if len(descs) != 1 || descs[0].attr("id") != "seoul-cases-desc" || descs[0].Text != c.Desc {
		t.Errorf("desc = %+v", descs)
	}
	if !strings.Contains(strings.Join(root.texts(), "|"), "서울") {
		t.Errorf("legend lacks the name as text: %q", root.texts())
	}
}

func TestUserTextIsEscaped(t *testing.T) {
	evil := `</text><script>alert("x")</script> & <b onclick='y'>` + "\x00\x1b\xff"
	c := Chart{
		Title: evil, Desc: evil, Unit: evil, ID: `x"><script>`, Lang: `en"><script>`, NoData: evil,
		Start: march, Series: []Series{{Name: evil, V: []float64{1, 2}}},
	}
	for _, svg := range []string{c.SVG(), Chart{Title: evil, NoData: evil}.SVG()} {
		root := parse(t, svg)
		if len(root.all("script")) > 0 || len(root.all("b")) > 0 || strings.Contains(svg, "<script") {
			t.Errorf("user text became markup:\n%s", svg)
		}
		if got := root.all("title")[0].Text; !strings.Contains(got, `<script>alert("x")</script> & <b onclick='y'>`) {
			t.Errorf("title = %q, want the text as given", got)
		}
	}
	root := parse(t, c.SVG())
	if id := root.all("title")[0].attr("id"); id != "x---script--title" {
		t.Errorf("title id = %q, want the id cleaned", id)
	}
	if lang := root.attr("lang"); lang != "" {
		t.Errorf("lang = %q, want an invalid tag left out", lang)
	}
}

func TestGapsBreakTheLine(t *testing.T) {
	c := Chart{Title: "t", Start: march, Series: []Series{
		{Name: "gap", V: []float64{1, 2, nan, 4, 5}},
		{Name: "lone day", V: []float64{1, nan, 3, nan, math.Inf(1)}},
		{Name: "whole", V: []float64{5, 4, 3, 2, 1}},
	}}
	ps := lines(parse(t, c.SVG()))
	if len(ps) != 3 {
		t.Fatalf("%d lines, want 3", len(ps))
	}
	for i, want := range []struct{ m, l int }{{2, 2}, {2, 0}, {1, 4}} {
		d := ps[i].attr("d")
		if m, l := strings.Count(d, "M"), strings.Count(d, "L"); m != want.m || l != want.l {
			t.Errorf("%s: d=%q has %d M and %d L, want %d and %d", c.Series[i].Name, d, m, l, want.m, want.l)
		}
	}
	if d := ps[1].attr("d"); strings.Count(d, "h0") != 2 {
		t.Errorf("lone days: d=%q, want each drawn as a dot (h0)", d)
	}
}

func TestLogScale(t *testing.T) {
	c := Chart{Title: "t", Start: march, Log: true, Series: []Series{{Name: "a", V: []float64{0, 3, 40, 900, -2, 12000, nan}}}}
	root := parse(t, c.SVG())
	var got []string
	for _, s := range root.texts() {
		if s != "a" && !strings.HasPrefix(s, "2020-") {
			got = append(got, s)
		}
	}
	if want := []string{"1", "10", "100", "1,000", "10,000", "100,000"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("log ticks = %q, want %q", got, want)
	}
	if d := lines(root)[0].attr("d"); strings.Count(d, "M") != 2 {
		t.Errorf("d=%q: 0 and −2 should be gaps on a log scale", d)
	}
	if desc := root.all("desc")[0].Text; !strings.Contains(desc, "logarithmic") {
		t.Errorf("desc = %q, want a note that values were left out", desc)
	}

	c.LogNote = "Zéro n’est pas affiché."
	if desc := parse(t, c.SVG()).all("desc")[0].Text; desc != c.LogNote {
		t.Errorf("desc = %q, want the caller's note", desc)
	}
	c.Series[0].V = []float64{1, 2, 3}
	if desc := parse(t, c.SVG()).all("desc")[0].Text; desc != "" {
		t.Errorf("desc = %q, want no note when nothing was left out", desc)
	}
}

func TestLogTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   []float64
	}{
		{3, 12000, []float64{1, 10, 100, 1e3, 1e4, 1e5}},
		{1, 1000, []float64{1, 10, 100, 1000}},
		{50, 80, []float64{10, 100}},
		{100, 100, []float64{100, 1000}},
		{0.02, 5, []float64{0.01, 0.1, 1, 10}},
		{1, 1e9, []float64{1, 100, 1e4, 1e6, 1e8, 1e10}},
	}
	for _, tt := range tests {
		got := logTicks(tt.lo, tt.hi)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("logTicks(%v, %v) = %v, want %v", tt.lo, tt.hi, got, tt.want)
		}
		for _, v := range got {
			if p := math.Log10(v); math.Abs(p-math.Round(p)) > 1e-12 {
				t.Errorf("logTicks(%v, %v): %v is not a power of ten", tt.lo, tt.hi, v)
			}
		}
	}
}

func TestLinearTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   string
	}{
		{0, 100, "[0 20 40 60 80 100]"},
		{0, 7, "[0 2 4 6 8]"},
		{0, 1, "[0 0.2 0.4 0.6 0.8 1]"},
		{0, 12, "[0 5 10 15]"},
		{0, 37, "[0 10 20 30 40]"},
		{0, 123456, "[0 50000 100000 150000]"},
		{-30, 50, "[-40 -20 0 20 40 60]"},
		{-5, 0, "[-5 -4 -3 -2 -1 0]"},
		{0, 0.003, "[0 0.001 0.002 0.003]"},
		{0, 0, "[0 0.2 0.4 0.6 0.8 1]"},
		{1e6, 4.5e6, "[1e+06 2e+06 3e+06 4e+06 5e+06]"},
	}
	for _, tt := range tests {
		ticks, step := linearTicks(tt.lo, tt.hi)
		// Print at the step's precision: the values themselves carry floating-point noise.
		s := make([]string, len(ticks))
		for i, v := range ticks {
			s[i] = strconv.FormatFloat(math.Round(v/step)*step, 'g', 6, 64)
		}
		if got := "[" + strings.Join(s, " ") + "]"; got != tt.want {
			t.Errorf("linearTicks(%v, %v) = %s, want %s", tt.lo, tt.hi, got, tt.want)
		}
		if n := len(ticks); n < 4 || n > 6 {
			t.Errorf("linearTicks(%v, %v): %d ticks, want 4 to 6", tt.lo, tt.hi, n)
		}
		if ticks[0] > tt.lo || ticks[len(ticks)-1] < tt.hi {
			t.Errorf("linearTicks(%v, %v) = %v does not cover the range", tt.lo, tt.hi, ticks)
		}
		m := step / math.Pow10(int(math.Floor(math.Log10(step)+1e-9)))
		if math.Abs(m-1) > 1e-9 && math.Abs(m-2) > 1e-9 && math.Abs(m-5) > 1e-9 {
			t.Errorf("linearTicks(%v, %v): step %v is not 1, 2 or 5 × 10ⁿ", tt.lo, tt.hi, step)
		}
	}
	// Many ranges: always 4 to 6 ticks, or failing that never fewer than 3 or more than 8.
	for i := 1; i < 2000; i++ {
		hi := float64(i) * 0.37
		ticks, _ := linearTicks(0, hi)
		if n := len(ticks); n < 3 || n > 8 {
			t.Errorf("linearTicks(0, %v): %d ticks", hi, n)
		}
	}
}

func TestNegativeValues(t *testing.T) {
	c := Chart{Title: "Week on week", Unit: "%", Start: march, Series: []Series{{Name: "change", V: []float64{-30, 10, 50, -12}}}}
	root := parse(t, c.SVG())
	labels := strings.Join(root.texts(), " ")
	for _, want := range []string{"−40", "−20", "0", "20", "60", "%"} {
		if !strings.Contains(" "+labels+" ", " "+want+" ") {
			t.Errorf("labels %q lack %q", labels, want)
		}
	}
	// The zero line is the axis path's first segment; it must lie inside the plot, not at its bottom.
	var axis string
	for _, p := range root.all("path") {
		if p.attr("stroke") == axisColour {
			axis = p.attr("d")
		}
	}
	var x0, y0, x1 float64
	if _, err := fmt.Sscanf(axis, "M%g %gH%g", &x0, &y0, &x1); err != nil {
		t.Fatalf("axis d=%q: %v", axis, err)
	}
	if bottom := float64(defaultHeight - 26); y0 >= bottom-1 {
		t.Errorf("zero line at y=%v, want above the bottom (%v) when values go negative", y0, bottom)
	}
	if x1 <= x0 {
		t.Errorf("zero line %q goes nowhere", axis)
	}
}

func TestEightSeriesDistinct(t *testing.T) {
	c := Chart{Title: "t", Start: march}
	for i := range 8 {
		c.Series = append(c.Series, Series{Name: fmt.Sprintf("City %d", i), V: ramp(30, func(j int) float64 { return float64(i*j + 1) })})
	}
	root := parse(t, c.SVG())
	ps := lines(root)
	if len(ps) != 8 {
		t.Fatalf("%d lines, want 8", len(ps))
	}
	colours, dashes := map[string]bool{}, map[string]bool{}
	for _, p := range ps {
		colours[p.attr("stroke")] = true
		dashes[p.attr("stroke-dasharray")] = true
	}
	if len(colours) != 8 || len(dashes) != 8 {
		t.Errorf("%d colours and %d dash patterns, want 8 of each", len(colours), len(dashes))
	}
	for c := range colours {
		if r := contrast(c, "#ffffff"); r < 3 {
			t.Errorf("colour %s has contrast %.2f:1 against white, want ≥ 3:1", c, r)
		}
	}
	if r := contrast(axisColour, "#ffffff"); r < 3 {
		t.Errorf("axis colour contrast %.2f:1", r)
	}
	if r := contrast(textColour, "#ffffff"); r < 4.5 {
		t.Errorf("text colour contrast %.2f:1", r)
	}
	var names []string
	for _, s := range root.texts() {
		if strings.HasPrefix(s, "City") {
			names = append(names, s)
		}
	}
	if len(names) != 8 {
		t.Errorf("legend = %q, want 8 names", names)
	}
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	if len(hex) == 4 {
		hex = "#" + strings.Repeat(hex[1:2], 2) + strings.Repeat(hex[2:3], 2) + strings.Repeat(hex[3:4], 2)
	}
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

func TestNoData(t *testing.T) {
	for name, c := range map[string]Chart{
		"no series":      {Title: "t"},
		"empty series":   {Title: "t", Series: []Series{{Name: "a"}}},
		"all gaps":       {Title: "t", Series: []Series{{Name: "a", V: []float64{nan, nan}}}},
		"log of zeroes":  {Title: "t", Log: true, Series: []Series{{Name: "a", V: []float64{0, 0}}}},
		"translated":     {Title: "t", NoData: "데이터 없음"},
		"with desc text": {Title: "t", Desc: "Cases.", Series: []Series{{Name: "a", V: []float64{nan}}}},
	} {
		t.Run(name, func(t *testing.T) {
			root := parse(t, c.SVG())
			want := c.NoData
			if want == "" {
				want = "No data"
			}
			if texts := root.texts(); len(texts) != 1 || texts[0] != want {
				t.Errorf("texts = %q, want only %q", texts, want)
			}
			if len(root.all("path")) != 0 {
				t.Error("an empty chart draws lines")
			}
			if desc := root.all("desc")[0].Text; !strings.HasSuffix(desc, want) || !strings.HasPrefix(desc, c.Desc) {
				t.Errorf("desc = %q, want %q then the message", desc, c.Desc)
			}
		})
	}
}

func TestDateTicks(t *testing.T) {
	day := func(s string) int {
		tm, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return dayNumber(tm)
	}
	tests := []struct {
		start string
		n     int
		want  string // first labels
		unit  string // the pattern every label has
	}{
		{"2020-03-01", 5, "2020-03-01 2020-03-02 2020-03-03", `^\d{4}-\d\d-\d\d$`},
		{"2020-03-01", 40, "2020-03-02 2020-03-09 2020-03-16", `^\d{4}-\d\d-\d\d$`}, // Mondays
		{"2020-03-15", 200, "2020-04 2020-05 2020-06", `^\d{4}-\d\d$`},
		{"2020-01-22", 1000, "2020-07 2021-01 2021-07", `^\d{4}-\d\d$`},
		{"2000-01-01", 9000, "2000 2005 2010", `^\d{4}$`},
	}
	for _, tt := range tests {
		ticks := dateTicks(day(tt.start), tt.n, 650)
		var labels []string
		re := regexp.MustCompile(tt.unit)
		for i, d := range ticks {
			labels = append(labels, d.label)
			if !re.MatchString(d.label) {
				t.Errorf("%s+%d: label %q is not like %s", tt.start, tt.n, d.label, tt.unit)
			}
			if d.i < 0 || d.i >= tt.n || (i > 0 && d.i <= ticks[i-1].i) {
				t.Errorf("%s+%d: tick %d at day %d", tt.start, tt.n, i, d.i)
			}
			if got := dayTime(day(tt.start) + d.i).Format(time.DateOnly); !strings.HasPrefix(got, d.label) {
				t.Errorf("%s+%d: label %q at day %s", tt.start, tt.n, d.label, got)
			}
		}
		if len(labels) < 2 || len(labels) > 9 {
			t.Errorf("%s+%d: %d ticks: %q", tt.start, tt.n, len(labels), labels)
		}
		if got := strings.Join(labels, " "); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s+%d: ticks %q, want them to start %q", tt.start, tt.n, got, tt.want)
		}
	}
}

func TestNumberFormat(t *testing.T) {
	tests := []struct {
		lang string
		v    float64
		dec  int
		want string
	}{
		{"en", 1234567, 0, "1,234,567"},
		{"", 999, 0, "999"},
		{"en-GB", -1500, 0, "−1,500"},
		{"de-DE", 1234.5, 1, "1.234,5"},
		{"fr", 20000, 0, "20\u202f000"},
		{"ru", 0.25, 2, "0,25"},
		{"ko", 50000, 0, "50,000"},
		{"en", -0.0001, 1, "0.0"},
	}
	for _, tt := range tests {
		if got := formatFor(tt.lang).format(tt.v, tt.dec); got != tt.want {
			t.Errorf("format(%q, %v, %d) = %q, want %q", tt.lang, tt.v, tt.dec, got, tt.want)
		}
	}
}

func TestCoordinatesRounded(t *testing.T) {
	c := Chart{Title: "t", Start: march, Width: 333, Height: 177, Series: []Series{{Name: "a", V: ramp(17, func(i int) float64 { return math.Sqrt(float64(i)) })}}}
	svg := c.SVG()
	if m := regexp.MustCompile(`\d\.\d\d`).FindString(svg); m != "" {
		t.Errorf("coordinate %q has more than one decimal", m)
	}
	if strings.Contains(svg, "style") || strings.Contains(svg, "script") {
		t.Error("output has a style or script")
	}
	if !strings.Contains(svg, `viewBox="0 0 333 177"`) {
		t.Errorf("size not used: %.120s", svg)
	}
}

func TestDeterministic(t *testing.T) {
	c := bigChart()
	first := c.SVG()
	for range 3 {
		if c.SVG() != first {
			t.Fatal("the same chart rendered differently")
		}
	}
	var b strings.Builder
	n, err := c.WriteTo(&b)
	if err != nil || int(n) != len(first) || b.String() != first {
		t.Errorf("WriteTo = %d, %v; differs from SVG()", n, err)
	}
	parse(t, first)
}

// bigChart is 1,000 days of 8 series with gaps.
func bigChart() Chart {
	c := Chart{Title: "Eight cities", Desc: "New cases, 7-day average.", Unit: "per 100,000", ID: "big", Start: time.Date(2020, 1, 22, 0, 0, 0, 0, time.UTC)}
	for s := range 8 {
		c.Series = append(c.Series, Series{
			Name: fmt.Sprintf("City %d", s),
			V: ramp(1000, func(i int) float64 {
				if (i+s*13)%97 < 3 {
					return nan
				}
				return 50 + 40*math.Sin(float64(i)/(40+float64(s)*7)) + float64(s*10)
			}),
		})
	}
	return c
}

func BenchmarkSVG(b *testing.B) {
	c := bigChart()
	b.ReportAllocs()
	for b.Loop() {
		c.SVG()
	}
	b.ReportMetric(float64(len(c.SVG())), "bytes")
}

func TestOneDay(t *testing.T) {
	c := Chart{Title: "t", Start: march, Series: []Series{{V: []float64{42}}}}
	root := parse(t, c.SVG())
	if got := root.attr("aria-labelledby"); got != "chart-title chart-desc" {
		t.Errorf("aria-labelledby = %q, want the default id prefix", got)
	}
	ps := lines(root)
	if len(ps) != 1 || !regexp.MustCompile(`^M[\d.]+ [\d.]+h0$`).MatchString(ps[0].attr("d")) {
		t.Fatalf("lines = %+v, want one dot", ps)
	}
	if texts := strings.Join(root.texts(), " "); !strings.Contains(texts, "2020-03-01") {
		t.Errorf("texts = %q, want the day labelled", texts)
	}
	if len(root.all("path")) != 3 { // grid, axis, line; no legend for an unnamed series
		t.Errorf("%d paths, want 3", len(root.all("path")))
	}
}
