package directory

import (
	"testing"
	"time"
)

func TestMembershipCurrentIncludesItsLastDay(t *testing.T) {
	until := time.Date(2021, 10, 14, 0, 0, 0, 0, time.UTC)
	m := Membership{Until: until}
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{
		{until.Add(-24 * time.Hour), true},
		{until.Add(9 * time.Hour), true},
		{until.Add(24 * time.Hour), false},
	} {
		if got := m.Current(tt.at); got != tt.want {
			t.Errorf("Current(%v) = %v", tt.at, got)
		}
	}
	if !(Membership{}).Current(until) {
		t.Error("an open membership is not current")
	}
}
