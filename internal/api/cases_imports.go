package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/httpx"
)

// ImportResult is the answer to an upload: the import's record and, when ?partial=true stored
// the valid rows of a file with problems, those problems.
type ImportResult struct {
	Import    Import       `json:"import"`
	Problems  []RowProblem `json:"problems"`
	Truncated bool         `json:"truncated,omitempty"`
}

// uploadMemory is how much of an uploaded file is held in memory; the rest goes to a temporary
// file, which is removed when the request ends.
const uploadMemory = 1 << 20

// importCreate serves POST /api/v1/imports: a file of daily numbers, as the body (text/csv or
// application/json) or as the part "file" of multipart/form-data, imported as by the upload form
// and `citypact import cases`: ?format=owid|jhu (default: detected), ?mapping=NAME, ?source=KEY,
// ?partial=true, ?file=NAME (the name the record keeps). Which areas the actor may write is the
// store's check, per row: rows of other areas are problems (422), not a 403, since a file is
// judged row by row.
func (s *Server) importCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := cases.CanImport(citypact.ActorFrom(ctx)); err != nil {
		return err
	}
	f, err := s.importOptions(r)
	if err != nil {
		return err
	}
	body, name, cleanup, err := uploadedFile(r)
	if err != nil {
		return err
	}
	defer cleanup()
	f.Body = body
	if f.Name == "" {
		f.Name = name
	}
	im, err := cases.ImportFile(ctx, s.Cases, f)
	var ie *citypact.ImportError
	switch {
	case errors.As(err, &ie) && im.ID == 0:
		return s.importFailure(w, r, err)
	case errors.As(err, &ie):
		// Partial: the valid rows were stored.
	case err != nil:
		return err
	}
	srcs, err := cases.SourcesByID(r.Context(), s.Cases)
	if err != nil {
		return err
	}
	out := ImportResult{Import: importJSON(srcs[im.SourceID], im), Problems: []RowProblem{}}
	if ie != nil {
		out.Problems, out.Truncated = rowProblems(r, ie), ie.Truncated
	}
	return writeJSON(w, http.StatusOK, out)
}

// importOptions reads the query of an upload; every wrong parameter is named.
func (s *Server) importOptions(r *http.Request) (cases.File, error) {
	q := r.URL.Query()
	f := cases.File{Format: q.Get("format"), Mapping: q.Get("mapping"), Source: q.Get("source"), Name: q.Get("file")}
	var errs []citypact.FieldError
	switch f.Format {
	case "", "owid", "jhu":
	default:
		errs = append(errs, citypact.FieldError{Field: "format", Key: "field.choice"})
	}
	switch q.Get("partial") {
	case "", "false":
	case "true":
		f.Partial = true
	default:
		errs = append(errs, citypact.FieldError{Field: "partial", Key: "field.choice"})
	}
	if f.Name != "" && !validFileName(f.Name) {
		errs = append(errs, citypact.FieldError{Field: "file", Key: "field.invalid"})
	}
	if f.Mapping != "" {
		_, err := s.Cases.MappingByName(r.Context(), f.Mapping)
		switch {
		case citypact.KindOf(err) == citypact.KindNotFound:
			errs = append(errs, citypact.FieldError{Field: "mapping", Key: "field.choice"})
		case err != nil:
			return f, err
		}
	}
	if f.Source != "" {
		// A well-known public source is added on its first import by an admin (cases.ImportFile).
		_, err := s.Cases.SourceByKey(r.Context(), f.Source)
		_, known := cases.KnownSources[f.Source]
		switch {
		case citypact.KindOf(err) == citypact.KindNotFound && !(known && cases.CanManage(citypact.ActorFrom(r.Context())) == nil):
			errs = append(errs, citypact.FieldError{Field: "source", Key: "field.choice"})
		case err != nil && citypact.KindOf(err) != citypact.KindNotFound:
			return f, err
		}
	}
	if len(errs) > 0 {
		return f, citypact.Invalid(errs...)
	}
	return f, nil
}

// validFileName accepts a file's base name as a record may keep it: printable, no path, short.
func validFileName(s string) bool {
	if len(s) > 200 || !utf8.ValidString(s) || path.Base(s) != s || strings.ContainsAny(s, `/\`) || s == "." || s == ".." {
		return false
	}
	for _, c := range s {
		if !unicode.IsPrint(c) {
			return false
		}
	}
	return true
}

// uploadedFile returns the uploaded file, readable twice (ImportFile checksums it first), and
// its name: the body itself, spooled to a temporary file, or the "file" part of a form.
func uploadedFile(r *http.Request) (io.ReadSeeker, string, func(), error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, "", nil, httpx.ErrUnsupportedMediaType
	}
	switch mt {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(uploadMemory); err != nil {
			if errors.As(err, new(*http.MaxBytesError)) {
				return nil, "", nil, err
			}
			return nil, "", nil, &httpx.Status{Code: http.StatusBadRequest, Key: "error.malformed", Err: err}
		}
		cleanup := func() { r.MultipartForm.RemoveAll() }
		file, h, err := r.FormFile("file")
		if err != nil {
			cleanup()
			return nil, "", nil, citypact.Invalid(citypact.FieldError{Field: "file", Key: "field.required"})
		}
		name := path.Base(strings.ReplaceAll(h.Filename, `\`, "/"))
		if !validFileName(name) {
			name = "upload"
		}
		return file, name, func() { file.Close(); cleanup() }, nil
	case "text/csv", "application/json":
		tmp, err := os.CreateTemp("", "citypact-upload-*")
		if err != nil {
			return nil, "", nil, err
		}
		cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
		if _, err := io.Copy(tmp, r.Body); err != nil {
			cleanup()
			return nil, "", nil, err // *http.MaxBytesError: 413
		}
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			cleanup()
			return nil, "", nil, err
		}
		name := "upload.csv"
		if mt == "application/json" {
			name = "upload.json"
		}
		return tmp, name, cleanup, nil
	}
	return nil, "", nil, httpx.ErrUnsupportedMediaType
}
