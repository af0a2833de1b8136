package password

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// Length limits in Unicode code points, not bytes, so that a Korean or emoji
// password is held to the same rule as an ASCII one (ASVS 2.1.1, 2.1.2).
// MaxLength exists only to bound the work an attacker can ask of the server;
// passwords are never truncated to fit.
const (
	MinLength = 12
	MaxLength = 128
)

// Policy error codes. They are i18n message keys, so handlers can put them
// straight into a form error without a translation table of their own.
const (
	CodeTooShort    = "password.too_short"
	CodeTooLong     = "password.too_long"
	CodeCommon      = "password.common"
	CodeInvalidUTF8 = "password.invalid_utf8"
)

// PolicyError says why Check refused a password. Code is one of the Code*
// constants; it never contains the password.
type PolicyError struct {
	Code string
}

func (e *PolicyError) Error() string { return "password rejected: " + e.Code }

// Check reports whether pw may be set as a new password. It returns nil or a
// *PolicyError. There are deliberately no composition rules (ASVS 2.1.9):
// length and not being a well-known password are what resist guessing.
//
// Check is for choosing a password only. Sign-in must not call it: a password
// that met an older policy has to keep working until the user changes it.
func Check(pw string) error {
	if !utf8.ValidString(pw) {
		return &PolicyError{Code: CodeInvalidUTF8}
	}
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		return &PolicyError{Code: CodeTooShort}
	case n > MaxLength:
		return &PolicyError{Code: CodeTooLong}
	}
	if commonSet()[normalizeCommon(pw)] {
		return &PolicyError{Code: CodeCommon}
	}
	return nil
}

// PROVENANCE: common-passwords.txt is Mark Burnett's list of the 10,000 most
// common passwords, one per line (CRLF), taken unchanged from the npm package
// common-password@0.1.2 (ISC licence). ASVS 2.1.7 asks for such a check.
//
// Only 21 of its entries are 12 characters or longer, so after the length
// rule it catches little; a larger breached-password list would be stronger.
//
//go:embed common-passwords.txt
var commonPasswordsTxt string

// commonSet is built on first use rather than at init so that programs that
// import this package but never set a password (most subcommands) do not pay
// for a 10,000-entry map.
var commonSet = sync.OnceValue(func() map[string]bool {
	set := make(map[string]bool, 10000)
	for line := range strings.Lines(commonPasswordsTxt) {
		if w := normalizeCommon(line); w != "" {
			set[w] = true
		}
	}
	return set
})

// normalizeCommon folds case and surrounding white space, so "Unbelievable "
// counts as the listed "unbelievable": neither change adds real strength.
func normalizeCommon(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}
