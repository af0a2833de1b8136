// Package e2e drives a real browser (headless Chromium, through chromedp) against a whole hub:
// it signs in, switches the language, changes a password, runs axe-core on the pages and takes
// screenshots. Where no Chromium is installed the tests skip, loudly, unless
// CITYPACT_REQUIRE_BROWSER=1 (set in CI) makes that a failure. CITYPACT_SCREENSHOTS=DIR keeps the
// screenshots in DIR.
package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// testTimeout bounds a test's whole browser session (start, every page, shut-down) unless the
// test asks for more.
const testTimeout = 60 * time.Second

// chromiumPath finds a Chromium or Chrome binary, or skips the test (fails it when
// CITYPACT_REQUIRE_BROWSER=1).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "NO BROWSER: none of chromium, chromium-browser, google-chrome is on PATH (install Debian's chromium)"
	if os.Getenv("CITYPACT_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + ", and CITYPACT_REQUIRE_BROWSER=1 requires one")
	}
	t.Skip(msg + ": SKIPPING this browser test; set CITYPACT_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// tab is one browser tab on a hub.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// newTab starts a fresh headless Chromium (own profile, no cookies) for the length of the test,
// bounded by timeout. Call it before starting the hub so that a missing browser skips early.
func newTab(t *testing.T, timeout time.Duration) *tab {
	t.Helper()
	path := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate"),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	// Cleanups run last-in first-out: the browser stops (and the allocator waits for its
	// process) before t.TempDir removes the profile.
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	start := time.Now()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	t.Logf("browser %s started in %v", path, time.Since(start).Round(time.Millisecond))
	return &tab{t: t, ctx: bctx}
}

// do runs steps, failing the test with what was being done.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// load runs steps that make the page load another document (a navigation, a link, a form
// submission, with any redirects) and waits for it; it returns the final document's status.
func (b *tab) load(what string, steps ...chromedp.Action[chromedp.Void]) int {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, steps...)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if res == nil {
		b.t.Fatalf("%s: no document response", what)
	}
	// A control with autofocus (the error summary) takes focus after the load, in a later
	// rendering step. Wait for that, so that typing into the page and checks of the focus do
	// not race it. Should it never happen, the tests that check the focus say so.
	if !evalT[bool](b, autofocusSettledJS) {
		_, err = chromedp.Run(b.ctx, chromedp.Poll[bool](autofocusSettledJS,
			chromedp.WithPollingTimeout(3*time.Second), chromedp.WithPollingInterval(20*time.Millisecond)))
		if err != nil && !errors.Is(err, chromedp.ErrPollingTimeout) {
			b.t.Fatalf("%s: waiting for autofocus: %v", what, err)
		}
	}
	return int(res.Status)
}

const autofocusSettledJS = `(() => {
	const a = document.querySelector("[autofocus]");
	return !a || document.activeElement === a;
})()`

// open navigates to a path of the hub and fails unless the page answers want.
func (b *tab) open(path string, want int) {
	b.t.Helper()
	if got := b.load("open "+path, chromedp.Navigate(b.base+path)); got != want {
		b.t.Fatalf("GET %s: status %d, want %d\n%s", path, got, want, b.bodyText())
	}
}

// click clicks the first element matching a CSS selector and waits for the next page.
func (b *tab) click(sel string) int {
	b.t.Helper()
	return b.load("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// fill empties a form control and types text into it with real key events.
//
// It does not use chromedp.Clear and chromedp.SendKeys: Clear empties an input by setting its
// value attribute, and the attributeModified event that follows races (go test -race) with
// SendKeys, which in chromedp v0.23.0 reads the node's attributes before locking it
// (query.go:1293). Emptying the live value in JavaScript fires no DOM event.
func (b *tab) fill(sel, text string) {
	b.t.Helper()
	b.do("fill "+sel,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(el => { el.value = ""; el.focus(); })(document.querySelector(%s))`, jsString(sel))),
		chromedp.KeyEvent(text),
	)
	if got := evalT[string](b, fmt.Sprintf(`document.querySelector(%s).value`, jsString(sel))); got != text {
		b.t.Fatalf("fill %s: the field holds %q, want %q", sel, got, text)
	}
}

// text is the rendered text of the first element matching sel, trimmed.
func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// has reports whether an element matching sel is in the page now (it does not wait).
func (b *tab) has(sel string) bool {
	b.t.Helper()
	return evalT[bool](b, fmt.Sprintf("document.querySelector(%s) !== null", jsString(sel)))
}

// bodyText is the page's visible text, for failure messages.
func (b *tab) bodyText() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return fmt.Sprintf("(page text unavailable: %v)", err)
	}
	return s
}

// location is the path (and query) of the current page.
func (b *tab) location() string {
	b.t.Helper()
	return evalT[string](b, `location.pathname + location.search`)
}

// evalT evaluates a JavaScript expression in the page (through the DevTools protocol, which
// the page's Content-Security-Policy does not govern) and decodes its value.
func evalT[T any](b *tab, expr string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		b.t.Fatalf("evaluate %.80q: %v", expr, err)
	}
	return v
}

func jsString(s string) string {
	j, _ := json.Marshal(s)
	return string(j)
}

// viewport sets the page's width in CSS pixels; below 600 px it emulates a phone.
func (b *tab) viewport(width int64) {
	b.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile)
	}
	b.do(fmt.Sprintf("viewport %d px", width), chromedp.EmulateViewport(width, 800, opts...))
}

// checkFits fails if the page is wider than the viewport: a sideways scroll of the whole page
// (not of a table inside its own scrolling box) is a layout bug.
func (b *tab) checkFits(page string, width int64) {
	b.t.Helper()
	if sw := evalT[int64](b, `document.documentElement.scrollWidth`); sw > width {
		b.t.Errorf("%s at %d px: the page is %d px wide, wider than the viewport; elements past the edge: %s",
			page, width, sw, evalT[string](b, overflowJS))
	}
}

// signIn fills and submits the sign-in form on the current page and returns the status.
func (b *tab) signIn(email, password string) int {
	b.t.Helper()
	b.fill("#f-email", email)
	b.fill("#f-password", password)
	return b.click(`main form[action="/signin"] button[type="submit"]`)
}

// mustSignIn opens the sign-in page, switches the interface to l when it is not "", and signs
// in with the test password, failing the test unless that works.
func (b *tab) mustSignIn(l i18n.Lang, email string) {
	b.t.Helper()
	b.open("/signin", 200)
	if l != "" {
		b.setLang(l)
	}
	if st := b.signIn(email, apptest.Password); st != 200 {
		b.t.Fatalf("sign-in as %s: final page status %d\n%s", email, st, b.bodyText())
	}
}

// setLang clicks the header's language button for l and checks the page then says it is in l.
func (b *tab) setLang(l i18n.Lang) {
	b.t.Helper()
	sel := fmt.Sprintf(`header form.lang-switch button[name="lang"][value=%q]`, string(l))
	if got := b.text(sel); got != l.Name() {
		b.t.Errorf("language button %s reads %q, want %q", sel, got, l.Name())
	}
	b.click(sel)
	if got := evalT[string](b, `document.documentElement.lang`); got != l.HTMLLang() {
		b.t.Fatalf("after choosing %s, <html lang=%q>, want %q", l, got, l.HTMLLang())
	}
	if got := evalT[string](b, fmt.Sprintf(`document.querySelector(%s).getAttribute("aria-pressed")`, jsString(sel))); got != "true" {
		b.t.Errorf("after choosing %s, its button has aria-pressed=%q, want \"true\"", l, got)
	}
}

// checkTranslated fails if a missing-translation marker is on the page, and logs (for the
// report: the English fallback is legitimate while translations are being written) keys whose
// Korean, Chinese or Japanese text is still the English one.
func (b *tab) checkTranslated(l i18n.Lang, keys ...string) {
	b.t.Helper()
	if txt := b.bodyText(); strings.Contains(txt, "⟦") {
		b.t.Errorf("%s on %s: a missing-translation marker ⟦key⟧ is on the page:\n%s", l, b.location(), txt)
	}
	if l == i18n.EN {
		return
	}
	for _, k := range keys {
		if i18n.For(l).T(k) == i18n.For(i18n.EN).T(k) {
			b.t.Logf("NOTE %s: no %s translation of %q yet: the page shows the English %q", b.location(), l, k, i18n.For(l).T(k))
		}
	}
}

func TestBrowserSignInKoreanPasswordChange(t *testing.T) {
	b := newTab(t, testTimeout)
	hub := apptest.Start(t, dbtest.SQLite(t))
	b.base = hub.URL
	ko, en := i18n.For(i18n.KO), i18n.For(i18n.EN)
	const newPassword = "a brand new passphrase 2026"

	// A visitor opens the home page and follows the sign-in link in the header.
	b.open("/", 200)
	b.setLang(i18n.EN) // whatever the browser's Accept-Language, start from English
	b.click(`header .site-nav a[href="/signin"]`)
	if got := b.location(); got != "/signin" {
		t.Fatalf("the sign-in link led to %s", got)
	}
	if got, want := b.text("main h1"), en.T("signin.title"); got != want {
		t.Errorf("sign-in page h1 = %q, want %q", got, want)
	}
	if st := b.signIn(hub.Member.Email, apptest.Password); st != 200 {
		t.Fatalf("signing in: final page status %d\n%s", st, b.bodyText())
	}
	if !b.has(`header .site-nav a[href="/account"]`) {
		t.Fatalf("signed in, but no account link in the header:\n%s", b.bodyText())
	}
	if got, want := b.text(`header .site-nav a[href="/account"]`), en.T("nav.account"); got != want {
		t.Errorf("account link reads %q, want %q", got, want)
	}

	// Korean, from the header's language switcher.
	b.setLang(i18n.KO)
	if got, want := b.text(`header .site-nav a[href="/account"]`), ko.T("nav.account"); got != want {
		t.Errorf("in Korean the account link reads %q, want %q", got, want)
	}
	b.open("/account", 200)
	if got := evalT[string](b, `document.documentElement.lang`); got != "ko" {
		t.Fatalf("/account: <html lang=%q>, want ko", got)
	}
	if got, want := b.text("main h1"), ko.T("account.title"); got != want {
		t.Errorf("/account h1 = %q, want the Korean %q", got, want)
	}
	b.checkTranslated(i18n.KO, "account.title", "password.change.title", "password.change.submit", "field.current", "field.new")

	// Change the password.
	b.fill("#f-current", apptest.Password)
	b.fill("#f-new", newPassword)
	if st := b.click(`main form[action="/account/password"] button[type="submit"]`); st != 200 {
		t.Fatalf("changing the password: final page status %d\n%s", st, b.bodyText())
	}
	if got := b.location(); got != "/account" {
		t.Errorf("after the password change the browser is at %s, want /account", got)
	}
	if !b.has(`main .notice--success[role="status"]`) {
		t.Fatalf("no success notice after the password change:\n%s", b.bodyText())
	}
	if got, want := b.text(`main .notice--success[role="status"]`), ko.T("flash.password_changed"); got != want {
		t.Errorf("success notice = %q, want %q", got, want)
	}
	b.checkTranslated(i18n.KO, "flash.password_changed")

	// Sign out with the header's button.
	b.click(`header .site-nav form[action="/signout"] button[type="submit"]`)
	if b.has(`header .site-nav a[href="/account"]`) {
		t.Fatalf("still signed in after signing out:\n%s", b.bodyText())
	}
	if got := evalT[string](b, `document.documentElement.lang`); got != "ko" {
		t.Errorf("after signing out, <html lang=%q>, want ko (the language cookie stays)", got)
	}

	// The old password no longer works; the refusal is in Korean.
	b.open("/signin", 200)
	if st := b.signIn(hub.Member.Email, apptest.Password); st != 401 {
		t.Errorf("signing in with the old password: status %d, want 401", st)
	}
	if !b.has(`main .error-summary[role="alert"]`) {
		t.Fatalf("no error summary after signing in with the old password:\n%s", b.bodyText())
	}
	if got, want := b.text(`main .error-summary`), ko.T("signin.failed"); !strings.Contains(got, want) {
		t.Errorf("error summary = %q, want it to contain %q", got, want)
	}
	if got := evalT[string](b, `document.activeElement ? document.activeElement.className : ""`); !strings.Contains(got, "error-summary") {
		t.Errorf("the error summary does not have focus (the focused element's class is %q)", got)
	}
	if b.has(`header .site-nav a[href="/account"]`) {
		t.Fatal("the old password signed in")
	}
	b.checkTranslated(i18n.KO, "signin.failed", "form.error_summary", "signin.title")

	// The new one does.
	if st := b.signIn(hub.Member.Email, newPassword); st != 200 {
		t.Fatalf("signing in with the new password: final page status %d\n%s", st, b.bodyText())
	}
	if !b.has(`header .site-nav a[href="/account"]`) {
		t.Fatalf("the new password did not sign in:\n%s", b.bodyText())
	}
	if got := evalT[string](b, `document.documentElement.lang`); got != "ko" {
		t.Errorf("after signing in again, <html lang=%q>, want ko", got)
	}
}

// TestScreenshots photographs the Korean home page and the Korean sign-in page with a failed
// sign-in at desktop and phone widths. It checks that nothing overflows the viewport sideways;
// with CITYPACT_SCREENSHOTS=DIR set, it keeps the PNGs in DIR for a person to look at.
func TestScreenshots(t *testing.T) {
	b := newTab(t, testTimeout)
	hub := apptest.Start(t, dbtest.SQLite(t))
	b.base = hub.URL
	out := t.TempDir()
	keep := os.Getenv("CITYPACT_SCREENSHOTS")
	if keep != "" {
		if err := os.MkdirAll(keep, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	b.open("/", 200)
	b.setLang(i18n.KO)
	for _, width := range []int64{1280, 375} {
		b.viewport(width)
		shoot := func(name string) {
			t.Helper()
			b.checkFits(name, width)
			png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("screenshot %s: %v", name, err)
			}
			file := fmt.Sprintf("%s-ko-%d.png", name, width)
			for _, dir := range []string{out, keep} {
				if dir == "" {
					continue
				}
				if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}

		b.open("/", 200)
		b.checkTranslated(i18n.KO, "home.title", "home.lead")
		shoot("home")

		b.open("/signin", 200)
		if st := b.signIn(hub.Member.Email, "not the password"); st != 401 {
			t.Errorf("wrong password: status %d, want 401", st)
		}
		if !b.has(".error-summary") {
			t.Errorf("wrong password at %d px: no error summary", width)
		}
		b.checkTranslated(i18n.KO, "signin.failed", "form.error_summary")
		shoot("signin-error")
	}
	if keep != "" {
		t.Logf("screenshots kept in %s", keep)
	}
}

// overflowJS lists the elements that reach past the right edge of the viewport.
const overflowJS = `(() => {
	const w = document.documentElement.clientWidth, out = [];
	for (const el of document.querySelectorAll("body *")) {
		const r = el.getBoundingClientRect();
		if (r.right > w + 1) out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : "") + " (right edge " + Math.round(r.right) + ")");
		if (out.length >= 8) break;
	}
	return out.join(", ");
})()`
