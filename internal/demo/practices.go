package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/directory"
	"github.com/citypact/citypact/internal/practice"
)

// The demo hub's countermeasure library: practices written from the reference documents only.
// Each says it is sample text and ends with a Source line citing its documents, as the
// directory's records do. No practice has a translation: the documents give none of these texts
// in another language, and the library must not carry machine translations. None is "adapted
// from" another: no document says that one city adopted another's measure (Taipei joining Seoul's
// platform or the #StayStrongCampaign relay is taking part, not adapting a countermeasure).

// sampleNote opens every demo practice's body.
const sampleNote = "*Sample text of the demo hub, written from the public documents named at the end. " +
	"It is not an official text of the organisation.*"

// sampleSummary ends every demo practice's summary, so that lists and search results say it too.
const sampleSummary = " (Demo hub sample text, from a public document.)"

// sourceLine starts the last line of a demo practice's body; a practice whose body lacks it is
// not demo data.
const sourceLine = "Source: " + sourcePrefix

// publishNote is the change note of each demo practice's first version.
const publishNote = "Demo hub sample, from the reference documents."

// The handbook of Taipei's practices, and the organisations it is shared with: those whose
// information-sharing platforms Taipei was invited to join "to share epidemic prevention
// information" (docPartnership, docSDG17). The SOPs themselves were published "for the City's over
// 70 international cities and over 60 foreign offices to reference", which no document names.
const handbookTitle = "Taipei epidemic-prevention SOPs"

var (
	handbookItems  = []string{"taipei-epidemic-prevention-sops", "taipei-sharing-epidemic-prevention-experience", "taipei-smart-city-poc", "taipei-mask-and-gown-donations"}
	handbookShares = []string{"seoul", "ankara", "metropolis", "uclg-aspac"}
)

var handbookSummary = "Sample handbook of the demo hub: how Taipei City shares its COVID-19 epidemic prevention " +
	"with cities worldwide — its English SOPs website, online platforms and meetings, technology, and " +
	"donations of masks and gowns. Shared with the organisations whose information-sharing platforms invited " +
	"Taipei to share epidemic-prevention information. Source: " + cite(docPartnership, docSDG17, docCrisis)

// demoPractice is a practice of the demo library, its owner by slug. Body is the text between the
// sample note and the Source line, which record adds.
type demoPractice struct {
	Owner      string
	Slug       string
	Title      string
	Summary    string
	Body       string
	Category   string
	Tags       []string
	SDGTargets []string
	Docs       []string
}

// record builds the practice to publish, owned by ownerID.
func (d demoPractice) record(ownerID int64) practice.Practice {
	return practice.Practice{
		Slug: d.Slug, OwnerID: ownerID, Title: d.Title, Summary: d.Summary + sampleSummary,
		Body: sampleNote + "\n\n" + strings.TrimSpace(d.Body) + "\n\n" + "Source: " + cite(d.Docs...),
		Lang: "en", Category: d.Category, Tags: append([]string(nil), d.Tags...),
		SDGTargets: append([]string(nil), d.SDGTargets...), Status: practice.Published, Visibility: practice.Public,
	}
}

// seoulCountermeasure is one of the measures the Seoul newsletter lists, which it names without
// describing.
func seoulCountermeasure(slug, title, named, category string, tags ...string) demoPractice {
	return demoPractice{
		Owner: "seoul", Slug: slug, Title: title, Category: category, Tags: append([]string{"covid-19", "cities against covid-19"}, tags...),
		Summary: "Listed as \"" + named + "\" among Seoul's preemptive responding measures against COVID-19 in the " +
			"Seoul Metropolitan Government's April 2020 newsletter, which names it without describing it.",
		Body: "In its April 2020 newsletter (I SEOUL U No. 47, \"United We Stand: Cities Against COVID-19\"), the Seoul " +
			"Metropolitan Government (SMG) lists **" + named + "** among \"Seoul's preemptive responding measures\", " +
			"which the Countermeasures section of its Cities Against COVID-19 (CAC) website presents: designated " +
			"screening clinic, medical/disinfection services, economic support, campaigns, etc.\n\n" +
			"SMG established CAC as a platform \"where it can share information on the virus and disease with the " +
			"international community\". Seoul \"provides all aspects of its experiences, methods, and technologies to " +
			"fight COVID-19 and prepared a two-way communication channel to share the countermeasures against COVID-19 " +
			"of cities around the world.\"\n\n" +
			"The newsletter names this measure without describing it. For the measure itself, see the CAC website: " +
			"http://english.seoul.go.kr/covid",
		Docs: []string{docSeoul},
	}
}

// library returns the demo practices, freshly built on every call: Seoul's four groups of
// countermeasures, Taipei's practices (in handbook order), and the #StayStrongCampaign.
//
// SDG targets: only practices taken from Taipei's SDG17 page carry any, and only targets that
// page names as in effect in Taipei (17.6, 17.8, 17.13, 17.14, 17.16) and whose wording its text
// echoes: 17.16 where it speaks of global or international partnerships for sustainable
// development, 17.6 where it speaks of sharing technology and innovation. The Seoul newsletter
// and the Secretariat's account name no SDG.
func library() []demoPractice {
	return []demoPractice{
		seoulCountermeasure("seoul-designated-screening-clinic", "Designated screening clinic",
			"designated screening clinic", "screening-testing", "screening"),
		seoulCountermeasure("seoul-medical-disinfection-services", "Medical/disinfection services",
			"medical/disinfection services", "medical-services", "disinfection"),
		seoulCountermeasure("seoul-economic-support", "Economic support",
			"economic support", "economic-support"),
		seoulCountermeasure("seoul-campaigns", "Campaigns",
			"campaigns", "campaigns-communication"),

		{
			Owner: "taipei", Slug: "taipei-epidemic-prevention-sops",
			Title:    "COVID-19 epidemic-prevention website and SOPs in English",
			Category: "governance-coordination", Tags: []string{"covid-19", "sop", "english"},
			SDGTargets: []string{"17.16"},
			Summary: "Taipei City published an English version of its COVID-19 epidemic-prevention website and " +
				"SOPs for its over 70 international cities and over 60 foreign offices to reference.",
			Body: "To share the results of its epidemic-prevention efforts with the global community, Taipei City " +
				"established an English version of its COVID-19 epidemic-prevention website and SOPs for the City's " +
				"over 70 international cities and over 60 foreign offices to reference.\n\n" +
				"Official website of Taipei City Government's COVID-19 Epidemic Prevention SOPs: " +
				"https://english.gov.taipei/covid19/Default.aspx\n\n" +
				"The documents describe the website and why it was made, not the procedures it holds; for those, see " +
				"the website. Taipei's SDG17 page reports it under \"Open disclosure of epidemic prevention " +
				"information\", among its outcomes for SDG 17.",
			Docs: []string{docPartnership, docSDG17},
		},
		{
			Owner: "taipei", Slug: "taipei-sharing-epidemic-prevention-experience",
			Title:    "Sharing epidemic-prevention experience with cities worldwide",
			Category: "governance-coordination", Tags: []string{"covid-19", "international cooperation", "video conferences"},
			SDGTargets: []string{"17.16"},
			Summary: "Taipei City shares its COVID-19-prevention experience and measures with cities worldwide " +
				"through online platforms and meetings; in 2020 it took part in 23 video conferences.",
			Body: "Taipei City shares its innovative COVID-19-prevention experience and measures with cities worldwide " +
				"via methods such as online platforms and meetings.\n\n" +
				"- **Platforms.** Taipei City Government was invited to the information-sharing platforms of " +
				"Metropolis (Cities for Global Health), Seoul (Cities Against COVID-19) and Ankara (Capitals' " +
				"Initiatives for COVID-19). Taipei's SDG17 page names Ankara, Seoul, the World Association of Major " +
				"Metropolises and UCLG ASPAC among those that invited the City to their international cities' " +
				"epidemic-prevention information platform to share epidemic-prevention information.\n" +
				"- **Video conferences.** In 2020 Taipei City took part in a total of 23 video conferences. The " +
				"Secretariat's account names these online conferences (day and month as it gives them): " +
				"Consultation Series on Rapid Responses for COVID-19, hosted by CityNet (10 April); The Shadow " +
				"Pandemic: Impact of COVID-19 on Vulnerable Groups, hosted by UCLG ASPAC (21 April); The Fight " +
				"Against COVID19: Lessons from Taiwan, hosted by the Asian Institute of Management (24 April); " +
				"Sister City Diplomacy & COVID-19: Looking Ahead to the New Normal, hosted by the Mayor's Office of " +
				"International Affairs of Atlanta City Hall (7 May); and Municipalities in Crisis, hosted by " +
				"Techsummit Events (25 May).\n" +
				"- **Visits.** On 29 May 2020, representatives of six diplomatic missions in Taiwan — the New " +
				"Zealand Commerce and Industry Office, the American Institute in Taiwan, the British Office Taipei, " +
				"the Australian Office Taipei, the Canadian Trade Office in Taipei and the Singapore Trade Office in " +
				"Taipei — visited Mayor Ko Wen-je to exchange experience in pandemic prevention and lockdown drills.\n" +
				"- **Crisis Management Conference.** Taipei hosted the 2021 Crisis Management Conference online, " +
				"12–14 October 2021. Deputy Mayor Huang Shan-shan, Deputy Commander of the Taipei City Epidemic " +
				"Command Center, shared her experience in response to \"COVID-19 Response and The New Normal\" with " +
				"the member cities.\n\n" +
				"Taipei's SDG17 page reports this sharing among its outcomes for SDG 17, as deepening Taipei's " +
				"international sustainable development partnerships.",
			Docs: []string{docPartnership, docSDG17, docCrisis},
		},
		{
			Owner: "taipei", Slug: "taipei-smart-city-poc",
			Title:    "Smart-city proof-of-concept (PoC) model and the GO SMART alliance",
			Category: "technology", Tags: []string{"smart city", "proof of concept", "public-private partnership", "go smart"},
			SDGTargets: []string{"17.6", "17.16"},
			Summary: "Through the Taipei Smart City Project Management Office and its proof-of-concept mechanism, " +
				"Taipei has promoted more than 230 experimental projects; it initiated the GO SMART alliance, where " +
				"in 2020 it shared its \"technological epidemic prevention\" experiences.",
			Body: "The Taipei Smart City Project Management Office (TPMO) was established to match different " +
				"government offices to the expertise they need for their tasks, providing assistance in policy " +
				"integration and developing \"top-down\" and \"bottom-up\" policy promotion models. Through the " +
				"proof-of-concept (PoC) model, the platform provides space and opportunities to assist the industries " +
				"in promoting innovative smart solutions and producing relevant smart services. Through public-private " +
				"partnership supplemented by the PoC mechanism, the City has promoted more than 230 experimental " +
				"projects.\n\n" +
				"In 2018 the City initiated the launch of GO SMART (Global Organization of Smart Cities, Global Smart " +
				"Cities Alliance), officially established in March 2019 after a year of preparation. Local governments " +
				"from around the world as well as industrial and academic institutions are invited to join; the page " +
				"gives it nearly 200 members, including the six municipalities of Taiwan. The alliance organizes the " +
				"Smart City Summit & Expo every year. Because of the COVID-19 pandemic, the 2020 event was held in a " +
				"virtual format, in which Taipei shared its \"technological epidemic prevention\" experiences, showing " +
				"other cities how Taipei used technology to help restore the City's operations and economic growth.\n\n" +
				"Taipei's SDG17 page reports this work under SDG 17: the City \"strives to enhance global partnerships " +
				"for sustainable development by matching domestic and foreign public and private capabilities, " +
				"providing information exchange in the form of sharing knowledge, professional skills, technologies, " +
				"and project funding.\"",
			Docs: []string{docSDG17},
		},
		{
			Owner: "taipei", Slug: "taipei-mask-and-gown-donations",
			Title:    "Donating masks and protective gowns to friendship cities",
			Category: "medical-services", Tags: []string{"covid-19", "masks", "protective gowns", "donations"},
			SDGTargets: []string{"17.16"},
			Summary:    "Taipei City donated over 190,000 masks and 2,100 protective gowns to nine international cities.",
			Body: "As pandemic prevention is a global effort, Taipei City donated epidemic-prevention supplies such as " +
				"masks and protective gowns to nine international cities: San Francisco, Boston and Phoenix in the US; " +
				"Manila and Quezon in the Philippines; Prague in the Czech Republic; Castries in Saint Lucia; Colombo " +
				"in Sri Lanka; and Lalitpur in Nepal (the page spells it \"Lalippur\"). In total the City donated over " +
				"190,000 masks and 2,100 protective gowns, helping Taipei's sister cities and member cities of " +
				"international organizations combat the pandemic.\n\n" +
				"The page gives no dates and does not say what each city received. It reports the donations among " +
				"Taipei's outcomes for SDG 17, under \"Strengthen the importance of public health among global " +
				"sustainable development partners in response to the COVID-19 pandemic\".",
			Docs: []string{docSDG17},
		},

		{
			// Owned by the campaign's host. The Governors Association of Korea's post gives the way to
			// take part in Korean only; it is quoted, not translated.
			Owner: "ministry-of-foreign-affairs-korea", Slug: "staystrong-campaign",
			Title:    "#StayStrongCampaign relay",
			Category: "campaigns-communication", Tags: []string{"covid-19", "staystrongcampaign", "relay", "social media"},
			Summary: "A relay campaign against COVID-19 hosted by the Ministry of Foreign Affairs of South Korea: each " +
				"participant passes it on to three others; it reached Taipei through the Governors Association of Korea.",
			Body: "The Stay Strong Campaign (#StayStrongCampaign, https://www.facebook.com/staystrongcampaign) is hosted " +
				"by the Ministry of Foreign Affairs of South Korea. It is a relay: each participant joins with a post " +
				"and tags three others to continue it.\n\n" +
				"How to take part, as the Governors Association of Korea's post gives it (in Korean, not translated " +
				"here):\n\n" +
				"> 1. 자신만의 응원문구를 담은 로고 제작 (@stay\\_strong\\_campaign 또는 [bit.ly/StayStrong2020](https://bit.ly/StayStrong2020))\n" +
				"> 2. #StayStrongCampaign 해쉬태그와 함께 SNS에 업로드.\n" +
				"> 3. 캠페인을 이어갈 세 명의 친구를 태그\n\n" +
				"How the relay reached Taipei (the page gives day and month): nominated by Dr. Bernadia Irawati " +
				"Tjandradewi, Secretary General of UCLG ASPAC, Jeon Seong-hwan, Secretary General of the Governors " +
				"Association of Korea, joined the campaign (10 May) and tagged three people to continue it: Kwon " +
				"Young-jin, President of the association and Mayor of Daegu; Nam In-soon, member of the National " +
				"Assembly; and Tsai Ping-kun, Deputy Mayor of Taipei. Invited by the Governors Association of Korea, " +
				"Deputy Mayor Tsai Ping-kun joined for Taipei City Government (18 May) — \"Let us stay strong, unite " +
				"in love, fight against COVID-19\" — and, \"in order to pass this meaningful relay\", invited Yim " +
				"Geun-hyeong, CEO of CityNet; Byun Seong-wan, Acting Mayor of Busan; and Choi Dae-ho, Mayor of Anyang.",
			Docs: []string{docPartnership},
		},
	}
}

// SeedPractices builds the demo hub's countermeasure library into st: the practices of library(),
// each published once as version 1 with public visibility, and Taipei's handbook of its own
// practices. The owners are the directory's demo organisations, so Seed must have run. Running it
// again changes nothing: practices are found by slug and the handbook by owner and title, and
// what exists is left as it is (a demo practice left as a draft by an interrupted run is
// published). A practice or handbook that uses a demo slug or title but is not demo data (no
// Source line naming the reference documents) is a KindConflict error, and then nothing is
// written. Everything is validated before anything is written. The store takes the actor from
// ctx; it must be allowed to edit every owner's practices (an admin).
func SeedPractices(ctx context.Context, st practice.Store, dir directory.Store) (err error) {
	defer citypact.Wrap(&err, "demo.SeedPractices")
	lib := library()
	ids := map[string]int64{}
	org := func(slug string) error {
		if ids[slug] != 0 {
			return nil
		}
		o, err := dir.OrganisationBySlug(ctx, slug)
		if err != nil {
			return fmt.Errorf("organisation %s: %w", slug, err)
		}
		ids[slug] = o.ID
		return nil
	}
	for _, d := range lib {
		if err := org(d.Owner); err != nil {
			return err
		}
	}
	for _, s := range append([]string{"taipei"}, handbookShares...) {
		if err := org(s); err != nil {
			return err
		}
	}

	recs, err := checkedPractices(lib, ids)
	if err != nil {
		return err
	}
	hb := practice.Handbook{OwnerID: ids["taipei"], Title: handbookTitle, Summary: handbookSummary, Visibility: practice.Public}
	for _, s := range handbookShares {
		hb.SharedWith = append(hb.SharedWith, ids[s])
	}
	if err := hb.Validate(); err != nil {
		return fmt.Errorf("handbook: %w", err)
	}

	// What exists already? Refuse before writing if any of it is not ours.
	existing := map[string]practice.Practice{}
	for _, p := range recs {
		got, err := st.PracticeBySlug(ctx, p.Slug)
		switch {
		case err == nil:
			if !strings.Contains(got.Body, "\n"+sourceLine) {
				return &citypact.Error{Kind: citypact.KindConflict, Message: "practice.slug_taken",
					Err: fmt.Errorf("slug %q belongs to a practice that is not demo data", p.Slug)}
			}
			existing[p.Slug] = got
		case citypact.KindOf(err) == citypact.KindNotFound:
		default:
			return err
		}
	}
	have, err := st.Handbooks(ctx, practice.HandbookFilter{Owner: hb.OwnerID, Page: citypact.Page{Limit: citypact.MaxLimit}})
	if err != nil {
		return err
	}
	hbExists := false
	for _, h := range have {
		if h.Title != handbookTitle {
			continue
		}
		if !strings.Contains(h.Summary, sourceLine) {
			return &citypact.Error{Kind: citypact.KindConflict, Message: "error.conflict",
				Err: fmt.Errorf("handbook %q of taipei is not demo data", handbookTitle)}
		}
		hbExists = true
	}

	bySlug := map[string]int64{}
	for _, p := range recs {
		got, ok := existing[p.Slug]
		switch {
		case ok && got.Status != practice.Draft:
			bySlug[p.Slug] = got.ID
			continue
		case ok:
			p.ID = got.ID
		default:
			if err := st.CreatePractice(ctx, &p); err != nil {
				return fmt.Errorf("practice %s: %w", p.Slug, err)
			}
		}
		p.Version = 0
		if _, err := st.Publish(ctx, &p, publishNote); err != nil {
			return fmt.Errorf("practice %s: %w", p.Slug, err)
		}
		bySlug[p.Slug] = p.ID
	}

	if hbExists {
		return nil
	}
	for _, s := range handbookItems {
		hb.Items = append(hb.Items, bySlug[s])
	}
	if err := st.CreateHandbook(ctx, &hb); err != nil {
		return fmt.Errorf("handbook: %w", err)
	}
	return nil
}

// checkedPractices builds and validates the practices of lib with their owners' ids (against the
// default taxonomy, which the practice migration seeds), and checks that the handbook's items are
// demo practices of Taipei.
func checkedPractices(lib []demoPractice, ids map[string]int64) ([]practice.Practice, error) {
	choices := practice.Choices{Categories: practice.CategoryKeys(practice.DefaultCategories())}
	var recs []practice.Practice
	owner := map[string]string{}
	for _, d := range lib {
		if _, dup := owner[d.Slug]; dup {
			return nil, fmt.Errorf("practice %s: slug used twice", d.Slug)
		}
		owner[d.Slug] = d.Owner
		if len(d.Docs) == 0 {
			return nil, fmt.Errorf("practice %s: cites no document", d.Slug)
		}
		p := d.record(ids[d.Owner])
		if err := p.Validate(choices); err != nil {
			return nil, fmt.Errorf("practice %s: %w", d.Slug, err)
		}
		recs = append(recs, p)
	}
	for _, s := range handbookItems {
		if owner[s] != "taipei" {
			return nil, fmt.Errorf("handbook item %s: not a demo practice of taipei", s)
		}
	}
	return recs, nil
}
