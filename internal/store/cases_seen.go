package store

import (
	"math"

	"github.com/citypact/citypact/internal/cases"
)

// daySeen remembers the days of one area an import has read, so that a day given twice is caught
// without keeping the rows: for each day a 32-bit hash of its values, and the line it was on.
//
// Lines cost nothing while they follow a rule: as long as the area's days arrive in increasing
// order and each on the line after the previous one (Our World in Data: one line per area and
// day, sorted) or all on the same line (JHU: one line per area, a column per day), the k-th day's
// line is line0 + k×step. The first row that breaks the rule gives the area a line per day.
//
// Memory: 4 bytes per day of the span the file covers for the area, in pages of seenPageDays days
// allocated as days arrive (512 bytes each), and as much again for lines once the rule is broken.
// A file of 5 million sorted rows (5,000 areas × 1,000 days) needs about 20 MB. Two different
// sets of values that hash alike (a chance of 1 in 4 billion per repeated day) pass as the same,
// and the second is then counted unchanged.
type daySeen struct {
	first  int64 // the number of pages[0], counted from day 0 in pages of seenPageDays
	hashes []*[seenPageDays]uint32
	lines  []*[seenPageDays]uint32 // nil while lines follow the rule; then parallel to hashes

	n     int   // days seen
	last  int64 // the last day seen, while lines follow the rule
	line0 int
	step  int // 0 or 1; -1 while only one day has been seen
}

const seenPageDays = 128

// mark records that day has values hashing to h (never 0), read on line. When the day was seen
// before it keeps the first and reports whether its values hashed alike.
func (s *daySeen) mark(day cases.Day, h uint32, line int) (seen, same bool) {
	d := int64(day)
	page, slot := s.locate(d)
	p := s.hashes[page-s.first]
	if p == nil {
		p = new([seenPageDays]uint32)
		s.hashes[page-s.first] = p
	}
	if p[slot] != 0 {
		return true, p[slot] == h
	}
	if s.lines == nil {
		switch {
		case s.n == 0:
			s.line0, s.step = line, -1
		case d <= s.last:
			s.spell()
		case s.step == -1 && (line == s.line0 || line == s.line0+1):
			s.step = line - s.line0
		case s.step == -1 || line != s.line0+s.n*s.step:
			s.spell()
		}
		s.last = d
	}
	p[slot] = h
	s.n++
	if s.lines != nil {
		lp := s.lines[page-s.first]
		if lp == nil {
			lp = new([seenPageDays]uint32)
			s.lines[page-s.first] = lp
		}
		lp[slot] = line32(line)
	}
	return false, false
}

// lineOf returns the line a seen day was on.
func (s *daySeen) lineOf(day cases.Day) int {
	page, slot := s.locate(int64(day))
	if s.lines != nil {
		if lp := s.lines[page-s.first]; lp != nil {
			return int(lp[slot])
		}
		return 0
	}
	k := 0 // the day's rank, which under the rule is its order of arrival
	for i, p := range s.hashes {
		for j := range p {
			if int64(i)+s.first == page && j == slot {
				return s.line0 + k*max(s.step, 0)
			}
			if p != nil && p[j] != 0 {
				k++
			}
		}
	}
	return 0
}

// spell gives every day seen so far its line, from the rule they followed.
func (s *daySeen) spell() {
	s.lines = make([]*[seenPageDays]uint32, len(s.hashes))
	k := 0
	for i, p := range s.hashes {
		if p == nil {
			continue
		}
		for j, h := range p {
			if h == 0 {
				continue
			}
			if s.lines[i] == nil {
				s.lines[i] = new([seenPageDays]uint32)
			}
			s.lines[i][j] = line32(s.line0 + k*max(s.step, 0))
			k++
		}
	}
}

// locate returns the page of day d and its slot in it, growing the page table to hold it.
func (s *daySeen) locate(d int64) (page int64, slot int) {
	page = d / seenPageDays
	if d%seenPageDays < 0 {
		page-- // floor, for days before 1970
	}
	switch {
	case s.hashes == nil:
		s.first = page
		s.hashes = make([]*[seenPageDays]uint32, 1, 8)
	case page < s.first:
		s.hashes = grow(s.hashes, int(s.first-page))
		if s.lines != nil {
			s.lines = grow(s.lines, int(s.first-page))
		}
		s.first = page
	case page-s.first >= int64(len(s.hashes)):
		n := int(page-s.first) - len(s.hashes) + 1
		s.hashes = append(s.hashes, make([]*[seenPageDays]uint32, n)...)
		if s.lines != nil {
			s.lines = append(s.lines, make([]*[seenPageDays]uint32, n)...)
		}
	}
	return page, int(d - page*seenPageDays)
}

func line32(line int) uint32 { return uint32(min(max(int64(line), 0), math.MaxUint32)) }

// grow returns pages with n empty pages before them.
func grow(pages []*[seenPageDays]uint32, n int) []*[seenPageDays]uint32 {
	out := make([]*[seenPageDays]uint32, n+len(pages))
	copy(out[n:], pages)
	return out
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
