package boardmail

import (
	"context"

	"github.com/citypact/citypact"
	"github.com/citypact/citypact/internal/board"
)

// UnsubscribeStore changes what a link's user gets, for no signed-in actor: the link's signature
// is the authority.
type UnsubscribeStore interface {
	// LinkSubscription returns user's subscription id; NotFound when it is gone or not theirs.
	LinkSubscription(ctx context.Context, user, id int64) (board.Subscription, error)
	// StopMail sets user's frequency to none (sub 0) or deletes their subscription sub, and
	// audits it as done by the user through a mail link. NotFound when the user or the
	// subscription is gone.
	StopMail(ctx context.Context, user, sub int64) error
}

// Unsubscriber honours unsubscribe links.
type Unsubscriber struct {
	Links *Links
	Store UnsubscribeStore
}

// Preview returns what the token would stop, and the subscription when it names one, without
// changing anything. A bad token is KindNotFound.
func (u *Unsubscriber) Preview(ctx context.Context, token string) (Target, board.Subscription, error) {
	t, err := u.Links.Check(token)
	if err != nil {
		return Target{}, board.Subscription{}, err
	}
	if t.Sub == 0 {
		return t, board.Subscription{}, nil
	}
	s, err := u.Store.LinkSubscription(ctx, t.User, t.Sub)
	return t, s, err
}

// Apply stops what the token names. A bad token is KindNotFound and changes nothing; applying a
// link twice is not an error (a mail client may retry the POST).
func (u *Unsubscriber) Apply(ctx context.Context, token string) (Target, error) {
	t, err := u.Links.Check(token)
	if err != nil {
		return Target{}, err
	}
	err = u.Store.StopMail(ctx, t.User, t.Sub)
	if t.Sub != 0 && citypact.KindOf(err) == citypact.KindNotFound {
		return t, nil // already gone
	}
	return t, err
}
