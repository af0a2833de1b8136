package practice

import (
	"strings"
	"testing"

	"github.com/citypact/citypact"
)

// The cast: organisation 10 owns the practice; 20 is its sister city; 30 belongs to network 100;
// 40 has no relation to anybody; 100 is the network itself.
const (
	owner     = 10
	partner   = 20
	inNetwork = 30
	unrelated = 40
	network   = 100
)

type role struct {
	name  string
	actor citypact.Actor
	rel   Relations
	// sees lists the visibilities (by String) the role sees on a published or retired practice;
	// drafts says whether it sees drafts.
	sees   string
	drafts bool
}

var roles = []role{
	{name: "visitor", actor: citypact.Visitor,
		sees: "public"},
	{name: "member of owner", actor: citypact.Actor{UserID: 1, Role: citypact.RoleMember, OrgID: owner},
		rel:  Relations{OrgID: owner, Partners: []int64{partner}, Networks: []int64{network}},
		sees: "public network:100 partners org", drafts: true},
	{name: "editor of owner", actor: citypact.Actor{UserID: 2, Role: citypact.RoleEditor, OrgID: owner},
		rel:  Relations{OrgID: owner, Partners: []int64{partner}, Networks: []int64{network}},
		sees: "public network:100 partners org", drafts: true},
	{name: "member of partner", actor: citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: partner},
		rel:  Relations{OrgID: partner, Partners: []int64{owner}},
		sees: "public partners"},
	{name: "member of network", actor: citypact.Actor{UserID: 4, Role: citypact.RoleMember, OrgID: inNetwork},
		rel:  Relations{OrgID: inNetwork, Networks: []int64{network}},
		sees: "public network:100"},
	{name: "member of the network's secretariat", actor: citypact.Actor{UserID: 5, Role: citypact.RoleMember, OrgID: network},
		sees: "public network:100"},
	{name: "member of unrelated org", actor: citypact.Actor{UserID: 6, Role: citypact.RoleMember, OrgID: unrelated},
		rel:  Relations{OrgID: unrelated},
		sees: "public"},
	{name: "editor of other org", actor: citypact.Actor{UserID: 7, Role: citypact.RoleEditor, OrgID: unrelated},
		rel:  Relations{OrgID: unrelated, Networks: []int64{200}},
		sees: "public"},
	{name: "editor of partner", actor: citypact.Actor{UserID: 8, Role: citypact.RoleEditor, OrgID: partner},
		rel:  Relations{OrgID: partner, Partners: []int64{owner}},
		sees: "public partners"},
	{name: "admin", actor: citypact.Actor{UserID: 9, Role: citypact.RoleAdmin},
		sees: "public network:100 partners org", drafts: true},
	{name: "read-only token of partner", actor: citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: partner, Scope: citypact.ScopeRead, TokenID: 1},
		rel:  Relations{OrgID: partner, Partners: []int64{owner}},
		sees: "public partners"},
	// Relations filled for another organisation than the actor's grant nothing.
	{name: "member of unrelated org with the partner's relations", actor: citypact.Actor{UserID: 6, Role: citypact.RoleMember, OrgID: unrelated},
		rel:  Relations{OrgID: partner, Partners: []int64{owner}, Networks: []int64{network}},
		sees: "public"},
	// A signed-in user bound to no organisation (not an admin) is no organisation's member.
	{name: "member without organisation", actor: citypact.Actor{UserID: 10, Role: citypact.RoleMember},
		rel:  Relations{Partners: []int64{owner}, Networks: []int64{network}},
		sees: "public"},
}

var visibilities = []Visibility{Public, Network(network), Partners, OrgOnly}

func TestCanSeePractice(t *testing.T) {
	for _, r := range roles {
		for _, st := range Statuses {
			for _, v := range visibilities {
				p := Practice{ID: 1, OwnerID: owner, Status: st, Visibility: v, Version: 1}
				want := strings.Contains(" "+r.sees+" ", " "+v.String()+" ")
				if st == Draft {
					want = r.drafts
				}
				if got := CanSeePractice(r.actor, p, r.rel); got != want {
					t.Errorf("%s, %s %s: CanSeePractice = %v, want %v", r.name, st, v, got, want)
				}
				if st != Draft {
					if got := CanSee(r.actor, v, owner, r.rel); got != want {
						t.Errorf("%s, %s: CanSee = %v, want %v", r.name, v, got, want)
					}
				}
			}
		}
	}
}

func TestCanSeeInvalidVisibility(t *testing.T) {
	// Invalid values fail closed, even for the owner: only admins see them.
	for _, v := range []Visibility{{}, {Kind: "world"}, {Kind: VisNetwork}, {Kind: VisPartners, NetworkID: 3}, {Kind: VisPublic, NetworkID: 3}} {
		for _, r := range roles {
			want := r.actor.IsAdmin()
			if got := CanSee(r.actor, v, owner, r.rel); got != want {
				t.Errorf("%s, %#v: CanSee = %v, want %v", r.name, v, got, want)
			}
		}
	}
}

func TestSharedThroughHandbook(t *testing.T) {
	a := citypact.Actor{UserID: 6, Role: citypact.RoleMember, OrgID: unrelated}
	rel := Relations{OrgID: unrelated, Shared: []int64{1}}
	for _, tt := range []struct {
		p    Practice
		want bool
	}{
		{Practice{ID: 1, OwnerID: owner, Status: Published, Visibility: OrgOnly}, true},
		{Practice{ID: 1, OwnerID: owner, Status: Retired, Visibility: OrgOnly}, true},
		{Practice{ID: 1, OwnerID: owner, Status: Draft, Visibility: OrgOnly}, false}, // never a draft
		{Practice{ID: 2, OwnerID: owner, Status: Published, Visibility: OrgOnly}, false},
	} {
		if got := CanSeePractice(a, tt.p, rel); got != tt.want {
			t.Errorf("%+v: got %v, want %v", tt.p, got, tt.want)
		}
	}
	if CanSeePractice(citypact.Visitor, Practice{ID: 1, OwnerID: owner, Status: Published, Visibility: OrgOnly}, Relations{Shared: []int64{1}}) {
		t.Error("a visitor saw a practice through a share")
	}
}

func TestCanEdit(t *testing.T) {
	for _, tt := range []struct {
		name  string
		actor citypact.Actor
		want  citypact.Kind // KindInternal stands for nil
	}{
		{"visitor", citypact.Visitor, citypact.KindUnauthenticated},
		{"member of owner", citypact.Actor{UserID: 1, Role: citypact.RoleMember, OrgID: owner}, citypact.KindForbidden},
		{"editor of owner", citypact.Actor{UserID: 2, Role: citypact.RoleEditor, OrgID: owner}, citypact.KindInternal},
		{"editor of owner, read-only token", citypact.Actor{UserID: 2, Role: citypact.RoleEditor, OrgID: owner, Scope: citypact.ScopeRead}, citypact.KindForbidden},
		{"editor of owner, write token", citypact.Actor{UserID: 2, Role: citypact.RoleEditor, OrgID: owner, Scope: citypact.ScopeWrite}, citypact.KindInternal},
		{"member of partner", citypact.Actor{UserID: 3, Role: citypact.RoleMember, OrgID: partner}, citypact.KindForbidden},
		{"editor of other org", citypact.Actor{UserID: 7, Role: citypact.RoleEditor, OrgID: unrelated}, citypact.KindForbidden},
		{"editor without organisation", citypact.Actor{UserID: 7, Role: citypact.RoleEditor}, citypact.KindForbidden},
		{"admin", citypact.Actor{UserID: 9, Role: citypact.RoleAdmin}, citypact.KindInternal},
		{"admin, read-only token", citypact.Actor{UserID: 9, Role: citypact.RoleAdmin, Scope: citypact.ScopeRead}, citypact.KindForbidden},
	} {
		err := CanEdit(tt.actor, owner)
		if tt.want == citypact.KindInternal {
			if err != nil {
				t.Errorf("%s: CanEdit = %v, want nil", tt.name, err)
			}
			continue
		}
		if err == nil || citypact.KindOf(err) != tt.want {
			t.Errorf("%s: CanEdit = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestCanChange(t *testing.T) {
	p := Practice{ID: 1, OwnerID: owner, Status: Published, Visibility: Partners, Version: 1}
	// An editor of an organisation that cannot see the practice learns nothing of it.
	other := citypact.Actor{UserID: 7, Role: citypact.RoleEditor, OrgID: unrelated}
	if err := CanChange(other, p, Relations{OrgID: unrelated}); citypact.KindOf(err) != citypact.KindNotFound {
		t.Errorf("unrelated editor: %v, want not found", err)
	}
	// A partner's editor sees it and is refused.
	pe := citypact.Actor{UserID: 8, Role: citypact.RoleEditor, OrgID: partner}
	if err := CanChange(pe, p, Relations{OrgID: partner, Partners: []int64{owner}}); citypact.KindOf(err) != citypact.KindForbidden {
		t.Errorf("partner editor: %v, want forbidden", err)
	}
	oe := citypact.Actor{UserID: 2, Role: citypact.RoleEditor, OrgID: owner}
	if err := CanChange(oe, p, Relations{}); err != nil {
		t.Errorf("owner's editor: %v", err)
	}
}

func TestParseVisibility(t *testing.T) {
	for _, s := range []string{"public", "network:12", "partners", "org", "network:9223372036854775807"} {
		v, err := ParseVisibility(s)
		if err != nil || v.String() != s {
			t.Errorf("ParseVisibility(%q) = %v, %v", s, v, err)
		}
		b, err := v.MarshalText()
		if err != nil || string(b) != s {
			t.Errorf("MarshalText(%q) = %q, %v", s, b, err)
		}
		var back Visibility
		if err := back.UnmarshalText(b); err != nil || back != v {
			t.Errorf("UnmarshalText(%q) = %v, %v", b, back, err)
		}
	}
	for _, s := range []string{"", "Public", " public", "network", "network:", "network:0", "network:-1", "network:+12",
		"network:012", "network:12 ", "network:1e3", "network:99999999999999999999", "partner", "org:1", "private"} {
		if v, err := ParseVisibility(s); err == nil {
			t.Errorf("ParseVisibility(%q) = %v, want an error", s, v)
		} else if f := citypact.FieldsOf(err); len(f) != 1 || f[0].Key != "practice.visibility_invalid" {
			t.Errorf("ParseVisibility(%q): %v", s, err)
		}
	}
	if s := (Visibility{Kind: VisNetwork}).String(); s != "" {
		t.Errorf("invalid visibility printed as %q", s)
	}
}
