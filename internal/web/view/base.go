// Package view holds the HTML pages as compiled templ components, each rendered from its own typed
// view struct. Compiled templates cost a twentieth of html/template's CPU per page, and pages are
// the hot path. It knows no HTTP handler and no storage: handlers fill the structs.
package view

import (
	"fmt"
	"html"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
)

// Assets are the content-hashed URLs of the embedded static files.
type Assets struct {
	CSS     string
	Favicon string
}

// Viewer is who is looking at the page.
type Viewer struct {
	SignedIn bool
	Name     string
	Role     citypact.Role
	Unread   int // unread notifications, shown in the header (signed-in readers only)
}

// Base is what every page's view embeds.
type Base struct {
	Tr        *i18n.Translator
	Title     string // the page's own title, already translated
	Path      string // the current path and query, where the language switcher returns to
	Nav       string // which main-navigation item is current: "home", "account", "admin"
	Viewer    Viewer
	Assets    Assets
	Flash     string // i18n key of a one-time success message
	HasErrors bool   // prefixes the title so screen readers hear the failure first
	Demo      bool   // the hub holds sample data: a notice on every page says so
}

// T translates key into the page's language.
func (b Base) T(key string, args ...string) string { return b.Tr.T(key, args...) }

// Lang is the page's language.
func (b Base) Lang() i18n.Lang { return b.Tr.Lang() }

// FullTitle is the document title: the page, then the site.
func (b Base) FullTitle() string {
	t := b.Title + " – " + b.T("site.name")
	if b.HasErrors {
		t = b.T("form.error_prefix") + " " + t
	}
	return t
}

// Form carries a submitted form back to the page with its field errors, so the user's input is
// kept and each message stands beside its field.
type Form struct {
	Values map[string]string
	Errors []citypact.FieldError
	// Message is an i18n key for a whole-form error (e.g. a failed sign-in).
	Message string
}

// Value returns what the user typed into a field.
func (f Form) Value(name string) string { return f.Values[name] }

// Err returns the translated error of one field, or "".
func (f Form) Err(b Base, name string) string {
	for _, e := range f.Errors {
		if e.Field == name {
			return b.T(e.Key, e.Args...)
		}
	}
	return ""
}

// Failed reports whether there is anything to put in the error summary.
func (f Form) Failed() bool { return len(f.Errors) > 0 || f.Message != "" }

// fieldID is the id of a form control, which the error summary links to.
func fieldID(name string) string { return "f-" + strings.ReplaceAll(name, "_", "-") }

func errID(name string) string { return fieldID(name) + "-error" }

func hintID(name string) string { return fieldID(name) + "-hint" }

// describedBy ties a control to its hint and error message for screen readers.
func describedBy(name string, hint bool, err string) string {
	var ids []string
	if hint {
		ids = append(ids, hintID(name))
	}
	if err != "" {
		ids = append(ids, errID(name))
	}
	return strings.Join(ids, " ")
}

func ariaBool(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

// langButtons returns the switcher's buttons with the current language pressed, built once per
// language: escaping the same attributes on every page was a sixth of a page's rendering time.
var langButtons = func() func(i18n.Lang) string {
	built := make(map[i18n.Lang]string, len(i18n.Langs))
	for _, cur := range i18n.Langs {
		var sb strings.Builder
		for _, l := range i18n.Langs {
			fmt.Fprintf(&sb, `<button type="submit" name="lang" value="%s" lang="%s" class="link-button" aria-pressed="%s" aria-describedby="lang-label">%s</button>`,
				html.EscapeString(l.String()), html.EscapeString(l.HTMLLang()), ariaBool(l == cur), html.EscapeString(l.Name()))
		}
		built[cur] = sb.String()
	}
	return func(l i18n.Lang) string { return built[l] }
}()
