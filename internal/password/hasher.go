package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Params are argon2id's cost parameters and output sizes.
type Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
	SaltLength  uint32 // bytes
	KeyLength   uint32 // bytes
}

// DefaultParams are OWASP's recommended minimum for argon2id (Password
// Storage Cheat Sheet: m=19 MiB, t=2, p=1). Raising them later is safe:
// Verify keeps accepting the old parameters and reports needsRehash.
var DefaultParams = Params{
	Memory:      19456,
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// Bounds on parameters, both for NewHasher and for hashes read back from
// storage. The upper bounds stop a corrupted or tampered row from making one
// Verify allocate gigabytes or spin for minutes; the lower bounds are
// argon2's own minimums (it panics below them) and RFC 9106's salt advice.
const (
	maxMemory      = 256 * 1024 // KiB
	maxIterations  = 16
	maxParallelism = 16
	minSaltLength  = 8
	maxSaltLength  = 64
	minKeyLength   = 16
	maxKeyLength   = 64
)

// ErrMalformedHash is returned by Verify when the stored string is not a
// well-formed argon2id PHC string within the accepted parameter bounds.
var ErrMalformedHash = errors.New("password: malformed argon2id hash")

func (p Params) validate() error {
	switch {
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return fmt.Errorf("iterations %d outside 1..%d", p.Iterations, maxIterations)
	case p.Parallelism < 1 || p.Parallelism > maxParallelism:
		return fmt.Errorf("parallelism %d outside 1..%d", p.Parallelism, maxParallelism)
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > maxMemory:
		return fmt.Errorf("memory %d KiB outside %d..%d", p.Memory, 8*uint32(p.Parallelism), maxMemory)
	case p.SaltLength < minSaltLength || p.SaltLength > maxSaltLength:
		return fmt.Errorf("salt length %d outside %d..%d", p.SaltLength, minSaltLength, maxSaltLength)
	case p.KeyLength < minKeyLength || p.KeyLength > maxKeyLength:
		return fmt.Errorf("key length %d outside %d..%d", p.KeyLength, minKeyLength, maxKeyLength)
	}
	return nil
}

// Hasher hashes and verifies passwords. It is safe for concurrent use.
//
// Each argon2id computation holds Params.Memory (19 MiB by default) and a CPU
// for tens of milliseconds. Without a bound, 20 simultaneous sign-ins would
// take 380 MiB and every core at once, and a burst of them could exhaust
// memory or starve all other requests. The Hasher therefore runs at most
// maxConcurrent computations at a time; the rest wait for a slot, and give up
// when their context is done.
type Hasher struct {
	params Params
	sem    chan struct{}

	// testHookInSlot, when set by tests, runs while a slot is held. It lets
	// tests observe how many computations are in flight without timing.
	testHookInSlot func()
}

// NewHasher returns a Hasher that hashes with p and runs at most
// maxConcurrent argon2id computations at once; pass runtime.NumCPU().
// It panics if p is outside the accepted bounds or maxConcurrent < 1,
// since both are programming errors fixed at start-up.
func NewHasher(p Params, maxConcurrent int) *Hasher {
	if err := p.validate(); err != nil {
		panic("password.NewHasher: " + err.Error())
	}
	if maxConcurrent < 1 {
		panic("password.NewHasher: maxConcurrent must be at least 1")
	}
	return &Hasher{params: p, sem: make(chan struct{}, maxConcurrent)}
}

// Hash returns pw hashed with a fresh random salt, as a PHC string:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// with salt and hash in unpadded standard base64. Hash does not apply the
// policy; call Check first when the user is choosing a password.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, h.params.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := h.derive(ctx, pw, salt, h.params)
	if err != nil {
		return "", err
	}
	return encode(h.params, salt, key), nil
}

// Verify reports whether pw matches encoded, a string made by Hash.
// needsRehash is true when encoded was made with parameters other than the
// Hasher's, so the caller should store a fresh Hash(pw) now that it knows
// the password; it is only meaningful when ok is true.
//
// err is non-nil when encoded is malformed (ErrMalformedHash) or ctx ended
// while waiting for a slot (ctx.Err()); ok is then false. A wrong password is
// not an error.
func (h *Hasher) Verify(ctx context.Context, pw, encoded string) (ok, needsRehash bool, err error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	got, err := h.derive(ctx, pw, salt, p)
	if err != nil {
		return false, false, err
	}
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p != h.params, nil
}

// dummySalt is fixed because DummyVerify's output is thrown away; only its
// cost matters.
var dummySalt = make([]byte, maxSaltLength)

// DummyVerify costs what a Verify of a wrong password costs, and waits for a
// slot like one. Call it when sign-in finds no user, a user without a
// password, or a stored hash Verify refuses as malformed, so that the
// response time does not reveal which e-mail addresses have accounts
// (ASVS 2.2.1, user enumeration by timing). It returns early only if ctx
// ends, when the request is being abandoned anyway.
func (h *Hasher) DummyVerify(ctx context.Context) {
	_, _ = h.derive(ctx, "citypact dummy password", dummySalt[:h.params.SaltLength], h.params)
}

// derive runs argon2id once a slot is free. A computation that has started is
// not interrupted by ctx; it lasts only tens of milliseconds.
func (h *Hasher) derive(ctx context.Context, pw string, salt []byte, p Params) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.sem }()
	if h.testHookInSlot != nil {
		h.testHookInSlot()
	}
	// NFKC first (NIST SP 800-63B 5.1.1.2): the same Korean or accented password typed on two
	// keyboards may arrive composed or decomposed, and must hash the same.
	return argon2.IDKey([]byte(norm.NFKC.String(pw)), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength), nil
}

var b64 = base64.RawStdEncoding.Strict()

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses a string made by encode. It accepts only the canonical form
// encode writes (no leading zeros, no extra fields, no line breaks inside the
// base64), so that one password has exactly one stored representation and a
// hand-edited row fails loudly instead of half-parsing.
func decode(s string) (p Params, salt, key []byte, err error) {
	fields := strings.Split(s, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(fields) != 6 || fields[0] != "" || fields[1] != "argon2id" {
		return Params{}, nil, nil, ErrMalformedHash
	}
	if fields[2] != "v="+strconv.Itoa(argon2.Version) {
		return Params{}, nil, nil, ErrMalformedHash
	}
	costs := strings.Split(fields[3], ",")
	if len(costs) != 3 {
		return Params{}, nil, nil, ErrMalformedHash
	}
	// Upper bounds are checked before any narrowing conversion; validate
	// below then applies the full rules.
	m, ok1 := parseField(costs[0], "m=", maxMemory)
	t, ok2 := parseField(costs[1], "t=", maxIterations)
	par, ok3 := parseField(costs[2], "p=", maxParallelism)
	if !ok1 || !ok2 || !ok3 {
		return Params{}, nil, nil, ErrMalformedHash
	}
	salt, err1 := b64.DecodeString(fields[4])
	key, err2 := b64.DecodeString(fields[5])
	if err1 != nil || err2 != nil {
		return Params{}, nil, nil, ErrMalformedHash
	}
	// par was bounded by parseField already; the check is repeated here, next
	// to the conversions, where gosec's range analysis (G115) can see it.
	saltLen, keyLen := len(salt), len(key)
	if saltLen > maxSaltLength || keyLen > maxKeyLength || par > maxParallelism {
		return Params{}, nil, nil, ErrMalformedHash
	}
	p = Params{
		Memory:      m,
		Iterations:  t,
		Parallelism: uint8(par),
		SaltLength:  uint32(saltLen),
		KeyLength:   uint32(keyLen),
	}
	if p.validate() != nil || encode(p, salt, key) != s {
		return Params{}, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}

// parseField parses prefix followed by a decimal number no greater than max.
func parseField(s, prefix string, max uint32) (uint32, bool) {
	digits, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil || n > uint64(max) {
		return 0, false
	}
	return uint32(n), true
}
