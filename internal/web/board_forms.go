package web

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/web/view"
)

// threadFields are the new-thread form's fields, kept as typed when the form comes back; a
// supply board's form has supplyFields too.
var threadFields = []string{"title", "body", "lang", "tags", "to_orgs", "to_users", "practices"}

var supplyFields = []string{"product", "specification", "supplier", "unit_price", "currency", "quantity", "unit",
	"certifications", "valid_until"}

// postFields are the answer form's fields.
var postFields = []string{"body", "lang"}

// boardOf reads the board a path's {slug} names; one the reader may not see is not found.
func (s *Server) boardOf(r *http.Request) (board.Board, error) {
	slug := r.PathValue("slug")
	if slug == "" || len(slug) > board.MaxSlugLen {
		return board.Board{}, citypact.NotFound("board")
	}
	return s.Boards.BoardBySlug(r.Context(), slug)
}

// threadOf reads the thread a path's {id} names.
func (s *Server) threadOf(r *http.Request) (board.Thread, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return board.Thread{}, citypact.NotFound("thread")
	}
	return s.Boards.Thread(r.Context(), id)
}

// newThreadOpen refuses the form on a board that takes no new threads: archived or locked.
func newThreadOpen(b board.Board) error {
	switch {
	case b.Archived:
		return citypact.Conflict("board.archived")
	case b.Locked:
		return citypact.Conflict("board.locked")
	}
	return nil
}

// currencyOptions are the ISO 4217 codes a supply post may price in.
func currencyOptions() []view.Option {
	cs := board.Currencies()
	out := make([]view.Option, len(cs))
	for i, c := range cs {
		out[i] = view.Option{Value: c, Label: c}
	}
	return out
}

// readSupply reads a supply board's structured fields; what cannot be read (a price such as
// "12,50", a date that is no date) is a field error, and the domain checks the rest.
func readSupply(r *http.Request, fe *formErrors) *board.SupplyInfo {
	si := &board.SupplyInfo{Product: r.PostFormValue("product"),
		Specification: strings.ReplaceAll(r.PostFormValue("specification"), "\r\n", "\n"),
		Supplier:      r.PostFormValue("supplier"), Currency: strings.TrimSpace(r.PostFormValue("currency")),
		Unit: r.PostFormValue("unit"), Certifications: splitTags(r.PostFormValue("certifications"))}
	if v := strings.TrimSpace(r.PostFormValue("unit_price")); v != "" {
		p, err := board.ParsePrice("unit_price", v)
		if err != nil {
			*fe = append(*fe, citypact.FieldsOf(err)...)
		}
		si.UnitPrice = p
	}
	si.Quantity = fe.integer(r, "quantity")
	si.ValidUntil = fe.date(r, "valid_until")
	return si
}

// threadFormPage renders the form to start a thread on b.
func (s *Server) threadFormPage(w http.ResponseWriter, r *http.Request, status int, b board.Board, f view.Form) error {
	n, err := s.namer(r)
	if err != nil {
		return err
	}
	st := stateOf(r)
	title := "boards.form.new_thread"
	switch b.Kind {
	case board.KindQuestions:
		title = "boards.form.new_question"
	case board.KindSupply:
		title = "boards.form.new_supply"
	}
	pg := view.ThreadFormPage{Base: s.base(r, title, "boards"), Board: s.boardRef(r, n, b), Form: f,
		Heading: st.tr.T(title), Langs: langOptions(st.tr.Lang()), Supply: b.Kind == board.KindSupply, Accept: acceptList()}
	if pg.Supply {
		pg.Currencies = currencyOptions()
	}
	pg.HasErrors = f.Failed()
	return s.render(w, r, status, view.ThreadForm(pg))
}

// threadNewForm serves GET /boards/{slug}/new.
func (s *Server) threadNewForm(w http.ResponseWriter, r *http.Request) error {
	b, err := s.boardOf(r)
	if err != nil {
		return err
	}
	if err := newThreadOpen(b); err != nil {
		return err
	}
	f := view.Form{Values: map[string]string{"lang": string(stateOf(r).tr.Lang())}}
	// ?practice= starts a question about a practice (the practice page links it).
	if v := r.URL.Query().Get("practice"); v != "" && len(v) <= 20 {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			f.Values["practices"] = strconv.FormatInt(id, 10)
		}
	}
	return s.threadFormPage(w, r, http.StatusOK, b, f)
}

// threadCreate serves POST /boards/{slug}/new: the store checks who may post (CanPost), the
// rate and the addressees; what is wrong comes back beside its field, and nothing is stored.
func (s *Server) threadCreate(w http.ResponseWriter, r *http.Request) error {
	b, err := s.boardOf(r)
	if err != nil {
		return err
	}
	return s.createThread(w, r, b)
}

// createThread starts a thread on b from the form, with the file it carries if any (see
// readBoardForm): the file is checked with the rest of the form, stored only when the form is
// valid, and removed again when the store refuses the thread.
func (s *Server) createThread(w http.ResponseWriter, r *http.Request, b board.Board) error {
	ctx := r.Context()
	if err := newThreadOpen(b); err != nil {
		return err
	}
	file, fe, status, err := readBoardForm(w, r)
	if err != nil {
		return err
	}
	t := board.Thread{BoardID: b.ID, Title: r.PostFormValue("title"),
		Body: strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"),
		Lang: r.PostFormValue("lang"), Tags: splitTags(r.PostFormValue("tags"))}
	slugs := splitList(r.PostFormValue("to_orgs"))
	if len(slugs) > board.MaxAddressees {
		fe.add("to_orgs", "board.to_orgs_too_many", "max", strconv.Itoa(board.MaxAddressees))
	} else {
		for _, slug := range slugs {
			o, err := s.orgBySlugValue(r, slug)
			if citypact.KindOf(err) == citypact.KindNotFound {
				fe.add("to_orgs", "org.unknown")
				break
			} else if err != nil {
				return err
			}
			t.ToOrgs = append(t.ToOrgs, o.ID)
		}
	}
	if err := s.addressPeople(r, &t, &fe); err != nil {
		return err
	}
	if refs := splitList(r.PostFormValue("practices")); len(refs) > board.MaxPractices {
		fe.add("practices", "board.practices_too_many", "max", strconv.Itoa(board.MaxPractices))
	} else if len(refs) > 0 {
		ids, bad, err := s.practiceRefs(ctx, refs)
		if err != nil {
			return err
		}
		if len(bad) > 0 {
			fe.add("practices", "boards.error.practice_unknown", "items", strings.Join(bad, ", "))
		}
		t.Practices = ids
	}
	if b.Kind == board.KindSupply {
		t.Supply = readSupply(r, &fe)
	}
	check := t
	if t.Supply != nil {
		si := *t.Supply
		check.Supply = &si
	}
	if err := s.checkBoardFile(ctx, file, &fe); err != nil {
		return err
	}
	err = invalidOrNil(merge(fe, check.Validate(b), nil))
	if err == nil {
		err = s.saveBoardFile(ctx, file, &t.Attachments)
	}
	if err == nil {
		err = s.Boards.CreateThread(ctx, &t)
	}
	if err != nil {
		s.dropBoardFile(r, file)
	}
	if err = rateLimited(w, err); citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, append(threadFields, supplyFields...)...), Errors: citypact.FieldsOf(err)}
		return s.threadFormPage(w, r, cmp.Or(status, http.StatusUnprocessableEntity), b, f)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, view.ThreadHref(t.ID), "flash.board.thread_created")
}

// postCreate serves POST /threads/{id}/posts: an answer on a question board, a comment on the
// thread elsewhere. Invalid input shows the thread again with the form's errors (422); a locked
// thread or board is the store's conflict (409), posting too fast 429 with Retry-After.
func (s *Server) postCreate(w http.ResponseWriter, r *http.Request) error {
	t, err := s.threadOf(r)
	if err != nil {
		return err
	}
	return s.createPost(w, r, t)
}

// createPost adds an answer or comment to t from the form, with the file it carries if any, as
// createThread does.
func (s *Server) createPost(w http.ResponseWriter, r *http.Request, t board.Thread) error {
	ctx := r.Context()
	b, err := s.Boards.Board(ctx, t.BoardID)
	if err != nil {
		return err
	}
	file, fe, status, err := readBoardForm(w, r)
	if err != nil {
		return err
	}
	p := board.Post{ThreadID: t.ID, Kind: board.PostComment, Body: strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"),
		Lang: r.PostFormValue("lang")}
	if b.Kind == board.KindQuestions {
		p.Kind = board.PostAnswer
	}
	// parent= comments on an answer; the store checks it is one, in this thread.
	if v := r.PostFormValue("parent"); v != "" {
		p.Kind = board.PostComment
		if p.ParentID, err = strconv.ParseInt(v, 10, 64); err != nil || p.ParentID <= 0 {
			return citypact.NotFound("post")
		}
	}
	if err := s.checkBoardFile(ctx, file, &fe); err != nil {
		return err
	}
	check := p
	err = invalidOrNil(merge(fe, check.Validate(b, t), nil))
	if err == nil {
		err = s.saveBoardFile(ctx, file, &p.Attachments)
	}
	if err == nil {
		err = s.Boards.CreatePost(ctx, &p)
	}
	if err != nil {
		s.dropBoardFile(r, file)
	}
	if err = rateLimited(w, err); citypact.KindOf(err) == citypact.KindInvalid {
		f := view.Form{Values: formValues(r, postFields...), Errors: citypact.FieldsOf(err)}
		status = cmp.Or(status, http.StatusUnprocessableEntity)
		if p.ParentID != 0 {
			r.Form.Set("post", strconv.FormatInt(p.ParentID, 10))
			_, _, _, tg, terr := s.threadTarget(r)
			if terr != nil {
				return terr
			}
			return s.commentFormPage(w, r, status, tg, f)
		}
		return s.threadPage(w, r, status, t.ID, f)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, view.ThreadHref(t.ID)+"#post-"+strconv.FormatInt(p.ID, 10), "flash.board.posted")
}

func (s *Server) commentFormPage(w http.ResponseWriter, r *http.Request, status int, tg view.ThreadTarget, f view.Form) error {
	tr := stateOf(r).tr
	pg := view.CommentFormPage{Base: s.base(r, "boards.comment.title", "boards"), Target: tg, Form: f, Langs: langOptions(tr.Lang()),
		Accept: acceptList()}
	pg.HasErrors = f.Failed()
	return s.render(w, r, status, view.CommentForm(pg))
}

// commentForm serves GET /threads/{id}/comment?post=: the form to comment on an answer (the
// store refuses a parent that is not an answer in the thread).
func (s *Server) commentForm(w http.ResponseWriter, r *http.Request) error {
	_, _, p, tg, err := s.threadTarget(r)
	if err != nil {
		return err
	}
	if p == nil || p.Kind != board.PostAnswer {
		return citypact.NotFound("answer")
	}
	f := view.Form{Values: map[string]string{"lang": string(stateOf(r).tr.Lang())}}
	return s.commentFormPage(w, r, http.StatusOK, tg, f)
}

// acceptAnswer serves POST /threads/{id}/accept (post=ID, 0 to withdraw): the asker accepts an
// answer; anyone else is forbidden (the store's CanAccept).
func (s *Server) acceptAnswer(w http.ResponseWriter, r *http.Request) error {
	t, err := s.threadOf(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	pid, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("post")), 10, 64)
	if err != nil || pid < 0 {
		return citypact.Invalid(citypact.FieldError{Field: "answer", Key: "board.answer_invalid"})
	}
	if err := s.Boards.Accept(r.Context(), t.ID, pid); err != nil {
		return err
	}
	return s.redirect(w, r, view.ThreadHref(t.ID), "flash.board.accepted")
}

// rateLimited sets Retry-After when err is the store's rate limit, and returns err.
func rateLimited(w http.ResponseWriter, err error) error {
	if d, ok := board.RetryAfter(err); ok {
		secs := int((d + time.Second - 1) / time.Second)
		if secs < 1 {
			secs = 1
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	return err
}

// BoardFiles is what the board forms need of the store for files, beside board.Store, which
// cannot name practice.Attachment (domain packages do not import each other).
type BoardFiles interface {
	FileUsage(ctx context.Context) (int64, error)
	SaveFile(ctx context.Context, a *practice.Attachment, content io.Reader, lim practice.Limits) error
	DeleteFile(ctx context.Context, id int64) error
	Files(ctx context.Context, ids []int64) ([]practice.Attachment, error)
}

func (s *Server) boardFiles() (BoardFiles, error) {
	if s.Files == nil {
		return nil, errors.New("the server was given no store of board files")
	}
	return s.Files, nil
}

// boardFile is the file a board form carries, read whole (at most the per-file limit), through
// its check, its storing and, when the post it came with is refused, its removal.
type boardFile struct {
	name string
	data []byte
	att  practice.Attachment // as CheckUpload found it; ID once stored
}

// boardFormText bounds a board form's text fields and part headers together (a long answer in
// Korean is well under it); the file has its own limit.
const boardFormText = 1 << 20

// boardFormParts bounds the parts of a multipart board form.
const boardFormParts = 64

// readBoardForm reads a board form into r.PostForm (and r.Form, with the query). A url-encoded
// form is parsed as usual. A multipart one (the forms with a file input, which put it last) is
// read part by part, so that a file over the limit is refused after the text before it was
// read: the form comes back filled in, with the file's error (status 413) in fe. One file a form;
// the empty part a browser sends for an empty file input is no file.
func readBoardForm(w http.ResponseWriter, r *http.Request) (_ *boardFile, fe formErrors, status int, _ error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil, nil, 0, r.ParseForm()
	}
	maxFile := cmp.Or(attachmentLimits.MaxFile, practice.DefaultMaxFile)
	r.Body = http.MaxBytesReader(w, r.Body, maxFile+boardFormText)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, 0, httpx.ErrMalformed
	}
	tooLarge := func() {
		fe.add("file", "practice.file_too_large", "max_mb", strconv.FormatInt(maxFile>>20, 10))
		status = http.StatusRequestEntityTooLarge
	}
	post := url.Values{}
	var file *boardFile
	text := int64(boardFormText)
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		var mbe *http.MaxBytesError
		if err == io.EOF {
			break
		} else if errors.As(err, &mbe) {
			tooLarge()
			break
		} else if err != nil || n >= boardFormParts {
			return nil, nil, 0, httpx.ErrMalformed
		}
		name := part.FormName()
		if name == "file" {
			data, err := io.ReadAll(io.LimitReader(part, maxFile+1))
			if errors.As(err, &mbe) || int64(len(data)) > maxFile {
				tooLarge()
				break
			} else if err != nil {
				return nil, nil, 0, httpx.ErrMalformed
			}
			switch {
			case len(data) == 0 && part.FileName() == "":
			case file != nil:
				fe.add("file", "boards.form.file_one")
			default:
				file = &boardFile{name: part.FileName(), data: data}
			}
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, text+1))
		if text -= int64(len(data)); errors.As(err, &mbe) || text < 0 {
			return nil, nil, 0, httpx.ErrTooLarge
		} else if err != nil {
			return nil, nil, 0, httpx.ErrMalformed
		}
		post.Add(name, string(data))
	}
	r.PostForm, r.Form = post, url.Values{}
	for k, vs := range r.URL.Query() {
		r.Form[k] = append(r.Form[k], vs...)
	}
	for k, vs := range post {
		r.Form[k] = append(r.Form[k], vs...)
	}
	return file, fe, status, nil
}

// checkBoardFile checks f's content (practice.CheckUpload: the type from the content, office
// documents for bombs, the quota) and adds what is wrong to fe; nothing is stored.
func (s *Server) checkBoardFile(ctx context.Context, f *boardFile, fe *formErrors) error {
	if f == nil || slices.ContainsFunc(*fe, func(e citypact.FieldError) bool { return e.Field == "file" }) {
		return nil
	}
	fs, err := s.boardFiles()
	if err != nil {
		return err
	}
	used, err := fs.FileUsage(ctx)
	if err != nil {
		return err
	}
	f.att, err = practice.CheckUpload(f.name, bytes.NewReader(f.data), int64(len(f.data)), used, attachmentLimits)
	if citypact.KindOf(err) == citypact.KindInvalid {
		*fe = append(*fe, citypact.FieldsOf(err)...)
		return nil
	}
	return err
}

// saveBoardFile stores f, checked, as the actor's file not yet linked, and adds it to ids.
func (s *Server) saveBoardFile(ctx context.Context, f *boardFile, ids *[]int64) error {
	if f == nil {
		return nil
	}
	fs, err := s.boardFiles()
	if err != nil {
		return err
	}
	if err := fs.SaveFile(ctx, &f.att, bytes.NewReader(f.data), attachmentLimits); err != nil {
		return err
	}
	*ids = append(*ids, f.att.ID)
	return nil
}

// dropBoardFile removes f again when the thread or post it came with was refused, so that a
// refused post leaves no file. Should that fail, the file stays its uploader's alone (nothing
// links it), and the log says so.
func (s *Server) dropBoardFile(r *http.Request, f *boardFile) {
	if f == nil || f.att.ID == 0 {
		return
	}
	fs, err := s.boardFiles()
	if err == nil {
		err = fs.DeleteFile(r.Context(), f.att.ID)
	}
	if err != nil {
		s.Log.Error("board file left unlinked", "request_id", citypact.RequestIDFrom(r.Context()), "attachment", f.att.ID, "err", err)
	}
	f.att.ID = 0
}
