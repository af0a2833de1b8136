package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/web/view"
)

// attachmentLimits bound uploads: the domain's defaults (20 MiB a file, 512 MiB an organisation).
var attachmentLimits = practice.Limits{}

// uploadOverhead is what an upload form holds besides its file: the part headers and boundary.
const uploadOverhead = 64 << 10

// practiceOfQuery reads the practice a query parameter names by id.
func (s *Server) practiceOfQuery(r *http.Request, name string) (practice.Practice, error) {
	id, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil || id <= 0 {
		return practice.Practice{}, citypact.NotFound("practice")
	}
	return s.Practices.Practice(r.Context(), id)
}

// attachmentUpload serves POST /attachments?practice={id}: an editor of the owner attaches a
// file. The practice is named in the query, so that who may upload is decided before the body is
// read. The file is checked by its content (practice.CheckUpload): what is refused is shown on
// the practice's page in the reader's language, and nothing is stored.
func (s *Server) attachmentUpload(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.practiceOfQuery(r, "practice")
	if err != nil {
		return err
	}
	if err := practice.CanEdit(stateOf(r).actor, p.OwnerID); err != nil {
		return err
	}
	lim := attachmentLimits
	maxFile := lim.MaxFile
	if maxFile <= 0 {
		maxFile = practice.DefaultMaxFile
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFile+uploadOverhead)
	refuse := func(status int, key string, args ...string) error {
		f := view.Form{Errors: []citypact.FieldError{{Field: "file", Key: key, Args: args}}}
		return s.practicePage(w, r, status, p, f, view.Form{})
	}
	if err := r.ParseMultipartForm(uploadMemory); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return refuse(http.StatusRequestEntityTooLarge, "practice.file_too_large", "max_mb", strconv.FormatInt(maxFile>>20, 10))
		}
		return refuse(http.StatusUnprocessableEntity, "practice.file_required")
	}
	defer r.MultipartForm.RemoveAll()
	file, header, err := r.FormFile("file")
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, "practice.file_required")
	}
	defer file.Close()
	used, err := s.Practices.AttachmentUsage(ctx, p.OwnerID)
	if err != nil {
		return err
	}
	a, err := practice.CheckUpload(header.Filename, file, header.Size, used, lim)
	if err == nil {
		a.PracticeID = p.ID
		err = s.Practices.SaveAttachment(ctx, &a, io.NewSectionReader(file, 0, header.Size), lim)
	}
	if citypact.KindOf(err) == citypact.KindInvalid {
		return s.practicePage(w, r, http.StatusUnprocessableEntity, p, view.Form{Errors: citypact.FieldsOf(err)}, view.Form{})
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, view.PracticeHref(p.ID, p.Slug)+"#attachments", "flash.attachment_saved")
}

// attachmentDownload serves GET /attachments/{id} to those who may see it (a practice's file to
// those who see the practice, a board file to those who see a thread or post linking it: the
// store decides, and what they may not see is not found): always as
// a download (never shown inline), with the type its content was found to have, nosniff and a
// sandboxing CSP, so that no file a user sent can run as a page of the hub.
func (s *Server) attachmentDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, rc, err := s.Practices.AttachmentContent(r.Context(), id)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", a.Type)
	h.Set("Content-Disposition", contentDisposition(a.Name))
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; frame-ancestors 'none'")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	if _, err := io.Copy(w, rc); err != nil && !httpx.ClientGone(r, err) {
		// The headers are sent: the client sees a short body; the log says why.
		s.Log.Error("attachment download", "request_id", citypact.RequestIDFrom(r.Context()), "attachment", id, "err", err)
	}
	return nil
}

// attachmentDelete serves POST /attachments/{id}/delete: an editor of the owner removes a file.
// The form names the practice to return to.
func (s *Server) attachmentDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.practiceOfQuery(r, "practice")
	if err != nil {
		return err
	}
	if err := practice.CanEdit(stateOf(r).actor, p.OwnerID); err != nil {
		return err
	}
	atts, err := s.Practices.Attachments(r.Context(), p.ID)
	if err != nil {
		return err
	}
	found := false
	for _, a := range atts {
		found = found || a.ID == id
	}
	if !found {
		return citypact.NotFound("attachment")
	}
	if err := s.Practices.DeleteAttachment(r.Context(), id); err != nil {
		return err
	}
	return s.redirect(w, r, view.PracticeHref(p.ID, p.Slug)+"#attachments", "flash.attachment_deleted")
}

// contentDisposition makes a download's header: an ASCII fallback name for old clients, and the
// real name in RFC 5987 encoding (filename*), which every current browser prefers.
func contentDisposition(name string) string {
	var fallback, enc strings.Builder
	for _, r := range name {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' && r != '%' {
			fallback.WriteRune(r)
		} else {
			fallback.WriteByte('_')
		}
	}
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			enc.WriteByte(c)
		} else {
			enc.WriteByte('%')
			enc.WriteByte(hex[c>>4])
			enc.WriteByte(hex[c&15])
		}
	}
	return `attachment; filename="` + fallback.String() + `"; filename*=UTF-8''` + enc.String()
}
