package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/api"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/practice"
)

// tokenCall sends a JSON request to the API with a bearer token.
func tokenCall(t *testing.T, c *apptest.Client, method, path, token string, body any) *apptest.Response {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req := c.Request(method, path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return c.Do(req)
}

// tokenPractice creates a practice through the API and publishes it unless draft.
func tokenPractice(t *testing.T, c *apptest.Client, token string, in map[string]any, draft bool) api.Practice {
	t.Helper()
	res := tokenCall(t, c, "POST", "/api/v1/practices", token, in)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create %v: %d\n%s", in["title"], res.StatusCode, res.Body)
	}
	var p api.Practice
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
		t.Fatal(err)
	}
	if draft {
		return p
	}
	return tokenPublish(t, c, token, p.ID, map[string]any{"version": p.Version})
}

func tokenPublish(t *testing.T, c *apptest.Client, token string, id int64, body map[string]any) api.Practice {
	t.Helper()
	res := tokenCall(t, c, "POST", fmt.Sprintf("/api/v1/practices/%d/publish", id), token, body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("publish %d: %d\n%s", id, res.StatusCode, res.Body)
	}
	var p api.Practice
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// feedDoc is what a feed reader takes from an Atom feed.
type feedDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Links   []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Entries []feedEntry `xml:"entry"`
}

type feedEntry struct {
	Lang    string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string `xml:"id"`
	Title   string `xml:"title"`
	Summary string `xml:"summary"`
	Updated string `xml:"updated"`
	Link    struct {
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Author   string `xml:"author>name"`
	Category struct {
		Term string `xml:"term,attr"`
	} `xml:"category"`
}

// getFeed fetches a feed and parses it; header is added to the request.
func getFeed(t *testing.T, c *apptest.Client, path string, header ...string) (feedDoc, *apptest.Response) {
	t.Helper()
	req := c.Request(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res := c.Do(req)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d\n%s", path, res.StatusCode, res.Body)
	}
	if got := res.Header.Get("Content-Type"); got != "application/atom+xml; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", path, got)
	}
	var d feedDoc
	if err := xml.Unmarshal([]byte(res.Body), &d); err != nil {
		t.Fatalf("%s does not parse: %v\n%s", path, err, res.Body)
	}
	return d, res
}

func (d feedDoc) titles() []string {
	var out []string
	for _, e := range d.Entries {
		out = append(out, e.Title)
	}
	return out
}

func (d feedDoc) link(rel string) string {
	for _, l := range d.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// TestPracticeFeeds: the library's Atom feeds hold the latest published public practices only,
// for visitors and signed-in readers alike, in one language each (a translation where there is
// one, else the original, marked), newest publication first; they follow new versions and are
// served from the page cache per data version.
func TestPracticeFeeds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		c := h.Client(t)
		seoul := h.Token(t, h.Editor, citypact.ScopeWrite)
		member := h.Token(t, h.Member, citypact.ScopeWrite)
		taipei := h.Token(t, h.Other, citypact.ScopeWrite)
		pub := func(title, cat string, more map[string]any) map[string]any {
			in := map[string]any{"title": title, "lang": "en", "category": cat, "summary": title + ", in short.", "body": "How it works.", "visibility": "public"}
			for k, v := range more {
				in[k] = v
			}
			return in
		}
		qr := tokenPractice(t, c, seoul, pub("QR check-in", "contact-tracing", nil), false)
		if res := tokenCall(t, c, "PUT", fmt.Sprintf("/api/v1/practices/%d/translations/ko", qr.ID), member,
			map[string]any{"title": "QR 출입명부", "summary": "출입할 때 QR 코드를 찍습니다.", "body": "방법."}); res.StatusCode != http.StatusCreated {
			t.Fatalf("translate: %d\n%s", res.StatusCode, res.Body)
		}
		tokenPractice(t, c, seoul, pub("QR duty roster", "governance-coordination", map[string]any{"visibility": "org"}), false)
		tokenPractice(t, c, seoul, pub("QR partners' memo", "governance-coordination", map[string]any{"visibility": "partners"}), false)
		tokenPractice(t, c, seoul, pub("QR draft", "contact-tracing", nil), true)
		old := tokenPractice(t, c, seoul, pub("QR stickers, retired", "contact-tracing", nil), false)
		ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "test", Role: citypact.RoleAdmin})
		if err := h.App.DB.SetStatus(ctx, old.ID, practice.Retired); err != nil {
			t.Fatal(err)
		}
		tokenPractice(t, c, taipei, pub("Drive-through vaccination", "vaccination", map[string]any{"lang": "zh-TW", "title": "得來速疫苗接種"}), false)

		d, res := getFeed(t, c, "/library.atom?lang=ko")
		if d.Lang != "ko" || !strings.Contains(d.Title, "방역 대책 사례집") || d.link("self") != "/library.atom?lang=ko" || !strings.HasPrefix(d.ID, "tag:") {
			t.Errorf("feed lang %q, title %q, self %q, id %q", d.Lang, d.Title, d.link("self"), d.ID)
		}
		if got, want := d.titles(), []string{"得來速疫苗接種", "QR 출입명부"}; !slices.Equal(got, want) {
			t.Fatalf("entries %q, want %q: public, published, newest first, no drafts, no retired", got, want)
		}
		ko, zh := d.Entries[1], d.Entries[0]
		if ko.Lang != "" || ko.Summary != "출입할 때 QR 코드를 찍습니다." || ko.Link.Href != fmt.Sprintf("/practices/%d", qr.ID) ||
			ko.ID != fmt.Sprintf("tag:citypact.org,2026-01-01:practices/%d/versions/1", qr.ID) || ko.Author != "Seoul" || ko.Category.Term != "contact-tracing" {
			t.Errorf("the translated entry: %+v", ko)
		}
		if zh.Lang != "zh-TW" || zh.Author != "Taipei" {
			t.Errorf("an entry without a Korean translation should be the original, marked zh-TW: %+v", zh)
		}
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Error("a visitor's feed carries no ETag: not served from the page cache")
		}
		req := c.Request(http.MethodGet, "/library.atom?lang=ko", nil)
		req.Header.Set("If-None-Match", etag)
		if res := c.Do(req); res.StatusCode != http.StatusNotModified {
			t.Errorf("revalidating the feed: %d, want 304", res.StatusCode)
		}

		// The reader's language without ?lang=; English has no translation, so the original.
		if d, _ := getFeed(t, c, "/library.atom", "Accept-Language", "ja-JP,ja;q=0.9"); d.Lang != "ja" || d.link("self") != "/library.atom?lang=ja" ||
			!slices.Equal(d.titles(), []string{"得來速疫苗接種", "QR check-in"}) {
			t.Errorf("Japanese reader's feed: lang %q, self %q, %q", d.Lang, d.link("self"), d.titles())
		}
		if d, _ := getFeed(t, c, "/library.atom?lang=en&category=vaccination"); !slices.Equal(d.titles(), []string{"得來速疫苗接種"}) || d.link("alternate") != "/library?category=vaccination" {
			t.Errorf("category feed: %q, alternate %q", d.titles(), d.link("alternate"))
		}
		if d, _ := getFeed(t, c, "/orgs/seoul/practices.atom?lang=en"); !slices.Equal(d.titles(), []string{"QR check-in"}) || d.link("self") != "/orgs/seoul/practices.atom?lang=en" {
			t.Errorf("Seoul's feed: %q, self %q", d.titles(), d.link("self"))
		}
		if d, _ := getFeed(t, c, "/library.atom?lang=en&q=QR"); !slices.Equal(d.titles(), []string{"QR check-in"}) {
			t.Errorf("search feed: %q", d.titles())
		}
		// A signed-in member of Seoul sees the org-only practice on the page, never in a feed.
		mc := h.Client(t)
		mc.SignIn(h.Member.Email, apptest.Password)
		if d, _ := getFeed(t, mc, "/orgs/seoul/practices.atom?lang=en&q=QR"); !slices.Equal(d.titles(), []string{"QR check-in"}) {
			t.Errorf("member's search feed: %q", d.titles())
		}

		// A new version: its entry comes first, with a new id, and the cached feed is replaced.
		tokenPublish(t, c, seoul, qr.ID, map[string]any{"version": 1, "note": "Buses too.",
			"practice": pub("QR check-in on buses", "contact-tracing", nil)})
		d, res = getFeed(t, c, "/library.atom?lang=en")
		if res.Header.Get("ETag") == etag || len(d.Entries) != 2 || d.Entries[0].Title != "QR check-in on buses" ||
			d.Entries[0].ID != fmt.Sprintf("tag:citypact.org,2026-01-01:practices/%d/versions/2", qr.ID) {
			t.Errorf("after version 2: %+v", d.Entries)
		}
		if d, _ := getFeed(t, c, "/library.atom?lang=ko"); d.Entries[0].Title != "QR 출입명부" || d.Entries[1].Title != "得來速疫苗接種" {
			t.Errorf("Korean feed after version 2 (the outdated translation still shows): %q", d.titles())
		}

		for path, status := range map[string]int{
			"/library.atom?category=astrology": http.StatusNotFound,
			"/orgs/atlantis/practices.atom":    http.StatusNotFound,
			"/library.atom?lang=%21%21":        http.StatusBadRequest,
		} {
			if res := c.Get(path); res.StatusCode != status {
				t.Errorf("%s: %d, want %d", path, res.StatusCode, status)
			}
		}
	})
}

// TestPracticeAPIAcrossSurfaces: what an editor publishes with a token is what the API lists and
// exports, what the page shows and what the feed carries.
func TestPracticeAPIAcrossSurfaces(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		c := h.Client(t)
		seoul := h.Token(t, h.Editor, citypact.ScopeWrite)
		p := tokenPractice(t, c, seoul, map[string]any{"title": "Mask vending machines", "lang": "en", "category": "campaigns-communication",
			"body": "Machines in **every** subway station.", "visibility": "public"}, false)
		if p.Version != 1 || p.Status != "published" {
			t.Fatalf("published %+v", p)
		}
		if res := c.Get("/api/v1/practices"); !strings.Contains(res.Body, `"title":"Mask vending machines"`) {
			t.Errorf("API list: %s", res.Body)
		}
		if res := c.Get("/api/v1/practices.csv"); !strings.Contains(res.Body, fmt.Sprintf("%d,Mask vending machines,seoul,campaigns-communication,published,1,", p.ID)) {
			t.Errorf("CSV: %s", res.Body)
		}
		if res := c.Get(p.URL); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Mask vending machines") {
			t.Errorf("page %s: %d", p.URL, res.StatusCode)
		}
		if d, _ := getFeed(t, c, "/library.atom?lang=en"); !slices.Equal(d.titles(), []string{"Mask vending machines"}) {
			t.Errorf("feed: %q", d.titles())
		}
	})
}
