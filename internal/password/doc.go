// Package password decides which passwords citypact accepts, hashes and
// verifies them with argon2id, and makes the random tokens that stand in for
// passwords elsewhere (session ids, API tokens, reset links).
//
// It is pure computation: it must never import net/http or database/sql.
// Callers own the transport, the storage and the error rendering; the policy
// reports i18n keys so the same rule reads the same in every language.
//
// The rules follow OWASP ASVS 4.0.3 V2 (see shared/SECURITY.md):
// 12 to 128 characters of any Unicode, no composition rules, no truncation,
// common passwords refused, argon2id at or above OWASP's minimum parameters.
package password
