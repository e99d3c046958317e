package postgis_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/postgis"
	"github.com/casmap/casmap/geodata/seed"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/paulmach/orb/geojson"
)

// BenchmarkGeometryRead measures the two ways a geometry can leave
// PostGIS for orb: the column's own binary form (EWKB) decoded by orb's
// ewkb, against ST_AsGeoJSON decoded by orb's geojson. The store reads
// EWKB; this says why.
func BenchmarkGeometryRead(b *testing.B) {
	ctx := context.Background()
	dsn := pg.Database(b)
	db, err := postgis.Open(ctx, dsn, postgis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	data, err := seed.Load()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Seed(ctx, data, false); err != nil {
		b.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, layer := range []string{geodata.LayerIncidents, geodata.LayerBorders} {
		b.Run(layer+"/ewkb", func(b *testing.B) {
			for b.Loop() {
				rows, err := conn.Query(ctx, `SELECT ST_AsEWKB(geom) FROM features WHERE layer = $1`, layer)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
					var raw []byte
					if err := rows.Scan(&raw); err != nil {
						b.Fatal(err)
					}
					if _, _, err := ewkb.Unmarshal(raw); err != nil {
						b.Fatal(err)
					}
				}
				rows.Close()
			}
		})
		b.Run(layer+"/geojson", func(b *testing.B) {
			for b.Loop() {
				rows, err := conn.Query(ctx, `SELECT ST_AsGeoJSON(geom) FROM features WHERE layer = $1`, layer)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
					var raw []byte
					if err := rows.Scan(&raw); err != nil {
						b.Fatal(err)
					}
					var g geojson.Geometry
					if err := json.Unmarshal(raw, &g); err != nil {
						b.Fatal(fmt.Errorf("%w: %s", err, raw))
					}
				}
				rows.Close()
			}
		})
	}
}
