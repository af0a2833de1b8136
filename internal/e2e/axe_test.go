package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
)

// axeSource is the vendored axe-core (testdata/README.md says which version and why).
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile("testdata/axe.min.js")
	return string(b), err
})

type axeNode struct {
	Target         json.RawMessage `json:"target"` // CSS selectors; nested arrays cross shadow roots and frames
	HTML           string          `json:"html"`
	FailureSummary string          `json:"failureSummary"`
}

type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

func (v axeViolation) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s [%s]: %s (%s)", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&sb, "\n\t\t%s %s", n.Target, n.HTML)
		if n.FailureSummary != "" {
			fmt.Fprintf(&sb, "\n\t\t\t%s", strings.ReplaceAll(n.FailureSummary, "\n", "\n\t\t\t"))
		}
	}
	return sb.String()
}

// axeRunJS runs axe on the whole document and hands back the violations as JSON text.
const axeRunJS = `(async () => {
	const r = await axe.run(document, {resultTypes: ["violations"]});
	return JSON.stringify(r.violations.map(v => ({
		id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary})),
	})));
})()`

// axe injects axe-core into the current page, unless it is there already, and runs it. The
// page's Content-Security-Policy (script-src 'self') would refuse an inline <script>, but
// Runtime.evaluate over the DevTools protocol is not subject to it.
func (b *tab) axe() []axeViolation {
	b.t.Helper()
	if !evalT[bool](b, `typeof window.axe === "object" && typeof window.axe.run === "function"`) {
		src, err := axeSource()
		if err != nil {
			b.t.Fatalf("reading axe-core: %v", err)
		}
		b.do("inject axe-core", chromedp.Evaluate[chromedp.Void](src))
		if v := evalT[string](b, `typeof window.axe === "object" ? axe.version : "missing"`); v != "4.14.1" {
			b.t.Fatalf("after injecting axe-core, axe.version is %q, want 4.14.1", v)
		}
	}
	out := evalT[string](b, axeRunJS, chromedp.EvalAwaitPromise)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		b.t.Fatalf("decoding axe results: %v\n%s", err, out)
	}
	return vs
}

// checkAxe runs axe on the current page: serious and critical violations fail the test, the
// rest are logged.
func (b *tab) checkAxe(page string) {
	b.t.Helper()
	for _, v := range b.axe() {
		switch v.Impact {
		case "serious", "critical":
			b.t.Errorf("axe on %s: %s", page, v)
		default:
			b.t.Logf("axe on %s (not failing): %s", page, v)
		}
	}
}

func TestAccessibility(t *testing.T) {
	b := newTab(t, 6*testTimeout) // some 80 pages, each checked by axe
	hub := apptest.Start(t, dbtest.SQLite(t))
	b.base = hub.URL
	boardPublic, boardAdmin := boardPages(t, hub)

	// Prove that an inline script really is refused here, so the injection above is what makes
	// axe run, not a lax policy.
	b.open("/", 200)
	if got := evalT[string](b, `(() => {
		const s = document.createElement("script");
		s.textContent = "window.__inline = 1";
		document.head.appendChild(s);
		return String(window.__inline);
	})()`); got != "undefined" {
		t.Errorf("an inline <script> ran (window.__inline = %s): the page's Content-Security-Policy does not block inline script", got)
	}

	// Each language at desktop width, and Korean at phone width too, where tables scroll and
	// the header wraps.
	type pass struct {
		lang  i18n.Lang
		width int64
	}
	passes := []pass{{i18n.EN, 1280}, {i18n.KO, 1280}, {i18n.KO, 375}}

	visit := func(p pass, path string, status int) {
		t.Helper()
		b.open(path, status)
		if got := evalT[string](b, `document.documentElement.lang`); got != p.lang.HTMLLang() {
			t.Errorf("%s in %s: <html lang=%q>", path, p.lang, got)
		}
		b.checkTranslated(p.lang)
		b.checkFits(path, p.width)
		b.checkAxe(fmt.Sprintf("%s (%s, %d px)", path, p.lang, p.width))
	}

	for _, p := range passes {
		b.viewport(p.width)
		b.open("/", 200)
		b.setLang(p.lang)
		visit(p, "/", 200)
		visit(p, "/signin", 200)
		visit(p, "/password/forgot", 200)
		visit(p, "/join?token=cpi_forged", 404)
		visit(p, "/no-such-page", 404)
		for _, path := range boardPublic {
			visit(p, path, 200)
		}
		// The sign-in page after a failure: error summary, focused, field values kept.
		b.open("/signin", 200)
		if st := b.signIn(hub.Admin.Email, "not the password"); st != 401 {
			t.Errorf("wrong password: status %d, want 401", st)
		}
		b.checkTranslated(p.lang)
		b.checkAxe(fmt.Sprintf("/signin after a failed sign-in (%s, %d px)", p.lang, p.width))
	}

	// Signed in as the admin, every page reachable from the header.
	b.open("/signin", 200)
	if st := b.signIn(hub.Admin.Email, apptest.Password); st != 200 {
		t.Fatalf("admin sign-in: final page status %d\n%s", st, b.bodyText())
	}
	if got := b.location(); got != "/" {
		t.Fatalf("admin sign-in led to %s, not /:\n%s", got, b.bodyText())
	}
	for _, p := range passes {
		b.viewport(p.width)
		b.setLang(p.lang)
		for _, path := range []string{"/", "/account", "/account/sessions", "/account/tokens", "/account/totp", "/account/notifications", "/notifications", "/search?q=screening", "/invitations", "/admin", "/admin/users", "/admin/audit"} {
			visit(p, path, 200)
		}
		for _, path := range boardAdmin {
			visit(p, path, 200)
		}
		// The boards' forms that failed: a report without a reason, supply information with an
		// unreadable price.
		b.open(boardAdmin[5], 200)
		if st := b.click(`main form[action$="/report"] button[type="submit"]`); st != 422 {
			t.Errorf("a report without a reason: status %d, want 422", st)
		}
		b.checkTranslated(p.lang)
		b.checkAxe(fmt.Sprintf("a report without a reason (%s, %d px)", p.lang, p.width))
		b.open("/boards/masks/new", 200)
		b.fill("#f-unit-price", "12,50")
		if st := b.click(`main form[action="/boards/masks/new"] button[type="submit"]`); st != 422 {
			t.Errorf("a supply form with errors: status %d, want 422", st)
		}
		b.checkTranslated(p.lang)
		b.checkFits("/boards/masks/new after errors", p.width)
		b.checkAxe(fmt.Sprintf("/boards/masks/new after errors (%s, %d px)", p.lang, p.width))
		// A form that failed, with its field errors.
		b.open("/account", 200)
		b.fill("#f-current", "wrong")
		b.fill("#f-new", "x")
		if st := b.click(`main form[action="/account/password"] button[type="submit"]`); st != 422 {
			t.Errorf("bad password change: status %d, want 422", st)
		}
		b.checkTranslated(p.lang)
		b.checkAxe(fmt.Sprintf("/account after a failed password change (%s, %d px)", p.lang, p.width))
	}
}
