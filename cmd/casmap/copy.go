package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/casmap/casmap/geodata"
)

// copyCmd moves a whole database into a new, empty one: SQLite to PostGIS
// or back, or between two of a kind.
func copyCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("copy", &cfg, false)
	from := fs.String("from", "", "the database to copy: a SQLite `FILE` or a postgres:// URL")
	to := fs.String("to", "", "the new database to fill: a SQLite `FILE` (created) or a postgres:// URL of an empty database")
	if err := parseFlags(fs, args, getenv, stdout); err != nil {
		return err
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		return usageError("copy", "give --from and --to, and nothing else")
	}
	if *from == *to {
		return usageError("copy", "--from and --to name the same database")
	}
	src, err := openExisting(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openStore(ctx, *to, "", nil)
	if err != nil {
		return err
	}
	defer dst.Close()
	start := time.Now()
	var v geodata.Version
	count := &countingSink{}
	err = dst.CopyIn(ctx, func(sink geodata.Sink) error {
		count.Sink = sink
		var err error
		v, err = src.CopyOut(ctx, count)
		return err
	})
	if err != nil {
		return fmt.Errorf("copy %s to %s: %w (nothing was written to %s)", dbName(*from), dbName(*to), err, dbName(*to))
	}
	fmt.Fprintf(stdout, "copied %s and %s (%d of them imported), with the history of %s and %s, from %s (version %s) to %s in %s\n",
		plural(count.layers, "layer"), plural(count.features, "feature"), count.imported, plural(count.revisions, "write"), plural(count.proposals, "proposal"), dbName(*from), v, dbName(*to), time.Since(start).Round(time.Millisecond))
	return nil
}

// countingSink passes a copy on, counting what goes by. Both stores'
// sinks keep the history (geodata.HistorySink), so it is passed on too.
type countingSink struct {
	geodata.Sink
	layers, features, imported int
	revisions, proposals       int
}

var _ geodata.HistorySink = (*countingSink)(nil)

func (c *countingSink) history() (geodata.HistorySink, error) {
	hs, ok := c.Sink.(geodata.HistorySink)
	if !ok {
		return nil, fmt.Errorf("the database copied into cannot keep a history")
	}
	return hs, nil
}

func (c *countingSink) CopyGenerations(ctx context.Context, generation, since int64) error {
	hs, err := c.history()
	if err != nil {
		return err
	}
	return hs.CopyGenerations(ctx, generation, since)
}

func (c *countingSink) CopyRevision(ctx context.Context, r geodata.CopiedRevision) error {
	c.revisions++
	hs, err := c.history()
	if err != nil {
		return err
	}
	return hs.CopyRevision(ctx, r)
}

func (c *countingSink) CopyChange(ctx context.Context, ch geodata.CopiedChange) error {
	hs, err := c.history()
	if err != nil {
		return err
	}
	return hs.CopyChange(ctx, ch)
}

func (c *countingSink) CopyProposal(ctx context.Context, p geodata.CopiedProposal) error {
	c.proposals++
	hs, err := c.history()
	if err != nil {
		return err
	}
	return hs.CopyProposal(ctx, p)
}

func (c *countingSink) CopyLayer(ctx context.Context, ld geodata.LayerData) error {
	c.layers++
	return c.Sink.CopyLayer(ctx, ld)
}

func (c *countingSink) CopyFeature(ctx context.Context, layer string, f geodata.Feature, origin string) error {
	c.features++
	if origin == geodata.OriginImport {
		c.imported++
	}
	return c.Sink.CopyFeature(ctx, layer, f, origin)
}
