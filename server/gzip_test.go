package server

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"sync"
	"testing"
)

// Pooled writers, shared by concurrent responses, each write a gzip
// stream the standard library reads back as exactly its own body.
func TestGzipPoolCompressesEachBodyAlone(t *testing.T) {
	var p gzipPool
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := bytes.Repeat(fmt.Appendf(nil, `{"id":"feature-%d","n":%d},`, i, i*i), 200+i*37)
			for range 5 {
				z, err := p.compress(body)
				if err != nil {
					errs <- err
					return
				}
				zr, err := gzip.NewReader(bytes.NewReader(z))
				if err != nil {
					errs <- err
					return
				}
				got, err := io.ReadAll(zr)
				if err != nil || !bytes.Equal(got, body) {
					errs <- fmt.Errorf("body %d: read back %d bytes (%v), want its %d", i, len(got), err, len(body))
					return
				}
				if len(z) >= len(body)/4 {
					errs <- fmt.Errorf("body %d: %d bytes compressed to %d", i, len(body), len(z))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Responses made from pooled buffers keep their own bodies, compressed or
// not, while other responses reuse the buffers.
func TestResponsesOutliveTheirBuffers(t *testing.T) {
	var p gzipPool
	type made struct {
		body []byte
		res  *cachedResponse
	}
	out := make(chan made, 64*5)
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 5 {
				// Bodies both sides of gzipMinLength.
				body := bytes.Repeat(fmt.Appendf(nil, `{"id":"f-%d-%d"},`, i, j), 1+(i%8)*40)
				buf := p.buffer()
				buf.Write(body)
				res, err := newResponse(buf.Bytes(), mediaJSON, "", `"e"`, &p)
				p.recycle(buf)
				if err != nil {
					t.Error(err)
					return
				}
				out <- made{body, res}
			}
		}()
	}
	wg.Wait()
	close(out)
	for m := range out {
		got := m.res.body
		if m.res.encoding == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(got))
			if err != nil {
				t.Fatal(err)
			}
			if got, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, m.body) {
			t.Fatalf("a response holds %.60q..., want %.60q...", got, m.body)
		}
	}
}
