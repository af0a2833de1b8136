package board

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestScopeStrings(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Scope // zero for refused
	}{
		{"public", PublicScope},
		{"network:12", NetworkScope(12)},
		{"pair:3-7", PairScope(7, 3)},
		{"pair:7-3", Scope{}},   // not canonical: the smaller id first
		{"pair:3-3", Scope{}},   // a pair is two organisations
		{"pair:03-7", Scope{}},  // leading zero
		{"pair:3-", Scope{}},    // missing id
		{"pair:3", Scope{}},     // missing id
		{"network:0", Scope{}},  // no such id
		{"network:+5", Scope{}}, // sign
		{"network:", Scope{}},
		{"Public", Scope{}},
		{"partners", Scope{}},
		{"", Scope{}},
	} {
		got, err := ParseScope(tt.in)
		if got != tt.want || (err == nil) != (tt.want != Scope{}) {
			t.Errorf("ParseScope(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		if err != nil && strings.Join(keys(err), "") != "scope:board.scope_invalid" {
			t.Errorf("ParseScope(%q): %v", tt.in, err)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("ParseScope(%q).String() = %q", tt.in, got.String())
		}
	}
	b, err := json.Marshal(struct{ S Scope }{PairScope(20, 10)})
	if err != nil || string(b) != `{"S":"pair:10-20"}` {
		t.Errorf("JSON: %s, %v", b, err)
	}
	var back struct{ S Scope }
	if err := json.Unmarshal([]byte(`{"S":"network:4"}`), &back); err != nil || back.S != NetworkScope(4) {
		t.Errorf("JSON back: %+v, %v", back, err)
	}
	if _, err := json.Marshal(Scope{Kind: ScopePair, OrgA: 2, OrgB: 1}); err == nil {
		t.Error("an invalid scope was marshalled")
	}
}

func TestValidateBoard(t *testing.T) {
	good := func() Board {
		return Board{Slug: " Masks ", Kind: KindSupply, Scope: NetworkScope(network),
			Names: map[string]string{"EN": " Masks and gowns ", "ko": "마스크·가운", "zh-tw": "口罩"}, Description: "Offers.\r\n"}
	}
	b := good()
	if err := b.Validate(); err != nil {
		t.Fatalf("good board: %v", err)
	}
	if b.Slug != "masks" || b.Names["en"] != "Masks and gowns" || b.Names["zh-TW"] != "口罩" || b.Description != "Offers." {
		t.Errorf("not normalised: %+v", b)
	}
	for _, tt := range []struct {
		name   string
		change func(*Board)
		want   string
	}{
		{"no slug", func(b *Board) { b.Slug = "" }, "slug:board.slug_invalid"},
		{"digits", func(b *Board) { b.Slug = "123" }, "slug:board.slug_invalid"},
		{"reserved", func(b *Board) { b.Slug = "new" }, "slug:board.slug_invalid"},
		{"spaces", func(b *Board) { b.Slug = "my board" }, "slug:board.slug_invalid"},
		{"a pair slug on a network board", func(b *Board) { b.Slug = "pair-1-2" }, "slug:board.slug_invalid"},
		{"the pair's own slug", func(b *Board) { b.Scope = PairScope(2, 1); b.Slug = "pair-1-2" }, ""},
		{"another pair's slug", func(b *Board) { b.Scope = PairScope(2, 1); b.Slug = "pair-1-3" }, "slug:board.slug_invalid"},
		{"unknown kind", func(b *Board) { b.Kind = "chat" }, "kind:field.choice"},
		{"invalid scope", func(b *Board) { b.Scope = Scope{Kind: ScopeNetwork} }, "scope:board.scope_invalid"},
		{"no names", func(b *Board) { b.Names = nil }, "names:field.required"},
		{"blank name", func(b *Board) { b.Names = map[string]string{"en": " "} }, "names:field.required"},
		{"bad name language", func(b *Board) { b.Names["klingon-x"] = "Q" }, "names:board.lang_invalid"},
		{"name with LF", func(b *Board) { b.Names["ko"] = "Masks\nX" }, "names:board.control_chars"},
		{"one language twice", func(b *Board) { b.Names["en"] = "Masks" }, "names:board.names_duplicate"},
		{"name of 100", func(b *Board) { b.Names["EN"] = strings.Repeat("n", 100) }, ""},
		{"name of 101", func(b *Board) { b.Names["EN"] = strings.Repeat("n", 101) }, "names:field.too_long"},
		{"21 names", func(b *Board) {
			for _, l := range strings.Fields("de fr es it pt nl sv da fi nb pl cs hu ro bg el tr ar he hi") {
				b.Names[l] = "x"
			}
		}, "names:board.names_too_many"},
		{"description of 1001", func(b *Board) { b.Description = strings.Repeat("d", 1001) }, "description:field.too_long"},
	} {
		b := good()
		tt.change(&b)
		if got := strings.Join(keys(b.Validate()), " "); got != tt.want {
			t.Errorf("%s: errors %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNameIn(t *testing.T) {
	b := Board{Slug: "qa", Names: map[string]string{"en": "Questions", "ko": "질문", "zh-Hant-HK": "問題"}}
	for lang, want := range map[string]string{"ko": "질문", "ko-KR": "질문", "zh-TW": "問題", "ja": "Questions", "": "Questions", "EN": "Questions"} {
		if got := b.NameIn(lang); got != want {
			t.Errorf("NameIn(%q) = %q, want %q", lang, got, want)
		}
	}
	noEnglish := Board{Names: map[string]string{"ko": "질문", "ja": "質問"}}
	if got := noEnglish.NameIn("fr"); got != "質問" {
		t.Errorf("without English, the first language by tag: %q", got)
	}
	if got := (Board{Slug: "qa"}).NameIn("en"); got != "qa" {
		t.Errorf("without names: %q", got)
	}
}
