package board

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citypact/citypact"
)

// keys returns "field:key" for each field error of err.
func keys(err error) []string {
	var out []string
	for _, f := range citypact.FieldsOf(err) {
		out = append(out, f.Field+":"+f.Key)
	}
	return out
}

func goodThread() Thread {
	return Thread{
		BoardID: publicBoard.ID, Title: "How do you run drive-through screening?", Body: "We plan **ten** stations.\r\n\r\nAny advice?\n\n",
		Lang: "EN", Tags: []string{"Screening", " screening ", "ｔｅｓｔｉｎｇ", ""}, ToOrgs: []int64{orgA, orgA}, ToUsers: []int64{5},
		Practices: []int64{7, 7, 8},
	}
}

func goodSupply() *SupplyInfo {
	return &SupplyInfo{
		Product: "KF94 mask", Specification: "Four layers,\r\nadult size", Supplier: "Example Co.", UnitPrice: 12_500, Currency: "KRW",
		Quantity: 100_000, Unit: "box of 50", Certifications: []string{"KF94", " kf94", "CE  2797"},
		ValidUntil: time.Date(2020, 3, 31, 15, 4, 0, 0, time.UTC),
	}
}

func TestValidateThreadNormalises(t *testing.T) {
	th := goodThread()
	if err := th.Validate(publicBoard); err != nil {
		t.Fatalf("good thread: %v", err)
	}
	if th.Lang != "en" || th.Body != "We plan **ten** stations.\n\nAny advice?" {
		t.Errorf("lang %q, body %q", th.Lang, th.Body)
	}
	if !slices.Equal(th.Tags, []string{"screening", "testing"}) || !slices.Equal(th.ToOrgs, []int64{orgA}) || !slices.Equal(th.Practices, []int64{7, 8}) {
		t.Errorf("tags %v, to %v, practices %v", th.Tags, th.ToOrgs, th.Practices)
	}

	s := goodThread()
	s.BoardID = 4
	s.Supply = goodSupply()
	supply := Board{ID: 4, Kind: KindSupply, Scope: PublicScope}
	if err := s.Validate(supply); err != nil {
		t.Fatalf("good supply thread: %v", err)
	}
	if !slices.Equal(s.Supply.Certifications, []string{"KF94", "CE 2797"}) || s.Supply.Specification != "Four layers,\nadult size" ||
		!s.Supply.ValidUntil.Equal(time.Date(2020, 3, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("supply not normalised: %+v", s.Supply)
	}
}

func TestValidateThread(t *testing.T) {
	supplyBoard := Board{ID: 4, Kind: KindSupply, Scope: PublicScope}
	long := func(n int) string { return strings.Repeat("가", n) }
	tags := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, "tag"+string(rune('a'+i)))
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		b      Board
		change func(*Thread)
		want   string // "" for valid
	}{
		{"title of 200 characters", publicBoard, func(t *Thread) { t.Title = long(200) }, ""},
		{"title of 201 characters", publicBoard, func(t *Thread) { t.Title = long(201) }, "title:field.too_long"},
		{"no title", publicBoard, func(t *Thread) { t.Title = "  " }, "title:field.required"},
		{"LF in title", publicBoard, func(t *Thread) { t.Title = "Masks\nBcc: all@example.org" }, "title:board.control_chars"},
		{"CR in title", publicBoard, func(t *Thread) { t.Title = "Masks\rX" }, "title:board.control_chars"},
		{"CRLF in title", publicBoard, func(t *Thread) { t.Title = "Masks\r\nSubject: spam" }, "title:board.control_chars"},
		{"tab in title", publicBoard, func(t *Thread) { t.Title = "a\tb" }, "title:board.control_chars"},
		{"NEL in title", publicBoard, func(t *Thread) { t.Title = "a\u0085b" }, "title:board.control_chars"},
		{"line separator in title", publicBoard, func(t *Thread) { t.Title = "a\u2028b" }, "title:board.control_chars"},
		{"bidi override in title", publicBoard, func(t *Thread) { t.Title = "invoice\u202Efdp.exe" }, "title:board.control_chars"},
		{"invalid UTF-8 in title", publicBoard, func(t *Thread) { t.Title = "a\xffb" }, "title:board.control_chars"},
		{"CJK title", publicBoard, func(t *Thread) { t.Title = "선별진료소 운영 방법 / 篩檢站 / 検査所" }, ""},
		{"body of 20,000 characters", publicBoard, func(t *Thread) { t.Body = long(MaxBodyLen) }, ""},
		{"body of 20,001 characters", publicBoard, func(t *Thread) { t.Body = long(MaxBodyLen + 1) }, "body:field.too_long"},
		{"body of 20,000 characters with CR LF", publicBoard, func(t *Thread) { t.Body = strings.Repeat("a\r\n", MaxBodyLen/2-1) + "ab" }, ""},
		{"blank body", publicBoard, func(t *Thread) { t.Body = " \n\t" }, "body:field.required"},
		{"NUL in body", publicBoard, func(t *Thread) { t.Body = "a\x00b" }, "body:field.invalid"},
		{"escape in body", publicBoard, func(t *Thread) { t.Body = "a\x1b[31mb" }, "body:field.invalid"},
		{"tabs and lines in body", publicBoard, func(t *Thread) { t.Body = "a\tb\nc" }, ""},
		{"unknown language", publicBoard, func(t *Thread) { t.Lang = "xx-Bogus-Tag" }, "lang:board.lang_invalid"},
		{"no language", publicBoard, func(t *Thread) { t.Lang = "" }, "lang:board.lang_invalid"},
		{"und", publicBoard, func(t *Thread) { t.Lang = "und" }, "lang:board.lang_invalid"},
		{"und with a region", publicBoard, func(t *Thread) { t.Lang = "und-KR" }, "lang:board.lang_invalid"},
		{"Korean", publicBoard, func(t *Thread) { t.Lang = "ko" }, ""},
		{"Japanese", publicBoard, func(t *Thread) { t.Lang = "ja" }, ""},
		{"private use", publicBoard, func(t *Thread) { t.Lang = "en-x-foo" }, "lang:board.lang_invalid"},
		{"zh-Hant", publicBoard, func(t *Thread) { t.Lang = "zh-hant-tw" }, ""},
		{"10 tags", publicBoard, func(t *Thread) { t.Tags = tags(10) }, ""},
		{"11 tags", publicBoard, func(t *Thread) { t.Tags = tags(11) }, "tags:board.tags_too_many"},
		{"11 tags, 10 after dedup", publicBoard, func(t *Thread) { t.Tags = append(tags(10), "TAGA") }, ""},
		{"tag of 40", publicBoard, func(t *Thread) { t.Tags = []string{strings.Repeat("m", 40)} }, ""},
		{"tag of 41", publicBoard, func(t *Thread) { t.Tags = []string{strings.Repeat("m", 41)} }, "tags:board.tag_invalid"},
		{"tag with a comma", publicBoard, func(t *Thread) { t.Tags = []string{"a,b"} }, "tags:board.tag_invalid"},
		{"tag with a zero-width space", publicBoard, func(t *Thread) { t.Tags = []string{"a\u200bb"} }, "tags:board.tag_invalid"},
		{"21 addressed organisations", publicBoard, func(t *Thread) {
			t.ToOrgs = nil
			for i := range 21 {
				t.ToOrgs = append(t.ToOrgs, int64(i+1))
			}
		}, "to_orgs:board.to_orgs_too_many"},
		{"addressee id 0", publicBoard, func(t *Thread) { t.ToUsers = []int64{0} }, "to_users:field.invalid"},
		{"negative practice", publicBoard, func(t *Thread) { t.Practices = []int64{-1} }, "practices:field.invalid"},
		{"other board", publicBoard, func(t *Thread) { t.BoardID = 9 }, "board:field.invalid"},
		{"supply fields on a question board", publicBoard, func(t *Thread) { t.Supply = goodSupply() }, "supply:board.supply_not_allowed"},
		{"supply board without fields", supplyBoard, func(t *Thread) { t.BoardID = 4 }, "product:field.required"},
		{"supply without product", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Product = " " }, "product:field.required"},
		{"product with LF", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Product = "a\nb" }, "product:board.control_chars"},
		{"negative price", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.UnitPrice = -1 }, "unit_price:board.price_negative"},
		{"free of charge", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.UnitPrice = 0 }, ""},
		{"huge price", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.UnitPrice = MaxAmount + 1 }, "unit_price:board.amount_too_large"},
		{"no price, no currency", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.UnitPrice, t.Supply.Currency = 0, "" }, ""},
		{"price without currency", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Currency = "" }, "currency:field.required"},
		{"lower-case currency", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Currency = "krw" }, "currency:board.currency_invalid"},
		{"unknown currency", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Currency = "ABC" }, "currency:board.currency_invalid"},
		{"withdrawn currency", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Currency = "DEM" }, "currency:board.currency_invalid"},
		{"no-currency code", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Currency = "XXX" }, "currency:board.currency_invalid"},
		{"four letters", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Currency = "USDX" }, "currency:board.currency_invalid"},
		{"TWD", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Currency = "TWD" }, ""},
		{"negative quantity", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Quantity = -5 }, "quantity:board.quantity_negative"},
		{"no quantity", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Quantity = 0 }, ""},
		{"11 certifications", supplyBoard, func(t *Thread) {
			t.BoardID = 4
			t.Supply = goodSupply()
			t.Supply.Certifications = strings.Fields("a b c d e f g h i j k")
		}, "certifications:board.certifications_too_many"},
		{"certification with CR", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Certifications = []string{"CE\r"} }, ""}, // trimmed
		{"certification with ESC", supplyBoard, func(t *Thread) { t.BoardID = 4; t.Supply = goodSupply(); t.Supply.Certifications = []string{"C\x1bE"} }, "certifications:board.control_chars"},
		{"valid until 1999", supplyBoard, func(t *Thread) {
			t.BoardID = 4
			t.Supply = goodSupply()
			t.Supply.ValidUntil = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
		}, "valid_until:date.invalid"},
	} {
		th := goodThread()
		tt.change(&th)
		got := strings.Join(keys(th.Validate(tt.b)), " ")
		if got != tt.want {
			t.Errorf("%s: errors %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestValidatePost(t *testing.T) {
	material := Board{ID: 5, Kind: KindMaterial, Scope: PublicScope}
	q := Thread{ID: 9, BoardID: publicBoard.ID, Lang: "ko"}
	m := Thread{ID: 10, BoardID: material.ID}
	for _, tt := range []struct {
		name string
		b    Board
		t    Thread
		p    Post
		want string
	}{
		{"answer", publicBoard, q, Post{ThreadID: 9, Kind: PostAnswer, Body: "Yes.", Lang: "ko-KR"}, ""},
		{"comment on an answer", publicBoard, q, Post{ThreadID: 9, Kind: PostComment, ParentID: 3, Body: "Thanks", Lang: "en"}, ""},
		{"answer under an answer", publicBoard, q, Post{ThreadID: 9, Kind: PostAnswer, ParentID: 3, Body: "x", Lang: "en"}, "parent:field.invalid"},
		{"answer on a material board", material, m, Post{ThreadID: 10, Kind: PostAnswer, Body: "x", Lang: "en"}, "kind:board.answer_not_question"},
		{"comment on a material board", material, m, Post{ThreadID: 10, Kind: PostComment, Body: "x", Lang: "en"}, ""},
		{"no kind", publicBoard, q, Post{ThreadID: 9, Body: "x", Lang: "en"}, "kind:field.choice"},
		{"another thread", publicBoard, q, Post{ThreadID: 8, Kind: PostComment, Body: "x", Lang: "en"}, "thread:field.invalid"},
		{"empty body", publicBoard, q, Post{ThreadID: 9, Kind: PostComment, Body: "\r\n", Lang: "en"}, "body:field.required"},
		{"too long", publicBoard, q, Post{ThreadID: 9, Kind: PostComment, Body: strings.Repeat("字", MaxBodyLen+1), Lang: "ja"}, "body:field.too_long"},
		{"no language", publicBoard, q, Post{ThreadID: 9, Kind: PostComment, Body: "x"}, "lang:board.lang_invalid"},
		{"11 attachments", publicBoard, q, Post{ThreadID: 9, Kind: PostComment, Body: "x", Lang: "en", Attachments: []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}, "attachments:board.attachments_too_many"},
	} {
		got := strings.Join(keys(tt.p.Validate(tt.b, tt.t)), " ")
		if got != tt.want {
			t.Errorf("%s: errors %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCheckAccept(t *testing.T) {
	q := Thread{ID: 9}
	for _, tt := range []struct {
		name string
		p    Post
		ok   bool
	}{
		{"an answer", Post{ID: 1, ThreadID: 9, Kind: PostAnswer}, true},
		{"a comment", Post{ID: 2, ThreadID: 9, Kind: PostComment}, false},
		{"another thread's answer", Post{ID: 3, ThreadID: 8, Kind: PostAnswer}, false},
		{"a hidden answer", Post{ID: 4, ThreadID: 9, Kind: PostAnswer, Hidden: true}, false},
	} {
		err := CheckAccept(q, tt.p)
		if (err == nil) != tt.ok || (err != nil && strings.Join(keys(err), "") != "answer:board.answer_invalid") {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestValidateTranslation(t *testing.T) {
	th := Thread{ID: 9, Lang: "ko", Version: 2}
	post := &Post{ID: 4, ThreadID: 9, Lang: "zh-TW", Version: 1}
	for _, tt := range []struct {
		name string
		tr   Translation
		p    *Post
		want string
	}{
		{"thread into English", Translation{ThreadID: 9, Lang: "en", Title: "Screening", Body: "Text", Version: 2}, nil, ""},
		{"thread, older version", Translation{ThreadID: 9, Lang: "en", Title: "Screening", Body: "Text", Version: 1}, nil, ""},
		{"thread, future version", Translation{ThreadID: 9, Lang: "en", Title: "S", Body: "T", Version: 3}, nil, "version:board.translation_version_invalid"},
		{"thread, version 0", Translation{ThreadID: 9, Lang: "en", Title: "S", Body: "T"}, nil, "version:board.translation_version_invalid"},
		{"into the original's language", Translation{ThreadID: 9, Lang: "ko-KR", Title: "S", Body: "T", Version: 1}, nil, "lang:board.translation_same_lang"},
		{"thread without title", Translation{ThreadID: 9, Lang: "en", Body: "T", Version: 1}, nil, "title:field.required"},
		{"title with LF", Translation{ThreadID: 9, Lang: "en", Title: "a\nb", Body: "T", Version: 1}, nil, "title:board.control_chars"},
		{"post into Simplified Chinese", Translation{ThreadID: 9, PostID: 4, Lang: "zh-CN", Body: "T", Version: 1}, post, ""},
		{"post into Traditional Chinese", Translation{ThreadID: 9, PostID: 4, Lang: "zh-Hant", Body: "T", Version: 1}, post, "lang:board.translation_same_lang"},
		{"post with a title", Translation{ThreadID: 9, PostID: 4, Lang: "en", Title: "x", Body: "T", Version: 1}, post, "title:board.translation_title_post"},
		{"post id mismatch", Translation{ThreadID: 9, PostID: 5, Lang: "en", Body: "T", Version: 1}, post, "original:field.invalid"},
		{"thread translation naming a post", Translation{ThreadID: 9, PostID: 4, Lang: "en", Title: "S", Body: "T", Version: 1}, nil, "original:field.invalid"},
	} {
		got := strings.Join(keys(tt.tr.Validate(th, tt.p)), " ")
		if got != tt.want {
			t.Errorf("%s: errors %q, want %q", tt.name, got, tt.want)
		}
	}
	if !(Translation{Version: 1}).Outdated(2) || (Translation{Version: 2}).Outdated(2) {
		t.Error("Outdated")
	}
}

func TestAmounts(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		key  string
	}{
		{"12", 120_000, ""},
		{" 12.5 ", 125_000, ""},
		{"0.0001", 1, ""},
		{"0", 0, ""},
		{"007.10", 71_000, ""},
		{"100000000000", MaxAmount, ""},
		{"100000000000.0001", 0, "board.amount_too_large"},
		{"100000000001", 0, "board.amount_too_large"},
		{"999999999999999999", 0, "board.amount_too_large"},
		{"9999999999999999999", 0, "board.amount_invalid"},
		{"0.00001", 0, "board.amount_invalid"},
		{"-1", 0, "board.amount_invalid"},
		{"+1", 0, "board.amount_invalid"},
		{"1e3", 0, "board.amount_invalid"},
		{"1,000", 0, "board.amount_invalid"},
		{"12.", 0, "board.amount_invalid"},
		{".5", 0, "board.amount_invalid"},
		{"", 0, "board.amount_invalid"},
		{"1.2.3", 0, "board.amount_invalid"},
		{"１２", 0, "board.amount_invalid"},
	} {
		got, err := ParsePrice("unit_price", tt.in)
		var key string
		if f := citypact.FieldsOf(err); len(f) == 1 && f[0].Field == "unit_price" {
			key = f[0].Key
		} else if err != nil {
			key = err.Error()
		}
		if got != tt.want || key != tt.key {
			t.Errorf("ParsePrice(%q) = %d, %q; want %d, %q", tt.in, got, key, tt.want, tt.key)
		}
		if tt.key == "" {
			if back, _ := ParsePrice("x", FormatPrice(got)); back != got {
				t.Errorf("FormatPrice(%d) = %q does not read back", got, FormatPrice(got))
			}
		}
	}
	for n, want := range map[int64]string{0: "0", 1: "0.0001", 125_000: "12.5", 120_000: "12", 10_010: "1.001", -5_000: "-0.5"} {
		if got := FormatPrice(n); got != want {
			t.Errorf("FormatPrice(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCurrencyList(t *testing.T) {
	if !slices.IsSorted(currencies) || len(slices.Compact(slices.Clone(currencies))) != len(currencies) {
		t.Fatal("currencies must be sorted and unique (ValidCurrency searches them)")
	}
	for _, c := range currencies {
		if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			t.Errorf("%q is not an ISO 4217 code", c)
		}
	}
	for _, c := range []string{"KRW", "TWD", "JPY", "USD", "EUR", "CNY", "VES", "SLE", "XOF"} {
		if !ValidCurrency(c) {
			t.Errorf("%s refused", c)
		}
	}
}

func TestThreadStatusAndWaiting(t *testing.T) {
	for _, tt := range []struct {
		t    Thread
		want Status
	}{
		{Thread{}, StatusOpen},
		{Thread{AcceptedID: 3}, StatusAnswered},
		{Thread{AcceptedID: 3, Locked: true}, StatusLocked},
		{Thread{AcceptedID: 3, Locked: true, Hidden: true}, StatusHidden},
	} {
		if got := tt.t.Status(); got != tt.want {
			t.Errorf("%+v: Status = %s, want %s", tt.t, got, tt.want)
		}
	}
	for _, st := range Statuses {
		if !st.Valid() {
			t.Errorf("%s invalid", st)
		}
	}
	if Status("closed").Valid() {
		t.Error("unknown status valid")
	}
	base := Thread{Title: "T", Body: "B", Tags: []string{"a"}}
	retagged, retitled := base, base
	retagged.Tags = []string{"b"}
	retitled.Title = "T2"
	if TextChanged(base, retagged) || !TextChanged(base, retitled) {
		t.Error("TextChanged: only title and body are translated text")
	}
	created := time.Date(2020, 3, 1, 9, 0, 0, 0, time.UTC)
	now := created.Add(50 * time.Hour)
	if got := (Thread{CreatedAt: created}).Waiting(now); got != 50*time.Hour {
		t.Errorf("unanswered: waited %s", got)
	}
	if got := (Thread{CreatedAt: created, AnsweredAt: created.Add(3 * time.Hour)}).Waiting(now); got != 3*time.Hour {
		t.Errorf("answered: waited %s", got)
	}
	if got := (Thread{CreatedAt: now.Add(time.Minute)}).Waiting(now); got != 0 {
		t.Errorf("clock skew: waited %s", got)
	}
	last := SupplyInfo{ValidUntil: dateOf(created)}
	if last.Expired(dateOf(created).Add(24*time.Hour-time.Nanosecond)) || !last.Expired(dateOf(created).Add(24*time.Hour)) {
		t.Error("Expired: the last day counts as valid, the next one does not")
	}
}
