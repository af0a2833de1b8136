package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/board"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/mail"
	"github.com/citypact/citypact/internal/password"
	"github.com/citypact/citypact/internal/practice"
)

// The demo hub's cities network: the three boards Seoul's newsletter names for its Cities Network
// ("Q&A board, information on disinfection supplies, useful professional material board"), with
// a few sample threads written from the reference documents only. Like the demo practices, every
// thread opens with sampleNote and ends with a Source line citing its documents. Questions and
// answers are sample text: no document records that anyone asked or answered them, so they only
// point to what the documents say, and the boards say they are samples.

// boardSample ends every demo board's description; a board with a demo slug whose description
// lacks it is not demo data.
const boardSample = " (Demo hub sample board.)"

// authorMark ends the name of every demo author account.
const authorMark = " (demo sample author)"

// demoBoard is a board of the demo hub.
type demoBoard struct {
	Slug        string
	Kind        board.Kind
	Names       map[string]string
	Description string
}

func (d demoBoard) record() board.Board {
	return board.Board{Slug: d.Slug, Kind: d.Kind, Scope: board.PublicScope, Names: d.Names, Description: d.Description + boardSample}
}

const cityNetwork = "Seoul's Cities Against COVID-19 website had a Cities Network, a \"two-way communication channel with sister and " +
	"friendship cities\", with "

func demoBoards() []demoBoard {
	return []demoBoard{
		{Slug: "cities-network-questions", Kind: board.KindQuestions,
			Names: map[string]string{"en": "Cities Network: questions and answers", "ko": "도시 네트워크: 질의응답",
				"zh-TW": "城市網絡：問答", "ja": "都市ネットワーク：Q&A"},
			Description: cityNetwork + "a Q&A board (I SEOUL U newsletter No. 47, April 2020)."},
		{Slug: "disinfection-supplies", Kind: board.KindSupply,
			Names: map[string]string{"en": "Information on disinfection supplies", "ko": "방역 물품 정보",
				"zh-TW": "防疫物資資訊", "ja": "防疫物資の情報"},
			Description: cityNetwork + "information on disinfection supplies (I SEOUL U newsletter No. 47, April 2020)."},
		{Slug: "professional-material", Kind: board.KindMaterial,
			Names: map[string]string{"en": "Useful professional material", "ko": "유용한 전문 자료",
				"zh-TW": "實用專業資料", "ja": "役立つ専門資料"},
			Description: cityNetwork + "a useful professional material board (I SEOUL U newsletter No. 47, April 2020)."},
	}
}

// demoAnswer is an answer to a demo question, by an organisation's demo author; the asker
// accepts it.
type demoAnswer struct {
	Author string
	Body   string
	Docs   []string
}

// demoThread is a sample thread; Body is the text between the sample note and the Source line.
type demoThread struct {
	Board     string
	Author    string // the organisation, by slug, whose demo author writes it
	Title     string
	Body      string
	Tags      []string
	To        []string // addressees, by slug
	Practices []string // linked demo practices, by slug
	Supply    *board.SupplyInfo
	Docs      []string
	Answer    *demoAnswer
}

// sampleText wraps a demo text in the sample note and the Source line.
func sampleText(body string, docs []string) string {
	return sampleNote + "\n\n" + strings.TrimSpace(body) + "\n\n" + "Source: " + cite(docs...)
}

func demoThreads() []demoThread {
	return []demoThread{
		{
			Board: "cities-network-questions", Author: "taipei", To: []string{"seoul"},
			Title:     "Where can partner cities read about Seoul's designated screening clinics?",
			Tags:      []string{"covid-19", "screening"},
			Practices: []string{"seoul-designated-screening-clinic"},
			Body: "Seoul's April 2020 newsletter lists \"designated screening clinic\" among Seoul's preemptive responding " +
				"measures against COVID-19. Taipei City Government was invited to Seoul's information-sharing platform, Cities " +
				"Against COVID-19. Where can partner cities read how Seoul's designated screening clinics work?",
			Docs: []string{docSeoul, docPartnership},
			Answer: &demoAnswer{Author: "seoul", Docs: []string{docSeoul},
				Body: "The Countermeasures section of the Cities Against COVID-19 (CAC) website presents Seoul's preemptive " +
					"responding measures: designated screening clinic, medical/disinfection services, economic support, " +
					"campaigns, etc. Go to the CAC website: http://english.seoul.go.kr/covid\n\n" +
					"Through CAC, Seoul \"provides all aspects of its experiences, methods, and technologies to fight " +
					"COVID-19\". The newsletter itself names the designated screening clinic without describing it."},
		},
		{
			Board: "disinfection-supplies", Author: "taipei",
			Title: "Masks and protective gowns donated by Taipei City",
			Tags:  []string{"covid-19", "masks", "protective gowns", "donations"},
			Supply: &board.SupplyInfo{Product: "Masks and protective gowns",
				Supplier: "Taipei City Government (donations to international cities)"},
			Practices: []string{"taipei-mask-and-gown-donations"},
			Body: "A record of donations made, not an offer. As pandemic prevention is a global effort, Taipei City donated " +
				"epidemic-prevention supplies such as masks and protective gowns to nine international cities: San Francisco, " +
				"Boston and Phoenix in the US; Manila and Quezon in the Philippines; Prague in the Czech Republic; Castries in " +
				"Saint Lucia; Colombo in Sri Lanka; and Lalitpur in Nepal (the page spells it \"Lalippur\"). In total the City " +
				"donated over 190,000 masks and 2,100 protective gowns.\n\n" +
				"The page gives no dates, no types or standards of the masks and gowns, and no prices, and does not say what " +
				"each city received; so the fields above give none either.",
			Docs: []string{docSDG17},
		},
		{
			Board: "professional-material", Author: "taipei",
			Title:     "Taipei City Government's COVID-19 epidemic-prevention SOPs, in English",
			Tags:      []string{"covid-19", "sop", "english"},
			Practices: []string{"taipei-epidemic-prevention-sops"},
			Body: "To share the results of its epidemic-prevention efforts with the global community, Taipei City established " +
				"an English version of its COVID-19 epidemic-prevention website and SOPs, for the City's over 70 international " +
				"cities and over 60 foreign offices to reference.\n\n" +
				"Official website of Taipei City Government's COVID-19 Epidemic Prevention SOPs: " +
				"https://english.gov.taipei/covid19/Default.aspx",
			Docs: []string{docPartnership, docSDG17},
		},
	}
}

// Authors keeps the demo's author accounts (store.DB does): boards, threads and posts need an
// author, and the demo hub has no people. Each author is an editor of its organisation (or, for
// the boards, an admin of none), disabled, with a random password nobody knows, so that nobody
// can sign in as a city.
type Authors interface {
	UserByEmail(ctx context.Context, email string) (account.User, error)
	CreateUser(ctx context.Context, u *account.User) error
	UpdateUser(ctx context.Context, u account.User, notices ...mail.Message) error
}

// authorEmail is the address of an organisation's demo author, on a domain that can never
// receive mail (RFC 2606).
func authorEmail(org string) string { return "demo-" + org + "@citypact.invalid" }

// boardsAdmin is the demo author who creates the boards: public boards are the admins' to
// create (board.CanManageBoard), and the store wants a signed-in user for that.
const boardsAdmin = "hub"

// author returns the actor of a demo author, creating the account when it is missing: an editor
// of o, or with o's zero value the admin who creates the boards.
func author(ctx context.Context, users Authors, o directory.Organisation) (citypact.Actor, error) {
	slug, name, role := o.Slug, o.Name, citypact.RoleEditor
	if o.ID == 0 {
		slug, name, role = boardsAdmin, "Demo hub", citypact.RoleAdmin
	}
	email := authorEmail(slug)
	u, err := users.UserByEmail(ctx, email)
	switch {
	case err == nil:
		if !strings.HasSuffix(u.Name, authorMark) || u.OrgID != o.ID || u.Role != role {
			return citypact.Actor{}, &citypact.Error{Kind: citypact.KindConflict, Message: "user.email_taken",
				Err: fmt.Errorf("account %s is not a demo author", email)}
		}
	case citypact.KindOf(err) == citypact.KindNotFound:
		hash, err := password.NewHasher(password.DefaultParams, 1).Hash(ctx, rand.Text()+rand.Text())
		if err != nil {
			return citypact.Actor{}, err
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		u = account.User{Email: email, Name: name + authorMark, Lang: "en", Role: role, OrgID: o.ID,
			PasswordHash: hash, PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
		if err := users.CreateUser(ctx, &u); err != nil {
			return citypact.Actor{}, err
		}
		u.Disabled = true
		if err := users.UpdateUser(ctx, u); err != nil {
			return citypact.Actor{}, err
		}
	default:
		return citypact.Actor{}, err
	}
	return citypact.Actor{UserID: u.ID, Name: email, Role: u.Role, OrgID: u.OrgID}, nil
}

// SeedBoards builds the demo hub's cities network into bs: the boards of demoBoards, by a demo
// admin, and the threads of demoThreads, each by its organisation's demo author (see Authors), the question
// answered and the answer accepted. The organisations are the directory's demo ones, and threads
// link the demo practices, so Seed and SeedPractices must have run. Running it again changes
// nothing: boards are found by slug and threads by board and title. A board with a demo slug
// that is not demo data is a KindConflict error, and then nothing is written. ctx's actor must
// be an admin (who creates the boards).
func SeedBoards(ctx context.Context, bs board.Store, users Authors, dir directory.Store, ps practice.Store) (err error) {
	defer citypact.Wrap(&err, "demo.SeedBoards")
	boards, threads := demoBoards(), demoThreads()
	if err := checkBoards(boards, threads); err != nil {
		return err
	}

	// Which boards exist already? Refuse before writing if one of them is not ours.
	have := map[string]board.Board{}
	for _, d := range boards {
		b, err := bs.BoardBySlug(ctx, d.Slug)
		switch {
		case err == nil:
			if !strings.HasSuffix(b.Description, boardSample) {
				return &citypact.Error{Kind: citypact.KindConflict, Message: "board.slug_taken",
					Err: fmt.Errorf("board %q is not demo data", d.Slug)}
			}
			have[d.Slug] = b
		case citypact.KindOf(err) == citypact.KindNotFound:
		default:
			return err
		}
	}

	orgs := map[string]directory.Organisation{}
	actors := map[string]citypact.Actor{}
	org := func(slug string) (directory.Organisation, error) {
		if o, ok := orgs[slug]; ok {
			return o, nil
		}
		o, err := dir.OrganisationBySlug(ctx, slug)
		if err != nil {
			return o, fmt.Errorf("organisation %s: %w", slug, err)
		}
		orgs[slug] = o
		return o, nil
	}
	as := func(slug string) (context.Context, error) {
		a, ok := actors[slug]
		if !ok {
			o, err := org(slug)
			if err != nil {
				return nil, err
			}
			if a, err = author(ctx, users, o); err != nil {
				return nil, fmt.Errorf("author of %s: %w", slug, err)
			}
			actors[slug] = a
		}
		return citypact.WithActor(ctx, a), nil
	}

	for _, d := range boards {
		if _, ok := have[d.Slug]; ok {
			continue
		}
		admin, err := author(ctx, users, directory.Organisation{})
		if err != nil {
			return fmt.Errorf("the boards' author: %w", err)
		}
		b := d.record()
		if err := bs.CreateBoard(citypact.WithActor(ctx, admin), &b); err != nil {
			return fmt.Errorf("board %s: %w", d.Slug, err)
		}
		have[d.Slug] = b
	}

	for _, d := range threads {
		b := have[d.Board]
		existing, err := bs.Threads(ctx, board.ThreadFilter{Board: b.ID, Page: citypact.Page{Limit: citypact.MaxLimit}})
		if err != nil {
			return err
		}
		var t board.Thread
		for _, x := range existing {
			if x.Title == d.Title {
				t = x
			}
		}
		if t.ID == 0 {
			actx, err := as(d.Author)
			if err != nil {
				return err
			}
			t = board.Thread{BoardID: b.ID, Title: d.Title, Body: sampleText(d.Body, d.Docs), Lang: "en",
				Tags: append([]string(nil), d.Tags...), Supply: d.Supply}
			for _, s := range d.To {
				o, err := org(s)
				if err != nil {
					return err
				}
				t.ToOrgs = append(t.ToOrgs, o.ID)
			}
			for _, s := range d.Practices {
				p, err := ps.PracticeBySlug(ctx, s)
				if err != nil {
					return fmt.Errorf("practice %s: %w", s, err)
				}
				t.Practices = append(t.Practices, p.ID)
			}
			if err := bs.CreateThread(actx, &t); err != nil {
				return fmt.Errorf("thread %q: %w", d.Title, err)
			}
		}
		if d.Answer == nil || t.AcceptedID != 0 {
			continue
		}
		// An interrupted run may have answered without accepting.
		posts, err := bs.Posts(ctx, t.ID, citypact.Page{Limit: citypact.MaxLimit})
		if err != nil {
			return err
		}
		body := sampleText(d.Answer.Body, d.Answer.Docs)
		var ans board.Post
		for _, p := range posts {
			if p.Body == body {
				ans = p
			}
		}
		if ans.ID == 0 {
			actx, err := as(d.Answer.Author)
			if err != nil {
				return err
			}
			ans = board.Post{ThreadID: t.ID, Kind: board.PostAnswer, Body: body, Lang: "en"}
			if err := bs.CreatePost(actx, &ans); err != nil {
				return fmt.Errorf("answer to %q: %w", d.Title, err)
			}
		}
		actx, err := as(d.Author)
		if err != nil {
			return err
		}
		if err := bs.Accept(actx, t.ID, ans.ID); err != nil {
			return fmt.Errorf("accept the answer to %q: %w", d.Title, err)
		}
	}
	return nil
}

// checkBoards validates the demo boards and threads (with stand-in ids), so that SeedBoards
// writes nothing when one of them is wrong.
func checkBoards(boards []demoBoard, threads []demoThread) error {
	byslug := map[string]board.Board{}
	for i, d := range boards {
		b := d.record()
		b.ID = int64(i + 1)
		if err := b.Validate(); err != nil {
			return fmt.Errorf("board %s: %w", d.Slug, err)
		}
		byslug[d.Slug] = b
	}
	for _, d := range threads {
		b, ok := byslug[d.Board]
		if !ok {
			return fmt.Errorf("thread %q: no demo board %q", d.Title, d.Board)
		}
		if len(d.Docs) == 0 || (d.Answer != nil && len(d.Answer.Docs) == 0) {
			return fmt.Errorf("thread %q: cites no document", d.Title)
		}
		t := board.Thread{BoardID: b.ID, Title: d.Title, Body: sampleText(d.Body, d.Docs), Lang: "en", Tags: d.Tags}
		if d.Supply != nil {
			s := *d.Supply
			t.Supply = &s
		}
		if err := t.Validate(b); err != nil {
			return fmt.Errorf("thread %q: %w", d.Title, err)
		}
		if d.Answer != nil {
			t.ID = 1
			p := board.Post{ThreadID: 1, Kind: board.PostAnswer, Body: sampleText(d.Answer.Body, d.Answer.Docs), Lang: "en"}
			if err := p.Validate(b, t); err != nil {
				return fmt.Errorf("answer to %q: %w", d.Title, err)
			}
		}
	}
	return nil
}
