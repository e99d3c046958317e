package geodata

import (
	"encoding/base64"
	"encoding/binary"
)

// Both stores list a layer in the order of an integer row key they
// assign, and page through it by keyset: a cursor is the key of the last
// feature a page covered, so the next page starts right after it, costs
// the same at any depth, and never skips or repeats a feature that stays
// put while others are written. It is written as a format byte and the
// key as a varint, in URL-safe base64.
const cursorFormat = 'r'

// KeyCursor returns the cursor that continues after row key k.
func KeyCursor(k int64) Cursor {
	b := binary.AppendVarint([]byte{cursorFormat}, k)
	return Cursor(base64.RawURLEncoding.EncodeToString(b))
}

// CursorKey returns the row key a cursor continues after; the empty
// cursor is the start, before every key. A cursor this package did not
// make is an error wrapping ErrInvalid.
func CursorKey(c Cursor) (int64, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(string(c))
	if err != nil || len(b) < 2 || b[0] != cursorFormat {
		return 0, badCursor()
	}
	k, n := binary.Varint(b[1:])
	if n != len(b)-1 || k < 0 {
		return 0, badCursor()
	}
	return k, nil
}

func badCursor() error {
	return Invalidf("cursor is not one this server made: follow the next link of a page, or start without a cursor")
}
