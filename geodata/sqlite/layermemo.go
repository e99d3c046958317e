package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"sync"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
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
	layers []geodata.Layer
	// spans holds, by layer id, its features' largest bounding-box width
	// and height.
	spans map[string]orb.Point
}

const selectGeneration = `SELECT generation FROM meta WHERE id = 1`

// get returns the layers as of now, computing them when the generation
// moved on. Callers wait for one computation rather than run their own.
func (m *layerMemo) get(ctx context.Context, r *sql.DB) ([]geodata.Layer, error) {
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
	return cloneLayers(m.layers), nil
}

// at returns one layer as the read transaction tx sees it, and its
// features' largest bounding-box width and height, computing them in tx
// when the generation moved on; tx then needs no second connection. ok
// is false when there is no such layer.
func (m *layerMemo) at(ctx context.Context, tx *sql.Tx, id string) (l geodata.Layer, span orb.Point, ok bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.refresh(ctx, tx); err != nil {
		return geodata.Layer{}, orb.Point{}, false, err
	}
	for _, l := range m.layers {
		if l.ID == id {
			return l, m.spans[id], true, nil
		}
	}
	return geodata.Layer{}, orb.Point{}, false, nil
}

// refresh brings the memo to the generation tx sees. The caller holds mu.
func (m *layerMemo) refresh(ctx context.Context, tx *sql.Tx) error {
	var gen int64
	if err := tx.QueryRowContext(ctx, selectGeneration).Scan(&gen); err != nil {
		return err
	}
	if m.valid && m.gen == gen {
		return nil
	}
	layers, spans, err := queryLayers(ctx, tx)
	if err != nil {
		return err
	}
	m.gen, m.valid, m.layers, m.spans = gen, true, layers, spans
	return nil
}

// cloneLayers copies layers deep enough that a caller's changes do not
// reach the memo.
func cloneLayers(layers []geodata.Layer) []geodata.Layer {
	out := slices.Clone(layers)
	for i := range out {
		out[i].Queryables = slices.Clone(out[i].Queryables)
		if t := out[i].Temporal; t != nil {
			tc := *t
			out[i].Temporal = &tc
		}
	}
	return out
}
