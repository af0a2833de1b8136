package web

import (
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/web/view"
)

// importForm serves GET /imports/new.
func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	if err := cases.CanImport(stateOf(r).actor); err != nil {
		return err
	}
	return s.importPage(w, r, http.StatusOK, view.ImportPage{Form: view.Form{Values: map[string]string{}}})
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, status int, p view.ImportPage) error {
	ctx := r.Context()
	tr := stateOf(r).tr
	p.Base = s.base(r, "import.title", "updates")
	p.HasErrors = p.Form.Failed()
	p.Formats = []view.Option{{Value: "", Label: tr.T("import.format_auto")}, {Value: "owid", Label: tr.T("import.format_owid")}, {Value: "jhu", Label: tr.T("import.format_jhu")}}
	sources, err := s.Cases.Sources(ctx)
	if err != nil {
		return err
	}
	for _, src := range sources {
		p.Sources = append(p.Sources, view.Option{Value: src.Key, Label: src.Name})
	}
	mappings, err := s.Cases.Mappings(ctx)
	if err != nil {
		return err
	}
	for _, m := range mappings {
		p.Mappings = append(p.Mappings, view.Option{Value: m.Name, Label: m.Name})
	}
	return s.render(w, r, status, view.Import(p))
}

// uploadMemory is how much of an upload is kept in memory; the rest goes to a temporary file,
// so a large file costs disk, not memory.
const uploadMemory = 4 << 20

// importUpload serves POST /imports: the file is imported in one transaction, and the page shows
// the counts or the problems, in the reader's language, with file:line:column.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := cases.CanImport(st.actor); err != nil {
		return err
	}
	if err := r.ParseMultipartForm(uploadMemory); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return citypact.Invalid(citypact.FieldError{Field: "file", Key: "import.file_required"})
	}
	defer r.MultipartForm.RemoveAll()
	f := view.Form{Values: map[string]string{"format": r.PostFormValue("format"), "mapping": r.PostFormValue("mapping"),
		"source": r.PostFormValue("source"), "partial": r.PostFormValue("partial")}}
	p := view.ImportPage{Form: f}
	file, header, err := r.FormFile("file")
	if err != nil {
		p.Form.Errors = []citypact.FieldError{{Field: "file", Key: "import.file_required"}}
		return s.importPage(w, r, http.StatusUnprocessableEntity, p)
	}
	defer file.Close()
	switch f.Values["format"] {
	case "", "owid", "jhu":
	default:
		p.Form.Errors = []citypact.FieldError{{Field: "format", Key: "field.choice"}}
		return s.importPage(w, r, http.StatusUnprocessableEntity, p)
	}
	im, err := cases.ImportFile(r.Context(), s.Cases, cases.File{Name: uploadName(header), Body: file, Format: f.Values["format"],
		Mapping: f.Values["mapping"], Source: f.Values["source"], Partial: f.Values["partial"] != ""})
	var ie *citypact.ImportError
	switch {
	case errors.As(err, &ie):
		p.Problems, p.Truncated = problemRows(st.tr, ie), ie.Truncated
		p.Partial = im.ID != 0
		if im.ID != 0 {
			row := importRow(st.tr, im)
			p.Result = &row
			return s.importPage(w, r, http.StatusOK, p)
		}
		return s.importPage(w, r, http.StatusUnprocessableEntity, p)
	case citypact.KindOf(err) == citypact.KindInvalid || citypact.KindOf(err) == citypact.KindNotFound:
		p.Form.Errors = citypact.FieldsOf(err)
		if len(p.Form.Errors) == 0 {
			p.Form.Errors = []citypact.FieldError{{Field: "mapping", Key: "field.choice"}}
		}
		return s.importPage(w, r, http.StatusUnprocessableEntity, p)
	case err != nil:
		return err
	}
	row := importRow(st.tr, im)
	p.Result = &row
	return s.importPage(w, r, http.StatusOK, p)
}

// uploadName is the uploaded file's base name, as problems and the import's record name it.
func uploadName(h *multipart.FileHeader) string {
	if h == nil || h.Filename == "" {
		return "upload"
	}
	return h.Filename
}

// problemRows says each problem in the reader's language.
func problemRows(tr *i18n.Translator, ie *citypact.ImportError) []view.ProblemRow {
	out := make([]view.ProblemRow, 0, len(ie.Problems))
	for _, p := range ie.Problems {
		where := ie.File
		if p.Line > 0 {
			where += ":" + strconv.Itoa(p.Line)
			if p.Column > 0 {
				where += ":" + strconv.Itoa(p.Column)
			}
		}
		msg := p.Message
		if p.Key != "" && tr.Has(p.Key) {
			msg = tr.T(p.Key, p.Args...)
		}
		out = append(out, view.ProblemRow{Where: where, Field: p.Field, Message: msg})
	}
	return out
}
