package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/practice"
)

// The countermeasure library: practices, their published versions and their translations. The
// store shows each token only what its organisation may see (practice.CanSeePractice): anything
// else is a 404, indistinguishable from what does not exist.

// Practice is a practice as the API shows it: its current text (a draft's working copy, or its
// latest published version) in its original language.
type Practice struct {
	ID          int64      `json:"id"`
	Slug        string     `json:"slug,omitempty"`
	Owner       OrgRef     `json:"owner"`
	Title       string     `json:"title"`
	Summary     string     `json:"summary"`
	Body        string     `json:"body"`
	Lang        string     `json:"lang"`
	Category    string     `json:"category"`
	Tags        []string   `json:"tags"`
	SDGTargets  []string   `json:"sdg_targets"`
	PeriodFrom  string     `json:"period_from,omitempty"`
	PeriodTo    string     `json:"period_to,omitempty"`
	Status      string     `json:"status"`
	Visibility  string     `json:"visibility"`
	AdaptedFrom []int64    `json:"adapted_from"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	URL         string     `json:"url"`
}

// PracticeItem is a practice in a list: without its body and lineage, and with where a search
// found it.
type PracticeItem struct {
	ID          int64      `json:"id"`
	Slug        string     `json:"slug,omitempty"`
	Owner       OrgRef     `json:"owner"`
	Title       string     `json:"title"`
	Summary     string     `json:"summary"`
	Lang        string     `json:"lang"`
	Category    string     `json:"category"`
	Tags        []string   `json:"tags"`
	SDGTargets  []string   `json:"sdg_targets"`
	PeriodFrom  string     `json:"period_from,omitempty"`
	PeriodTo    string     `json:"period_to,omitempty"`
	Status      string     `json:"status"`
	Visibility  string     `json:"visibility"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	URL         string     `json:"url"`
	Match       *Match     `json:"match,omitempty"`
}

// Match is the document a search found a practice by: its original or one of its translations,
// with the text around the first match.
type Match struct {
	Lang    string            `json:"lang"`
	Title   string            `json:"title"`
	Summary string            `json:"summary"`
	Snippet []SnippetFragment `json:"snippet"`
}

// SnippetFragment is a piece of a snippet; Hit marks the words the query matched.
type SnippetFragment struct {
	Text string `json:"text"`
	Hit  bool   `json:"hit,omitempty"`
}

// Version is one published version of a practice's text.
type Version struct {
	Number  int       `json:"number"`
	Title   string    `json:"title"`
	Summary string    `json:"summary"`
	Body    string    `json:"body"`
	Note    string    `json:"note"`
	At      time.Time `json:"at"`
}

// Translation is a practice's text in another language, and the version it translates.
type Translation struct {
	Lang     string    `json:"lang"`
	Title    string    `json:"title"`
	Summary  string    `json:"summary"`
	Body     string    `json:"body"`
	Version  int       `json:"version"`
	Outdated bool      `json:"outdated"`
	At       time.Time `json:"at"`
}

func versionJSON(v practice.Version) Version {
	return Version{Number: v.Number, Title: v.Title, Summary: v.Summary, Body: v.Body, Note: v.Note, At: v.At.UTC()}
}

func translationJSON(t practice.Translation, current int) Translation {
	return Translation{Lang: t.Lang, Title: t.Title, Summary: t.Summary, Body: t.Body, Version: t.Version,
		Outdated: t.Outdated(current), At: t.At.UTC()}
}

// practiceURL is the address of a practice's page: absolute when the hub knows its public URL.
func (s *Server) practiceURL(id int64) string {
	return strings.TrimSuffix(s.BaseURL, "/") + "/practices/" + strconv.FormatInt(id, 10)
}

// orgNames names the organisations of one answer, reading each from the directory once.
type orgNames struct {
	s    *Server
	refs map[int64]OrgRef
}

func (s *Server) orgNames() *orgNames { return &orgNames{s: s, refs: map[int64]OrgRef{}} }

func (n *orgNames) ref(ctx context.Context, id int64) (OrgRef, error) {
	if ref, ok := n.refs[id]; ok {
		return ref, nil
	}
	o, err := n.s.Directory.OrganisationByID(ctx, id)
	if err != nil {
		return OrgRef{}, err
	}
	n.refs[id] = orgRef(o)
	return n.refs[id], nil
}

func publishedAt(p practice.Practice) *time.Time {
	if p.PublishedAt.IsZero() {
		return nil
	}
	t := p.PublishedAt.UTC()
	return &t
}

func (s *Server) practiceJSON(ctx context.Context, n *orgNames, p practice.Practice) (Practice, error) {
	owner, err := n.ref(ctx, p.OwnerID)
	if err != nil {
		return Practice{}, err
	}
	return Practice{ID: p.ID, Slug: p.Slug, Owner: owner, Title: p.Title, Summary: p.Summary, Body: p.Body, Lang: p.Lang,
		Category: p.Category, Tags: nonNil(p.Tags), SDGTargets: nonNil(p.SDGTargets), PeriodFrom: dateJSON(p.PeriodFrom),
		PeriodTo: dateJSON(p.PeriodTo), Status: string(p.Status), Visibility: p.Visibility.String(),
		AdaptedFrom: nonNil(p.AdaptedFrom), Version: p.Version, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(),
		PublishedAt: publishedAt(p), URL: s.practiceURL(p.ID)}, nil
}

func (s *Server) practiceItem(ctx context.Context, n *orgNames, p practice.Practice) (PracticeItem, error) {
	owner, err := n.ref(ctx, p.OwnerID)
	if err != nil {
		return PracticeItem{}, err
	}
	return PracticeItem{ID: p.ID, Slug: p.Slug, Owner: owner, Title: p.Title, Summary: p.Summary, Lang: p.Lang,
		Category: p.Category, Tags: nonNil(p.Tags), SDGTargets: nonNil(p.SDGTargets), PeriodFrom: dateJSON(p.PeriodFrom),
		PeriodTo: dateJSON(p.PeriodTo), Status: string(p.Status), Visibility: p.Visibility.String(), Version: p.Version,
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(), PublishedAt: publishedAt(p), URL: s.practiceURL(p.ID)}, nil
}

// nonNil makes an empty list [] rather than null in JSON.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// practiceOf reads the practice a path's {id} names (practice.ByRef). One the token may not see
// is not found.
func (s *Server) practiceOf(r *http.Request) (practice.Practice, error) {
	return practice.ByRef(r.Context(), s.Practices, r.PathValue("id"))
}

// practiceShow serves GET /api/v1/practices/{id}.
func (s *Server) practiceShow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	out, err := s.practiceJSON(r.Context(), s.orgNames(), p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// practiceVersions serves GET /api/v1/practices/{id}/versions: every published version, newest
// first (a draft has none). Versions are few, so the list is not paged.
func (s *Server) practiceVersions(w http.ResponseWriter, r *http.Request) error {
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	vs, err := s.Practices.Versions(r.Context(), p.ID)
	if err != nil {
		return err
	}
	out := List[Version]{Items: make([]Version, 0, len(vs))}
	for _, v := range vs {
		out.Items = append(out.Items, versionJSON(v))
	}
	return writeJSON(w, http.StatusOK, out)
}

// practiceVersion serves GET /api/v1/practices/{id}/versions/{n}; a number that is no version's
// is a 404.
func (s *Server) practiceVersion(w http.ResponseWriter, r *http.Request) error {
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return citypact.NotFound("version")
	}
	v, err := s.Practices.Version(r.Context(), p.ID, n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, versionJSON(v))
}

// practiceTranslations serves GET /api/v1/practices/{id}/translations, by language.
func (s *Server) practiceTranslations(w http.ResponseWriter, r *http.Request) error {
	p, err := s.practiceOf(r)
	if err != nil {
		return err
	}
	ts, err := s.Practices.Translations(r.Context(), p.ID)
	if err != nil {
		return err
	}
	slices.SortFunc(ts, func(a, b practice.Translation) int { return strings.Compare(a.Lang, b.Lang) })
	out := List[Translation]{Items: make([]Translation, 0, len(ts))}
	for _, t := range ts {
		out.Items = append(out.Items, translationJSON(t, p.Version))
	}
	return writeJSON(w, http.StatusOK, out)
}
