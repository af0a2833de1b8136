package cases

import (
	"encoding/json"
	"io"
	"strings"

	"github.com/citypact/citypact"
)

// The body of an API push: a city's system sends its latest days as
//
//	{"source": "taipei-reports",
//	 "observations": [{"area": "taipei", "date": "2026-11-20", "new_cases": 12, "total_cases": 3456}, …]}
//
// "source" comes before "observations", so that the observations can be streamed (JSON object
// members have no order, but every JSON library writes them in the order given). An observation
// has an area code, a date written YYYY-MM-DD, and metrics by their keys (see Metric.Key) as JSON
// numbers; null is a missing value. Anything else is a problem at its line and column.

// pushKeys are the keys of an observation besides the metrics'.
var pushKeys = []string{"area", "date"}

// DecodePush reads a push body up to the start of its observations and returns the source key
// and a Reader of the observations. A body that is not a JSON object with "source" and then
// "observations" is a *citypact.ImportError (its problems placed by line and column); other
// errors are r's.
func DecodePush(r io.Reader) (source string, rd Reader, err error) {
	p := &pushReader{readState: readState{file: ""}, js: newJSONStream(r)}
	source, ok := p.head()
	if p.err != nil {
		return "", nil, p.err
	}
	if !ok {
		return "", nil, &citypact.ImportError{Problems: p.problems, Truncated: p.Truncated()}
	}
	return source, p, nil
}

type pushReader struct {
	readState
	js *jsonStream
}

// head reads up to the observations' "[", reporting what is wrong before it.
func (p *pushReader) head() (source string, ok bool) {
	tok, err := p.js.dec.Token()
	if err != nil {
		p.jsonError(err)
		return "", false
	}
	if tok != json.Delim('{') {
		p.add(1, 1, "", "cases.problem.push_shape")
		return "", false
	}
	for p.js.dec.More() {
		tok, err := p.js.dec.Token()
		if err != nil {
			p.jsonError(err)
			return "", false
		}
		key, _ := tok.(string)
		tok, line, col, err := p.js.token()
		if err != nil {
			p.jsonError(err)
			return "", false
		}
		switch key {
		case "source":
			s, isString := tok.(string)
			if !isString || !sourceKeyRE.MatchString(s) {
				p.add(line, col, "source", "cases.problem.push_source")
			}
			source = s
		case "observations":
			switch {
			case tok != json.Delim('['):
				p.add(line, col, "observations", "cases.problem.records_missing", "path", "observations")
			case source == "" && len(p.problems) == 0:
				p.add(line, col, "source", "cases.problem.push_source")
			}
			return source, len(p.problems) == 0
		default:
			p.add(line, col, key, "cases.problem.key_unknown", "key", quote(key), "keys", "source, observations")
		}
		if err := p.js.skip(tok); err != nil {
			p.jsonError(err)
			return "", false
		}
	}
	p.add(1, 1, "observations", "cases.problem.records_missing", "path", "observations")
	return "", false
}

// jsonError reports an error of the JSON input and ends reading.
func (p *pushReader) jsonError(err error) {
	p.done = true
	if line, col, key, args, ok := p.js.problem(err); ok {
		p.add(line, col, "", key, args...)
		return
	}
	p.err = err
}

func (p *pushReader) Next() (Observation, error) {
	for !p.done {
		if !p.js.dec.More() {
			p.tail()
			break
		}
		tok, line, col, err := p.js.token()
		if err != nil {
			p.jsonError(err)
			break
		}
		if tok != json.Delim('{') {
			p.add(line, col, "", "cases.problem.record_not_object")
			if err := p.js.skip(tok); err != nil {
				p.jsonError(err)
			}
			continue
		}
		o, ok, err := p.observation(line, col)
		if err != nil {
			p.jsonError(err)
			break
		}
		if ok {
			return o, nil
		}
	}
	return p.end()
}

// observation reads the members of an observation whose "{" has been read.
func (p *pushReader) observation(line, col int) (o Observation, ok bool, err error) {
	o.Pos = p.pos(line, col)
	ok = true
	var seen uint32
	problem := func(l, c int, field, key string, args ...string) {
		p.add(l, c, field, key, args...)
		ok = false
	}
	for p.js.dec.More() {
		tok, err := p.js.dec.Token()
		if err != nil {
			return o, false, err
		}
		key, _ := tok.(string)
		tok, l, c, err := p.js.token()
		if err != nil {
			return o, false, err
		}
		if err := p.js.skip(tok); err != nil { // an object or array is no value here
			return o, false, err
		}
		bit := uint32(0)
		metric, isMetric := ParseMetric(key)
		switch {
		case key == "area":
			bit = 1 << NumMetrics
		case key == "date":
			bit = 1 << (NumMetrics + 1)
		case isMetric:
			bit = 1 << metric
		default:
			problem(l, c, key, "cases.problem.key_unknown", "key", quote(key), "keys", strings.Join(append(pushKeys, metricKeys[:]...), ", "))
			continue
		}
		if seen&bit != 0 {
			problem(l, c, key, "cases.problem.key_twice", "key", key)
			continue
		}
		seen |= bit
		s, isString := tok.(string)
		if isString && strings.ContainsRune(s, '\uFFFD') {
			problem(l, c, key, "cases.problem.not_utf8")
			continue
		}
		switch {
		case key == "area":
			if !isString || !ValidAreaCode(s) {
				problem(l, c, key, "cases.problem.area_invalid", "value", quote(tokenText(tok)))
			}
			o.Area = s
		case key == "date":
			var good bool
			if o.Day, good = parseISODay(s); !isString || !good {
				problem(l, c, key, "cases.problem.date_invalid", "value", quote(tokenText(tok)), "layout", "YYYY-MM-DD")
			}
		default:
			n, isNumber := tok.(json.Number)
			switch {
			case tok == nil:
			case !isNumber:
				problem(l, c, key, "cases.problem.number_invalid", "value", quote(tokenText(tok)))
			case !p.value(&o.Values, metric, string(n), l, c, key):
				ok = false
			}
		}
	}
	if _, err := p.js.dec.Token(); err != nil { // "}"
		return o, false, err
	}
	if seen&(1<<NumMetrics) == 0 {
		problem(line, col, "area", "cases.problem.value_missing")
	}
	if seen&(1<<(NumMetrics+1)) == 0 {
		problem(line, col, "date", "cases.problem.value_missing")
	}
	if ok && o.Empty() {
		p.skipped++
		return o, false, nil
	}
	return o, ok, nil
}

// tokenText writes a JSON token for a message.
func tokenText(tok json.Token) string {
	switch v := tok.(type) {
	case string:
		return v
	case json.Number:
		return string(v)
	case bool:
		if v {
			return "true"
		}
		return "false"
	case nil:
		return "null"
	case json.Delim:
		return string(v)
	}
	return ""
}

// tail reads what follows the observations: the array's end, the rest of the object, and
// nothing after it.
func (p *pushReader) tail() {
	p.done = true
	if _, err := p.js.dec.Token(); err != nil { // "]"
		p.jsonError(err)
		return
	}
	for p.js.dec.More() {
		tok, err := p.js.dec.Token()
		if err != nil {
			p.jsonError(err)
			return
		}
		key, _ := tok.(string)
		tok, line, col, err := p.js.token()
		if err == nil {
			err = p.js.skip(tok)
		}
		if err != nil {
			p.jsonError(err)
			return
		}
		if key == "source" {
			p.add(line, col, key, "cases.problem.key_twice", "key", key)
		} else {
			p.add(line, col, key, "cases.problem.key_unknown", "key", quote(key), "keys", "source, observations")
		}
	}
	if _, err := p.js.dec.Token(); err != nil { // "}"
		p.jsonError(err)
		return
	}
	if _, line, col, err := p.js.token(); err != io.EOF {
		if err != nil {
			p.jsonError(err)
			return
		}
		p.add(line, col, "", "cases.problem.json_trailing")
	}
}
