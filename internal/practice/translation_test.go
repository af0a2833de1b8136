package practice

import (
	"slices"
	"strings"
	"testing"

	"github.com/citypact/citypact"
)

func goodTranslation() Translation {
	return Translation{PracticeID: 1, Lang: "en", Title: "Drive-through screening", Body: "Steps", Version: 1, TranslatorID: 3}
}

func TestValidateTranslation(t *testing.T) {
	p := goodPractice() // Korean original, version 1
	p.Version = 2
	tr := goodTranslation()
	if err := tr.Validate(p); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		change func(t *Translation)
		want   string
	}{
		{"empty title", func(t *Translation) { t.Title = " " }, "title:field.required"},
		{"empty body", func(t *Translation) { t.Body = "" }, "body:field.required"},
		{"body too large", func(t *Translation) { t.Body = strings.Repeat("b", MaxBodyBytes+1) }, "body:practice.body_too_large"},
		{"no language", func(t *Translation) { t.Lang = "" }, "lang:practice.lang_invalid"},
		{"malformed language", func(t *Translation) { t.Lang = "english" }, "lang:practice.lang_invalid"},
		{"script in language", func(t *Translation) { t.Lang = "<script>" }, "lang:practice.lang_invalid"},
		{"the original's language", func(t *Translation) { t.Lang = "ko" }, "lang:practice.translation_same_lang"},
		{"the original's language with a region", func(t *Translation) { t.Lang = "ko-KR" }, "lang:practice.translation_same_lang"},
		{"version 0", func(t *Translation) { t.Version = 0 }, "version:practice.translation_version_invalid"},
		{"a version not yet published", func(t *Translation) { t.Version = 3 }, "version:practice.translation_version_invalid"},
		{"another practice", func(t *Translation) { t.PracticeID = 2 }, "practice:field.invalid"},
	} {
		tr := goodTranslation()
		tt.change(&tr)
		if got := keys(tr.Validate(p)); !slices.Contains(got, tt.want) {
			t.Errorf("%s: got %v, want %s", tt.name, got, tt.want)
		}
	}
	// Traditional and Simplified Chinese are different texts.
	p.Lang = "zh-TW"
	tr = goodTranslation()
	tr.Lang = "zh-cn"
	if err := tr.Validate(p); err != nil || tr.Lang != "zh-CN" {
		t.Errorf("zh-CN translation of a zh-TW original: %v (%s)", err, tr.Lang)
	}
	// Beyond the four UI languages.
	tr.Lang = "vi"
	if err := tr.Validate(p); err != nil {
		t.Errorf("Vietnamese: %v", err)
	}
}

func TestOutdated(t *testing.T) {
	tr := Translation{Version: 2}
	if tr.Outdated(2) || !tr.Outdated(3) {
		t.Error("Outdated")
	}
}

func TestCanTranslate(t *testing.T) {
	p := goodPractice() // network:100, published
	netMember := citypact.Actor{UserID: 4, Role: citypact.RoleMember, OrgID: inNetwork}
	netRel := Relations{OrgID: inNetwork, Networks: []int64{network}}
	stranger := citypact.Actor{UserID: 6, Role: citypact.RoleMember, OrgID: unrelated}
	ownerEditor := citypact.Actor{UserID: 2, Role: citypact.RoleEditor, OrgID: owner}
	for _, tt := range []struct {
		name     string
		a        citypact.Actor
		rel      Relations
		p        func(p *Practice)
		existing Translation
		want     citypact.Kind // KindInternal for nil
	}{
		{"visitor", citypact.Visitor, Relations{}, nil, Translation{}, citypact.KindUnauthenticated},
		// The user cannot see the practice: it does not exist for them.
		{"stranger", stranger, Relations{OrgID: unrelated}, nil, Translation{}, citypact.KindNotFound},
		{"network member, new", netMember, netRel, nil, Translation{}, citypact.KindInternal},
		{"network member, own translation", netMember, netRel, nil, Translation{TranslatorID: 4}, citypact.KindInternal},
		{"network member, another's translation", netMember, netRel, nil, Translation{TranslatorID: 99}, citypact.KindForbidden},
		{"owner's editor, another's translation", ownerEditor, Relations{}, nil, Translation{TranslatorID: 99}, citypact.KindInternal},
		{"read-only token", citypact.Actor{UserID: 4, Role: citypact.RoleMember, OrgID: inNetwork, Scope: citypact.ScopeRead}, netRel, nil, Translation{}, citypact.KindForbidden},
		{"draft", ownerEditor, Relations{}, func(p *Practice) { p.Status, p.Version = Draft, 0 }, Translation{}, citypact.KindConflict},
		{"draft, seen by nobody else", netMember, netRel, func(p *Practice) { p.Status, p.Version = Draft, 0 }, Translation{}, citypact.KindNotFound},
	} {
		p := p
		if tt.p != nil {
			tt.p(&p)
		}
		err := CanTranslate(tt.a, p, tt.rel, tt.existing)
		if tt.want == citypact.KindInternal {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
		} else if err == nil || citypact.KindOf(err) != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := CanDeleteTranslation(netMember, p, netRel, Translation{TranslatorID: 4}); err != nil {
		t.Errorf("translator deletes own: %v", err)
	}
	if err := CanDeleteTranslation(netMember, p, netRel, Translation{TranslatorID: 5}); citypact.KindOf(err) != citypact.KindForbidden {
		t.Errorf("deletes another's: %v", err)
	}
}

func TestLocalize(t *testing.T) {
	p := Practice{ID: 1, Title: "드라이브 스루 선별진료소", Lang: "ko", Version: 3}
	ts := []Translation{
		{PracticeID: 1, Lang: "en", Title: "Drive-through screening", Version: 3},
		{PracticeID: 1, Lang: "zh-Hant-HK", Title: "得來速篩檢站", Version: 2},
		{PracticeID: 2, Lang: "ja", Title: "another practice's"},
	}
	for _, tt := range []struct {
		lang      string
		wantTitle string
		wantLang  string
		original  bool
		outdated  bool
		missing   bool
	}{
		{"ko", p.Title, "ko", true, false, false},
		{"ko-KR", p.Title, "ko", true, false, false},
		{"en", "Drive-through screening", "en", false, false, false},
		{"en-GB", "Drive-through screening", "en", false, false, false},
		{"zh-TW", "得來速篩檢站", "zh-Hant-HK", false, true, false}, // same language and script
		{"zh-CN", p.Title, "ko", true, false, true},           // Simplified is not Traditional
		{"ja", p.Title, "ko", true, false, true},              // no Japanese translation of this one
	} {
		got := Localize(p, ts, tt.lang)
		if got.Title != tt.wantTitle || got.Lang != tt.wantLang || got.Original != tt.original || got.Outdated != tt.outdated || got.Missing != tt.missing {
			t.Errorf("Localize(%s) = %+v", tt.lang, got)
		}
		if !got.Original && (got.Translation == nil || got.Translation.Title != got.Title) {
			t.Errorf("Localize(%s): translation not given", tt.lang)
		}
	}
}
