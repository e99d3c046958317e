package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
)

// BenchmarkOpenSeeded is what every start pays before it serves: opening
// a database that already holds the current seed.
func BenchmarkOpenSeeded(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "casmap.db")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := openSeeded(ctx, path, logger)
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	b.ResetTimer()
	for b.Loop() {
		db, err := openSeeded(ctx, path, logger)
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}
