package practice

import (
	"context"
	"strconv"

	"github.com/citypact/citypact"
)

// ByRef reads the practice a reference names, as pages and the API take it from their paths: a
// number is its id, anything else its slug (slugs are never all digits). What the actor may not
// see is not found, as are references that could not name anything.
func ByRef(ctx context.Context, st Store, ref string) (Practice, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if id <= 0 {
			return Practice{}, citypact.NotFound("practice " + ref)
		}
		return st.Practice(ctx, id)
	}
	if ref == "" || len(ref) > MaxSlugLen {
		return Practice{}, citypact.NotFound("practice")
	}
	return st.PracticeBySlug(ctx, ref)
}
