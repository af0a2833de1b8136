package practice

import (
	"strconv"
	"strings"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
)

// Category is one entry of the practice taxonomy. The taxonomy is data in the database (admins
// may add, rename and reorder entries), seeded by a migration from DefaultCategories. Keys never
// change once used: practices refer to them.
type Category struct {
	Key      string
	Names    map[string]string // UI language → name; "en" required
	Position int               // display order, ascending
}

// NameIn returns the category's name in lang, else English, else its key.
func (c Category) NameIn(lang string) string {
	if n := c.Names[lang]; n != "" {
		return n
	}
	if n := c.Names["en"]; n != "" {
		return n
	}
	return c.Key
}

// MaxCategoryNameLen limits a category name in any language.
const MaxCategoryNameLen = 100

// Validate checks a category before the store keeps it.
func (c *Category) Validate() error {
	c.Key = strings.TrimSpace(c.Key)
	var errs []citypact.FieldError
	if len(c.Key) > MaxSlugLen || !slugRE.MatchString(c.Key) {
		errs = append(errs, fe("key", "practice.category_key_invalid"))
	}
	if strings.TrimSpace(c.Names["en"]) == "" {
		errs = append(errs, fe("names", "field.required"))
	}
	for lang, n := range c.Names {
		c.Names[lang] = cleanLine(n)
		if !i18n.ValidTag(lang) {
			errs = append(errs, fe("names", "practice.lang_invalid"))
			break
		}
		if e := checkText("names", c.Names[lang], MaxCategoryNameLen, false); e != nil {
			errs = append(errs, e...)
			break
		}
	}
	if c.Position < 0 || c.Position > 10000 {
		errs = append(errs, fe("position", "field.range", "min", "0", "max", strconv.Itoa(10000)))
	}
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

// CategoryKeys lists the keys of cs, for Choices.
func CategoryKeys(cs []Category) []string {
	keys := make([]string, len(cs))
	for i, c := range cs {
		keys[i] = c.Key
	}
	return keys
}

// CanManageCategories: the taxonomy is the secretariat's.
func CanManageCategories(a citypact.Actor) error {
	if a.IsAdmin() && a.Scope != citypact.ScopeRead {
		return nil
	}
	if !a.SignedIn() {
		return citypact.ErrUnauthenticated
	}
	return citypact.Forbidden("only admins manage the taxonomy")
}

// DefaultCategories returns the taxonomy the hub starts with, for the seeding migration.
func DefaultCategories() []Category {
	cs := []Category{
		{Key: "screening-testing", Names: map[string]string{"en": "Screening and testing", "ko": "선별 및 검사", "zh-TW": "篩檢與檢驗", "ja": "スクリーニングと検査"}},
		{Key: "medical-services", Names: map[string]string{"en": "Medical services", "ko": "의료 서비스", "zh-TW": "醫療服務", "ja": "医療サービス"}},
		{Key: "disinfection", Names: map[string]string{"en": "Disinfection", "ko": "소독", "zh-TW": "消毒", "ja": "消毒"}},
		{Key: "economic-support", Names: map[string]string{"en": "Economic support", "ko": "경제 지원", "zh-TW": "經濟支援", "ja": "経済支援"}},
		{Key: "campaigns-communication", Names: map[string]string{"en": "Campaigns and communication", "ko": "캠페인 및 소통", "zh-TW": "宣導與溝通", "ja": "キャンペーンと広報"}},
		{Key: "border-quarantine", Names: map[string]string{"en": "Border and quarantine", "ko": "국경 및 격리", "zh-TW": "邊境與檢疫", "ja": "水際対策と検疫"}},
		{Key: "contact-tracing", Names: map[string]string{"en": "Contact tracing", "ko": "접촉자 추적", "zh-TW": "接觸者追蹤", "ja": "接触者追跡"}},
		{Key: "vaccination", Names: map[string]string{"en": "Vaccination", "ko": "예방접종", "zh-TW": "疫苗接種", "ja": "ワクチン接種"}},
		{Key: "technology", Names: map[string]string{"en": "Technology", "ko": "기술", "zh-TW": "科技", "ja": "テクノロジー"}},
		{Key: "education", Names: map[string]string{"en": "Education", "ko": "교육", "zh-TW": "教育", "ja": "教育"}},
		{Key: "vulnerable-groups", Names: map[string]string{"en": "Vulnerable groups", "ko": "취약계층", "zh-TW": "弱勢族群", "ja": "社会的弱者"}},
		{Key: "governance-coordination", Names: map[string]string{"en": "Governance and coordination", "ko": "거버넌스 및 조정", "zh-TW": "治理與協調", "ja": "ガバナンスと調整"}},
	}
	for i := range cs {
		cs[i].Position = (i + 1) * 10
	}
	return cs
}
