package feed

import (
	"encoding/xml"
	"errors"
	"io"
	"time"

	"github.com/gorilla/feeds"
)

// AtomType is the media type of an Atom feed, as served.
const AtomType = "application/atom+xml; charset=utf-8"

// Atom is one Atom feed (RFC 4287) as WriteAtom writes it: the feed's own fields, then its
// entries in the order given. URLs may be absolute or relative to the hub (readers resolve them
// against the feed's address); IDs must be absolute IRIs that never change (see TagURI).
type Atom struct {
	ID    string
	Title string
	// Lang is the language of the feed's text, written as xml:lang: a feed holds one language.
	Lang      string
	Self      string // the feed's own address (rel="self")
	Alternate string // the page the feed follows (rel="alternate"); optional
	// Updated: zero means the newest entry's time, or the Unix epoch for a feed without entries
	// (so that the same data always give the same feed).
	Updated time.Time
	Entries []AtomEntry
}

// AtomEntry is one entry of a feed. Title and Summary are plain text: readers show them as
// text, never as markup.
type AtomEntry struct {
	ID      string
	Title   string
	Summary string
	// Lang is the entry's language when it is not the feed's (a text shown in its original
	// language for want of a translation); "" otherwise.
	Lang       string
	Link       string // the entry's page (rel="alternate")
	Author     string // required: a feed without a feed-level author needs one per entry
	AuthorURI  string
	Categories []AtomCategory
	Published  time.Time // zero: not written
	Updated    time.Time
}

// AtomCategory is an entry's category: a stable term and its label in the feed's language.
type AtomCategory struct {
	Term  string
	Label string
}

// TagURI returns a tag: URI (RFC 4151) minted by authority (a domain name its minter held on
// date) for specific, the stable, never-reused name of a thing: "tag:example.org,2026:x/1".
func TagURI(authority string, date time.Time, specific string) string {
	return "tag:" + authority + "," + date.UTC().Format(time.DateOnly) + ":" + specific
}

// WriteAtom writes a as an Atom document. It builds the feed with gorilla/feeds, then adds what
// that package leaves out: the feed's own ID (it would take the link's), xml:lang, self and
// alternate links, plain-text summaries (it marks them HTML), published times, authors'
// addresses and categories with a term.
func WriteAtom(w io.Writer, a Atom) error {
	if a.ID == "" || a.Title == "" || a.Self == "" {
		return errors.New("feed: an Atom feed needs an ID, a title and its own address")
	}
	updated := a.Updated
	if updated.IsZero() {
		for _, e := range a.Entries {
			if e.Updated.After(updated) {
				updated = e.Updated
			}
		}
	}
	if updated.IsZero() {
		updated = time.Unix(0, 0)
	}
	f := &feeds.Feed{Title: a.Title, Link: &feeds.Link{Href: a.Self}, Updated: updated.UTC()}
	for _, e := range a.Entries {
		if e.ID == "" || e.Title == "" || e.Author == "" || e.Updated.IsZero() {
			return errors.New("feed: an Atom entry needs an ID, a title, an author and an updated time")
		}
		f.Add(&feeds.Item{Id: e.ID, Title: e.Title, Link: &feeds.Link{Href: e.Link, Rel: "alternate", Type: "text/html"},
			Description: e.Summary, Author: &feeds.Author{Name: e.Author}, Updated: e.Updated.UTC()})
	}
	af := (&feeds.Atom{Feed: f}).AtomFeed()
	af.Id = a.ID
	af.Link = nil
	out := &atomFeed{AtomFeed: af, Lang: a.Lang,
		Links: []feeds.AtomLink{{Href: a.Self, Rel: "self", Type: "application/atom+xml"}}}
	if a.Alternate != "" {
		out.Links = append(out.Links, feeds.AtomLink{Href: a.Alternate, Rel: "alternate", Type: "text/html"})
	}
	for i, ae := range af.Entries {
		e := a.Entries[i]
		if ae.Summary != nil {
			ae.Summary.Type = "text"
		}
		if !e.Published.IsZero() {
			ae.Published = e.Published.UTC().Format(time.RFC3339)
		}
		ae.Author.Uri = e.AuthorURI
		entry := &atomEntry{AtomEntry: ae, Lang: e.Lang}
		for _, c := range e.Categories {
			entry.Categories = append(entry.Categories, atomCategory{Term: c.Term, Label: c.Label})
		}
		out.Entries = append(out.Entries, entry)
	}
	return feeds.WriteXML(out, w)
}

// atomFeed extends gorilla's feed with what it cannot say. Its fields shadow the embedded ones of
// the same element name (encoding/xml keeps the shallower), so Links replaces the single Link and
// Entries the plain entries.
type atomFeed struct {
	*feeds.AtomFeed
	Lang    string           `xml:"xml:lang,attr,omitempty"`
	Links   []feeds.AtomLink `xml:"link"`
	Entries []*atomEntry     `xml:"entry"`
}

// FeedXml makes atomFeed a feeds.XmlFeed.
func (f *atomFeed) FeedXml() any { return f }

// atomEntry extends gorilla's entry with xml:lang and proper categories (its Category is a bare
// element without the term attribute Atom requires).
type atomEntry struct {
	*feeds.AtomEntry
	Lang       string         `xml:"xml:lang,attr,omitempty"`
	Categories []atomCategory `xml:"category"`
}

type atomCategory struct {
	XMLName xml.Name `xml:"category"`
	Term    string   `xml:"term,attr"`
	Label   string   `xml:"label,attr,omitempty"`
}
