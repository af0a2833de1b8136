// Command gendirectory fills a database with a directory of the size the benchmarks in
// docs/BENCHMARKS.md use: the demo hub plus N generated organisations, network memberships and
// ties. It is a benchmark tool, not part of citypact.
//
//	go run ./bench/gendirectory --database sqlite:/tmp/bench.db --orgs 10000 --memberships 2000 --ties 20000
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/demo"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/store"
)

func main() {
	dsn := flag.String("database", "sqlite:./data/bench.db", "database")
	nOrgs := flag.Int("orgs", 10000, "generated organisations")
	nMembers := flag.Int("memberships", 2000, "generated network memberships")
	nTies := flag.Int("ties", 20000, "generated ties")
	flag.Parse()
	ctx := citypact.WithActor(context.Background(), citypact.Actor{Name: "gendirectory", Role: citypact.RoleAdmin})
	db, err := store.Open(ctx, *dsn, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	if _, err := demo.Seed(ctx, db); err != nil {
		log.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	countries := []string{"KR", "TW", "JP", "US", "GB", "FR", "DE", "IN", "SG", "MN", "MY", "BE", "TR", "PH", "CZ", "LK", "NP"}
	regions := []string{"north-america", "europe", "asia-pacific", "west-asia-africa", "latin-america-caribbean"}
	orgs := make([]directory.Organisation, 0, *nOrgs)
	for i := range *nOrgs {
		kind := directory.KindCity
		if i%50 == 0 {
			kind = directory.KindNetwork
		}
		o := directory.Organisation{Slug: fmt.Sprintf("gen-%05d", i), Kind: kind, Country: countries[r.IntN(len(countries))],
			Region: regions[r.IntN(len(regions))], Population: int64(r.IntN(10_000_000)), PopulationYear: 2020, PopulationSource: "generated",
			Names: []directory.Name{{Lang: "en", Text: fmt.Sprintf("Generated City %05d", i), Original: true},
				{Lang: "ko", Text: fmt.Sprintf("생성 도시 %05d", i)}, {Lang: "zh-TW", Text: fmt.Sprintf("生成城市 %05d", i)}, {Lang: "ja", Text: fmt.Sprintf("生成都市 %05d", i)}},
			Description: "A generated organisation for benchmarks.", Source: "generated for benchmarks"}
		o.Normalize()
		orgs = append(orgs, o)
	}
	start := time.Now()
	created, _, err := db.ImportOrganisations(ctx, orgs)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("imported %d organisations in %v", created, time.Since(start))
	ids := make([]int64, 0, len(orgs))
	var networks []int64
	for _, o := range orgs {
		got, err := db.OrganisationBySlug(ctx, o.Slug)
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, got.ID)
		if got.Kind == directory.KindNetwork {
			networks = append(networks, got.ID)
		}
	}
	// The demo's Seoul joins many ties and networks, so its page is a heavy one.
	seoul, _ := db.OrganisationBySlug(ctx, "seoul")
	for i := 0; i < *nMembers; i++ {
		m := directory.Membership{NetworkID: networks[i%len(networks)], MemberID: ids[r.IntN(len(ids))], Role: directory.RoleMember}
		if i < len(networks) {
			m.MemberID = seoul.ID
		}
		if err := db.AddMembership(ctx, &m); err != nil && citypact.KindOf(err) != citypact.KindInvalid {
			log.Fatal(err)
		}
	}
	for i := 0; i < *nTies; i++ {
		t := directory.Tie{A: ids[r.IntN(len(ids))], B: ids[r.IntN(len(ids))], Kind: directory.TieFriendship}
		if i < 100 {
			t.A = seoul.ID
		}
		t.Normalize()
		if t.A == t.B {
			continue
		}
		if err := db.AddTie(ctx, &t); err != nil && citypact.KindOf(err) != citypact.KindInvalid {
			log.Fatal(err)
		}
	}
	log.Printf("done in %v", time.Since(start))
}
