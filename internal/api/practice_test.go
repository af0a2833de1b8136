package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/api"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
)

type obj = map[string]any

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// call sends one JSON request with a token, outside the document checks: for setting a scene.
func call(t *testing.T, c *apptest.Client, method, path, token string, body any) *apptest.Response {
	t.Helper()
	var r *http.Request
	if body != nil {
		r = c.Request(method, path, bytes.NewReader(mustJSON(t, body)))
		r.Header.Set("Content-Type", "application/json")
	} else {
		r = c.Request(method, path, nil)
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return c.Do(r)
}

// mustPractice creates a practice through the API with the token and, with publish, publishes it
// as version 1.
func mustPractice(t *testing.T, c *apptest.Client, token string, in obj, publish bool) api.Practice {
	t.Helper()
	res := call(t, c, "POST", "/api/v1/practices", token, in)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create %v: %d\n%s", in["title"], res.StatusCode, res.Body)
	}
	p := decode[api.Practice](t, res)
	if !publish {
		return p
	}
	res = call(t, c, "POST", fmt.Sprintf("/api/v1/practices/%d/publish", p.ID), token, obj{"version": 0})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("publish %v: %d\n%s", in["title"], res.StatusCode, res.Body)
	}
	return decode[api.Practice](t, res)
}

func practiceIDs(t *testing.T, res *apptest.Response) []int64 {
	t.Helper()
	var ids []int64
	for _, p := range decode[api.List[api.PracticeItem]](t, res).Items {
		ids = append(ids, p.ID)
	}
	return ids
}

func wantIDs(want ...int64) func(*testing.T, *apptest.Response) {
	return func(t *testing.T, res *apptest.Response) {
		t.Helper()
		if got := practiceIDs(t, res); !slices.Equal(got, want) {
			t.Errorf("practices %v, want %v", got, want)
		}
	}
}

func wantProblemType(suffix string) func(*testing.T, *apptest.Response) {
	return func(t *testing.T, res *apptest.Response) {
		t.Helper()
		if p := decode[api.Problem](t, res); !strings.HasSuffix(p.Type, suffix) {
			t.Errorf("problem type %q, want one ending in %q", p.Type, suffix)
		}
	}
}

// TestPracticeWriteAPI follows a practice from draft to its second version through the API, each
// request and answer validated against openapi.json: who may create, read, save, publish and
// translate it (the route's role and scope, then the domain's rules on this practice), what a
// stale or invalid request gets, and what the versions and translations say afterwards.
func TestPracticeWriteAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		hub := apptest.Start(t, dsn)
		router := casesRouter(t, hub)
		editorW := hub.Token(t, hub.Editor, citypact.ScopeWrite) // Seoul's
		editorR := hub.Token(t, hub.Editor, citypact.ScopeRead)
		memberW := hub.Token(t, hub.Member, citypact.ScopeWrite)
		memberR := hub.Token(t, hub.Member, citypact.ScopeRead)
		otherW := hub.Token(t, hub.Other, citypact.ScopeWrite) // Taipei's editor
		adminW := hub.Token(t, hub.Admin, citypact.ScopeWrite)
		const js = "application/json"
		draft := obj{"title": "  QR check-in at venues ", "lang": "en", "summary": "Visitors scan a code.", "category": "contact-tracing",
			"body": "## How\n\nEvery venue shows a QR code at its entrance.", "tags": []string{"Pilot", "QR", "pilot"},
			"sdg_targets": []string{"3.d"}, "visibility": "public", "period_from": "2020-06-10"}
		var p api.Practice // the draft, once created
		runCases(t, hub, router, []apiCase{
			{name: "create a draft", method: "POST", path: "/api/v1/practices", token: editorW, ctype: js, body: mustJSON(t, draft), conforms: true, status: 201,
				check: func(t *testing.T, res *apptest.Response) {
					p = decode[api.Practice](t, res)
					if p.ID == 0 || p.Status != "draft" || p.Version != 0 || p.Owner.Slug != "seoul" || p.Title != "QR check-in at venues" ||
						!slices.Equal(p.Tags, []string{"pilot", "qr"}) || p.PeriodFrom != "2020-06-10" || p.Visibility != "public" || p.PublishedAt != nil {
						t.Errorf("created %+v", p)
					}
					if got, want := res.Header.Get("Location"), "/api/v1/practices/"+strconv.FormatInt(p.ID, 10); got != want {
						t.Errorf("Location %q, want %q", got, want)
					}
					if p.URL != "/practices/"+strconv.FormatInt(p.ID, 10) {
						t.Errorf("url %q", p.URL)
					}
				}},
			{name: "create with a read token", method: "POST", path: "/api/v1/practices", token: editorR, ctype: js, body: mustJSON(t, draft), conforms: true, status: 403,
				check: wantProblemType("/token_scope")},
			{name: "create as a member", method: "POST", path: "/api/v1/practices", token: memberW, ctype: js, body: mustJSON(t, draft), conforms: true, status: 403},
			{name: "create without a token", method: "POST", path: "/api/v1/practices", ctype: js, body: mustJSON(t, draft), conforms: false, status: 401},
			{name: "create for another city", method: "POST", path: "/api/v1/practices", token: otherW, ctype: js,
				body: mustJSON(t, obj{"title": "Not yours", "lang": "en", "owner": "seoul"}), conforms: true, status: 403},
			{name: "create for an unknown owner", method: "POST", path: "/api/v1/practices", token: adminW, ctype: js,
				body: mustJSON(t, obj{"title": "Whose?", "lang": "en", "owner": "atlantis"}), conforms: true, status: 422, check: wantFieldErrors("owner", "org.unknown")},
			{name: "create, invalid fields", method: "POST", path: "/api/v1/practices", token: editorW, ctype: js,
				body: mustJSON(t, obj{"title": "", "lang": "english!", "visibility": "everyone", "period_from": "2020-13-01"}), conforms: false, status: 422,
				check: wantFieldErrors("period_from", "date.invalid", "visibility", "practice.visibility_invalid", "title", "field.required", "lang", "practice.lang_invalid")},
			{name: "create, unknown category", method: "POST", path: "/api/v1/practices", token: editorW, ctype: js,
				body: mustJSON(t, obj{"title": "X", "lang": "en", "category": "astrology"}), conforms: true, status: 422, check: wantFieldErrors("category", "practice.category_unknown")},
			{name: "create, unknown field", method: "POST", path: "/api/v1/practices", token: editorW, ctype: js,
				body: mustJSON(t, obj{"title": "X", "lang": "en", "status": "published"}), conforms: false, status: 400},
		})
		if p.ID == 0 {
			t.Fatal("no draft")
		}
		path := "/api/v1/practices/" + strconv.FormatInt(p.ID, 10)
		edited := obj{"title": "QR check-in at venues and taxis", "lang": "en", "summary": "Visitors and passengers scan a code.", "category": "contact-tracing",
			"body": "## How\n\nEvery venue and taxi shows a QR code.", "tags": []string{"pilot", "qr"}, "sdg_targets": []string{"3.d"}, "visibility": "public"}
		runCases(t, hub, router, []apiCase{
			{name: "the draft, to its owner's member", method: "GET", path: path, token: memberR, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if got := decode[api.Practice](t, res); got.Body != p.Body || got.Status != "draft" {
						t.Errorf("draft %+v", got)
					}
				}},
			{name: "the draft, to a visitor", method: "GET", path: path, conforms: true, status: 404},
			{name: "the draft, to another city", method: "GET", path: path, token: otherW, conforms: true, status: 404},
			{name: "save the draft", method: "PUT", path: path, token: editorW, ctype: js, body: mustJSON(t, edited), conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if got := decode[api.Practice](t, res); got.Title != "QR check-in at venues and taxis" || got.Status != "draft" || got.Version != 0 || got.PeriodFrom != "" {
						t.Errorf("saved %+v (a field left out is cleared)", got)
					}
				}},
			{name: "save the draft of another city", method: "PUT", path: path, token: otherW, ctype: js, body: mustJSON(t, edited), conforms: true, status: 404},
			{name: "save, naming another owner", method: "PUT", path: path, token: editorW, ctype: js,
				body: mustJSON(t, obj{"title": "Moved", "lang": "en", "owner": "taipei"}), conforms: true, status: 422, check: wantFieldErrors("owner", "field.invalid")},
			{name: "translate a draft", method: "PUT", path: path + "/translations/ko", token: memberW, ctype: js,
				body: mustJSON(t, obj{"title": "QR 출입명부", "body": "방문자는 QR 코드를 스캔합니다."}), conforms: true, status: 409, check: wantProblemType("/practice.not_published")},
			{name: "publish without a version", method: "POST", path: path + "/publish", token: editorW, ctype: js, body: []byte(`{"note": "First."}`), conforms: false, status: 422,
				check: wantFieldErrors("version", "field.required")},
			{name: "publish for another city", method: "POST", path: path + "/publish", token: otherW, ctype: js, body: []byte(`{"version": 0}`), conforms: true, status: 404},
			{name: "publish with a read token", method: "POST", path: path + "/publish", token: editorR, ctype: js, body: []byte(`{"version": 0}`), conforms: true, status: 403},
			{name: "publish the draft", method: "POST", path: path + "/publish", token: editorW, ctype: js, body: []byte(`{"version": 0, "note": "First."}`), conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if got := decode[api.Practice](t, res); got.Status != "published" || got.Version != 1 || got.PublishedAt == nil || got.Title != "QR check-in at venues and taxis" {
						t.Errorf("published %+v", got)
					}
				}},
			{name: "published, to a visitor", method: "GET", path: path, conforms: true, status: 200},
			{name: "published, by its slug-less id to another city", method: "GET", path: path, token: otherW, conforms: true, status: 200},
			{name: "another city may not save it", method: "PUT", path: path, token: otherW, ctype: js, body: mustJSON(t, edited), conforms: true, status: 403},
			{name: "another city may not publish it", method: "POST", path: path + "/publish", token: otherW, ctype: js, body: []byte(`{"version": 1}`), conforms: true, status: 403},
			{name: "a published practice is not saved in place", method: "PUT", path: path, token: editorW, ctype: js, body: mustJSON(t, edited), conforms: true, status: 409,
				check: wantProblemType("/practice.not_draft")},
			{name: "translate it", method: "PUT", path: path + "/translations/ko", token: memberW, ctype: js,
				body: mustJSON(t, obj{"title": "QR 출입명부", "summary": "방문자가 코드를 스캔합니다.", "body": "방문자는 QR 코드를 스캔합니다."}), conforms: true, status: 201,
				check: func(t *testing.T, res *apptest.Response) {
					tr := decode[api.Translation](t, res)
					if tr.Lang != "ko" || tr.Version != 1 || tr.Outdated || res.Header.Get("Location") != path+"/translations/ko" {
						t.Errorf("translation %+v at %q", tr, res.Header.Get("Location"))
					}
				}},
			{name: "its translator updates it", method: "PUT", path: path + "/translations/ko", token: memberW, ctype: js,
				body: mustJSON(t, obj{"title": "QR 전자출입명부", "body": "방문자는 QR 코드를 스캔합니다."}), conforms: true, status: 200},
			{name: "another city's editor may not replace it", method: "PUT", path: path + "/translations/ko", token: otherW, ctype: js,
				body: mustJSON(t, obj{"title": "QR", "body": "QR"}), conforms: true, status: 403},
			{name: "but may add their own", method: "PUT", path: path + "/translations/zh-tw", token: otherW, ctype: js,
				body: mustJSON(t, obj{"title": "QR 實聯制", "body": "訪客掃描 QR 碼。"}), conforms: true, status: 201,
				check: func(t *testing.T, res *apptest.Response) {
					if tr := decode[api.Translation](t, res); tr.Lang != "zh-TW" {
						t.Errorf("lang %q, want the canonical zh-TW", tr.Lang)
					}
				}},
			{name: "a translation into the original's language", method: "PUT", path: path + "/translations/en-GB", token: memberW, ctype: js,
				body: mustJSON(t, obj{"title": "QR", "body": "QR"}), conforms: true, status: 422, check: wantFieldErrors("lang", "practice.translation_same_lang")},
			{name: "a translation of a version to come", method: "PUT", path: path + "/translations/ja", token: memberW, ctype: js,
				body: mustJSON(t, obj{"title": "QR", "body": "QR", "version": 2}), conforms: true, status: 422, check: wantFieldErrors("version", "practice.translation_version_invalid")},
			{name: "translate with a read token", method: "PUT", path: path + "/translations/ja", token: memberR, ctype: js,
				body: mustJSON(t, obj{"title": "QR", "body": "QR"}), conforms: true, status: 403},
			{name: "translate as a visitor", method: "PUT", path: path + "/translations/ja", ctype: js, body: mustJSON(t, obj{"title": "QR", "body": "QR"}), conforms: false, status: 401},

			{name: "publish a new text", method: "POST", path: path + "/publish", token: editorW, ctype: js,
				body: mustJSON(t, obj{"version": 1, "note": "Taxis too.", "practice": obj{"title": "QR check-in everywhere", "lang": "en", "category": "contact-tracing",
					"body": "## How\n\nVenues, taxis and buses show a QR code.", "tags": []string{"qr"}, "visibility": "public"}}), conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if got := decode[api.Practice](t, res); got.Version != 2 || got.Title != "QR check-in everywhere" || !slices.Equal(got.Tags, []string{"qr"}) {
						t.Errorf("second version %+v", got)
					}
				}},
			{name: "publish from a stale version", method: "POST", path: path + "/publish", token: editorW, ctype: js,
				body:     mustJSON(t, obj{"version": 1, "practice": obj{"title": "An older edit", "lang": "en", "category": "contact-tracing", "body": "Old.", "visibility": "public"}}),
				conforms: true, status: 409, check: wantProblemType("/practice.stale")},
			{name: "publish, invalid changes", method: "POST", path: path + "/publish", token: editorW, ctype: js,
				body:     mustJSON(t, obj{"version": 2, "practice": obj{"title": "No body", "lang": "en", "category": "contact-tracing", "visibility": "public"}}),
				conforms: true, status: 422, check: wantFieldErrors("body", "field.required")},

			{name: "versions", method: "GET", path: path + "/versions", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.Version]](t, res)
					if len(l.Items) != 2 || l.Items[0].Number != 2 || l.Items[1].Number != 1 || l.Items[0].Note != "Taxis too." ||
						l.Items[1].Title != "QR check-in at venues and taxis" {
						t.Errorf("versions %+v", l.Items)
					}
				}},
			{name: "version 1", method: "GET", path: path + "/versions/1", token: memberR, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if v := decode[api.Version](t, res); v.Number != 1 || v.Note != "First." || !strings.Contains(v.Body, "venue and taxi") {
						t.Errorf("version 1 %+v", v)
					}
				}},
			{name: "version 3", method: "GET", path: path + "/versions/3", conforms: true, status: 404},
			{name: "version x", method: "GET", path: path + "/versions/x", conforms: false, status: 404},
			{name: "translations", method: "GET", path: path + "/translations", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.Translation]](t, res)
					if len(l.Items) != 2 || l.Items[0].Lang != "ko" || l.Items[1].Lang != "zh-TW" || !l.Items[0].Outdated || l.Items[0].Version != 1 ||
						l.Items[0].Title != "QR 전자출입명부" {
						t.Errorf("translations %+v, want ko and zh-TW, outdated by version 2", l.Items)
					}
				}},
			{name: "no such practice", method: "GET", path: "/api/v1/practices/999999", conforms: true, status: 404},
			{name: "no such practice's versions", method: "GET", path: "/api/v1/practices/999999/versions", conforms: true, status: 404},
		})

		// The draft of another city stays invisible in every way the API offers.
		d := mustPractice(t, hub.Client(t), otherW, obj{"title": "Taipei's plan", "lang": "zh-TW"}, false)
		dpath := "/api/v1/practices/" + strconv.FormatInt(d.ID, 10)
		runCases(t, hub, router, []apiCase{
			{name: "another city's draft", method: "GET", path: dpath, token: editorW, conforms: true, status: 404},
			{name: "its versions", method: "GET", path: dpath + "/versions", token: editorW, conforms: true, status: 404},
			{name: "its translations", method: "GET", path: dpath + "/translations", token: editorW, conforms: true, status: 404},
			{name: "saving it", method: "PUT", path: dpath, token: editorW, ctype: js, body: mustJSON(t, obj{"title": "Mine now", "lang": "en"}), conforms: true, status: 404},
			{name: "an admin sees it", method: "GET", path: dpath, token: adminW, conforms: true, status: 200},
		})
	})
}

// TestPracticeListAPI reads the library as different tokens: what each may see, every filter, a
// ranked search that finds translations too, paging, and the CSV export.
func TestPracticeListAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		hub := apptest.Start(t, dsn)
		router := casesRouter(t, hub)
		c := hub.Client(t)
		editorW := hub.Token(t, hub.Editor, citypact.ScopeWrite)
		memberR := hub.Token(t, hub.Member, citypact.ScopeRead)
		memberW := hub.Token(t, hub.Member, citypact.ScopeWrite)
		otherW := hub.Token(t, hub.Other, citypact.ScopeWrite)
		qr := mustPractice(t, c, editorW, obj{"title": "QR check-in at venues", "lang": "en", "category": "contact-tracing", "summary": "Scan at the door.",
			"body": "Every venue shows a QR code at its entrance.", "tags": []string{"Pilot", "QR"}, "sdg_targets": []string{"3.d"}, "visibility": "public"}, true)
		draft := mustPractice(t, c, editorW, obj{"title": "QR plan for buses", "lang": "en", "category": "contact-tracing", "visibility": "public"}, false)
		roster := mustPractice(t, c, editorW, obj{"title": "Duty roster for QR teams", "lang": "en", "category": "governance-coordination",
			"body": "Internal.", "visibility": "org"}, true)
		vacc := mustPractice(t, c, otherW, obj{"title": "得來速疫苗接種", "lang": "zh-TW", "category": "vaccination", "body": "市民開車接種疫苗。",
			"tags": []string{"pilot"}, "visibility": "public"}, true)
		if res := call(t, c, "PUT", fmt.Sprintf("/api/v1/practices/%d/translations/ko", qr.ID), memberW,
			obj{"title": "QR 전자출입명부", "body": "모든 업소는 입구에 QR 코드를 게시합니다."}); res.StatusCode != http.StatusCreated {
			t.Fatalf("translate: %d\n%s", res.StatusCode, res.Body)
		}
		var cursor string
		const list = "/api/v1/practices"
		cs := []apiCase{
			{name: "as a visitor", method: "GET", path: list, conforms: true, status: 200, check: wantIDs(vacc.ID, qr.ID)},
			{name: "as the owner's member", method: "GET", path: list, token: memberR, conforms: true, status: 200, check: wantIDs(vacc.ID, roster.ID, qr.ID)},
			{name: "as another city", method: "GET", path: list, token: otherW, conforms: true, status: 200, check: wantIDs(vacc.ID, qr.ID)},
			{name: "the owner's drafts", method: "GET", path: list + "?status=draft", token: memberR, conforms: true, status: 200, check: wantIDs(draft.ID)},
			{name: "no drafts for a visitor", method: "GET", path: list + "?status=draft", conforms: true, status: 200, check: wantIDs()},
			{name: "by owner", method: "GET", path: list + "?owner=taipei", conforms: true, status: 200, check: wantIDs(vacc.ID)},
			{name: "by category", method: "GET", path: list + "?category=contact-tracing", conforms: true, status: 200, check: wantIDs(qr.ID)},
			{name: "by tag, in any case", method: "GET", path: list + "?tag=PILOT", conforms: true, status: 200, check: wantIDs(vacc.ID, qr.ID)},
			{name: "by SDG target", method: "GET", path: list + "?sdg=3.d", conforms: true, status: 200, check: wantIDs(qr.ID)},
			{name: "readable in Korean", method: "GET", path: list + "?lang=ko", conforms: true, status: 200, check: wantIDs(qr.ID)},
			{name: "a page", method: "GET", path: list + "?limit=1", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.PracticeItem]](t, res)
					if len(l.Items) != 1 || l.Items[0].ID != vacc.ID || l.NextCursor == "" {
						t.Fatalf("first page %+v", l)
					}
					if it := l.Items[0]; it.Owner.Slug != "taipei" || it.Lang != "zh-TW" || it.Version != 1 || it.Match != nil {
						t.Errorf("item %+v", it)
					}
					cursor = l.NextCursor
				}},
			{name: "the next page", method: "GET", path: list + "?limit=1&after=CURSOR", conforms: true, status: 200, check: wantIDs(qr.ID)},
			{name: "bad filters", method: "GET", path: list + "?owner=atlantis&category=astrology&sdg=18.1&status=retired", conforms: false, status: 422,
				check: wantFieldErrors("owner", "org.unknown", "category", "practice.category_unknown", "sdg", "practice.sdg_invalid", "status", "field.choice")},

			{name: "search", method: "GET", path: list + "?q=venue", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.PracticeItem]](t, res)
					if len(l.Items) != 1 || l.Items[0].ID != qr.ID || l.Items[0].Match == nil {
						t.Fatalf("search %+v", l.Items)
					}
					m := l.Items[0].Match
					hit := slices.ContainsFunc(m.Snippet, func(f api.SnippetFragment) bool { return f.Hit && strings.EqualFold(f.Text, "venue") })
					if m.Lang != "en" || m.Title != "QR check-in at venues" || !hit {
						t.Errorf("match %+v, want the original with venue marked", m)
					}
				}},
			{name: "search finds a translation", method: "GET", path: list + "?q=전자출입명부", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.PracticeItem]](t, res)
					if len(l.Items) != 1 || l.Items[0].ID != qr.ID || l.Items[0].Match == nil || l.Items[0].Match.Lang != "ko" || l.Items[0].Match.Title != "QR 전자출입명부" {
						t.Errorf("search %+v", l.Items)
					}
				}},
			{name: "search never shows what the reader may not see", method: "GET", path: list + "?q=QR", conforms: true, status: 200, check: wantIDs(qr.ID)},
			{name: "search as the owner", method: "GET", path: list + "?q=QR&limit=1", token: memberR, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.PracticeItem]](t, res)
					if len(l.Items) != 1 || l.NextCursor != "1" {
						t.Errorf("first hit %+v, cursor %q: want one hit and the cursor 1", l.Items, l.NextCursor)
					}
				}},
			{name: "search as the owner, second hit", method: "GET", path: list + "?q=QR&limit=1&after=1", token: memberR, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.PracticeItem]](t, res)
					if len(l.Items) != 1 || l.NextCursor != "" {
						t.Errorf("second hit %+v, cursor %q: want one and no cursor", l.Items, l.NextCursor)
					}
				}},
			{name: "search with filters", method: "GET", path: list + "?q=QR&tag=qr&category=contact-tracing", token: memberR, conforms: true, status: 200, check: wantIDs(qr.ID)},
			{name: "search for nothing", method: "GET", path: list + "?q=%21%21%21", conforms: true, status: 422, check: wantFieldErrors("q", "search.empty")},
			{name: "search among drafts", method: "GET", path: list + "?q=QR&status=draft", token: memberR, conforms: true, status: 422, check: wantFieldErrors("status", "field.invalid")},

			{name: "as CSV", method: "GET", path: list + ".csv", conforms: true, status: 200, resType: "text/csv",
				check: func(t *testing.T, res *apptest.Response) {
					body, ok := strings.CutPrefix(res.Body, "\uFEFF")
					if !ok {
						t.Error("no byte-order mark")
					}
					recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
					if err != nil {
						t.Fatalf("CSV: %v\n%s", err, res.Body)
					}
					want := [][]string{
						{"id", "title", "owner", "category", "status", "version", "published_at", "url"},
						{strconv.FormatInt(vacc.ID, 10), "得來速疫苗接種", "taipei", "vaccination", "published", "1", vacc.PublishedAt.Format("2006-01-02T15:04:05Z07:00"), vacc.URL},
						{strconv.FormatInt(qr.ID, 10), "QR check-in at venues", "seoul", "contact-tracing", "published", "1", qr.PublishedAt.Format("2006-01-02T15:04:05Z07:00"), qr.URL},
					}
					if len(recs) != len(want) {
						t.Fatalf("CSV rows %q, want %q", recs, want)
					}
					for i := range want {
						if !slices.Equal(recs[i], want[i]) {
							t.Errorf("CSV row %d %q, want %q", i, recs[i], want[i])
						}
					}
					if res.Header.Get("Content-Disposition") != `attachment; filename="practices.csv"` ||
						res.Header.Get("Link") != `</api/v1/practices>; rel="alternate"; type="application/json"` {
						t.Errorf("headers %v", res.Header)
					}
				}},
			{name: "as CSV, the owner's view, filtered", method: "GET", path: list + ".csv?owner=seoul", token: memberR, conforms: true, status: 200, resType: "text/csv",
				check: func(t *testing.T, res *apptest.Response) {
					recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF"))).ReadAll()
					if err != nil || len(recs) != 3 || recs[1][1] != "Duty roster for QR teams" || recs[2][0] != strconv.FormatInt(qr.ID, 10) {
						t.Errorf("CSV %q (%v)", recs, err)
					}
					if got := res.Header.Get("Link"); got != `</api/v1/practices?owner=seoul>; rel="alternate"; type="application/json"` {
						t.Errorf("Link %q", got)
					}
				}},
			{name: "as CSV, a search", method: "GET", path: list + ".csv?q=%EC%A0%84%EC%9E%90%EC%B6%9C%EC%9E%85%EB%AA%85%EB%B6%80", conforms: true, status: 200, resType: "text/csv",
				check: func(t *testing.T, res *apptest.Response) {
					recs, _ := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF"))).ReadAll()
					if len(recs) != 2 || recs[1][0] != strconv.FormatInt(qr.ID, 10) {
						t.Errorf("CSV %q", recs)
					}
				}},
			{name: "as CSV, a bad filter", method: "GET", path: list + ".csv?lang=english%21", conforms: true, status: 422, check: wantFieldErrors("lang", "practice.lang_invalid")},
		}
		for _, tc := range cs {
			if tc.check == nil {
				tc.check = func(*testing.T, *apptest.Response) {}
			}
			tc.path = strings.Replace(tc.path, "CURSOR", cursor, 1) // known once its case ran
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				exchange(t, c, hub, router, tc)
			})
		}
	})
}
