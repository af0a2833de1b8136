package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
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
