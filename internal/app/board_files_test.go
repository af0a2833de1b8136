package app_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
)

// fileHref finds the download links a page shows.
var fileHref = regexp.MustCompile(`href="(/attachments/\d+)"`)

// Files go with answers, comments and new threads through the forms: a network board's file is
// downloaded, as a download, by the network's members and by nobody else; what the checks
// refuse (markup under an image's name, a file over the limit) comes back beside the form's
// file field in the reader's language, and neither the post nor the file is stored; a practice's
// files still download as before.
func TestBoardFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardHub(t, dsn)
		seoul := signedIn(t, h.Hub, h.Editor, "ko")
		member := signedIn(t, h.Hub, h.Member, "")
		taipei := signedIn(t, h.Hub, h.Other, "")
		ko := i18n.For(i18n.KO)
		private := "/threads/" + strconv.FormatInt(h.private.ID, 10)
		upload := "/threads/" + strconv.FormatInt(h.private.ID, 10) + "/posts"

		// What a refusal must leave as it was: the thread's posts and Seoul's stored bytes.
		posts := func() int {
			t.Helper()
			ps, err := h.App.DB.BoardStore().Posts(adminCtx(), h.private.ID, citypact.Page{Limit: citypact.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			return len(ps)
		}
		usage := func() int64 {
			t.Helper()
			n, err := h.App.DB.AttachmentUsage(adminCtx(), h.Seoul.ID)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		page := seoul.Get(private)
		if !strings.Contains(page.Body, `action="`+upload+`"`) || !strings.Contains(page.Body, `enctype="multipart/form-data"`) ||
			!strings.Contains(page.Body, `name="file"`) {
			t.Fatalf("the answer form takes no file:\n%s", page.Body)
		}

		// Refused files: nothing stored, the field error in Korean, the text kept.
		beforePosts, beforeUsage := posts(), usage()
		for _, tt := range []struct {
			name    string
			content []byte
			status  int
			key     string
		}{
			{"chart.png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`), http.StatusUnprocessableEntity, "practice.file_type"},
			{"photo.png", []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"), http.StatusUnprocessableEntity, "practice.file_type"},
			{"huge.pdf", append(append([]byte{}, samplePDF...), make([]byte, practice.DefaultMaxFile)...), http.StatusRequestEntityTooLarge, "practice.file_too_large"},
		} {
			res := seoul.PostFile(upload, "file", tt.name, tt.content, url.Values{"body": {"Our ventilator list, attached."}, "lang": {"en"}})
			if res.StatusCode != tt.status {
				t.Errorf("%s: %d, want %d", tt.name, res.StatusCode, tt.status)
			}
			// The type named in the message is what the content was found to be.
			msg := ko.T(tt.key, "max_mb", "20", "type", "")
			if _, after, ok := strings.Cut(msg, ")"); ok {
				msg = after
			}
			if !strings.Contains(res.Body, `id="f-file-error"`) || !strings.Contains(res.Body, msg) {
				t.Errorf("%s: no field error in Korean (%q)", tt.name, msg)
			}
			if !strings.Contains(res.Body, "Our ventilator list, attached.") {
				t.Errorf("%s: the answer's text did not come back", tt.name)
			}
			if p, u := posts(), usage(); p != beforePosts || u != beforeUsage {
				t.Fatalf("%s: posts %d → %d, stored bytes %d → %d", tt.name, beforePosts, p, beforeUsage, u)
			}
		}
		// A refused post leaves no file: a good file with an empty answer.
		if res := seoul.PostFile(upload, "file", "list.pdf", samplePDF, url.Values{"body": {" "}, "lang": {"en"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("empty answer with a file: %d, want 422", res.StatusCode)
		}
		if p, u := posts(), usage(); p != beforePosts || u != beforeUsage {
			t.Fatalf("refused answer: posts %d → %d, stored bytes %d → %d", beforePosts, p, beforeUsage, u)
		}

		// An answer with a file.
		res := seoul.PostFile(upload, "file", "인공호흡기 목록.pdf", samplePDF, url.Values{"body": {"Our list."}, "lang": {"en"}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), private+"#post-") {
			t.Fatalf("answer with a file: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		if u := usage(); u != beforeUsage+int64(len(samplePDF)) {
			t.Errorf("stored bytes %d, want %d: the file counts against Seoul's quota", u, beforeUsage+int64(len(samplePDF)))
		}
		page = member.Get(private)
		m := fileHref.FindStringSubmatch(page.Body)
		if m == nil || !strings.Contains(page.Body, "인공호흡기 목록.pdf") || !strings.Contains(page.Body, "PDF") {
			t.Fatalf("the thread does not list the answer's file:\n%s", page.Body)
		}
		href := m[1]
		dl := member.Get(href)
		if dl.StatusCode != http.StatusOK || !bytes.Equal([]byte(dl.Body), samplePDF) {
			t.Fatalf("member's download: %d, %d bytes", dl.StatusCode, len(dl.Body))
		}
		for header, want := range map[string]string{
			"Content-Type":            "application/pdf",
			"Content-Disposition":     `attachment; filename="_____ __.pdf"; filename*=UTF-8''%EC%9D%B8%EA%B3%B5%ED%98%B8%ED%9D%A1%EA%B8%B0%20%EB%AA%A9%EB%A1%9D.pdf`,
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "sandbox",
		} {
			if got := dl.Header.Get(header); !strings.Contains(got, want) {
				t.Errorf("%s: %q, want %q", header, got, want)
			}
		}
		// Nobody outside the network: not a visitor, not Taipei's editor.
		if res := h.Client(t).Get(href); res.StatusCode != http.StatusNotFound {
			t.Errorf("visitor download of a network board's file: %d", res.StatusCode)
		}
		if res := taipei.Get(href); res.StatusCode != http.StatusNotFound {
			t.Errorf("Taipei's download of a network board's file: %d", res.StatusCode)
		}
		if res := member.Get("/attachments/999999"); res.StatusCode != http.StatusNotFound {
			t.Errorf("download of a file that does not exist: %d", res.StatusCode)
		}

		// A new thread with a file on a public board: anyone downloads it.
		res = seoul.PostFile("/boards/"+h.public.Slug+"/new", "file", "plan.pdf", samplePDF,
			url.Values{"title": {"Our screening plan"}, "body": {"Attached."}, "lang": {"en"}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/threads/") {
			t.Fatalf("thread with a file: %d\n%s", res.StatusCode, res.Body)
		}
		thread := res.Header.Get("Location")
		if m = fileHref.FindStringSubmatch(h.Client(t).Get(thread).Body); m == nil {
			t.Fatal("the new thread does not list its file")
		}
		if dl := h.Client(t).Get(m[1]); dl.StatusCode != http.StatusOK || dl.Header.Get("Content-Disposition") == "" {
			t.Errorf("visitor download of a public thread's file: %d", dl.StatusCode)
		}
		// A refused thread stores nothing either.
		threadsBefore, usageBefore := len(threadsOn(t, h, h.public.ID)), usage()
		res = seoul.PostFile("/boards/"+h.public.Slug+"/new", "file", "x.png", []byte("<html><script>1</script></html>"),
			url.Values{"title": {"Refused"}, "body": {"x"}, "lang": {"en"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-file-error"`) {
			t.Errorf("thread with an HTML file: %d", res.StatusCode)
		}
		if n, u := len(threadsOn(t, h, h.public.ID)), usage(); n != threadsBefore || u != usageBefore {
			t.Errorf("refused thread: threads %d → %d, stored bytes %d → %d", threadsBefore, n, usageBefore, u)
		}

		// A comment on an answer carries a file too.
		res = member.PostFile("/threads/"+strconv.FormatInt(h.question.ID, 10)+"/posts", "file", "notes.txt", []byte("Lane plan: ten cars.\n"),
			url.Values{"parent": {strconv.FormatInt(h.answer.ID, 10)}, "body": {"Our notes."}, "lang": {"en"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment with a file: %d\n%s", res.StatusCode, res.Body)
		}
		ps, err := h.App.DB.BoardStore().Posts(adminCtx(), h.question.ID, citypact.Page{Limit: citypact.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		last := ps[len(ps)-1]
		if last.Kind != board.PostComment || len(last.Attachments) != 1 {
			t.Errorf("stored comment: %+v", last)
		}

		// A file larger than an ordinary form's body limit (1 MiB) but within the upload limit
		// goes through the answer form: its route has the upload's body limit.
		big := append(append([]byte{}, samplePDF...), make([]byte, 3<<20)...)
		res = member.PostFile("/threads/"+strconv.FormatInt(h.question.ID, 10)+"/posts", "file", "floor-plan.pdf", big,
			url.Values{"body": {"Our floor plan."}, "lang": {"en"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a 3 MiB file with an answer: %d\n%s", res.StatusCode, res.Body)
		}

		// A practice's file still uploads and downloads as before, for its editors' organisation.
		pp := createPractice(t, seoul, practiceForm(url.Values{"visibility": {"partners"}}))
		res = seoul.PostFile("/attachments?practice="+strconv.FormatInt(idOf(t, pp), 10), "file", "guide.pdf", samplePDF, nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("practice upload: %d", res.StatusCode)
		}
		list, err := h.App.DB.Attachments(adminCtx(), idOf(t, pp))
		if err != nil || len(list) != 1 {
			t.Fatalf("practice files: %v %v", list, err)
		}
		ph := "/attachments/" + strconv.FormatInt(list[0].ID, 10)
		if dl := seoul.Get(ph); dl.StatusCode != http.StatusOK || dl.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("practice file download: %d", dl.StatusCode)
		}
		if res := h.Client(t).Get(ph); res.StatusCode != http.StatusNotFound {
			t.Errorf("visitor download of a partners-only practice file: %d", res.StatusCode)
		}
		if res := member.PostFile("/attachments?practice="+strconv.FormatInt(idOf(t, pp), 10), "file", "x.pdf", samplePDF, nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("a member uploading to a practice: %d, want 403", res.StatusCode)
		}
	})
}
