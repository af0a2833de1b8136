package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/apptest"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/dbtest"
)

// BenchmarkThreadPage renders a public question with 20 answers of a few Markdown paragraphs, as
// a visitor whose browser prefers Korean, at a URL never asked for before each time: the work of
// a thread page the page cache does not hold.
//
//	go test ./internal/app -run '^$' -bench ThreadPage
func BenchmarkThreadPage(b *testing.B) {
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	h := apptest.Start(b, dbtest.SQLite(b), apptest.Options{Now: clock})
	bs := h.App.DB.BoardStore()
	admin := citypact.WithActor(context.Background(), citypact.Actor{UserID: h.Admin.ID, Name: "bench", Role: citypact.RoleAdmin})
	bd := board.Board{Slug: "ask", Kind: board.KindQuestions, Scope: board.PublicScope, Names: map[string]string{"en": "Ask the cities"}}
	if err := bs.CreateBoard(admin, &bd); err != nil {
		b.Fatal(err)
	}
	asker := citypact.WithActor(context.Background(), citypact.Actor{UserID: h.Editor.ID, OrgID: h.Editor.OrgID, Role: h.Editor.Role})
	q := board.Thread{BoardID: bd.ID, Title: "How do you run drive-through screening clinics?", Lang: "en",
		Body: "We plan **four booths** and need to know:\n\n- how many staff a lane needs;\n- how you keep samples cold.", ToOrgs: []int64{h.Taipei.ID}}
	if err := bs.CreateThread(asker, &q); err != nil {
		b.Fatal(err)
	}
	answerer := citypact.WithActor(context.Background(), citypact.Actor{UserID: h.Other.ID, OrgID: h.Other.OrgID, Role: h.Other.Role})
	for i := range 20 {
		mu.Lock()
		now = now.Add(time.Hour) // one poster stays under the rate limit
		mu.Unlock()
		p := board.Post{ThreadID: q.ID, Kind: board.PostAnswer, Lang: "en", Body: fmt.Sprintf("Answer %d. We run **%d lanes** "+
			"with two staff each; samples wait in a cool box and go to the laboratory every two hours.\n\n"+
			"1. Register by phone.\n2. Drive in, keep the window closed.\n3. Results by text message the next day.\n\n"+
			"See [our SOP](https://example.org/sop) for the details.", i+1, i+2)}
		if err := bs.CreatePost(answerer, &p); err != nil {
			b.Fatal(err)
		}
	}
	handler, path := h.App.Handler, "/threads/"+strconv.FormatInt(q.ID, 10)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		req := httptest.NewRequest(http.MethodGet, path+"?r="+strconv.Itoa(i), nil)
		req.Header.Set("Accept-Language", "ko-KR,ko;q=0.9,en;q=0.8")
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d\n%s", w.Code, w.Body)
		}
	}
}
