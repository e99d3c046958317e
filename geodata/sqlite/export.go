package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/casmap/casmap/geodata"
)

const exportFeatures = `SELECT f.id, f.properties, f.geometry FROM features AS f INDEXED BY features_list
WHERE f.layer = ? ORDER BY f.rid`

// Export streams every feature of a layer, in listing order, from one
// snapshot of the data: it calls begin with the version of the snapshot
// (what a file written from it names), then yield for each feature.
// Memory holds one feature at a time.
func (db *DB) Export(ctx context.Context, layer string, begin func(geodata.Version) error, yield func(geodata.Feature) error) error {
	return db.export(ctx, layer, false, begin, yield)
}

// ExportRaw is Export handing each feature's properties as the JSON text
// kept (Feature.RawProperties), undecoded, for a writer of JSON.
func (db *DB) ExportRaw(ctx context.Context, layer string, begin func(geodata.Version) error, yield func(geodata.Feature) error) error {
	return db.export(ctx, layer, true, begin, yield)
}

func (db *DB) export(ctx context.Context, layer string, raw bool, begin func(geodata.Version) error, yield func(geodata.Feature) error) error {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: export %s: %w", layer, err)
	}
	defer tx.Rollback()
	if _, _, err := db.layers.at(ctx, tx, layer); err != nil {
		return err
	}
	v, err := versionIn(ctx, tx)
	if err != nil {
		return err
	}
	if err := begin(v); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, exportFeatures, layer)
	if err != nil {
		return fmt.Errorf("sqlite: export %s: %w", layer, err)
	}
	defer rows.Close()
	for n := 0; rows.Next(); n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return fmt.Errorf("sqlite: export %s: %w", layer, ctx.Err())
		}
		f, err := scanFeatureAs(rows, raw)
		if err != nil {
			return fmt.Errorf("sqlite: export %s: %w", layer, err)
		}
		if err := yield(f); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: export %s: %w", layer, err)
	}
	return nil
}
