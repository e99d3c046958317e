package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logFlushAfter is how long a log line may wait in logBuffer before it is
// written out.
const logFlushAfter = 100 * time.Millisecond

// logBuffer gathers log lines bound for w and writes them in batches: when
// 32 KiB have gathered, logFlushAfter after the first line not yet
// written, and at Close. The server logs a line for every request, and
// writing each with a system call of its own cost a few percent of a
// cached response; batched, a busy server makes tens of writes a second
// instead of thousands. The price is that a crash (not a panic in a
// handler, which is recovered and logged) loses the last logFlushAfter of
// lines.
type logBuffer struct {
	mu    sync.Mutex
	w     *bufio.Writer
	timer *time.Timer // runs flush while lines wait
	armed bool
}

func newLogBuffer(w io.Writer) *logBuffer {
	b := &logBuffer{w: bufio.NewWriterSize(w, 32<<10)}
	b.timer = time.AfterFunc(time.Hour, b.flush)
	b.timer.Stop()
	return b
}

// Write keeps p, a whole log record as slog writes it, for the next batch.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.w.Write(p)
	if !b.armed && b.w.Buffered() > 0 {
		b.armed = true
		b.timer.Reset(logFlushAfter)
	}
	return n, err
}

func (b *logBuffer) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.armed = false
	b.w.Flush()
}

// Close writes out what is left. Lines logged after it still go out, a
// batch at a time.
func (b *logBuffer) Close() error {
	b.timer.Stop()
	b.flush()
	return nil
}
