package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/httpx"
)

// NewThread is the body of POST /api/v1/boards/{slug}/threads: a question, a piece of material
// or a supply offer, by the token's user.
type NewThread struct {
	Title     string   `json:"title"`
	Body      string   `json:"body"`
	Lang      string   `json:"lang"`
	Tags      []string `json:"tags,omitempty"`
	ToOrgs    []string `json:"to_orgs,omitempty"` // slugs of the organisations asked
	Practices []int64  `json:"practices,omitempty"`
	Supply    *Supply  `json:"supply,omitempty"`
}

// NewPost is the body of POST /api/v1/threads/{id}/posts. Kind defaults to an answer on a
// question board and a comment elsewhere; Parent names the answer a comment is about.
type NewPost struct {
	Kind   string `json:"kind,omitempty"`
	Parent int64  `json:"parent,omitempty"`
	Body   string `json:"body"`
	Lang   string `json:"lang"`
}

// AcceptAnswer is the body of POST /api/v1/threads/{id}/accept: the answer to accept, or 0 to
// withdraw the acceptance.
type AcceptAnswer struct {
	Post *int64 `json:"post"`
}

// decodeBoardBody reads a JSON body as decode does, but answers a body of the wrong shape with
// 422 and the field at fault, as the boards' forms do: an unknown member or one of the wrong
// type is named; JSON that does not parse is the field "$", the body as a whole.
func decodeBoardBody(r *http.Request, v any) error {
	err := decode(r, v)
	var st *httpx.Status
	if err == nil || !errors.As(err, &st) || st.Key != "error.malformed" {
		return err
	}
	field, key := "$", "error.malformed"
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(st.Err, &typeErr) && typeErr.Field != "":
		field, key = typeErr.Field, "field.invalid"
	case strings.HasPrefix(st.Err.Error(), "json: unknown field "):
		field, key = strings.Trim(strings.TrimPrefix(st.Err.Error(), "json: unknown field "), `"`), "field.invalid"
	}
	return citypact.Invalid(citypact.FieldError{Field: field, Key: key})
}

// supply turns the body's supply fields into the domain's, naming the fields only the API parses.
func (in *Supply) supply() (*board.SupplyInfo, []citypact.FieldError) {
	if in == nil {
		return nil, nil
	}
	var d dates
	sp := &board.SupplyInfo{Product: in.Product, Specification: in.Specification, Supplier: in.Supplier,
		Currency: in.Currency, Quantity: in.Quantity, Unit: in.Unit, Certifications: in.Certifications,
		ValidUntil: d.parse("valid_until", in.ValidUntil)}
	if in.UnitPrice != "" {
		p, err := board.ParsePrice("unit_price", in.UnitPrice)
		if err != nil {
			d.errs = append(d.errs, citypact.FieldsOf(err)...)
		}
		sp.UnitPrice = p
	}
	return sp, d.errs
}

// retryAfter sets Retry-After, in whole seconds rounded up, when err is the boards' rate limit.
func retryAfter(w http.ResponseWriter, err error) error {
	if d, ok := board.RetryAfter(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int((d+time.Second-1)/time.Second))))
	}
	return err
}

// threadCreate serves POST /api/v1/boards/{slug}/threads: the store decides who may post
// (board.CanPost), the rate, the addressees and the links; every wrong field is named at once.
func (s *Server) threadCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	b, err := s.boardOf(r)
	if err != nil {
		return err
	}
	var in NewThread
	if err := decodeBoardBody(r, &in); err != nil {
		return err
	}
	supply, errs := in.Supply.supply()
	t := board.Thread{BoardID: b.ID, Title: in.Title, Body: in.Body, Lang: in.Lang, Tags: in.Tags,
		Practices: in.Practices, Supply: supply}
	for _, slug := range in.ToOrgs {
		o, err := s.refBySlug(r, "to_orgs", slug)
		if citypact.KindOf(err) == citypact.KindInvalid {
			errs = append(errs, citypact.FieldsOf(err)...)
			break
		} else if err != nil {
			return err
		}
		t.ToOrgs = append(t.ToOrgs, o.ID)
	}
	if len(errs) > 0 {
		check := t
		return citypact.Invalid(mergeFields(errs, check.Validate(b))...)
	}
	if err := retryAfter(w, s.Boards.CreateThread(ctx, &t)); err != nil {
		return err
	}
	out, err := s.threadJSON(ctx, s.orgNames(), b, t)
	if err != nil {
		return err
	}
	w.Header().Set("Location", prefix+"/threads/"+strconv.FormatInt(t.ID, 10))
	return writeJSON(w, http.StatusCreated, out)
}

// mergeFields adds to errs what err names about fields errs does not name yet.
func mergeFields(errs []citypact.FieldError, err error) []citypact.FieldError {
	for _, f := range citypact.FieldsOf(err) {
		seen := false
		for _, e := range errs {
			seen = seen || e.Field == f.Field
		}
		if !seen {
			errs = append(errs, f)
		}
	}
	return errs
}

// postCreate serves POST /api/v1/threads/{id}/posts: an answer or a comment. A locked thread or
// board is a 409, posting too fast a 429 with Retry-After.
func (s *Server) postCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	b, t, err := s.threadOf(r)
	if err != nil {
		return err
	}
	var in NewPost
	if err := decodeBoardBody(r, &in); err != nil {
		return err
	}
	p := board.Post{ThreadID: t.ID, Kind: board.PostKind(in.Kind), ParentID: in.Parent, Body: in.Body, Lang: in.Lang}
	if in.Kind == "" {
		p.Kind = board.PostComment
		if b.Kind == board.KindQuestions && in.Parent == 0 {
			p.Kind = board.PostAnswer
		}
	}
	if err := retryAfter(w, s.Boards.CreatePost(ctx, &p)); err != nil {
		return err
	}
	out, err := postJSON(ctx, s.orgNames(), t, p)
	if err != nil {
		return err
	}
	w.Header().Set("Location", prefix+"/threads/"+strconv.FormatInt(t.ID, 10)+"#post-"+strconv.FormatInt(p.ID, 10))
	return writeJSON(w, http.StatusCreated, out)
}

// acceptAnswer serves POST /api/v1/threads/{id}/accept: the asker (or an admin) accepts an
// answer, or withdraws the acceptance with post 0; anyone else is forbidden (board.CanAccept).
// The answer is the thread as it now stands.
func (s *Server) acceptAnswer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_, t, err := s.threadOf(r)
	if err != nil {
		return err
	}
	var in AcceptAnswer
	if err := decodeBoardBody(r, &in); err != nil {
		return err
	}
	if in.Post == nil || *in.Post < 0 {
		return citypact.Invalid(citypact.FieldError{Field: "post", Key: "board.answer_invalid"})
	}
	if err := s.Boards.Accept(ctx, t.ID, *in.Post); err != nil {
		return err
	}
	b, t, err := s.threadOf(r)
	if err != nil {
		return err
	}
	out, err := s.threadJSON(ctx, s.orgNames(), b, t)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
