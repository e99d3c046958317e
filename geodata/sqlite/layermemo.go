package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"sync"

	"github.com/casmap/casmap/geodata"
)

// layerMemo remembers the layers, with what their features say about them,
// for one generation of the data. Counting a layer and finding its extent
// and time span reads every row of it: seconds for a million incidents,
// and every items request needs its layer. Every write bumps the
// generation, in this process or another, so a remembered answer is
// always that of the data as it is. The zero value is ready to use.
type layerMemo struct {
	mu     sync.Mutex
	gen    int64
	valid  bool
	layers []layerRow
	// generation is selectGeneration prepared on the read pool, so the
	// two looks of every request (its layer, then its page) parse none.
	generation *sql.Stmt
}

const selectGeneration = `SELECT generation FROM meta WHERE id = 1`

// get returns the layers as of now, computing them when the generation
// moved on. Callers wait for one computation rather than run their own.
func (m *layerMemo) get(ctx context.Context, r *sql.DB) ([]geodata.Layer, error) {
	// Most often the generation is the one remembered: one look at it,
	// without a transaction's BEGIN and ROLLBACK, is enough.
	var gen int64
	if err := m.generation.QueryRowContext(ctx).Scan(&gen); err != nil {
		return nil, err
	}
	if layers, ok := m.ifAt(gen); ok {
		return layers, nil
	}
	// One read transaction, so the generation and the layers agree.
	tx, err := r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.refresh(ctx, tx); err != nil {
		return nil, err
	}
	return m.copyLayers(), nil
}

// ifAt returns the layers remembered when they are those of generation
// gen.
func (m *layerMemo) ifAt(gen int64) ([]geodata.Layer, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.valid || m.gen != gen {
		return nil, false
	}
	return m.copyLayers(), true
}

// copyLayers returns a copy of the layers remembered. The caller holds mu.
func (m *layerMemo) copyLayers() []geodata.Layer {
	out := make([]geodata.Layer, len(m.layers))
	for i, l := range m.layers {
		out[i] = l.Layer
	}
	return cloneLayers(out)
}

// at returns one layer as the read transaction tx sees it, and the
// generation of the data it belongs to, computing them in tx when the
// generation moved on; tx then needs no second connection. It returns an
// error wrapping geodata.ErrNotFound when there is no such layer.
func (m *layerMemo) at(ctx context.Context, tx *sql.Tx, id string) (layerRow, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.refresh(ctx, tx); err != nil {
		return layerRow{}, 0, err
	}
	for _, l := range m.layers {
		if l.ID == id {
			l.Queryables = slices.Clone(l.Queryables)
			return l, m.gen, nil
		}
	}
	return layerRow{}, 0, geodata.NotFoundf("layer %q does not exist", id)
}

// refresh brings the memo to the generation tx sees. The caller holds mu.
func (m *layerMemo) refresh(ctx context.Context, tx *sql.Tx) error {
	var gen int64
	if err := tx.StmtContext(ctx, m.generation).QueryRowContext(ctx).Scan(&gen); err != nil {
		return err
	}
	if m.valid && m.gen == gen {
		return nil
	}
	layers, err := queryLayers(ctx, tx)
	if err != nil {
		return err
	}
	m.gen, m.valid, m.layers = gen, true, layers
	return nil
}

// cloneLayers copies layers deep enough that a caller's changes do not
// reach the memo.
func cloneLayers(layers []geodata.Layer) []geodata.Layer {
	out := slices.Clone(layers)
	for i := range out {
		out[i].Queryables = slices.Clone(out[i].Queryables)
		out[i].Properties = slices.Clone(out[i].Properties)
		if t := out[i].Temporal; t != nil {
			tc := *t
			out[i].Temporal = &tc
		}
	}
	return out
}

// countMemo remembers counts by key for one generation of the data.
type countMemo struct {
	mu  sync.Mutex
	gen int64
	m   map[string]int
}

func (c *countMemo) get(gen int64, key string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return 0, false
	}
	n, ok := c.m[key]
	return n, ok
}

func (c *countMemo) put(gen int64, key string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.gen != gen {
		c.gen, c.m = gen, map[string]int{}
	}
	// A memo of some thousand values is enough; past that, start over.
	if len(c.m) > 10000 {
		clear(c.m)
	}
	c.m[key] = n
}
