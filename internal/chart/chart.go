// Package chart draws line charts of daily series as inline SVG on the server, so that pages show
// them without JavaScript. A chart is an image with an accessible name and description; each line
// has its own colour and its own dash pattern, so that it can be told apart without colour; gaps
// in the data break the line instead of being bridged. Output depends only on the Chart, byte for
// byte, so pages that embed it can be cached and compared in tests, and it needs neither a <style>
// element nor inline style attributes, so a strict Content-Security-Policy allows it.
//
// It uses only the standard library and must never import net/http, database/sql or any of the
// project's packages: it draws numbers, and callers (internal/series) compute them.
package chart

import (
	"io"
	"math"
	"time"
)

// Series is one line: V[i] is its value on day i of the chart; NaN (or ±Inf) is a gap, where the
// line breaks.
type Series struct {
	Name string
	V    []float64
}

// Chart is a line chart of daily values.
type Chart struct {
	// Title is the chart's accessible name, Desc its accessible description (what it shows and
	// what to read from it, for readers who cannot see it). Both are plain text, and neither is
	// drawn: the page shows the title as a heading beside the chart.
	Title, Desc string
	// Start is the day of V[0], taken as a calendar date in its own location.
	Start time.Time
	// Series are the lines, drawn in order. Eight have distinct styles; beyond that, colours and
	// dash patterns repeat.
	Series []Series
	// Log draws the values on a base-10 logarithmic scale, with ticks at powers of ten; values of
	// zero or less cannot be shown on one and are left out (as gaps), which the description then
	// says. A linear scale always includes zero, and draws a zero line.
	Log bool
	// Unit labels the value axis: "cases per 100,000".
	Unit string
	// Width and Height are the size in pixels; 720×320 when zero.
	Width, Height int
	// ID prefixes the ids of the title and description; each chart on a page needs its own.
	ID string
	// Lang is the BCP 47 language of the texts, which also sets how numbers are written
	// (1,234.5 or 1.234,5). Dates are written as ISO 8601 (2021-03-01, 2021-03, 2021).
	Lang string
	// NoData is shown in place of a chart without values: "No data" when empty. LogNote is added to
	// the description when a logarithmic scale leaves values out, "Values of zero or less are not
	// shown on the logarithmic scale." when empty. Both are for callers that translate.
	NoData, LogNote string
}

const (
	defaultWidth  = 720
	defaultHeight = 320

	pad        = 8.0  // around the drawing
	lineHeight = 18.0 // of a legend row or the unit label
	legendLine = 36.0 // length of a legend's line sample: long enough to show each dash pattern
	maxName    = 48   // characters of a series name shown in the legend
	textColour = "#333"
	axisColour = "#595959" // 7:1 against white
	gridColour = "#e3e3e3" // decoration only: the tick labels carry the values
)

// styles are the lines' colours and dash patterns. Every colour has a contrast of at least 3:1
// against white (WCAG 2.2 non-text contrast), and no two lines share a dash pattern, so lines stay
// distinct for colour-blind readers and in greyscale. Dashes are measured with the round caps of a
// 2px line, which add 1px at each end: "0 5" draws dots.
var styles = [8]struct{ colour, dash string }{
	{"#0b5cad", ""},             // blue, solid
	{"#c25400", "8 5"},          // orange, dashed
	{"#6a3d9a", "0 5"},          // purple, dotted
	{"#1b7a3d", "14 5 0 5"},     // green, dash-dot
	{"#b8322a", "3 4"},          // red, short dashes
	{"#00798c", "20 6"},         // teal, long dashes
	{"#8c6d00", "14 5 0 5 0 5"}, // ochre, dash-dot-dot
	{"#c2307f", "3 4 14 4"},     // magenta, short-long
}

// SVG returns the chart as an <svg> element, ready to embed in HTML.
func (c Chart) SVG() string { return string(c.render()) }

// WriteTo writes the chart's SVG to w.
func (c Chart) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(c.render())
	return int64(n), err
}

// extent is what the data span: the largest number of days, the range of the values that can be
// drawn, how many there are, and how many a logarithmic scale leaves out.
type extent struct {
	days           int
	lo, hi         float64
	shown, dropped int
}

func (c Chart) extent() extent {
	e := extent{lo: math.Inf(1), hi: math.Inf(-1)}
	for _, s := range c.Series {
		e.days = max(e.days, len(s.V))
		for _, v := range s.V {
			switch {
			case !finite(v):
			case c.Log && v <= 0:
				e.dropped++
			default:
				e.shown++
				if v < e.lo {
					e.lo = v
				}
				if v > e.hi {
					e.hi = v
				}
			}
		}
	}
	return e
}

// finite reports whether v is neither NaN nor ±Inf (for which v−v is NaN).
func finite(v float64) bool { return v-v == 0 }

// description is Desc, followed by what the drawing cannot show.
func (c Chart) description(e extent) string {
	d := c.Desc
	add := func(s, def string) {
		if s == "" {
			s = def
		}
		if d != "" {
			d += " "
		}
		d += s
	}
	if e.dropped > 0 {
		add(c.LogNote, "Values of zero or less are not shown on the logarithmic scale.")
	}
	if e.shown == 0 {
		add(c.NoData, "No data")
	}
	return d
}

func (c Chart) render() []byte {
	width, height := float64(c.Width), float64(c.Height)
	if c.Width <= 0 {
		width = defaultWidth
	}
	if c.Height <= 0 {
		height = defaultHeight
	}
	id := cleanID(c.ID)
	e := c.extent()

	points := 0
	for _, s := range c.Series {
		points += len(s.V)
	}
	b := make([]byte, 0, 2048+14*points)

	b = append(b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="`...)
	b = append(b, id+"-title "+id+"-desc"...)
	b = append(b, `" viewBox="0 0 `...)
	b = appendCoord(b, width)
	b = append(b, ' ')
	b = appendCoord(b, height)
	b = append(b, `" width="`...)
	b = appendCoord(b, width)
	b = append(b, `" height="`...)
	b = appendCoord(b, height)
	b = append(b, '"')
	if validLang(c.Lang) {
		b = append(b, ` lang="`+c.Lang+`"`...)
	}
	b = append(b, ` font-family="system-ui,sans-serif" font-size="12">`+"\n"...)
	b = append(b, `<title id="`+id+`-title">`...)
	b = appendText(b, c.Title)
	b = append(b, "</title>\n"+`<desc id="`+id+`-desc">`...)
	b = appendText(b, c.description(e))
	b = append(b, "</desc>\n"...)

	if e.shown == 0 {
		msg := c.NoData
		if msg == "" {
			msg = "No data"
		}
		b = append(b, `<rect x="0.5" y="0.5" width="`...)
		b = appendCoord(b, width-1)
		b = append(b, `" height="`...)
		b = appendCoord(b, height-1)
		b = append(b, `" fill="none" stroke="`+gridColour+`"/>`+"\n"+`<text x="`...)
		b = appendCoord(b, width/2)
		b = append(b, `" y="`...)
		b = appendCoord(b, height/2+5)
		b = append(b, `" text-anchor="middle" font-size="16" fill="`+textColour+`">`...)
		b = appendText(b, msg)
		return append(b, "</text>\n</svg>"...)
	}

	// The value scale and its labels.
	nf := formatFor(c.Lang)
	var ticks []float64
	var labels []string
	if c.Log {
		ticks = logTicks(e.lo, e.hi)
		for _, t := range ticks {
			labels = append(labels, nf.format(t, decimals(t)))
		}
	} else {
		var step float64
		ticks, step = linearTicks(min(e.lo, 0), max(e.hi, 0))
		for _, t := range ticks {
			labels = append(labels, nf.format(t, decimals(step)))
		}
	}
	labelWidth := 0.0
	for _, l := range labels {
		labelWidth = max(labelWidth, textWidth(l))
	}

	// The legend, above the plot, in as many rows as the names need; unnamed series have none.
	type entry struct {
		x, y  float64
		name  string
		style int
	}
	var legend []entry
	x, rows := pad, 0
	for i, s := range c.Series {
		if s.Name == "" {
			continue
		}
		if rows == 0 {
			rows = 1
		}
		name := truncate(s.Name, maxName)
		w := legendLine + 6 + textWidth(name) + 18
		if x > pad && x+w > width-pad {
			x, rows = pad, rows+1
		}
		legend = append(legend, entry{x, pad + 12 + float64(rows-1)*lineHeight, name, i})
		x += w
	}
	top := pad + float64(rows)*lineHeight + 8
	if c.Unit != "" {
		top += lineHeight
	}
	left := pad + labelWidth + 8
	right := width - pad - 4
	bottom := height - 26
	// A chart too small for its labels and legend still draws, if badly.
	bottom = max(bottom, top+20)
	right = max(right, left+20)

	// Positions.
	days := e.days
	xAt := func(i int) float64 {
		if days == 1 {
			return (left + right) / 2
		}
		return left + (right-left)*float64(i)/float64(days-1)
	}
	lo, hi := ticks[0], ticks[len(ticks)-1]
	if c.Log {
		lo, hi = math.Log10(lo), math.Log10(hi)
	}
	k := (bottom - top) / (hi - lo)
	yAt := func(v float64) float64 {
		if c.Log {
			v = math.Log10(v)
		}
		return bottom - k*(v-lo)
	}

	// Grid lines at the value ticks, and the date ticks.
	dates := dateTicks(dayNumber(c.Start), days, right-left)
	b = append(b, `<path stroke="`+gridColour+`" d="`...)
	for _, t := range ticks {
		b = append(b, 'M')
		b = appendCoord(b, left)
		b = append(b, ' ')
		b = appendCoord(b, yAt(t))
		b = append(b, 'H')
		b = appendCoord(b, right)
	}
	b = append(b, `"/>`+"\n"...)

	// The axes: the zero line on a linear scale (at the bottom unless values go negative), the
	// bottom of a logarithmic one, and the date tick marks.
	base := bottom
	if !c.Log {
		base = yAt(0)
	}
	b = append(b, `<path stroke="`+axisColour+`" d="M`...)
	b = appendCoord(b, left)
	b = append(b, ' ')
	b = appendCoord(b, base)
	b = append(b, 'H')
	b = appendCoord(b, right)
	for _, t := range dates {
		b = append(b, 'M')
		b = appendCoord(b, xAt(t.i))
		b = append(b, ' ')
		b = appendCoord(b, bottom)
		b = append(b, "v5"...)
	}
	b = append(b, `"/>`+"\n"...)

	// Labels.
	b = append(b, `<g fill="`+textColour+`" text-anchor="end">`...)
	for i, t := range ticks {
		b = append(b, `<text x="`...)
		b = appendCoord(b, left-6)
		b = append(b, `" y="`...)
		b = appendCoord(b, yAt(t)+4)
		b = append(b, `">`...)
		b = appendText(b, labels[i])
		b = append(b, "</text>"...)
	}
	b = append(b, "</g>\n"+`<g fill="`+textColour+`" text-anchor="middle">`...)
	for _, t := range dates {
		half := textWidth(t.label) / 2
		b = append(b, `<text x="`...)
		b = appendCoord(b, min(max(xAt(t.i), half+2), width-half-2))
		b = append(b, `" y="`...)
		b = appendCoord(b, bottom+19)
		b = append(b, `">`...)
		b = appendText(b, t.label)
		b = append(b, "</text>"...)
	}
	b = append(b, "</g>\n"...)
	if c.Unit != "" {
		b = append(b, `<text x="`...)
		b = appendCoord(b, pad)
		b = append(b, `" y="`...)
		b = appendCoord(b, top-14)
		b = append(b, `" fill="`+textColour+`">`...)
		b = appendText(b, c.Unit)
		b = append(b, "</text>\n"...)
	}

	// The lines, then the legend's samples of them.
	b = append(b, `<g fill="none" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">`+"\n"...)
	for i, s := range c.Series {
		b = appendStyle(b, i)
		b = append(b, ` d="`...)
		run := 0 // points in the current piece of line
		for j, v := range s.V {
			if !finite(v) || (c.Log && v <= 0) {
				if run == 1 {
					b = append(b, "h0"...) // a lone day: a dot, drawn by the round cap
				}
				run = 0
				continue
			}
			if run == 0 {
				b = append(b, 'M')
			} else {
				b = append(b, 'L')
			}
			b = appendCoord(b, xAt(j))
			b = append(b, ' ')
			b = appendCoord(b, yAt(v))
			run++
		}
		if run == 1 {
			b = append(b, "h0"...)
		}
		b = append(b, `"/>`+"\n"...)
	}
	b = append(b, "</g>\n"+`<g fill="none" stroke-width="2" stroke-linecap="round">`+"\n"...)
	for _, l := range legend {
		b = appendStyle(b, l.style)
		b = append(b, ` d="M`...)
		b = appendCoord(b, l.x+1)
		b = append(b, ' ')
		b = appendCoord(b, l.y-4)
		b = append(b, 'h')
		b = appendCoord(b, legendLine-2)
		b = append(b, `"/>`+"\n"...)
	}
	b = append(b, "</g>\n"+`<g fill="`+textColour+`">`...)
	for _, l := range legend {
		b = append(b, `<text x="`...)
		b = appendCoord(b, l.x+legendLine+6)
		b = append(b, `" y="`...)
		b = appendCoord(b, l.y)
		b = append(b, `">`...)
		b = appendText(b, l.name)
		b = append(b, "</text>"...)
	}
	return append(b, "</g>\n</svg>"...)
}

// appendStyle starts a <path> in the style of series i.
func appendStyle(b []byte, i int) []byte {
	s := styles[i%len(styles)]
	b = append(b, `<path stroke="`+s.colour+`"`...)
	if s.dash != "" {
		b = append(b, ` stroke-dasharray="`+s.dash+`"`...)
	}
	return b
}

var _ io.WriterTo = Chart{}
