package geodata

import (
	"errors"
	"fmt"
)

// Kinds of error that callers map to responses. Wrap them with Invalidf or
// NotFoundf so the message a person reads says what went wrong.
var (
	// ErrNotFound means the layer or feature asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the input could not be understood or breaks a rule.
	ErrInvalid = errors.New("invalid input")
)

// Error is a domain error: a kind (ErrNotFound, ErrInvalid) and a message
// fit to show to the person who caused it.
type Error struct {
	Kind    error
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the kind, so errors.Is(err, ErrInvalid) works.
func (e *Error) Unwrap() error { return e.Kind }

// Invalidf returns an ErrInvalid error with a formatted message.
func Invalidf(format string, args ...any) error {
	return &Error{Kind: ErrInvalid, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf returns an ErrNotFound error with a formatted message.
func NotFoundf(format string, args ...any) error {
	return &Error{Kind: ErrNotFound, Message: fmt.Sprintf(format, args...)}
}

// kindf returns an error of kind with a formatted message.
func kindf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Message returns the message of a domain error in err's chain, or fallback
// when there is none, so internal details never reach a client.
func Message(err error, fallback string) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return fallback
}
