package app_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
)

// directoryHub is a hub whose Seoul and Taipei have names in several languages, countries and
// regions, with a network both belong to and a contact for Seoul.
type directoryHub struct {
	*apptest.Hub
	net directory.Organisation
}

func startDirectoryHub(t *testing.T, dsn string) directoryHub {
	t.Helper()
	h := apptest.Start(t, dsn)
	db := h.App.DB
	ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "test", Role: citypact.RoleAdmin})
	seoul, taipei := h.Seoul, h.Taipei
	seoul.Names = []directory.Name{{Lang: "ko", Text: "서울특별시", Original: true}, {Lang: "en", Text: "Seoul"}, {Lang: "ja", Text: "ソウル特別市"}}
	seoul.Country, seoul.Region, seoul.Population, seoul.PopulationYear = "KR", "asia-pacific", 9586195, 2023
	taipei.Names = []directory.Name{{Lang: "zh-TW", Text: "臺北市", Original: true}, {Lang: "en", Text: "Taipei"}, {Lang: "ja", Text: "台北市"}}
	taipei.Country, taipei.Region = "TW", "asia-pacific"
	for _, o := range []*directory.Organisation{&seoul, &taipei} {
		o.Normalize()
		if err := db.UpdateOrganisation(ctx, o); err != nil {
			t.Fatalf("update %s: %v", o.Slug, err)
		}
	}
	net := directory.Organisation{Slug: "citynet", Kind: directory.KindNetwork, Names: []directory.Name{{Lang: "en", Text: "CityNet", Original: true}}}
	net.Normalize()
	if err := db.CreateOrganisation(ctx, &net); err != nil {
		t.Fatal(err)
	}
	for _, m := range []directory.Membership{
		{NetworkID: net.ID, MemberID: seoul.ID, Role: directory.RoleFounding, Since: time.Date(1987, 9, 1, 0, 0, 0, 0, time.UTC)},
		{NetworkID: net.ID, MemberID: taipei.ID, Role: directory.RoleObserver},
	} {
		if err := db.AddMembership(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	c := directory.Contact{OrgID: seoul.ID, Name: "Kim Minji", Title: directory.TitleFocalInternational, Email: "minji.kim@seoul.example", Phone: "+82 2 120"}
	if err := db.AddContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	h.Seoul, h.Taipei = seoul, taipei
	return directoryHub{Hub: h, net: net}
}

// signedIn returns a client signed in as acc, reading pages in lang.
func (h directoryHub) signedIn(t *testing.T, acc apptest.Account, lang i18n.Lang) *apptest.Client {
	t.Helper()
	c := h.Client(t)
	c.SignIn(acc.Email, apptest.Password)
	if res := c.PostForm("/language", url.Values{"lang": {string(lang)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch language: %d", res.StatusCode)
	}
	return c
}

func (h directoryHub) org(t *testing.T, slug string) directory.Organisation {
	t.Helper()
	o, err := h.App.DB.OrganisationBySlug(t.Context(), slug)
	if err != nil {
		t.Fatalf("organisation %s: %v", slug, err)
	}
	return o
}

// seoulForm is the edit form for Seoul as a browser would send it, with changes applied.
func seoulForm(changes map[string]string) url.Values {
	v := url.Values{
		"name_lang_0": {"ko"}, "name_text_0": {"서울특별시"}, "original": {"0"},
		"name_lang_1": {"en"}, "name_text_1": {"Seoul"},
		"name_lang_2": {"ja"}, "name_text_2": {"ソウル特別市"},
		"name_lang_3": {"zh-TW"}, "name_text_3": {""},
		"country": {"KR"}, "region": {"asia-pacific"}, "population": {"9,586,195"}, "population_year": {"2023"},
		"website": {"https://www.seoul.go.kr"}, "description": {"Capital of **Korea**."},
	}
	for k, s := range changes {
		v.Set(k, s)
	}
	return v
}

func TestDirectoryPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startDirectoryHub(t, dsn)

		t.Run("search finds a name in any language", func(t *testing.T) {
			c := h.Client(t)
			for q, want := range map[string]string{"서울": "seoul", "ソウル": "seoul", "Seoul": "seoul", "臺北": "taipei", "台北": "taipei", "taipei": "taipei"} {
				res := c.Get("/directory?q=" + url.QueryEscape(q))
				other := map[string]string{"seoul": "taipei", "taipei": "seoul"}[want]
				if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `href="/orgs/`+want+`"`) || strings.Contains(res.Body, `href="/orgs/`+other+`"`) {
					t.Errorf("q=%s: status %d; want only %s", q, res.StatusCode, want)
				}
				if !strings.Contains(res.Body, `value="`+q+`"`) {
					t.Errorf("q=%s: the search box does not keep the query", q)
				}
			}
			res := c.Get("/directory?country=TW")
			if !strings.Contains(res.Body, `href="/orgs/taipei"`) || strings.Contains(res.Body, `href="/orgs/seoul"`) {
				t.Error("country filter: want Taipei only")
			}
			res = c.Get("/directory?network=citynet&kind=city")
			if !strings.Contains(res.Body, `href="/orgs/taipei"`) || !strings.Contains(res.Body, `href="/orgs/seoul"`) || strings.Contains(res.Body, `href="/orgs/citynet"`) {
				t.Error("network filter: want both cities and not the network")
			}
			// On an English page the Korean original stands beside the English name, marked.
			res = c.Get("/directory")
			if !strings.Contains(res.Body, `<span lang="ko">서울특별시</span>`) || !strings.Contains(res.Body, `<option value="KR">South Korea</option>`) {
				t.Error("the directory does not show the original name with its lang, or the country select lacks Korea")
			}
		})

		t.Run("organisation page", func(t *testing.T) {
			res := h.Client(t).Get("/orgs/seoul")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "South Korea") || !strings.Contains(res.Body, "9,586,195") ||
				!strings.Contains(res.Body, `href="/networks/citynet"`) || !strings.Contains(res.Body, "Kim Minji") {
				t.Errorf("status %d:\n%s", res.StatusCode, res.Body)
			}
			c := h.Client(t)
			c.Header.Set("Accept-Language", "ko")
			if res := c.Get("/orgs/seoul"); !strings.Contains(res.Body, "대한민국") || !strings.Contains(res.Body, "<h1>서울특별시") {
				t.Error("Korean page: no Korean country name or heading")
			}
			if res := h.Client(t).Get("/orgs/nowhere"); res.StatusCode != http.StatusNotFound {
				t.Errorf("unknown organisation: %d", res.StatusCode)
			}
		})

		t.Run("contact details for members only", func(t *testing.T) {
			res := h.Client(t).Get("/orgs/seoul")
			if strings.Contains(res.Body, "minji.kim@seoul.example") || strings.Contains(res.Body, "+82 2 120") {
				t.Error("a visitor sees a contact's e-mail address or phone number")
			}
			res = h.signedIn(t, h.Member, i18n.EN).Get("/orgs/seoul")
			if !strings.Contains(res.Body, "minji.kim@seoul.example") || !strings.Contains(res.Body, "+82 2 120") {
				t.Error("a member does not see the contact's details")
			}
		})

		t.Run("another organisation's editor is refused", func(t *testing.T) {
			before := h.org(t, "seoul")
			c := h.signedIn(t, h.Other, i18n.EN)
			if res := c.Get("/orgs/seoul/edit"); res.StatusCode != http.StatusForbidden {
				t.Errorf("GET edit: %d, want 403", res.StatusCode)
			}
			res := c.PostForm("/orgs/seoul/edit", seoulForm(map[string]string{"population": "1", "name_text_1": "Hacked"}))
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("POST edit: %d, want 403", res.StatusCode)
			}
			after := h.org(t, "seoul")
			if after.Population != before.Population || after.NameIn("en") != "Seoul" || !after.UpdatedAt.Equal(before.UpdatedAt) {
				t.Error("a refused edit changed the organisation")
			}
			for _, path := range []string{"/orgs/seoul/contacts", "/orgs/seoul/ties/999/delete"} {
				if res := c.PostForm(path, url.Values{"name": {"x"}, "function": {"mayor"}}); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 403", path, res.StatusCode)
				}
			}
			if res := h.signedIn(t, h.Editor, i18n.EN).PostForm("/networks/citynet/members", url.Values{"member": {"taipei"}, "role": {"member"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("Seoul's editor added a member to CityNet: %d", res.StatusCode)
			}
		})

		t.Run("the organisation's editor changes it, and the audit log says so", func(t *testing.T) {
			c := h.signedIn(t, h.Editor, i18n.EN)
			if res := c.Get("/orgs/seoul/edit"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `value="서울특별시"`) {
				t.Fatalf("GET edit: %d", res.StatusCode)
			}
			res := c.PostForm("/orgs/seoul/edit", seoulForm(map[string]string{"population": "9,600,000", "slug": "hijacked", "kind": "ngo"}))
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/orgs/seoul" {
				t.Fatalf("POST edit: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
			}
			o := h.org(t, "seoul")
			if o.Population != 9600000 || o.Kind != directory.KindCity || o.Original().Text != "서울특별시" || o.Description != "Capital of **Korea**." {
				t.Errorf("stored %+v", o)
			}
			if page := c.Get("/orgs/seoul"); !strings.Contains(page.Body, "<strong>Korea</strong>") {
				t.Error("the description is not rendered from Markdown")
			}
			entries, err := h.App.DB.AuditLog(t.Context(), audit.Filter{Action: "organisation.update", ActorUserID: h.Editor.ID})
			if err != nil || len(entries) == 0 {
				t.Errorf("no audit entry for the editor's change (%v)", err)
			}
		})

		t.Run("CSV export neutralises formulas", func(t *testing.T) {
			ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "test", Role: citypact.RoleAdmin})
			evil := directory.Organisation{Slug: "evil", Kind: directory.KindNGO, Names: []directory.Name{{Lang: "en", Text: `=HYPERLINK("https://evil.example","x")`, Original: true}}}
			evil.Normalize()
			if err := h.App.DB.CreateOrganisation(ctx, &evil); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { h.App.DB.DeleteOrganisation(ctx, evil.ID) })
			res := h.Client(t).Get("/directory.csv?kind=ngo")
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("status %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2 || rows[0][0] != "slug" || rows[1][0] != "evil" {
				t.Fatalf("rows %q", rows)
			}
			for _, cell := range rows[1] {
				if strings.HasPrefix(cell, "=") {
					t.Errorf("cell %q would run as a formula", cell)
				}
			}
			if rows[1][2] != `'=HYPERLINK("https://evil.example","x")` {
				t.Errorf("name cell %q", rows[1][2])
			}
			res = h.Client(t).Get("/networks/citynet/members.csv")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "seoul,Seoul,서울특별시,ko,KR,asia-pacific,founding,1987-09-01") {
				t.Errorf("members CSV: %d\n%s", res.StatusCode, res.Body)
			}
		})

		t.Run("network page", func(t *testing.T) {
			res := h.Client(t).Get("/networks/citynet")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "1 member, 1 observer") || !strings.Contains(res.Body, "Asia-Pacific") {
				t.Errorf("status %d:\n%s", res.StatusCode, res.Body)
			}
			if res := h.Client(t).Get("/networks/seoul"); res.StatusCode != http.StatusNotFound {
				t.Errorf("a city as a network: %d", res.StatusCode)
			}
		})

		t.Run("a referenced organisation is not deleted", func(t *testing.T) {
			c := h.signedIn(t, h.Admin, i18n.EN)
			res := c.PostForm("/orgs/seoul/delete", url.Values{"confirm": {"yes"}})
			if res.StatusCode != http.StatusConflict || !strings.Contains(html.UnescapeString(res.Body), i18n.For(i18n.EN).T("org.in_use")) {
				t.Errorf("status %d, want 409 with the explanation", res.StatusCode)
			}
			h.org(t, "seoul")
			// Without the confirmation page's field nothing happens.
			tmp := directory.Organisation{Slug: "temporary", Kind: directory.KindNGO, Name: "Temporary"}
			tmp.Normalize()
			ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "test", Role: citypact.RoleAdmin})
			if err := h.App.DB.CreateOrganisation(ctx, &tmp); err != nil {
				t.Fatal(err)
			}
			if res := c.PostForm("/orgs/temporary/delete", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/orgs/temporary/delete" {
				t.Errorf("unconfirmed delete: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if res := c.PostForm("/orgs/temporary/delete", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("delete: %d", res.StatusCode)
			}
			if _, err := h.App.DB.OrganisationBySlug(t.Context(), "temporary"); citypact.KindOf(err) != citypact.KindNotFound {
				t.Errorf("the organisation is still there: %v", err)
			}
		})

		t.Run("ties and the timeline", func(t *testing.T) {
			c := h.signedIn(t, h.Editor, i18n.EN)
			if res := c.PostForm("/orgs/seoul/ties", url.Values{"partner": {"taipei"}, "kind": {"friendship"}, "since": {"2012-05-01"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("add tie: %d\n%s", res.StatusCode, res.Body)
			}
			res := c.PostForm("/orgs/seoul/timeline", url.Values{"date": {"2020-04-02"}, "kind": {"gift"}, "title": {"Masks for Seoul"}, "parties": {"taipei"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("add entry: %d\n%s", res.StatusCode, res.Body)
			}
			page := h.Client(t).Get("/orgs/taipei")
			if !strings.Contains(page.Body, "Masks for Seoul") || !strings.Contains(page.Body, "Friendship city") || !strings.Contains(page.Body, "1 May 2012") {
				t.Error("the partner's page does not show the tie and the entry")
			}
			res = h.Client(t).Get("/orgs/seoul/partners/taipei")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Masks for Seoul") || !strings.Contains(res.Body, "2 April 2020") || !strings.Contains(res.Body, `href="/networks/citynet"`) {
				t.Errorf("partner page: %d\n%s", res.StatusCode, res.Body)
			}
		})

		t.Run("form errors in Korean", func(t *testing.T) {
			ko := i18n.For(i18n.KO)
			editor := h.signedIn(t, h.Editor, i18n.KO)
			admin := h.signedIn(t, h.Admin, i18n.KO)
			before := h.org(t, "seoul")
			tests := []struct {
				name   string
				c      *apptest.Client
				path   string
				form   url.Values
				want   string // the message key
				values []string
			}{
				{"bad country", editor, "/orgs/seoul/edit", seoulForm(map[string]string{"country": "XX", "population": "1234"}), "org.country_invalid", []string{`value="1234"`}},
				{"no name", editor, "/orgs/seoul/edit", seoulForm(map[string]string{"name_text_0": "", "name_text_1": "", "name_text_2": ""}), "field.required", []string{`value="ko"`}},
				{"bad website", editor, "/orgs/seoul/edit", seoulForm(map[string]string{"website": "javascript:alert(1)"}), "url.invalid", nil},
				{"until before since", admin, "/networks/citynet/members", url.Values{"member": {"taipei"}, "role": {"member"}, "since": {"2021-01-01"}, "until": {"2020-01-01"}}, "date.before_since", []string{`value="2021-01-01"`}},
				{"tie to itself", editor, "/orgs/seoul/ties", url.Values{"partner": {"seoul"}, "kind": {"sister"}}, "tie.self", nil},
				{"duplicate tie", editor, "/orgs/seoul/ties", url.Values{"partner": {"taipei"}, "kind": {"friendship"}}, "tie.duplicate", nil},
				{"unknown partner", editor, "/orgs/seoul/ties", url.Values{"partner": {"atlantis"}, "kind": {"sister"}}, "org.unknown", []string{`value="atlantis"`}},
				{"membership in a non-network", editor, "/networks/seoul/members", url.Values{"member": {"taipei"}, "role": {"member"}}, "membership.not_a_network", nil},
				{"entry without a partner", editor, "/orgs/seoul/timeline", url.Values{"date": {"2020-04-02"}, "kind": {"visit"}, "title": {"Visit"}}, "timeline.two_parties", []string{`value="Visit"`}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					res := tt.c.PostForm(tt.path, tt.form)
					body := html.UnescapeString(res.Body)
					if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, ko.T(tt.want)) ||
						!strings.Contains(body, `<html lang="ko"`) || !strings.Contains(body, `class="error-summary"`) {
						t.Errorf("status %d; want 422 with %q in Korean:\n%s", res.StatusCode, ko.T(tt.want), res.Body)
					}
					for _, v := range tt.values {
						if !strings.Contains(res.Body, v) {
							t.Errorf("the form lost %s", v)
						}
					}
				})
			}
			after := h.org(t, "seoul")
			if after.Country != before.Country || after.Website != before.Website || !after.UpdatedAt.Equal(before.UpdatedAt) {
				t.Error("a refused form changed the organisation")
			}
		})
	})
}
