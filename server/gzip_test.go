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
