package demo

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/store"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

var _ directory.Store = (*store.DB)(nil)

// regionKeys are the regions the directory migration seeds (the Ministry of Foreign Affairs page's).
var regionKeys = []string{northAmerica, europe, asiaPacific, westAsia, latinAmerica, international}

func TestEveryRecordValidates(t *testing.T) {
	orgs, err := checked(regionKeys)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if err := o.Validate(regionKeys); err != nil {
			t.Errorf("%s: %v", o.Slug, err)
		}
	}
	// The same check catches a wrong record: an unknown region.
	if _, err := checked(regionKeys[:2]); err == nil {
		t.Error("organisations in asia-pacific validated against a list without it")
	}
}

// sources lists every record's Source with a label.
func sources() map[string]string {
	out := map[string]string{}
	for _, o := range organisations() {
		out["organisation "+o.Slug] = o.Source
	}
	for _, m := range memberships() {
		out["membership "+m.Member+" in "+m.Network] = m.Source
	}
	for _, t := range ties() {
		out["tie "+t.A+"–"+t.B] = t.Source
	}
	for _, c := range contacts() {
		out["contact "+c.Name+" of "+c.Org] = c.Source
	}
	for _, e := range entries() {
		out["entry "+e.Title] = e.Source
	}
	return out
}

func TestEveryRecordNamesItsDocument(t *testing.T) {
	for what, src := range sources() {
		if !strings.HasPrefix(src, sourcePrefix) {
			t.Errorf("%s: source %q does not start with %q", what, src, sourcePrefix)
			continue
		}
		named := false
		for _, d := range documents {
			named = named || strings.Contains(src, d)
		}
		if !named {
			t.Errorf("%s: source %q names none of the reference documents", what, src)
		}
		if len([]rune(src)) > directory.MaxSourceLen {
			t.Errorf("%s: source longer than %d", what, directory.MaxSourceLen)
		}
	}
	// Every document is used.
	all := fmt.Sprint(sources())
	for _, d := range documents {
		if !strings.Contains(all, d) {
			t.Errorf("document %q is cited by no record", d)
		}
	}
}

// TestNoDS4C: the DS4C data set is non-commercial and must never reach the demo hub.
func TestNoDS4C(t *testing.T) {
	all := strings.ToLower(fmt.Sprintf("%+v %+v %+v %+v %+v %s",
		organisations(), memberships(), ties(), contacts(), entries(), Notice))
	for _, bad := range []string{"ds4c", "data science for covid", "kimjihoo", "coronavirusdataset", "cc by-nc", "kcdc"} {
		if strings.Contains(all, bad) {
			t.Errorf("the demo data mention %q", bad)
		}
	}
	for _, o := range organisations() {
		if o.PopulationSource != "" && o.PopulationSource != owid {
			t.Errorf("%s: population source %q", o.Slug, o.PopulationSource)
		}
	}
}

func TestOrganisations(t *testing.T) {
	perKind := map[directory.Kind]int{}
	for _, o := range organisations() {
		perKind[o.Kind]++
		orig := 0
		hasEN := false
		for _, n := range o.Names {
			if n.Original {
				orig++
				if strings.TrimSpace(n.Text) == "" {
					t.Errorf("%s: empty original name", o.Slug)
				}
			}
			hasEN = hasEN || n.Lang == "en"
		}
		if orig != 1 {
			t.Errorf("%s: %d original names, want 1", o.Slug, orig)
		}
		if !hasEN {
			t.Errorf("%s: no English name", o.Slug)
		}
		// Populations only for national governments, from OWID for 2020; none invented for cities.
		if o.Population != 0 && (o.Kind != directory.KindNational || o.PopulationYear != 2020 || o.PopulationSource != owid) {
			t.Errorf("%s: population %d (%s, %d)", o.Slug, o.Population, o.PopulationSource, o.PopulationYear)
		}
		if o.HasLocation || o.Lat != 0 || o.Lon != 0 {
			t.Errorf("%s: coordinates, which no permitted data file gives", o.Slug)
		}
		if o.Website != "" {
			t.Errorf("%s: website %q", o.Slug, o.Website)
		}
	}
	want := map[directory.Kind]int{
		directory.KindCity: 23, directory.KindMission: 7, directory.KindNetwork: 6, directory.KindNational: 3,
		directory.KindAcademia: 2, directory.KindCompany: 2, directory.KindInternational: 1,
	}
	for k, n := range want {
		if perKind[k] != n {
			t.Errorf("%d organisations of kind %s, want %d", perKind[k], k, n)
		}
	}
}

func TestMissionsCarryTheCountryTheyRepresent(t *testing.T) {
	want := map[string]string{
		"new-zealand-commerce-and-industry-office": "NZ", "american-institute-in-taiwan": "US",
		"british-office-taipei": "GB", "australian-office-taipei": "AU", "canadian-trade-office-in-taipei": "CA",
		"singapore-trade-office-in-taipei": "SG", "netherlands-office-taipei": "NL",
	}
	for _, o := range organisations() {
		if o.Kind != directory.KindMission {
			continue
		}
		if want[o.Slug] == "" || o.Country != want[o.Slug] {
			t.Errorf("%s: country %q, want %q", o.Slug, o.Country, want[o.Slug])
		}
		if !strings.Contains(o.Source, "represents") {
			t.Errorf("%s: source does not explain the country", o.Slug)
		}
	}
}

func TestMembershipsAsTheDocumentsSay(t *testing.T) {
	roles := map[string]directory.MemberRole{}
	for _, m := range memberships() {
		roles[m.Network+"/"+m.Member] = m.Role
	}
	for key, want := range map[string]directory.MemberRole{
		"crisis-management-network/taipei":   directory.RoleFounding,
		"crisis-management-network/tokyo":    directory.RoleFounding,
		"crisis-management-network/brussels": directory.RoleObserver,
		"crisis-management-network/seoul":    directory.RoleMember,
		"go-smart/taipei":                    directory.RoleFounding,
	} {
		if roles[key] != want {
			t.Errorf("%s: role %q, want %q", key, roles[key], want)
		}
	}
	// No document says any city is a member of Metropolis, CityNet or UCLG ASPAC.
	for key := range roles {
		for _, n := range []string{"metropolis/", "citynet/", "uclg-aspac/"} {
			if strings.HasPrefix(key, n) {
				t.Errorf("membership %s is in no document", key)
			}
		}
	}
	if len(roles) != len(memberships()) {
		t.Error("a membership is listed twice")
	}
}

func TestTimeline(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range entries() {
		if len(e.Parties) < 2 {
			t.Errorf("%q: %d parties", e.Title, len(e.Parties))
		}
		if y := e.Date.Year(); y != 2020 && y != 2021 {
			t.Errorf("%q: year %d", e.Title, y)
		}
		// A day was known: no entry sits on a made-up first of January.
		if e.Date.Month() == 1 && e.Date.Day() == 1 {
			t.Errorf("%q: dated 1 January, which no document says", e.Title)
		}
		key := e.Date.Format("2006-01-02") + e.Title
		if seen[key] {
			t.Errorf("%q listed twice", e.Title)
		}
		seen[key] = true
	}
}

func TestContactsHaveNoDetails(t *testing.T) {
	ids := map[string]int64{}
	for i, o := range organisations() {
		ids[o.Slug] = int64(i + 1)
	}
	for _, c := range contacts() {
		rec := c.record(ids)
		if rec.Email != "" || rec.Phone != "" {
			t.Errorf("%s: e-mail or phone, which the documents do not give", c.Name)
		}
		if c.Role == "" {
			t.Errorf("%s: no role saying when the document places them in office", c.Name)
		}
	}
}

func TestNotice(t *testing.T) {
	for _, want := range []string{"sample data", "Our World in Data (CC BY 4.0)", "Seoul", "Ministry of Foreign Affairs"} {
		if !strings.Contains(Notice, want) {
			t.Errorf("Notice does not say %q", want)
		}
	}
}

// openStore returns a migrated store on dsn.
func openStore(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

var seeder = citypact.WithActor(context.Background(), citypact.Actor{Name: "demo", Role: citypact.RoleAdmin})

// snapshot renders everything the directory holds, and the audit log, as text.
func snapshot(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	orgs, err := db.FindOrganisations(ctx, directory.Filter{Page: citypact.Page{Limit: citypact.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, o := range orgs {
		ms, err := db.Memberships(ctx, 0, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := db.Ties(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := db.Contacts(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		es, err := db.Timeline(ctx, o.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%+v\n%+v\n%+v\n%+v\n%+v\n", o, ms, ts, cs, es)
	}
	log, err := db.AuditLog(ctx, audit.Filter{Page: citypact.Page{Limit: citypact.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "audit: %d entries\n", len(log))
	return b.String()
}

func TestSeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db := openStore(t, dsn)
		ctx := context.Background()
		sum, err := Seed(seeder, db)
		if err != nil {
			t.Fatal(err)
		}
		want := Summary{Organisations: len(organisations()), Memberships: len(memberships()), Ties: len(ties()),
			Contacts: len(contacts()), Entries: len(entries())}
		if sum != want {
			t.Fatalf("Seed added %+v, want %+v", sum, want)
		}
		orgs, err := db.ListOrganisations(ctx, citypact.Page{Limit: citypact.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != want.Organisations {
			t.Errorf("%d organisations stored, want %d", len(orgs), want.Organisations)
		}

		// Seeding again changes nothing, not even the audit log.
		before := snapshot(t, db)
		again, err := Seed(seeder, db)
		if err != nil {
			t.Fatal(err)
		}
		if again != (Summary{}) {
			t.Errorf("second Seed added %+v", again)
		}
		if after := snapshot(t, db); after != before {
			t.Errorf("second Seed changed the directory:\nbefore %s\nafter %s", before, after)
		}

		bySlug := func(slug string) directory.Organisation {
			t.Helper()
			o, err := db.OrganisationBySlug(ctx, slug)
			if err != nil {
				t.Fatalf("%s: %v", slug, err)
			}
			return o
		}
		taipei, seoul := bySlug("taipei"), bySlug("seoul")
		if taipei.Name != "臺北市" || taipei.NameIn("en") != "Taipei City Government" || taipei.Country != "TW" ||
			taipei.Region != asiaPacific || taipei.Population != 0 || !strings.HasPrefix(taipei.Source, sourcePrefix) {
			t.Errorf("taipei stored as %+v", taipei)
		}
		if tw := bySlug("taiwan"); tw.Population != 23816775 || tw.PopulationYear != 2020 || tw.PopulationSource != owid {
			t.Errorf("taiwan: population %d (%d, %s)", tw.Population, tw.PopulationYear, tw.PopulationSource)
		}

		// The network page: members as the documents name them.
		cmn := bySlug("crisis-management-network")
		ms, err := db.Memberships(ctx, cmn.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		roles := map[string]directory.MemberRole{}
		for _, m := range ms {
			roles[m.Member.Slug] = m.Role
			if m.Source == "" {
				t.Errorf("membership of %s: no source", m.Member.Slug)
			}
		}
		if len(ms) != 9 || roles["brussels"] != directory.RoleObserver || roles["taipei"] != directory.RoleFounding ||
			roles["tokyo"] != directory.RoleFounding || roles["seoul"] != directory.RoleMember {
			t.Errorf("Crisis Management Network members: %v", roles)
		}

		// A search in Korean finds Seoul; in Chinese, Taipei.
		for q, slug := range map[string]string{"서울": "seoul", "臺北": "taipei", "Ulaanbaatar": "ulaanbaatar"} {
			found, err := db.FindOrganisations(ctx, directory.Filter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			ok := false
			for _, o := range found {
				ok = ok || o.Slug == slug
			}
			if !ok {
				t.Errorf("FindOrganisations(%q) = %d organisations without %s", q, len(found), slug)
			}
		}

		cs, err := db.Contacts(ctx, taipei.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 5 {
			t.Errorf("Taipei has %d contacts, want 5", len(cs))
		}
		for _, c := range cs {
			if c.Email != "" || c.Phone != "" || c.Source == "" {
				t.Errorf("contact %+v", c)
			}
		}
		ts, err := db.Ties(ctx, taipei.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != 2 {
			t.Errorf("Taipei has %d ties, want 2 (Ankara, Seoul)", len(ts))
		}
		shared, err := db.Timeline(ctx, taipei.ID, seoul.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(shared) != 1 || shared[0].Date.Format("2006-01-02") != "2021-10-12" || len(shared[0].Parties) != 10 {
			t.Errorf("Taipei–Seoul timeline: %+v", shared)
		}
		all, err := db.Timeline(ctx, taipei.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(entries())-1 { // all but the Taiwan–US statement
			t.Errorf("Taipei's timeline has %d entries, want %d", len(all), len(entries())-1)
		}
	})
}

// TestSeedLeavesOtherDataAlone: a real organisation on a demo slug stops Seed before it writes.
func TestSeedLeavesOtherDataAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db := openStore(t, dsn)
		real := directory.Organisation{Slug: "seoul", Kind: directory.KindCity, Country: "KR",
			Names: []directory.Name{{Lang: "ko", Text: "서울특별시", Original: true}}, Source: "entered by the secretariat"}
		real.Normalize()
		if err := db.CreateOrganisation(seeder, &real); err != nil {
			t.Fatal(err)
		}
		sum, err := Seed(seeder, db)
		if citypact.KindOf(err) != citypact.KindConflict {
			t.Fatalf("Seed over a real organisation: %v", err)
		}
		if sum != (Summary{}) {
			t.Errorf("Seed added %+v before refusing", sum)
		}
		orgs, err := db.ListOrganisations(context.Background(), citypact.Page{Limit: citypact.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != 1 {
			t.Errorf("%d organisations after the refused Seed, want 1", len(orgs))
		}
	})
}

// TestNoticeIsWhatPagesShow: the page about the sample data shows the catalogue's demo.notice,
// translated into the four languages; its English must be this package's Notice.
func TestNoticeIsWhatPagesShow(t *testing.T) {
	if got := i18n.For(i18n.EN).T("demo.notice"); got != Notice {
		t.Errorf("the catalogue's demo.notice differs from demo.Notice:\n%s", got)
	}
}
