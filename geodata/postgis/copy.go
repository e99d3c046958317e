package postgis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
)

// featureSeq is a stream of features to write, each with the error met
// reading it.
type featureSeq = iter.Seq2[geodata.Feature, error]

// spatialImportMin is the size from which an import is written in
// spatial order: below it, a layer stays in the order its file gave.
const spatialImportMin = 1000

// slicesSeq streams a slice.
func slicesSeq(features []geodata.Feature) featureSeq {
	return func(yield func(geodata.Feature, error) bool) {
		for _, f := range features {
			if !yield(f, nil) {
				return
			}
		}
	}
}

const (
	// createStaging makes the table a write streams into with COPY before
	// one INSERT moves the rows into features: the checks that need every
	// row (a repeated id) run there, and nothing reaches features unless
	// all of it does.
	createStaging = `CREATE TEMP TABLE staging (
	n int NOT NULL, id text NOT NULL, properties jsonb NOT NULL, geom geometry NOT NULL,
	minx float8 NOT NULL, miny float8 NOT NULL, maxx float8 NOT NULL, maxy float8 NOT NULL,
	t_start bigint, t_end bigint
) ON COMMIT DROP`
	// firstRepeat finds the first row whose id an earlier row has.
	firstRepeat = `SELECT n, id, first FROM (
	SELECT n, id, min(n) OVER (PARTITION BY id) AS first FROM staging) AS s
WHERE n > first ORDER BY n LIMIT 1`
	moveStaging = `INSERT INTO features
	(layer, id, origin, properties, qprops, geom, minx, miny, maxx, maxy, t_start, t_end)
SELECT $1, s.id, $2, s.properties, casmap_qprops(s.properties, l.queryables), ST_SetSRID(s.geom, 4326),
	s.minx, s.miny, s.maxx, s.maxy, s.t_start, s.t_end
FROM staging AS s, layers AS l WHERE l.id = $1 ORDER BY `
	onConflictSeed   = ` ON CONFLICT (layer, id) DO NOTHING`
	onConflictImport = ` ON CONFLICT (layer, id) DO UPDATE SET
	origin = 'import', properties = excluded.properties, qprops = excluded.qprops, geom = excluded.geom,
	minx = excluded.minx, miny = excluded.miny, maxx = excluded.maxx, maxy = excluded.maxy,
	t_start = excluded.t_start, t_end = excluded.t_end`
	// stagedProperties adds the property names of what was staged to the
	// layer's list.
	stagedProperties = `INSERT INTO layer_properties (layer, name)
SELECT DISTINCT $1::text, k FROM staging AS s, jsonb_object_keys(s.properties) AS k
ON CONFLICT DO NOTHING`
	dropStaging = `DROP TABLE staging`
)

var stagingColumns = []string{"n", "id", "properties", "geom", "minx", "miny", "maxx", "maxy", "t_start", "t_end"}

// writeFeatures streams features into layer within tx, as origin ("seed"
// rows never replace a row with their id; "import" rows replace any), in
// the order given or, when spatial, in PostGIS's spatial order. It
// returns how many it read. Memory stays bounded by one row: COPY sends
// them as they come. beforeMove, when set, runs once the rows are staged
// and checked and before they reach features (an import bumps the
// version there, so the writers' lock is held for the move only).
func writeFeatures(ctx context.Context, tx pgx.Tx, layer geodata.Layer, origin string, features featureSeq, spatial bool, beforeMove func() error) (int, error) {
	if _, err := tx.Exec(ctx, createStaging); err != nil {
		return 0, err
	}
	src := &rowSource{ctx: ctx, kind: layer}
	src.next, src.stop = iter.Pull2(features)
	defer src.stop()
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"staging"}, stagingColumns, src); err != nil {
		if src.err != nil {
			return 0, src.err
		}
		return 0, copyError(err)
	}
	var n, first int
	var id string
	err := tx.QueryRow(ctx, firstRepeat).Scan(&n, &id, &first)
	if err == nil {
		return 0, geodata.Invalidf("feature %d (id %q): id already used by feature %d", n, id, first)
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, err
	}
	if beforeMove != nil && src.count > 0 {
		if err := beforeMove(); err != nil {
			return 0, err
		}
	}
	// A large import goes in along the map; a small one keeps its order.
	order := "s.n"
	if spatial && src.count >= spatialImportMin {
		order = "s.geom, s.n"
	}
	onConflict := onConflictImport
	if origin == geodata.OriginSeed {
		onConflict = onConflictSeed
	}
	if _, err := tx.Exec(ctx, moveStaging+order+onConflict, layer.ID, origin); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, stagedProperties, layer.ID); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, dropStaging); err != nil {
		return 0, err
	}
	return src.count, nil
}

// rowSource feeds COPY from a stream of features, encoding each as it
// comes.
type rowSource struct {
	ctx   context.Context
	kind  geodata.Layer // the layer's id and geometry kind, checked on each row
	next  func() (geodata.Feature, error, bool)
	stop  func()
	row   []any
	count int
	err   error
}

func (s *rowSource) Next() bool {
	if s.err != nil {
		return false
	}
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return false
	}
	f, err, ok := s.next()
	if !ok {
		return false
	}
	s.count++
	if err != nil {
		s.err = err
		return false
	}
	err = geodata.CheckGeometryKind(s.kind, f.Geometry)
	var r featureRow
	if err == nil {
		r, err = encodeFeature(f)
	}
	if err != nil {
		s.err = geodata.Invalidf("feature %d (id %q): %s", s.count, truncate(f.ID, 60), geodata.Message(err, err.Error()))
		return false
	}
	s.row = []any{s.count, r.id, r.properties, r.geometry, r.minx, r.miny, r.maxx, r.maxy, r.start, r.end}
	return true
}

func (s *rowSource) Values() ([]any, error) { return s.row, nil }
func (s *rowSource) Err() error             { return s.err }

// copyLine finds the row number in the context of an error from COPY.
var copyLine = regexp.MustCompile(`COPY staging, line (\d+)`)

// copyError turns an error PostgreSQL found in a row (one the checks of
// encodeFeature let through) into a message that names the row.
func copyError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	if m := copyLine.FindStringSubmatch(pe.Where); m != nil {
		n, _ := strconv.Atoi(m[1])
		return geodata.Invalidf("feature %d: %s", n, pe.Message)
	}
	return err
}

// featureRow is a feature encoded for the staging table.
type featureRow struct {
	id         string
	properties string
	geometry   []byte
	minx, miny float64
	maxx, maxy float64
	start, end *int64
}

func encodeFeature(f geodata.Feature) (featureRow, error) {
	if f.ID == "" {
		return featureRow{}, geodata.Invalidf("id is missing")
	}
	if !utf8.ValidString(f.ID) || strings.ContainsRune(f.ID, 0) {
		return featureRow{}, geodata.Invalidf("id is not UTF-8 text without NUL characters")
	}
	if f.Geometry == nil {
		return featureRow{}, geodata.Invalidf("geometry is missing")
	}
	b := f.Geometry.Bound()
	if b.IsEmpty() {
		return featureRow{}, geodata.Invalidf("geometry is empty")
	}
	for _, v := range []float64{b.Min.X(), b.Min.Y(), b.Max.X(), b.Max.Y()} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return featureRow{}, geodata.Invalidf("geometry has a coordinate that is not a finite number")
		}
	}
	if err := checkShape(f.Geometry); err != nil {
		return featureRow{}, err
	}
	geom, err := ewkb.Marshal(f.Geometry, 4326)
	if err != nil {
		return featureRow{}, geodata.Invalidf("geometry: %v", err)
	}
	props := f.Properties
	if props == nil {
		props = map[string]any{}
	}
	pjson, err := json.Marshal(props)
	if err != nil {
		return featureRow{}, geodata.Invalidf("properties: %v", err)
	}
	if bytes.Contains(pjson, []byte(`\u0000`)) {
		return featureRow{}, geodata.Invalidf("properties: text with a NUL character (\\u0000) cannot be stored")
	}
	r := featureRow{
		id: f.ID, properties: string(pjson), geometry: geom,
		minx: b.Min.X(), miny: b.Min.Y(), maxx: b.Max.X(), maxy: b.Max.Y(),
	}
	if from, to, ok := geodata.TimeSpan(props); ok {
		s, e := from.Unix(), to.Unix()
		r.start, r.end = &s, &e
	}
	return r, nil
}

// checkShape refuses what PostGIS refuses to store: lines of one point,
// rings of fewer than four points or that do not close, and empty parts.
func checkShape(g orb.Geometry) error {
	switch g := g.(type) {
	case orb.LineString:
		if len(g) < 2 {
			return geodata.Invalidf("a line needs at least 2 points, this one has %d", len(g))
		}
	case orb.MultiLineString:
		for _, l := range g {
			if err := checkShape(l); err != nil {
				return err
			}
		}
	case orb.Ring:
		if len(g) < 4 {
			return geodata.Invalidf("a polygon ring needs at least 4 points, this one has %d", len(g))
		}
		if !g.Closed() {
			return geodata.Invalidf("a polygon ring must end where it starts")
		}
	case orb.Polygon:
		if len(g) == 0 {
			return geodata.Invalidf("a polygon needs a ring")
		}
		for _, r := range g {
			if err := checkShape(r); err != nil {
				return err
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if err := checkShape(p); err != nil {
				return err
			}
		}
	case orb.Collection:
		for _, c := range g {
			if err := checkShape(c); err != nil {
				return err
			}
		}
	case orb.Point, orb.MultiPoint, orb.Bound:
	default:
		return geodata.Invalidf("geometry of type %T cannot be stored", g)
	}
	return nil
}
