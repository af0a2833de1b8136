package api_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/api"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
)

// boardScene is a hub with a network (Seoul is a member, Taipei is not) and four boards: a public
// question board, the network's, a locked public one and a supply board.
type boardScene struct {
	*apptest.Hub
	bs                             board.Store
	public, network, locked, masks board.Board
	private                        board.Thread // on the network's board
}

func actorOf(acc apptest.Account) context.Context {
	return citypact.WithActor(context.Background(), citypact.Actor{UserID: acc.ID, Name: acc.Email, Role: acc.Role, OrgID: acc.OrgID})
}

func startBoardScene(t *testing.T, dsn string) boardScene {
	t.Helper()
	h := boardScene{Hub: apptest.Start(t, dsn)}
	db := h.App.DB
	h.bs = db.BoardStore()
	admin := actorOf(h.Admin)
	net := directory.Organisation{Slug: "citynet", Kind: directory.KindNetwork, Names: []directory.Name{{Lang: "en", Text: "CityNet", Original: true}}}
	net.Normalize()
	if err := db.CreateOrganisation(admin, &net); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMembership(admin, &directory.Membership{NetworkID: net.ID, MemberID: h.Seoul.ID, Role: directory.RoleMember}); err != nil {
		t.Fatal(err)
	}
	h.public = board.Board{Slug: "ask", Kind: board.KindQuestions, Scope: board.PublicScope, Names: map[string]string{"en": "Ask the cities"}}
	h.network = board.Board{Slug: "net-desk", Kind: board.KindQuestions, Scope: board.NetworkScope(net.ID), Names: map[string]string{"en": "CityNet desk"}}
	h.locked = board.Board{Slug: "closed", Kind: board.KindQuestions, Scope: board.PublicScope, Names: map[string]string{"en": "Closed"}}
	h.masks = board.Board{Slug: "masks", Kind: board.KindSupply, Scope: board.PublicScope, Names: map[string]string{"en": "Masks"}}
	for _, b := range []*board.Board{&h.public, &h.network, &h.locked, &h.masks} {
		if err := h.bs.CreateBoard(admin, b); err != nil {
			t.Fatalf("create board %s: %v", b.Slug, err)
		}
	}
	h.locked.Locked = true
	if err := h.bs.UpdateBoard(admin, &h.locked); err != nil {
		t.Fatal(err)
	}
	h.private = board.Thread{BoardID: h.network.ID, Title: "Members only: ventilators", Body: "Who can lend?", Lang: "en"}
	if err := h.bs.CreateThread(actorOf(h.Editor), &h.private); err != nil {
		t.Fatal(err)
	}
	return h
}

func boardSlugs(t *testing.T, res *apptest.Response) []string {
	t.Helper()
	var out []string
	for _, b := range decode[api.List[api.Board]](t, res).Items {
		out = append(out, b.Slug)
	}
	sort.Strings(out)
	return out
}

func wantField(field string) func(*testing.T, *apptest.Response) {
	return func(t *testing.T, res *apptest.Response) {
		t.Helper()
		p := decode[api.Problem](t, res)
		if !slices.ContainsFunc(p.Errors, func(f api.ProblemField) bool { return f.Field == field && f.Message != "" }) {
			t.Errorf("errors %+v do not name %q", p.Errors, field)
		}
	}
}

func threadsPath(b board.Board) string { return "/api/v1/boards/" + b.Slug + "/threads" }
func threadPath(id int64) string       { return "/api/v1/threads/" + strconv.FormatInt(id, 10) }

// TestBoardAPI reads and writes the boards through the API, every request and answer validated
// against openapi.json: what each token sees, who may post where, what a closed board or thread,
// someone else's question, a malformed body and a storm of posts get.
func TestBoardAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := startBoardScene(t, dsn)
		router := casesRouter(t, h.Hub)
		editorW := h.Token(t, h.Editor, citypact.ScopeWrite) // Seoul's, a member of the network
		memberR := h.Token(t, h.Member, citypact.ScopeRead)
		memberW := h.Token(t, h.Member, citypact.ScopeWrite)
		otherW := h.Token(t, h.Other, citypact.ScopeWrite) // Taipei's editor, outside the network
		const js = "application/json"
		question := obj{"title": "How do you run screening clinics?", "body": "We plan **four booths**.", "lang": "en",
			"tags": []string{"Screening"}, "to_orgs": []string{"taipei"}}
		var th api.Thread
		runCases(t, h.Hub, router, []apiCase{
			{name: "a visitor lists the public boards", method: "GET", path: "/api/v1/boards", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if got := boardSlugs(t, res); !slices.Equal(got, []string{"ask", "closed", "masks"}) {
						t.Errorf("boards %v", got)
					}
				}},
			{name: "a network member lists its board too", method: "GET", path: "/api/v1/boards?kind=questions", token: memberR, conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if got := boardSlugs(t, res); !slices.Equal(got, []string{"ask", "closed", "net-desk"}) {
						t.Errorf("boards %v", got)
					}
				}},
			{name: "an unknown kind", method: "GET", path: "/api/v1/boards?kind=chat", conforms: false, status: 422, check: wantField("kind")},
			{name: "an invisible board is not found", method: "GET", path: "/api/v1/boards/net-desk", token: otherW, conforms: true, status: 404},
			{name: "nor its threads", method: "GET", path: threadsPath(h.network), conforms: true, status: 404},
			{name: "nor its thread", method: "GET", path: threadPath(h.private.ID), token: otherW, conforms: true, status: 404},
			{name: "a member reads it", method: "GET", path: threadPath(h.private.ID), token: memberR, conforms: true, status: 200},
			{name: "posting to an invisible board", method: "POST", path: threadsPath(h.network), token: otherW, ctype: js,
				body: mustJSON(t, question), conforms: true, status: 404},
			{name: "a read-only token does not post", method: "POST", path: threadsPath(h.public), token: memberR, ctype: js,
				body: mustJSON(t, question), conforms: true, status: 403},
			{name: "a visitor does not post", method: "POST", path: threadsPath(h.public), ctype: js,
				body: mustJSON(t, question), conforms: false, status: 401},
			{name: "a locked board", method: "POST", path: threadsPath(h.locked), token: editorW, ctype: js,
				body: mustJSON(t, question), conforms: true, status: 409, check: wantProblemType("/board.locked")},
			{name: "JSON that does not parse", method: "POST", path: threadsPath(h.public), token: editorW, ctype: js,
				body: []byte(`{"title": "Unclosed`), conforms: false, status: 422, check: wantField("$")},
			{name: "an unknown field", method: "POST", path: threadsPath(h.public), token: editorW, ctype: js,
				body: []byte(`{"title": "T", "body": "B", "lang": "en", "colour": "red"}`), conforms: false, status: 422, check: wantField("colour")},
			{name: "a field of the wrong type", method: "POST", path: threadsPath(h.public), token: editorW, ctype: js,
				body: []byte(`{"title": 7, "body": "B", "lang": "en"}`), conforms: false, status: 422, check: wantField("title")},
			{name: "a title too long", method: "POST", path: threadsPath(h.public), token: editorW, ctype: js,
				body: mustJSON(t, obj{"title": strings.Repeat("질", board.MaxTitleLen+1), "body": "B", "lang": "ko"}), conforms: false, status: 422, check: wantField("title")},
			{name: "an unknown addressee and a bad price", method: "POST", path: threadsPath(h.masks), token: editorW, ctype: js,
				body: mustJSON(t, obj{"title": "KF94", "body": "Boxes", "lang": "en", "to_orgs": []string{"atlantis"},
					"supply": obj{"product": "KF94 mask", "unit_price": "1,000", "currency": "KRW"}}), conforms: false, status: 422,
				check: func(t *testing.T, res *apptest.Response) {
					wantField("to_orgs")(t, res)
					wantField("unit_price")(t, res)
				}},
			{name: "a supply offer", method: "POST", path: threadsPath(h.masks), token: editorW, ctype: js,
				body: mustJSON(t, obj{"title": "KF94 masks", "body": "Boxes ready.", "lang": "en",
					"supply": obj{"product": "KF94 mask", "unit_price": "2500.5", "currency": "KRW", "quantity": 400, "valid_until": "2027-01-31"}}),
				conforms: true, status: 201,
				check: func(t *testing.T, res *apptest.Response) {
					if s := decode[api.Thread](t, res).Supply; s == nil || s.UnitPrice != "2500.5" || s.ValidUntil != "2027-01-31" {
						t.Errorf("supply %+v", s)
					}
				}},
			{name: "a question", method: "POST", path: threadsPath(h.public), token: editorW, ctype: js, body: mustJSON(t, question), conforms: true, status: 201,
				check: func(t *testing.T, res *apptest.Response) {
					th = decode[api.Thread](t, res)
					if th.Status != "open" || th.AuthorOrg == nil || th.AuthorOrg.Slug != "seoul" || !slices.Equal(th.Tags, []string{"screening"}) ||
						len(th.ToOrgs) != 1 || th.ToOrgs[0].Slug != "taipei" || th.Board != "ask" {
						t.Errorf("created %+v", th)
					}
					if got, want := res.Header.Get("Location"), threadPath(th.ID); got != want {
						t.Errorf("Location %q, want %q", got, want)
					}
				}},
		})

		var answer api.Post
		runCases(t, h.Hub, router, []apiCase{
			{name: "an answer from another city", method: "POST", path: threadPath(th.ID) + "/posts", token: otherW, ctype: js,
				body: mustJSON(t, obj{"body": "We use lanes of ten cars.", "lang": "en"}), conforms: true, status: 201,
				check: func(t *testing.T, res *apptest.Response) {
					if answer = decode[api.Post](t, res); answer.Kind != "answer" || answer.AuthorOrg.Slug != "taipei" {
						t.Errorf("answer %+v", answer)
					}
				}},
			{name: "a comment needs a known kind", method: "POST", path: threadPath(th.ID) + "/posts", token: memberW, ctype: js,
				body: mustJSON(t, obj{"body": "Thanks", "lang": "en", "kind": "shout"}), conforms: false, status: 422, check: wantField("kind")},
		})
		runCases(t, h.Hub, router, []apiCase{
			{name: "someone else's question cannot be accepted", method: "POST", path: threadPath(th.ID) + "/accept", token: otherW, ctype: js,
				body: mustJSON(t, obj{"post": answer.ID}), conforms: true, status: 403},
			{name: "not even by the asker's colleague", method: "POST", path: threadPath(th.ID) + "/accept", token: memberW, ctype: js,
				body: mustJSON(t, obj{"post": answer.ID}), conforms: true, status: 403},
			{name: "accepting needs a post", method: "POST", path: threadPath(th.ID) + "/accept", token: editorW, ctype: js,
				body: []byte(`{}`), conforms: false, status: 422, check: wantField("post")},
			{name: "accepting a post of no such thread", method: "POST", path: threadPath(th.ID) + "/accept", token: editorW, ctype: js,
				body: mustJSON(t, obj{"post": answer.ID + 1000}), conforms: true, status: 422, check: wantField("answer")},
			{name: "the asker accepts", method: "POST", path: threadPath(th.ID) + "/accept", token: editorW, ctype: js,
				body: mustJSON(t, obj{"post": answer.ID}), conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if got := decode[api.Thread](t, res); got.Status != "answered" || got.AcceptedPost != answer.ID {
						t.Errorf("after accepting: %+v", got)
					}
				}},
			{name: "answered questions are not unanswered", method: "GET", path: threadsPath(h.public) + "?unanswered=true", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					if items := decode[api.List[api.Thread]](t, res).Items; len(items) != 0 {
						t.Errorf("unanswered: %+v", items)
					}
				}},
			{name: "threads by tag, language and status", method: "GET", path: threadsPath(h.public) + "?tag=SCREENING&lang=en&status=answered&limit=1", conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					l := decode[api.List[api.Thread]](t, res)
					if len(l.Items) != 1 || l.Items[0].ID != th.ID || l.Items[0].Posts != nil || l.NextCursor != strconv.FormatInt(th.ID, 10) {
						t.Errorf("filtered: %+v", l)
					}
				}},
			{name: "bad filters are named", method: "GET", path: threadsPath(h.public) + "?status=closed&unanswered=yes&lang=!!", conforms: false, status: 422,
				check: func(t *testing.T, res *apptest.Response) {
					wantField("status")(t, res)
					wantField("unanswered")(t, res)
					wantField("lang")(t, res)
				}},
		})

		// A translation, and the thread with its posts and translations.
		tr := board.Translation{ThreadID: th.ID, PostID: answer.ID, Lang: "ko", Body: "차 열 대씩 줄을 세웁니다.", Version: 1}
		if err := h.bs.SaveTranslation(actorOf(h.Member), &tr); err != nil {
			t.Fatal(err)
		}
		runCases(t, h.Hub, router, []apiCase{
			{name: "a thread with its posts and translations", method: "GET", path: threadPath(th.ID), conforms: true, status: 200,
				check: func(t *testing.T, res *apptest.Response) {
					got := decode[api.Thread](t, res)
					if len(got.Posts) != 1 || got.Posts[0].ID != answer.ID || !got.Posts[0].Accepted ||
						len(got.Translations) != 1 || got.Translations[0].Post != answer.ID || got.Translations[0].Lang != "ko" {
						t.Errorf("thread %+v", got)
					}
				}},
			{name: "no such thread", method: "GET", path: threadPath(th.ID + 1000), conforms: true, status: 404},
		})

		// A locked thread takes no posts.
		if err := h.bs.Moderate(actorOf(h.Admin), board.Moderation{Action: board.ActLock, ThreadID: th.ID, Note: "settled"}); err != nil {
			t.Fatal(err)
		}
		runCases(t, h.Hub, router, []apiCase{
			{name: "a locked thread", method: "POST", path: threadPath(th.ID) + "/posts", token: otherW, ctype: js,
				body: mustJSON(t, obj{"body": "One more", "lang": "en"}), conforms: true, status: 409, check: wantProblemType("/board.thread_locked")},
		})

		// A storm: the member's sixth post within a minute is refused, with when to try again.
		c := h.Client(t)
		storm := call(t, c, "POST", threadsPath(h.public), memberW, obj{"title": "Storm", "body": "Buy now", "lang": "en"})
		if storm.StatusCode != http.StatusCreated {
			t.Fatalf("storm thread: %d %s", storm.StatusCode, storm.Body)
		}
		stormID := decode[api.Thread](t, storm).ID
		for i := 1; i < board.PostsPerMinute; i++ {
			if res := call(t, c, "POST", threadPath(stormID)+"/posts", memberW, obj{"body": fmt.Sprint("Buy ", i), "lang": "en"}); res.StatusCode != http.StatusCreated {
				t.Fatalf("post %d: %d %s", i, res.StatusCode, res.Body)
			}
		}
		runCases(t, h.Hub, router, []apiCase{
			{name: "posting too fast", method: "POST", path: threadPath(stormID) + "/posts", token: memberW, ctype: js,
				body: mustJSON(t, obj{"body": "Buy more", "lang": "en"}), conforms: true, status: 429,
				check: func(t *testing.T, res *apptest.Response) {
					wantProblemType("/board.rate_limited")(t, res)
					secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
					if err != nil || secs < 1 || time.Duration(secs)*time.Second > time.Minute+time.Second {
						t.Errorf("Retry-After %q", res.Header.Get("Retry-After"))
					}
				}},
		})
	})
}

// TestBoardAPISchemasMatchGoTypes: each board schema of openapi.json has exactly the JSON fields
// of the Go type the handlers encode or decode, and requires those always written.
func TestBoardAPISchemasMatchGoTypes(t *testing.T) {
	doc := loadDocument(t)
	for name, v := range map[string]any{
		"Board": api.Board{}, "BoardList": api.List[api.Board]{}, "Thread": api.Thread{}, "ThreadList": api.List[api.Thread]{},
		"Supply": api.Supply{}, "Post": api.Post{}, "PostVersion": api.PostVersion{}, "NewThread": api.NewThread{},
		"NewPost": api.NewPost{}, "AcceptAnswer": api.AcceptAnswer{},
	} {
		ref := doc.Components.Schemas[name]
		if ref == nil {
			t.Errorf("schema %s is missing", name)
			continue
		}
		var fields, always, props []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			field, opts, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			fields = append(fields, field)
			if !strings.Contains(opts, "omitempty") {
				always = append(always, field)
			}
		}
		for p := range ref.Value.Properties {
			props = append(props, p)
		}
		required := slices.Clone(ref.Value.Required)
		for _, s := range [][]string{fields, always, props, required} {
			sort.Strings(s)
		}
		if !slices.Equal(props, fields) {
			t.Errorf("schema %s has properties %v, the Go type %T has fields %v", name, props, v, fields)
		}
		if !slices.Equal(required, always) {
			t.Errorf("schema %s requires %v, the Go type %T always writes %v", name, required, v, always)
		}
	}
}
