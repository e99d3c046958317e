#!/usr/bin/env bash
# bench/scale.sh: casmap at a million incidents, run by `make bench-scale`.
#
# Makes the database once (casmap seed, then casmap gen --incidents N into
# $SCALE_DIR, default ~/.cache/casmap-bench, kept for later runs), starts
# casmap on it, and prints each figure with the command behind it:
# random viewports, clusters at zooms 3-12 with and without each filter,
# stats, a walk through every page by next, near=, tiles at zooms 4, 8 and
# 12, the hostile loads of issue 9 (statuses, /healthz, peak RSS), then
# export and import of the whole layer (time and peak RSS) and the store's
# Go benchmarks on the same file. Figures only: nothing here passes or
# fails on time. The PostGIS half (issue 10) is bench/postgis.sh, which
# make bench-scale runs after this one.
#
# SCALE_N=N changes the size (default 1000000); SCALE_QUICK=1 shortens the
# runs; SCALE_KEEP=1 keeps the temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CASMAP_BIN:-bin/casmap}
N=${SCALE_N:-1000000}
DIR=${SCALE_DIR:-$HOME/.cache/casmap-bench}
DB=$DIR/incidents-$N.db
if [ "${SCALE_QUICK:-}" = 1 ]; then D=5s REPS=20; else D=20s REPS=100; fi
for tool in curl go; do command -v "$tool" >/dev/null || { echo "bench-scale: $tool not found" >&2; exit 1; }; done
[ -x /usr/bin/time ] || { echo "bench-scale: /usr/bin/time not found: apt-get install time" >&2; exit 1; }
[ -x "$BIN" ] || { echo "bench-scale: $BIN not found; run make build first" >&2; exit 1; }

TMP=$(mktemp -d)
SERVER=""
cleanup() {
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
	if [ "${SCALE_KEEP:-}" = 1 ]; then echo "bench-scale: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# timed runs a command under /usr/bin/time and prints its wall time and
# peak RSS with the command.
timed() {
	local label=$1; shift
	/usr/bin/time -f "%e %M" -o "$TMP/time" "$@" > "$TMP/out" 2>&1 || { cat "$TMP/out" >&2; exit 1; }
	read -r secs kb < "$TMP/time"
	echo "$label: ${secs} s, peak RSS $((kb / 1024)) MB   ($*)"
}

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), $N incidents"
go build -o "$TMP/scale" ./bench/scale
mkdir -p "$DIR"
if [ ! -f "$DB" ]; then
	rm -f "$DB.new" "$DB.new-wal" "$DB.new-shm"
	"$BIN" seed --db "$DB.new" >/dev/null
	timed "gen $N incidents" "$BIN" gen --incidents "$N" --db "$DB.new"
	mv "$DB.new" "$DB"
else
	echo "gen: cached database $DB ($(du -m "$DB" | cut -f1) MB)"
fi

PORT=$(( 20000 + RANDOM % 20000 ))
BASE=http://127.0.0.1:$PORT
start=$(date +%s.%N)
"$BIN" serve --addr "127.0.0.1:$PORT" --db "$DB" > "$TMP/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 600); do curl -fs -o /dev/null "$BASE/healthz" && break; sleep 0.1; done
echo "start: /healthz answers after $(echo "$(date +%s.%N) - $start" | bc) s   ($BIN serve --db $DB)"
t=$(curl -s -o /dev/null -w '%{time_total}' "$BASE/api/collections/incidents/stats")
echo "first stats (builds the aggregate): ${t} s, RSS $(( $(awk '/VmRSS/ {print $2}' /proc/$SERVER/status) / 1024 )) MB   (curl $BASE/api/collections/incidents/stats)"

run() { echo "\$ scale $*" >&2; "$TMP/scale" -base "$BASE" "$@"; }
run -mode viewports -duration "$D" -conns 8
filters=("" "&category=attack" "&confidence=confirmed" "&actor_group=ISKP" "&country=AFG" "&datetime=2022-01-01/2022-12-31" "&fatalities=5/..")
paths=()
for z in 3 5 8 10 12; do
	for f in "${filters[@]}"; do paths+=("/api/collections/incidents/clusters?zoom=$z&bbox={box:$z}$f"); done
done
run -mode latency -n "$REPS" "${paths[@]}"
run -mode latency -n "$REPS" \
	"/api/collections/incidents/stats?bbox={box:5}" \
	"/api/collections/incidents/stats?bbox={box:8}&category=attack" \
	"/api/collections/incidents/items?near=tapi&within_km=2{n}&limit=10" \
	"/api/collections/incidents/items?near=borders/afg&within_km=1{n}&limit=100" \
	"/api/collections/incidents/items?actor=ISKP&limit=10&bbox={box:6}" \
	"/api/collections/incidents/tiles/WebMercatorQuad/{tile:4}" \
	"/api/collections/incidents/tiles/WebMercatorQuad/{tile:8}" \
	"/api/collections/incidents/tiles/WebMercatorQuad/{tile:12}"
run -mode walk -limit 10000
run -mode hostile -pid "$SERVER"
echo "server peak RSS over the whole run: $(( $(awk '/VmHWM/ {print $2}' /proc/$SERVER/status) / 1024 )) MB"
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""

timed "export $N incidents as GeoJSON" "$BIN" export --layer incidents --db "$DB" "$TMP/all.geojson"
echo "export size: $(du -m "$TMP/all.geojson" | cut -f1) MB"
"$BIN" seed --db "$TMP/import.db" >/dev/null
timed "import $N incidents from GeoJSON" "$BIN" import --layer incidents --db "$TMP/import.db" "$TMP/all.geojson"
rm -f "$TMP/all.geojson" "$TMP"/import.db*

echo "\$ CASMAP_BENCH_DB=$DB go test -run '^\$' -bench Scale ./geodata/sqlite"
CASMAP_BENCH_DB=$DB go test -run '^$' -bench Scale -benchtime=${SCALE_BENCHTIME:-2s} ./geodata/sqlite | grep -E '^Benchmark|ns/op'
