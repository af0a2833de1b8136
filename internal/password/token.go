package password

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// tokenBytes is 256 bits: far beyond guessing, and enough that the stored
// hash below needs no salt or key stretching.
const tokenBytes = 32

// NewToken returns prefix followed by 32 random bytes in unpadded base64url,
// for session ids, API tokens and reset links. The prefix (for example
// "cp_api_") lets secret scanners and people recognise a leaked token; it
// adds no secrecy. Store only HashToken(plain), never plain (ASVS 3.5).
func NewToken(prefix string) (plain string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken returns the hex SHA-256 of plain, the form in which tokens are
// stored and looked up. A fast hash suffices here, unlike for passwords,
// because a 256-bit random token has no dictionary to try: a stolen database
// yields hashes that cannot be turned back into usable tokens.
func HashToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
