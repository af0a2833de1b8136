package practice

import (
	"strconv"
	"strings"
	"time"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/i18n"
)

// Translation is a practice's text in another language: in one of the UI languages (en, ko,
// zh-TW, ja) or any other. A practice has at most one translation per language. It records the
// version it translates; when a newer version is published, the translation is outdated until
// its translator (or the owner's editor) updates it to the new version. Outdated is derived from
// the two numbers, so there is no flag to keep in step: publishing "marks" every translation of
// the practice outdated in the same transaction simply by raising Practice.Version.
type Translation struct {
	PracticeID   int64
	Lang         string // canonical BCP 47 tag, not the original's language
	Title        string
	Summary      string
	Body         string // Markdown, rendered like the original's
	Version      int    // the version of the original it translates
	TranslatorID int64  // the user who wrote (or last updated) it
	At           time.Time
}

// Outdated reports whether the original has a newer version than the one translated.
func (t Translation) Outdated(current int) bool { return t.Version < current }

// Validate checks a translation of p: a well-formed language tag other than the original's
// language (in the same script), a version p has published, and the same limits as the
// original's text.
func (t *Translation) Validate(p Practice) error {
	t.Lang = i18n.CanonicalTag(t.Lang)
	t.Title = cleanLine(t.Title)
	t.Summary = strings.TrimSpace(t.Summary)
	t.Body = strings.TrimRight(t.Body, " \t\r\n")
	var errs []citypact.FieldError
	switch {
	case t.PracticeID != p.ID:
		errs = append(errs, fe("practice", "field.invalid"))
	case !i18n.ValidTag(t.Lang):
		errs = append(errs, fe("lang", "practice.lang_invalid"))
	case i18n.SameLanguage(t.Lang, p.Lang):
		errs = append(errs, fe("lang", "practice.translation_same_lang"))
	}
	if t.Version < 1 || t.Version > p.Version {
		errs = append(errs, fe("version", "practice.translation_version_invalid", "max", strconv.Itoa(p.Version)))
	}
	errs = append(errs, checkText("title", t.Title, MaxTitleLen, true)...)
	errs = append(errs, checkText("summary", t.Summary, MaxSummaryLen, false)...)
	errs = append(errs, checkBody("body", t.Body, true)...)
	if len(errs) > 0 {
		return citypact.Invalid(errs...)
	}
	return nil
}

// CanTranslate decides whether a may save a translation of p, replacing existing (the stored
// translation in the same language; zero when there is none). Any signed-in user who can see a
// published practice may translate it: partners translating for their own readers is the point.
// A practice the actor cannot see does not exist for them (KindNotFound). A translation someone
// else wrote is replaced only by its translator, the owner's editors or an admin; a draft has no
// version to translate.
func CanTranslate(a citypact.Actor, p Practice, rel Relations, existing Translation) error {
	if !a.SignedIn() {
		return citypact.ErrUnauthenticated
	}
	if !CanSeePractice(a, p, rel) {
		return citypact.NotFound("practice")
	}
	if a.Scope == citypact.ScopeRead {
		return citypact.Forbidden("read-only token")
	}
	if p.Status != Published || p.Version < 1 {
		return citypact.Conflict("practice.not_published")
	}
	if existing.TranslatorID != 0 && existing.TranslatorID != a.UserID {
		return CanEdit(a, p.OwnerID)
	}
	return nil
}

// CanDeleteTranslation: the translator, the owner's editors and admins.
func CanDeleteTranslation(a citypact.Actor, p Practice, rel Relations, t Translation) error {
	if !CanSeePractice(a, p, rel) {
		return citypact.NotFound("practice")
	}
	if a.SignedIn() && a.Scope != citypact.ScopeRead && t.TranslatorID == a.UserID {
		return nil
	}
	return CanEdit(a, p.OwnerID)
}

// Localized is the text a reader gets: their language's translation when there is one, else the
// original. Pages show a link to the original beside a translation (and say when it is
// outdated), and a note beside the original when the reader asked for another language.
type Localized struct {
	Title, Summary, Body string
	Lang                 string       // the language of the text shown
	Original             bool         // the original is shown
	Translation          *Translation // the translation shown, nil for the original
	Outdated             bool         // the translation shown is of an older version
	// Missing: the reader's language differs from the original's and has no translation.
	Missing bool
}

// Localize picks what a reader of lang sees of p, given p's translations: the original when lang
// is its language; else a translation in exactly lang, else one in the same language and script
// ("zh-Hant-HK" for a "zh-TW" reader); else the original, with Missing set.
func Localize(p Practice, ts []Translation, lang string) Localized {
	orig := Localized{Title: p.Title, Summary: p.Summary, Body: p.Body, Lang: p.Lang, Original: true}
	lang = i18n.CanonicalTag(lang)
	if lang == "" || i18n.SameLanguage(lang, p.Lang) {
		return orig
	}
	pick := -1
	for i, t := range ts {
		if t.PracticeID != p.ID {
			continue
		}
		if t.Lang == lang {
			pick = i
			break
		}
		if pick < 0 && i18n.SameLanguage(t.Lang, lang) {
			pick = i
		}
	}
	if pick < 0 {
		orig.Missing = true
		return orig
	}
	t := ts[pick]
	return Localized{Title: t.Title, Summary: t.Summary, Body: t.Body, Lang: t.Lang, Translation: &t, Outdated: t.Outdated(p.Version)}
}

// truncate cuts s to at most n characters, for echoing input in messages.
func truncate(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
