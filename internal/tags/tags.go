// Package tags is the one spelling of a tag that the library's practices and the boards' threads
// share, so that "Masks", "masks " and "ｍａｓｋｓ" are one tag wherever they are written, filtered
// or followed. What a tag may contain is each domain's to check.
package tags

import (
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Fold applies NFKC (full-width letters become ASCII), collapses white space and lower-cases.
func Fold(t string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFKC.String(t)), " "))
}

// Normalize folds each tag and removes empty ones and duplicates, keeping the first one's place.
func Normalize(list []string) []string {
	var out []string
	for _, t := range list {
		if t = Fold(t); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
