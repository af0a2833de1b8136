package i18n

import (
	"strings"
	"testing"
)

func TestFor(t *testing.T) {
	for _, l := range Langs {
		tr := For(l)
		if tr == nil || tr.Lang() != l {
			t.Errorf("For(%q) = %v, want a translator for %q", l, tr, l)
		}
	}
	for _, l := range []Lang{"", "fr", "zh-CN", "EN"} {
		if tr := For(l); tr == nil || tr.Lang() != EN {
			t.Errorf("For(%q) = %v, want English's translator", l, tr)
		}
	}
}

func TestT(t *testing.T) {
	tests := []struct {
		l    Lang
		key  string
		args []string
		want string
	}{
		{EN, "nav.home", nil, "Home"},
		{KO, "nav.home", nil, "홈"},
		{ZHTW, "nav.signin", nil, "登入"},
		{JA, "nav.signout", nil, "ログアウト"},
		{EN, "error.request_id", []string{"id", "01JD5X"}, "If you contact support, quote this reference: 01JD5X"},
		{KO, "error.request_id", []string{"id", "01JD5X"}, "고객지원에 문의하실 때에는 다음 참조 번호를 알려 주십시오: 01JD5X"},
		{ZHTW, "error.request_id", []string{"id", "01JD5X"}, "如需聯絡客服，請提供此參考編號：01JD5X"},
		{JA, "error.request_id", []string{"id", "01JD5X"}, "お問い合わせの際は、次の参照番号をお伝えください：01JD5X"},

		// A value is inserted as it is, never expanded again.
		{EN, "error.request_id", []string{"id", "{id}"}, "If you contact support, quote this reference: {id}"},
		{EN, "error.request_id", []string{"id", "<b>&"}, "If you contact support, quote this reference: <b>&"},
		// Unknown names are ignored; the first pair for a name wins.
		{EN, "error.request_id", []string{"other", "x", "id", "A", "id", "B"}, "If you contact support, quote this reference: A"},
		// A placeholder with no value stays visible.
		{EN, "error.request_id", nil, "If you contact support, quote this reference: {id}"},
		{EN, "error.request_id", []string{"other", "x"}, "If you contact support, quote this reference: {id}"},
		// An odd last arg is ignored.
		{EN, "error.request_id", []string{"id"}, "If you contact support, quote this reference: {id}"},
		{EN, "error.request_id", []string{"id", "A", "extra"}, "If you contact support, quote this reference: A"},
		// Args for a message without placeholders are harmless.
		{EN, "nav.home", []string{"id", "A"}, "Home"},

		// Missing keys are visible.
		{EN, "no.such.key", nil, "⟦no.such.key⟧"},
		{KO, "no.such.key", []string{"id", "A"}, "⟦no.such.key⟧"},
		{EN, "", nil, "⟦⟧"},
		{EN, "members.count", nil, "⟦members.count⟧"},
	}
	for _, tt := range tests {
		if got := For(tt.l).T(tt.key, tt.args...); got != tt.want {
			t.Errorf("For(%q).T(%q, %q) = %q, want %q", tt.l, tt.key, tt.args, got, tt.want)
		}
	}
}

func TestFill(t *testing.T) {
	tests := []struct {
		msg  string
		args []string
		want string
	}{
		{"{a}{b}", []string{"a", "1", "b", "2"}, "12"},
		{"{{a}}", []string{"a", "1"}, "{1}"},
		{"{a", []string{"a", "1"}, "{a"},
		{"a}", []string{"a", "1"}, "a}"},
		{"{}", []string{"", "empty"}, "empty"},
		{"x {a} y {a}", []string{"a", "1"}, "x 1 y 1"},
		{"{ a }", []string{"a", "1"}, "{ a }"},
		{"{a{b}c}", []string{"b", "2"}, "{a2c}"},
		{"한국어 {이름}", []string{"이름", "서울"}, "한국어 서울"},
	}
	for _, tt := range tests {
		if got := fill(tt.msg, "", false, tt.args); got != tt.want {
			t.Errorf("fill(%q, %q) = %q, want %q", tt.msg, tt.args, got, tt.want)
		}
	}
}

func TestHas(t *testing.T) {
	for _, l := range Langs {
		tr := For(l)
		if !tr.Has("nav.home") {
			t.Errorf("For(%q).Has(\"nav.home\") = false", l)
		}
		if tr.Has("no.such.key") || tr.Has("members.count") {
			t.Errorf("For(%q).Has reports a key that is not there", l)
		}
	}
}

func TestN(t *testing.T) {
	tests := []struct {
		l    Lang
		n    int
		want string
	}{
		{EN, 0, "0 members"},
		{EN, 1, "1 member"},
		{EN, -1, "-1 member"},
		{EN, 2, "2 members"},
		{EN, 11, "11 members"},
		{EN, 21, "21 members"},
		{EN, 1000, "1,000 members"},
		{EN, -1234567, "-1,234,567 members"},
		{KO, 0, "회원 0명"},
		{KO, 1, "회원 1명"},
		{KO, 2, "회원 2명"},
		{KO, 12345, "회원 12,345명"},
		{ZHTW, 1, "1位成員"},
		{ZHTW, 2, "2位成員"},
		{ZHTW, 10000, "10,000位成員"},
		{JA, 1, "メンバー1人"},
		{JA, 2, "メンバー2人"},
		{JA, 190000, "メンバー190,000人"},
	}
	for _, tt := range tests {
		if got := For(tt.l).N("members.count", tt.n); got != tt.want {
			t.Errorf("For(%q).N(\"members.count\", %d) = %q, want %q", tt.l, tt.n, got, tt.want)
		}
	}

	tr := For(EN)
	if got, want := tr.N("no.such", 1), "⟦no.such.one⟧"; got != want {
		t.Errorf("N on a missing key = %q, want %q", got, want)
	}
	if got, want := For(KO).N("no.such", 1), "⟦no.such.other⟧"; got != want {
		t.Errorf("N on a missing key = %q, want %q", got, want)
	}
	long := strings.Repeat("k", 200)
	if got, want := tr.N(long, 3), "⟦"+long+".other⟧"; got != want {
		t.Errorf("N on a long missing key = %q, want %q", got, want)
	}
	// {n} is the count, whatever args say.
	if got, want := tr.N("members.count", 2, "n", "two"), "2 members"; got != want {
		t.Errorf("N with an n arg = %q, want %q", got, want)
	}
}

func TestPluralFallsBackToOther(t *testing.T) {
	tr := &Translator{lang: EN, hasOne: true, msgs: map[string]string{"x.other": "{n} things"}}
	if got, want := tr.N("x", 1), "1 things"; got != want {
		t.Errorf("N(\"x\", 1) without x.one = %q, want %q", got, want)
	}
}

func TestTDoesNotAllocate(t *testing.T) {
	tr := For(KO)
	if n := testing.AllocsPerRun(100, func() { tr.T("nav.home") }); n != 0 {
		t.Errorf("T(key) allocates %v times per call, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { For(JA) }); n != 0 {
		t.Errorf("For allocates %v times per call, want 0", n)
	}
}

func BenchmarkT(b *testing.B) {
	tr := For(KO)
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tr.T("nav.home")
		}
	})
	b.Run("args", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tr.T("error.request_id", "id", "01JD5X")
		}
	})
	b.Run("missing", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tr.T("no.such.key")
		}
	})
}

func BenchmarkN(b *testing.B) {
	tr := For(EN)
	b.ReportAllocs()
	for b.Loop() {
		tr.N("members.count", 1234)
	}
}
