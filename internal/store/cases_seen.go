package store

import "github.com/citypact/citypact/internal/cases"

// daySeen remembers the days of one area an import has read, so that a day given twice is caught
// without keeping the rows: for each day, a 32-bit hash of its values and the line it was on.
//
// Memory: 8 bytes per day of the span the file covers for the area, in pages of seenPageDays days
// allocated as days arrive (1 KiB each), plus 8 bytes per page in the page table. A file of
// 5 million rows (5,000 areas × 1,000 days) needs about 40 MB, however its rows are ordered. Two
// different sets of values that hash alike (a chance of 1 in 4 billion per repeated day) pass as
// the same, and the second is then counted unchanged.
type daySeen struct {
	first int64 // the number of pages[0], counted from day 0 in pages of seenPageDays
	pages []*seenPage
}

const seenPageDays = 128

type seenPage [seenPageDays]struct{ hash, line uint32 }

// mark records that day has values hashing to h, read on line. If the day was seen before it
// returns the line it was on and whether its values hashed alike, and keeps the first.
func (s *daySeen) mark(day cases.Day, h uint32, line int) (seen bool, prevLine int, same bool) {
	d := int64(day)
	page := d / seenPageDays
	if d%seenPageDays < 0 {
		page-- // floor, for days before 1970
	}
	slot := d - page*seenPageDays
	switch {
	case s.pages == nil:
		s.first = page
		s.pages = make([]*seenPage, 1, 8)
	case page < s.first:
		grown := make([]*seenPage, int(s.first-page)+len(s.pages))
		copy(grown[s.first-page:], s.pages)
		s.pages, s.first = grown, page
	case page-s.first >= int64(len(s.pages)):
		s.pages = append(s.pages, make([]*seenPage, int(page-s.first)-len(s.pages)+1)...)
	}
	p := s.pages[page-s.first]
	if p == nil {
		p = new(seenPage)
		s.pages[page-s.first] = p
	}
	e := &p[slot]
	if e.hash != 0 {
		return true, int(e.line), e.hash == h
	}
	e.hash = h
	if line > 0 && line <= 1<<32-1 {
		e.line = uint32(line)
	}
	return false, 0, false
}

// valuesHash hashes which metrics v reports and their values; never 0, which marks a day not seen.
func valuesHash(v *cases.Values) uint32 {
	h := uint64(v.Has)*0x9e3779b97f4a7c15 + 1
	for i := range cases.NumMetrics {
		if v.Has&(1<<i) != 0 {
			h ^= uint64(v.V[i])
			h *= 0xbf58476d1ce4e5b9
			h ^= h >> 31
		}
	}
	x := uint32(h ^ h>>32)
	if x == 0 {
		x = 1
	}
	return x
}
