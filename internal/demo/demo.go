// Package demo builds the demo hub: organisations, memberships, ties, contacts and timeline entries
// taken from five public reference documents about cities' cooperation against COVID-19 (see
// data.go). Every record names its document in Source; nothing is added that the documents do not
// say, apart from country populations (Our World in Data, CC BY 4.0) and well-established names of
// the organisations in other languages.
package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
)

// Notice is the text the demo's own page shows (English) saying what is sample data and where it
// comes from.
const Notice = "This hub shows sample data. Its organisations, network memberships, ties, contacts and " +
	"timeline entries are taken from five public documents: Taipei City Government's \"International " +
	"Partnership Against COVID-19\" and SDG17 pages, the news of the 2021 Crisis Management Conference hosted " +
	"by Taipei, the Seoul Metropolitan Government's \"Cities Against COVID-19\" newsletter (April 2020) and the " +
	"page of Taiwan's Ministry of Foreign Affairs on international cooperation against COVID-19. Each record " +
	"names the document it comes from. Only what the documents say is recorded: networks list only the members " +
	"the documents name, and events without a known day are left out of the timeline. People are listed with " +
	"the titles the documents gave them in 2020–2021 and may no longer hold them; no e-mail addresses or phone " +
	"numbers are included. Country populations are 2020 figures from Our World in Data (CC BY 4.0); cities " +
	"have none. It is not an official record of any of these organisations."

// Summary counts the records one run of Seed added; records that already existed are not counted.
type Summary struct{ Organisations, Memberships, Ties, Contacts, Entries int }

// Seed builds the demo hub into st. It is meant for a directory that holds none of the demo's slugs
// and is idempotent: running it again adds only what is missing, so a second run changes nothing.
// An organisation that already uses a demo slug but is not demo data (its Source does not name a
// reference document) is a KindConflict error, and then nothing is written. Everything is validated
// before anything is written. The store takes the actor from ctx for its audit rows.
func Seed(ctx context.Context, st directory.Store) (sum Summary, err error) {
	defer citypact.Wrap(&err, "demo.Seed")
	regions, err := st.Regions(ctx)
	if err != nil {
		return sum, err
	}
	orgs, err := checked(directory.RegionKeys(regions))
	if err != nil {
		return sum, err
	}

	// Which organisations exist already? Refuse before writing if one of them is not ours.
	ids := map[string]int64{}
	for _, o := range orgs {
		got, err := st.OrganisationBySlug(ctx, o.Slug)
		switch {
		case err == nil:
			if !strings.HasPrefix(got.Source, sourcePrefix) {
				return sum, &citypact.Error{Kind: citypact.KindConflict, Message: "org.slug_taken",
					Err: fmt.Errorf("slug %q belongs to an organisation that is not demo data", o.Slug)}
			}
			ids[o.Slug] = got.ID
		case citypact.KindOf(err) == citypact.KindNotFound:
		default:
			return sum, err
		}
	}
	bySlug := map[string]directory.Organisation{}
	for i := range orgs {
		o := &orgs[i]
		if id, ok := ids[o.Slug]; ok {
			o.ID = id
		} else {
			if err := st.CreateOrganisation(ctx, o); err != nil {
				return sum, fmt.Errorf("organisation %s: %w", o.Slug, err)
			}
			ids[o.Slug] = o.ID
			sum.Organisations++
		}
		bySlug[o.Slug] = *o
	}

	for _, m := range memberships() {
		rec := m.record(ids)
		have, err := st.Memberships(ctx, rec.NetworkID, 0)
		if err != nil {
			return sum, err
		}
		if hasMember(have, rec.MemberID) {
			continue
		}
		if err := rec.Validate(bySlug[m.Network]); err != nil {
			return sum, fmt.Errorf("membership %s in %s: %w", m.Member, m.Network, err)
		}
		if err := st.AddMembership(ctx, &rec); err != nil {
			return sum, fmt.Errorf("membership %s in %s: %w", m.Member, m.Network, err)
		}
		sum.Memberships++
	}

	for _, t := range ties() {
		rec := t.record(ids)
		have, err := st.Ties(ctx, rec.A)
		if err != nil {
			return sum, err
		}
		if hasTie(have, rec) {
			continue
		}
		if err := rec.Validate(); err != nil {
			return sum, fmt.Errorf("tie %s–%s: %w", t.A, t.B, err)
		}
		if err := st.AddTie(ctx, &rec); err != nil {
			return sum, fmt.Errorf("tie %s–%s: %w", t.A, t.B, err)
		}
		sum.Ties++
	}

	for _, c := range contacts() {
		rec := c.record(ids)
		have, err := st.Contacts(ctx, rec.OrgID)
		if err != nil {
			return sum, err
		}
		if hasContact(have, rec.Name) {
			continue
		}
		if err := rec.Validate(); err != nil {
			return sum, fmt.Errorf("contact %s of %s: %w", c.Name, c.Org, err)
		}
		if err := st.AddContact(ctx, &rec); err != nil {
			return sum, fmt.Errorf("contact %s of %s: %w", c.Name, c.Org, err)
		}
		sum.Contacts++
	}

	for _, e := range entries() {
		rec := e.record(ids)
		have, err := st.Timeline(ctx, rec.Parties[0], rec.Parties[1])
		if err != nil {
			return sum, err
		}
		if hasEntry(have, rec) {
			continue
		}
		if err := rec.Validate(); err != nil {
			return sum, fmt.Errorf("timeline entry %q: %w", e.Title, err)
		}
		if err := st.AddTimelineEntry(ctx, &rec); err != nil {
			return sum, fmt.Errorf("timeline entry %q: %w", e.Title, err)
		}
		sum.Entries++
	}
	return sum, nil
}

// checked returns the organisations normalised, after validating every record of the demo hub
// (relations with stand-in ids), so that Seed writes nothing when any of them is wrong.
func checked(regions []string) ([]directory.Organisation, error) {
	orgs := organisations()
	ids := map[string]int64{}
	bySlug := map[string]directory.Organisation{}
	for i := range orgs {
		o := &orgs[i]
		o.Normalize()
		if err := o.Validate(regions); err != nil {
			return nil, fmt.Errorf("organisation %s: %w", o.Slug, err)
		}
		if _, dup := ids[o.Slug]; dup {
			return nil, fmt.Errorf("organisation %s: slug used twice", o.Slug)
		}
		ids[o.Slug] = int64(i + 1)
		bySlug[o.Slug] = *o
	}
	known := func(what string, slugs ...string) error {
		for _, s := range slugs {
			if ids[s] == 0 {
				return fmt.Errorf("%s: no organisation %q", what, s)
			}
		}
		return nil
	}
	for _, m := range memberships() {
		what := "membership " + m.Member + " in " + m.Network
		if err := known(what, m.Network, m.Member); err != nil {
			return nil, err
		}
		rec := m.record(ids)
		if err := rec.Validate(bySlug[m.Network]); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
	for _, t := range ties() {
		what := "tie " + t.A + "–" + t.B
		if err := known(what, t.A, t.B); err != nil {
			return nil, err
		}
		rec := t.record(ids)
		if err := rec.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
	for _, c := range contacts() {
		what := "contact " + c.Name + " of " + c.Org
		if err := known(what, c.Org); err != nil {
			return nil, err
		}
		rec := c.record(ids)
		if err := rec.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
	for _, e := range entries() {
		what := fmt.Sprintf("timeline entry %q", e.Title)
		if err := known(what, e.Parties...); err != nil {
			return nil, err
		}
		rec := e.record(ids)
		if err := rec.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
	return orgs, nil
}

func (m membership) record(ids map[string]int64) directory.Membership {
	return directory.Membership{NetworkID: ids[m.Network], MemberID: ids[m.Member], Role: m.Role, Source: m.Source}
}

func (t tie) record(ids map[string]int64) directory.Tie {
	rec := directory.Tie{A: ids[t.A], B: ids[t.B], Kind: t.Kind, Reference: t.Reference, Source: t.Source}
	rec.Normalize()
	return rec
}

func (c contact) record(ids map[string]int64) directory.Contact {
	return directory.Contact{OrgID: ids[c.Org], Name: c.Name, Title: c.Title, Role: c.Role, Source: c.Source}
}

func (e entry) record(ids map[string]int64) directory.TimelineEntry {
	parties := make([]int64, len(e.Parties))
	for i, s := range e.Parties {
		parties[i] = ids[s]
	}
	return directory.TimelineEntry{Date: e.Date, Kind: e.Kind, Title: e.Title, Description: e.Description,
		Links: append([]string(nil), e.Links...), Parties: parties, Source: e.Source}
}

func hasMember(have []directory.Membership, memberID int64) bool {
	for _, m := range have {
		if m.MemberID == memberID {
			return true
		}
	}
	return false
}

func hasTie(have []directory.Tie, t directory.Tie) bool {
	for _, h := range have {
		h.Normalize()
		if h.A == t.A && h.B == t.B && h.Kind == t.Kind {
			return true
		}
	}
	return false
}

func hasContact(have []directory.Contact, name string) bool {
	for _, c := range have {
		if c.Name == name {
			return true
		}
	}
	return false
}

// hasEntry matches entries by day and title.
func hasEntry(have []directory.TimelineEntry, e directory.TimelineEntry) bool {
	for _, h := range have {
		if h.Title == e.Title && h.Date.Format(time.DateOnly) == e.Date.Format(time.DateOnly) {
			return true
		}
	}
	return false
}

// Present reports whether st holds the demo hub, so that pages can say their data is sample data.
func Present(ctx context.Context, st directory.Store) (bool, error) {
	o, err := st.OrganisationBySlug(ctx, "taipei")
	if citypact.KindOf(err) == citypact.KindNotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return strings.HasPrefix(o.Source, sourcePrefix), nil
}
