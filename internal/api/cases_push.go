package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/citypact/citypact/internal/i18n"
)

// observationsPush serves POST /api/v1/observations: a city's own system sends its latest days,
// as {"source": KEY, "observations": [{"area": CODE, "date": DAY, METRIC: N, …}, …]}. The push is
// all or nothing: every area must be the token's to write (403 otherwise, before anything is
// read into the store), and any problem with the data stores nothing (422, with where each
// problem is). Sending the same days again changes nothing and says so (unchanged).
func (s *Server) observationsPush(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	actor := citypact.ActorFrom(ctx)
	if err := cases.CanImport(actor); err != nil {
		return err
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return httpx.ErrUnsupportedMediaType
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err // *http.MaxBytesError: 413
	}
	key, rd, err := cases.DecodePush(bytes.NewReader(body))
	if err != nil {
		return s.importFailure(w, r, err)
	}
	src, err := s.Cases.SourceByKey(ctx, key)
	if err != nil {
		return err
	}
	// Read the whole push (it is at most the body limit), so that the areas are checked before
	// the store sees any of it.
	all := &observations{}
	for {
		o, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s.importFailure(w, r, err)
		}
		all.obs = append(all.obs, o)
	}
	all.problems, all.skipped, all.truncated = rd.Problems(), rd.Skipped(), rd.Truncated()
	checked := map[string]bool{}
	for _, o := range all.obs {
		if checked[o.Area] {
			continue
		}
		checked[o.Area] = true
		area, err := s.Cases.AreaByCode(ctx, o.Area)
		if citypact.KindOf(err) == citypact.KindNotFound {
			continue // the store reports an unknown area where the body names it
		}
		if err != nil {
			return err
		}
		if err := cases.CanWrite(actor, area); err != nil {
			return err
		}
	}
	im, err := s.Cases.Import(ctx, src, cases.Import{Format: "push", Rows: len(all.obs), UserID: actor.UserID}, all, cases.ImportOptions{})
	if err != nil {
		return s.importFailure(w, r, err)
	}
	return writeJSON(w, http.StatusOK, importJSON(src, im))
}

// observations replays a push already read, with the problems its reading found.
type observations struct {
	obs       []cases.Observation
	next      int
	problems  []citypact.Problem
	skipped   int
	truncated bool
}

func (o *observations) Next() (cases.Observation, error) {
	if o.next >= len(o.obs) {
		return cases.Observation{}, io.EOF
	}
	o.next++
	return o.obs[o.next-1], nil
}

func (o *observations) Problems() []citypact.Problem { return o.problems }
func (o *observations) Skipped() int                 { return o.skipped }
func (o *observations) Truncated() bool              { return o.truncated }

// ImportProblem is the problem document of data that cannot be imported (422): a Problem whose
// errors say where each problem is, by line and column of what was sent.
type ImportProblem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"request_id"`
	Errors    []RowProblem `json:"errors"`
	// Truncated says there were more problems than listed (citypact.MaxImportProblems).
	Truncated bool `json:"truncated,omitempty"`
}

// RowProblem is one problem of imported data. Line and Column count from 1; 0 is unknown.
type RowProblem struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// importFailure renders an *ImportError as an ImportProblem (422); any other error goes back to
// the route's adapter. A push that is not JSON of the push's shape is an ImportError too, so that
// the client learns where it goes wrong.
func (s *Server) importFailure(w http.ResponseWriter, r *http.Request, err error) error {
	var ie *citypact.ImportError
	if !errors.As(err, &ie) || len(ie.Problems) == 0 {
		return err
	}
	lang := i18n.Match(r.Header.Get("Accept-Language"))
	p := ImportProblem{
		Type:      "https://citypact.org/problems/invalid",
		Title:     http.StatusText(http.StatusUnprocessableEntity),
		Status:    http.StatusUnprocessableEntity,
		Detail:    i18n.For(lang).T("error.invalid"),
		Instance:  r.URL.Path,
		RequestID: citypact.RequestIDFrom(r.Context()),
		Errors:    rowProblems(r, ie),
		Truncated: ie.Truncated,
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Language", lang.String())
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	return json.NewEncoder(w).Encode(p)
}

// rowProblems lists an import's problems in the language the request asks for.
func rowProblems(r *http.Request, ie *citypact.ImportError) []RowProblem {
	tr := i18n.For(i18n.Match(r.Header.Get("Accept-Language")))
	out := make([]RowProblem, 0, len(ie.Problems))
	for _, pr := range ie.Problems {
		msg := pr.Message
		if pr.Key != "" && tr.Has(pr.Key) {
			msg = tr.T(pr.Key, pr.Args...)
		}
		out = append(out, RowProblem{Line: pr.Line, Column: pr.Column, Field: pr.Field, Code: pr.Key, Message: msg})
	}
	return out
}
