package e2e

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/web/view"
)

// The practice Seoul's editor writes: an English original with no Hangul in it, so that a Korean
// search can only find it through its Korean translation.
const (
	clinicSlug    = "seoul-walk-through-screening-clinics"
	clinicTitleEN = "Walk-through screening clinics at district health centres"
	clinicSummEN  = "Each of Seoul's 25 district health centres ran a walk-through screening clinic where residents with symptoms were tested and told their result by text message."
	clinicBodyEN  = "## How it worked\n\nEach district health centre set up a walk-through screening clinic beside its entrance, so that residents with a fever or a cough never entered the building.\n\nStaff tested residents in booths, and the centre sent every result by text message within 24 hours."
	clinicTitleKO = "자치구 보건소 도보 이동형 선별진료소"
	clinicSummKO  = "서울 25개 자치구 보건소는 도보 이동형 선별진료소를 운영해 증상이 있는 주민을 검사하고 결과를 문자로 알렸습니다."
	clinicBodyKO  = "## 운영 방식\n\n각 자치구 보건소는 입구 옆에 도보 이동형 선별진료소를 설치해, 발열이나 기침이 있는 주민이 건물 안으로 들어오지 않게 했습니다.\n\n직원이 부스에서 주민을 검사했고, 보건소는 확진 여부를 24시간 안에 문자로 모든 주민에게 알렸습니다."
	// clinicTerm is the two-syllable Korean word the visitor searches for ("confirmed", of a
	// case): in the translation's body only.
	clinicTerm = "확진"
)

// TestBrowserPracticeKoreanTranslationSearch: Seoul's editor shares a practice in English through
// the new-practice form, publishes it from its page and adds a Korean translation through the
// translation form. A visitor whose browser asks for Korean searches the library for a
// two-syllable Korean word of the translation with the search form, sees the hit with its Korean
// title and the word highlighted, opens it and reads the Korean translation, then follows the
// link to the original and reads the English text.
func TestBrowserPracticeKoreanTranslationSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		b := newTab(t, 3*testTimeout)
		hub := apptest.Start(t, dsn)
		b.base = hub.URL
		seedLibraryDecoys(t, hub)
		en, ko := i18n.For(i18n.EN), i18n.For(i18n.KO)
		href := view.PracticeHref(0, clinicSlug)
		const flash = `main .notice--success[role="status"]`

		// Seoul's editor signs in, in English.
		b.mustSignIn(i18n.EN, hub.Editor.Email)

		// The library offers the editor the new-practice form.
		b.open("/library", 200)
		if st := b.click(`main a[href="/practices/new"]`); st != 200 {
			t.Fatalf("following %q: status %d\n%s", en.T("library.new"), st, b.bodyText())
		}
		if got := b.location(); got != "/practices/new" {
			t.Fatalf("the new-practice link led to %s", got)
		}
		if got, want := b.text("main h1"), en.T("practiceform.new_title"); got != want {
			t.Errorf("new-practice form h1 = %q, want %q", got, want)
		}
		b.fill("#f-title", clinicTitleEN)
		b.fill("#f-summary", clinicSummEN)
		b.fill("#f-body", clinicBodyEN)
		b.fill("#f-lang", "en")
		b.selectOption("#f-category", "screening-testing")
		b.fill("#f-tags", "screening, walk-through testing")
		b.selectOption("#f-visibility", "public")
		b.fill("#f-slug", clinicSlug)
		if st := b.click(`main form[action="/practices/new"] button[name="action"][value="save"]`); st != 200 {
			t.Fatalf("saving the draft: status %d\n%s", st, b.bodyText())
		}
		if got := b.location(); got != href {
			t.Fatalf("saving the draft led to %s, want %s\n%s", got, href, b.bodyText())
		}
		if !b.has(flash) || b.text(flash) != en.T("flash.practice_created") {
			t.Errorf("after saving the draft, no notice %q:\n%s", en.T("flash.practice_created"), b.bodyText())
		}
		if got := b.text("main h1"); got != clinicTitleEN {
			t.Errorf("the draft's page has h1 %q, want %q", got, clinicTitleEN)
		}

		// The editor publishes the draft from its page.
		publish := fmt.Sprintf(`main form[action="%s/publish"]`, href)
		if !b.has(publish) {
			t.Fatalf("the draft's page has no publish form %s:\n%s", publish, b.bodyText())
		}
		b.fill("#f-note", "First version, from the health centres' guidance.")
		if st := b.click(publish + ` button[type="submit"]`); st != 200 {
			t.Fatalf("publishing: status %d\n%s", st, b.bodyText())
		}
		if got := b.location(); got != href {
			t.Errorf("publishing led to %s, want %s", got, href)
		}
		if !b.has(flash) || b.text(flash) != en.T("flash.practice_published") {
			t.Fatalf("after publishing, no notice %q:\n%s", en.T("flash.practice_published"), b.bodyText())
		}
		if b.has(publish) {
			t.Errorf("the published practice still offers the publish form")
		}
		if txt := b.text("main dl.summary-list"); !strings.Contains(txt, en.T("practice.vis.public")) {
			t.Errorf("the published practice's facts do not say %q:\n%s", en.T("practice.vis.public"), txt)
		}

		// ... and adds a Korean translation through the translation form.
		newTranslation := href + "/translations/new"
		if st := b.click(fmt.Sprintf(`main a[href="%s"]`, newTranslation)); st != 200 {
			t.Fatalf("following %q: status %d\n%s", en.T("practice.add_translation"), st, b.bodyText())
		}
		if got := b.location(); got != newTranslation {
			t.Fatalf("the translation link led to %s, want %s", got, newTranslation)
		}
		if got, want := b.text("main h1"), en.T("translationform.title"); got != want {
			t.Errorf("translation form h1 = %q, want %q", got, want)
		}
		b.fill("#f-lang", "ko")
		b.fill("#f-title", clinicTitleKO)
		b.fill("#f-summary", clinicSummKO)
		b.fill("#f-body", clinicBodyKO)
		if st := b.click(fmt.Sprintf(`main form[action="%s/translations"] button[type="submit"]`, href)); st != 200 {
			t.Fatalf("saving the translation: status %d\n%s", st, b.bodyText())
		}
		if got, want := b.location(), href+"?lang=ko"; got != want {
			t.Errorf("saving the translation led to %s, want %s", got, want)
		}
		if !b.has(flash) || b.text(flash) != en.T("flash.translation_saved") {
			t.Fatalf("after saving the translation, no notice %q:\n%s", en.T("flash.translation_saved"), b.bodyText())
		}
		if got := b.text("main h1"); got != clinicTitleKO {
			t.Errorf("after saving the translation, the page's h1 is %q, want the Korean %q", got, clinicTitleKO)
		}
		if got := b.effectiveLang("main h1"); got != "ko" {
			t.Errorf("on the English interface, the Korean title is marked as language %q, want ko", got)
		}

		// A visitor, in a browser of their own whose language is Korean.
		v := b.newVisitor(t, "ko-KR,ko;q=0.9")
		v.open("/library", 200)
		if got := evalT[string](v, `document.documentElement.lang`); got != "ko" {
			t.Fatalf("with Accept-Language ko, /library has <html lang=%q>, want ko", got)
		}
		if v.has(`header .site-nav a[href="/account"]`) {
			t.Fatalf("the visitor is signed in:\n%s", v.bodyText())
		}
		if got, want := v.text("main h1"), ko.T("library.title"); got != want {
			t.Errorf("/library h1 = %q, want the Korean %q", got, want)
		}

		// They type the word into the library's search form and submit it.
		const searchForm = `main form[role="search"]`
		v.fill(searchForm+` input[name="q"]`, clinicTerm)
		if st := v.click(searchForm + ` button[type="submit"]`); st != 200 {
			t.Fatalf("searching %s: status %d\n%s", clinicTerm, st, v.bodyText())
		}
		loc := v.location()
		path, rawQuery, _ := strings.Cut(loc, "?")
		q, err := url.ParseQuery(rawQuery)
		if path != "/library" || err != nil || q.Get("q") != clinicTerm {
			t.Fatalf("the search form led to %s (%v), want /library with q=%s", loc, err, clinicTerm)
		}
		if got := evalT[string](v, fmt.Sprintf(`document.querySelector(%s).value`, jsString(searchForm+` input[name="q"]`))); got != clinicTerm {
			t.Errorf("after searching, the search box holds %q, want %q", got, clinicTerm)
		}
		if got := evalT[string](v, `document.documentElement.lang`); got != "ko" {
			t.Errorf("the results page has <html lang=%q>, want ko", got)
		}
		const results = `main section[aria-labelledby="library-results"]`
		if got, want := v.text(results+` > p`), ko.N("library.count", 1)+" "+ko.T("library.ranked"); got != want {
			t.Errorf("results count reads %q, want %q", got, want)
		}
		const hit = results + ` ol.results li.result`
		if n := evalT[int](v, fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(hit))); n != 1 {
			t.Fatalf("searching %s listed %d results, want 1 (Seoul's clinics only):\n%s", clinicTerm, n, v.text(results))
		}
		const hitLink = hit + ` h3.result__title a`
		if got := v.text(hitLink); got != clinicTitleKO {
			t.Errorf("the hit is titled %q, want the Korean title %q", got, clinicTitleKO)
		}
		if got := v.effectiveLang(hitLink); got != "ko" {
			t.Errorf("the hit's Korean title is marked as language %q, want ko", got)
		}
		if got := evalT[string](v, fmt.Sprintf(`document.querySelector(%s).getAttribute("href")`, jsString(hitLink))); !strings.HasPrefix(got, href) {
			t.Errorf("the hit links to %q, want the practice's page %s", got, href)
		}
		const snippet = hit + ` .result__snippet`
		if !v.has(snippet) {
			t.Fatalf("the hit has no snippet:\n%s", v.text(hit))
		}
		if marks := v.allTexts(snippet + ` mark`); !slices.Equal(marks, []string{clinicTerm}) {
			t.Errorf("the snippet highlights %q, want [%s]; snippet: %q", marks, clinicTerm, v.text(snippet))
		}
		if got := v.text(snippet); !strings.Contains(got, clinicTerm+" 여부를") {
			t.Errorf("the snippet %q does not show the Korean text around %s", got, clinicTerm)
		}
		if got := v.effectiveLang(snippet); got != "ko" {
			t.Errorf("the Korean snippet is marked as language %q, want ko", got)
		}

		// They open the hit: the practice in Korean.
		if st := v.click(hitLink); st != 200 {
			t.Fatalf("opening the hit: status %d\n%s", st, v.bodyText())
		}
		if got := v.location(); got != href && got != href+"?lang=ko" {
			t.Errorf("the hit led to %s, want %s (or %s?lang=ko)", got, href, href)
		}
		if got := evalT[string](v, `document.documentElement.lang`); got != "ko" {
			t.Errorf("the practice's page has <html lang=%q>, want ko", got)
		}
		if got := v.text("main h1"); got != clinicTitleKO {
			t.Errorf("the hit opened a page titled %q, want the Korean translation's %q\n%s", got, clinicTitleKO, v.bodyText())
		}
		if got := v.effectiveLang("main h1"); got != "ko" {
			t.Errorf("the Korean title is marked as language %q, want ko", got)
		}
		if !v.has("main article.practice p.lead") || v.text("main article.practice p.lead") != clinicSummKO {
			t.Errorf("the page does not show the Korean summary %q:\n%s", clinicSummKO, v.bodyText())
		}
		const prose = `main section[aria-labelledby="practice-text"] .prose`
		if got := v.text(prose); !strings.Contains(got, "운영 방식") || !strings.Contains(got, "보건소는 확진 여부를 24시간 안에 문자로") {
			t.Errorf("the page's text is not the Korean translation:\n%s", got)
		}
		if got := v.effectiveLang(prose); got != "ko" {
			t.Errorf("the Korean text is marked as language %q, want ko", got)
		}
		if got := v.text(prose); strings.Contains(got, "walk-through") {
			t.Errorf("the Korean page shows the English text:\n%s", got)
		}
		// It says that it is a translation, and links to the original.
		const notice = `main article.practice .notice`
		wantNotice := ko.T("practice.translated_from", "lang", view.LanguageName("en", i18n.KO))
		if !v.has(notice) || !strings.Contains(v.text(notice), wantNotice) {
			t.Errorf("the translation does not say %q:\n%s", wantNotice, v.bodyText())
		}
		origLink := notice + ` a[href="` + href + `?lang=en"]`
		if !v.has(origLink) {
			t.Fatalf("no link to the original (%s?lang=en) beside the translation:\n%s", href, v.bodyText())
		}
		if got, want := v.text(origLink), ko.T("practice.read_original"); got != want {
			t.Errorf("the link to the original reads %q, want %q", got, want)
		}
		if !v.visibleNow(origLink) {
			t.Errorf("the link to the original is not visible")
		}
		if shown := v.shownLanguages(ko); len(shown) != 1 || !strings.HasPrefix(shown[0], view.LanguageName("ko", i18n.KO)) {
			t.Errorf("the list of languages marks %q as shown, want Korean (%s) alone", shown, view.LanguageName("ko", i18n.KO))
		}

		// They follow the link and read the English original.
		if st := v.click(origLink); st != 200 {
			t.Fatalf("following the link to the original: status %d\n%s", st, v.bodyText())
		}
		if got, want := v.location(), href+"?lang=en"; got != want {
			t.Errorf("the link to the original led to %s, want %s", got, want)
		}
		if got := evalT[string](v, `document.documentElement.lang`); got != "ko" {
			t.Errorf("the original's page has <html lang=%q>, want ko (the interface stays Korean)", got)
		}
		if got := v.text("main h1"); got != clinicTitleEN {
			t.Errorf("the original's page has h1 %q, want %q", got, clinicTitleEN)
		}
		if got := evalT[string](v, `document.querySelector("main h1").getAttribute("lang") || ""`); got != "en" {
			t.Errorf("on the Korean interface, the English title has lang=%q, want en", got)
		}
		if !v.has("main article.practice p.lead") || v.text("main article.practice p.lead") != clinicSummEN {
			t.Errorf("the original's page does not show the English summary %q:\n%s", clinicSummEN, v.bodyText())
		}
		if got := v.text(prose); !strings.Contains(got, "How it worked") || !strings.Contains(got, "sent every result by text message within 24 hours") {
			t.Errorf("the original's page does not show the English text:\n%s", got)
		}
		if got := v.effectiveLang(prose); got != "en" {
			t.Errorf("on the Korean interface, the English text is marked as language %q, want en", got)
		}
		if shown := v.shownLanguages(ko); len(shown) != 1 || !strings.HasPrefix(shown[0], view.LanguageName("en", i18n.KO)) || !strings.Contains(shown[0], ko.T("practice.original")) {
			t.Errorf("the list of languages marks %q as shown, want the English original (%s) alone", shown, view.LanguageName("en", i18n.KO))
		}
		if v.has(origLink) {
			t.Errorf("the original still says it is a translation:\n%s", v.text(notice))
		}
		missing := ko.T("practice.no_translation", "lang", view.LanguageName("en", i18n.KO), "original", view.LanguageName("en", i18n.KO))
		if strings.Contains(v.bodyText(), missing) {
			t.Errorf("the original's page says %q", missing)
		}
		v.checkTranslated(i18n.KO, "practice.read_original", "practice.translated_from", "library.count.one")

		// On an English interface, the same search opens the Korean text that matched, not the
		// English original, which does not hold the word.
		b.open("/library", 200)
		b.fill(searchForm+` input[name="q"]`, clinicTerm)
		if st := b.click(searchForm + ` button[type="submit"]`); st != 200 {
			t.Fatalf("the editor searching %s: status %d\n%s", clinicTerm, st, b.bodyText())
		}
		if st := b.click(hitLink); st != 200 {
			t.Fatalf("the editor opening the hit: status %d\n%s", st, b.bodyText())
		}
		if got, want := b.location(), href+"?lang=ko"; got != want {
			t.Errorf("on the English interface, the Korean hit opened %s, want %s", got, want)
		}
		if got := b.text("main h1"); got != clinicTitleKO {
			t.Errorf("on the English interface, the Korean hit opened a page titled %q, want %q", got, clinicTitleKO)
		}
	})
}

// seedLibraryDecoys publishes, straight through the store, two practices the visitor's search
// must not list: a public one in Korean that holds 확 and 진 but never together, and one only
// Taipei may see that holds the word itself.
func seedLibraryDecoys(t *testing.T, hub *apptest.Hub) {
	t.Helper()
	ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "e2e", Role: citypact.RoleAdmin})
	for _, p := range []practice.Practice{
		{Slug: "taipei-evening-clinics", OwnerID: hub.Taipei.ID, Lang: "ko", Title: "야간 진료 확대",
			Body:     "보건소는 저녁에도 진료를 확대했습니다. 주민은 퇴근 후에 진료를 받을 수 있었습니다.",
			Category: "medical-services", Visibility: practice.Public},
		{Slug: "taipei-internal-case-notes", OwnerID: hub.Taipei.ID, Lang: "ko", Title: "내부 확진 사례 기록",
			Body:     "타이베이시 내부용: 확진 사례를 기록하는 방법.",
			Category: "screening-testing", Visibility: practice.OrgOnly},
	} {
		p.Status = practice.Draft
		if err := hub.App.DB.CreatePractice(ctx, &p); err != nil {
			t.Fatalf("seeding %s: %v", p.Slug, err)
		}
		if _, err := hub.App.DB.Publish(ctx, &p, "seed"); err != nil {
			t.Fatalf("publishing %s: %v", p.Slug, err)
		}
	}
}

// newVisitor opens a tab in a new browser context of b's browser (no cookies, no session) whose
// requests ask for acceptLanguage, as a browser set to that language does.
func (b *tab) newVisitor(t *testing.T, acceptLanguage string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening the visitor's browser context: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders,
		network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": acceptLanguage}}); err != nil {
		t.Fatalf("setting Accept-Language: %v", err)
	}
	return &tab{t: t, ctx: ctx, base: b.base}
}

// effectiveLang is the language of the first element matching sel as a browser and a screen
// reader take it: its own lang attribute, else its nearest ancestor's.
func (b *tab) effectiveLang(sel string) string {
	b.t.Helper()
	if !b.has(sel) {
		b.t.Fatalf("no element %s on %s:\n%s", sel, b.location(), b.bodyText())
	}
	return evalT[string](b, fmt.Sprintf(`(el => { const l = el.closest("[lang]"); return l ? l.getAttribute("lang") : ""; })(document.querySelector(%s))`, jsString(sel)))
}

// visibleNow reports whether the first element matching sel is rendered and not hidden.
func (b *tab) visibleNow(sel string) bool {
	b.t.Helper()
	return evalT[bool](b, fmt.Sprintf(`(el => !!el && el.checkVisibility({visibilityProperty: true, opacityProperty: true}) && el.getClientRects().length > 0)(document.querySelector(%s))`, jsString(sel)))
}

// allTexts is the trimmed text of every element matching sel, in order.
func (b *tab) allTexts(sel string) []string {
	b.t.Helper()
	return evalT[[]string](b, fmt.Sprintf(`[...document.querySelectorAll(%s)].map(e => e.textContent.trim())`, jsString(sel)))
}

// shownLanguages is the text of each entry of a practice page's list of languages that says it
// is the text shown.
func (b *tab) shownLanguages(tr *i18n.Translator) []string {
	b.t.Helper()
	var out []string
	for _, li := range b.allTexts(`main section[aria-labelledby="practice-languages"] li`) {
		if strings.Contains(li, tr.T("practice.shown")) {
			out = append(out, strings.Join(strings.Fields(li), " "))
		}
	}
	return out
}
