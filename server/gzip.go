package server

import (
	"bytes"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// gzipPool compresses bodies with writers it keeps for reuse: a new
// writer allocates and clears some hundred kilobytes of tables, which on a
// small page costs more than compressing it. klauspost/compress writes the
// same format about twice as fast as the standard library at the same
// level.
type gzipPool struct {
	writers sync.Pool
	// bufs holds buffers to encode bodies into: a page grown from
	// nothing reallocates a dozen times on its way to 67 KB.
	bufs sync.Pool
}

// maxPooledBuffer is the largest buffer kept for reuse.
const maxPooledBuffer = 1 << 20

// buffer returns an empty buffer to encode a body into; recycle takes it
// back once the body is compressed or copied. A nil pool hands out new
// buffers.
func (p *gzipPool) buffer() *bytes.Buffer {
	if p != nil {
		if b, ok := p.bufs.Get().(*bytes.Buffer); ok {
			return b
		}
	}
	return new(bytes.Buffer)
}

// recycle takes back a buffer from buffer.
func (p *gzipPool) recycle(b *bytes.Buffer) {
	if p == nil || b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	p.bufs.Put(b)
}

// writer returns a writer compressing into w at the fastest level. Every
// miss (a new bbox, say) pays the compression: for a page of 100
// incidents (67 KB) the default level took 20% of the request's CPU at a
// million incidents, and the fastest takes about half that for 5.4 KB
// instead of 4.5 KB (a 520 KB page of borders: 187 KB instead of 173).
func (p *gzipPool) writer(w io.Writer) *gzip.Writer {
	if zw, ok := p.writers.Get().(*gzip.Writer); ok {
		zw.Reset(w)
		return zw
	}
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed) // a valid level
	return zw
}

// done takes back a writer once closed.
func (p *gzipPool) done(zw *gzip.Writer) { p.writers.Put(zw) }

// compress returns b gzipped.
func (p *gzipPool) compress(b []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(b) / 3)
	zw := p.writer(&out)
	defer p.done(zw)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
