package i18n

import (
	"math"
	"testing"
	"time"
)

func TestInt(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{-7, "-7"},
		{999, "999"},
		{-999, "-999"},
		{1000, "1,000"},
		{-1000, "-1,000"},
		{12345, "12,345"},
		{190000, "190,000"},
		{1000000, "1,000,000"},
		{-1234567, "-1,234,567"},
		{math.MaxInt64, "9,223,372,036,854,775,807"},
		{math.MinInt64, "-9,223,372,036,854,775,808"},
	}
	for _, l := range Langs {
		tr := For(l)
		for _, tt := range tests {
			if got := tr.Int(tt.n); got != tt.want {
				t.Errorf("For(%q).Int(%d) = %q, want %q", l, tt.n, got, tt.want)
			}
		}
	}
}

var (
	kst    = time.FixedZone("KST", 9*3600)
	taipei = time.FixedZone("CST", 8*3600) // as tzdata names Asia/Taipei
	india  = time.FixedZone("IST", 5*3600+30*60)
	nfld   = time.FixedZone("NST", -(3*3600 + 30*60))
)

func TestDate(t *testing.T) {
	d := time.Date(2026, time.November, 22, 14, 5, 0, 0, time.UTC)
	jan := time.Date(2027, time.January, 3, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		l    Lang
		d    time.Time
		want string
	}{
		{EN, d, "22 November 2026"},
		{KO, d, "2026년 11월 22일"},
		{ZHTW, d, "2026年11月22日"},
		{JA, d, "2026年11月22日"},
		{EN, jan, "3 January 2027"},
		{KO, jan, "2027년 1월 3일"},
		{ZHTW, jan, "2027年1月3日"},
		{JA, jan, "2027年1月3日"},
		// The date is the one in d's zone.
		{EN, time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC).In(kst), "23 November 2026"},
	}
	for _, tt := range tests {
		if got := For(tt.l).Date(tt.d); got != tt.want {
			t.Errorf("For(%q).Date(%v) = %q, want %q", tt.l, tt.d, got, tt.want)
		}
	}
}

func TestDateTime(t *testing.T) {
	d := time.Date(2026, time.November, 22, 14, 5, 0, 0, time.UTC)
	tests := []struct {
		l    Lang
		d    time.Time
		want string
	}{
		{EN, d, "22 November 2026, 14:05 UTC"},
		{KO, d, "2026년 11월 22일 14:05 UTC"},
		{ZHTW, d, "2026年11月22日 14:05 UTC"},
		{JA, d, "2026年11月22日 14:05 UTC"},
		{KO, d.In(kst), "2026년 11월 22일 23:05 UTC+9"},
		{ZHTW, d.In(taipei), "2026年11月22日 22:05 UTC+8"},
		{EN, d.In(india), "22 November 2026, 19:35 UTC+5:30"},
		{EN, d.In(nfld), "22 November 2026, 10:35 UTC-3:30"},
		{JA, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), "2026年1月2日 00:00 UTC"},
	}
	for _, tt := range tests {
		if got := For(tt.l).DateTime(tt.d); got != tt.want {
			t.Errorf("For(%q).DateTime(%v) = %q, want %q", tt.l, tt.d, got, tt.want)
		}
	}
}
