package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/api"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
)

// TestDirectoryAPI drives the directory's routes on a running hub, in order, as each kind of
// caller: every request and answer is validated against openapi.json (exchange), and each case
// checks what it is about — role and per-organisation rights, bad input named by field, what
// visitors may not see, and that a refused change leaves the data as it was.
func TestDirectoryAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		hub := apptest.Start(t, dsn)
		doc := loadDocument(t)
		doc.Servers = openapi3.Servers{{URL: hub.URL + apiPrefix}}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			t.Fatalf("router: %v", err)
		}
		adminW := hub.Token(t, hub.Admin, citypact.ScopeWrite)
		editorW := hub.Token(t, hub.Editor, citypact.ScopeWrite) // Seoul's editor
		editorR := hub.Token(t, hub.Editor, citypact.ScopeRead)
		memberW := hub.Token(t, hub.Member, citypact.ScopeWrite)
		memberR := hub.Token(t, hub.Member, citypact.ScopeRead)
		otherW := hub.Token(t, hub.Other, citypact.ScopeWrite) // Taipei's editor

		const js = "application/json"
		body := func(v any) []byte {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		type m = map[string]any
		seoul := func(changes m) []byte {
			o := m{"kind": "city", "country": "KR", "region": "asia-pacific",
				"names":      []m{{"lang": "en", "text": "Seoul"}, {"lang": "ko", "text": "서울특별시", "original": true}, {"lang": "ja", "text": "ソウル"}},
				"population": 9386034, "population_year": 2023, "population_source": "Statistics Korea",
				"location": m{"lat": 37.5665, "lon": 126.978}, "website": "https://english.seoul.go.kr/",
				"description": "Capital of the Republic of Korea.", "source": "Reference document"}
			for k, v := range changes {
				if v == nil {
					delete(o, k)
				} else {
					o[k] = v
				}
			}
			return body(o)
		}
		orgNames := func(t *testing.T, res *apptest.Response) []string {
			t.Helper()
			var s []string
			for _, o := range decode[api.List[api.Organisation]](t, res).Items {
				s = append(s, o.Slug)
			}
			return s
		}
		wantSlugs := func(want ...string) func(*testing.T, *apptest.Response) {
			return func(t *testing.T, res *apptest.Response) {
				t.Helper()
				if got := orgNames(t, res); !slices.Equal(got, want) {
					t.Errorf("organisations %v, want %v", got, want)
				}
			}
		}
		wantType := func(suffix string) func(*testing.T, *apptest.Response) {
			return func(t *testing.T, res *apptest.Response) {
				t.Helper()
				if p := decode[api.Problem](t, res); !strings.HasSuffix(p.Type, suffix) {
					t.Errorf("problem type %q, want …%s", p.Type, suffix)
				}
			}
		}
		const orgs = "/api/v1/organisations"

		cases := []apiCase{
			{name: "regions", method: "GET", path: "/api/v1/regions", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.Region]](t, res)
					i := slices.IndexFunc(l.Items, func(r api.Region) bool { return r.Key == "asia-pacific" })
					if i < 0 || l.Items[i].Names["ko"] == "" || l.Items[i].Names["en"] == "" {
						t.Errorf("regions = %+v, want asia-pacific named in Korean and English", l.Items)
					}
				}},

			// PUT: the organisation's own editor may; nobody else below admin.
			{name: "put seoul as its editor", method: "PUT", path: orgs + "/seoul", token: editorW, ctype: js, body: seoul(nil), conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					o := decode[api.Organisation](t, res)
					if o.ID != hub.Seoul.ID || o.Slug != "seoul" || o.Name != "서울특별시" || len(o.Names) != 3 || o.Country != "KR" ||
						o.Location == nil || o.Location.Lat != 37.5665 || o.Population != 9386034 || o.UpdatedAt.Before(o.CreatedAt) {
						t.Errorf("after PUT: %+v", o)
					}
				}},
			{name: "seoul as stored", method: "GET", path: orgs + "/seoul", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					o := decode[api.Organisation](t, res)
					if o.Name != "서울특별시" || len(o.Names) != 3 || o.Region != "asia-pacific" || o.Website != "https://english.seoul.go.kr/" {
						t.Errorf("GET after PUT: %+v", o)
					}
				}},
			{name: "put taipei as its editor", method: "PUT", path: orgs + "/taipei", token: otherW, ctype: js, conforms: true, status: 200,
				body: body(m{"kind": "city", "country": "TW", "region": "asia-pacific", "names": []m{{"lang": "en", "text": "Taipei"}, {"lang": "zh-TW", "text": "臺北市", "original": true}}})},
			{name: "put seoul as taipei's editor", method: "PUT", path: orgs + "/seoul", token: otherW, ctype: js, body: seoul(m{"population": 1}), conforms: true, status: 403},
			{name: "put seoul as member", method: "PUT", path: orgs + "/seoul", token: memberW, ctype: js, body: seoul(nil), conforms: true, status: 403},
			{name: "put seoul with a read token", method: "PUT", path: orgs + "/seoul", token: editorR, ctype: js, body: seoul(nil), conforms: true, status: 403,
				check: wantType("/token_scope")},
			{name: "put seoul without token", method: "PUT", path: orgs + "/seoul", ctype: js, body: seoul(nil), conforms: false, status: 401},
			{name: "put seoul, another slug", method: "PUT", path: orgs + "/seoul", token: editorW, ctype: js, body: seoul(m{"slug": "soul"}), conforms: true, status: 422,
				check: wantFieldErrors("slug", "field.invalid")},
			{name: "put seoul, invalid country", method: "PUT", path: orgs + "/seoul", token: editorW, ctype: js, body: seoul(m{"country": "XX"}), conforms: true, status: 422,
				check: wantFieldErrors("country", "org.country_invalid")},
			{name: "put seoul, empty name", method: "PUT", path: orgs + "/seoul", token: editorW, ctype: js, body: seoul(m{"names": []m{{"lang": "en", "text": " ", "original": true}}}), conforms: true, status: 422,
				check: wantFieldErrors("name", "field.required", "names", "field.required")},
			{name: "put seoul, no original name", method: "PUT", path: orgs + "/seoul", token: editorW, ctype: js, body: seoul(m{"names": []m{{"lang": "en", "text": "Seoul"}}}), conforms: true, status: 422,
				check: wantFieldErrors("name", "field.required", "names", "org.one_original")},
			{name: "put seoul, population without year", method: "PUT", path: orgs + "/seoul", token: editorW, ctype: js, body: seoul(m{"population_year": nil}), conforms: true, status: 422,
				check: wantFieldErrors("population_year", "field.range")},
			{name: "put seoul, javascript website", method: "PUT", path: orgs + "/seoul", token: editorW, ctype: js, body: seoul(m{"website": "javascript:alert(1)"}), conforms: true, status: 422,
				check: wantFieldErrors("website", "url.invalid")},
			{name: "put seoul, name beside names disagrees", method: "PUT", path: orgs + "/seoul", token: editorW, ctype: js, body: seoul(m{"name": "Soul"}), conforms: true, status: 422,
				check: wantFieldErrors("name", "field.invalid")},
			{name: "put seoul, id is not the client's", method: "PUT", path: orgs + "/seoul", token: adminW, ctype: js, body: seoul(m{"id": 99}), conforms: false, status: 400},
			{name: "put seoul, location out of range", method: "PUT", path: orgs + "/seoul", token: editorW, ctype: js, body: seoul(m{"location": m{"lat": 91, "lon": 0}}), conforms: false, status: 422,
				check: wantFieldErrors("location", "org.location_invalid")},
			{name: "put nope", method: "PUT", path: orgs + "/nope", token: adminW, ctype: js, body: seoul(nil), conforms: true, status: 404},
			{name: "seoul unchanged by the refused PUTs", method: "GET", path: orgs + "/seoul", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if o := decode[api.Organisation](t, res); o.Country != "KR" || o.Population != 9386034 || len(o.Names) != 3 || o.Website == "" {
						t.Errorf("after refused PUTs: %+v", o)
					}
				}},

			// POST: admins only; the whole body.
			{name: "create citynet", method: "POST", path: orgs, token: adminW, ctype: js, conforms: true, status: 201,
				body: body(m{"slug": "citynet", "kind": "network", "names": []m{{"lang": "en", "text": "CityNet", "original": true}}, "region": "asia-pacific"}),
				check: func(t *testing.T, res *apptest.Response) {
					if o := decode[api.Organisation](t, res); o.Slug != "citynet" || o.Kind != "network" || o.Name != "CityNet" || o.Country != "" || o.Location != nil {
						t.Errorf("created %+v", o)
					}
				}},
			{name: "create ulsan, slug from the English name", method: "POST", path: orgs, token: adminW, ctype: js, conforms: true, status: 201,
				body: body(m{"kind": "city", "country": "kr", "names": []m{{"lang": "en", "text": "Ulsan"}, {"lang": "ko", "text": "울산광역시", "original": true}}}),
				check: func(t *testing.T, res *apptest.Response) {
					if o := decode[api.Organisation](t, res); o.Slug != "ulsan" || o.Country != "KR" || res.Header.Get("Location") != orgs+"/ulsan" {
						t.Errorf("created %+v at %q", o, res.Header.Get("Location"))
					}
				}},
			{name: "create, duplicate slug", method: "POST", path: orgs, token: adminW, ctype: js, body: seoul(m{"slug": "seoul"}), conforms: true, status: 422,
				check: wantFieldErrors("slug", "org.slug_taken")},
			{name: "create, invalid country", method: "POST", path: orgs, token: adminW, ctype: js, body: seoul(m{"slug": "incheon", "country": "ZZ"}), conforms: true, status: 422,
				check: wantFieldErrors("country", "org.country_invalid")},
			{name: "create, unknown region", method: "POST", path: orgs, token: adminW, ctype: js, body: seoul(m{"slug": "incheon", "region": "mars"}), conforms: true, status: 422,
				check: wantFieldErrors("region", "field.choice")},
			{name: "create, unknown field in a name", method: "POST", path: orgs, token: adminW, ctype: js, body: seoul(m{"slug": "incheon", "names": []m{{"lang": "en", "text": "Incheon", "original": true, "x": 1}}}), conforms: false, status: 400},
			{name: "create as member", method: "POST", path: orgs, token: memberW, ctype: js, body: seoul(m{"slug": "incheon"}), conforms: true, status: 403},
			{name: "create as editor", method: "POST", path: orgs, token: editorW, ctype: js, body: seoul(m{"slug": "incheon"}), conforms: true, status: 403},

			// Filters.
			{name: "list networks", method: "GET", path: orgs + "?kind=network", conforms: true, status: 200, check: wantSlugs("citynet")},
			{name: "list by country, lower case", method: "GET", path: orgs + "?country=kr", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.Organisation]](t, res)
					var got []string
					for _, o := range l.Items {
						got = append(got, o.Slug)
						if o.Slug == "seoul" && (len(o.Names) != 3 || o.Population == 0 || o.Location == nil) {
							t.Errorf("list item without its facts: %+v", o)
						}
					}
					slices.Sort(got)
					if !slices.Equal(got, []string{"seoul", "ulsan"}) {
						t.Errorf("organisations in KR: %v", got)
					}
				}},
			{name: "list by Korean name", method: "GET", path: orgs + "?q=" + "%EC%84%9C%EC%9A%B8", conforms: true, status: 200, check: wantSlugs("seoul")},
			{name: "list by region and kind", method: "GET", path: orgs + "?region=asia-pacific&kind=city", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					// By original name, whose order between scripts is the database's collation's.
					if got := orgNames(t, res); len(got) != 2 || !slices.Contains(got, "seoul") || !slices.Contains(got, "taipei") {
						t.Errorf("cities in asia-pacific: %v", got)
					}
				}},
			{name: "list, bad kind", method: "GET", path: orgs + "?kind=village", conforms: false, status: 422, check: wantFieldErrors("kind", "field.choice")},
			{name: "list, bad country and region", method: "GET", path: orgs + "?country=XX&region=mars", conforms: true, status: 422,
				check: wantFieldErrors("country", "org.country_invalid", "region", "field.choice")},
			{name: "list, unknown network", method: "GET", path: orgs + "?network=nope", conforms: true, status: 422, check: wantFieldErrors("network", "org.unknown")},

			// Ties.
			{name: "tie seoul–taipei", method: "POST", path: orgs + "/seoul/ties", token: editorW, ctype: js, conforms: true, status: 201,
				body: body(m{"partner": "taipei", "kind": "sister", "since": "2001-05-08", "reference": "Agreement of 2001"}),
				check: func(t *testing.T, res *apptest.Response) {
					if tie := decode[api.Tie](t, res); tie.Partner.Slug != "taipei" || tie.Kind != "sister" || tie.Since != "2001-05-08" || tie.ID == 0 {
						t.Errorf("tie = %+v", tie)
					}
				}},
			{name: "tie, the same pair reversed", method: "POST", path: orgs + "/taipei/ties", token: otherW, ctype: js, body: body(m{"partner": "seoul", "kind": "sister"}), conforms: true, status: 422,
				check: wantFieldErrors("partner", "tie.duplicate")},
			{name: "tie, the same pair again", method: "POST", path: orgs + "/seoul/ties", token: editorW, ctype: js, body: body(m{"partner": "taipei", "kind": "sister"}), conforms: true, status: 422,
				check: wantFieldErrors("partner", "tie.duplicate")},
			{name: "tie to itself", method: "POST", path: orgs + "/seoul/ties", token: editorW, ctype: js, body: body(m{"partner": "seoul", "kind": "friendship"}), conforms: true, status: 422,
				check: wantFieldErrors("partner", "tie.self")},
			{name: "tie, no such day", method: "POST", path: orgs + "/seoul/ties", token: editorW, ctype: js, body: body(m{"partner": "ulsan", "kind": "friendship", "since": "2001-02-30"}), conforms: true, status: 422,
				check: wantFieldErrors("since", "date.invalid")},
			{name: "tie, not a date", method: "POST", path: orgs + "/seoul/ties", token: editorW, ctype: js, body: body(m{"partner": "ulsan", "kind": "friendship", "since": "08/05/2001"}), conforms: false, status: 422,
				check: wantFieldErrors("since", "date.invalid")},
			{name: "tie, unknown partner", method: "POST", path: orgs + "/seoul/ties", token: editorW, ctype: js, body: body(m{"partner": "atlantis", "kind": "friendship"}), conforms: true, status: 422,
				check: wantFieldErrors("partner", "org.unknown")},
			{name: "tie by an editor of neither side", method: "POST", path: orgs + "/seoul/ties", token: otherW, ctype: js, body: body(m{"partner": "ulsan", "kind": "friendship"}), conforms: true, status: 403},
			{name: "tie by a member", method: "POST", path: orgs + "/seoul/ties", token: memberW, ctype: js, body: body(m{"partner": "ulsan", "kind": "friendship"}), conforms: true, status: 403},
			{name: "taipei's ties", method: "GET", path: orgs + "/taipei/ties", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.Tie]](t, res)
					if len(l.Items) != 1 || l.Items[0].Partner.Slug != "seoul" || l.Items[0].Since != "2001-05-08" {
						t.Errorf("taipei's ties = %+v, want the one with seoul", l.Items)
					}
				}},
			{name: "ties of nope", method: "GET", path: orgs + "/nope/ties", conforms: true, status: 404},

			// Memberships: the network's editors and admins.
			{name: "seoul joins citynet", method: "POST", path: orgs + "/citynet/members", token: adminW, ctype: js, conforms: true, status: 201,
				body: body(m{"member": "seoul", "role": "founding", "since": "2020-04-01"}),
				check: func(t *testing.T, res *apptest.Response) {
					if ms := decode[api.Membership](t, res); ms.Network.Slug != "citynet" || ms.Member.Slug != "seoul" || ms.Role != "founding" || ms.Until != "" {
						t.Errorf("membership = %+v", ms)
					}
				}},
			{name: "membership in a non-network", method: "POST", path: orgs + "/seoul/members", token: editorW, ctype: js, body: body(m{"member": "taipei"}), conforms: true, status: 422,
				check: wantFieldErrors("network", "membership.not_a_network")},
			{name: "membership by a member's editor", method: "POST", path: orgs + "/citynet/members", token: editorW, ctype: js, body: body(m{"member": "taipei"}), conforms: true, status: 403},
			{name: "membership, until before since", method: "POST", path: orgs + "/citynet/members", token: adminW, ctype: js,
				body: body(m{"member": "taipei", "since": "2020-05-01", "until": "2020-04-30"}), conforms: true, status: 422,
				check: wantFieldErrors("until", "date.before_since")},
			{name: "membership twice", method: "POST", path: orgs + "/citynet/members", token: adminW, ctype: js, body: body(m{"member": "seoul"}), conforms: true, status: 422,
				check: wantFieldErrors("member", "membership.duplicate")},
			{name: "membership of itself", method: "POST", path: orgs + "/citynet/members", token: adminW, ctype: js, body: body(m{"member": "citynet"}), conforms: true, status: 422,
				check: wantFieldErrors("member", "membership.self")},
			{name: "seoul's networks", method: "GET", path: orgs + "/seoul/memberships", token: memberR, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if l := decode[api.List[api.Membership]](t, res); len(l.Items) != 1 || l.Items[0].Network.Slug != "citynet" || l.Items[0].Since != "2020-04-01" {
						t.Errorf("seoul's memberships = %+v", l.Items)
					}
				}},
			{name: "citynet's members", method: "GET", path: orgs + "/citynet/members", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if l := decode[api.List[api.Membership]](t, res); len(l.Items) != 1 || l.Items[0].Member.Slug != "seoul" {
						t.Errorf("citynet's members = %+v", l.Items)
					}
				}},
			{name: "members of a city", method: "GET", path: orgs + "/seoul/members", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if l := decode[api.List[api.Membership]](t, res); len(l.Items) != 0 {
						t.Errorf("seoul's members = %+v", l.Items)
					}
				}},
			{name: "list citynet's members", method: "GET", path: orgs + "?network=citynet", conforms: true, status: 200, check: wantSlugs("seoul")},

			// Contacts: details for tokens only.
			{name: "add a contact", method: "POST", path: orgs + "/seoul/contacts", token: editorW, ctype: js, conforms: true, status: 201,
				body: body(m{"name": "Kim Min-jun", "title": "focal_international", "role": "International Relations", "email": "intl@seoul.example", "phone": "+82 2 120"}),
				check: func(t *testing.T, res *apptest.Response) {
					if c := decode[api.Contact](t, res); c.Email != "intl@seoul.example" || c.Phone != "+82 2 120" || c.ID == 0 {
						t.Errorf("contact = %+v", c)
					}
				}},
			{name: "add a contact to another organisation", method: "POST", path: orgs + "/seoul/contacts", token: otherW, ctype: js, body: body(m{"name": "X", "title": "mayor"}), conforms: true, status: 403},
			{name: "add a contact, bad e-mail", method: "POST", path: orgs + "/seoul/contacts", token: editorW, ctype: js, body: body(m{"name": "X", "title": "mayor", "email": "not an address"}), conforms: true, status: 422,
				check: wantFieldErrors("email", "email.invalid")},
			{name: "add a contact, bad title", method: "POST", path: orgs + "/seoul/contacts", token: editorW, ctype: js, body: body(m{"name": "X", "title": "king"}), conforms: false, status: 422,
				check: wantFieldErrors("title", "field.choice")},
			{name: "contacts as a visitor", method: "GET", path: orgs + "/seoul/contacts", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.Contact]](t, res)
					if len(l.Items) != 1 || l.Items[0].Name != "Kim Min-jun" || l.Items[0].Title != "focal_international" {
						t.Errorf("contacts = %+v", l.Items)
					}
					if strings.Contains(res.Body, "seoul.example") || strings.Contains(res.Body, "+82") || strings.Contains(res.Body, `"email"`) {
						t.Errorf("a visitor sees contact details: %s", res.Body)
					}
				}},
			{name: "contacts with a token", method: "GET", path: orgs + "/seoul/contacts", token: memberR, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if l := decode[api.List[api.Contact]](t, res); len(l.Items) != 1 || l.Items[0].Email != "intl@seoul.example" || l.Items[0].Phone != "+82 2 120" {
						t.Errorf("contacts = %+v", l.Items)
					}
				}},

			// Timeline: an editor of any party.
			{name: "taipei's gift to seoul", method: "POST", path: orgs + "/taipei/timeline", token: otherW, ctype: js, conforms: true, status: 201,
				body: body(m{"date": "2020-03-15", "kind": "gift", "title": "Masks donated", "parties": []string{"seoul"}, "links": []string{"https://example.org/masks"}}),
				check: func(t *testing.T, res *apptest.Response) {
					e := decode[api.TimelineEntry](t, res)
					if e.Date != "2020-03-15" || len(e.Parties) != 2 || e.Title != "Masks donated" || len(e.Links) != 1 {
						t.Errorf("entry = %+v", e)
					}
				}},
			{name: "timeline, not a date", method: "POST", path: orgs + "/taipei/timeline", token: otherW, ctype: js, conforms: false, status: 422,
				body: body(m{"date": "15/03/2020", "kind": "gift", "title": "Masks", "parties": []string{"seoul"}}), check: wantFieldErrors("date", "date.invalid")},
			{name: "timeline, no other party", method: "POST", path: orgs + "/taipei/timeline", token: otherW, ctype: js, conforms: true, status: 422,
				body: body(m{"date": "2020-03-15", "kind": "gift", "title": "Masks", "parties": []string{"taipei"}}), check: wantFieldErrors("parties", "timeline.two_parties")},
			{name: "timeline, unknown party", method: "POST", path: orgs + "/taipei/timeline", token: otherW, ctype: js, conforms: true, status: 422,
				body: body(m{"date": "2020-03-15", "kind": "gift", "title": "Masks", "parties": []string{"atlantis"}}), check: wantFieldErrors("parties", "org.unknown")},
			{name: "timeline, by an editor of no party", method: "POST", path: orgs + "/ulsan/timeline", token: otherW, ctype: js, conforms: true, status: 403,
				body: body(m{"date": "2020-03-15", "kind": "visit", "title": "Visit", "parties": []string{"citynet"}})},
			{name: "seoul's timeline with taipei", method: "GET", path: orgs + "/seoul/timeline?partner=taipei", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.TimelineEntry]](t, res)
					if len(l.Items) != 1 || l.Items[0].Kind != "gift" {
						t.Errorf("timeline = %+v", l.Items)
					}
				}},
			{name: "seoul's timeline with citynet", method: "GET", path: orgs + "/seoul/timeline?partner=citynet", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if l := decode[api.List[api.TimelineEntry]](t, res); len(l.Items) != 0 {
						t.Errorf("timeline = %+v", l.Items)
					}
				}},
			{name: "timeline, unknown partner", method: "GET", path: orgs + "/seoul/timeline?partner=atlantis", conforms: true, status: 422,
				check: wantFieldErrors("partner", "org.unknown")},

			// DELETE: admins, and only what nothing refers to.
			{name: "delete seoul, referenced", method: "DELETE", path: orgs + "/seoul", token: adminW, conforms: true, status: 409, check: wantType("/org.in_use")},
			{name: "seoul is still there", method: "GET", path: orgs + "/seoul/ties", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if l := decode[api.List[api.Tie]](t, res); len(l.Items) != 1 {
						t.Errorf("seoul's ties after a refused delete = %+v", l.Items)
					}
				}},
			{name: "delete citynet, referenced by a membership", method: "DELETE", path: orgs + "/citynet", token: adminW, conforms: true, status: 409, check: wantType("/org.in_use")},
			{name: "delete ulsan as seoul's editor", method: "DELETE", path: orgs + "/ulsan", token: editorW, conforms: true, status: 403},
			{name: "delete ulsan", method: "DELETE", path: orgs + "/ulsan", token: adminW, conforms: true, status: 204},
			{name: "ulsan is gone", method: "GET", path: orgs + "/ulsan", conforms: true, status: 404},
			{name: "delete nope", method: "DELETE", path: orgs + "/nope", token: adminW, conforms: true, status: 404},

			// CSV export.
			{name: "export", method: "GET", path: orgs + ".csv", conforms: true, status: 200, resType: "text/csv",
				check: func(t *testing.T, res *apptest.Response) {
					if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="organisations.csv"` {
						t.Errorf("Content-Disposition %q", cd)
					}
					got, err := directory.ReadOrganisationsCSV(strings.NewReader(res.Body), "export.csv", []string{"asia-pacific"})
					if err != nil {
						t.Fatalf("the export does not import: %v", err)
					}
					var slugs []string
					for _, o := range got {
						slugs = append(slugs, o.Slug)
						if o.Slug == "seoul" && (o.NameIn("ko") != "서울특별시" || o.Population != 9386034 || !o.HasLocation || o.Original().Lang != "ko") {
							t.Errorf("seoul in the export: %+v", o)
						}
					}
					slices.Sort(slugs)
					if !slices.Equal(slugs, []string{"citynet", "seoul", "taipei"}) {
						t.Errorf("exported %v", slugs)
					}
				}},
			{name: "export networks", method: "GET", path: orgs + ".csv?kind=network", token: memberR, conforms: true, status: 200, resType: "text/csv",
				check: func(t *testing.T, res *apptest.Response) {
					if lines := strings.Split(strings.TrimSpace(res.Body), "\r\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "citynet,network,CityNet,") {
						t.Errorf("export of networks:\n%s", res.Body)
					}
				}},
			{name: "export, bad country", method: "GET", path: orgs + ".csv?country=XX", conforms: true, status: 422, check: wantFieldErrors("country", "org.country_invalid")},
		}

		c := hub.Client(t)
		for _, tc := range cases {
			if tc.check == nil {
				tc.check = func(*testing.T, *apptest.Response) {}
			}
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				exchange(t, c, hub, router, tc)
			})
		}

		// A refused delete removed nothing: Seoul's memberships, contacts and timeline are there.
		ctx := t.Context()
		s, err := hub.App.DB.OrganisationBySlug(ctx, "seoul")
		if err != nil {
			t.Fatal(err)
		}
		ms, _ := hub.App.DB.Memberships(ctx, 0, s.ID)
		cs, _ := hub.App.DB.Contacts(ctx, s.ID)
		tl, _ := hub.App.DB.Timeline(ctx, s.ID, 0)
		if len(ms) != 1 || len(cs) != 1 || len(tl) != 1 || len(s.Names) != 3 {
			t.Errorf("after the refused delete seoul has %d memberships, %d contacts, %d entries, %d names", len(ms), len(cs), len(tl), len(s.Names))
		}
	})
}
