package citypact

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it. Each surface maps a kind once:
// to an HTTP status and problem+json in the API, an error page or form errors in HTML, an exit code
// in the CLI.
type Kind uint8

const (
	KindInternal        Kind = iota // a bug or an unavailable dependency; details go to the log only
	KindInvalid                     // the input is wrong; Fields says where
	KindNotFound                    // the thing does not exist or the actor may not know it exists
	KindConflict                    // the request clashes with stored state (duplicate, still referenced)
	KindForbidden                   // the actor is known but may not do this
	KindUnauthenticated             // the actor must sign in (or present a valid token) first
	KindTooMany                     // throttled; try again later
)

func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindNotFound:
		return "not_found"
	case KindConflict:
		return "conflict"
	case KindForbidden:
		return "forbidden"
	case KindUnauthenticated:
		return "unauthenticated"
	case KindTooMany:
		return "too_many_requests"
	}
	return "internal"
}

// FieldError names one wrong input. Key is an i18n message key (e.g. "password.too_short"), so
// each surface can say it in the reader's language; Args fill its {placeholders}.
type FieldError struct {
	Field string
	Key   string
	Args  []string
}

// Error is the one error type that crosses package borders carrying a Kind.
// Message is an i18n key for a whole-request message (may be empty); Err is the wrapped cause,
// which is logged but never shown to users.
type Error struct {
	Kind    Kind
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	s := e.Kind.String()
	if e.Message != "" {
		s += ": " + e.Message
	}
	for _, f := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f.Field, f.Key)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k whose message key is msg.
func Errorf(k Kind, msg string) error { return &Error{Kind: k, Message: msg} }

// Invalid returns a KindInvalid error with the given field errors.
func Invalid(fields ...FieldError) error { return &Error{Kind: KindInvalid, Fields: fields} }

// NotFound reports that what was asked for does not exist (for this actor).
func NotFound(what string) error {
	return &Error{Kind: KindNotFound, Message: "error.not_found", Err: errors.New(what)}
}

// Forbidden reports an authenticated actor acting beyond its rights.
func Forbidden(why string) error {
	return &Error{Kind: KindForbidden, Message: "error.forbidden", Err: errors.New(why)}
}

// Conflict reports a clash with stored state; msg is an i18n key.
func Conflict(msg string) error { return &Error{Kind: KindConflict, Message: msg} }

// ErrUnauthenticated is returned when an action needs a signed-in actor.
var ErrUnauthenticated = &Error{Kind: KindUnauthenticated, Message: "error.unauthenticated"}

// KindOf reports the Kind of err: that of the outermost *Error in its chain, KindInternal otherwise.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// FieldsOf returns the field errors carried by err, if any.
func FieldsOf(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// MessageOf returns the i18n key of err's whole-request message, or "".
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

// Wrap annotates *errp with op when it is non-nil, keeping its chain (and so its Kind) intact.
// Use it once per function boundary: defer citypact.Wrap(&err, "store.CreateUser(%q)", email).
func Wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}
