package citypact

// Page asks for one page of a list by keyset: items after the cursor, at most Limit of them.
// Cursors are opaque to clients; inside they are the last ID seen.
type Page struct {
	After int64
	Limit int
}

// Page limits shared by every list.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Normalize clamps Limit into [1, MaxLimit], using DefaultLimit when unset.
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit > MaxLimit {
		p.Limit = MaxLimit
	}
	if p.After < 0 {
		p.After = 0
	}
	return p
}
