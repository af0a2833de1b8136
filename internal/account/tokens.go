package account

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/password"
)

// AuthenticateToken resolves an API bearer token to its actor: the token's user, within the
// token's organisation, limited to its scope. An admin's token keeps admin rights.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (citypact.Actor, error) {
	if secret == "" || len(secret) > 128 {
		return citypact.Visitor, citypact.ErrUnauthenticated
	}
	t, u, err := s.store.TokenByHash(ctx, password.HashToken(secret))
	if citypact.KindOf(err) == citypact.KindNotFound {
		return citypact.Visitor, citypact.ErrUnauthenticated
	} else if err != nil {
		return citypact.Visitor, err
	}
	if !t.RevokedAt.IsZero() || u.Disabled {
		return citypact.Visitor, citypact.ErrUnauthenticated
	}
	if now := s.clock(); now.Sub(t.LastUsedAt) >= s.policy.TouchEvery {
		if err := s.store.TouchToken(ctx, t.ID, now); err != nil {
			return citypact.Visitor, err
		}
	}
	a := u.Actor()
	a.OrgID, a.Scope, a.TokenID = t.OrgID, t.Scope, t.ID
	return a, nil
}

// NewTokenResult is a created token and its secret, shown to the user once.
type NewTokenResult struct {
	Secret string
	Token  Token
}

// CreateToken issues an API token for the actor. It acts within the actor's organisation; an admin
// may name any organisation (or none is possible: admins without one must choose).
func (s *Service) CreateToken(ctx context.Context, a citypact.Actor, name string, scope citypact.Scope, orgID int64) (NewTokenResult, error) {
	if !a.SignedIn() {
		return NewTokenResult{}, citypact.ErrUnauthenticated
	}
	name = strings.TrimSpace(name)
	var fe []*citypact.FieldError
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		fe = append(fe, &citypact.FieldError{Field: "name", Key: "field.required"})
	case n > MaxTokenNameLen:
		fe = append(fe, &citypact.FieldError{Field: "name", Key: "field.too_long", Args: []string{"max", "100"}})
	}
	if scope != citypact.ScopeRead && scope != citypact.ScopeWrite {
		fe = append(fe, &citypact.FieldError{Field: "scope", Key: "field.choice"})
	}
	if !a.IsAdmin() || orgID == 0 {
		orgID = a.OrgID
	}
	if orgID == 0 {
		fe = append(fe, &citypact.FieldError{Field: "org", Key: "user.org_required"})
	}
	if err := collect(fe...); err != nil {
		return NewTokenResult{}, err
	}
	if ok, err := s.store.OrgExists(ctx, orgID); err != nil {
		return NewTokenResult{}, err
	} else if !ok {
		return NewTokenResult{}, citypact.Invalid(citypact.FieldError{Field: "org", Key: "user.org_unknown"})
	}
	secret, err := password.NewToken("cpt_")
	if err != nil {
		return NewTokenResult{}, err
	}
	t := Token{UserID: a.UserID, OrgID: orgID, Name: name, Scope: scope, CreatedAt: s.clock()}
	if err := s.store.CreateToken(citypact.WithActor(ctx, a), &t, password.HashToken(secret)); err != nil {
		return NewTokenResult{}, err
	}
	return NewTokenResult{Secret: secret, Token: t}, nil
}

// Tokens lists the actor's own tokens.
func (s *Service) Tokens(ctx context.Context, a citypact.Actor) ([]Token, error) {
	return s.store.ListTokens(ctx, a.UserID)
}

// RevokeToken revokes one of the actor's tokens; it stops working on the next request.
func (s *Service) RevokeToken(ctx context.Context, a citypact.Actor, id int64) error {
	return s.store.RevokeToken(citypact.WithActor(ctx, a), a.UserID, id)
}
