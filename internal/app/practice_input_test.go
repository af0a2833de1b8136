package app_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
)

// Search input is text, never syntax: queries of 10,000 characters and queries made of FTS5 and
// tsquery operators answer like any other search on the page, in the feed and in the API (which
// says plainly what is too long), on both engines; none is a 500.
func TestLibrarySearchHostileQueries(t *testing.T) {
	junk := `quarantine" OR NEAR(a b) * ^col: AND -x {}[]()'\ & | ! <-> :*`
	long := strings.Repeat(junk, 10000/len(junk)+1)[:10000]
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		createPractice(t, signedIn(t, h, h.Editor, ""), practiceForm(url.Values{"title": {"Quarantine hotels for arrivals"}}))
		visitor := h.Client(t)
		for _, q := range []string{long, junk, `"`, `*`, `NEAR(quarantine hotels)`, `quarantine:*`, `'`, `\`, strings.Repeat("확", 10000)} {
			res := visitor.Get("/library?q=" + url.QueryEscape(q))
			if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusBadRequest {
				t.Errorf("library search %.40q…: %d", q, res.StatusCode)
			}
			if res := visitor.Get("/library.atom?q=" + url.QueryEscape(q)); res.StatusCode >= 500 {
				t.Errorf("library feed %.40q…: %d", q, res.StatusCode)
			}
			api := visitor.Get("/api/v1/practices?q=" + url.QueryEscape(q))
			switch {
			case len([]rune(q)) > 1000 && api.StatusCode != http.StatusUnprocessableEntity:
				t.Errorf("API search of %d characters: %d, want 422", len([]rune(q)), api.StatusCode)
			case len([]rune(q)) > 1000 && !strings.Contains(api.Body, `"field.too_long"`) && !strings.Contains(api.Body, `"q"`):
				t.Errorf("API search of %d characters does not name the field: %s", len([]rune(q)), api.Body)
			case api.StatusCode >= 500:
				t.Errorf("API search %.40q…: %d", q, api.StatusCode)
			}
		}
		// The words between the operators are still searched for.
		if res := visitor.Get("/library?q=" + url.QueryEscape(`("quarantine") & hotels* ^arrivals: -for`)); !strings.Contains(res.Body, "Quarantine hotels for arrivals") {
			t.Errorf("operator characters hid the match (%d)", res.StatusCode)
		}
	})
}

// Files over the limit and zip bombs disguised as office documents are refused with a field
// error in the reader's language, and nothing is stored.
func TestPracticeAttachmentLimits(t *testing.T) {
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if name == "word/document.xml" {
			w.Write(make([]byte, 30<<20)) // 30 MiB of zeros, about 30 KiB compressed
		} else {
			w.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	over := append(bytes.Clone(samplePDF), make([]byte, practice.DefaultMaxFile)...)
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := apptest.Start(t, dsn)
		editor := signedIn(t, h, h.Editor, "ja")
		id := idOf(t, createPractice(t, editor, practiceForm(nil)))
		upload := "/attachments?practice=" + strconv.FormatInt(id, 10)
		ja := i18n.For(i18n.JA)
		for _, tt := range []struct {
			name    string
			content []byte
		}{
			{"report.docx", bomb.Bytes()},
			{"report.pdf", over},
		} {
			res := editor.PostFile(upload, "file", tt.name, tt.content, nil)
			if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("%s (%d bytes): %d, want 422 or 413", tt.name, len(tt.content), res.StatusCode)
			}
			if !strings.Contains(res.Body, ja.T("form.error_summary")) && !strings.Contains(res.Body, `lang="ja"`) {
				t.Errorf("%s: the refusal is not a page in Japanese:\n%.500s", tt.name, res.Body)
			}
			list, err := h.App.DB.Attachments(adminCtx(), id)
			if err != nil || len(list) != 0 {
				t.Fatalf("%s: stored %d attachments (%v)", tt.name, len(list), err)
			}
		}
	})
}
