package store_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/account"
	"github.com/citypact/citypact/internal/dbtest"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/i18n"
	"github.com/citypact/citypact/internal/practice"
	"github.com/citypact/citypact/internal/store"
)

// benchPractices is the library size of the practice benchmarks: CITYPACT_BENCH_PRACTICES, or
// 2,000. The figures in docs/BENCHMARKS.md are for 100,000:
//
//	CITYPACT_BENCH_PRACTICES=100000 go test ./internal/store -run '^$' -bench Search -benchtime 2s
func benchPractices(b *testing.B) int {
	if s := os.Getenv("CITYPACT_BENCH_PRACTICES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("CITYPACT_BENCH_PRACTICES=%q", s)
		}
		return n
	}
	return 2000
}

// libraryGen writes practices of about 300 words from word lists: three quarters in English,
// the rest in Korean, Chinese or Japanese, with words drawn by a Zipf law (a few common, most
// rare) and a few planted ones whose frequencies the benchmark's queries rely on:
//   - "quarantine" in every fourth practice (a common word, ~25% of the library);
//   - "contact" and "tracing" each in 10%, the phrase "contact tracing" in 1%;
//   - "zebrafish" in one practice of 10,007 (a rare word);
//   - 격리 in a tenth of the Korean practices (a CJK two-character term, ~0.8%).
type libraryGen struct {
	rng                *rand.Rand
	en, ko, han, kana  []string
	zEN, zKO, zHan, zJ *rand.Zipf
}

func newLibraryGen() *libraryGen {
	g := &libraryGen{rng: rand.New(rand.NewPCG(1, 2))}
	syllables := strings.Fields("ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo fu ga ge gi go gu ha he hi ho hu " +
		"ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu " +
		"va ve vi vo vu wa we wi za ze zi zo zu an en in on un ar er ir or ur")
	seen := map[string]bool{"quarantine": true, "contact": true, "tracing": true, "zebrafish": true}
	for len(g.en) < 5000 {
		var w strings.Builder
		for range 1 + g.rng.IntN(3) {
			w.WriteString(syllables[g.rng.IntN(len(syllables))])
		}
		if s := w.String(); !seen[s] {
			seen[s] = true
			g.en = append(g.en, s)
		}
	}
	// Korean words of two or three syllables from 400 syllables; Chinese words of one to three
	// characters from 2,000 ideographs; Japanese: kanji words followed by kana.
	var hangul, ideographs []rune
	for len(hangul) < 400 {
		hangul = append(hangul, rune(0xAC00+g.rng.IntN(0xD7A3-0xAC00)))
	}
	for len(ideographs) < 2000 {
		ideographs = append(ideographs, rune(0x4E00+g.rng.IntN(0x9FA5-0x4E00)))
	}
	word := func(runes []rune, min, max int) string {
		var w []rune
		for range min + g.rng.IntN(max-min+1) {
			w = append(w, runes[g.rng.IntN(len(runes))])
		}
		return string(w)
	}
	for len(g.ko) < 5000 {
		if w := word(hangul, 2, 3); w != "격리" {
			g.ko = append(g.ko, w)
		}
	}
	for len(g.han) < 5000 {
		g.han = append(g.han, word(ideographs, 1, 3))
	}
	for c := 'ぁ'; c <= 'ゖ'; c++ {
		g.kana = append(g.kana, string(c))
	}
	g.zEN = rand.NewZipf(g.rng, 1.1, 2, uint64(len(g.en)-1))
	g.zKO = rand.NewZipf(g.rng, 1.1, 2, uint64(len(g.ko)-1))
	g.zHan = rand.NewZipf(g.rng, 1.1, 2, uint64(len(g.han)-1))
	g.zJ = rand.NewZipf(g.rng, 1.1, 2, uint64(len(g.han)-1))
	return g
}

// practice returns the i-th practice of the library, owned by owner.
func (g *libraryGen) practice(i int, owner int64) practice.Practice {
	langs := []string{"en", "en", "en", "en", "en", "en", "en", "en", "en", "ko", "zh-TW", "ja"}
	lang := langs[g.rng.IntN(len(langs))]
	var words []string
	for range 300 {
		switch lang {
		case "ko":
			words = append(words, g.ko[g.zKO.Uint64()])
		case "zh-TW":
			words = append(words, g.han[g.zHan.Uint64()])
		case "ja":
			words = append(words, g.han[g.zJ.Uint64()]+g.kana[g.rng.IntN(len(g.kana))])
		default:
			words = append(words, g.en[g.zEN.Uint64()])
		}
	}
	plant := func(w string) { words[g.rng.IntN(len(words))] = w }
	if i%4 == 0 {
		for range 1 + g.rng.IntN(3) {
			plant("quarantine")
		}
	}
	switch i % 100 {
	case 1:
		plant("contact tracing")
	case 2, 3, 4, 5, 6, 7, 8, 9, 10:
		plant("contact")
	case 11, 12, 13, 14, 15, 16, 17, 18, 19:
		plant("tracing")
	}
	if i%10007 == 5 {
		plant("zebrafish")
	}
	if lang == "ko" && g.rng.IntN(10) == 0 {
		plant("격리")
	}
	sep := " "
	if lang == "zh-TW" || lang == "ja" {
		sep = ""
	}
	var body strings.Builder
	for j, w := range words {
		body.WriteString(w)
		switch {
		case j%12 == 11 && sep == "":
			body.WriteString("。")
		case j%60 == 59:
			body.WriteString("\n\n")
		default:
			body.WriteString(sep)
		}
	}
	title := strings.Join(words[:6], sep)
	return practice.Practice{OwnerID: owner, Title: title, Summary: strings.Join(words[6:30], sep), Body: body.String(),
		Lang: lang, Category: practice.DefaultCategories()[i%12].Key, Visibility: practice.Public,
		Tags: []string{"tag" + strconv.Itoa(i%50)}}
}

// benchLibrary opens a store on dsn with one connection per pool side (reads go one at a time,
// as a single request's do) and loads n generated practices of one owner.
func benchLibrary(b testing.TB, dsn string, n int) (*store.DB, citypact.Actor) {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{ReadConns: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	owner := directory.Organisation{Slug: "owner", Name: "Owner", Kind: directory.KindCity}
	if err := db.CreateOrganisation(ctxAs(admin), &owner); err != nil {
		b.Fatal(err)
	}
	editor := account.User{Email: "editor@owner.example", Name: "Editor", Lang: i18n.EN, Role: citypact.RoleEditor, OrgID: owner.ID,
		PasswordHash: "$argon2id$fake", PasswordChangedAt: epoch, CreatedAt: epoch, UpdatedAt: epoch}
	if err := db.CreateUser(ctxAs(admin), &editor); err != nil {
		b.Fatal(err)
	}
	g := newLibraryGen()
	start := time.Now()
	const batch = 5000
	for i := 0; i < n; i += batch {
		ps := make([]practice.Practice, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			ps = append(ps, g.practice(j, owner.ID))
		}
		if err := db.BulkPublish(ctxAs(admin), ps); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: loaded %d practices in %v", db.Engine, n, time.Since(start).Round(time.Second))
	return db, editor.Actor()
}

type benchQuery struct{ name, text string }

// benchCJK is the benchmark's CJK term: in 829 of 100,000 generated practices.
const benchCJK = "격리"

var benchQueries = []benchQuery{
	{"rare", "zebrafish"},
	{"cjk", benchCJK},
	{"common", "quarantine"},
	{"phrase", `"contact tracing"`},
}

// BenchmarkSearch runs each benchmark query against a library of benchPractices on both
// engines, as a visitor (the visibility predicate included), and reports the latency's median
// and 99th percentile over every run, how many practices matched, and the index's size against
// the text it indexes; then the latency of publishing a new version, index update included.
func BenchmarkSearch(b *testing.B) {
	n := benchPractices(b)
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			dsn := dbtest.SQLite(b)
			if engine == "postgres" {
				dsn = dbtest.Postgres(b)
			}
			db, editor := benchLibrary(b, dsn, n)
			for _, q := range benchQueries {
				b.Run(q.name, func(b *testing.B) {
					var durs []time.Duration
					var res practice.SearchResult
					for b.Loop() {
						start := time.Now()
						var err error
						if res, err = db.Search(context.Background(), practice.SearchQuery{Text: q.text}); err != nil {
							b.Fatal(err)
						}
						durs = append(durs, time.Since(start))
					}
					reportLatency(b, durs)
					b.ReportMetric(float64(res.Total), "matches")
				})
			}
			// The floor under the CJK term's search: its matches found by the index, and on
			// PostgreSQL their rows visited, as a count. On this machine its latency moves by
			// half from one quarter of an hour to the next; the search's is read beside it.
			b.Run("cjk-floor", func(b *testing.B) {
				var durs []time.Duration
				n := 0
				for b.Loop() {
					start := time.Now()
					var err error
					if n, err = db.MatchCount(context.Background(), benchCJK); err != nil {
						b.Fatal(err)
					}
					durs = append(durs, time.Since(start))
				}
				reportLatency(b, durs)
				b.ReportMetric(float64(n), "matches")
			})
			// Publishing a new version of a random practice (its text changed, so a version is
			// written and its search document replaced), on the same library.
			b.Run("publish", func(b *testing.B) { benchPublish(b, db, editor) })
			text, index, err := db.IndexSizes(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			var total int64
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(index)) {
				parts = append(parts, fmt.Sprintf("%s %.1f MB", k, float64(index[k])/1e6))
				if k != "table and toast" && k != "primary key" && k != "index_text raw" {
					total += index[k]
				}
			}
			b.Logf("%s, %d practices: text %.1f MB; index %.1f MB (%.2f × text): %s", engine, n, float64(text)/1e6,
				float64(total)/1e6, float64(total)/float64(text), strings.Join(parts, ", "))
		})
	}
}

// benchPublish publishes a new version of a random practice of the library per run.
func benchPublish(b *testing.B, db *store.DB, editor citypact.Actor) {
	ctx := ctxAs(editor)
	all, err := db.Practices(ctx, practice.Filter{Page: citypact.Page{Limit: citypact.MaxLimit}})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var durs []time.Duration
	i := 0
	for b.Loop() {
		p, err := db.Practice(ctx, all[rng.IntN(len(all))].ID)
		if err != nil {
			b.Fatal(err)
		}
		p.Body += fmt.Sprintf("\n\nEdit %d.", i)
		i++
		start := time.Now()
		if _, err := db.Publish(ctx, &p, "edit"); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	reportLatency(b, durs)
}

// reportLatency reports the median and 99th percentile of durs, in milliseconds.
func reportLatency(b *testing.B, durs []time.Duration) {
	if len(durs) == 0 {
		return
	}
	slices.Sort(durs)
	pct := func(p float64) float64 {
		return float64(durs[min(len(durs)-1, int(p*float64(len(durs))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

var _ = benchLibrary // kept for ad-hoc profiling runs
