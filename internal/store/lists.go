package store

import (
	"cmp"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// listColumn is a subquery that reads one ordered list of a row (a practice's tags, a thread's
// addressees) in the row's own query, so that the list costs no round trip of its own: each
// element as "position:value", joined by commas, NULL when the list is empty. value must hold no
// comma (tags refuse one, SDG codes and ids have none). The order is put back by splitList:
// asking SQL for it (string_agg ... ORDER BY) made SQLite build a temporary B-tree for every
// list of every row, a quarter of the time of a practice page's questions query. string_agg is
// SQLite's too, since 3.44.
func listColumn(value, table, where string) string {
	return fmt.Sprintf("(SELECT string_agg(CAST(x.position AS TEXT) || ':' || %s, ',') FROM %s x WHERE %s)", value, table, where)
}

// splitList reads a listColumn: its values in their order; nil when empty.
func splitList(s sql.NullString) ([]string, error) {
	if !s.Valid || s.String == "" {
		return nil, nil
	}
	type element struct {
		pos   int
		value string
	}
	parts := strings.Split(s.String, ",")
	elems := make([]element, len(parts))
	for i, p := range parts {
		pos, value, ok := strings.Cut(p, ":")
		n, err := strconv.Atoi(pos)
		if !ok || err != nil {
			return nil, fmt.Errorf("list element %q: not position:value", p)
		}
		elems[i] = element{n, value}
	}
	slices.SortFunc(elems, func(a, b element) int { return cmp.Compare(a.pos, b.pos) })
	out := make([]string, len(elems))
	for i, e := range elems {
		out[i] = e.value
	}
	return out, nil
}

// splitIDs reads a listColumn of ids.
func splitIDs(s sql.NullString) ([]int64, error) {
	items, err := splitList(s)
	if err != nil || items == nil {
		return nil, err
	}
	ids := make([]int64, len(items))
	for i, item := range items {
		if ids[i], err = strconv.ParseInt(item, 10, 64); err != nil {
			return nil, fmt.Errorf("list element %q: not an id", item)
		}
	}
	return ids, nil
}
