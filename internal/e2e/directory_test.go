package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
)

// TestBrowserFindSeoulInKorean: a visitor types Seoul's Korean name into the directory's search,
// finds the city, opens its page and reads it in Korean.
func TestBrowserFindSeoulInKorean(t *testing.T) {
	b := newTab(t, testTimeout)
	hub := apptest.Start(t, dbtest.SQLite(t))
	b.base = hub.URL
	ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "e2e", Role: citypact.RoleAdmin})
	seoul := hub.Seoul
	seoul.Country = "KR"
	seoul.Names = []directory.Name{
		{Lang: "ko", Text: "서울특별시", Original: true},
		{Lang: "en", Text: "Seoul Metropolitan Government"},
		{Lang: "ja", Text: "ソウル特別市"},
		{Lang: "zh-TW", Text: "首爾特別市"},
	}
	seoul.Normalize()
	if err := hub.App.DB.UpdateOrganisation(ctx, &seoul); err != nil {
		t.Fatal(err)
	}

	b.open("/directory", 200)
	b.setLang(i18n.EN)
	b.fill(`main form input[name="q"]`, "서울")
	b.click(`main form button[type="submit"]`)
	if loc := b.location(); !strings.Contains(loc, "q=") {
		t.Fatalf("the search did not land on a results URL: %s", loc)
	}
	if !b.has(`main a[href="/orgs/seoul"]`) {
		t.Fatalf("searching 서울 did not find Seoul:\n%s", b.bodyText())
	}
	if b.has(`main a[href="/orgs/taipei"]`) {
		t.Errorf("searching 서울 also listed Taipei")
	}
	b.click(`main a[href="/orgs/seoul"]`)
	b.setLang(i18n.KO)
	if got := b.text("main h1"); !strings.Contains(got, "서울특별시") {
		t.Errorf("Seoul's page in Korean has h1 %q, want 서울특별시", got)
	}
	if !strings.Contains(b.bodyText(), directory.CountryName("KR", "ko")) {
		t.Errorf("the country is not named in Korean (%s):\n%s", directory.CountryName("KR", "ko"), b.bodyText())
	}
	b.checkTranslated(i18n.KO)
	b.checkAxe("Seoul's page in Korean")
}
