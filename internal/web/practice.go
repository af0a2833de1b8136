package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/web/view"
)

// This file holds what the library's pages share: finding a practice from its path, naming
// practices and organisations in the reader's language, and the choices forms offer.

// practiceOf reads the practice a path's {id} names (practice.ByRef). One the reader may not see
// is not found.
func (s *Server) practiceOf(r *http.Request) (practice.Practice, error) {
	return practice.ByRef(r.Context(), s.Practices, r.PathValue("id"))
}

// orgIndex maps every organisation (up to maxListed) by id, kept under the data version: lists
// of practices name their owners without a query per row.
func (s *Server) orgIndex(ctx context.Context) (map[int64]directory.Organisation, error) {
	return memo(ctx, s, "orgs-by-id", func(ctx context.Context) (map[int64]directory.Organisation, error) {
		all, err := s.allOrganisations(ctx, directory.Filter{}, maxListed)
		if err != nil {
			return nil, err
		}
		m := make(map[int64]directory.Organisation, len(all))
		for _, o := range all {
			m[o.ID] = o
		}
		return m, nil
	})
}

// namer names practices and organisations for one request.
type namer struct {
	s     *Server
	r     *http.Request
	orgs  map[int64]directory.Organisation // shared between requests: read only
	extra map[int64]directory.Organisation // organisations beyond the index, read by this request
	rs    regionSet
}

func (s *Server) namer(r *http.Request) (*namer, error) {
	orgs, err := s.orgIndex(r.Context())
	if err != nil {
		return nil, err
	}
	rs, err := s.regions(r.Context())
	if err != nil {
		return nil, err
	}
	return &namer{s: s, r: r, orgs: orgs, rs: rs}, nil
}

// org names an organisation; one beyond the index is read by itself.
func (n *namer) org(id int64) view.OrgRef {
	o, ok := n.orgs[id]
	if !ok {
		o, ok = n.extra[id]
	}
	if !ok {
		var err error
		if o, err = n.s.Directory.OrganisationByID(n.r.Context(), id); err != nil {
			return view.OrgRef{ID: id, Name: view.Name{Text: "#" + strconv.FormatInt(id, 10)}}
		}
		if n.extra == nil {
			n.extra = map[int64]directory.Organisation{}
		}
		n.extra[id] = o
	}
	return orgRef(n.r, o, n.rs)
}

// practice names a practice by its original title.
func (n *namer) practice(p practice.Practice) view.PracticeRef {
	return view.PracticeRef{ID: p.ID, Slug: p.Slug, Owner: n.org(p.OwnerID), Status: string(p.Status),
		Title: view.Name{Text: p.Title, Lang: textLang(n.r, p.Lang)}}
}

// textLang is the lang attribute of a text written in tag: "" when it is the page's language.
func textLang(r *http.Request, tag string) string {
	return langUnlessPage(tag, stateOf(r).tr.Lang().HTMLLang())
}

// categoryNames maps category keys to their names in the reader's language.
func (s *Server) categories(ctx context.Context) ([]practice.Category, error) {
	return memo(ctx, s, "practice-categories", s.Practices.Categories)
}

func categoryName(cs []practice.Category, key string, lang i18n.Lang) string {
	for _, c := range cs {
		if c.Key == key {
			return c.NameIn(string(lang))
		}
	}
	return key
}

func categoryOptions(cs []practice.Category, lang i18n.Lang) []view.Option {
	out := make([]view.Option, len(cs))
	for i, c := range cs {
		out[i] = view.Option{Value: c.Key, Label: c.NameIn(string(lang))}
	}
	return out
}

// sdgGroups offers the SDG targets grouped by goal, goals named in the reader's language.
func sdgGroups(lang i18n.Lang) []view.OptGroup {
	goals := practice.Goals()
	groups := make([]view.OptGroup, len(goals))
	for i, g := range goals {
		groups[i].Label = strconv.Itoa(g.Number) + ". " + g.NameIn(string(lang))
	}
	for _, t := range practice.Targets() {
		o := view.Option{Value: t.Code, Label: t.Code}
		if t.Title != "" {
			// The targets' titles are the UN's English ones.
			o.Label += " – " + t.Title
			o.Lang = langUnlessPage("en", lang.HTMLLang())
		}
		groups[t.Goal-1].Options = append(groups[t.Goal-1].Options, o)
	}
	return groups
}

// sdgRefs names a practice's SDG targets.
func sdgRefs(codes []string, lang i18n.Lang) []view.SDGRef {
	goals := practice.Goals()
	var out []view.SDGRef
	for _, c := range codes {
		t, ok := practice.TargetByCode(c)
		if !ok {
			continue
		}
		out = append(out, view.SDGRef{Code: t.Code, Title: t.Title, Goal: goals[t.Goal-1].NameIn(string(lang))})
	}
	return out
}

// textLangs are the languages forms suggest for a practice's text and translations: the
// interface's four, then others cities in the hub write in.
var textLangs = []string{"en", "ko", "zh-TW", "ja", "zh-CN", "vi", "th", "id", "ms", "tl", "mn", "ru", "es", "fr", "de"}

func langOptions(page i18n.Lang) []view.Option {
	out := make([]view.Option, len(textLangs))
	for i, l := range textLangs {
		out[i] = view.Option{Value: l, Label: view.LanguageName(l, page)}
	}
	return out
}

// periodText shows when a practice applied: "from – to", open ends said so.
func periodText(tr *i18n.Translator, from, to time.Time) string {
	switch {
	case from.IsZero() && to.IsZero():
		return ""
	case to.IsZero():
		return tr.T("practice.period_since", "from", tr.Date(from))
	case from.IsZero():
		return tr.T("practice.period_until", "to", tr.Date(to))
	}
	return tr.T("practice.period", "from", tr.Date(from), "to", tr.Date(to))
}

// visibilityLabel says who may see an item, in the reader's language.
func (n *namer) visibilityLabel(v practice.Visibility, ownerID int64) string {
	tr := stateOf(n.r).tr
	switch v.Kind {
	case practice.VisPublic:
		return tr.T("practice.vis.public")
	case practice.VisPartners:
		return tr.T("practice.vis.partners")
	case practice.VisNetwork:
		return tr.T("practice.vis.network", "network", n.org(v.NetworkID).Name.Text)
	}
	if ownerID == 0 {
		return tr.T("practice.vis.owner")
	}
	return tr.T("practice.vis.org", "org", n.org(ownerID).Name.Text)
}

// ownerNetworks lists the networks an organisation may share with: those it currently belongs
// to, and itself when it is a network.
func (s *Server) ownerNetworks(ctx context.Context, ownerID int64) ([]int64, error) {
	var ids []int64
	if ownerID <= 0 {
		return nil, nil
	}
	if o, err := s.Directory.OrganisationByID(ctx, ownerID); err == nil && o.Kind == directory.KindNetwork {
		ids = append(ids, o.ID)
	} else if err != nil && citypact.KindOf(err) != citypact.KindNotFound {
		return nil, err
	}
	ms, err := s.Directory.Memberships(ctx, 0, ownerID)
	if err != nil {
		return nil, err
	}
	now := today()
	for _, m := range ms {
		if m.Current(now) && !slices.Contains(ids, m.NetworkID) {
			ids = append(ids, m.NetworkID)
		}
	}
	return ids, nil
}

// visibilityOptions are the visibilities an owner may choose, widest first.
func (n *namer) visibilityOptions(ownerID int64, networks []int64) []view.Option {
	var out []view.Option
	for _, k := range practice.VisibilityKinds {
		if k == practice.VisNetwork {
			for _, id := range networks {
				v := practice.Network(id)
				out = append(out, view.Option{Value: v.String(), Label: n.visibilityLabel(v, ownerID)})
			}
			continue
		}
		v := practice.Visibility{Kind: k}
		out = append(out, view.Option{Value: v.String(), Label: n.visibilityLabel(v, ownerID)})
	}
	return out
}

// splitList cuts what was typed into items: separated by commas, semicolons, white space or the
// ideographic comma and space that CJK keyboards produce.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '、' || r == '，' || r == ';' || r == '\u3000' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}

// splitTags cuts tags at commas only: a tag may hold spaces ("drive-through testing").
func splitTags(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '、' || r == '，' || r == '\n' })
}

// practiceRefs reads practices named by id, slug or page address ("12", "seoul-drive-through",
// "/practices/12", "https://hub.example/practices/12"), for lineage and handbooks, in order;
// bad holds what names no practice the reader may see.
func (s *Server) practiceRefs(ctx context.Context, items []string) (ids []int64, bad []string, err error) {
	for _, it := range items {
		ref := strings.TrimRight(it, "/")
		if i := strings.LastIndex(ref, "/practices/"); i >= 0 {
			ref = ref[i+len("/practices/"):]
		}
		var p practice.Practice
		var e error
		if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
			if id <= 0 {
				bad = append(bad, it)
				continue
			}
			p, e = s.Practices.Practice(ctx, id)
		} else if ref != "" && len(ref) <= practice.MaxSlugLen {
			p, e = s.Practices.PracticeBySlug(ctx, strings.ToLower(ref))
		} else {
			bad = append(bad, it)
			continue
		}
		switch {
		case citypact.KindOf(e) == citypact.KindNotFound:
			bad = append(bad, it)
		case e != nil:
			return nil, nil, e
		case !slices.Contains(ids, p.ID):
			ids = append(ids, p.ID)
		}
	}
	return ids, bad, nil
}

// sizeText shows a file's size.
func sizeText(tr *i18n.Translator, n int64) string {
	if n < 1<<20 {
		return tr.T("practice.size_kb", "size", tr.Int(max((n+1023)>>10, 1)))
	}
	mb := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
	return tr.T("practice.size_mb", "size", mb)
}

// fileKind names a file's type by its usual extension ("PDF", "DOCX").
func fileKind(typ string) string {
	if ext := practice.Extensions(typ); len(ext) > 0 {
		return strings.ToUpper(strings.TrimPrefix(ext[0], "."))
	}
	return typ
}
