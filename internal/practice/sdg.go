package practice

import (
	"slices"
	"strconv"
	"strings"

	"github.com/citypact/citypact"
)

// Goal is one of the 17 UN Sustainable Development Goals, with its short name per UI language.
// The English names are the UN's; the Japanese are UNIC Tokyo's icon names, the Korean and
// Traditional Chinese the forms in common use in Korea and Taiwan.
type Goal struct {
	Number int
	Names  map[string]string // UI language → short name
}

// NameIn returns the goal's name in lang, else in English.
func (g Goal) NameIn(lang string) string {
	if n := g.Names[lang]; n != "" {
		return n
	}
	return g.Names["en"]
}

// Target is one of the 169 targets of the 2030 Agenda (A/RES/70/1), coded as the UN codes them:
// "3.3", "3.d", "17.16". Title is a short English description, empty for targets not yet given
// one (the code is what is stored and validated).
type Target struct {
	Code  string
	Goal  int
	Title string
}

// goalTargets gives, per goal, the number of numbered targets and the lettered ones.
var goalTargets = [17]struct {
	numbered int
	lettered string
}{
	{5, "ab"}, {5, "abc"}, {9, "abcd"}, {7, "abc"}, {6, "abc"}, {6, "ab"}, {3, "ab"}, {10, "ab"}, {5, "abc"},
	{7, "abc"}, {7, "abc"}, {8, "abc"}, {3, "ab"}, {7, "abc"}, {9, "abc"}, {10, "ab"}, {19, ""},
}

var targetTitles = map[string]string{
	"3.1":   "Reduce maternal mortality",
	"3.2":   "End preventable deaths of newborns and children under 5",
	"3.3":   "End the epidemics of AIDS, tuberculosis, malaria and neglected tropical diseases; combat hepatitis, water-borne and other communicable diseases",
	"3.4":   "Reduce premature mortality from non-communicable diseases; promote mental health and well-being",
	"3.5":   "Prevention and treatment of substance abuse",
	"3.6":   "Halve deaths and injuries from road traffic accidents",
	"3.7":   "Universal access to sexual and reproductive health-care services",
	"3.8":   "Universal health coverage and access to essential health-care services, medicines and vaccines",
	"3.9":   "Reduce deaths and illnesses from hazardous chemicals and pollution",
	"3.a":   "Tobacco control",
	"3.b":   "Research and development of vaccines and medicines; access to affordable essential medicines and vaccines",
	"3.c":   "Health financing and the health workforce in developing countries",
	"3.d":   "Early warning, risk reduction and management of national and global health risks",
	"17.1":  "Strengthen domestic resource mobilization",
	"17.2":  "Official development assistance commitments",
	"17.3":  "Mobilize additional financial resources for developing countries",
	"17.4":  "Long-term debt sustainability of developing countries",
	"17.5":  "Investment promotion regimes for least developed countries",
	"17.6":  "North-South, South-South and triangular cooperation on science, technology and innovation; knowledge sharing",
	"17.7":  "Environmentally sound technologies for developing countries",
	"17.8":  "Technology bank and science, technology and innovation capacity-building for least developed countries",
	"17.9":  "International support for capacity-building in developing countries",
	"17.10": "A universal, rules-based, open, non-discriminatory and equitable multilateral trading system",
	"17.11": "Increase the exports of developing countries",
	"17.12": "Duty-free and quota-free market access for least developed countries",
	"17.13": "Global macroeconomic stability",
	"17.14": "Policy coherence for sustainable development",
	"17.15": "Respect each country's policy space and leadership",
	"17.16": "Global Partnership for Sustainable Development, with multi-stakeholder partnerships sharing knowledge, expertise, technology and financial resources",
	"17.17": "Effective public, public-private and civil society partnerships",
	"17.18": "Capacity-building for high-quality, timely and reliable data",
	"17.19": "Measurements of progress that complement gross domestic product; statistical capacity-building",
}

var goals = []Goal{
	{1, map[string]string{"en": "No poverty", "ko": "빈곤 퇴치", "zh-TW": "消除貧窮", "ja": "貧困をなくそう"}},
	{2, map[string]string{"en": "Zero hunger", "ko": "기아 종식", "zh-TW": "終結飢餓", "ja": "飢餓をゼロに"}},
	{3, map[string]string{"en": "Good health and well-being", "ko": "건강과 웰빙", "zh-TW": "健康與福祉", "ja": "すべての人に健康と福祉を"}},
	{4, map[string]string{"en": "Quality education", "ko": "양질의 교육", "zh-TW": "優質教育", "ja": "質の高い教育をみんなに"}},
	{5, map[string]string{"en": "Gender equality", "ko": "성평등", "zh-TW": "性別平權", "ja": "ジェンダー平等を実現しよう"}},
	{6, map[string]string{"en": "Clean water and sanitation", "ko": "깨끗한 물과 위생", "zh-TW": "淨水及衛生", "ja": "安全な水とトイレを世界中に"}},
	{7, map[string]string{"en": "Affordable and clean energy", "ko": "모두를 위한 깨끗한 에너지", "zh-TW": "可負擔的潔淨能源", "ja": "エネルギーをみんなに そしてクリーンに"}},
	{8, map[string]string{"en": "Decent work and economic growth", "ko": "양질의 일자리와 경제성장", "zh-TW": "就業與經濟成長", "ja": "働きがいも経済成長も"}},
	{9, map[string]string{"en": "Industry, innovation and infrastructure", "ko": "산업, 혁신과 사회기반시설", "zh-TW": "工業化、創新及基礎建設", "ja": "産業と技術革新の基盤をつくろう"}},
	{10, map[string]string{"en": "Reduced inequalities", "ko": "불평등 감소", "zh-TW": "減少不平等", "ja": "人や国の不平等をなくそう"}},
	{11, map[string]string{"en": "Sustainable cities and communities", "ko": "지속가능한 도시와 공동체", "zh-TW": "永續城鄉", "ja": "住み続けられるまちづくりを"}},
	{12, map[string]string{"en": "Responsible consumption and production", "ko": "지속가능한 소비와 생산", "zh-TW": "責任消費及生產", "ja": "つくる責任 つかう責任"}},
	{13, map[string]string{"en": "Climate action", "ko": "기후변화 대응", "zh-TW": "氣候行動", "ja": "気候変動に具体的な対策を"}},
	{14, map[string]string{"en": "Life below water", "ko": "해양생태계 보전", "zh-TW": "保育海洋生態", "ja": "海の豊かさを守ろう"}},
	{15, map[string]string{"en": "Life on land", "ko": "육상생태계 보전", "zh-TW": "保育陸域生態", "ja": "陸の豊かさも守ろう"}},
	{16, map[string]string{"en": "Peace, justice and strong institutions", "ko": "평화, 정의와 제도", "zh-TW": "和平、正義及健全制度", "ja": "平和と公正をすべての人に"}},
	{17, map[string]string{"en": "Partnerships for the goals", "ko": "지구촌 협력", "zh-TW": "多元夥伴關係", "ja": "パートナーシップで目標を達成しよう"}},
}

// targets is every target in canonical order: by goal, numbered before lettered.
var targets = func() []Target {
	var ts []Target
	for i, g := range goalTargets {
		goal := i + 1
		add := func(code string) {
			ts = append(ts, Target{Code: code, Goal: goal, Title: targetTitles[code]})
		}
		for n := 1; n <= g.numbered; n++ {
			add(strconv.Itoa(goal) + "." + strconv.Itoa(n))
		}
		for _, l := range g.lettered {
			add(strconv.Itoa(goal) + "." + string(l))
		}
	}
	return ts
}()

var targetIndex = func() map[string]int {
	m := make(map[string]int, len(targets))
	for i, t := range targets {
		m[t.Code] = i
	}
	return m
}()

// Goals returns the 17 goals in order.
func Goals() []Goal { return slices.Clone(goals) }

// Targets returns the 169 targets in canonical order.
func Targets() []Target { return slices.Clone(targets) }

// TargetByCode returns the target coded code ("17.16").
func TargetByCode(code string) (Target, bool) {
	i, ok := targetIndex[code]
	if !ok {
		return Target{}, false
	}
	return targets[i], true
}

// ValidTarget reports whether code is one of the 169 target codes, exactly as the UN writes it.
func ValidTarget(code string) bool {
	_, ok := targetIndex[code]
	return ok
}

// normalizeSDG trims codes, lower-cases the letter of lettered targets ("3.D" → "3.d"), drops
// duplicates and empty codes, and sorts known codes in canonical order (unknown ones last, in
// their order, for Validate to report).
func normalizeSDG(codes []string) []string {
	var out []string
	for _, c := range codes {
		c = strings.ToLower(strings.TrimSpace(c))
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int {
		ia, oka := targetIndex[a]
		ib, okb := targetIndex[b]
		switch {
		case oka && okb:
			return ia - ib
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return out
}

func checkSDG(codes []string) []citypact.FieldError {
	if len(codes) > MaxSDGTargets {
		return []citypact.FieldError{fe("sdg_targets", "practice.sdg_too_many", "max", strconv.Itoa(MaxSDGTargets))}
	}
	for _, c := range codes {
		if !ValidTarget(c) {
			return []citypact.FieldError{fe("sdg_targets", "practice.sdg_invalid", "code", truncate(c, 10))}
		}
	}
	return nil
}
