package citypact

import "context"

// Role orders what an actor may do. The order matters: a route that needs RoleMember is open to
// editors and admins too.
type Role uint8

const (
	RoleVisitor Role = iota // not signed in
	RoleMember              // staff of a member organisation
	RoleEditor              // a member who publishes for their own organisation
	RoleAdmin               // the hub's secretariat
)

// Roles lists the roles a user account can hold (a visitor is no account).
var Roles = []Role{RoleMember, RoleEditor, RoleAdmin}

func (r Role) String() string {
	switch r {
	case RoleMember:
		return "member"
	case RoleEditor:
		return "editor"
	case RoleAdmin:
		return "admin"
	}
	return "visitor"
}

// ParseRole reads a stored or submitted role name; "visitor" is not an account role.
func ParseRole(s string) (Role, bool) {
	switch s {
	case "member":
		return RoleMember, true
	case "editor":
		return RoleEditor, true
	case "admin":
		return RoleAdmin, true
	}
	return RoleVisitor, false
}

// Scope limits what an API token may do.
type Scope uint8

const (
	ScopeNone  Scope = iota // a session, not a token
	ScopeRead               // safe methods only
	ScopeWrite              // read and change
)

func (s Scope) String() string {
	switch s {
	case ScopeRead:
		return "read"
	case ScopeWrite:
		return "write"
	}
	return ""
}

// ParseScope reads a token scope name.
func ParseScope(s string) (Scope, bool) {
	switch s {
	case "read":
		return ScopeRead, true
	case "write":
		return ScopeWrite, true
	}
	return ScopeNone, false
}

// Actor is who is making a request: a visitor, a signed-in user, or an API token acting for a user
// within one organisation.
type Actor struct {
	UserID    int64
	Name      string
	Role      Role
	OrgID     int64 // 0 for visitors and for admins bound to no organisation
	Scope     Scope // ScopeNone for browser sessions
	TokenID   int64 // the API token in use, if any
	SessionID int64 // the browser session in use, if any
}

// Visitor is the actor of a request nobody signed.
var Visitor = Actor{}

// SignedIn reports whether the actor is a user rather than a visitor.
func (a Actor) SignedIn() bool { return a.UserID != 0 }

// AtLeast reports whether the actor's role is r or above.
func (a Actor) AtLeast(r Role) bool { return a.Role >= r }

// IsAdmin reports whether the actor is the hub's secretariat.
func (a Actor) IsAdmin() bool { return a.Role == RoleAdmin }

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or Visitor.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the id of the request being served, so logs and audit rows
// can be matched to it.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the request id in ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
