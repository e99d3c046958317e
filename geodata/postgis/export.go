package postgis

import (
	"context"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5"
)

const exportFeatures = `SELECT f.id, f.properties, f.geom FROM features AS f WHERE f.layer = $1 ORDER BY f.rid`

// Export streams every feature of a layer, in listing order, from one
// snapshot of the data: it calls begin with the version of the snapshot
// (what a file written from it names), then yield for each feature.
// Memory holds one feature at a time.
func (db *DB) Export(ctx context.Context, layer string, begin func(geodata.Version) error, yield func(geodata.Feature) error) error {
	if _, err := db.Layer(ctx, layer); err != nil {
		return err
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return wrap(ctx, err, "export %s", layer)
	}
	defer tx.Rollback(context.Background())
	snap, err := db.version.readOn(ctx, tx)
	if err != nil {
		return wrap(ctx, err, "export %s", layer)
	}
	if err := begin(db.version.version(snap)); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, exportFeatures, layer)
	if err != nil {
		return wrap(ctx, err, "export %s", layer)
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFeature(rows)
		if err != nil {
			return wrap(ctx, err, "export %s", layer)
		}
		if err := yield(f); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return wrap(ctx, err, "export %s", layer)
	}
	return nil
}
