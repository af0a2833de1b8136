package i18n

import (
	"strconv"
	"time"
)

// Int formats n with the language's digit grouping. All four languages
// group by three with ",": 1,234,567. (Japanese and Chinese count in units
// of 10,000 in words, but CLDR's numeric format groups by three.)
func (t *Translator) Int(n int64) string {
	if -1000 < n && n < 1000 {
		return strconv.FormatInt(n, 10)
	}
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], n, 10)
	neg := d[0] == '-'
	if neg {
		d = d[1:]
	}
	var out [27]byte // 19 digits, 6 separators, a sign
	i := len(out)
	for k := len(d) - 1; k >= 0; k-- {
		if j := len(d) - 1 - k; j > 0 && j%3 == 0 {
			i--
			out[i] = ','
		}
		i--
		out[i] = d[k]
	}
	if neg {
		i--
		out[i] = '-'
	}
	return string(out[i:])
}

var englishMonths = [...]string{
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
}

// Date formats d as a long date, in d's own time zone:
// "22 November 2026", "2026년 11월 22일", "2026年11月22日".
func (t *Translator) Date(d time.Time) string {
	var buf [48]byte
	return string(t.appendDate(buf[:0], d))
}

// DateTime formats d as a long date and a 24-hour time in d's own time zone,
// with the zone as an offset from UTC: "22 November 2026, 14:05 UTC",
// "2026년 11월 22일 14:05 UTC+9", "2026年11月22日 09:30 UTC+5:30".
//
// The zone is an offset, not the tz database's abbreviation, because those
// are ambiguous or missing (Asia/Taipei is "CST", as is US Central; many
// zones have only "+09"), and cities coordinating across time zones must
// not misread a time. The 24-hour clock avoids 오후/下午/午後 markers for
// the same reason.
func (t *Translator) DateTime(d time.Time) string {
	var buf [64]byte
	b := t.appendDate(buf[:0], d)
	switch t.lang {
	case KO, ZHTW, JA:
		b = append(b, ' ')
	default:
		b = append(b, ", "...)
	}
	b = append2(b, d.Hour())
	b = append(b, ':')
	b = append2(b, d.Minute())
	b = append(b, " UTC"...)
	if _, off := d.Zone(); off != 0 {
		b = append(b, '+')
		if off < 0 {
			b[len(b)-1] = '-'
			off = -off
		}
		b = strconv.AppendInt(b, int64(off/3600), 10)
		if m := off % 3600 / 60; m != 0 {
			b = append(b, ':')
			b = append2(b, m)
		}
	}
	return string(b)
}

func (t *Translator) appendDate(b []byte, d time.Time) []byte {
	y, m, day := d.Date()
	switch t.lang {
	case KO:
		b = strconv.AppendInt(b, int64(y), 10)
		b = append(b, "년 "...)
		b = strconv.AppendInt(b, int64(m), 10)
		b = append(b, "월 "...)
		b = strconv.AppendInt(b, int64(day), 10)
		return append(b, "일"...)
	case ZHTW, JA:
		b = strconv.AppendInt(b, int64(y), 10)
		b = append(b, "年"...)
		b = strconv.AppendInt(b, int64(m), 10)
		b = append(b, "月"...)
		b = strconv.AppendInt(b, int64(day), 10)
		return append(b, "日"...)
	}
	b = strconv.AppendInt(b, int64(day), 10)
	b = append(b, ' ')
	b = append(b, englishMonths[m-1]...)
	b = append(b, ' ')
	return strconv.AppendInt(b, int64(y), 10)
}

// append2 appends n (0 ≤ n < 100) as two digits.
func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}
