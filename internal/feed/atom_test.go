package feed

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

// atomDoc is what a reader takes from an Atom document, parsed back by encoding/xml.
type atomDoc struct {
	XMLName xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Entries []struct {
		Lang    string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		ID      string     `xml:"id"`
		Title   string     `xml:"title"`
		Updated string     `xml:"updated"`
		Publish string     `xml:"published"`
		Links   []atomLink `xml:"link"`
		Summary struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"summary"`
		Author struct {
			Name string `xml:"name"`
			URI  string `xml:"uri"`
		} `xml:"author"`
		Categories []struct {
			Term  string `xml:"term,attr"`
			Label string `xml:"label,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

func parseAtom(t *testing.T, b []byte) atomDoc {
	t.Helper()
	var d atomDoc
	if err := xml.Unmarshal(b, &d); err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, b)
	}
	return d
}

func TestWriteAtom(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a := Atom{
		ID: TagURI("citypact.org", day("2026-01-01T00:00:00Z"), "library?lang=ko"), Title: "대응 사례 라이브러리", Lang: "ko",
		Self: "/library.atom?lang=ko", Alternate: "/library",
		Entries: []AtomEntry{
			{ID: "tag:citypact.org,2026-01-01:practice/2/version/3", Title: "선별진료소 <운영>", Summary: "a < b & <script>alert(1)</script>",
				Link: "/practices/2", Author: "서울특별시", AuthorURI: "/orgs/seoul",
				Categories: []AtomCategory{{Term: "screening-testing", Label: "선별 및 검사"}},
				Published:  day("2026-02-01T09:00:00+09:00"), Updated: day("2026-03-01T12:00:00Z")},
			{ID: "tag:citypact.org,2026-01-01:practice/1/version/1", Title: "Drive-through testing", Summary: "In English for want of a translation.\x01",
				Lang: "en", Link: "/practices/1", Author: "Taipei", Updated: day("2026-02-15T00:00:00Z")},
		},
	}
	var b bytes.Buffer
	if err := WriteAtom(&b, a); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration:\n%s", b.String())
	}
	d := parseAtom(t, b.Bytes())
	if d.ID != "tag:citypact.org,2026-01-01:library?lang=ko" || d.Title != a.Title || d.Lang != "ko" {
		t.Errorf("feed id %q, title %q, lang %q", d.ID, d.Title, d.Lang)
	}
	if d.Updated != "2026-03-01T12:00:00Z" {
		t.Errorf("feed updated %q, want the newest entry's", d.Updated)
	}
	wantLinks := []atomLink{{"/library.atom?lang=ko", "self", "application/atom+xml"}, {"/library", "alternate", "text/html"}}
	if len(d.Links) != 2 || d.Links[0] != wantLinks[0] || d.Links[1] != wantLinks[1] {
		t.Errorf("feed links %+v, want %+v", d.Links, wantLinks)
	}
	if len(d.Entries) != 2 {
		t.Fatalf("%d entries, want 2", len(d.Entries))
	}
	e := d.Entries[0]
	if e.ID != a.Entries[0].ID || e.Title != "선별진료소 <운영>" || e.Lang != "" {
		t.Errorf("entry 0: id %q, title %q, lang %q", e.ID, e.Title, e.Lang)
	}
	if e.Summary.Type != "text" || e.Summary.Text != "a < b & <script>alert(1)</script>" {
		t.Errorf("entry 0 summary %+v: want the plain text, typed text", e.Summary)
	}
	if strings.Contains(b.String(), "<script>") {
		t.Error("markup in a summary was written unescaped")
	}
	if e.Updated != "2026-03-01T12:00:00Z" || e.Publish != "2026-02-01T00:00:00Z" {
		t.Errorf("entry 0 updated %q, published %q (want UTC)", e.Updated, e.Publish)
	}
	if len(e.Links) != 1 || e.Links[0] != (atomLink{"/practices/2", "alternate", "text/html"}) {
		t.Errorf("entry 0 links %+v", e.Links)
	}
	if e.Author.Name != "서울특별시" || e.Author.URI != "/orgs/seoul" {
		t.Errorf("entry 0 author %+v", e.Author)
	}
	if len(e.Categories) != 1 || e.Categories[0].Term != "screening-testing" || e.Categories[0].Label != "선별 및 검사" {
		t.Errorf("entry 0 categories %+v", e.Categories)
	}
	e = d.Entries[1]
	if e.Lang != "en" || e.Publish != "" || len(e.Categories) != 0 || e.Author.URI != "" {
		t.Errorf("entry 1: lang %q, published %q, categories %+v, author %+v", e.Lang, e.Publish, e.Categories, e.Author)
	}
	if e.Summary.Text != "In English for want of a translation.\uFFFD" {
		t.Errorf("entry 1 summary %q: a control character must not break the XML", e.Summary.Text)
	}
}

func TestWriteAtomEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := WriteAtom(&b, Atom{ID: "tag:citypact.org,2026-01-01:library", Title: "Library", Self: "/library.atom"}); err != nil {
		t.Fatal(err)
	}
	d := parseAtom(t, b.Bytes())
	if len(d.Entries) != 0 || d.Updated != "1970-01-01T00:00:00Z" || d.Lang != "" {
		t.Errorf("empty feed: %d entries, updated %q, lang %q", len(d.Entries), d.Updated, d.Lang)
	}
	if strings.Contains(b.String(), "xml:lang") {
		t.Error("an empty xml:lang was written")
	}
}

func TestWriteAtomRefusesIncompleteEntries(t *testing.T) {
	base := Atom{ID: "tag:x,2026-01-01:f", Title: "F", Self: "/f.atom"}
	good := AtomEntry{ID: "tag:x,2026-01-01:e", Title: "E", Author: "A", Updated: time.Unix(1, 0)}
	for name, mutate := range map[string]func(*Atom){
		"no feed id":      func(a *Atom) { a.ID = "" },
		"no self link":    func(a *Atom) { a.Self = "" },
		"no entry id":     func(a *Atom) { a.Entries[0].ID = "" },
		"no entry author": func(a *Atom) { a.Entries[0].Author = "" },
		"no updated time": func(a *Atom) { a.Entries[0].Updated = time.Time{} },
	} {
		a := base
		a.Entries = []AtomEntry{good}
		mutate(&a)
		if err := WriteAtom(&bytes.Buffer{}, a); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	a := base
	a.Entries = []AtomEntry{good}
	if err := WriteAtom(&bytes.Buffer{}, a); err != nil {
		t.Errorf("a complete feed: %v", err)
	}
}

func TestTagURI(t *testing.T) {
	got := TagURI("citypact.org", time.Date(2026, 3, 1, 23, 0, 0, 0, time.FixedZone("UTC-9", -9*3600)), "practice/7/version/2")
	if want := "tag:citypact.org,2026-03-02:practice/7/version/2"; got != want {
		t.Errorf("TagURI = %q, want %q (the day in UTC)", got, want)
	}
}
