package store

import (
	"database/sql"
	"slices"
	"testing"
)

func TestSplitList(t *testing.T) {
	for _, c := range []struct {
		in      sql.NullString
		want    []string
		wantErr bool
	}{
		{sql.NullString{}, nil, false},
		{sql.NullString{Valid: true}, nil, false},
		{sql.NullString{String: "0:masks", Valid: true}, []string{"masks"}, false},
		// Positions are numbers, not text: 10 comes after 2.
		{sql.NullString{String: "10:k,2:c,0:a,1:b", Valid: true}, []string{"a", "b", "c", "k"}, false},
		// A value may hold a colon: only the first one ends the position.
		{sql.NullString{String: "1:b:c,0:a", Valid: true}, []string{"a", "b:c"}, false},
		{sql.NullString{String: "masks", Valid: true}, nil, true},
		{sql.NullString{String: "x:masks", Valid: true}, nil, true},
	} {
		got, err := splitList(c.in)
		if (err != nil) != c.wantErr || !slices.Equal(got, c.want) {
			t.Errorf("splitList(%q) = %q, %v; want %q, error %v", c.in.String, got, err, c.want, c.wantErr)
		}
	}
	if ids, err := splitIDs(sql.NullString{String: "1:7,0:12", Valid: true}); err != nil || !slices.Equal(ids, []int64{12, 7}) {
		t.Errorf("splitIDs = %v, %v", ids, err)
	}
	if _, err := splitIDs(sql.NullString{String: "0:seoul", Valid: true}); err == nil {
		t.Error("splitIDs took a name for an id")
	}
}
