package view

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/search"
)

// practicePages renders the library's pages with realistic data, every optional part filled.
func practicePages(tr *i18n.Translator) map[string]templ.Component {
	b := Base{Tr: tr, Title: "x", Path: "/library", Assets: Assets{CSS: "/static/app.css", Favicon: "/static/favicon.svg"},
		Viewer: Viewer{SignedIn: true, Name: "editor", Role: citypact.RoleEditor}}
	seoul := OrgRef{ID: 1, Slug: "seoul", Name: Name{Text: "서울특별시", Lang: "ko"}}
	p := PracticeRef{ID: 7, Slug: "drive-through", Title: Name{Text: "드라이브스루 선별진료소", Lang: "ko"}, Owner: seoul, Status: "published"}
	draft := PracticeRef{ID: 8, Title: Name{Text: "Draft"}, Owner: seoul, Status: "draft"}
	failed := Form{Values: map[string]string{"title": "x", "note": "n", "q": "!!"}, Errors: []citypact.FieldError{{Field: "title", Key: "field.required"}}}
	opts := []Option{{Value: "a", Label: "A"}}
	return map[string]templ.Component{
		"library": Library(LibraryPage{Base: b, Query: LibraryQuery{Q: "선별"}, Form: Form{Values: map[string]string{"q": "선별"}},
			Categories: opts, Countries: opts, Langs: opts, Goals: []OptGroup{{Label: "3", Options: opts}}, Orgs: opts, Searched: true, Count: "3+",
			Results: []LibraryResult{{Practice: p, Lang: "ko", Snippet: []search.Segment{{Text: "드라이브스루 "}, {Text: "선별", Hit: true}}, Category: "c", Period: "p", Date: "d"}},
			Next:    "/library?page=2", First: "/library", Drafts: []PracticeRef{draft}, Handbooks: []HandbookRef{{ID: 1, Title: "H", Owner: seoul}}, CanCreate: true}),
		"library-failed": Library(LibraryPage{Base: b, Form: Form{Values: map[string]string{"q": "!!"}, Errors: []citypact.FieldError{{Field: "search", Key: "search.empty"}}}}),
		"practice": Practice(PracticePage{Base: b, Practice: p, TextLang: "ko", Summary: "s", BodyHTML: "<p>b</p>", Translated: true, Outdated: true,
			TransOf: "1", OrigHref: "/practices/7?lang=en", OrigLang: "English", Category: "c", Tags: []string{"t"}, Period: "p",
			SDGs: []SDGRef{{Code: "3.d", Title: "Early warning", Goal: "Health"}}, Visibility: "v", Version: "2", Published: "d", Updated: "d",
			Sources: []PracticeRef{p}, Adaptations: []PracticeRef{draft}, Attachments: []AttachmentRow{{ID: 1, Name: "a.pdf", Type: "PDF", Size: "1 KB", Href: "/attachments/1", CanDelete: true}},
			Translations: []TranslationRow{{Lang: "ko", Language: "Korean", Href: "/x", Version: "1", Outdated: true, Shown: true}},
			ChangedHref:  "/practices/7/diff?from=1&to=2", ChangedFrom: "1", CanFollow: true, Following: true, CanEdit: true, CanTranslate: true,
			Upload: Form{Errors: []citypact.FieldError{{Field: "file", Key: "practice.file_type", Args: []string{"type", "image/svg+xml"}}}}}),
		"practice-draft": Practice(PracticePage{Base: b, Practice: draft, Missing: true, MissingLang: "Japanese", OrigLang: "English", CanEdit: true,
			Publish: failed}),
		"practice-form": PracticeForm(PracticeFormPage{Base: b, New: true, Draft: true, Form: failed, Categories: opts, Visibilities: opts, Langs: opts, Owners: opts}),
		"practice-edit": PracticeForm(PracticeFormPage{Base: b, Practice: p, Form: Form{Message: "practice.stale"}, Categories: opts, Visibilities: opts, Langs: opts}),
		"versions":      Versions(VersionsPage{Base: b, Practice: p, Versions: []VersionRow{{Number: "2", At: "d", Note: "n", DiffHref: "/x", Current: true}, {Number: "1", At: "d"}}}),
		"diff": Diff(DiffPage{Base: b, Practice: p, Versions: []Option{{Value: "1", Label: "1"}, {Value: "2", Label: "2"}}, From: "1", To: "2", Shown: true,
			Form:   Form{Values: map[string]string{"from": "1", "to": "2"}},
			Fields: []DiffField{{Key: "field.body", Changed: true, Parts: []DiffPart{{Op: "equal", Text: "a "}, {Op: "delete", Text: "b"}, {Op: "insert", Text: "<c>"}}}}}),
		"diff-refused": Diff(DiffPage{Base: b, Practice: p, Versions: []Option{{Value: "1", Label: "1"}},
			Form: Form{Errors: []citypact.FieldError{{Field: "to_version", Key: "practice.diff_other_practice"}}}}),
		"translation": TranslationForm(TranslationFormPage{Base: b, Practice: p, Form: failed, Langs: opts, OrigLang: "ko", OrigSummary: "s", OrigBodyHTML: "<p>b</p>", Version: "2"}),
		"handbook": HandbookView(HandbookPage{Base: b, ID: 1, Summary: "s", Owner: seoul, Visibility: "v", Hidden: 2, CanEdit: true, ShowOpens: true, Updated: "d",
			Items:      []HandbookItem{{Anchor: "item-1", Practice: p, TextLang: "ko", Summary: "s", BodyHTML: "<p>b</p>", Translated: true, Outdated: true, Retired: true}},
			SharedWith: []OrgRef{seoul}, Opens: []OpenRow{{Org: seoul, First: "d", Last: "d"}}}),
		"handbook-form": HandbookForm(HandbookFormPage{Base: b, ID: 1, Form: failed, Visibilities: opts, Orgs: opts, ChooseOwner: true}),
	}
}

// TestPracticePagesRender renders each library page in every language: one h1, no missing
// message, unique ids, a control for every label; user text escaped, snippets and diffs marked.
func TestPracticePagesRender(t *testing.T) {
	for _, l := range i18n.Langs {
		for name, c := range practicePages(i18n.For(l)) {
			t.Run(string(l)+"/"+name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := c.Render(context.Background(), &buf); err != nil {
					t.Fatal(err)
				}
				html := buf.String()
				if n := len(h1RE.FindAllString(html, -1)); n != 1 {
					t.Errorf("%d h1 elements, want 1", n)
				}
				if i := strings.Index(html, "⟦"); i >= 0 {
					t.Errorf("missing translation: %s", html[i:min(len(html), i+60)])
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
				switch name {
				case "library":
					if !strings.Contains(html, "드라이브스루 <mark>선별</mark>") {
						t.Error("the snippet's match is not marked")
					}
				case "diff":
					if !strings.Contains(html, "&lt;c&gt;<span") || !strings.Contains(html, "<del>") {
						t.Error("the diff is not escaped and marked")
					}
				}
			})
		}
	}
}
