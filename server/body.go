package server

import (
	"bytes"
	"cmp"
	"errors"
	"io"

	"github.com/casmap/casmap/geodata"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// jsonMessage says what is wrong with a JSON body in a person's terms.
func jsonMessage(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the body is empty or ends too early"
	}
	return cmp.Or(geodata.JSONProblem(err), "malformed JSON")
}
