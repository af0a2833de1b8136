package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/store"
)

// TestVisibilityMatrix checks that the store's SQL predicate (lists and search) and its
// per-item checks agree with practice.CanSeePractice on every actor × practice of a generated
// cast: every role of every kind of relation, every visibility and every status. The Relations
// the Go rule is given are written here from the cast, not read by the store.
func TestVisibilityMatrix(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		db, _ := open(t, dsn)
		as := ctxAs(admin)
		org := map[string]int64{}
		for _, slug := range []string{"owner", "sister", "friend", "memo", "member", "former", "shared", "shared-other", "unrelated"} {
			org[slug] = mustOrg(t, db, slug).ID
		}
		for _, slug := range []string{"net", "other-net"} {
			o := directory.Organisation{Slug: slug, Kind: directory.KindNetwork, Names: names("en", slug)}
			org[slug] = mustCreate(t, db, o).ID
		}
		for _, tie := range []struct {
			a, b string
			kind directory.TieKind
		}{{"owner", "sister", directory.TieSister}, {"friend", "owner", directory.TieFriendship}, {"owner", "memo", directory.TieOther}} {
			if err := db.AddTie(as, &directory.Tie{A: org[tie.a], B: org[tie.b], Kind: tie.kind}); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range []struct {
			net, member string
			ended       bool
		}{{"net", "member", false}, {"net", "former", true}, {"net", "owner", false}, {"other-net", "owner", false}, {"net", "sister", false}} {
			ms := directory.Membership{NetworkID: org[m.net], MemberID: org[m.member], Role: directory.RoleMember}
			if m.ended {
				ms.Until = epoch.AddDate(0, 0, -1)
			}
			if err := db.AddMembership(as, &ms); err != nil {
				t.Fatal(err)
			}
		}
		// The relations of each organisation, as the cast says.
		partners := map[string][]string{"owner": {"sister", "friend"}, "sister": {"owner"}, "friend": {"owner"}}
		networks := map[string][]string{"member": {"net"}, "owner": {"net", "other-net"}, "sister": {"net"}}

		// Practices of the owner and of its sister city in every status and visibility.
		editors := map[string]context.Context{}
		for _, slug := range []string{"owner", "sister", "friend"} {
			editors[slug] = ctxAs(mustUser(t, db, "publisher@"+slug+".example", citypact.RoleEditor, org[slug]).Actor())
		}
		var all []practice.Practice
		for _, owner := range []string{"owner", "sister"} {
			vis := []practice.Visibility{practice.Public, practice.Network(org["net"]), practice.Partners, practice.OrgOnly}
			if owner == "owner" {
				vis = append(vis, practice.Network(org["other-net"]))
			}
			for _, st := range practice.Statuses {
				for _, v := range vis {
					p := newPractice(org[owner], fmt.Sprintf("Matrix %s %s %s", owner, st, v))
					p.Visibility = v
					ctx := editors[owner]
					if err := db.CreatePractice(ctx, &p); err != nil {
						t.Fatal(err)
					}
					if st != practice.Draft {
						if _, err := db.Publish(ctx, &p, ""); err != nil {
							t.Fatal(err)
						}
					}
					if st == practice.Retired {
						if err := db.SetStatus(ctx, p.ID, st); err != nil {
							t.Fatal(err)
						}
						p.Status = st
					}
					all = append(all, p)
				}
			}
		}
		// The owner shares a handbook of all its practices with "shared"; the friend shares one
		// holding the owner's partners-only practice with "shared-other", which must open nothing.
		var ownerIDs []int64
		var friendSees int64
		for _, p := range all {
			if p.OwnerID == org["owner"] {
				ownerIDs = append(ownerIDs, p.ID)
				if p.Status == practice.Published && p.Visibility == practice.Partners {
					friendSees = p.ID
				}
			}
		}
		for _, h := range []struct {
			owner, with string
			items       []int64
		}{{"owner", "shared", ownerIDs}, {"friend", "shared-other", []int64{friendSees}}} {
			hb := practice.Handbook{OwnerID: org[h.owner], Title: "Shared", Items: h.items, SharedWith: []int64{org[h.with]}}
			if err := db.CreateHandbook(editors[h.owner], &hb); err != nil {
				t.Fatal(err)
			}
		}
		shared := map[string][]int64{"shared": ownerIDs}

		// The actors: a visitor, a member and an editor of every organisation, admins, a
		// read-only token, and a user bound to no organisation.
		type actor struct {
			name string
			a    citypact.Actor
			rel  practice.Relations
		}
		actors := []actor{{name: "visitor"}, {name: "admin", a: admin},
			{name: "member without organisation", a: citypact.Actor{UserID: 999999, Role: citypact.RoleMember}}}
		for slug, id := range org {
			rel := practice.Relations{OrgID: id, Shared: shared[slug]}
			for _, p := range partners[slug] {
				rel.Partners = append(rel.Partners, org[p])
			}
			for _, n := range networks[slug] {
				rel.Networks = append(rel.Networks, org[n])
			}
			for _, role := range []citypact.Role{citypact.RoleMember, citypact.RoleEditor} {
				u := mustUser(t, db, role.String()+"@"+slug+".example", role, id)
				actors = append(actors, actor{slug + " " + role.String(), u.Actor(), rel})
			}
			if slug == "sister" {
				u := mustUser(t, db, "token@"+slug+".example", citypact.RoleMember, id)
				a := u.Actor()
				a.Scope, a.TokenID = citypact.ScopeRead, 1
				actors = append(actors, actor{"sister read-only token", a, rel})
			}
		}
		checked := 0
		for _, ac := range actors {
			ctx := ctxAs(ac.a)
			var want, wantPublished []int64
			for _, p := range all {
				if practice.CanSeePractice(ac.a, p, ac.rel) {
					want = append(want, p.ID)
					if p.Status != practice.Draft {
						wantPublished = append(wantPublished, p.ID)
					}
				}
				_, err := db.Practice(ctx, p.ID)
				if seen := err == nil; seen != slices.Contains(want, p.ID) || (err != nil && citypact.KindOf(err) != citypact.KindNotFound) {
					t.Errorf("%s, practice %q: Practice() gave %v, CanSeePractice %v", ac.name, p.Title, err, !seen)
				}
				checked++
			}
			listed := listAll(t, db, ctx)
			if !slices.Equal(sorted(listed), sorted(want)) {
				t.Errorf("%s: lists\n%v\nCanSeePractice\n%v", ac.name, titles(all, listed), titles(all, want))
			}
			res, err := db.Search(ctx, practice.SearchQuery{Text: "matrix", Retired: true, Limit: practice.MaxSearchLimit})
			if err != nil {
				t.Fatal(err)
			}
			var found []int64
			for _, h := range res.Hits {
				found = append(found, h.Practice.ID)
			}
			if !slices.Equal(sorted(found), sorted(wantPublished)) || res.Total != len(wantPublished) {
				t.Errorf("%s: search finds %d\n%v\nCanSeePractice\n%v", ac.name, res.Total, titles(all, found), titles(all, wantPublished))
			}
		}
		t.Logf("%d actors × %d practices", len(actors), len(all))
		if checked != len(actors)*len(all) || len(all) != 27 {
			t.Fatalf("checked %d pairs", checked)
		}
	})
}

// listAll lists every practice the actor may see through Practices: published, retired, drafts.
func listAll(t *testing.T, db *store.DB, ctx context.Context) []int64 {
	t.Helper()
	var out []int64
	for _, f := range []practice.Filter{{Retired: true}, {Status: practice.Draft}} {
		f.Page.Limit = citypact.MaxLimit
		ps, err := db.Practices(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ids(ps)...)
	}
	return out
}

func titles(all []practice.Practice, ids []int64) []string {
	var out []string
	for _, p := range all {
		if slices.Contains(ids, p.ID) {
			out = append(out, p.Title)
		}
	}
	return out
}
