package practice

import (
	"strconv"
	"strings"
	"testing"
)

func TestTargets(t *testing.T) {
	ts := Targets()
	if len(ts) != 169 {
		t.Fatalf("%d targets, want 169", len(ts))
	}
	perGoal := map[int]int{}
	for i, x := range ts {
		perGoal[x.Goal]++
		if !ValidTarget(x.Code) {
			t.Errorf("%s not valid", x.Code)
		}
		if got, ok := TargetByCode(x.Code); !ok || got != x {
			t.Errorf("TargetByCode(%s) = %v, %v", x.Code, got, ok)
		}
		if !strings.HasPrefix(x.Code, strconv.Itoa(x.Goal)+".") {
			t.Errorf("%s under goal %d", x.Code, x.Goal)
		}
		if x.Goal == 17 && x.Title == "" {
			t.Errorf("%s has no title", x.Code)
		}
		if i > 0 && ts[i-1].Code == x.Code {
			t.Errorf("%s twice", x.Code)
		}
	}
	// Target counts per goal in A/RES/70/1.
	want := []int{7, 8, 13, 10, 9, 8, 5, 12, 8, 10, 10, 11, 5, 10, 12, 12, 19}
	for g, n := range want {
		if perGoal[g+1] != n {
			t.Errorf("goal %d: %d targets, want %d", g+1, perGoal[g+1], n)
		}
	}
	for _, code := range []string{"17.6", "17.8", "17.16", "17.17", "3.d", "3.b", "1.a", "16.10", "15.c"} {
		if !ValidTarget(code) {
			t.Errorf("%s should be valid", code)
		}
	}
	for _, code := range []string{"", "17", "17.0", "17.20", "17.a", "18.1", "3.e", "3.D", "03.1", "3.01", "1.6", " 3.1"} {
		if ValidTarget(code) {
			t.Errorf("%q should be invalid", code)
		}
	}
}

func TestGoals(t *testing.T) {
	gs := Goals()
	if len(gs) != 17 {
		t.Fatalf("%d goals", len(gs))
	}
	for i, g := range gs {
		if g.Number != i+1 {
			t.Errorf("goal %d numbered %d", i+1, g.Number)
		}
		for _, l := range []string{"en", "ko", "zh-TW", "ja"} {
			if g.Names[l] == "" {
				t.Errorf("goal %d has no %s name", g.Number, l)
			}
		}
	}
	if gs[16].NameIn("fr") != "Partnerships for the goals" {
		t.Errorf("fallback: %q", gs[16].NameIn("fr"))
	}
	// Callers get copies.
	gs[0].Number = 99
	if Goals()[0].Number != 1 {
		t.Error("Goals shares its slice")
	}
}
