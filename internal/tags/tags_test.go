package tags

import (
	"slices"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []string
	}{
		{[]string{"Masks", "masks ", "ｍａｓｋｓ"}, []string{"masks"}},
		{[]string{"  Contact   Tracing ", "", " "}, []string{"contact tracing"}},
		{[]string{"방역", "Quarantine", "방역"}, []string{"방역", "quarantine"}},
		{nil, nil},
	} {
		if got := Normalize(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
