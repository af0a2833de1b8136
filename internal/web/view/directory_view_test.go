package view

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
)

var (
	seoulOrg = directory.Organisation{ID: 1, Slug: "seoul", Kind: directory.KindCity, Name: "서울특별시", Country: "KR", Region: "asia-pacific",
		Names: []directory.Name{{Lang: "ko", Text: "서울특별시", Original: true}, {Lang: "en", Text: "Seoul Metropolitan Government"}, {Lang: "ja", Text: "ソウル特別市"}}}
	taipeiOrg = directory.Organisation{ID: 2, Slug: "taipei", Kind: directory.KindCity, Name: "臺北市", Country: "TW", Region: "asia-pacific",
		Names: []directory.Name{{Lang: "zh-TW", Text: "臺北市", Original: true}, {Lang: "en", Text: "Taipei City Government"}}}
	networkOrg = directory.Organisation{ID: 3, Slug: "citynet", Kind: directory.KindNetwork, Name: "CityNet",
		Names: []directory.Name{{Lang: "en", Text: "CityNet", Original: true}}}
	testRegions = map[string]directory.Region{"asia-pacific": {Key: "asia-pacific", Names: map[string]string{"en": "Asia-Pacific", "ko": "아시아·태평양"}}}
)

// directoryPages renders every directory page with realistic data: editors' and visitors'
// views, empty lists, failed forms.
func directoryPages(tr *i18n.Translator) map[string]templ.Component {
	l := tr.Lang()
	b := Base{Tr: tr, Title: "x", Path: "/directory", Nav: "directory", Assets: Assets{CSS: "/static/app.css", Favicon: "/static/favicon.svg"}}
	editor := b
	editor.Viewer = Viewer{SignedIn: true, Name: "Editor", Role: citypact.RoleAdmin}
	failed := editor
	failed.HasErrors = true
	seoul, taipei, net := MakeOrgRef(seoulOrg, l, testRegions), MakeOrgRef(taipeiOrg, l, testRegions), MakeOrgRef(networkOrg, l, testRegions)
	opts := []Option{{Value: "seoul", Label: seoul.Name.Text, Lang: seoul.Name.Lang}, {Value: "taipei", Label: taipei.Name.Text, Lang: taipei.Name.Lang}}
	tie := TieRow{ID: 1, Partner: taipei, Kind: directory.TieSister, Since: tr.Date(when), Reference: "https://example.org/mou", RefURL: true, CanDelete: true}
	entry := EntryRow{ID: 1, Date: tr.Date(when), ISODate: "2026-11-22", Kind: directory.EntryGift, Title: "Masks donated",
		DescriptionHTML: "<p>100,000 masks.</p>", Parties: []OrgRef{seoul, taipei}, Links: []string{"https://example.org/news"}, CanDelete: true}
	member := MembershipRow{ID: 1, Org: seoul, Role: directory.RoleFounding, Since: tr.Date(when), Current: true}
	contact := directory.Contact{ID: 1, OrgID: 1, Name: "Kim", Title: directory.TitleMayor, Role: "Mayor of Seoul", Email: "kim@seoul.example", Phone: "+82 2 120"}
	fieldErr := func(fields ...string) Form {
		f := Form{Values: map[string]string{}}
		for _, name := range fields {
			f.Errors = append(f.Errors, citypact.FieldError{Field: name, Key: "field.required"})
		}
		return f
	}
	return map[string]templ.Component{
		"directory": Directory(DirectoryPage{Base: b, Query: DirectoryQuery{Q: "서울", Kind: "city"}, Kinds: directory.Kinds,
			Countries: []Option{{Value: "KR", Label: directory.CountryName("KR", string(l))}}, Regions: []Option{{Value: "asia-pacific", Label: "Asia-Pacific"}},
			Networks: []Option{{Value: "citynet", Label: "CityNet"}}, Results: []OrgRef{seoul, taipei, net}, Next: "after=3", First: "/directory?q=x", CSV: "/directory.csv?q=x", CanCreate: true}),
		"directory-empty": Directory(DirectoryPage{Base: b, Kinds: directory.Kinds, CSV: "/directory.csv"}),
		"org": Organisation(OrgPage{Base: editor, Org: seoul, Names: []NamedValue{{Language: LanguageName("ko", l), Name: Name{Text: "서울특별시", Lang: "ko"}, Original: true}},
			Population: tr.Int(9586195), PopulationYear: "2023", PopulationSrc: "KOSIS", Website: "https://www.seoul.go.kr", Location: "37.5665, 126.978",
			DescriptionHTML: "<p>Capital.</p>", Source: "reference", Ties: []TieRow{tie}, Networks: []MembershipRow{{ID: 1, Org: net, Role: directory.RoleMember, Since: tr.Date(when)}},
			Contacts: []directory.Contact{contact}, ShowDetails: true, Timeline: []EntryRow{entry}, CanEdit: true, CanDelete: true}),
		"org-visitor":   Organisation(OrgPage{Base: b, Org: net, Contacts: []directory.Contact{contact.Public()}}),
		"partner":       Partner(PartnerPage{Base: b, Org: seoul, Partner: taipei, Ties: []TieRow{tie}, Timeline: []EntryRow{entry}, Networks: []OrgRef{net}}),
		"partner-empty": Partner(PartnerPage{Base: b, Org: seoul, Partner: taipei}),
		"network": Network(NetworkPage{Base: editor, Network: net, Summary: tr.T("network.summary", "members", tr.N("network.members", 14), "observers", tr.N("network.observers", 1)),
			Groups: []MemberGroup{{ID: "region-asia-pacific", Region: "Asia-Pacific", Count: tr.T("network.group_count", "count", tr.N("network.members", 2)), Members: []MembershipRow{member, {ID: 2, Org: taipei, Role: directory.RoleObserver}}}},
			Former: []MembershipRow{{ID: 3, Org: taipei, Role: directory.RoleMember, Until: tr.Date(when)}}, CanEdit: true}),
		"network-empty": Network(NetworkPage{Base: b, Network: net, Summary: tr.N("network.members", 0)}),
		"org-new": OrgForm(OrgFormPage{Base: failed, New: true, Form: fieldErr("names", "slug", "country", "lat", "website", "population", "description"),
			Names: []NameRow{{Index: 0, Lang: "en"}, {Index: 1, Lang: "ko", Text: "서울", Original: true}}, Kinds: directory.Kinds,
			Countries: []Option{{Value: "KR", Label: "South Korea"}}, Regions: []Option{{Value: "asia-pacific", Label: "Asia-Pacific"}}, Identity: true}),
		"org-edit": OrgForm(OrgFormPage{Base: editor, Org: seoul, Form: Form{Values: map[string]string{"country": "KR"}},
			Names: []NameRow{{Index: 0, Lang: "ko", Text: "서울특별시", Original: true}, {Index: 1}}, CanDelete: true}),
		"org-delete":        OrgDelete(OrgDeletePage{Base: editor, Org: seoul}),
		"org-delete-in-use": OrgDelete(OrgDeletePage{Base: editor, Org: seoul, InUse: true}),
		"contact-new":       ContactForm(ContactFormPage{Base: failed, Org: seoul, Form: fieldErr("name", "function", "position", "email", "phone", "source")}),
		"contact-edit":      ContactForm(ContactFormPage{Base: editor, Org: seoul, ContactID: 1, Form: Form{Values: map[string]string{"name": "Kim", "function": "mayor"}}}),
		"tie-new":           TieForm(TieFormPage{Base: failed, Org: seoul, Partners: opts, Form: fieldErr("partner", "kind", "since", "reference", "source")}),
		"entry-new":         EntryForm(EntryFormPage{Base: failed, Org: seoul, Partners: opts, Form: fieldErr("date", "kind", "title", "parties", "description", "links", "source")}),
		"membership-new": MembershipForm(MembershipFormPage{Base: failed, Network: net, Candidates: opts,
			Form: Form{Errors: fieldErr("member", "role", "since", "until", "source").Errors, Message: "membership.not_a_network"}}),
	}
}

// TestDirectoryPagesRender applies TestEveryPageRenders' checks to every directory page.
func TestDirectoryPagesRender(t *testing.T) {
	for _, l := range i18n.Langs {
		tr := i18n.For(l)
		for name, c := range directoryPages(tr) {
			t.Run(string(l)+"/"+name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := c.Render(context.Background(), &buf); err != nil {
					t.Fatal(err)
				}
				html := buf.String()
				if !strings.Contains(html, `<html lang="`+l.HTMLLang()+`"`) {
					t.Error("wrong or missing html lang")
				}
				if n := len(h1RE.FindAllString(html, -1)); n != 1 {
					t.Errorf("%d h1 elements, want 1", n)
				}
				if strings.Contains(html, "⟦") {
					t.Errorf("missing translation: %s", html[strings.Index(html, "⟦"):][:60])
				}
				seen := map[string]bool{}
				for _, m := range idRE.FindAllStringSubmatch(html, -1) {
					if seen[m[1]] {
						t.Errorf("duplicate id %q", m[1])
					}
					seen[m[1]] = true
				}
				for _, m := range labelFor.FindAllStringSubmatch(html, -1) {
					if !seen[m[1]] {
						t.Errorf("label for %q has no control", m[1])
					}
				}
				for _, m := range describedByRE.FindAllStringSubmatch(html, -1) {
					for _, id := range strings.Fields(m[1]) {
						if !seen[id] {
							t.Errorf("aria-describedby names %q, which is not on the page", id)
						}
					}
				}
				for _, m := range summaryLinkRE.FindAllStringSubmatch(html, -1) {
					if !seen[m[1]] {
						t.Errorf("the error summary links to #%s, which is not on the page", m[1])
					}
				}
			})
		}
	}
}

var (
	describedByRE = regexp.MustCompile(`aria-(?:describedby|labelledby)="([^"]+)"`)
	summaryLinkRE = regexp.MustCompile(`<li><a href="#([^"]+)"`)
)

// TestNamesCarryTheirLanguage: a name in another script than the page's is marked with its
// language, and the original stands beside the reader's name.
func TestNamesCarryTheirLanguage(t *testing.T) {
	en := MakeOrgRef(seoulOrg, i18n.EN, testRegions)
	if en.Name != (Name{Text: "Seoul Metropolitan Government", Lang: ""}) || en.Original != (Name{Text: "서울특별시", Lang: "ko"}) {
		t.Errorf("English page: %+v / %+v", en.Name, en.Original)
	}
	ko := MakeOrgRef(seoulOrg, i18n.KO, testRegions)
	if ko.Name != (Name{Text: "서울특별시"}) || ko.Original.Text != "" || ko.Country != directory.CountryName("KR", "ko") || ko.Region != "아시아·태평양" {
		t.Errorf("Korean page: %+v", ko)
	}
	// No Traditional Chinese name: the original, in Korean, marked as such.
	zh := MakeOrgRef(seoulOrg, i18n.ZHTW, testRegions)
	if zh.Name != (Name{Text: "서울특별시", Lang: "ko"}) || zh.Original.Text != "" {
		t.Errorf("Chinese page: %+v", zh)
	}
	// A Simplified Chinese name does not stand in for the Traditional one.
	simp := directory.Organisation{Name: "Tokyo", Names: []directory.Name{{Lang: "ja", Text: "東京都", Original: true}, {Lang: "zh-CN", Text: "东京都"}}}
	if n, _ := NamedIn(simp, i18n.ZHTW); n.Text != "東京都" || n.Lang != "ja" {
		t.Errorf("zh-TW page shows %+v", n)
	}

	var buf bytes.Buffer
	tr := i18n.For(i18n.EN)
	p := DirectoryPage{Base: Base{Tr: tr, Title: "x"}, Results: []OrgRef{en}}
	if err := Directory(p).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<span lang="ko">서울특별시</span>`) {
		t.Error("the original Korean name has no lang attribute on an English page")
	}
}

// TestDirectoryEscapes: what editors type never becomes markup.
func TestDirectoryEscapes(t *testing.T) {
	evil := `<script>alert(1)</script>`
	tr := i18n.For(i18n.EN)
	b := Base{Tr: tr, Title: "x", Viewer: Viewer{SignedIn: true, Role: citypact.RoleAdmin}}
	o := OrgRef{Slug: "x", Name: Name{Text: evil}, Original: Name{Text: evil, Lang: "ko"}}
	var buf bytes.Buffer
	Organisation(OrgPage{Base: b, Org: o, Contacts: []directory.Contact{{ID: 1, Name: evil, Role: evil, Email: evil}}, ShowDetails: true,
		Timeline: []EntryRow{{Title: evil, Links: []string{"javascript:alert(1)"}}}}).Render(context.Background(), &buf)
	if strings.Contains(buf.String(), evil) || strings.Contains(buf.String(), `href="javascript:`) {
		t.Error("text from a user was rendered as markup")
	}
}

func TestParts(t *testing.T) {
	got := parts("{org} and {partner}")
	want := []msgPart{{Slot: "org"}, {Text: " and "}, {Slot: "partner"}}
	if len(got) != len(want) {
		t.Fatalf("parts = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("parts[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got := parts("確定要刪除{name}嗎？"); len(got) != 3 || got[1].Slot != "name" || got[2].Text != "嗎？" {
		t.Errorf("parts = %+v", got)
	}
}
