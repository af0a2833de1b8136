package web

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/citypact/citypact/internal/feed"
	"github.com/citypact/citypact/internal/httpx"
	"github.com/citypact/citypact/internal/i18n"
)

// What every Atom feed of the hub shares: the library's and the boards'.

// feedLang reads a feed's ?lang=: the language of its text (any BCP 47 tag) and of its own
// words (an interface language, English for one the interface does not speak). Without it the
// feed is in the reader's language, as pages are (Accept-Language, else the language cookie).
func feedLang(r *http.Request) (string, i18n.Lang, error) {
	ui := stateOf(r).tr.Lang()
	l := strings.TrimSpace(r.URL.Query().Get("lang"))
	if l == "" {
		return string(ui), ui, nil
	}
	tag := i18n.CanonicalTag(l)
	if !i18n.ValidTag(tag) {
		return "", ui, &httpx.Status{Code: http.StatusBadRequest, Key: "error.malformed"}
	}
	ui = i18n.EN
	if x, ok := i18n.Parse(tag); ok {
		ui = x
	}
	return tag, ui, nil
}

// writeFeed writes a, whole, so that a failure is still an error page.
func writeFeed(w http.ResponseWriter, a feed.Atom) error {
	var b bytes.Buffer
	if err := feed.WriteAtom(&b, a); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", feed.AtomType)
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Language, Cookie") // without ?lang=, the reader's language
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b.Bytes())
	return err
}
