package practice

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
)

var choices = Choices{Categories: CategoryKeys(DefaultCategories()), Networks: []int64{network}}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// goodPractice returns a practice that passes Validate as published.
func goodPractice() Practice {
	return Practice{
		ID: 1, OwnerID: owner, Title: "Drive-through screening stations", Summary: "Testing without leaving the car.",
		Body: "## Steps\n\n1. Register\n2. Swab\n", Lang: "ko", Category: "screening-testing",
		Tags: []string{"Drive-through", "testing"}, PeriodFrom: day("2020-02-26"), PeriodTo: day("2020-06-30"),
		Status: Published, Visibility: Network(network), SDGTargets: []string{"17.16", "3.d"}, AdaptedFrom: []int64{7},
		Version: 1,
	}
}

func codes() []string {
	var out []string
	for _, t := range Targets() {
		out = append(out, t.Code)
	}
	return out
}

// keys returns "field:key" for each field error of err.
func keys(err error) []string {
	var out []string
	for _, f := range citypact.FieldsOf(err) {
		out = append(out, f.Field+":"+f.Key)
	}
	return out
}

func TestValidatePractice(t *testing.T) {
	p := goodPractice()
	if err := p.Validate(choices); err != nil {
		t.Fatalf("good practice: %v", err)
	}
	if !slices.Equal(p.SDGTargets, []string{"3.d", "17.16"}) {
		t.Errorf("SDG targets not in canonical order: %v", p.SDGTargets)
	}
	if !slices.Equal(p.Tags, []string{"drive-through", "testing"}) {
		t.Errorf("tags not normalised: %v", p.Tags)
	}

	for _, tt := range []struct {
		name   string
		change func(p *Practice)
		want   string // "field:key"
	}{
		{"empty title", func(p *Practice) { p.Title = "  \n " }, "title:field.required"},
		{"long title", func(p *Practice) { p.Title = strings.Repeat("가", MaxTitleLen+1) }, "title:field.too_long"},
		{"title with NUL", func(p *Practice) { p.Title = "a\x00b" }, "title:field.invalid"},
		{"invalid UTF-8 summary", func(p *Practice) { p.Summary = "a\xffb" }, "summary:field.invalid"},
		{"invalid UTF-8 body", func(p *Practice) { p.Body = "a\xffb" }, "body:field.invalid"},
		{"long summary", func(p *Practice) { p.Summary = strings.Repeat("x", MaxSummaryLen+1) }, "summary:field.too_long"},
		{"body over the limit", func(p *Practice) { p.Body = strings.Repeat("x", MaxBodyBytes+1) }, "body:practice.body_too_large"},
		{"published without body", func(p *Practice) { p.Body = " \n" }, "body:field.required"},
		{"published without category", func(p *Practice) { p.Category = "" }, "category:field.required"},
		{"unknown category", func(p *Practice) { p.Category = "magic" }, "category:practice.category_unknown"},
		{"no owner", func(p *Practice) { p.OwnerID = 0 }, "owner:field.required"},
		{"bad slug", func(p *Practice) { p.Slug = "drive through" }, "slug:practice.slug_invalid"},
		{"numeric slug", func(p *Practice) { p.Slug = "12" }, "slug:practice.slug_invalid"},
		{"reserved slug", func(p *Practice) { p.Slug = "new" }, "slug:practice.slug_invalid"},
		{"no language", func(p *Practice) { p.Lang = "" }, "lang:practice.lang_invalid"},
		{"bad language", func(p *Practice) { p.Lang = "korean" }, "lang:practice.lang_invalid"},
		{"unknown language", func(p *Practice) { p.Lang = "xq" }, "lang:practice.lang_invalid"},
		{"private-use language", func(p *Practice) { p.Lang = "en-x-pirate" }, "lang:practice.lang_invalid"},
		{"too many tags", func(p *Practice) {
			p.Tags = nil
			for i := range MaxTags + 1 {
				p.Tags = append(p.Tags, "t"+string(rune('a'+i)))
			}
		}, "tags:practice.tags_too_many"},
		{"long tag", func(p *Practice) { p.Tags = []string{strings.Repeat("t", MaxTagLen+1)} }, "tags:practice.tag_invalid"},
		{"tag with a comma", func(p *Practice) { p.Tags = []string{"a,b"} }, "tags:practice.tag_invalid"},
		{"tag with markup", func(p *Practice) { p.Tags = []string{"<script>"} }, "tags:practice.tag_invalid"},
		{"tag with RLO", func(p *Practice) { p.Tags = []string{"a\u202eb"} }, "tags:practice.tag_invalid"},
		{"period backwards", func(p *Practice) { p.PeriodFrom, p.PeriodTo = day("2020-07-01"), day("2020-06-30") }, "period_to:date.before_since"},
		{"period in year 1", func(p *Practice) { p.PeriodFrom = day("0001-01-02") }, "period_from:date.invalid"},
		{"unknown status", func(p *Practice) { p.Status = "hidden" }, "status:field.choice"},
		{"invalid visibility", func(p *Practice) { p.Visibility = Visibility{Kind: VisNetwork} }, "visibility:practice.visibility_invalid"},
		{"foreign network", func(p *Practice) { p.Visibility = Network(999) }, "visibility:practice.network_invalid"},
		{"unknown SDG target", func(p *Practice) { p.SDGTargets = []string{"17.20"} }, "sdg_targets:practice.sdg_invalid"},
		{"SDG goal, not target", func(p *Practice) { p.SDGTargets = []string{"17"} }, "sdg_targets:practice.sdg_invalid"},
		{"SDG letter on goal 17", func(p *Practice) { p.SDGTargets = []string{"17.a"} }, "sdg_targets:practice.sdg_invalid"},
		{"too many SDG targets", func(p *Practice) { p.SDGTargets = codes()[:MaxSDGTargets+1] }, "sdg_targets:practice.sdg_too_many"},
		{"adapted from itself", func(p *Practice) { p.AdaptedFrom = []int64{1} }, "adapted_from:practice.adapted_from_invalid"},
		{"adapted from 0", func(p *Practice) { p.AdaptedFrom = []int64{0} }, "adapted_from:practice.adapted_from_invalid"},
		{"adapted from too many", func(p *Practice) {
			p.AdaptedFrom = nil
			for i := range MaxAdaptedFrom + 1 {
				p.AdaptedFrom = append(p.AdaptedFrom, int64(100+i))
			}
		}, "adapted_from:practice.adapted_from_too_many"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := goodPractice()
			tt.change(&p)
			got := keys(p.Validate(choices))
			if !slices.Contains(got, tt.want) {
				t.Errorf("got %v, want %s", got, tt.want)
			}
			if citypact.KindOf(p.Validate(choices)) != citypact.KindInvalid {
				t.Errorf("kind %v", citypact.KindOf(p.Validate(choices)))
			}
		})
	}
}

func TestValidateDraft(t *testing.T) {
	// A draft needs only a title (and an owner and a language).
	p := Practice{OwnerID: owner, Title: " Masks for everyone ", Lang: "zh-tw", Status: Draft}
	if err := p.Validate(choices); err != nil {
		t.Fatal(err)
	}
	if p.Title != "Masks for everyone" || p.Lang != "zh-TW" || p.Visibility != OrgOnly {
		t.Errorf("not normalised: %+v", p)
	}
	p.Title = ""
	if got := keys(p.Validate(choices)); !slices.Equal(got, []string{"title:field.required"}) {
		t.Errorf("empty title: %v", got)
	}
}

func TestNormalize(t *testing.T) {
	loc := time.FixedZone("KST", 9*3600)
	p := Practice{
		Title: "Line\none\ttwo", Lang: " JA ", Tags: []string{"ＣＯＶＩＤ", "covid", "  ", "Drive  Through"},
		SDGTargets: []string{" 3.D", "17.16", "3.d", "1.1"}, AdaptedFrom: []int64{3, 3, 4},
		PeriodFrom: time.Date(2020, 3, 1, 23, 30, 0, 0, loc),
	}
	p.Normalize()
	if p.Title != "Line one two" || p.Lang != "ja" {
		t.Errorf("title %q lang %q", p.Title, p.Lang)
	}
	if !slices.Equal(p.Tags, []string{"covid", "drive through"}) {
		t.Errorf("tags %q", p.Tags)
	}
	if !slices.Equal(p.SDGTargets, []string{"1.1", "3.d", "17.16"}) {
		t.Errorf("SDG %q", p.SDGTargets)
	}
	if !slices.Equal(p.AdaptedFrom, []int64{3, 4}) {
		t.Errorf("adapted from %v", p.AdaptedFrom)
	}
	if !p.PeriodFrom.Equal(day("2020-03-01")) {
		t.Errorf("period from %v: the calendar day in its own zone", p.PeriodFrom)
	}
}

func TestCheckLineage(t *testing.T) {
	p := goodPractice() // owner 10, adapted from 7
	for _, tt := range []struct {
		name    string
		sources []Practice
		want    string
	}{
		{"fine", []Practice{{ID: 7, OwnerID: partner, Status: Published}}, ""},
		{"retired source", []Practice{{ID: 7, OwnerID: partner, Status: Retired}}, ""},
		{"missing or invisible", nil, "adapted_from:practice.adapted_from_invalid"},
		{"a draft", []Practice{{ID: 7, OwnerID: partner, Status: Draft}}, "adapted_from:practice.adapted_from_invalid"},
		{"same owner", []Practice{{ID: 7, OwnerID: owner, Status: Published}}, "adapted_from:practice.adapted_from_same_owner"},
		{"cycle", []Practice{{ID: 7, OwnerID: partner, Status: Published, AdaptedFrom: []int64{1}}}, "adapted_from:practice.adapted_from_cycle"},
	} {
		got := strings.Join(keys(CheckLineage(p, tt.sources)), " ")
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTextChanged(t *testing.T) {
	a := goodPractice()
	b := a
	b.Tags, b.Visibility, b.Category = []string{"other"}, Public, "technology"
	if TextChanged(a, b) {
		t.Error("settings only: no new version")
	}
	b.Body += "3. Wait\n"
	if !TextChanged(a, b) {
		t.Error("body changed: a new version")
	}
}

func TestStatusTransitions(t *testing.T) {
	for _, tt := range []struct {
		from, to Status
		want     bool
	}{
		{Published, Retired, true}, {Retired, Published, true},
		{Draft, Published, false}, // only through Publish, which writes version 1
		{Published, Draft, false}, {Retired, Draft, false}, {Draft, Retired, false}, {Published, Published, false},
	} {
		if got := CanSetStatus(tt.from, tt.to); got != tt.want {
			t.Errorf("%s → %s: %v", tt.from, tt.to, got)
		}
	}
}

func TestReadState(t *testing.T) {
	if (ReadState{}).ChangedSince(3) {
		t.Error("never read: not changed")
	}
	if !(ReadState{LastRead: 2}).ChangedSince(3) || (ReadState{LastRead: 3}).ChangedSince(3) {
		t.Error("ChangedSince")
	}
	p := goodPractice()
	if err := CanSubscribe(citypact.Visitor, p, Relations{}); err != citypact.ErrUnauthenticated {
		t.Errorf("visitor: %v", err)
	}
	stranger := citypact.Actor{UserID: 6, Role: citypact.RoleMember, OrgID: unrelated}
	if err := CanSubscribe(stranger, p, Relations{OrgID: unrelated}); citypact.KindOf(err) != citypact.KindNotFound {
		t.Errorf("stranger: %v", err)
	}
	member := citypact.Actor{UserID: 4, Role: citypact.RoleMember, OrgID: inNetwork}
	if err := CanSubscribe(member, p, Relations{OrgID: inNetwork, Networks: []int64{network}}); err != nil {
		t.Errorf("network member: %v", err)
	}
}

func TestValidateNote(t *testing.T) {
	if err := ValidateNote("Added the weekend schedule."); err != nil {
		t.Error(err)
	}
	if got := keys(ValidateNote(strings.Repeat("n", MaxNoteLen+1))); !slices.Equal(got, []string{"note:field.too_long"}) {
		t.Errorf("long note: %v", got)
	}
}

func TestCategories(t *testing.T) {
	cs := DefaultCategories()
	if len(cs) != 12 {
		t.Fatalf("%d categories, want the 12 of the issue", len(cs))
	}
	seen := map[string]bool{}
	for i, c := range cs {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.Key, err)
		}
		for _, l := range []string{"en", "ko", "zh-TW", "ja"} {
			if c.Names[l] == "" {
				t.Errorf("%s has no %s name", c.Key, l)
			}
		}
		if seen[c.Key] || (i > 0 && c.Position <= cs[i-1].Position) {
			t.Errorf("%s: duplicate or out of order", c.Key)
		}
		seen[c.Key] = true
	}
	if got := cs[0].NameIn("fr"); got != "Screening and testing" {
		t.Errorf("fallback name %q", got)
	}
	bad := Category{Key: "Bad Key", Names: map[string]string{"ko": "x", "klingon": "y"}}
	if got := keys(bad.Validate()); len(got) < 3 {
		t.Errorf("bad category: %v", got)
	}
	if err := CanManageCategories(citypact.Actor{UserID: 2, Role: citypact.RoleEditor, OrgID: owner}); citypact.KindOf(err) != citypact.KindForbidden {
		t.Errorf("editor manages categories: %v", err)
	}
}

func TestValidateHandbook(t *testing.T) {
	h := Handbook{OwnerID: owner, Title: "Seoul SOP handbook", Items: []int64{3, 1, 2}, SharedWith: []int64{partner, unrelated}}
	if err := h.Validate(); err != nil {
		t.Fatal(err)
	}
	if h.Visibility != OrgOnly {
		t.Errorf("default visibility %v", h.Visibility)
	}
	for _, tt := range []struct {
		name   string
		change func(h *Handbook)
		want   string
	}{
		{"empty title", func(h *Handbook) { h.Title = "" }, "title:field.required"},
		{"duplicate item", func(h *Handbook) { h.Items = []int64{1, 2, 1} }, "items:practice.handbook_item_invalid"},
		{"zero item", func(h *Handbook) { h.Items = []int64{0} }, "items:practice.handbook_item_invalid"},
		{"too many items", func(h *Handbook) { h.Items = make([]int64, MaxHandbookItems+1) }, "items:practice.handbook_items_too_many"},
		{"shared with the owner", func(h *Handbook) { h.SharedWith = []int64{owner} }, "shared_with:practice.handbook_share_invalid"},
		{"shared twice", func(h *Handbook) { h.SharedWith = []int64{partner, partner} }, "shared_with:practice.handbook_share_invalid"},
		{"bad visibility", func(h *Handbook) { h.Visibility = Visibility{Kind: "friends"} }, "visibility:practice.visibility_invalid"},
	} {
		h := Handbook{OwnerID: owner, Title: "Handbook", Items: []int64{1, 2}, SharedWith: []int64{partner}}
		tt.change(&h)
		if got := keys(h.Validate()); !slices.Contains(got, tt.want) {
			t.Errorf("%s: got %v, want %s", tt.name, got, tt.want)
		}
	}
}

func TestHandbookAccess(t *testing.T) {
	h := Handbook{ID: 5, OwnerID: owner, Title: "SOPs", SharedWith: []int64{unrelated}, Visibility: OrgOnly}
	stranger := citypact.Actor{UserID: 6, Role: citypact.RoleMember, OrgID: unrelated}
	partnerMember := citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: partner}
	ownerMember := citypact.Actor{UserID: 1, Role: citypact.RoleMember, OrgID: owner}
	admin := citypact.Actor{UserID: 9, Role: citypact.RoleAdmin}
	if !CanSeeHandbook(stranger, h, Relations{OrgID: unrelated}) {
		t.Error("the organisation it is shared with cannot see it")
	}
	if CanSeeHandbook(partnerMember, h, Relations{OrgID: partner, Partners: []int64{owner}}) {
		t.Error("a partner it is not shared with sees an org-only handbook")
	}
	if CanSeeHandbook(citypact.Visitor, h, Relations{}) {
		t.Error("a visitor sees it")
	}
	if !RecordsOpen(stranger, h) || RecordsOpen(ownerMember, h) || RecordsOpen(admin, h) || RecordsOpen(citypact.Visitor, h) {
		t.Error("RecordsOpen: only other organisations' members count")
	}
	if err := CanSeeOpens(ownerMember, h); err != nil {
		t.Errorf("owner's member: %v", err)
	}
	if err := CanSeeOpens(stranger, h); citypact.KindOf(err) != citypact.KindForbidden {
		t.Errorf("stranger sees opens: %v", err)
	}
	if err := CanChangeHandbook(stranger, h, Relations{OrgID: unrelated}); citypact.KindOf(err) != citypact.KindForbidden {
		t.Errorf("stranger changes it: %v", err)
	}
	if err := CanChangeHandbook(partnerMember, h, Relations{OrgID: partner}); citypact.KindOf(err) != citypact.KindNotFound {
		t.Errorf("partner who cannot see it: %v", err)
	}
}

func TestPlanPublish(t *testing.T) {
	draft := goodPractice()
	draft.Status, draft.Version = Draft, 0
	pub := goodPractice() // published, version 1
	edited := pub
	edited.Body += "\n3. Wait for the text message.\n"
	settings := pub
	settings.Visibility = Public
	stale := edited
	stale.Version = 0
	retired := pub
	retired.Status = Retired
	for _, tt := range []struct {
		name      string
		cur, next Practice
		want      int
		err       string
	}{
		{"first publication", draft, draft, 1, ""},
		{"text edited", pub, edited, 2, ""},
		{"settings only", pub, settings, 0, ""},
		{"stale", pub, stale, 0, "practice.stale"},
		{"retired", retired, edited, 0, "practice.retired"},
	} {
		got, err := PlanPublish(tt.cur, tt.next)
		if got != tt.want || citypact.MessageOf(err) != tt.err {
			t.Errorf("%s: %d, %v; want %d, %q", tt.name, got, err, tt.want, tt.err)
		}
	}
}
