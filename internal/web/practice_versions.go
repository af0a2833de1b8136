package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/web/view"
)

// practiceVersions serves GET /practices/{id}/versions: the published versions, newest first,
// each with its note and a link to what it changed.
func (s *Server) practiceVersions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	tr := stateOf(r).tr
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	vs, err := s.Practices.Versions(ctx, p.ID)
	if err != nil {
		return err
	}
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	pg := view.VersionsPage{Base: s.base(r, "versions.title", "library"), Practice: n.practice(p)}
	for _, v := range vs {
		row := view.VersionRow{Number: strconv.Itoa(v.Number), At: tr.DateTime(v.At), Note: v.Note, Current: v.Number == p.Version}
		if v.Number > 1 {
			row.DiffHref = diffHref(p, v.Number-1, v.Number)
		}
		pg.Versions = append(pg.Versions, row)
	}
	return s.render(w, r, http.StatusOK, view.Versions(pg))
}

// versionParam reads a version number from the query; 0 when absent, -1 when not a number.
func versionParam(r *http.Request, name string) int {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return -1
	}
	return n
}

// practiceDiff serves GET /practices/{id}/diff?from=1&to=2: what changed between two versions,
// word by word. Without versions it compares the latest with the one before. to_practice names
// the practice of the "to" version when it is another one, which cannot be compared: versions
// of different practices are not versions of one text (422, with the form saying why).
func (s *Server) practiceDiff(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	tr := stateOf(r).tr
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	vs, err := s.Practices.Versions(ctx, p.ID)
	if err != nil {
		return err
	}
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	pg := view.DiffPage{Base: s.base(r, "diff.title", "library"), Practice: n.practice(p)}
	for _, v := range vs {
		pg.Versions = append(pg.Versions, view.Option{Value: strconv.Itoa(v.Number), Label: tr.T("diff.version_option", "n", strconv.Itoa(v.Number), "date", tr.Date(v.At))})
	}
	from, to := versionParam(r, "from"), versionParam(r, "to")
	if from == 0 && to == 0 && p.Version > 1 {
		from, to = p.Version-1, p.Version
	}
	q := r.URL.Query()
	pg.Form = view.Form{Values: map[string]string{"from": q.Get("from"), "to": q.Get("to")}}
	if from > 0 {
		pg.Form.Values["from"] = strconv.Itoa(from)
	}
	if to > 0 {
		pg.Form.Values["to"] = strconv.Itoa(to)
	}
	var fe formErrors
	find := func(field string, num int) (practice.Version, bool) {
		for _, v := range vs {
			if v.Number == num {
				return v, true
			}
		}
		if num != 0 || len(vs) > 1 {
			fe.add(field, "diff.version_unknown")
		}
		return practice.Version{}, false
	}
	a, okA := find("from_version", from)
	b, okB := find("to_version", to)
	if other := q.Get("to_practice"); okB && other != "" {
		id, _ := strconv.ParseInt(other, 10, 64)
		if id != p.ID {
			// Another practice's version, read as the reader may read it; whether it exists or
			// not, the answer is the same refusal.
			if id > 0 {
				if ov, verr := s.Practices.Version(ctx, id, to); verr == nil {
					b = ov
				} else if citypact.KindOf(verr) != citypact.KindNotFound {
					return verr
				}
			}
			b.PracticeID = max(id, -1)
		}
	}
	status := http.StatusOK
	if len(fe) == 0 && okA && okB {
		parts, err := practice.Diff(a, b)
		if citypact.KindOf(err) == citypact.KindInvalid {
			fe = append(fe, renameFields(citypact.FieldsOf(err), map[string]string{"to": "to_version"})...)
		} else if err != nil {
			return err
		} else {
			pg.Shown = true
			pg.From, pg.To = strconv.Itoa(a.Number), strconv.Itoa(b.Number)
			pg.FromDate, pg.ToDate = tr.DateTime(a.At), tr.DateTime(b.At)
			pg.Fields = diffFields(parts)
		}
	}
	if len(fe) > 0 {
		pg.Form.Errors = fe
		pg.HasErrors = true
		status = http.StatusUnprocessableEntity
	}
	return s.render(w, r, status, view.Diff(pg))
}

// diffFields groups a diff's parts by field, in the order title, summary, body.
func diffFields(parts []practice.DiffPart) []view.DiffField {
	var out []view.DiffField
	for _, field := range []string{"title", "summary", "body"} {
		f := view.DiffField{Key: "field." + field, Changed: practice.Changed(parts, field)}
		for _, p := range parts {
			if p.Field == field {
				f.Parts = append(f.Parts, view.DiffPart{Op: p.Op.String(), Text: p.Text})
			}
		}
		if len(f.Parts) > 0 {
			out = append(out, f)
		}
	}
	return out
}
