package api_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/api"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/cases"
	"github.com/citypact/citypact/internal/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

const apiPrefix = "/api/v1"

// loadDocument loads openapi.json with kin-openapi and validates it, as OpenAPI 3.1 since the
// document says so: references resolve, operation ids are unique, path parameters are declared,
// security requirements name defined schemes, and every Schema Object is valid JSON Schema 2020-12.
func loadDocument(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI())
	if err != nil {
		t.Fatalf("loading openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	return doc
}

// TestOpenAPIDocumentsEveryRoute checks that the document and the route table agree: every API
// route is an operation, every operation a route, and each operation states the route's least
// role, token scope and security truthfully.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	doc := loadDocument(t)
	type key struct{ method, path string }
	routes := map[key]bool{}
	for _, rt := range api.New(api.Deps{}).Routes() {
		if rt.Pattern == "/api/" { // the problem+json catch-all for unknown API paths
			continue
		}
		path, ok := strings.CutPrefix(rt.Pattern, apiPrefix)
		if !ok || !strings.HasPrefix(path, "/") {
			t.Errorf("route %s %s is not under %s", rt.Method, rt.Pattern, apiPrefix)
			continue
		}
		routes[key{rt.Method, path}] = true
		item := doc.Paths.Value(path)
		if item == nil {
			t.Errorf("route %s %s: openapi.json has no path %q", rt.Method, rt.Pattern, path)
			continue
		}
		op := item.GetOperation(rt.Method)
		if op == nil {
			t.Errorf("route %s %s: openapi.json has no %s operation on %q", rt.Method, rt.Pattern, rt.Method, path)
			continue
		}
		name := rt.Method + " " + path
		if got, want := op.Extensions["x-least-role"], rt.Role.String(); got != want {
			t.Errorf("%s: x-least-role is %v, the route's least role is %q", name, got, want)
		}
		wantScope := "write"
		if rt.Safe() {
			wantScope = "read"
		}
		if got := op.Extensions["x-token-scope"]; got != wantScope {
			t.Errorf("%s: x-token-scope is %v, want %q", name, got, wantScope)
		}
		if !strings.Contains(op.Description, "Least role: "+rt.Role.String()) {
			t.Errorf("%s: description does not say %q:\n%s", name, "Least role: "+rt.Role.String(), op.Description)
		}
		if op.Security == nil {
			t.Errorf("%s: no security requirement stated", name)
			continue
		}
		optional := false
		for _, req := range *op.Security {
			switch {
			case len(req) == 0:
				optional = true
			case len(req) != 1 || req["bearerAuth"] == nil:
				t.Errorf("%s: security requirement %v, want only bearerAuth", name, req)
			}
		}
		if visitors := rt.Role == citypact.RoleVisitor; optional != visitors {
			t.Errorf("%s: token optional in openapi.json = %v, but the route's least role is %s", name, optional, rt.Role)
		}
		// Any operation may meet a bad token or a server failure; only operations that need more
		// than a member, or that change data (a read token is refused), answer 403.
		for _, code := range []string{"401", "500"} {
			if op.Responses.Value(code) == nil {
				t.Errorf("%s: response %s is not documented", name, code)
			}
		}
		want403 := rt.Role > citypact.RoleMember || !rt.Safe()
		if got := op.Responses.Value("403") != nil; got != want403 {
			t.Errorf("%s: 403 documented = %v, want %v", name, got, want403)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !routes[key{method, path}] {
				t.Errorf("openapi.json documents %s %s, which is not a route of api.Server", method, path)
			}
		}
	}
}

// TestOpenAPIIsValid validates the document as OpenAPI 3.1 twice: with kin-openapi (references,
// schemas, operation ids, parameters) and against the OpenAPI Initiative's own JSON Schema for 3.1
// documents (structure: unknown fields, status codes, required fields), which catch different
// mistakes.
func TestOpenAPIIsValid(t *testing.T) {
	doc := loadDocument(t)
	if doc.OpenAPI != "3.1.0" || !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if doc.Info == nil || doc.Info.Title != "citypact API" || doc.Info.Version != "1" {
		t.Errorf("info = %+v, want title %q and version %q", doc.Info, "citypact API", "1")
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != apiPrefix {
		t.Errorf("servers = %v, want one with url %q", doc.Servers, apiPrefix)
	}
	if s := doc.Components.SecuritySchemes["bearerAuth"]; s == nil || s.Value.Type != "http" || s.Value.Scheme != "bearer" {
		t.Errorf("security scheme bearerAuth is not http bearer: %+v", s)
	}

	// The official meta-schema; it must also catch a mistake, so that a schema that accepts
	// everything cannot pass unnoticed.
	meta := compileMetaSchema(t)
	if err := meta.Validate(unmarshalInstance(t, api.OpenAPI())); err != nil {
		t.Errorf("openapi.json does not validate against the OpenAPI 3.1 schema: %v", err)
	}
	var broken map[string]any
	if err := json.Unmarshal(api.OpenAPI(), &broken); err != nil {
		t.Fatal(err)
	}
	broken["paths"].(map[string]any)["/me"].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)["99"] = map[string]any{"description": "no such status"}
	b, _ := json.Marshal(broken)
	if meta.Validate(unmarshalInstance(t, b)) == nil {
		t.Error("the OpenAPI 3.1 schema accepted a response with status 99")
	}

	lowerCamel := regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if !lowerCamel.MatchString(op.OperationID) {
				t.Errorf("%s %s: operationId %q is not lowerCamelCase", method, path, op.OperationID)
			}
			for code, ref := range op.Responses.Map() {
				if code >= "400" {
					if ref.Value.Content.Get("application/problem+json") == nil {
						t.Errorf("%s %s: response %s is not application/problem+json", method, path, code)
					}
				}
			}
		}
	}

	// JSON Schema examples are annotations that no validator checks: check them here.
	for name, ref := range doc.Components.Schemas {
		for i, ex := range ref.Value.Examples {
			if err := ref.Value.VisitJSON(ex, openapi3.EnableJSONSchema2020()); err != nil {
				t.Errorf("schema %s: example %d does not validate: %v", name, i, err)
			}
		}
	}
}

func compileMetaSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/oas-3.1-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("testdata/oas-3.1-schema.json: %v", err)
	}
	id, _ := m.(map[string]any)["$id"].(string)
	if !strings.HasPrefix(id, "https://spec.openapis.org/oas/3.1/schema/") {
		t.Fatalf("testdata/oas-3.1-schema.json has $id %q, not that of an OpenAPI 3.1 schema", id)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, m); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatalf("compiling the OpenAPI 3.1 schema: %v", err)
	}
	return s
}

func unmarshalInstance(t *testing.T, b []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestOpenAPISchemasMatchGoTypes checks that each component schema has exactly the JSON fields of
// the Go type the handlers encode (or decode), and requires exactly those that are always
// written: response validation alone would not notice a field the document forgot.
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	doc := loadDocument(t)
	for name, v := range map[string]any{
		"Organisation":      api.Organisation{},
		"NewOrganisation":   api.NewOrganisation{},
		"Me":                api.Me{},
		"AuditEntry":        api.AuditEntry{},
		"OrganisationList":  api.List[api.Organisation]{},
		"Name":              api.Name{},
		"Location":          api.Location{},
		"OrgRef":            api.OrgRef{},
		"Tie":               api.Tie{},
		"NewTie":            api.NewTie{},
		"TieList":           api.List[api.Tie]{},
		"Membership":        api.Membership{},
		"NewMembership":     api.NewMembership{},
		"MembershipList":    api.List[api.Membership]{},
		"Contact":           api.Contact{},
		"NewContact":        api.NewContact{},
		"ContactList":       api.List[api.Contact]{},
		"TimelineEntry":     api.TimelineEntry{},
		"NewTimelineEntry":  api.NewTimelineEntry{},
		"TimelineEntryList": api.List[api.TimelineEntry]{},
		"Region":            api.Region{},
		"RegionList":        api.List[api.Region]{},
		"AuditEntryList":    api.List[api.AuditEntry]{},
		"Problem":           api.Problem{},
		"ProblemField":      api.ProblemField{},
		"Area":              api.Area{},
		"AreaList":          api.List[api.Area]{},
		"AreaDetail":        api.AreaDetail{},
		"AreaRef":           api.AreaRef{},
		"Population":        api.Population{},
		"Coverage":          api.Coverage{},
		"Source":            api.Source{},
		"SourceList":        api.List[api.Source]{},
		"SourceRef":         api.SourceRef{},
		"SourceDetail":      api.SourceDetail{},
		"Import":            api.Import{},
		"Series":            api.Series{},
		"SeriesPoint":       api.SeriesPoint{},
		"ImportProblem":     api.ImportProblem{},
		"RowProblem":        api.RowProblem{},
		"ImportResult":      api.ImportResult{},
		"Mapping":           api.Mapping{},
		"NewMapping":        api.NewMapping{},
		"MappingList":       api.List[api.Mapping]{},
		"DateColumn":        cases.DateColumn{},
		"AreaColumn":        cases.AreaColumn{},
		"MetricColumn":      cases.MetricColumn{},
		"Practice":          api.Practice{},
		"PracticeItem":      api.PracticeItem{},
		"PracticeList":      api.List[api.PracticeItem]{},
		"Match":             api.Match{},
		"SnippetFragment":   api.SnippetFragment{},
		"NewPractice":       api.NewPractice{},
		"PublishPractice":   api.PublishPractice{},
		"Version":           api.Version{},
		"VersionList":       api.List[api.Version]{},
		"Translation":       api.Translation{},
		"TranslationList":   api.List[api.Translation]{},
		"NewTranslation":    api.NewTranslation{},
	} {
		ref := doc.Components.Schemas[name]
		if ref == nil {
			t.Errorf("schema %s is missing", name)
			continue
		}
		var fields, always []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			tag := rt.Field(i).Tag.Get("json")
			field, opts, _ := strings.Cut(tag, ",")
			if field == "" || field == "-" {
				t.Fatalf("%s.%s has no JSON name", rt.Name(), rt.Field(i).Name)
			}
			fields = append(fields, field)
			if !strings.Contains(opts, "omitempty") {
				always = append(always, field)
			}
		}
		var props []string
		for p := range ref.Value.Properties {
			props = append(props, p)
		}
		required := slices.Clone(ref.Value.Required)
		for _, s := range []*[]string{&fields, &always, &props, &required} {
			sort.Strings(*s)
		}
		if !slices.Equal(props, fields) {
			t.Errorf("schema %s has properties %v, the Go type %T has fields %v", name, props, v, fields)
		}
		if !slices.Equal(required, always) {
			t.Errorf("schema %s requires %v, the Go type %T always writes %v", name, required, v, always)
		}
	}
}

// apiCase is one request of TestResponsesMatchDocument and what must come of it.
type apiCase struct {
	name   string
	method string
	path   string // under the hub's root, with the query
	token  string
	header http.Header
	ctype  string // Content-Type of the body, if any
	body   []byte
	// conforms says whether the request itself matches the document. A request that does not
	// must be refused; one that does may still be (an unknown slug, a bad token, a duplicate).
	conforms bool
	// unchecked skips the check of conforms, where kin-openapi cannot tell.
	unchecked bool
	status    int
	resType   string // the media type of a successful answer with a body; application/json if empty
	check     func(t *testing.T, res *apptest.Response)
}

// TestResponsesMatchDocument makes real requests to a running hub, covering every operation and
// its main error answers, and validates each request and answer (status, content type, headers,
// body) against the document.
func TestResponsesMatchDocument(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		hub := apptest.Start(t, dsn)
		doc := loadDocument(t)
		// Route against the running hub: the document's server URL is relative.
		doc.Servers = openapi3.Servers{{URL: hub.URL + apiPrefix}}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			t.Fatalf("router: %v", err)
		}
		adminW := hub.Token(t, hub.Admin, citypact.ScopeWrite)
		adminR := hub.Token(t, hub.Admin, citypact.ScopeRead)
		memberR := hub.Token(t, hub.Member, citypact.ScopeRead)
		memberW := hub.Token(t, hub.Member, citypact.ScopeWrite)
		editorW := hub.Token(t, hub.Editor, citypact.ScopeWrite)

		var created api.Organisation // set by the 201 case
		var cursor string            // set by the limit=1 case
		jsonType := "application/json"
		org := func(slug, kind, name string) []byte {
			b, _ := json.Marshal(map[string]string{"slug": slug, "kind": kind, "name": name})
			return b
		}
		big := []byte(`{"slug":"big","kind":"city","name":"` + strings.Repeat("a", 2<<20) + `"}`)

		cases := []apiCase{
			{name: "openapi document", method: "GET", path: "/api/v1/openapi.json", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if res.Body != string(api.OpenAPI()) {
						t.Error("GET openapi.json is not the embedded document")
					}
				}},
			{name: "openapi document, bad token", method: "GET", path: "/api/v1/openapi.json", token: "nope", conforms: true, status: 401},

			{name: "me as admin, write", method: "GET", path: "/api/v1/me", token: adminW, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					me := decode[api.Me](t, res)
					want := api.Me{ID: hub.Admin.ID, Email: hub.Admin.Email, Name: "admin", Role: "admin", OrgID: hub.Seoul.ID, Scope: "write"}
					if me != want {
						t.Errorf("me = %+v, want %+v", me, want)
					}
				}},
			{name: "me as member, read", method: "GET", path: "/api/v1/me", token: memberR, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					me := decode[api.Me](t, res)
					if me.ID != hub.Member.ID || me.Role != "member" || me.Scope != "read" || me.OrgID != hub.Seoul.ID {
						t.Errorf("me = %+v, want the Seoul member with a read token", me)
					}
				}},
			{name: "me without token", method: "GET", path: "/api/v1/me", conforms: false, status: 401},
			{name: "me with bogus token", method: "GET", path: "/api/v1/me", token: "bogus-token", conforms: true, status: 401},
			{name: "me with basic auth", method: "GET", path: "/api/v1/me", header: http.Header{"Authorization": {"Basic YWRtaW46YWRtaW4="}}, conforms: false, status: 401},

			{name: "organisations", method: "GET", path: "/api/v1/organisations", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.Organisation]](t, res)
					if got := slugs(l.Items); !slices.Equal(got, []string{"seoul", "taipei"}) || l.NextCursor != "" {
						t.Errorf("organisations = %v, next_cursor %q; want [seoul taipei] and no cursor", got, l.NextCursor)
					}
				}},
			{name: "organisations, limit=1", method: "GET", path: "/api/v1/organisations?limit=1", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.Organisation]](t, res)
					if got := slugs(l.Items); !slices.Equal(got, []string{"seoul"}) || l.NextCursor == "" {
						t.Fatalf("organisations?limit=1 = %v, next_cursor %q; want [seoul] and a cursor", got, l.NextCursor)
					}
					cursor = l.NextCursor
				}},
			{name: "organisations, next page", method: "GET", path: "/api/v1/organisations?limit=1&after=CURSOR", token: memberR, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.Organisation]](t, res)
					if got := slugs(l.Items); !slices.Equal(got, []string{"taipei"}) {
						t.Errorf("second page = %v, want [taipei]", got)
					}
				}},
			{name: "organisations, limit=0", method: "GET", path: "/api/v1/organisations?limit=0", conforms: false, status: 422,
				check: wantFieldErrors("limit", "field.range")},
			{name: "organisations, limit=501", method: "GET", path: "/api/v1/organisations?limit=501", conforms: false, status: 422,
				check: wantFieldErrors("limit", "field.range")},
			{name: "organisations, limit=ten", method: "GET", path: "/api/v1/organisations?limit=ten", conforms: false, status: 422,
				check: wantFieldErrors("limit", "field.range")},
			{name: "organisations, after=abc", method: "GET", path: "/api/v1/organisations?after=abc", conforms: true, status: 422,
				check: wantFieldErrors("after", "field.invalid")},
			{name: "organisations, bogus token", method: "GET", path: "/api/v1/organisations", token: "bogus", conforms: true, status: 401},

			{name: "organisation seoul", method: "GET", path: "/api/v1/organisations/seoul", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					o := decode[api.Organisation](t, res)
					if o.ID != hub.Seoul.ID || o.Slug != "seoul" || o.Kind != "city" || o.Name != "Seoul" || o.CreatedAt.IsZero() {
						t.Errorf("organisation = %+v, want Seoul", o)
					}
				}},
			{name: "organisation nope", method: "GET", path: "/api/v1/organisations/nope", conforms: true, status: 404},
			{name: "organisation nope, in Korean", method: "GET", path: "/api/v1/organisations/nope", header: http.Header{"Accept-Language": {"ko-KR,ko;q=0.9"}}, conforms: true, status: 404,
				check: func(t *testing.T, res *apptest.Response) {
					if got := res.Header.Get("Content-Language"); got != "ko" {
						t.Errorf("Content-Language = %q, want ko", got)
					}
				}},

			{name: "create busan", method: "POST", path: "/api/v1/organisations", token: adminW, ctype: jsonType, body: org("busan", "city", "Busan"), conforms: true, status: 201,
				check: func(t *testing.T, res *apptest.Response) {
					created = decode[api.Organisation](t, res)
					if created.Slug != "busan" || created.Kind != "city" || created.Name != "Busan" || created.ID == 0 || created.CreatedAt.IsZero() {
						t.Errorf("created = %+v", created)
					}
					if got := res.Header.Get("Location"); got != "/api/v1/organisations/busan" {
						t.Errorf("Location = %q", got)
					}
				}},
			{name: "busan as stored", method: "GET", path: "/api/v1/organisations/busan", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if got := decode[api.Organisation](t, res); !reflect.DeepEqual(got, created) {
						t.Errorf("GET after POST = %+v, POST answered %+v", got, created)
					}
				}},
			{name: "create, normalised", method: "POST", path: "/api/v1/organisations", token: adminW, ctype: "application/json; charset=utf-8", body: org(" Daegu ", "city", " Daegu "), conforms: false, status: 201,
				check: func(t *testing.T, res *apptest.Response) {
					if o := decode[api.Organisation](t, res); o.Slug != "daegu" || o.Name != "Daegu" {
						t.Errorf("created = %+v, want slug daegu and name Daegu", o)
					}
				}},
			{name: "create, duplicate slug", method: "POST", path: "/api/v1/organisations", token: adminW, ctype: jsonType, body: org("seoul", "city", "Seoul again"), conforms: true, status: 422,
				check: wantFieldErrors("slug", "org.slug_taken")},
			{name: "create, bad kind and empty name", method: "POST", path: "/api/v1/organisations", token: adminW, ctype: jsonType, body: org("incheon", "village", ""), conforms: false, status: 422,
				check: wantFieldErrors("name", "field.required", "kind", "field.choice")},
			{name: "create, bad slug", method: "POST", path: "/api/v1/organisations", token: adminW, ctype: jsonType, body: org("in--cheon", "city", "Incheon"), conforms: false, status: 422,
				check: wantFieldErrors("slug", "org.slug_invalid")},
			{name: "create, text/plain", method: "POST", path: "/api/v1/organisations", token: adminW, ctype: "text/plain", body: org("ulsan", "city", "Ulsan"), conforms: false, status: 415},
			{name: "create, no content type", method: "POST", path: "/api/v1/organisations", token: adminW, body: org("ulsan", "city", "Ulsan"), conforms: false, status: 415},
			{name: "create, malformed JSON", method: "POST", path: "/api/v1/organisations", token: adminW, ctype: jsonType, body: []byte(`{"slug": "ulsan",`), conforms: false, status: 400},
			{name: "create, unknown field", method: "POST", path: "/api/v1/organisations", token: adminW, ctype: jsonType, body: []byte(`{"slug":"ulsan","kind":"city","name":"Ulsan","mayor":"x"}`), conforms: false, status: 400},
			{name: "create, wrong JSON type", method: "POST", path: "/api/v1/organisations", token: adminW, ctype: jsonType, body: []byte(`{"slug":7,"kind":"city","name":"Ulsan"}`), conforms: false, status: 400},
			{name: "create, trailing data", method: "POST", path: "/api/v1/organisations", token: adminW, ctype: jsonType, body: []byte(`{"slug":"ulsan","kind":"city","name":"Ulsan"} {}`), status: 400,
				unchecked: true}, // kin-openapi decodes the first JSON value of a body and ignores the rest
			{name: "create, 2 MiB body", method: "POST", path: "/api/v1/organisations", token: adminW, ctype: jsonType, body: big, conforms: false, status: 413},
			{name: "create, read token", method: "POST", path: "/api/v1/organisations", token: adminR, ctype: jsonType, body: org("ulsan", "city", "Ulsan"), conforms: true, status: 403,
				check: func(t *testing.T, res *apptest.Response) {
					if p := decode[api.Problem](t, res); !strings.HasSuffix(p.Type, "/token_scope") {
						t.Errorf("type = %q, want the token_scope problem", p.Type)
					}
				}},
			{name: "create, member", method: "POST", path: "/api/v1/organisations", token: memberW, ctype: jsonType, body: org("ulsan", "city", "Ulsan"), conforms: true, status: 403},
			{name: "create, editor", method: "POST", path: "/api/v1/organisations", token: editorW, ctype: jsonType, body: org("ulsan", "city", "Ulsan"), conforms: true, status: 403},
			{name: "create, no token", method: "POST", path: "/api/v1/organisations", ctype: jsonType, body: org("ulsan", "city", "Ulsan"), conforms: false, status: 401},

			{name: "audit as admin", method: "GET", path: "/api/v1/audit", token: adminW, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.AuditEntry]](t, res)
					var found bool
					for i, e := range l.Items {
						if i > 0 && e.ID >= l.Items[i-1].ID {
							t.Errorf("audit entries not newest first: %d after %d", e.ID, l.Items[i-1].ID)
						}
						if e.Action == "organisation.create" && e.EntityID == created.ID {
							found = true
							if e.Entity != "organisation" || e.ActorUserID != hub.Admin.ID || e.Actor != hub.Admin.Email || e.RequestID == "" || !strings.Contains(e.After, `"busan"`) {
								t.Errorf("audit entry of busan = %+v", e)
							}
						}
					}
					if !found {
						t.Errorf("no organisation.create entry for busan in %+v", l.Items)
					}
				}},
			{name: "audit, filtered, limit=1", method: "GET", path: "/api/v1/audit?entity=organisation&action=organisation.create&limit=1", token: adminR, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.AuditEntry]](t, res)
					if len(l.Items) != 1 || l.Items[0].Action != "organisation.create" || l.NextCursor == "" {
						t.Errorf("filtered audit = %+v, want one organisation.create entry and a cursor", l)
					}
				}},
			{name: "audit, actor=abc", method: "GET", path: "/api/v1/audit?actor=abc", token: adminW, conforms: false, status: 422,
				check: wantFieldErrors("actor", "field.invalid")},
			{name: "audit as member", method: "GET", path: "/api/v1/audit", token: memberR, conforms: true, status: 403},
			{name: "audit as editor", method: "GET", path: "/api/v1/audit", token: editorW, conforms: true, status: 403},
			{name: "audit without token", method: "GET", path: "/api/v1/audit", conforms: false, status: 401},
		}

		c := hub.Client(t)
		for _, tc := range cases {
			if tc.check == nil {
				tc.check = func(*testing.T, *apptest.Response) {}
			}
			tc.path = strings.Replace(tc.path, "CURSOR", cursor, 1)
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				exchange(t, c, hub, router, tc)
			})
		}

		// The catch-all for unknown API paths is no operation, but answers in problem+json too.
		t.Run("unknown_path", func(t *testing.T) {
			res := c.Get("/api/v1/nope")
			if res.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404\n%s", res.StatusCode, res.Body)
			}
			problem := doc.Components.Schemas["Problem"].Value
			var v any
			if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
				t.Fatalf("body is not JSON: %v\n%s", err, res.Body)
			}
			if err := problem.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
				t.Errorf("body is not a Problem: %v\n%s", err, res.Body)
			}
			checkProblem(t, res, "/api/v1/nope")
		})
	})
}

// exchange sends tc's request, validates the request and the answer against the document, checks
// what every answer must satisfy, then runs tc.check.
func exchange(t *testing.T, c *apptest.Client, hub *apptest.Hub, router routers.Router, tc apiCase) {
	build := func() *http.Request {
		req, err := http.NewRequest(tc.method, hub.URL+tc.path, bytes.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range tc.header {
			req.Header[k] = v
		}
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		return req
	}

	// The request, as the document sees it.
	vreq := build()
	route, params, err := router.FindRoute(vreq)
	if err != nil {
		t.Fatalf("%s %s is no operation of openapi.json: %v", tc.method, tc.path, err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: bearerPresent},
	}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	switch {
	case tc.unchecked:
	case tc.conforms && reqErr != nil:
		t.Errorf("the request should match openapi.json but does not: %v", reqErr)
	case !tc.conforms && reqErr == nil:
		t.Errorf("the request should not match openapi.json but does")
	}

	res := c.Do(build())
	if res.StatusCode != tc.status {
		t.Fatalf("status %d, want %d\n%s", res.StatusCode, tc.status, res.Body)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	out.SetBodyBytes([]byte(res.Body))
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("the answer does not match openapi.json: %v\nContent-Type: %s\n%s", err, res.Header.Get("Content-Type"), res.Body)
	}

	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if res.StatusCode >= 400 {
		if mt != "application/problem+json" {
			t.Errorf("Content-Type %q, want application/problem+json", res.Header.Get("Content-Type"))
		}
		path, _, _ := strings.Cut(tc.path, "?")
		checkProblem(t, res, path)
	} else if res.StatusCode == http.StatusNoContent || res.StatusCode == http.StatusNotModified {
		if res.Body != "" {
			t.Errorf("%d with a body: %q", res.StatusCode, res.Body)
		}
	} else if want := cmp.Or(tc.resType, "application/json"); mt != want {
		t.Errorf("Content-Type %q, want %s", res.Header.Get("Content-Type"), want)
	}
	tc.check(t, res)
}

// checkProblem checks what every problem document must say.
func checkProblem(t *testing.T, res *apptest.Response, path string) {
	t.Helper()
	p := decode[api.Problem](t, res)
	if p.Status != res.StatusCode {
		t.Errorf("problem status %d, HTTP status %d", p.Status, res.StatusCode)
	}
	if p.RequestID == "" {
		t.Error("problem has no request_id")
	}
	if p.Title != http.StatusText(res.StatusCode) {
		t.Errorf("problem title %q, want %q", p.Title, http.StatusText(res.StatusCode))
	}
	if p.Instance != path {
		t.Errorf("problem instance %q, want %q", p.Instance, path)
	}
	if res.StatusCode < 500 && !strings.HasPrefix(p.Type, "https://citypact.org/problems/") {
		t.Errorf("problem type %q is not a citypact problem type", p.Type)
	}
	if p.Detail == "" {
		t.Error("problem has no detail")
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
	if res.StatusCode == http.StatusUnauthorized && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer ") {
		t.Errorf("401 without a Bearer challenge: WWW-Authenticate %q", res.Header.Get("WWW-Authenticate"))
	}
	if res.StatusCode == http.StatusUnprocessableEntity && len(p.Errors) == 0 {
		t.Error("422 without errors")
	}
}

// wantFieldErrors checks that a problem names exactly these fields with these codes, in pairs.
func wantFieldErrors(pairs ...string) func(*testing.T, *apptest.Response) {
	return func(t *testing.T, res *apptest.Response) {
		t.Helper()
		p := decode[api.Problem](t, res)
		var got []string
		for _, f := range p.Errors {
			got = append(got, f.Field, f.Code)
			if f.Message == "" || strings.Contains(f.Message, "⟦") || strings.Contains(f.Message, "{") {
				t.Errorf("field %s: message %q is missing or unfilled", f.Field, f.Message)
			}
		}
		if !slices.Equal(got, pairs) {
			t.Errorf("errors %v, want %v\n%s", got, pairs, res.Body)
		}
	}
}

// bearerPresent satisfies the document's bearerAuth when the request carries a bearer token of
// any value: whether the token is valid is the server's business.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme, token, ok := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if in.SecuritySchemeName != "bearerAuth" || !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return errors.New("no bearer token")
	}
	return nil
}

func decode[T any](t *testing.T, res *apptest.Response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
		t.Fatalf("decoding %T: %v\n%s", v, err, res.Body)
	}
	return v
}

func slugs(orgs []api.Organisation) []string {
	var s []string
	for _, o := range orgs {
		s = append(s, o.Slug)
	}
	return s
}
