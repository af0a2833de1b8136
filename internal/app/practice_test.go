package app_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
)

// signedIn returns a client signed in as acc, reading the pages in lang ("" for English).
func signedIn(t *testing.T, h *apptest.Hub, acc apptest.Account, lang string) *apptest.Client {
	t.Helper()
	c := h.Client(t)
	c.SignIn(acc.Email, apptest.Password)
	if lang != "" {
		c.Header = http.Header{"Accept-Language": {lang}}
		if res := c.PostForm("/language", url.Values{"lang": {lang}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("choose %s: %d", lang, res.StatusCode)
		}
	}
	return c
}

// practiceForm is a complete practice form; over replaces or adds fields.
func practiceForm(over url.Values) url.Values {
	v := url.Values{
		"title":      {"Drive-through screening stations"},
		"summary":    {"Testing people in their cars, without leaving them, in ten minutes."},
		"body":       {"## How it works\n\nCars queue through four booths: registration, examination, sampling and instructions."},
		"lang":       {"en"},
		"category":   {"screening-testing"},
		"tags":       {"drive-through, testing"},
		"visibility": {"public"},
		"action":     {"publish"},
		"note":       {"First edition"},
	}
	for k, x := range over {
		v[k] = x
	}
	return v
}

// createPractice posts the new-practice form and returns the practice's page.
func createPractice(t *testing.T, c *apptest.Client, form url.Values) string {
	t.Helper()
	res := c.PostForm("/practices/new", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create practice: %d\n%s", res.StatusCode, res.Body)
	}
	return res.Header.Get("Location")
}

// idOf is the practice id of a practice page's path "/practices/12".
func idOf(t *testing.T, path string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(path, "/practices/"), 10, 64)
	if err != nil {
		t.Fatalf("%q is not a practice page by id", path)
	}
	return id
}

// publishChange publishes a change of the practice's fields through its edit form.
func publishChange(t *testing.T, c *apptest.Client, page string, over url.Values) {
	t.Helper()
	edit := c.Get(page + "/edit")
	if edit.StatusCode != http.StatusOK {
		t.Fatalf("edit form: %d", edit.StatusCode)
	}
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(edit.Body)
	if m == nil {
		t.Fatal("the edit form carries no version")
	}
	over.Set("version", m[1])
	if res := c.PostForm(page+"/edit", practiceForm(over)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish change: %d\n%s", res.StatusCode, res.Body)
	}
}

func adminCtx() context.Context {
	return citypact.WithActor(context.Background(), citypact.Actor{UserID: 1, Name: "test", Role: citypact.RoleAdmin})
}

// A practice is born a draft that only its organisation sees, becomes public when published,
// and only its own editors change it.
func TestPracticeLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		editor := signedIn(t, h, h.Editor, "")
		page := createPractice(t, editor, practiceForm(url.Values{"action": {"save"}}))
		visitor, member, other := h.Client(t), signedIn(t, h, h.Member, ""), signedIn(t, h, h.Other, "")

		for _, tt := range []struct {
			who  string
			c    *apptest.Client
			want int
		}{
			{"visitor", visitor, http.StatusNotFound},
			{"Taipei's editor", other, http.StatusNotFound},
			{"Seoul's member", member, http.StatusOK},
			{"Seoul's editor", editor, http.StatusOK},
		} {
			if res := tt.c.Get(page); res.StatusCode != tt.want {
				t.Errorf("draft seen by %s: %d, want %d", tt.who, res.StatusCode, tt.want)
			}
		}
		if strings.Contains(visitor.Get("/library").Body, "Drive-through screening stations") {
			t.Error("the library lists a draft to visitors")
		}
		if !strings.Contains(editor.Get("/library").Body, `id="library-drafts"`) {
			t.Error("the library does not list the editor's drafts")
		}

		// Publishing from the practice's page makes it public.
		if res := editor.PostForm(page+"/publish", url.Values{"note": {"Ready"}, "version": {"0"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d\n%s", res.StatusCode, res.Body)
		}
		res := visitor.Get(page)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "<h1>Drive-through screening stations</h1>") {
			t.Fatalf("published practice for visitors: %d", res.StatusCode)
		}
		if !strings.Contains(visitor.Get("/library").Body, `href="`+page+`"`) {
			t.Error("the library does not list the published practice")
		}
		if strings.Contains(res.Body, `action="`+page+`/edit"`) || strings.Contains(res.Body, "/attachments?practice=") {
			t.Error("a visitor is offered the editor's forms")
		}

		// Editors of another city and members cannot change it.
		for _, tt := range []struct {
			who  string
			c    *apptest.Client
			req  func(c *apptest.Client) *apptest.Response
			want int
		}{
			{"Taipei's editor opens the form", other, func(c *apptest.Client) *apptest.Response { return c.Get(page + "/edit") }, http.StatusForbidden},
			{"Taipei's editor posts", other, func(c *apptest.Client) *apptest.Response {
				return c.PostForm(page+"/edit", practiceForm(url.Values{"title": {"Hijacked"}, "version": {"1"}}))
			}, http.StatusForbidden},
			{"Taipei's editor retires", other, func(c *apptest.Client) *apptest.Response {
				return c.PostForm(page+"/status", url.Values{"status": {"retired"}})
			}, http.StatusForbidden},
			{"Seoul's member opens the form", member, func(c *apptest.Client) *apptest.Response { return c.Get(page + "/edit") }, http.StatusForbidden},
		} {
			if res := tt.req(tt.c); res.StatusCode != tt.want {
				t.Errorf("%s: %d, want %d", tt.who, res.StatusCode, tt.want)
			}
		}
		if !strings.Contains(visitor.Get(page).Body, "Drive-through screening stations") {
			t.Error("the practice changed after refused edits")
		}

		// An editor publishing over a version someone else published meanwhile is stopped, and
		// keeps what they typed.
		publishChange(t, editor, page, url.Values{"summary": {"Second edition."}})
		res = editor.PostForm(page+"/edit", practiceForm(url.Values{"summary": {"My stale edit."}, "version": {"1"}}))
		if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, i18n.For(i18n.EN).T("practice.stale")) || !strings.Contains(res.Body, "My stale edit.") {
			t.Errorf("stale publish: %d", res.StatusCode)
		}
		if strings.Contains(visitor.Get(page).Body, "My stale edit.") {
			t.Error("a stale edit was published")
		}

		// Retired, it stays readable and says so.
		if res := editor.PostForm(page+"/status", url.Values{"status": {"retired"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("retire: %d", res.StatusCode)
		}
		if res := visitor.Get(page); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "badge-status--retired") {
			t.Errorf("retired practice: %d", res.StatusCode)
		}
	})
}

// A publishing error keeps what the editor typed and names each field in the reader's language.
func TestPracticeFormErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		editor := signedIn(t, h, h.Editor, "ko")
		res := editor.PostForm("/practices/new", practiceForm(url.Values{"category": {""}, "sdg_targets": {"3.d, 99.9"}, "period_from": {"2020-05-01"}, "period_to": {"2020-04-01"}}))
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", res.StatusCode)
		}
		ko := i18n.For(i18n.KO)
		for _, want := range []string{ko.T("field.required"), ko.T("practice.sdg_invalid", "code", "99.9"), ko.T("date.before_since"),
			`value="Drive-through screening stations"`, `href="#f-category"`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("the form lacks %q", want)
			}
		}
		if list, _ := h.App.DB.Practices(adminCtx(), practice.Filter{Status: practice.Draft}); len(list) != 0 {
			t.Errorf("a refused form stored %d practices", len(list))
		}
	})
}

// A translation is shown to readers of its language with a link to the original, and says it is
// outdated once the original has a newer version. A practice the translator cannot see does not
// exist for them.
func TestPracticeTranslation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		editor := signedIn(t, h, h.Editor, "")
		page := createPractice(t, editor, practiceForm(nil))

		translator := signedIn(t, h, h.Other, "zh-TW")
		form := translator.Get(page + "/translations/new?lang=zh-TW")
		if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `value="zh-TW"`) {
			t.Fatalf("translation form: %d", form.StatusCode)
		}
		res := translator.PostForm(page+"/translations", url.Values{"lang": {"zh-TW"}, "version": {"1"},
			"title": {"得來速篩檢站"}, "summary": {"民眾不需下車即可在十分鐘內完成採檢。"}, "body": {"車輛依序通過四個關卡：登記、問診、採檢及說明。"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save translation: %d\n%s", res.StatusCode, res.Body)
		}

		reader := h.Client(t)
		reader.Header = http.Header{"Accept-Language": {"zh-TW"}}
		zh := i18n.For(i18n.ZHTW)
		body := reader.Get(page).Body
		for _, want := range []string{"<h1>得來速篩檢站</h1>", `href="` + page + `?lang=en"`, zh.T("practice.read_original")} {
			if !strings.Contains(body, want) {
				t.Errorf("translated page lacks %q", want)
			}
		}
		if strings.Contains(body, "translation_outdated") || strings.Contains(body, "原文現為第") {
			t.Error("a current translation is called outdated")
		}
		// The original stays one click away, in English.
		if orig := reader.Get(page + "?lang=en").Body; !strings.Contains(orig, "Drive-through screening stations</h1>") {
			t.Error("?lang=en does not show the original")
		}

		// A new version of the text makes the translation outdated.
		publishChange(t, editor, page, url.Values{"body": {"Cars queue through five booths now."}, "note": {"A fifth booth"}})
		body = reader.Get(page).Body
		if want := zh.T("practice.translation_outdated", "version", "1", "current", "2"); !strings.Contains(body, want) {
			t.Errorf("outdated translation: the page lacks %q", want)
		}
		// A reader of a language without a translation gets the original and a note.
		ja := h.Client(t)
		ja.Header = http.Header{"Accept-Language": {"ja"}}
		if body := ja.Get(page).Body; !strings.Contains(body, i18n.For(i18n.JA).T("practice.no_translation", "lang", "日本語", "original", "英語")) {
			t.Error("no note that the Japanese translation is missing")
		}

		// Translating a practice one cannot see: not found.
		private := createPractice(t, editor, practiceForm(url.Values{"title": {"Internal roster"}, "visibility": {"org"}}))
		if res := translator.Get(private + "/translations/new?lang=zh-TW"); res.StatusCode != http.StatusNotFound {
			t.Errorf("translation form of an invisible practice: %d", res.StatusCode)
		}
		if res := translator.PostForm(private+"/translations", url.Values{"lang": {"zh-TW"}, "version": {"1"}, "title": {"x"}, "body": {"y"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("translating an invisible practice: %d", res.StatusCode)
		}
	})
}

// The diff page shows what a version changed, word by word, and tells screen readers where
// insertions and deletions start and end. Versions of different practices are refused.
func TestPracticeDiff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		editor := signedIn(t, h, h.Editor, "")
		// By its short name: every page of a practice answers to it as to its number.
		page := createPractice(t, editor, practiceForm(url.Values{"body": {"Cars queue through four booths."}, "slug": {"drive-through"}}))
		if page != "/practices/drive-through" {
			t.Fatalf("created at %s", page)
		}
		publishChange(t, editor, page, url.Values{"body": {"Cars queue through five booths."}, "note": {"A fifth booth"}, "slug": {"drive-through"}})
		other := createPractice(t, editor, practiceForm(url.Values{"title": {"Another practice"}}))

		en := i18n.For(i18n.EN)
		visitor := h.Client(t)
		if v := visitor.Get(page + "/versions"); v.StatusCode != http.StatusOK || !strings.Contains(v.Body, "A fifth booth") || !strings.Contains(v.Body, `/diff?from=1&amp;to=2`) {
			t.Fatalf("versions page: %d\n%s", v.StatusCode, v.Body)
		}
		res := visitor.Get(page + "/diff?from=1&to=2")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("diff: %d", res.StatusCode)
		}
		for _, want := range []string{
			`<del><span class="visually-hidden">` + en.T("diff.deleted_start") + ` </span>four<span class="visually-hidden"> ` + en.T("diff.deleted_end") + `</span></del>`,
			`<ins><span class="visually-hidden">` + en.T("diff.inserted_start") + ` </span>five<span class="visually-hidden"> ` + en.T("diff.inserted_end") + `</span></ins>`,
		} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("the diff lacks %s", want)
			}
		}
		for _, q := range []string{"from=1&to=2&to_practice=" + strconv.FormatInt(idOf(t, other), 10), "from=1&to=2&to_practice=999999"} {
			res := visitor.Get(page + "/diff?" + q)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, en.T("practice.diff_other_practice")) {
				t.Errorf("%s: %d, want 422 saying %q", q, res.StatusCode, en.T("practice.diff_other_practice"))
			}
		}
		if res := visitor.Get(page + "/diff?from=1&to=7"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("diff with a version that does not exist: %d", res.StatusCode)
		}
	})
}

// samplePDF is a small, well-formed PDF.
var samplePDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
	"trailer << /Root 1 0 R >>\n%%EOF\n")

// Attachments are checked by their content: a PDF is kept and given back byte for byte as a
// download; SVG or HTML under an image's name is refused in the reader's language, and nothing is
// stored.
func TestPracticeAttachments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		editor := signedIn(t, h, h.Editor, "ko")
		page := createPractice(t, editor, practiceForm(url.Values{"visibility": {"partners"}}))
		id := idOf(t, page)
		upload := "/attachments?practice=" + strconv.FormatInt(id, 10)
		ko := i18n.For(i18n.KO)
		stored := func() []practice.Attachment {
			t.Helper()
			list, err := h.App.DB.Attachments(adminCtx(), id)
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		for _, tt := range []struct {
			name    string
			content []byte
		}{
			{"chart.png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`)},
			{"photo.jpg", []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")},
		} {
			res := editor.PostFile(upload, "file", tt.name, tt.content, nil)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", tt.name, res.StatusCode)
			}
			if !strings.Contains(res.Body, `id="f-file-error"`) || !strings.Contains(res.Body, ko.T("form.error_summary")) || !strings.Contains(res.Body, "첨부할 수 없습니다") {
				t.Errorf("%s: no field error in Korean", tt.name)
			}
			if n := len(stored()); n != 0 {
				t.Fatalf("%s: %d attachments stored", tt.name, n)
			}
		}

		res := editor.PostFile(upload, "file", "보고서 2020.pdf", samplePDF, nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("PDF upload: %d\n%s", res.StatusCode, res.Body)
		}
		list := stored()
		if len(list) != 1 || list[0].Type != practice.TypePDF {
			t.Fatalf("stored %+v", list)
		}
		href := "/attachments/" + strconv.FormatInt(list[0].ID, 10)
		if !strings.Contains(editor.Get(page).Body, `href="`+href+`"`) {
			t.Error("the practice's page does not link its file")
		}
		dl := editor.Get(href)
		if dl.StatusCode != http.StatusOK || !bytes.Equal([]byte(dl.Body), samplePDF) {
			t.Fatalf("download: %d, %d bytes", dl.StatusCode, len(dl.Body))
		}
		for header, want := range map[string]string{
			"Content-Type":            "application/pdf",
			"Content-Disposition":     `attachment; filename="___ 2020.pdf"; filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C%202020.pdf`,
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "sandbox",
		} {
			if got := dl.Header.Get(header); !strings.Contains(got, want) {
				t.Errorf("%s: %q, want %q", header, got, want)
			}
		}
		// The file is as visible as its practice: partners only.
		if res := h.Client(t).Get(href); res.StatusCode != http.StatusNotFound {
			t.Errorf("visitor download of a partners-only file: %d", res.StatusCode)
		}
		// Taipei's editor may not attach to Seoul's practice (it does not even see it).
		if res := signedIn(t, h, h.Other, "").PostFile(upload, "file", "x.pdf", samplePDF, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("Taipei's editor uploading: %d", res.StatusCode)
		}
		if n := len(stored()); n != 1 {
			t.Errorf("%d attachments after refused uploads", n)
		}
	})
}

// Markdown is rendered and sanitised: script and javascript: links never become markup.
func TestPracticeMarkdownIsInert(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		editor := signedIn(t, h, h.Editor, "")
		page := createPractice(t, editor, practiceForm(url.Values{"body": {
			"Steps:\n\n<script>alert('x')</script>\n\n[Click me](javascript:alert(document.cookie)) and <img src=x onerror=alert(1)>\n\n**Bold** stays."}}))
		body := h.Client(t).Get(page).Body
		// The HTML is shown as the text it is: escaped, never an element or an attribute.
		for _, bad := range []string{"<script>alert", "javascript:", "<img", ` onerror="`} {
			if strings.Contains(body, bad) {
				t.Errorf("the page holds %q", bad)
			}
		}
		if !strings.Contains(body, "<strong>Bold</strong>") || !strings.Contains(body, "&lt;script&gt;") || !strings.Contains(body, "Click me") {
			t.Error("the Markdown was not rendered, or the HTML not shown as text")
		}
	})
}

// A Korean search finds a Korean practice and marks the words it matched.
func TestLibrarySearchKorean(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		editor := signedIn(t, h, h.Editor, "")
		createPractice(t, editor, practiceForm(url.Values{"lang": {"ko"}, "title": {"드라이브스루 선별진료소 운영"},
			"summary": {"차에서 내리지 않고 10분 안에 검체를 채취하는 선별진료소입니다."},
			"body":    {"자동차 이용 선별진료소(드라이브스루)는 접수, 진찰, 검체 채취, 안내의 네 단계로 운영합니다."}}))
		createPractice(t, editor, practiceForm(url.Values{"lang": {"ko"}, "title": {"재난문자 발송 기준"},
			"summary": {"확진자 동선 공개 원칙"}, "body": {"재난문자는 오후 9시 이후 발송하지 않습니다."}}))

		for _, lang := range []string{"en", "ko"} {
			c := h.Client(t)
			c.Header = http.Header{"Accept-Language": {lang}}
			res := c.Get("/library?q=" + url.QueryEscape("선별진료소"))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: search: %d", lang, res.StatusCode)
			}
			if !strings.Contains(res.Body, "드라이브스루 선별진료소 운영") || !strings.Contains(res.Body, "<mark>선별진료소</mark>") {
				t.Errorf("%s: the Korean practice is not found with a highlighted snippet", lang)
			}
			if strings.Contains(res.Body, "재난문자 발송 기준") {
				t.Errorf("%s: a practice without the word was found", lang)
			}
			if lang == "en" && !strings.Contains(res.Body, `lang="ko"`) {
				t.Error("the Korean result is not marked as Korean on an English page")
			}
		}
		// Filters stay in the URL and narrow the search.
		if res := h.Client(t).Get("/library?q=" + url.QueryEscape("선별진료소") + "&category=vaccination"); strings.Contains(res.Body, "드라이브스루 선별진료소 운영") {
			t.Error("the category filter was ignored")
		}
		if res := h.Client(t).Get("/library?q=%21%21%21"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a query with nothing to search for: %d", res.StatusCode)
		}
	})
}

// A follower who opens a practice changed since they last read it is told so, with the diff.
func TestPracticeChangedSinceLastRead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		editor := signedIn(t, h, h.Editor, "")
		page := createPractice(t, editor, practiceForm(nil))
		reader := signedIn(t, h, h.Other, "")
		if res := reader.PostForm(page+"/follow", url.Values{"on": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("follow: %d", res.StatusCode)
		}
		en := i18n.For(i18n.EN)
		if body := reader.Get(page).Body; !strings.Contains(body, en.T("practice.unfollow")) || strings.Contains(body, en.T("practice.see_changes")) {
			t.Fatal("after following: no unfollow button, or a change announced too early")
		}
		publishChange(t, editor, page, url.Values{"summary": {"Testing people in their cars in five minutes."}})
		body := reader.Get(page).Body
		if !strings.Contains(body, en.T("practice.changed_since", "version", "1")) || !strings.Contains(body, "/diff?from=1&amp;to=2") {
			t.Error("the follower is not told the practice changed")
		}
		if strings.Contains(reader.Get(page).Body, en.T("practice.see_changes")) {
			t.Error("the change is announced again after it was read")
		}
	})
}

// A handbook shared with Taipei lets Taipei read Seoul's own practice in it; the owner sees that
// Taipei opened it; visitors do not see it at all.
func TestHandbookSharing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		editor := signedIn(t, h, h.Editor, "")
		page := createPractice(t, editor, practiceForm(url.Values{"title": {"Seoul's internal SOP"}, "visibility": {"org"}}))
		taipei := signedIn(t, h, h.Other, "")
		if res := taipei.Get(page); res.StatusCode != http.StatusNotFound {
			t.Fatalf("Taipei sees an org-only practice: %d", res.StatusCode)
		}
		res := editor.PostForm("/handbooks/new", url.Values{"title": {"Screening handbook"}, "items": {strings.TrimPrefix(page, "/practices/") + " Seoul's internal SOP"},
			"shared_with": {"taipei"}, "visibility": {"org"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create handbook: %d\n%s", res.StatusCode, res.Body)
		}
		hb := res.Header.Get("Location")
		if res := h.Client(t).Get(hb); res.StatusCode != http.StatusNotFound {
			t.Errorf("visitor: %d", res.StatusCode)
		}
		body := taipei.Get(hb).Body
		if !strings.Contains(body, "Seoul&#39;s internal SOP") || !strings.Contains(body, `class="handbook-item"`) {
			t.Fatalf("Taipei does not read the shared practice in the handbook")
		}
		if strings.Contains(body, "handbook-opens") {
			t.Error("Taipei sees who opened the handbook")
		}
		owner := editor.Get(hb).Body
		if !strings.Contains(owner, `id="handbook-opens"`) || !strings.Contains(owner, `href="/orgs/taipei"`) {
			t.Error("the owner does not see that Taipei opened the handbook")
		}
		if res := taipei.Get(hb + "/edit"); res.StatusCode != http.StatusForbidden {
			t.Errorf("Taipei edits Seoul's handbook: %d", res.StatusCode)
		}
	})
}

// Every library page renders in each language: right lang, one h1, no missing message, unique
// ids, and every label pointing at a control.
func TestPracticePagesInEveryLanguage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		editor := signedIn(t, h, h.Editor, "")
		facts := url.Values{"sdg_targets": {"3.d, 17.16"}, "period_from": {"2020-02-26"}}
		page := createPractice(t, editor, practiceForm(facts))
		// A Korean translation of version 1, outdated by version 2.
		if res := signedIn(t, h, h.Other, "").PostForm(page+"/translations", url.Values{"lang": {"ko"}, "version": {"1"},
			"title": {"드라이브스루 선별진료소"}, "body": {"차량이 네 개의 부스를 통과합니다."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("translation: %d", res.StatusCode)
		}
		facts.Set("body", "Cars queue through five booths.")
		publishChange(t, editor, page, facts)
		if res := editor.PostFile("/attachments?practice="+strconv.FormatInt(idOf(t, page), 10), "file", "guide.pdf", samplePDF, nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d", res.StatusCode)
		}
		draft := createPractice(t, editor, practiceForm(url.Values{"title": {"Draft"}, "action": {"save"}}))
		res := editor.PostForm("/handbooks/new", url.Values{"title": {"Handbook"}, "items": {strings.TrimPrefix(page, "/practices/")}, "visibility": {"public"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("handbook: %d\n%s", res.StatusCode, res.Body)
		}
		hb := res.Header.Get("Location")
		ids := regexp.MustCompile(` id="([^"]+)"`)
		labels := regexp.MustCompile(`<label[^>]* for="([^"]+)"`)
		for _, lang := range i18n.Langs {
			c := signedIn(t, h, h.Editor, string(lang))
			for _, path := range []string{"/library", "/library?q=drive&category=screening-testing&from=2020-01-01", "/library?q=%21%21", page, draft,
				"/practices/new", page + "/edit", draft + "/edit", page + "/versions", page + "/diff?from=1&to=2",
				page + "/translations/new?lang=ko", "/handbooks/new", hb, hb + "/edit"} {
				res := c.Get(path)
				body := res.Body
				if res.StatusCode != http.StatusOK && !(path == "/library?q=%21%21" && res.StatusCode == http.StatusBadRequest) {
					t.Errorf("%s %s: %d", lang, path, res.StatusCode)
					continue
				}
				if !strings.Contains(body, `<html lang="`+lang.HTMLLang()+`"`) || strings.Count(body, "<h1") != 1 {
					t.Errorf("%s %s: wrong lang or not one h1", lang, path)
				}
				if i := strings.Index(body, "⟦"); i >= 0 {
					t.Errorf("%s %s: missing message %s", lang, path, body[i:min(len(body), i+60)])
				}
				seen := map[string]bool{}
				for _, m := range ids.FindAllStringSubmatch(body, -1) {
					if seen[m[1]] {
						t.Errorf("%s %s: duplicate id %q", lang, path, m[1])
					}
					seen[m[1]] = true
				}
				for _, m := range labels.FindAllStringSubmatch(body, -1) {
					if !seen[m[1]] {
						t.Errorf("%s %s: label for %q has no control", lang, path, m[1])
					}
				}
			}
		}
	})
}
