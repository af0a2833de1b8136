package api

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
)

// NewPractice is the body of POST /api/v1/practices and PUT /api/v1/practices/{id}, and the
// changes a publication may carry: every field a client sets. A field left out is cleared.
type NewPractice struct {
	Slug        string   `json:"slug,omitempty"`
	Owner       string   `json:"owner,omitempty"`
	Title       string   `json:"title"`
	Summary     string   `json:"summary,omitempty"`
	Body        string   `json:"body,omitempty"`
	Lang        string   `json:"lang"`
	Category    string   `json:"category,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	SDGTargets  []string `json:"sdg_targets,omitempty"`
	PeriodFrom  string   `json:"period_from,omitempty"`
	PeriodTo    string   `json:"period_to,omitempty"`
	Visibility  string   `json:"visibility,omitempty"`
	AdaptedFrom []int64  `json:"adapted_from,omitempty"`
}

// PublishPractice is the body of POST /api/v1/practices/{id}/publish.
type PublishPractice struct {
	// Version is the version the client's text is based on (0 for a draft never published): if
	// another has been published since, the answer is 409 and nothing changes.
	Version *int   `json:"version"`
	Note    string `json:"note,omitempty"`
	// Practice, when given, replaces the practice's fields as it is published; without it the
	// stored fields (a draft's working copy) are published.
	Practice *NewPractice `json:"practice,omitempty"`
}

// NewTranslation is the body of PUT /api/v1/practices/{id}/translations/{lang}.
type NewTranslation struct {
	Title   string `json:"title"`
	Summary string `json:"summary,omitempty"`
	Body    string `json:"body"`
	// Version is the version of the original translated; 0 means the current one.
	Version int `json:"version,omitempty"`
}

// practice turns a body into a practice and the errors of the fields only the API parses (days
// and the visibility's string form).
func (in NewPractice) practice() (practice.Practice, []citypact.FieldError) {
	var d dates
	p := practice.Practice{Slug: in.Slug, Title: in.Title, Summary: in.Summary, Body: in.Body, Lang: in.Lang,
		Category: in.Category, Tags: in.Tags, SDGTargets: in.SDGTargets, AdaptedFrom: in.AdaptedFrom,
		PeriodFrom: d.parse("period_from", in.PeriodFrom), PeriodTo: d.parse("period_to", in.PeriodTo)}
	if in.Visibility != "" {
		v, err := practice.ParseVisibility(in.Visibility)
		if err != nil {
			d.errs = append(d.errs, citypact.FieldsOf(err)...)
		}
		p.Visibility = v
	}
	return p, d.errs
}

// checkParsed reports the errors of parsing along with what practice.Validate finds in the rest,
// so that a client learns of every wrong field at once. The store validates again, with what only
// it knows (the owner's networks, slugs taken, lineage).
func (s *Server) checkParsed(r *http.Request, p practice.Practice, errs []citypact.FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	cats, err := s.Practices.Categories(r.Context())
	if err != nil {
		return err
	}
	if err := p.Validate(practice.Choices{Categories: practice.CategoryKeys(cats)}); err != nil {
		for _, f := range citypact.FieldsOf(err) {
			// The visibility is either wrong already or needs the store's list of networks.
			seen := slices.ContainsFunc(errs, func(e citypact.FieldError) bool { return e.Field == f.Field })
			if !seen && f.Field != "visibility" {
				errs = append(errs, f)
			}
		}
	}
	return citypact.Invalid(errs...)
}

// ownerOf reads the organisation a body names as owner: by slug, or the token's own
// organisation when it names none.
func (s *Server) ownerOf(r *http.Request, slug string) (int64, error) {
	if slug == "" {
		if a := citypact.ActorFrom(r.Context()); a.OrgID != 0 {
			return a.OrgID, nil
		}
		return 0, citypact.Invalid(citypact.FieldError{Field: "owner", Key: "field.required"})
	}
	o, err := s.refBySlug(r, "owner", slug)
	return o.ID, err
}

// practiceCreate serves POST /api/v1/practices: a new draft of the owner, for its editors.
func (s *Server) practiceCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in NewPractice
	if err := decode(r, &in); err != nil {
		return err
	}
	owner, oerr := s.ownerOf(r, in.Owner)
	if oerr != nil && citypact.KindOf(oerr) != citypact.KindInvalid {
		return oerr
	}
	// Rights first, so that nobody learns more than "no" about an owner they may not write for.
	if err := practice.CanEdit(citypact.ActorFrom(ctx), owner); err != nil {
		return err
	}
	if oerr != nil {
		return oerr
	}
	p, errs := in.practice()
	p.OwnerID, p.Status = owner, practice.Draft
	if err := s.checkParsed(r, p, errs); err != nil {
		return err
	}
	if err := s.Practices.CreatePractice(ctx, &p); err != nil {
		return err
	}
	out, err := s.practiceJSON(ctx, s.orgNames(), p)
	if err != nil {
		return err
	}
	w.Header().Set("Location", prefix+"/practices/"+strconv.FormatInt(p.ID, 10))
	return writeJSON(w, http.StatusCreated, out)
}

// editable reads the practice of the path for a change by the actor: one they may not see is a
// 404, one they see but may not change a 403 (practice.CanEdit), before the body is read.
func (s *Server) editable(r *http.Request) (practice.Practice, error) {
	p, err := s.practiceOf(r)
	if err != nil {
		return p, err
	}
	return p, practice.CanEdit(citypact.ActorFrom(r.Context()), p.OwnerID)
}

// changed turns a body into the new state of cur, to be saved with status: same id and owner (a
// body naming another owner is refused).
func (s *Server) changed(r *http.Request, cur practice.Practice, in NewPractice, status practice.Status) (practice.Practice, error) {
	p, errs := in.practice()
	p.ID, p.OwnerID, p.Status = cur.ID, cur.OwnerID, status
	if in.Owner != "" {
		o, err := s.Directory.OrganisationByID(r.Context(), cur.OwnerID)
		if err != nil {
			return p, err
		}
		if o.Slug != in.Owner {
			errs = append(errs, citypact.FieldError{Field: "owner", Key: "field.invalid"})
		}
	}
	return p, s.checkParsed(r, p, errs)
}

// practicePut serves PUT /api/v1/practices/{id}: saves a draft's fields in place (no version is
// written). A published practice changes only by publishing (409 practice.not_draft).
func (s *Server) practicePut(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.editable(r)
	if err != nil {
		return err
	}
	var in NewPractice
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.changed(r, cur, in, practice.Draft)
	if err != nil {
		return err
	}
	if err := s.Practices.SaveDraft(r.Context(), &p); err != nil {
		return err
	}
	out, err := s.practiceJSON(r.Context(), s.orgNames(), p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// practicePublish serves POST /api/v1/practices/{id}/publish: publishes the draft, or the
// changes the body carries, as the next version when the text changed. A body whose version is
// not the current one was written against an older text: 409 practice.stale.
func (s *Server) practicePublish(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.editable(r)
	if err != nil {
		return err
	}
	var in PublishPractice
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Version == nil {
		return citypact.Invalid(citypact.FieldError{Field: "version", Key: "field.required"})
	}
	p := cur
	if in.Practice != nil {
		if p, err = s.changed(r, cur, *in.Practice, practice.Published); err != nil {
			return err
		}
	}
	p.Version = *in.Version
	if _, err := s.Practices.Publish(r.Context(), &p, in.Note); err != nil {
		return err
	}
	out, err := s.practiceJSON(r.Context(), s.orgNames(), p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// translationPut serves PUT /api/v1/practices/{id}/translations/{lang}: creates or replaces the
// practice's translation into lang. Any member who can read a published practice may translate
// it; a translation someone else wrote is replaced only by them, the owner's editors or admins
// (practice.CanTranslate, in the store).
func (s *Server) translationPut(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	var in NewTranslation
	if err := decode(r, &in); err != nil {
		return err
	}
	existing, err := s.Practices.Translations(ctx, p.ID)
	if err != nil {
		return err
	}
	t := practice.Translation{PracticeID: p.ID, Lang: i18n.CanonicalTag(r.PathValue("lang")), Title: in.Title,
		Summary: in.Summary, Body: in.Body, Version: in.Version}
	if t.Version == 0 {
		t.Version = p.Version
	}
	replaced := slices.ContainsFunc(existing, func(x practice.Translation) bool { return x.Lang == t.Lang })
	if err := s.Practices.SaveTranslation(ctx, &t); err != nil {
		return err
	}
	if replaced {
		return writeJSON(w, http.StatusOK, translationJSON(t, p.Version))
	}
	w.Header().Set("Location", prefix+"/practices/"+strconv.FormatInt(p.ID, 10)+"/translations/"+t.Lang)
	return writeJSON(w, http.StatusCreated, translationJSON(t, p.Version))
}
