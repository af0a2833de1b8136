package password

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// fastParams keep tests quick; only the benchmark and the format test pay
// for DefaultParams.
var fastParams = Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func TestHashFormat(t *testing.T) {
	h := NewHasher(DefaultParams, 1)
	got, err := h.Hash(context.Background(), "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	// 16-byte salt and 32-byte key in unpadded base64: 22 and 43 characters.
	want := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !want.MatchString(got) {
		t.Errorf("Hash = %q, want match for %s", got, want)
	}
}

// TestVerifyReference checks interoperability: these strings come from the
// argon2 reference implementation's tests (phc-winner-argon2 src/test.c), so
// hashes moved in from, or out to, another argon2id implementation verify.
// The file's m=65536 vectors are left out: under -race each costs seconds.
func TestVerifyReference(t *testing.T) {
	h := NewHasher(DefaultParams, 1)
	for _, encoded := range []string{
		"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	} {
		ok, rehash, err := h.Verify(context.Background(), "password", encoded)
		if !ok || !rehash || err != nil {
			t.Errorf("Verify(password, %s) = %v, %v, %v; want true, true, nil", encoded, ok, rehash, err)
		}
		ok, _, err = h.Verify(context.Background(), "passwore", encoded)
		if ok || err != nil {
			t.Errorf("Verify(passwore, %s) = %v, %v; want false, nil", encoded, ok, err)
		}
	}
}

func TestHashVerify(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(fastParams, 2)
	for _, pw := range []string{
		"correct horse battery staple",
		"가나다라마바사아자차카타",
		strings.Repeat("🔒", 12),
		"with $ dollar, signs$",
		strings.Repeat("x", MaxLength),
	} {
		encoded, err := h.Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		ok, rehash, err := h.Verify(ctx, pw, encoded)
		if !ok || rehash || err != nil {
			t.Errorf("Verify(%q, own hash) = %v, %v, %v; want true, false, nil", pw, ok, rehash, err)
		}
		// Nothing may be truncated: dropping or adding one character fails.
		for _, wrong := range []string{pw[:len(pw)-1], pw + "x", strings.ToUpper(pw) + "!"} {
			ok, rehash, err := h.Verify(ctx, wrong, encoded)
			if ok || rehash || err != nil {
				t.Errorf("Verify(%q, hash of %q) = %v, %v, %v; want false, false, nil", wrong, pw, ok, rehash, err)
			}
		}
	}
}

func TestHashSalted(t *testing.T) {
	h := NewHasher(fastParams, 1)
	a, _ := h.Hash(context.Background(), "same password here")
	b, _ := h.Hash(context.Background(), "same password here")
	if a == b {
		t.Errorf("two hashes of one password are equal (%s): salt is not random", a)
	}
}

func TestNeedsRehash(t *testing.T) {
	ctx := context.Background()
	const pw = "correct horse battery staple"
	old := NewHasher(fastParams, 1)
	encoded, err := old.Hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	changes := map[string]func(*Params){
		"memory":      func(p *Params) { p.Memory *= 2 },
		"iterations":  func(p *Params) { p.Iterations++ },
		"parallelism": func(p *Params) { p.Parallelism++ },
		"salt length": func(p *Params) { p.SaltLength *= 2 },
		"key length":  func(p *Params) { p.KeyLength *= 2 },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			p := fastParams
			change(&p)
			h := NewHasher(p, 1)
			ok, rehash, err := h.Verify(ctx, pw, encoded)
			if !ok || !rehash || err != nil {
				t.Errorf("Verify = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
			// A wrong password must not prompt a rehash of anything.
			ok, rehash, err = h.Verify(ctx, "not the password", encoded)
			if ok || rehash || err != nil {
				t.Errorf("Verify(wrong) = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
		})
	}
}

// malformedHashes are strings Verify must refuse with ErrMalformedHash; the
// fuzz target starts from them too.
var malformedHashes = []string{
	"",
	"password",
	"$",
	"$argon2id$",
	"$argon2id$v=19$m=64,t=1,p=1$",
	"$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", // bcrypt
	"$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2d$v=19$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4$",
	"$argon2id$v=19$m=64,t=1,p=1,keyid=x$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$t=1,m=64,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=64,t=0,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",   // argon2 panics on t=0
	"$argon2id$v=19$m=64,t=1,p=0$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",   // and on p=0
	"$argon2id$v=19$m=64,t=1,p=256$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", // uint8 overflow
	"$argon2id$v=19$m=4,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",    // m < 8p
	"$argon2id$v=19$m=4294967295,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=4294967296,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=64,t=4294967295,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=064,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=+64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=-64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ=$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",  // padding
	"$argon2id$v=19$m=64,t=1,p=1$c29tZXNh\nbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", // line break
	"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR_uIPnA4rEsF5h7TKyQwu9U1bMCHGi-4",   // URL alphabet
	"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHR$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",   // non-zero trailing bits
	"$argon2id$v=19$m=64,t=1,p=1$c29tZQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",        // 4-byte salt
	"$argon2id$v=19$m=64,t=1,p=1$$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",              // no salt
	"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR",                                  // 9-byte key
	"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$",                                              // no key
	" $argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4\n",
}

func TestVerifyMalformed(t *testing.T) {
	h := NewHasher(fastParams, 1)
	for _, encoded := range malformedHashes {
		ok, rehash, err := h.Verify(context.Background(), "password", encoded)
		if ok || rehash || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("Verify(%q) = %v, %v, %v; want false, false, ErrMalformedHash", encoded, ok, rehash, err)
		}
	}
}

func FuzzVerify(f *testing.F) {
	h := NewHasher(fastParams, 1)
	good, err := h.Hash(context.Background(), "password")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")
	for _, s := range malformedHashes {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, encoded string) {
		p, salt, key, err := decode(encoded)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("decode(%q) error %v is not ErrMalformedHash", encoded, err)
			}
			ok, _, err := h.Verify(context.Background(), "password", encoded)
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("Verify(%q) = %v, %v after decode refused it", encoded, ok, err)
			}
			return
		}
		if p.validate() != nil {
			t.Fatalf("decode(%q) accepted out-of-bounds params %+v", encoded, p)
		}
		if got := encode(p, salt, key); got != encoded {
			t.Fatalf("decode(%q) accepted a non-canonical form of %q", encoded, got)
		}
		// Run argon2 itself only where that stays cheap, so the fuzzer keeps
		// its pace; the bounds above already cap the expensive cases.
		if p.Memory <= 1024 && p.Iterations <= 2 && p.Parallelism <= 2 {
			if _, _, err := h.Verify(context.Background(), "password", encoded); err != nil {
				t.Fatalf("Verify(%q) = %v after decode accepted it", encoded, err)
			}
		}
	})
}

// TestConcurrencyBound starts 20 hashes against a Hasher allowing 3 and holds
// each one inside its slot until the test releases it. If the bound leaked,
// more than 3 would pile up inside while the test waits.
func TestConcurrencyBound(t *testing.T) {
	const limit, callers = 3, 20
	h := NewHasher(fastParams, limit)
	var inFlight, peak atomic.Int32
	entered := make(chan struct{})
	release := make(chan struct{})
	h.testHookInSlot = func() {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		entered <- struct{}{}
		<-release
		inFlight.Add(-1)
	}

	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			var err error
			if i%4 == 0 {
				h.DummyVerify(context.Background()) // shares the same slots
			} else {
				_, err = h.Hash(context.Background(), "correct horse battery staple")
			}
			if err != nil {
				t.Error(err)
			}
		})
	}

	// The first `limit` callers fill every slot and stop in the hook.
	for range limit {
		<-entered
	}
	if got := len(h.sem); got != limit {
		t.Errorf("%d slots taken with %d callers inside, want %d", got, limit, limit)
	}
	// Then each release admits exactly one more.
	for range callers - limit {
		release <- struct{}{}
		<-entered
	}
	for range limit {
		release <- struct{}{}
	}
	wg.Wait()

	if got := peak.Load(); got != limit {
		t.Errorf("peak in flight = %d, want %d", got, limit)
	}
}

func TestWaitRespectsContext(t *testing.T) {
	h := NewHasher(fastParams, 1)
	entered := make(chan struct{})
	release := make(chan struct{})
	h.testHookInSlot = func() {
		entered <- struct{}{}
		<-release
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := h.Hash(context.Background(), "holds the only slot"); err != nil {
			t.Error(err)
		}
	}()
	<-entered // the only slot is now taken

	calls := map[string]func(context.Context) error{
		"Hash": func(ctx context.Context) error {
			_, err := h.Hash(ctx, "correct horse battery staple")
			return err
		},
		"Verify": func(ctx context.Context) error {
			_, _, err := h.Verify(ctx, "password",
				"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")
			return err
		},
		"DummyVerify": func(ctx context.Context) error {
			h.DummyVerify(ctx) // returns nothing; returning at all is the test
			return ctx.Err()
		},
	}
	for name, call := range calls {
		t.Run(name+"/canceled before", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if err := call(ctx); !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
		})
		t.Run(name+"/canceled while waiting", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() { errc <- call(ctx) }()
			cancel()
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
		})
	}

	close(release)
	<-done
}

func TestNewHasherRejectsBadParams(t *testing.T) {
	bad := map[string]Params{
		"zero":            {},
		"no iterations":   {Memory: 64, Iterations: 0, Parallelism: 1, SaltLength: 16, KeyLength: 32},
		"short salt":      {Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 4, KeyLength: 32},
		"short key":       {Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 8},
		"too much memory": {Memory: 1 << 30, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32},
	}
	for name, p := range bad {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("NewHasher(%+v, 1) did not panic", p)
				}
			}()
			NewHasher(p, 1)
		})
	}
	t.Run("no slots", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("NewHasher(DefaultParams, 0) did not panic")
			}
		}()
		NewHasher(DefaultParams, 0)
	})
}

// BenchmarkHash measures one sign-in's worth of argon2id at DefaultParams;
// B/op shows the memory each concurrent slot can hold.
func BenchmarkHash(b *testing.B) {
	h := NewHasher(DefaultParams, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNormalisedBeforeHashing: a password typed in composed form verifies against its
// decomposed form (한 as one code point or as three jamo), as users on different keyboards expect.
func TestNormalisedBeforeHashing(t *testing.T) {
	h := NewHasher(Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}, 1)
	composed := "서울 한강 비밀번호 2026"
	decomposed := norm.NFD.String(composed)
	if composed == decomposed {
		t.Fatal("test input has no decomposable characters")
	}
	enc, err := h.Hash(context.Background(), composed)
	if err != nil {
		t.Fatal(err)
	}
	ok, _, err := h.Verify(context.Background(), decomposed, enc)
	if err != nil || !ok {
		t.Errorf("decomposed form not accepted: ok=%v err=%v", ok, err)
	}
}
