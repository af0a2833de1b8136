// Package totp implements time-based one-time passwords (RFC 6238) with the
// parameters every authenticator app understands: HMAC-SHA-1, 6 digits and
// a 30-second step. citypact uses them as the second factor for the
// secretariat's admin accounts (ASVS 4.3.1).
//
// It is written against the RFC with crypto/hmac rather than a dependency,
// because it is about forty lines. It is pure computation and must never
// import net/http or database/sql: storing the secret and the last used step
// is the caller's job.
package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1" // #nosec G505 -- RFC 6238 default that every authenticator app implements; HMAC-SHA-1 is not weakened by SHA-1 collisions
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

const (
	digits = 6
	period = 30 // seconds
	// secretBytes is RFC 4226's recommended 160 bits; minSecretBytes its
	// required minimum of 128, enforced on secrets read back from storage.
	secretBytes    = 20
	minSecretBytes = 16
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a new random 160-bit secret in upper-case base32 without
// padding, the form authenticator apps accept when typed or scanned.
func NewSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return b32.EncodeToString(b), nil
}

// Code returns the 6-digit code for secret at time t. It fails if secret is
// not base32 of at least 128 bits, or t is before 1970.
func Code(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	step, err := timeStep(t)
	if err != nil {
		return "", err
	}
	return hotp(key, step), nil
}

// Validate reports whether code is valid for secret at time t, allowing one
// step of clock drift either way, and returns the time step it matched.
//
// A code stays valid for up to 90 seconds, so Validate alone does not stop
// replay (RFC 6238 section 5.2). The caller MUST store the last accepted step
// per user and refuse any step not greater than it, in the same transaction
// that records the sign-in. When the code matches more than one step (a
// one-in-a-million chance) the earliest is returned, so that check errs
// towards refusing.
//
// code must be exactly six ASCII digits; callers that allow "123 456" should
// remove the space first. Any malformed input, including a bad secret, is
// simply not ok.
func Validate(secret, code string, t time.Time) (step int64, ok bool) {
	if len(code) != digits || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	key, err := decodeSecret(secret)
	if err != nil {
		return 0, false
	}
	now, err := timeStep(t)
	if err != nil {
		return 0, false
	}
	// All three candidates are computed and compared whatever matches, so
	// the response time does not say which step, if any, was right.
	matched := int64(-1)
	for s := now + 1; s >= now-1; s-- {
		if s < 0 {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(hotp(key, s)), []byte(code)) == 1 {
			matched = s
		}
	}
	if matched < 0 {
		return 0, false
	}
	return matched, true
}

// URI returns the otpauth:// key URI that authenticator apps read from a QR
// code (Google Authenticator's Key Uri Format). issuer and account are
// percent-encoded, with spaces as %20 rather than "+", which several apps
// show literally, and ":" encoded, since it separates the two in the label.
func URI(secret, issuer, account string) string {
	label := escape(account)
	if issuer != "" {
		label = escape(issuer) + ":" + label
	}
	q := "secret=" + escape(secret)
	if issuer != "" {
		q += "&issuer=" + escape(issuer)
	}
	return fmt.Sprintf("otpauth://totp/%s?%s&algorithm=SHA1&digits=%d&period=%d", label, q, digits, period)
}

func escape(s string) string {
	// QueryEscape leaves only unreserved characters bare and turns a literal
	// "+" into %2B, so the remaining "+" are all spaces.
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

var errSecret = errors.New("totp: secret is not base32 of at least 128 bits")

// decodeSecret accepts lower case and padding too, since secrets may have
// been typed or copied from elsewhere.
func decodeSecret(secret string) ([]byte, error) {
	s := strings.TrimRight(strings.ToUpper(secret), "=")
	key, err := b32.DecodeString(s)
	if err != nil || len(key) < minSecretBytes {
		return nil, errSecret
	}
	return key, nil
}

func timeStep(t time.Time) (int64, error) {
	u := t.Unix()
	if u < 0 {
		return 0, errors.New("totp: time before 1970")
	}
	return u / period, nil
}

// hotp is RFC 4226 section 5.3: HMAC the big-endian counter, take four bytes
// at the offset named by the last nibble, drop the sign bit, keep 6 digits.
func hotp(key []byte, counter int64) string {
	var msg [8]byte
	// #nosec G115 -- counter is never negative: timeStep refuses times
	// before 1970 and Validate skips steps below zero.
	binary.BigEndian.PutUint64(msg[:], uint64(counter))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", digits, bin%1_000_000)
}
