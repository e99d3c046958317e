package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/casmap/casmap/geodata"
)

const selectSeedVersions = `SELECT id, seed_version FROM layers`

// SeedVersions returns the seed version each layer was last seeded with,
// by layer id ("" for a layer seeded before versions were kept, or from
// data without one). A new database has none.
func (db *DB) SeedVersions(ctx context.Context) (map[string]string, error) {
	out, err := seedVersions(ctx, db.r)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read seed versions: %w", err)
	}
	return out, nil
}

// rowQuerier is what seedVersions reads through: the read pool or a
// transaction.
type rowQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func seedVersions(ctx context.Context, q rowQuerier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, selectSeedVersions)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}

// SeedLayers brings the database's seeded layers up to date with data. In
// one transaction it writes each layer of data that the database lacks or
// holds with another seed version (every layer when force is set): the
// layer's metadata and version, and its seed features in place of the old
// ones. Imported features stay, and a seed feature with the id of an
// imported one is skipped: a person's copy wins. Layers whose version is
// unchanged are left as they are, as are layers data does not name. The
// data version changes only when a layer was written. It returns the ids
// of the layers it wrote, in data's order; none for empty data.
func (db *DB) SeedLayers(ctx context.Context, data []geodata.LayerData, force bool) ([]string, error) {
	if len(data) == 0 {
		return nil, nil
	}
	rows, err := encodeSeed(data)
	if err != nil {
		return nil, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: seed: %w", err)
	}
	defer tx.Rollback()
	held, err := seedVersions(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: seed: %w", err)
	}
	now := time.Now()
	var written []string
	for i, ld := range data {
		if v, ok := held[ld.Layer.ID]; ok && v == ld.Version && !force {
			continue
		}
		if err := seedLayer(ctx, tx, ld, rows[i], now); err != nil {
			return nil, fmt.Errorf("sqlite: seed layer %s: %w", ld.Layer.ID, err)
		}
		written = append(written, ld.Layer.ID)
	}
	if len(written) == 0 {
		return nil, nil
	}
	if err := bump(ctx, tx); err != nil {
		return nil, fmt.Errorf("sqlite: seed: %w", err)
	}
	if err := db.commit(tx); err != nil {
		return nil, fmt.Errorf("sqlite: seed: %w", err)
	}
	return written, nil
}

// encodeSeed checks data's layers (an id each, no id twice) and encodes
// their features before any transaction starts.
func encodeSeed(data []geodata.LayerData) ([][]featureRow, error) {
	rows := make([][]featureRow, len(data))
	seen := make(map[string]bool, len(data))
	for i, ld := range data {
		if ld.Layer.ID == "" {
			return nil, geodata.Invalidf("seed layer %d has no id", i+1)
		}
		if seen[ld.Layer.ID] {
			return nil, geodata.Invalidf("seed layer %q appears twice", ld.Layer.ID)
		}
		seen[ld.Layer.ID] = true
		r, err := encodeFeatures(ld.Features)
		if err != nil {
			return nil, fmt.Errorf("sqlite: seed layer %s: %w", ld.Layer.ID, err)
		}
		rows[i] = r
	}
	return rows, nil
}
