package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
)

// TestPublicPagesCachedByDataVersion: visitors' public pages are served from a cache with an
// ETag, revalidate with 304, and change as soon as the data does — also when the change is made
// through another instance (the version lives in the database).
func TestPublicPagesCachedByDataVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		other := apptest.Start(t, dsn, apptest.Options{SkipSeed: true}) // a second serve process on the same database
		visitor := h.Client(t)
		first := visitor.Get("/orgs/seoul")
		etag := first.Header.Get("ETag")
		if first.StatusCode != http.StatusOK || etag == "" {
			t.Fatalf("first: %d, ETag %q", first.StatusCode, etag)
		}
		if again := visitor.Get("/orgs/seoul"); again.Body != first.Body || again.Header.Get("ETag") != etag {
			t.Error("the second answer differs from the first")
		}
		req := visitor.Request(http.MethodGet, "/orgs/seoul", nil)
		req.Header.Set("If-None-Match", etag)
		if res := visitor.Do(req); res.StatusCode != http.StatusNotModified || res.Body != "" {
			t.Errorf("revalidation: %d", res.StatusCode)
		}
		// The editor renames Seoul through the other instance.
		editor := other.Client(t)
		editor.SignIn(h.Editor.Email, apptest.Password)
		form := url.Values{"name_lang_0": {"en"}, "name_text_0": {"Seoul Special City"}, "original": {"0"}, "country": {"KR"}}
		if res := editor.PostForm("/orgs/seoul/edit", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", res.StatusCode, res.Body)
		}
		after := visitor.Get("/orgs/seoul")
		if after.Header.Get("ETag") == etag || !strings.Contains(after.Body, "Seoul Special City") {
			t.Errorf("a stale page was served after the change (ETag %q)", after.Header.Get("ETag"))
		}
		// Signed-in readers never get the visitors' cached page.
		if res := editor.Get("/orgs/seoul"); res.Header.Get("ETag") != "" {
			t.Error("a signed-in page came from the visitors' cache")
		}
	})
}

// TestDirectoryListsFollowChanges: the lists every directory page shows (networks, countries) are
// kept under the data version, so a new network appears in the filter at once, for signed-in
// readers as well as visitors.
func TestDirectoryListsFollowChanges(t *testing.T) {
	h := apptest.Start(t, dbtest.SQLite(t))
	reader := h.Client(t)
	reader.SignIn(h.Member.Email, apptest.Password)
	if strings.Contains(reader.Get("/directory").Body, "New Alliance") {
		t.Fatal("the network exists before it was made")
	}
	ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "test", Role: citypact.RoleAdmin})
	n := directory.Organisation{Slug: "new-alliance", Kind: directory.KindNetwork, Name: "New Alliance", Country: "NP"}
	n.Normalize()
	if err := h.App.DB.CreateOrganisation(ctx, &n); err != nil {
		t.Fatal(err)
	}
	page := reader.Get("/directory").Body
	if !strings.Contains(page, `value="new-alliance"`) || !strings.Contains(page, `value="NP"`) {
		t.Error("the new network or its country is missing from the directory's filters")
	}
}

// TestThreadPagesCachedForVisitors: a public question's page is served to visitors from the page
// cache, and a new answer shows at once (the data version moved); pages of boards visitors may
// not see are never cached for them (they are not found).
func TestThreadPagesCachedForVisitors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		visitor := h.Client(t)
		path := "/threads/" + strconv.FormatInt(h.question.ID, 10)
		first := visitor.Get(path)
		if first.StatusCode != http.StatusOK || first.Header.Get("ETag") == "" {
			t.Fatalf("first: %d, ETag %q", first.StatusCode, first.Header.Get("ETag"))
		}
		if again := visitor.Get(path); again.Header.Get("ETag") != first.Header.Get("ETag") {
			t.Error("the second answer was rendered again")
		}
		p := board.Post{ThreadID: h.question.ID, Kind: board.PostAnswer, Lang: "en", Body: "A third answer, from Seoul's health office."}
		if err := h.App.DB.BoardStore().CreatePost(actorCtx(h.Member), &p); err != nil {
			t.Fatal(err)
		}
		if after := visitor.Get(path); !strings.Contains(after.Body, "A third answer") {
			t.Error("a stale thread page was served after a new answer")
		}
		if res := visitor.Get("/boards/" + h.network.Slug); res.StatusCode != http.StatusNotFound || res.Header.Get("ETag") != "" {
			t.Errorf("a network board for a visitor: %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
		}
	})
}
