package demo

import (
	"strings"
	"time"

	"github.com/citypact/citypact/internal/directory"
)

// The five reference documents (shared/reference/*.txt) every record comes from. Nothing here is
// taken from anywhere else, except country populations (Our World in Data, CC BY 4.0) and names in
// other languages that are well established; the DS4C data set (non-commercial) is never used.
const (
	sourcePrefix = "shared/reference: "

	// 000_419d21ab32c3cd72.txt — the Secretariat's account of spring 2020. It gives days and months
	// without a year; the year is 2020 from its context (its 29 May visit is dated 2020 by docSDG17).
	docPartnership = "Taipei City Government, International Partnership Against COVID-19"
	// 001_1f8b77aec8c6ffad.txt
	docCrisis = "2021 Crisis Management Conference was hosted by Taipei City (news page, October 2021)"
	// 002_5cdcff1c0591afc1.txt
	docSDG17 = "Taipei City, SDG17 page (Strengthen the means of implementation and revitalize the global partnership for sustainable development)"
	// 003_11155507f18bca10.txt
	docSeoul = "Seoul Metropolitan Government, I SEOUL U newsletter No. 47 (April 2020), United We Stand: Cities Against COVID-19"
	// 004_ed160065a5715960.txt
	docMOFA = "Ministry of Foreign Affairs (Taiwan), Taiwan—a force for good in the international community"

	// yearFromContext is added to the source of anything dated from docPartnership.
	yearFromContext = " (the page gives day and month; the year, 2020, is from its context)"

	// owid is the population source of national governments.
	owid = "Our World in Data (CC BY 4.0)"

	missionCountry = " Country is the country the office represents, not Taiwan where it is located."
)

// documents lists the reference documents, for tests.
var documents = []string{docPartnership, docCrisis, docSDG17, docSeoul, docMOFA}

// cite names the documents a record comes from.
func cite(docs ...string) string { return sourcePrefix + strings.Join(docs, "; ") }

// Region keys (the regions of the Ministry of Foreign Affairs page).
const (
	northAmerica  = "north-america"
	europe        = "europe"
	asiaPacific   = "asia-pacific"
	westAsia      = "west-asia-africa"
	latinAmerica  = "latin-america-caribbean"
	international = "international"
)

// names builds an organisation's names: the first is the original.
func names(original directory.Name, others ...directory.Name) []directory.Name {
	original.Original = true
	return append([]directory.Name{original}, others...)
}

func en(s string) directory.Name   { return directory.Name{Lang: "en", Text: s} }
func ko(s string) directory.Name   { return directory.Name{Lang: "ko", Text: s} }
func zhTW(s string) directory.Name { return directory.Name{Lang: "zh-TW", Text: s} }
func ja(s string) directory.Name   { return directory.Name{Lang: "ja", Text: s} }
func in(lang, s string) directory.Name {
	return directory.Name{Lang: lang, Text: s}
}

const donated = "Received epidemic-prevention supplies (masks and protective gowns) from Taipei City, " +
	"one of nine cities to which Taipei donated over 190,000 masks and 2,100 protective gowns in all during " +
	"the COVID-19 pandemic. The page gives no date for the donations."

// organisations returns the demo hub's organisations, freshly built on every call.
func organisations() []directory.Organisation {
	return []directory.Organisation{
		// Cities. No populations (the CC BY / CC0 data files have none for cities) and no coordinates.
		{
			Slug: "taipei", Kind: directory.KindCity, Country: "TW", Region: asiaPacific,
			Names: names(zhTW("臺北市"), en("Taipei City Government"), ja("台北市"), ko("타이베이시")),
			Description: "Shares its COVID-19 prevention experience and measures with cities worldwide through online " +
				"platforms and meetings, and published an English version of its epidemic-prevention website and SOPs " +
				"(https://english.gov.taipei/covid19/Default.aspx) for its over 70 international cities and over 60 " +
				"foreign offices. Took part in 23 video conferences in 2020 and was invited to the information-sharing " +
				"platforms of Metropolis (Cities for Global Health), Seoul (Cities Against COVID-19) and Ankara " +
				"(Capitals' Initiatives for COVID-19). Donated over 190,000 masks and 2,100 protective gowns to nine " +
				"cities: San Francisco, Boston, Phoenix, Manila, Quezon City, Prague, Castries, Colombo and Lalitpur " +
				"(no date given). A founding member of the Crisis Management Network, whose conference it hosted in " +
				"2004, 2010 and 2021; initiated GO SMART in 2018.",
			Source: cite(docPartnership, docCrisis, docSDG17),
		},
		{
			Slug: "seoul", Kind: directory.KindCity, Country: "KR", Region: asiaPacific,
			Names: names(ko("서울특별시"), en("Seoul Metropolitan Government"), ja("ソウル特別市"), zhTW("首爾特別市")),
			Description: "Established Cities Against COVID-19 (CAC, http://english.seoul.go.kr/covid), a platform " +
				"to share information on the virus and its countermeasures with the international community, " +
				"including a two-way communication channel with its sister and friendship cities; Taipei City " +
				"Government was invited to take part. A member city of the Crisis Management Network that took part " +
				"in its 2021 conference.",
			Source: cite(docSeoul, docPartnership, docSDG17, docCrisis),
		},
		{
			Slug: "tokyo", Kind: directory.KindCity, Country: "JP", Region: asiaPacific,
			Names: names(ja("東京都"), en("Tokyo Metropolitan Government"), zhTW("東京都"), ko("도쿄도")),
			Description: "The Tokyo Metropolitan Government initiated the Crisis Management Network in 2001; " +
				"Tokyo took part in its 2021 conference.",
			Source: cite(docCrisis),
		},
		{
			Slug: "new-taipei", Kind: directory.KindCity, Country: "TW", Region: asiaPacific,
			Names:       names(zhTW("新北市"), en("New Taipei City"), ja("新北市"), ko("신베이시")),
			Description: "A member city of the Crisis Management Network that took part in its 2021 conference.",
			Source: cite(docCrisis, docSDG17) + ". GO SMART membership: the SDG17 page says its members include " +
				"\"the six municipalities of Taiwan\", of which New Taipei City is one.",
		},
		{
			Slug: "delhi", Kind: directory.KindCity, Country: "IN", Region: asiaPacific,
			Names:       names(in("hi", "दिल्ली"), en("Delhi"), ja("デリー"), ko("델리"), zhTW("德里")),
			Description: "A member city of the Crisis Management Network that took part in its 2021 conference.",
			Source:      cite(docCrisis),
		},
		{
			// A city-state: the country's population is not given to the city.
			Slug: "singapore", Kind: directory.KindCity, Country: "SG", Region: asiaPacific,
			Names:       names(en("Singapore"), zhTW("新加坡"), ja("シンガポール"), ko("싱가포르")),
			Description: "A member city of the Crisis Management Network that took part in its 2021 conference.",
			Source:      cite(docCrisis),
		},
		{
			Slug: "ulaanbaatar", Kind: directory.KindCity, Country: "MN", Region: asiaPacific,
			Names:       names(in("mn", "Улаанбаатар"), en("Ulaanbaatar"), ja("ウランバートル"), ko("울란바토르"), zhTW("烏蘭巴托")),
			Description: "A member city of the Crisis Management Network that took part in its 2021 conference.",
			Source:      cite(docCrisis),
		},
		{
			Slug: "kuala-lumpur", Kind: directory.KindCity, Country: "MY", Region: asiaPacific,
			Names:       names(in("ms", "Kuala Lumpur"), en("Kuala Lumpur"), ja("クアラルンプール"), ko("쿠알라룸푸르"), zhTW("吉隆坡")),
			Description: "A member city of the Crisis Management Network that took part in its 2021 conference.",
			Source:      cite(docCrisis),
		},
		{
			// Bilingual: French is marked original, Dutch given beside it.
			Slug: "brussels", Kind: directory.KindCity, Country: "BE", Region: europe,
			Names: names(in("fr", "Bruxelles"), in("nl", "Brussel"), en("Brussels"), ja("ブリュッセル"), ko("브뤼셀"), zhTW("布魯塞爾")),
			Description: "Took part in the Crisis Management Network's 2021 conference; recorded as the network's " +
				"observer (see the membership's source).",
			Source: cite(docCrisis) + ". French is marked as the original name of this bilingual (French/Dutch) city.",
		},
		{
			Slug: "ankara", Kind: directory.KindCity, Country: "TR", Region: westAsia,
			Names: names(in("tr", "Ankara"), en("Ankara"), ja("アンカラ"), ko("앙카라"), zhTW("安卡拉")),
			Description: "Runs Capitals' Initiatives for COVID-19, an information-sharing platform to which Taipei " +
				"City Government was invited. Called one of Taipei's international friendship cities on Taipei's " +
				"SDG17 page.",
			Source: cite(docPartnership, docSDG17) + ". Region: Türkiye is placed in West Asia & Africa.",
		},
		{
			Slug: "atlanta", Kind: directory.KindCity, Country: "US", Region: northAmerica,
			Names: names(en("Atlanta"), ja("アトランタ"), ko("애틀랜타"), zhTW("亞特蘭大")),
			Description: "The Mayor's Office of International Affairs of Atlanta City Hall hosted the online " +
				"conference Sister City Diplomacy & COVID-19: Looking Ahead to the New Normal.",
			Source: cite(docPartnership),
		},
		{
			Slug: "busan", Kind: directory.KindCity, Country: "KR", Region: asiaPacific,
			Names:       names(ko("부산광역시"), en("Busan Metropolitan City"), ja("釜山広域市"), zhTW("釜山廣域市")),
			Description: "Its Acting Mayor was invited by Taipei's Deputy Mayor to join the #StayStrongCampaign.",
			Source:      cite(docPartnership) + yearFromContext,
		},
		{
			Slug: "anyang", Kind: directory.KindCity, Country: "KR", Region: asiaPacific,
			Names:       names(ko("안양시"), en("Anyang City")),
			Description: "Its Mayor was invited by Taipei's Deputy Mayor to join the #StayStrongCampaign.",
			Source:      cite(docPartnership) + yearFromContext,
		},
		{
			Slug: "daegu", Kind: directory.KindCity, Country: "KR", Region: asiaPacific,
			Names: names(ko("대구광역시"), en("Daegu Metropolitan City"), ja("大邱広域市"), zhTW("大邱廣域市")),
			Description: "Its Mayor, also President of the Governors Association of Korea, was tagged to continue " +
				"the #StayStrongCampaign.",
			Source: cite(docPartnership) + yearFromContext + ". The page names him \"대구시장\" (Mayor of Daegu) in Korean.",
		},
		{
			Slug: "san-francisco", Kind: directory.KindCity, Country: "US", Region: northAmerica,
			Names:       names(en("San Francisco"), ja("サンフランシスコ"), ko("샌프란시스코"), zhTW("舊金山")),
			Description: donated,
			Source:      cite(docSDG17),
		},
		{
			Slug: "boston", Kind: directory.KindCity, Country: "US", Region: northAmerica,
			Names:       names(en("Boston"), ja("ボストン"), ko("보스턴"), zhTW("波士頓")),
			Description: donated,
			Source:      cite(docSDG17),
		},
		{
			Slug: "phoenix", Kind: directory.KindCity, Country: "US", Region: northAmerica,
			Names:       names(en("Phoenix"), ja("フェニックス"), ko("피닉스"), zhTW("鳳凰城")),
			Description: donated,
			Source:      cite(docSDG17),
		},
		{
			Slug: "manila", Kind: directory.KindCity, Country: "PH", Region: asiaPacific,
			Names:       names(en("Manila"), in("fil", "Maynila"), ja("マニラ"), ko("마닐라"), zhTW("馬尼拉")),
			Description: donated,
			Source:      cite(docSDG17) + ". English, the language of Philippine local government, is marked as the original name.",
		},
		{
			Slug: "quezon-city", Kind: directory.KindCity, Country: "PH", Region: asiaPacific,
			Names:       names(en("Quezon City"), in("fil", "Lungsod Quezon"), ja("ケソン市"), zhTW("奎松市")),
			Description: donated,
			Source: cite(docSDG17) + ". The page says \"Quezon in the Philippines\" among the cities: Quezon City. " +
				"English, the language of Philippine local government, is marked as the original name.",
		},
		{
			Slug: "prague", Kind: directory.KindCity, Country: "CZ", Region: europe,
			Names:       names(in("cs", "Praha"), en("Prague"), ja("プラハ"), ko("프라하"), zhTW("布拉格")),
			Description: donated,
			Source:      cite(docSDG17),
		},
		{
			Slug: "castries", Kind: directory.KindCity, Country: "LC", Region: latinAmerica,
			Names:       names(en("Castries")),
			Description: donated,
			Source:      cite(docSDG17),
		},
		{
			Slug: "colombo", Kind: directory.KindCity, Country: "LK", Region: asiaPacific,
			Names:       names(in("si", "කොළඹ"), in("ta", "கொழும்பு"), en("Colombo"), ja("コロンボ"), ko("콜롬보"), zhTW("可倫坡")),
			Description: donated,
			Source:      cite(docSDG17),
		},
		{
			Slug: "lalitpur", Kind: directory.KindCity, Country: "NP", Region: asiaPacific,
			Names:       names(in("ne", "ललितपुर"), en("Lalitpur")),
			Description: donated,
			Source:      cite(docSDG17) + ". The page spells it \"Lalippur\" (in Nepal); the city is Lalitpur, Nepal.",
		},

		// Diplomatic missions in Taiwan: the six that visited Mayor Ko on 29 May 2020, and the
		// Netherlands Office Taipei. Their English names are their own and marked original.
		{
			Slug: "new-zealand-commerce-and-industry-office", Kind: directory.KindMission, Country: "NZ", Region: asiaPacific,
			Names:       names(en("New Zealand Commerce and Industry Office"), zhTW("紐西蘭商工辦事處")),
			Description: "A diplomatic mission in Taiwan; its representatives visited Mayor Ko on 29 May 2020.",
			Source:      cite(docPartnership, docSDG17) + "." + missionCountry,
		},
		{
			Slug: "american-institute-in-taiwan", Kind: directory.KindMission, Country: "US", Region: northAmerica,
			Names:       names(en("American Institute in Taiwan"), zhTW("美國在台協會")),
			Description: "A diplomatic mission in Taiwan; its representatives visited Mayor Ko on 29 May 2020.",
			Source:      cite(docPartnership, docSDG17) + "." + missionCountry,
		},
		{
			Slug: "british-office-taipei", Kind: directory.KindMission, Country: "GB", Region: europe,
			Names:       names(en("British Office Taipei"), zhTW("英國在台辦事處")),
			Description: "A diplomatic mission in Taiwan; its representatives visited Mayor Ko on 29 May 2020.",
			Source:      cite(docPartnership, docSDG17) + "." + missionCountry,
		},
		{
			Slug: "australian-office-taipei", Kind: directory.KindMission, Country: "AU", Region: asiaPacific,
			Names:       names(en("Australian Office Taipei"), zhTW("澳洲辦事處")),
			Description: "A diplomatic mission in Taiwan; its representatives visited Mayor Ko on 29 May 2020.",
			Source:      cite(docPartnership, docSDG17) + "." + missionCountry,
		},
		{
			Slug: "canadian-trade-office-in-taipei", Kind: directory.KindMission, Country: "CA", Region: northAmerica,
			Names:       names(en("Canadian Trade Office in Taipei"), zhTW("加拿大駐台北貿易辦事處")),
			Description: "A diplomatic mission in Taiwan; its representatives visited Mayor Ko on 29 May 2020.",
			Source:      cite(docPartnership, docSDG17) + "." + missionCountry,
		},
		{
			Slug: "singapore-trade-office-in-taipei", Kind: directory.KindMission, Country: "SG", Region: asiaPacific,
			Names:       names(en("Singapore Trade Office in Taipei"), zhTW("新加坡駐台北商務辦事處")),
			Description: "A diplomatic mission in Taiwan; its representatives visited Mayor Ko on 29 May 2020.",
			Source:      cite(docPartnership, docSDG17) + "." + missionCountry,
		},
		{
			Slug: "netherlands-office-taipei", Kind: directory.KindMission, Country: "NL", Region: europe,
			Names: names(en("Netherlands Office Taipei"), zhTW("荷蘭在台辦事處")),
			Description: "On its behalf, Representative Guy Wittich sent tulips to Taipei City Hospital as an " +
				"expression of gratitude toward medical personnel in Taiwan.",
			Source: cite(docPartnership) + yearFromContext + "." + missionCountry,
		},

		// Networks and alliances: members only where a document says so. International bodies
		// have no country.
		{
			Slug: "crisis-management-network", Kind: directory.KindNetwork, Region: international,
			Names: names(en("Crisis Management Network")),
			Description: "Initiated by the Tokyo Metropolitan Government in 2001. As of October 2021 it had 14 " +
				"member cities and 1 observer; only those the documents name are listed here. Its Crisis " +
				"Management Conference is held in turn every year; Taipei hosted the second (2004), the eighth " +
				"(2010) and the 2021 conference. Through it Taipei conducts disaster relief information communication, " +
				"international city search and rescue and comprehensive disaster prevention training every year.",
			Source: cite(docCrisis),
		},
		{
			Slug: "metropolis", Kind: directory.KindNetwork, Region: international,
			Names: names(en("Metropolis (World Association of Major Metropolises)")),
			Description: "Runs Cities for Global Health (https://www.citiesforglobalhealth.org/initiatives), an " +
				"information-sharing platform to which Taipei City Government was invited.",
			Source: cite(docPartnership, docSDG17),
		},
		{
			Slug: "citynet", Kind: directory.KindNetwork, Region: international,
			Names:       names(en("CityNet")),
			Description: "Hosted the online conference Consultation Series on Rapid Responses for COVID-19.",
			Source:      cite(docPartnership) + yearFromContext,
		},
		{
			Slug: "uclg-aspac", Kind: directory.KindNetwork, Region: international,
			Names: names(en("United Cities and Local Governments Asia-Pacific (UCLG ASPAC)"),
				ko("세계지방정부연합 아시아태평양 지부")),
			Description: "Hosted the online conference The Shadow Pandemic: Impact of COVID-19 on Vulnerable " +
				"Groups, and invited Taipei to its international cities' epidemic-prevention information platform.",
			Source: cite(docPartnership, docSDG17) + yearFromContext + ". The Korean name is the one the page gives.",
		},
		{
			Slug: "go-smart", Kind: directory.KindNetwork, Region: international,
			Names: names(en("GO SMART (Global Organization of Smart Cities)")),
			Description: "The Global Smart Cities Alliance, launched on Taipei's initiative in 2018 and officially " +
				"established in March 2019. Local governments, industry and academic institutions join as " +
				"members; it has nearly 200, including the six municipalities of Taiwan and members from Japan, " +
				"Singapore, Hong Kong, Australia, the United Kingdom, France, the Netherlands, the Czech Republic, " +
				"the United States, Brazil and other countries and cities. It organises the Smart City Summit & " +
				"Expo every year (virtual in 2020).",
			Source: cite(docSDG17),
		},
		{
			// An association whose members are Korea's metropolitan and provincial governments: kind
			// network, like the other associations of local governments here, rather than ngo.
			Slug: "governors-association-of-korea", Kind: directory.KindNetwork, Country: "KR", Region: asiaPacific,
			Names: names(ko("대한민국시도지사협의회"), en("Governors Association of Korea (GAOK)")),
			Description: "Its Secretary General joined the #StayStrongCampaign and invited Taipei's Deputy Mayor " +
				"to take part; its President is the Mayor of Daegu.",
			Source: cite(docPartnership) + yearFromContext + ". Kind network rather than ngo: as its name (시도지사협의회) " +
				"says, it is an association of the heads of Korea's metropolitan cities and provinces, i.e. of local " +
				"governments; the documents name none of its members.",
		},

		// Others the documents name.
		{
			Slug: "ministry-of-foreign-affairs-korea", Kind: directory.KindNational, Country: "KR", Region: asiaPacific,
			Names:       names(ko("외교부"), en("Ministry of Foreign Affairs of the Republic of Korea")),
			Description: "Hosted the Stay Strong Campaign (#StayStrongCampaign).",
			Source:      cite(docPartnership) + yearFromContext,
		},
		{
			Slug: "asian-institute-of-management", Kind: directory.KindAcademia, Country: "PH", Region: asiaPacific,
			Names:       names(en("Asian Institute of Management")),
			Description: "Hosted the online conference The Fight Against COVID19: Lessons from Taiwan.",
			Source:      cite(docPartnership) + yearFromContext,
		},
		{
			// The page does not say where it is based: no country.
			Slug: "techsummit-events", Kind: directory.KindCompany,
			Names:       names(en("Techsummit Events")),
			Description: "Hosted the online conference Municipalities in Crisis.",
			Source:      cite(docPartnership) + yearFromContext,
		},
		{
			Slug: "icrt", Kind: directory.KindCompany, Country: "TW", Region: asiaPacific,
			Names:       names(en("ICRT")),
			Description: "Interviewed Mayor Ko Wen-je for its Better Taiwan video series.",
			Source:      cite(docPartnership) + yearFromContext,
		},
		{
			Slug: "academia-sinica", Kind: directory.KindAcademia, Country: "TW", Region: asiaPacific,
			Names: names(zhTW("中央研究院"), en("Academia Sinica"), ja("中央研究院")),
			Description: "Held a videoconference with officials of the European Union to explore cooperation on " +
				"the development of rapid testing kits and vaccines (the page gives no date).",
			Source: cite(docMOFA),
		},
		{
			Slug: "european-union", Kind: directory.KindInternational, Region: europe,
			Names: names(en("European Union"), zhTW("歐洲聯盟"), ja("欧州連合"), ko("유럽연합")),
			Description: "Its officials held a videoconference with Academia Sinica to explore cooperation on the " +
				"development of rapid testing kits and vaccines (the page gives no date).",
			Source: cite(docMOFA),
		},
		{
			// National governments carry their country's population (year 2020).
			Slug: "taiwan", Kind: directory.KindNational, Country: "TW", Region: asiaPacific,
			Names:      names(zhTW("臺灣"), en("Taiwan"), ja("台湾"), ko("대만")),
			Population: 23816775, PopulationYear: 2020, PopulationSource: owid,
			Description: "Issued a Joint Statement on a Partnership against Coronavirus with the United States on " +
				"18 March 2020, and has donated more than 50 million medical masks since April 2020.",
			Source: cite(docMOFA),
		},
		{
			Slug: "united-states", Kind: directory.KindNational, Country: "US", Region: northAmerica,
			Names:      names(en("United States"), zhTW("美國"), ja("アメリカ合衆国"), ko("미국")),
			Population: 331002647, PopulationYear: 2020, PopulationSource: owid,
			Description: "Issued a Joint Statement on a Partnership against Coronavirus with Taiwan on 18 March 2020.",
			Source:      cite(docMOFA),
		},
	}
}

// membership places Member in Network, by slug.
type membership struct {
	Network, Member string
	Role            directory.MemberRole
	Source          string
}

// memberships are only those a document states. Participating in a network's conference is not
// membership; that goes in the timeline.
func memberships() []membership {
	const cmn = "crisis-management-network"
	member := cite(docCrisis) + ": named among the \"member cities\" that took part in the 2021 conference."
	return []membership{
		{cmn, "tokyo", directory.RoleFounding, cite(docCrisis) + ": the Tokyo Metropolitan Government initiated the network in 2001."},
		{cmn, "taipei", directory.RoleFounding, cite(docCrisis) + ": \"one of the founding member cities\"."},
		{cmn, "seoul", directory.RoleMember, member},
		{cmn, "delhi", directory.RoleMember, member},
		{cmn, "singapore", directory.RoleMember, member},
		{cmn, "ulaanbaatar", directory.RoleMember, member},
		{cmn, "kuala-lumpur", directory.RoleMember, member},
		{cmn, "new-taipei", directory.RoleMember, member},
		{cmn, "brussels", directory.RoleObserver, cite(docCrisis) + ": the page says the network has 14 member " +
			"cities and 1 observer without naming the observer, and lists Brussels among the participating " +
			"member cities; the role observer comes from the project's brief, not from the page."},
		{"go-smart", "taipei", directory.RoleFounding, cite(docSDG17) + ": Taipei initiated GO SMART in 2018."},
		{"go-smart", "new-taipei", directory.RoleMember, cite(docSDG17) + ": members include \"the six " +
			"municipalities of Taiwan\", of which New Taipei City is one."},
	}
}

// tie joins two organisations, by slug.
type tie struct {
	A, B      string
	Kind      directory.TieKind
	Reference string
	Source    string
}

// ties are only those a document states. The SDG17 page's donations to "sister cities and member
// cities of international organizations" do not say which city is which, so they make no tie.
func ties() []tie {
	const ref = "Called \"international friendship cities\" of Taipei on Taipei's SDG17 page (no agreement or date given)."
	src := cite(docSDG17) + ": \"international friendship cities and organizations, such as Ankara in Turkey and Seoul in South Korea\"."
	return []tie{
		{"taipei", "ankara", directory.TieFriendship, ref, src},
		{"taipei", "seoul", directory.TieFriendship, ref, src},
	}
}

// contact is a person named in a document, by organisation slug. No e-mail or phone: the
// documents give none. Role says when the document places them in office.
type contact struct {
	Org    string
	Name   string
	Title  directory.ContactTitle
	Role   string
	Source string
}

func contacts() []contact {
	p := cite(docPartnership) + yearFromContext
	c := cite(docCrisis)
	return []contact{
		{"taipei", "Ko Wen-je (柯文哲)", directory.TitleMayor, "Mayor of Taipei, 2020–2021", cite(docPartnership, docCrisis, docSDG17)},
		{"taipei", "Tsai Ping-kun (蔡炳坤)", directory.TitleDeputyMayor, "Deputy Mayor, as of May 2020", p},
		{"taipei", "Huang Shan-shan (黃珊珊)", directory.TitleDeputyMayor,
			"Deputy Mayor; Director of the Disaster Management Office; Deputy Commander of the Taipei City Epidemic Command Center (October 2021)", c},
		{"taipei", "Chou Tai-chu", directory.TitleSpokesperson, "Spokesperson, as of April–May 2020", p + ". The page writes \"Tai-chu Chou\"."},
		{"taipei", "Gordon Yang", directory.TitleExecutiveDirector, "Executive Director, as of April 2020",
			p + ". The page lists him among Taipei City Government's participants without naming his office."},
		{"seoul", "Park Won-soon (박원순)", directory.TitleMayor, "Mayor of Seoul, as of April 2020",
			cite(docSeoul) + ". The newsletter writes \"Wonsoon Park\"."},
		{"governors-association-of-korea", "Jeon Seong-hwan (전성환)", directory.TitleSecretaryGeneral, "Secretary General, as of May 2020", p},
		{"governors-association-of-korea", "Kwon Young-jin (권영진)", directory.TitleOther, "President (also Mayor of Daegu), as of May 2020",
			p + ". The page calls him \"대한민국시도지사협의회장 겸 대구시장\"."},
		{"daegu", "Kwon Young-jin (권영진)", directory.TitleMayor, "Mayor of Daegu (also President of the Governors Association of Korea), as of May 2020",
			p + ". The page calls him \"대한민국시도지사협의회장 겸 대구시장\"."},
		{"uclg-aspac", "Dr. Bernadia Irawati Tjandradewi", directory.TitleSecretaryGeneral, "Secretary General, as of May 2020", p},
		{"citynet", "Yim Geun-hyeong", directory.TitleOther, "CEO, as of May 2020", p},
		{"busan", "Byun Seong-wan", directory.TitleOther, "Acting Mayor of Busan, as of May 2020", p},
		{"anyang", "Choi Dae-ho (최대호)", directory.TitleMayor, "Mayor of Anyang, as of May 2020", p},
		{"netherlands-office-taipei", "Guy Wittich", directory.TitleRepresentative, "Representative, as of April 2020", p},
	}
}

// entry is a dated exchange, parties by slug. Events whose day a document does not give (the 2004
// and 2010 conferences, the mask donations, the Academia Sinica–EU videoconference) are left out
// rather than given a made-up day; the organisations' descriptions mention them.
type entry struct {
	Date        time.Time
	Kind        directory.EntryKind
	Title       string
	Description string
	Links       []string
	Parties     []string
	Source      string
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func entries() []entry {
	p := cite(docPartnership) + yearFromContext
	staystrong := []string{"https://www.facebook.com/staystrongcampaign"}
	return []entry{
		{
			Date: day(2020, time.March, 18), Kind: directory.EntryStatement,
			Title: "Taiwan–US Joint Statement on a Partnership against Coronavirus",
			Description: "Taiwan and the United States issued a Joint Statement on a Partnership against Coronavirus, " +
				"demonstrating a shared determination to combat the pandemic, cooperate on the research and " +
				"development of vaccines, and share best practices.",
			Parties: []string{"taiwan", "united-states"},
			Source:  cite(docMOFA),
		},
		{
			Date: day(2020, time.April, 10), Kind: directory.EntryVisit,
			Title:       "CityNet online conference: Consultation Series on Rapid Responses for COVID-19",
			Description: "Hosted by CityNet. Executive Director Gordon Yang took part for Taipei City Government.",
			Parties:     []string{"citynet", "taipei"},
			Source:      p,
		},
		{
			Date: day(2020, time.April, 21), Kind: directory.EntryVisit,
			Title:       "UCLG ASPAC online conference: The Shadow Pandemic: Impact of COVID-19 on Vulnerable Groups",
			Description: "Hosted by UCLG ASPAC. Executive Director Gordon Yang took part for Taipei City Government.",
			Parties:     []string{"uclg-aspac", "taipei"},
			Source:      p,
		},
		{
			Date: day(2020, time.April, 24), Kind: directory.EntryVisit,
			Title:       "Asian Institute of Management online conference: The Fight Against COVID19: Lessons from Taiwan",
			Description: "Hosted by the Asian Institute of Management. Spokesperson Chou Tai-chu took part for Taipei City Government.",
			Parties:     []string{"asian-institute-of-management", "taipei"},
			Source:      p,
		},
		{
			Date: day(2020, time.April, 27), Kind: directory.EntryGift,
			Title: "Netherlands Office Taipei sends tulips to Taipei City Hospital",
			Description: "On behalf of the Netherlands Office Taipei, Representative Guy Wittich sent tulips as gifts " +
				"to the Taipei City Hospital as an expression of gratitude toward medical personnel in Taiwan.",
			Parties: []string{"netherlands-office-taipei", "taipei"},
			Source:  p + ". Taipei City Hospital is recorded as Taipei City Government, not as an organisation of its own.",
		},
		{
			Date: day(2020, time.May, 7), Kind: directory.EntryVisit,
			Title: "Atlanta online conference: Sister City Diplomacy & COVID-19: Looking Ahead to the New Normal",
			Description: "Hosted by the Mayor's Office of International Affairs of Atlanta City Hall. Spokesperson " +
				"Chou Tai-chu took part for Taipei City Government.",
			Parties: []string{"atlanta", "taipei"},
			Source:  p,
		},
		{
			Date: day(2020, time.May, 10), Kind: directory.EntryOther,
			Title: "#StayStrongCampaign: the Governors Association of Korea passes the relay to Taipei",
			Description: "Nominated by Dr. Bernadia Irawati Tjandradewi, Secretary General of UCLG ASPAC, Jeon " +
				"Seong-hwan, Secretary General of the Governors Association of Korea, joined the #StayStrongCampaign " +
				"and tagged three people to continue it: Kwon Young-jin, President of the association and Mayor of " +
				"Daegu; Nam In-soon, member of the National Assembly; and Tsai Ping-kun, Deputy Mayor of Taipei.",
			Links:   staystrong,
			Parties: []string{"governors-association-of-korea", "uclg-aspac", "daegu", "taipei"},
			Source:  p + ". The date is that of the association's post (5月10日), quoted on the page.",
		},
		{
			Date: day(2020, time.May, 14), Kind: directory.EntryOther,
			Title:       "ICRT Better Taiwan video interview with Mayor Ko",
			Description: "Mayor Ko Wen-je took part in the ICRT Better Taiwan video interview.",
			Parties:     []string{"icrt", "taipei"},
			Source:      p,
		},
		{
			Date: day(2020, time.May, 18), Kind: directory.EntryOther,
			Title: "#StayStrongCampaign: Taipei's Deputy Mayor joins and invites CityNet, Busan and Anyang",
			Description: "Invited by Jeon Seong-hwan, Secretary General of the Governors Association of Korea, Deputy " +
				"Mayor Tsai Ping-kun joined the Stay Strong Campaign hosted by the Ministry of Foreign Affairs of " +
				"South Korea (\"In Love We Unite, to Fight against COVID-19\") and invited Yim Geun-hyeong, CEO of " +
				"CityNet; Byun Seong-wan, Acting Mayor of Busan; and Choi Dae-ho, Mayor of Anyang, to take part.",
			Links:   staystrong,
			Parties: []string{"taipei", "governors-association-of-korea", "ministry-of-foreign-affairs-korea", "citynet", "busan", "anyang"},
			Source:  p,
		},
		{
			Date: day(2020, time.May, 25), Kind: directory.EntryVisit,
			Title:       "Techsummit Events online conference: Municipalities in Crisis",
			Description: "Hosted by Techsummit Events. Mayor Ko Wen-je took part.",
			Parties:     []string{"techsummit-events", "taipei"},
			Source:      p,
		},
		{
			Date: day(2020, time.May, 29), Kind: directory.EntryVisit,
			Title: "Six diplomatic missions visit Mayor Ko",
			Description: "Representatives of six diplomatic missions in Taiwan — the New Zealand Commerce and " +
				"Industry Office, the American Institute in Taiwan, the British Office Taipei, the Australian " +
				"Office Taipei, the Canadian Trade Office in Taipei and the Singapore Trade Office in Taipei — " +
				"visited Mayor Ko Wen-je to exchange experience in pandemic prevention and lockdown drills.",
			Parties: []string{"taipei", "new-zealand-commerce-and-industry-office", "american-institute-in-taiwan",
				"british-office-taipei", "australian-office-taipei", "canadian-trade-office-in-taipei",
				"singapore-trade-office-in-taipei"},
			Source: cite(docPartnership, docSDG17),
		},
		{
			Date: day(2021, time.October, 12), Kind: directory.EntryVisit,
			Title: "2021 Crisis Management Conference, hosted online by Taipei",
			Description: "Held online from 12 to 14 October 2021, the third Crisis Management Conference Taipei has " +
				"hosted and the first held by video. Theme: Critical Functions of Emergency Response and Management, " +
				"with the sub-themes Climate Changes and Its Impacts on Local Governments and Organizations; COVID-19 " +
				"Response and the New Normal; and Strengthening the Disaster Resilience of Cities and Communities. " +
				"Mayor Ko Wen-je addressed the member cities by video; Deputy Mayor Huang Shan-shan, Director of the " +
				"Disaster Management Office, welcomed the participants and, as Deputy Commander of the Taipei City " +
				"Epidemic Command Center, shared her experience of COVID-19 Response and the New Normal. " +
				"Member cities from Tokyo, Seoul, Delhi, Singapore, Ulaanbaatar, Kuala Lumpur, Brussels and New " +
				"Taipei City took part.",
			Parties: []string{"crisis-management-network", "taipei", "tokyo", "seoul", "delhi", "singapore",
				"ulaanbaatar", "kuala-lumpur", "brussels", "new-taipei"},
			Source: cite(docCrisis),
		},
	}
}
