#!/usr/bin/env bash
# bench/postgis.sh: the PostGIS half of `make bench-scale` (issue 10). It
# prints figures only, each with the command behind it, measured by the
# same driver as bench/scale.sh (bench/scale, the same random boxes):
#
#   1. the data: the N synthetic incidents of bench/scale.sh (its cached
#      SQLite file in SCALE_DIR, made with casmap gen when missing),
#      copied into PostGIS with casmap copy (time, peak RSS);
#   2. side by side, SQLite then PostGIS, one casmap pinned to core 0
#      (taskset): random jittered viewports (scale -mode viewports, 8
#      connections, gzip: throughput, p50, p99), then one request at a
#      time (scale -mode latency): clusters at zooms 3, 5, 8 and 12 over a
#      screen's view, stats, near=tapi, vector tiles at zooms 4, 8 and 12;
#      then casmap export of the whole layer and casmap import of that
#      file into a new database of the same kind (time, peak RSS);
#   3. the peer: PostgreSQL answering the viewport query itself (pgbench,
#      8 clients, a box jittered around a random incident as the driver
#      makes them, the SQL of the store's index path: the GiST box, by
#      rid, limit 101), throughput, p50 and p99;
#   4. PostGIS replicas behind Debian's nginx-light: random viewports
#      through nginx to one casmap (core 0), then to two (cores 0 and 1).
#
# The PostgreSQL cluster is a scratch one (Debian's postgresql-15 with
# PostGIS 3, as the tests use) in a temporary directory, run as the
# postgres user, on a free loopback port, stopped by its PID at the end.
# Needs nginx-light, curl, taskset, pgbench, /usr/bin/time, go; installs
# nothing. BENCH_N=100000 for a smaller set; BENCH_D=5s for shorter load
# runs; BENCH_REPS=N requests per latency path (default 50);
# BENCH_STORES=postgis measures one store only; BENCH_TRANSFER=0 leaves
# out the export and import (at a million, ten minutes each); BENCH_TIMEOUT=900 bounds
# each timed command; BENCH_KEEP=1 keeps the temporary directory.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=$(realpath "${CASMAP_BIN:-bin/casmap}")
N=${BENCH_N:-${SCALE_N:-1000000}}
D=${BENCH_D:-10s}
REPS=${BENCH_REPS:-50}
PGBIN=${CASMAP_PG_BINDIR:-/usr/lib/postgresql/15/bin}
for tool in nginx curl taskset bc go /usr/bin/time "$PGBIN/postgres" "$PGBIN/pgbench"; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool not found (apt-get install nginx-light curl time postgresql-15 postgresql-15-postgis-3)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench: $BIN not found; run make build first" >&2; exit 1; }

TMP=$(mktemp -d /tmp/casmap-bench-pg-XXXXXX)
chmod 755 "$TMP"
PIDS=()
PGPID=
PGWRAP=
cleanup() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [ -n "$PGPID" ]; then
		kill -INT "$PGPID" 2>/dev/null || true
		for _ in $(seq 600); do kill -0 "$PGPID" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$PGPID" 2>/dev/null; then echo "bench: PostgreSQL (PID $PGPID) still stopping; kept $TMP" >&2; return; fi
	fi
	if [ -n "$PGWRAP" ]; then wait "$PGWRAP" 2>/dev/null || true; fi
	if [ "${BENCH_KEEP:-}" = 1 ]; then echo "bench: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_up() {
	for _ in $(seq 600); do
		curl -fs -o /dev/null --max-time 1 "$1" && return 0
		sleep 0.1
	done
	echo "bench: $1 did not come up" >&2
	exit 1
}

# as_pg runs a command as the postgres user when this script runs as root.
as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# timed runs a command under /usr/bin/time and prints its wall time and
# peak RSS after the command line; one that runs past BENCH_TIMEOUT
# (default 600 s) is stopped and reported as such.
timed() {
	local out="$TMP/time.$RANDOM" shown
	shown=$(echo "$*" | sed "s|$TMP|\$TMP|g; s|$BIN|casmap|g")
	if ! timeout "${BENCH_TIMEOUT:-900}" /usr/bin/time -f '%e %M' -o "$out" "$@" >"$TMP/timed.out" 2>&1; then
		printf '   %-70s FAILED or past %s s: %s\n' "$shown" "${BENCH_TIMEOUT:-900}" "$(tail -1 "$TMP/timed.out")"
		return 0
	fi
	read -r secs kb <"$out"
	printf '   %-70s %8.1f s  %6d MB peak RSS\n' "$shown" "$secs" $((kb / 1024))
}

# run_scale runs the load driver of bench/scale.sh, printing its command
# and its figures, which it also keeps in $FIGS for the table at the end.
FIGS=/dev/null
run_scale() {
	echo "   \$ scale $*" | sed "s|$TMP|\$TMP|g"
	"$TMP/scale" "$@" | tee -a "$FIGS" | sed 's/^/   /'
}

# side_by_side prints the figures of both stores in one table: each
# viewport and latency line's p50 and p99, and PostGIS's over SQLite's.
side_by_side() {
	[ -s "$TMP/figs.sqlite" ] && [ -s "$TMP/figs.postgis" ] || return 0
	echo "== side by side, $N incidents: SQLite | PostGIS | PostGIS / SQLite (p50, p99)"
	awk '
		function key(line) { sub(/: (p50 |[0-9]).*/, "", line); sub(/^latency \/api\/collections\/incidents\//, "", line); return line }
		function fig(line, name,   m) { if (match(line, name " [0-9.]+")) { m = substr(line, RSTART + length(name) + 1, RLENGTH - length(name) - 1); return m + 0 } return -1 }
		FNR == 1 { store++ }
		/^(viewports|latency)/ {
			k = key($0); if (!(k in seen)) { seen[k] = 1; order[++n] = k }
			p50[store, k] = fig($0, "p50"); p99[store, k] = fig($0, "p99")
		}
		/^viewports/ { rps[store] = $2 + 0 }
		END {
			for (i = 1; i <= n; i++) {
				k = order[i]
				r50 = p50[1, k] > 0 ? sprintf("%.2fx", p50[2, k] / p50[1, k]) : "-"
				r99 = p99[1, k] > 0 ? sprintf("%.2fx", p99[2, k] / p99[1, k]) : "-"
				printf "   %-58s %7.1f %7.1f | %7.1f %7.1f ms | %6s %6s\n", k, p50[1, k], p99[1, k], p50[2, k], p99[2, k], r50, r99
			}
			if (rps[1] > 0) printf "   %-58s %15.0f | %15.0f    | %6.2fx\n", "viewports, requests/s", rps[1], rps[2], rps[2] / rps[1]
		}' "$TMP/figs.sqlite" "$TMP/figs.postgis"
}

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"

# 1. The data: bench/scale.sh's file when it has made one.
echo "== data: $N synthetic incidents"
go build -o "$TMP/scale" ./bench/scale
DIR=${SCALE_DIR:-$HOME/.cache/casmap-bench}
DB=$DIR/incidents-$N.db
if [ -f "$DB" ]; then
	echo "   the database of bench/scale.sh: $DB ($(du -m "$DB" | cut -f1) MB)"
else
	# Made as bench/scale.sh makes it, and kept for it and the next run.
	mkdir -p "$DIR"
	rm -f "$DB.new" "$DB.new-wal" "$DB.new-shm"
	"$BIN" seed --db "$DB.new" >/dev/null
	timed "$BIN" gen --incidents "$N" --db "$DB.new"
	mv "$DB.new" "$DB"
fi
# The driver samples incidents gen-000001..gen-1000000 at random; with
# fewer, most tries miss, so it samples fewer.
POINTS=$((N >= 1000000 ? 2000 : N / 100 + 20))

mkdir "$TMP/pg"
[ "$(id -u)" = 0 ] && chown postgres: "$TMP/pg"
as_pg "$PGBIN/initdb" -D "$TMP/pg/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
PGPORT=$(free_port)
as_pg "$PGBIN/postgres" -D "$TMP/pg/data" -p "$PGPORT" -c listen_addresses=127.0.0.1 \
	-c unix_socket_directories="$TMP/pg" -c shared_buffers=1GB -c max_connections=200 \
	-c synchronous_commit=off -c max_wal_size=8GB -c checkpoint_timeout=30min \
	>"$TMP/pg/log" 2>&1 &
PGWRAP=$!
for _ in $(seq 300); do as_pg "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 0.1; done
# The postmaster's own PID (runuser does not pass SIGINT on to it).
[ -f "$TMP/pg/data/postmaster.pid" ] || { echo "bench: PostgreSQL did not start:" >&2; tail "$TMP/pg/log" >&2; kill "$PGWRAP"; exit 1; }
PGPID=$(head -1 "$TMP/pg/data/postmaster.pid")
as_pg "$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE casmap" postgres
DSN="postgres://postgres@127.0.0.1:$PGPORT/casmap?sslmode=disable"
echo "   PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PGPORT (shared_buffers 1GB, synchronous_commit off)"
timed "$BIN" copy --from "$DB" --to "$DSN"
as_pg "$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "VACUUM ANALYZE" casmap
echo "   (then VACUUM ANALYZE, as a DBA would after a bulk load)"

# serve starts casmap on database $2 pinned to core $1, and sets BASE.
serve() {
	local core=$1 db=$2 port
	port=$(free_port)
	taskset -c "$core" "$BIN" serve --addr "127.0.0.1:$port" --db "$db" >"$TMP/serve.$port.log" 2>&1 &
	PIDS+=($!)
	BASE=http://127.0.0.1:$port
	wait_up "$BASE/healthz"
}

# stop_all stops the servers started so far.
stop_all() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
	PIDS=()
}

# first_stats asks for the statistics until they come (the server builds
# its aggregate at start; a request that waits past its timeout gets a
# 503), and says how long that took and what came meanwhile.
first_stats() {
	local start code seen=""
	start=$(date +%s.%N)
	for _ in $(seq 20); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$1/api/collections/incidents/stats" || true)
		[ "$code" = 200 ] && break
		seen="$seen $code"
	done
	echo "   first stats (builds the aggregate): HTTP $code after $(echo "$(date +%s.%N) - $start" | bc) s${seen:+ (before it:$seen)}"
}

# suite runs the side-by-side figures against one server.
suite() {
	local base=$1
	first_stats "$base"
	run_scale -mode viewports -base "$base" -points "$POINTS" -duration "$D" -conns 8
	local paths=()
	for z in 3 5 8 12; do paths+=("/api/collections/incidents/clusters?zoom=$z&bbox={box:$z}"); done
	paths+=("/api/collections/incidents/stats?bbox={box:8}&category=attack"
		"/api/collections/incidents/items?near=tapi&within_km=2{n}&limit=10")
	for z in 4 8 12; do paths+=("/api/collections/incidents/tiles/WebMercatorQuad/{tile:$z}"); done
	run_scale -mode latency -base "$base" -n "$REPS" "${paths[@]}"
}

# fresh makes a new, empty database of a store's kind and prints its name.
fresh() {
	if [ "$1" = postgis ]; then
		as_pg "$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE $2" postgres
		echo "postgres://postgres@127.0.0.1:$PGPORT/$2?sslmode=disable"
	else
		echo "$TMP/$2.db"
	fi
}

# 2. Side by side (BENCH_STORES="postgis" for one of them).
for store in ${BENCH_STORES:-sqlite postgis}; do
	db=$DB
	[ "$store" = postgis ] && db=$DSN
	echo "== $store: one casmap on core 0 (taskset -c 0 casmap serve --db ...)"
	serve 0 "$db"
	FIGS=$TMP/figs.$store
	suite "$BASE"
	FIGS=/dev/null
	stop_all
	[ "${BENCH_TRANSFER:-1}" = 0 ] && continue
	timed "$BIN" export --layer incidents --db "$db" "$TMP/export-$store.geojson"
	into=$(fresh "$store" "import_$store")
	"$BIN" seed --db "$into" >/dev/null
	timed "$BIN" import --layer incidents --db "$into" "$TMP/export-$store.geojson"
	rm -f "$TMP/export-$store.geojson"
done

side_by_side

# 3. The peer: PostgreSQL answering the same viewports by itself.
cat >"$TMP/viewport.sql" <<'SQL'
\set i random(1, least(:n, 999999))
\set jx random(-500, 500)
\set jy random(-500, 500)
SELECT f.id, f.properties, f.geom
FROM (SELECT ST_X(geom) + :jx / 10000.0 AS x, ST_Y(geom) + :jy / 10000.0 AS y
      FROM features WHERE layer = 'incidents' AND id = 'gen-' || lpad(:i::text, 6, '0')) AS p,
     features AS f
WHERE f.layer = 'incidents' AND f.geom && ST_MakeEnvelope(p.x - 0.05, p.y - 0.05, p.x + 0.05, p.y + 0.05, 4326)
  AND f.maxx >= p.x - 0.05 AND f.minx <= p.x + 0.05 AND f.maxy >= p.y - 0.05 AND f.miny <= p.y + 0.05
ORDER BY f.rid LIMIT 101;
SQL
secs=${D%s}
echo "== the peer: PostgreSQL answering the viewport query itself, 8 clients, ${secs} s"
echo "   \$ pgbench -n -c 8 -j 2 -T $secs -D n=$N -f viewport.sql -l (boxes of 0.1 degree jittered around random incidents, limit 101, by rid)"
cp "$TMP/viewport.sql" "$TMP/pg/viewport.sql"
(cd "$TMP/pg" && as_pg "$PGBIN/pgbench" -n -c 8 -j 2 -T "$secs" -D n="$N" -f viewport.sql -l --log-prefix=txlog \
	-h 127.0.0.1 -p "$PGPORT" -U postgres casmap >"$TMP/pgbench.out" 2>&1) || cat "$TMP/pgbench.out"
tps=$(awk '/^tps/ {print $3; exit}' "$TMP/pgbench.out")
cat "$TMP"/pg/txlog.* 2>/dev/null | awk '{print $3}' | sort -n >"$TMP/lat"
count=$(wc -l <"$TMP/lat")
if [ "$count" -gt 0 ]; then
	p50=$(awk -v n="$count" 'NR == int(n * 0.5) + 1 {print $1 / 1000; exit}' "$TMP/lat")
	p99=$(awk -v n="$count" 'NR == int(n * 0.99) + 1 {print $1 / 1000; exit}' "$TMP/lat")
	echo "   pgbench: ${tps} queries/s, p50 ${p50} ms, p99 ${p99} ms ($count queries)"
fi

# 4. Replicas behind nginx.
nginx_conf() {
	local port=$1; shift
	{
		echo "daemon off; worker_processes 1; pid $TMP/nginx.pid; error_log $TMP/nginx.err warn;"
		echo "events { worker_connections 1024; }"
		echo "http { access_log off; upstream casmap { keepalive 64;"
		for b in "$@"; do echo "  server ${b#http://};"; done
		echo "} server { listen 127.0.0.1:$port; location / { proxy_pass http://casmap;"
		echo "  proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_set_header Host localhost; } } }"
	} >"$TMP/nginx.conf"
}
echo "== PostGIS replicas behind nginx-light (1 worker), random viewports, 8 connections"
for n in 1 2; do
	backends=()
	for i in $(seq 0 $((n - 1))); do
		serve "$i" "$DSN"
		first_stats "$BASE"
		backends+=("$BASE")
	done
	port=$(free_port)
	nginx_conf "$port" "${backends[@]}"
	nginx -c "$TMP/nginx.conf" -p "$TMP" &
	PIDS+=($!)
	wait_up "http://127.0.0.1:$port/healthz"
	echo "   $n replica(s), cores 0..$((n - 1)):"
	FIGS=$TMP/figs.replicas.$n
	run_scale -mode viewports -base "http://127.0.0.1:$port" -points "$POINTS" -duration "$D" -conns 8
	FIGS=/dev/null
	stop_all
done
rps() { awk '/^viewports/ {print $2 + 0; exit}' "$1" 2>/dev/null; }
one=$(rps "$TMP/figs.replicas.1") two=$(rps "$TMP/figs.replicas.2")
if [ -n "$one" ] && [ -n "$two" ] && [ "$one" != 0 ]; then
	echo "   2 replicas / 1: $(awk -v a="$two" -v b="$one" 'BEGIN {printf "%.2fx", a / b}') the throughput (nginx, PostgreSQL and the driver share the same $(nproc) cores)"
fi
echo "== done: $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
