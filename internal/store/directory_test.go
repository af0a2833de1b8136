package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/audit"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/store"
)

// names makes an organisation's names from lang, text pairs; the first is the original.
func names(pairs ...string) []directory.Name {
	var out []directory.Name
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, directory.Name{Lang: pairs[i], Text: pairs[i+1], Original: i == 0})
	}
	return out
}

func city(slug, country string, namePairs ...string) directory.Organisation {
	return directory.Organisation{Slug: slug, Kind: directory.KindCity, Country: country, Region: "asia-pacific",
		Names: names(namePairs...)}
}

// mustCreate normalises, validates and stores o as the domain's callers do.
func mustCreate(t *testing.T, db *store.DB, o directory.Organisation) directory.Organisation {
	t.Helper()
	o.Normalize()
	regions, err := db.Regions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(directory.RegionKeys(regions)); err != nil {
		t.Fatalf("%s: %v", o.Slug, err)
	}
	if err := db.CreateOrganisation(ctxAs(admin), &o); err != nil {
		t.Fatal(err)
	}
	return o
}

// auditActions lists the actions recorded for one entity, oldest first.
func auditActions(t *testing.T, db *store.DB, entity string, id int64) []string {
	t.Helper()
	es, err := db.AuditLog(context.Background(), audit.Filter{Entity: entity, EntityID: id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range slices.Backward(es) {
		out = append(out, e.Action)
	}
	return out
}

func slugsOf(orgs []directory.Organisation) []string {
	out := []string{}
	for _, o := range orgs {
		out = append(out, o.Slug)
	}
	return out
}

func wantField(t *testing.T, what string, err error, field, key string) {
	t.Helper()
	fe := citypact.FieldsOf(err)
	if citypact.KindOf(err) != citypact.KindInvalid || len(fe) != 1 || fe[0].Field != field || fe[0].Key != key {
		t.Errorf("%s: got %v, want invalid %s: %s", what, err, field, key)
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestOrganisationRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, now := open(t, dsn)
		ctx := context.Background()
		seoul := city("seoul", "KR", "ko", "서울특별시", "en", "Seoul", "zh-TW", "首爾", "ja", "ソウル特別市")
		seoul.Population, seoul.PopulationYear, seoul.PopulationSource = 9_386_034, 2023, "KOSIS"
		seoul.Lat, seoul.Lon, seoul.HasLocation = 37.5665, 126.978, true
		seoul.Website, seoul.Description, seoul.Source = "https://www.seoul.go.kr", "Capital of *Korea*.", "reference.md"
		seoul = mustCreate(t, db, seoul)
		if seoul.ID == 0 || seoul.Name != "서울특별시" || !seoul.CreatedAt.Equal(epoch) {
			t.Fatalf("created %+v", seoul)
		}

		// Names come back original first, then by language tag.
		want := seoul
		want.Names = names("ko", "서울특별시", "en", "Seoul", "ja", "ソウル特別市", "zh-TW", "首爾")
		for _, read := range []func() (directory.Organisation, error){
			func() (directory.Organisation, error) { return db.OrganisationByID(ctx, seoul.ID) },
			func() (directory.Organisation, error) { return db.OrganisationBySlug(ctx, "seoul") },
		} {
			got, err := read()
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("read back\n%+v, %v\nwant\n%+v", got, err, want)
			}
		}

		// An update replaces every field and the whole set of names.
		*now = epoch.Add(time.Hour)
		upd := want
		upd.Names = names("ko", "서울", "en", "Seoul", "fr", "Séoul")
		upd.Population, upd.HasLocation, upd.Lat, upd.Lon, upd.Website = 9_400_000, false, 0, 0, ""
		upd.Normalize()
		if err := db.UpdateOrganisation(ctxAs(admin), &upd); err != nil {
			t.Fatal(err)
		}
		got, err := db.OrganisationByID(ctx, seoul.ID)
		upd.Names = names("ko", "서울", "en", "Seoul", "fr", "Séoul")
		if err != nil || !reflect.DeepEqual(got, upd) || !got.CreatedAt.Equal(epoch) || !got.UpdatedAt.Equal(*now) || got.Name != "서울" {
			t.Errorf("after update\n%+v, %v\nwant\n%+v", got, err, upd)
		}

		// The slug stays unique on update; a missing organisation is not found.
		taipei := mustCreate(t, db, city("taipei", "TW", "zh-TW", "臺北市", "en", "Taipei"))
		taipei.Slug = "seoul"
		wantField(t, "update to a taken slug", db.UpdateOrganisation(ctxAs(admin), &taipei), "slug", "org.slug_taken")
		if got, _ := db.OrganisationByID(ctx, taipei.ID); got.Slug != "taipei" {
			t.Errorf("failed update changed the slug to %q", got.Slug)
		}
		ghost := upd
		ghost.ID = 424242
		if err := db.UpdateOrganisation(ctxAs(admin), &ghost); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("update of a missing organisation: %v", err)
		}
		if _, err := db.OrganisationByID(ctx, 424242); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("missing organisation: %v", err)
		}

		// The audit log holds the organisation before and after.
		if got := auditActions(t, db, "organisation", seoul.ID); !slices.Equal(got, []string{"organisation.create", "organisation.update"}) {
			t.Errorf("audit actions %v", got)
		}
		es, _ := db.AuditLog(ctx, audit.Filter{Entity: "organisation", EntityID: seoul.ID, Action: "organisation.update"})
		if len(es) != 1 || !strings.Contains(es[0].Before, "ソウル特別市") || !strings.Contains(es[0].After, "Séoul") ||
			strings.Contains(es[0].After, "ソウル特別市") || !strings.Contains(es[0].After, `"slug":"seoul"`) {
			t.Errorf("update audit %+v", es)
		}

		// Lists carry names too.
		list, err := db.ListOrganisations(ctx, citypact.Page{Limit: 1, After: seoul.ID})
		if err != nil || len(list) != 1 || list[0].Slug != "taipei" || len(list[0].Names) != 2 {
			t.Errorf("ListOrganisations: %+v %v", list, err)
		}
	})
}

func TestRegions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		rs, err := db.Regions(context.Background())
		if err != nil || len(rs) != 6 {
			t.Fatalf("regions %+v %v", rs, err)
		}
		if rs[0].Key != "north-america" || rs[2].Key != "asia-pacific" || rs[2].NameIn("ko") != "아시아·태평양" ||
			rs[2].NameIn("zh-TW") != "亞太地區" || rs[2].NameIn("ja") != "アジア太平洋" || rs[5].NameIn("en") != "International organisations" {
			t.Errorf("regions %+v", rs)
		}
	})
}

func TestFindOrganisations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		seoul := mustCreate(t, db, city("seoul", "KR", "ko", "서울특별시", "en", "Seoul", "zh-TW", "首爾", "ja", "ソウル"))
		taipei := mustCreate(t, db, city("taipei", "TW", "zh-TW", "臺北市", "en", "Taipei", "ko", "타이베이"))
		tokyo := mustCreate(t, db, city("tokyo", "JP", "ja", "東京都", "en", "Tokyo"))
		c40 := mustCreate(t, db, directory.Organisation{Slug: "c40", Kind: directory.KindNetwork, Region: "international",
			Names: names("en", "C40 Cities")})
		mustCreate(t, db, directory.Organisation{Slug: "fifty-club", Kind: directory.KindNGO, Country: "FR",
			Region: "europe", Names: names("fr", "Club 50% Ville_Santé", "en", "50% Club")})
		for _, m := range []directory.Membership{
			{NetworkID: c40.ID, MemberID: seoul.ID, Role: directory.RoleMember},
			{NetworkID: c40.ID, MemberID: tokyo.ID, Role: directory.RoleMember, Until: day(2026, 11, 22)},  // ends today: current
			{NetworkID: c40.ID, MemberID: taipei.ID, Role: directory.RoleObserver, Until: day(2020, 1, 1)}, // past
		} {
			if err := db.AddMembership(ctxAs(admin), &m); err != nil {
				t.Fatal(err)
			}
		}

		for _, tc := range []struct {
			name string
			f    directory.Filter
			want []string // slugs, in order: by original name (bytes: Latin, then 東, 臺, 서)
		}{
			{"all", directory.Filter{}, []string{"c40", "fifty-club", "tokyo", "taipei", "seoul"}},
			{"korean", directory.Filter{Query: "서울"}, []string{"seoul"}},
			{"traditional chinese as stored", directory.Filter{Query: "臺北"}, []string{"taipei"}},
			// 台 and 臺 are variants of one character: either finds 臺北市.
			{"variant character", directory.Filter{Query: "台北"}, []string{"taipei"}},
			{"japanese", directory.Filter{Query: "東京"}, []string{"tokyo"}},
			{"case-insensitive", directory.Filter{Query: "tokyo"}, []string{"tokyo"}},
			{"upper case", directory.Filter{Query: "TOKYO"}, []string{"tokyo"}},
			{"full-width Latin (NFKC)", directory.Filter{Query: "Ｔｏｋｙｏ"}, []string{"tokyo"}},
			{"name in another language", directory.Filter{Query: "타이베이"}, []string{"taipei"}},
			{"slug", directory.Filter{Query: "fifty"}, []string{"fifty-club"}},
			{"percent is literal", directory.Filter{Query: "50%"}, []string{"fifty-club"}},
			{"percent does not match anything", directory.Filter{Query: "s%l"}, nil},
			{"underscore is literal", directory.Filter{Query: "ville_s"}, []string{"fifty-club"}},
			{"underscore does not match one character", directory.Filter{Query: "se_ul"}, nil},
			{"backslash is literal", directory.Filter{Query: `seoul\`}, nil},
			{"kind", directory.Filter{Kind: directory.KindNetwork}, []string{"c40"}},
			{"country", directory.Filter{Country: "kr"}, []string{"seoul"}},
			{"region", directory.Filter{Region: "asia-pacific"}, []string{"tokyo", "taipei", "seoul"}},
			{"network: current members only", directory.Filter{Network: c40.ID}, []string{"tokyo", "seoul"}},
			{"combined", directory.Filter{Network: c40.ID, Country: "JP", Kind: directory.KindCity}, []string{"tokyo"}},
			{"no match", directory.Filter{Kind: directory.KindCity, Query: "C40"}, nil},
		} {
			got, err := db.FindOrganisations(ctx, tc.f)
			if err != nil || !slices.Equal(slugsOf(got), append([]string{}, tc.want...)) {
				t.Errorf("%s: got %v, %v; want %v", tc.name, slugsOf(got), err, tc.want)
			}
			for _, o := range got {
				if len(o.Names) == 0 {
					t.Errorf("%s: %s without names", tc.name, o.Slug)
				}
			}
		}

		// Keyset pages in name order, the cursor being the last id seen.
		var pages [][]string
		after := int64(0)
		for {
			got, err := db.FindOrganisations(ctx, directory.Filter{Page: citypact.Page{Limit: 2, After: after}})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 {
				break
			}
			pages = append(pages, slugsOf(got))
			after = got[len(got)-1].ID
		}
		if fmt.Sprint(pages) != "[[c40 fifty-club] [tokyo taipei] [seoul]]" {
			t.Errorf("pages %v", pages)
		}
	})
}

func TestDeleteOrganisation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		as := ctxAs(admin)
		partner := mustCreate(t, db, city("partner", "KR", "en", "Partner"))
		network := mustCreate(t, db, directory.Organisation{Slug: "net", Kind: directory.KindNetwork, Names: names("en", "Net")})

		for _, tc := range []struct {
			name  string
			refer func(t *testing.T, o directory.Organisation)
		}{
			{"membership", func(t *testing.T, o directory.Organisation) {
				if err := db.AddMembership(as, &directory.Membership{NetworkID: network.ID, MemberID: o.ID, Role: directory.RoleMember}); err != nil {
					t.Fatal(err)
				}
			}},
			{"tie", func(t *testing.T, o directory.Organisation) {
				if err := db.AddTie(as, &directory.Tie{A: partner.ID, B: o.ID, Kind: directory.TieSister}); err != nil {
					t.Fatal(err)
				}
			}},
			{"timeline", func(t *testing.T, o directory.Organisation) {
				e := directory.TimelineEntry{Date: day(2020, 3, 1), Kind: directory.EntryGift, Title: "Masks", Parties: []int64{partner.ID, o.ID}}
				if err := db.AddTimelineEntry(as, &e); err != nil {
					t.Fatal(err)
				}
			}},
			{"user", func(t *testing.T, o directory.Organisation) {
				mustUser(t, db, "someone@"+o.Slug+".example", citypact.RoleMember, o.ID)
			}},
			{"token", func(t *testing.T, o directory.Organisation) {
				u := mustUser(t, db, "admin@"+o.Slug+".example", citypact.RoleAdmin, 0)
				tok := account.Token{UserID: u.ID, OrgID: o.ID, Name: "ci", Scope: citypact.ScopeRead, CreatedAt: epoch}
				if err := db.CreateToken(as, &tok, "hash-"+o.Slug); err != nil {
					t.Fatal(err)
				}
			}},
		} {
			o := mustCreate(t, db, city("in-use-by-"+tc.name, "KR", "ko", "기관", "en", "Used"))
			c := directory.Contact{OrgID: o.ID, Name: "Kim", Title: directory.TitleMayor}
			if err := db.AddContact(as, &c); err != nil {
				t.Fatal(err)
			}
			tc.refer(t, o)
			before := auditCount(t, db)
			err := db.DeleteOrganisation(as, o.ID)
			if citypact.KindOf(err) != citypact.KindConflict || citypact.MessageOf(err) != "org.in_use" {
				t.Errorf("%s: delete gave %v, want conflict org.in_use", tc.name, err)
			}
			got, err := db.OrganisationByID(ctx, o.ID)
			if err != nil || len(got.Names) != 2 {
				t.Errorf("%s: after refused delete: %+v %v", tc.name, got, err)
			}
			if cs, _ := db.Contacts(ctx, o.ID); len(cs) != 1 {
				t.Errorf("%s: refused delete removed contacts: %v", tc.name, cs)
			}
			if n := auditCount(t, db); n != before {
				t.Errorf("%s: refused delete wrote %d audit rows", tc.name, n-before)
			}
		}

		// Nothing refers to this one: it goes, and its names and contacts with it.
		o := mustCreate(t, db, city("free", "KR", "en", "Free"))
		c := directory.Contact{OrgID: o.ID, Name: "Lee", Title: directory.TitleMayor}
		if err := db.AddContact(as, &c); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteOrganisation(as, o.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.OrganisationByID(ctx, o.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("deleted organisation: %v", err)
		}
		if _, err := db.Contact(ctx, c.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("contact of a deleted organisation: %v", err)
		}
		if got, _ := db.FindOrganisations(ctx, directory.Filter{Query: "free"}); len(got) != 0 {
			t.Errorf("names outlived their organisation: %v", slugsOf(got))
		}
		if got := auditActions(t, db, "organisation", o.ID); !slices.Equal(got, []string{"organisation.create", "organisation.delete"}) {
			t.Errorf("audit actions %v", got)
		}
		if err := db.DeleteOrganisation(as, o.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("second delete: %v", err)
		}
	})
}

func TestMemberships(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		as := ctxAs(admin)
		net := mustCreate(t, db, directory.Organisation{Slug: "uclg", Kind: directory.KindNetwork, Names: names("en", "UCLG", "ko", "세계지방정부연합")})
		seoul := mustCreate(t, db, city("seoul", "KR", "ko", "서울특별시", "en", "Seoul"))
		busan := mustCreate(t, db, city("busan", "KR", "ko", "부산광역시", "en", "Busan"))

		m := directory.Membership{NetworkID: net.ID, MemberID: seoul.ID, Role: directory.RoleFounding,
			Since: day(2001, 4, 1), Source: "uclg.org"}
		if err := db.AddMembership(as, &m); err != nil {
			t.Fatal(err)
		}
		m2 := directory.Membership{NetworkID: net.ID, MemberID: busan.ID, Role: directory.RoleMember}
		if err := db.AddMembership(as, &m2); err != nil {
			t.Fatal(err)
		}
		dup := directory.Membership{NetworkID: net.ID, MemberID: seoul.ID, Role: directory.RoleMember}
		wantField(t, "duplicate membership", db.AddMembership(as, &dup), "member", "membership.duplicate")
		unknown := directory.Membership{NetworkID: net.ID, MemberID: 424242, Role: directory.RoleMember}
		wantField(t, "unknown member", db.AddMembership(as, &unknown), "member", "org.unknown")

		got, err := db.Membership(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		// DATE columns: the day goes in and comes back as midnight UTC; unknown ends stay zero.
		if !got.Since.Equal(day(2001, 4, 1)) || got.Since.Location() != time.UTC || !got.Until.IsZero() ||
			got.Role != directory.RoleFounding || got.Source != "uclg.org" ||
			got.Network.Slug != "uclg" || got.Member.Slug != "seoul" || got.Member.NameIn("ko") != "서울특별시" ||
			got.Network.NameIn("ko") != "세계지방정부연합" {
			t.Errorf("Membership: %+v", got)
		}

		members, err := db.Memberships(ctx, net.ID, 0)
		if err != nil || len(members) != 2 {
			t.Fatalf("members: %+v %v", members, err)
		}
		// By original name: 부산광역시 before 서울특별시.
		if members[0].Member.Slug != "busan" || members[1].Member.Slug != "seoul" || members[1].Member.NameIn("en") != "Seoul" ||
			members[0].Network.ID != 0 || !members[1].Since.Equal(day(2001, 4, 1)) {
			t.Errorf("members: %+v", members)
		}
		networks, err := db.Memberships(ctx, 0, seoul.ID)
		if err != nil || len(networks) != 1 || networks[0].Network.Slug != "uclg" || networks[0].Network.NameIn("ko") != "세계지방정부연합" ||
			networks[0].Member.ID != 0 {
			t.Errorf("networks: %+v %v", networks, err)
		}
		if _, err := db.Memberships(ctx, 0, 0); err == nil {
			t.Error("Memberships without network or member")
		}

		// Update: the membership ends; then it is deleted.
		m.Until, m.Role = day(2024, 12, 31), directory.RoleMember
		if err := db.UpdateMembership(as, &m); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Membership(ctx, m.ID); !got.Until.Equal(day(2024, 12, 31)) || got.Role != directory.RoleMember {
			t.Errorf("after update: %+v", got)
		}
		m2.MemberID = seoul.ID
		wantField(t, "update into a duplicate", db.UpdateMembership(as, &m2), "member", "membership.duplicate")
		if err := db.DeleteMembership(as, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Membership(ctx, m.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("deleted membership: %v", err)
		}
		if err := db.DeleteMembership(as, m.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("second delete: %v", err)
		}
		if got := auditActions(t, db, "membership", m.ID); !slices.Equal(got, []string{"membership.create", "membership.update", "membership.delete"}) {
			t.Errorf("audit actions %v", got)
		}
		es, _ := db.AuditLog(ctx, audit.Filter{Entity: "membership", EntityID: m.ID, Action: "membership.update"})
		if len(es) != 1 || !strings.Contains(es[0].Before, `"since":"2001-04-01"`) || !strings.Contains(es[0].After, `"until":"2024-12-31"`) {
			t.Errorf("update audit %+v", es)
		}
	})
}

func TestTies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		as := ctxAs(admin)
		seoul := mustCreate(t, db, city("seoul", "KR", "ko", "서울특별시", "en", "Seoul"))
		taipei := mustCreate(t, db, city("taipei", "TW", "zh-TW", "臺北市", "en", "Taipei"))
		tokyo := mustCreate(t, db, city("tokyo", "JP", "ja", "東京都", "en", "Tokyo"))

		// Added from Taipei's side (the higher id first): stored once, in order.
		sister := directory.Tie{A: taipei.ID, B: seoul.ID, Kind: directory.TieSister, Since: day(1968, 3, 23), Reference: " Agreement "}
		sister.Normalize()
		if err := db.AddTie(as, &sister); err != nil {
			t.Fatal(err)
		}
		friend := directory.Tie{A: tokyo.ID, B: seoul.ID, Kind: directory.TieFriendship}
		friend.Normalize()
		if err := db.AddTie(as, &friend); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			tie  directory.Tie
			key  string
		}{
			{"same pair", directory.Tie{A: seoul.ID, B: taipei.ID, Kind: directory.TieSister}, "tie.duplicate"},
			{"reversed pair", directory.Tie{A: taipei.ID, B: seoul.ID, Kind: directory.TieSister}, "tie.duplicate"},
			{"unknown partner", directory.Tie{A: seoul.ID, B: 424242, Kind: directory.TieSister}, "org.unknown"},
		} {
			tc.tie.Normalize()
			wantField(t, tc.name, db.AddTie(as, &tc.tie), "partner", tc.key)
		}
		// The same pair may hold a tie of another kind.
		other := directory.Tie{A: seoul.ID, B: taipei.ID, Kind: directory.TieOther}
		if err := db.AddTie(as, &other); err != nil {
			t.Fatal(err)
		}

		got, err := db.Tie(ctx, sister.ID)
		if err != nil || got.A != seoul.ID || got.B != taipei.ID || !got.Since.Equal(day(1968, 3, 23)) || got.Reference != "Agreement" {
			t.Errorf("Tie: %+v %v", got, err)
		}
		type seen struct {
			partner string
			kind    directory.TieKind
		}
		for _, tc := range []struct {
			org  directory.Organisation
			want []seen
		}{
			// By the partner's original name: 東京都, then 臺北市 (two kinds).
			{seoul, []seen{{"tokyo", directory.TieFriendship}, {"taipei", directory.TieOther}, {"taipei", directory.TieSister}}},
			{taipei, []seen{{"seoul", directory.TieOther}, {"seoul", directory.TieSister}}},
			{tokyo, []seen{{"seoul", directory.TieFriendship}}},
		} {
			ties, err := db.Ties(ctx, tc.org.ID)
			var got []seen
			for _, t := range ties {
				got = append(got, seen{t.Partner.Slug, t.Kind})
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("Ties(%s): %v %v, want %v", tc.org.Slug, got, err, tc.want)
			}
			for _, tie := range ties {
				if tie.Partner.NameIn("en") == tie.Partner.Name {
					t.Errorf("Ties(%s): partner without names: %+v", tc.org.Slug, tie.Partner)
				}
			}
		}

		if err := db.DeleteTie(as, sister.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Tie(ctx, sister.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("deleted tie: %v", err)
		}
		if err := db.DeleteTie(as, sister.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("second delete: %v", err)
		}
		if got := auditActions(t, db, "tie", sister.ID); !slices.Equal(got, []string{"tie.create", "tie.delete"}) {
			t.Errorf("audit actions %v", got)
		}
	})
}

func TestContacts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		as := ctxAs(admin)
		seoul := mustCreate(t, db, city("seoul", "KR", "ko", "서울특별시", "en", "Seoul"))
		busan := mustCreate(t, db, city("busan", "KR", "ko", "부산광역시", "en", "Busan"))
		var ids []int64
		for _, c := range []directory.Contact{
			{OrgID: seoul.ID, Name: "Park", Title: directory.TitleOther, Email: "park@seoul.example"},
			{OrgID: seoul.ID, Name: "Oh", Title: directory.TitleMayor, Phone: "+82 2 120"},
			{OrgID: seoul.ID, Name: "Choi", Title: directory.TitleFocalHealth},
			{OrgID: seoul.ID, Name: "Ahn", Title: directory.TitleFocalHealth, Role: "Director, Public Health"},
			{OrgID: busan.ID, Name: "Kim", Title: directory.TitleMayor},
		} {
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			if err := db.AddContact(as, &c); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		cs, err := db.Contacts(ctx, seoul.ID)
		var got []string
		for _, c := range cs {
			got = append(got, c.Name)
		}
		if err != nil || !slices.Equal(got, []string{"Oh", "Ahn", "Choi", "Park"}) {
			t.Errorf("Contacts: %v %v", got, err)
		}
		if cs[0].Phone != "+82 2 120" || cs[3].Email != "park@seoul.example" || cs[1].Role != "Director, Public Health" {
			t.Errorf("contact fields: %+v", cs)
		}

		c, err := db.Contact(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		c.Name, c.Title, c.OrgID = "Park Ji-won", directory.TitleSpokesperson, busan.ID
		if err := db.UpdateContact(as, &c); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Contact(ctx, c.ID); got.Name != "Park Ji-won" || got.Title != directory.TitleSpokesperson || got.OrgID != seoul.ID {
			t.Errorf("after update (organisation must stay): %+v", got)
		}
		wantField(t, "unknown organisation", db.AddContact(as, &directory.Contact{OrgID: 424242, Name: "X", Title: directory.TitleOther}),
			"org", "org.unknown")
		if err := db.DeleteContact(as, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Contact(ctx, c.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("deleted contact: %v", err)
		}
		ghost := directory.Contact{ID: c.ID, Name: "X", Title: directory.TitleOther}
		if err := db.UpdateContact(as, &ghost); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("update of a deleted contact: %v", err)
		}
		if got := auditActions(t, db, "contact", c.ID); !slices.Equal(got, []string{"contact.create", "contact.update", "contact.delete"}) {
			t.Errorf("audit actions %v", got)
		}
	})
}

func TestTimeline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		ctx := context.Background()
		as := ctxAs(admin)
		seoul := mustCreate(t, db, city("seoul", "KR", "ko", "서울특별시", "en", "Seoul"))
		taipei := mustCreate(t, db, city("taipei", "TW", "zh-TW", "臺北市", "en", "Taipei"))
		tokyo := mustCreate(t, db, city("tokyo", "JP", "ja", "東京都", "en", "Tokyo"))

		add := func(date time.Time, title string, parties ...int64) directory.TimelineEntry {
			t.Helper()
			e := directory.TimelineEntry{Date: date, Kind: directory.EntryVisit, Title: title, Parties: parties,
				Links: []string{"https://example.org/" + title, "https://example.org/more"}}
			if err := e.Validate(); err != nil {
				t.Fatal(err)
			}
			if err := db.AddTimelineEntry(as, &e); err != nil {
				t.Fatal(err)
			}
			return e
		}
		e1 := add(day(2020, 3, 1), "masks", seoul.ID, taipei.ID)
		e2 := add(day(2021, 5, 5), "vaccines", tokyo.ID, seoul.ID)
		e3 := add(day(2022, 7, 7), "summit", seoul.ID, taipei.ID, tokyo.ID)
		e4 := add(day(2022, 7, 7), "later-same-day", taipei.ID, tokyo.ID)

		titles := func(es []directory.TimelineEntry) []string {
			var out []string
			for _, e := range es {
				out = append(out, e.Title)
			}
			return out
		}
		for _, tc := range []struct {
			org, partner int64
			want         []string
		}{
			{seoul.ID, 0, []string{"summit", "vaccines", "masks"}},
			{seoul.ID, taipei.ID, []string{"summit", "masks"}},
			{taipei.ID, seoul.ID, []string{"summit", "masks"}},
			{tokyo.ID, 0, []string{"later-same-day", "summit", "vaccines"}},
			{tokyo.ID, taipei.ID, []string{"later-same-day", "summit"}},
			{424242, 0, nil},
		} {
			got, err := db.Timeline(ctx, tc.org, tc.partner)
			if err != nil || !slices.Equal(titles(got), tc.want) {
				t.Errorf("Timeline(%d, %d): %v %v, want %v", tc.org, tc.partner, titles(got), err, tc.want)
			}
		}

		got, err := db.TimelineEntry(ctx, e3.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Parties and PartyOrgs line up, by original name: 東京都, 臺北市, 서울특별시.
		if !got.Date.Equal(day(2022, 7, 7)) || !slices.Equal(got.Links, e3.Links) ||
			!slices.Equal(got.Parties, []int64{tokyo.ID, taipei.ID, seoul.ID}) || len(got.PartyOrgs) != 3 ||
			got.PartyOrgs[2].Slug != "seoul" || got.PartyOrgs[2].NameIn("en") != "Seoul" {
			t.Errorf("TimelineEntry: %+v", got)
		}

		// An update replaces the parties; an unknown party is refused and changes nothing.
		e1.Parties, e1.Links, e1.Title = []int64{seoul.ID, tokyo.ID}, nil, "masks and gloves"
		if err := db.UpdateTimelineEntry(as, &e1); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Timeline(ctx, seoul.ID, taipei.ID); !slices.Equal(titles(got), []string{"summit"}) {
			t.Errorf("after update: %v", titles(got))
		}
		if got, _ := db.TimelineEntry(ctx, e1.ID); got.Links != nil || got.Title != "masks and gloves" {
			t.Errorf("after update: %+v", got)
		}
		bad := e2
		bad.Parties = []int64{seoul.ID, 424242}
		wantField(t, "unknown party", db.UpdateTimelineEntry(as, &bad), "parties", "org.unknown")
		if got, _ := db.TimelineEntry(ctx, e2.ID); len(got.Parties) != 2 || !slices.Contains(got.Parties, tokyo.ID) {
			t.Errorf("failed update changed parties: %v", got.Parties)
		}
		fresh := directory.TimelineEntry{Date: day(2023, 1, 1), Kind: directory.EntryOther, Title: "x", Parties: []int64{seoul.ID, 424242}}
		wantField(t, "unknown party", db.AddTimelineEntry(as, &fresh), "parties", "org.unknown")

		if err := db.DeleteTimelineEntry(as, e4.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TimelineEntry(ctx, e4.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("deleted entry: %v", err)
		}
		if err := db.DeleteTimelineEntry(as, e4.ID); citypact.KindOf(err) != citypact.KindNotFound {
			t.Errorf("second delete: %v", err)
		}
		if got := auditActions(t, db, "timeline_entry", e1.ID); !slices.Equal(got, []string{"timeline.create", "timeline.update"}) {
			t.Errorf("audit actions %v", got)
		}
		if got := auditActions(t, db, "timeline_entry", e4.ID); !slices.Equal(got, []string{"timeline.create", "timeline.delete"}) {
			t.Errorf("audit actions %v", got)
		}
	})
}

func TestImportOrganisations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, now := open(t, dsn)
		ctx := context.Background()
		as := ctxAs(admin)
		seoul := mustCreate(t, db, city("seoul", "KR", "en", "Seoul"))
		busan := mustCreate(t, db, city("busan", "KR", "ko", "부산광역시", "en", "Busan"))

		*now = epoch.Add(time.Hour)
		batch := []directory.Organisation{
			city("seoul", "KR", "ko", "서울특별시", "en", "Seoul", "ja", "ソウル"), // existing: names and population change
			city("taipei", "TW", "zh-TW", "臺北市", "en", "Taipei"),
			city("busan", "KR", "ko", "부산광역시", "en", "Busan"), // existing, unchanged
			city("tokyo", "JP", "ja", "東京都", "en", "Tokyo"),
		}
		batch[0].Population, batch[0].PopulationYear = 9_400_000, 2024
		for i := range batch {
			batch[i].Normalize()
		}
		kept := slices.Clone(batch)
		created, updated, err := db.ImportOrganisations(as, batch)
		if err != nil || created != 2 || updated != 1 {
			t.Fatalf("import: created %d, updated %d, %v", created, updated, err)
		}
		if !reflect.DeepEqual(batch, kept) {
			t.Error("import changed its argument")
		}
		got, err := db.OrganisationBySlug(ctx, "seoul")
		if err != nil || got.ID != seoul.ID || got.Name != "서울특별시" || got.Population != 9_400_000 || len(got.Names) != 3 ||
			!got.CreatedAt.Equal(epoch) || !got.UpdatedAt.Equal(*now) {
			t.Errorf("updated by import: %+v %v", got, err)
		}
		if got, _ := db.OrganisationBySlug(ctx, "busan"); !got.UpdatedAt.Equal(epoch) {
			t.Errorf("unchanged organisation rewritten: %+v", got)
		}
		if got, _ := db.FindOrganisations(ctx, directory.Filter{Query: "臺北"}); !slices.Equal(slugsOf(got), []string{"taipei"}) {
			t.Errorf("imported names not searchable: %v", slugsOf(got))
		}
		for _, tc := range []struct {
			id   int64
			want []string
		}{
			{seoul.ID, []string{"organisation.create", "organisation.update"}},
			{busan.ID, []string{"organisation.create"}},
		} {
			if got := auditActions(t, db, "organisation", tc.id); !slices.Equal(got, tc.want) {
				t.Errorf("audit of %d: %v, want %v", tc.id, got, tc.want)
			}
		}
		if es, _ := db.AuditLog(ctx, audit.Filter{Action: "organisation.create", Since: *now}); len(es) != 2 {
			t.Errorf("%d create rows for the import, want 2", len(es))
		}

		// The same file again changes nothing.
		if c, u, err := db.ImportOrganisations(as, batch); err != nil || c != 0 || u != 0 {
			t.Errorf("second import: %d, %d, %v", c, u, err)
		}

		// One bad row (two English names: the primary key refuses it) and nothing is imported.
		before := auditCount(t, db)
		bad := city("incheon", "KR", "ko", "인천광역시", "en", "Incheon")
		bad.Names = append(bad.Names, directory.Name{Lang: "en", Text: "Inchon"})
		bad.Normalize()
		for _, tc := range []struct {
			name  string
			batch []directory.Organisation
			field string
			key   string
		}{
			{"constraint", []directory.Organisation{city("daegu", "KR", "en", "Daegu"), city("seoul", "KR", "en", "Seoul"), bad},
				"names", "org.name_lang_invalid"},
			{"slug twice", []directory.Organisation{city("daegu", "KR", "en", "Daegu"), city("daegu", "KR", "en", "Daegu")},
				"slug", "org.slug_taken"},
		} {
			for i := range tc.batch {
				tc.batch[i].Normalize()
			}
			c, u, err := db.ImportOrganisations(as, tc.batch)
			wantField(t, tc.name, err, tc.field, tc.key)
			if c != 0 || u != 0 {
				t.Errorf("%s: failed import reports %d created, %d updated", tc.name, c, u)
			}
			if _, err := db.OrganisationBySlug(ctx, "daegu"); citypact.KindOf(err) != citypact.KindNotFound {
				t.Errorf("%s: row before the bad one kept: %v", tc.name, err)
			}
			if got, _ := db.OrganisationBySlug(ctx, "seoul"); got.Name != "서울특별시" {
				t.Errorf("%s: update before the bad one kept: %+v", tc.name, got)
			}
			if n := auditCount(t, db); n != before {
				t.Errorf("%s: failed import left %d audit rows", tc.name, n-before)
			}
		}
	})
}

// importBatch makes n organisations of the size a real directory has: four names, a description.
func importBatch(n int) []directory.Organisation {
	orgs := make([]directory.Organisation, n)
	for i := range orgs {
		o := city(fmt.Sprintf("city-%05d", i), "KR", "ko", fmt.Sprintf("도시 %d", i), "en", fmt.Sprintf("City %d", i),
			"zh-TW", fmt.Sprintf("城市 %d", i), "ja", fmt.Sprintf("都市 %d", i))
		o.Population, o.PopulationYear, o.PopulationSource = int64(10_000+i), 2024, "census"
		o.Lat, o.Lon, o.HasLocation = 37.5, 127, true
		o.Website, o.Source = fmt.Sprintf("https://city-%d.example", i), "reference.md"
		o.Description = strings.Repeat("A city in the directory. ", 8)
		o.Normalize()
		orgs[i] = o
	}
	return orgs
}

// BenchmarkImportOrganisations10k imports 10,000 new organisations into an empty database.
func BenchmarkImportOrganisations10k(b *testing.B) {
	orgs := importBatch(10_000)
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db, err := store.Open(context.Background(), engine.dsn(b), store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := db.Migrate(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				c, _, err := db.ImportOrganisations(ctxAs(admin), orgs)
				if err != nil || c != len(orgs) {
					b.Fatalf("created %d: %v", c, err)
				}
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
		})
	}
}

func TestCountries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		for _, c := range []struct{ slug, country string }{{"seoul", "KR"}, {"busan", "KR"}, {"taipei", "TW"}, {"un", ""}} {
			mustCreate(t, db, directory.Organisation{Slug: c.slug, Kind: directory.KindCity, Name: c.slug, Country: c.country})
		}
		got, err := db.Countries(context.Background())
		if err != nil || !slices.Equal(got, []string{"KR", "TW"}) {
			t.Errorf("Countries = %v, %v", got, err)
		}
	})
}
