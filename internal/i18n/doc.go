// Package i18n is citypact's vocabulary: the four languages the interface
// speaks (English, Korean, Traditional Chinese as used in Taiwan, and
// Japanese), the choice of one from a URL, cookie or Accept-Language header,
// and the translated messages, plurals, numbers and dates a page shows.
//
// Every request renders through a [Translator], so lookups are one map read:
// catalogues are embedded JSON files (locales/<lang>/<area>.json) parsed once, lazily, on
// first use. A message is plain text, never HTML; templates escape it.
//
// # Adding a message
//
//  1. Add the key and its English text to the area's file in locales/en/
//     (a new area may start its own file). Keys are dotted,
//     lower case, grouped by page or feature: "pledge.form.title".
//     Placeholders are {name}, filled by T(key, "name", value).
//     For a count, add two keys, "x.one" and "x.other", both with {n}, and
//     call N("x", n); Korean, Chinese and Japanese have no singular form, so
//     their ".one" text is normally the same as their ".other".
//  2. Add the same key to the same file in ko/, zh-TW/ and ja/ with the same
//     placeholders. Until then the English text is shown in those languages
//     and TestCataloguesComplete fails, naming every missing key.
//  3. Run go test ./internal/i18n/.
//
// This package must never import net/http or database/sql: it is pure
// vocabulary, usable from domain packages, the CLI, mail and templates alike.
// Choosing a language for a request (query, cookie, header) belongs to the
// HTTP layer, which calls [Parse] and [Match].
package i18n
