#!/usr/bin/env bash
# bench/postgis.sh: the PostGIS half of `make bench-scale` (issue 10). It
# prints figures only, each with the command behind it:
#
#   1. the data: N synthetic incidents (casmap gen, default 1,000,000) in a
#      SQLite file, copied into PostGIS with casmap copy (time, peak RSS);
#   2. side by side, SQLite then PostGIS, one casmap pinned to core 0
#      (taskset): random jittered viewports (wrk, 8 connections, gzip;
#      throughput, p50, p99), clusters at zooms 3, 5, 8 and 12, near=tapi,
#      a vector tile at zooms 4, 8 and 12 where the server has tiles, and
#      casmap export of the whole incidents layer (time, peak RSS);
#   3. PostGIS replicas behind Debian's nginx-light: random viewports
#      through nginx to one casmap (core 0), then to two (cores 0 and 1).
#
# The PostgreSQL cluster is a scratch one (Debian's postgresql-15 with
# PostGIS 3, as the tests use) in a temporary directory, run as the
# postgres user, on a free loopback port, stopped by its PID at the end.
# Needs wrk, nginx-light, curl, taskset, /usr/bin/time; installs nothing.
# BENCH_N=100000 for a smaller set; BENCH_D=5s for shorter wrk runs;
# BENCH_STORES=postgis measures one store only; BENCH_TIMEOUT=600 bounds
# each timed command; BENCH_KEEP=1 keeps the temporary directory.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=$(realpath "${CASMAP_BIN:-bin/casmap}")
N=${BENCH_N:-1000000}
D=${BENCH_D:-10s}
PGBIN=${CASMAP_PG_BINDIR:-/usr/lib/postgresql/15/bin}
for tool in wrk nginx curl taskset /usr/bin/time "$PGBIN/postgres"; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool not found (apt-get install wrk nginx-light curl time postgresql-15 postgresql-15-postgis-3)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench: $BIN not found; run make build first" >&2; exit 1; }

TMP=$(mktemp -d /tmp/casmap-bench-pg-XXXXXX)
chmod 755 "$TMP"
PIDS=()
PGPID=
cleanup() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [ -n "$PGPID" ]; then
		kill -INT "$PGPID" 2>/dev/null || true
		for _ in $(seq 200); do kill -0 "$PGPID" 2>/dev/null || break; sleep 0.1; done
	fi
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
	if ! timeout "${BENCH_TIMEOUT:-600}" /usr/bin/time -f '%e %M' -o "$out" "$@" >"$TMP/timed.out" 2>&1; then
		printf '   %-70s FAILED or past %s s: %s\n' "$shown" "${BENCH_TIMEOUT:-600}" "$(tail -1 "$TMP/timed.out")"
		return 0
	fi
	read -r secs kb <"$out"
	printf '   %-70s %8.1f s  %6d MB peak RSS\n' "$shown" "$secs" $((kb / 1024))
}

# wrk_line runs wrk and prints requests/s, p50 and p99.
wrk_line() {
	local what=$1; shift
	local out
	out=$(wrk --latency --timeout 10s "$@" 2>&1)
	local rps p50 p99 non2xx errs
	rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
	p50=$(awk '$1=="50%" {print $2}' <<<"$out")
	p99=$(awk '$1=="99%" {print $2}' <<<"$out")
	non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
	errs=$(awk '/Socket errors/ {print $0}' <<<"$out" | sed 's/^ *//')
	printf '   %-34s %9s req/s  p50 %8s  p99 %8s  %s %s\n' "$what" "$rps" "$p50" "$p99" "${non2xx:+non-2xx: $non2xx}" "$errs"
}

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"

# 1. The data.
echo "== data: $N synthetic incidents"
DB=$TMP/scale.db
timed "$BIN" seed --db "$DB"
timed "$BIN" gen --incidents "$N" --db "$DB"

mkdir "$TMP/pg"
[ "$(id -u)" = 0 ] && chown postgres: "$TMP/pg"
as_pg "$PGBIN/initdb" -D "$TMP/pg/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
PGPORT=$(free_port)
as_pg "$PGBIN/postgres" -D "$TMP/pg/data" -p "$PGPORT" -c listen_addresses=127.0.0.1 \
	-c unix_socket_directories="$TMP/pg" -c shared_buffers=1GB -c max_connections=200 \
	-c synchronous_commit=off -c max_wal_size=8GB -c checkpoint_timeout=30min \
	>"$TMP/pg/log" 2>&1 &
PGPID=$!
for _ in $(seq 300); do as_pg "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 0.1; done
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

# suite runs the side-by-side figures against one server.
suite() {
	local base=$1
	curl -fs -o /dev/null "$base/api/collections/incidents/items?limit=1" # warm the layer's aggregate
	wrk_line "viewports (8 conn, gzip)" -t2 -c8 -d"$D" -s bench/viewports.lua "$base"
	for z in 3 5 8 12; do
		local bbox="60,30,75,43"
		[ "$z" -ge 8 ] && bbox="68.5,34,70,35"
		local u="$base/api/collections/incidents/clusters?zoom=$z&bbox=$bbox"
		if curl -fs -o /dev/null "$u"; then
			wrk_line "clusters zoom $z" -t1 -c4 -d"$D" -H 'Accept-Encoding: gzip' "$u"
		else
			echo "   clusters zoom $z: $(curl -s -o /dev/null -w '%{http_code}' "$u")"
		fi
	done
	local near="$base/api/collections/incidents/items?near=tapi&within_km=20&limit=10"
	wrk_line "near=tapi within 20 km, limit 10" -t1 -c4 -d"$D" "$near"
	for zxy in 4/6/11 8/101/180 12/1626/2888; do
		IFS=/ read -r z y x <<<"$zxy"
		local u="$base/api/collections/incidents/tiles/WebMercatorQuad/$z/$y/$x"
		if curl -fs -o /dev/null "$u"; then
			wrk_line "tile $z/$y/$x" -t1 -c4 -d"$D" "$u"
		else
			echo "   tile $z/$y/$x: HTTP $(curl -s -o /dev/null -w '%{http_code}' "$u") (no tiles in this build)"
		fi
	done
}

# 2. Side by side (BENCH_STORES="postgis" for one of them).
for store in ${BENCH_STORES:-sqlite postgis}; do
	db=$DB
	[ "$store" = postgis ] && db=$DSN
	echo "== $store: one casmap on core 0 (taskset -c 0 casmap serve --db ...)"
	serve 0 "$db"
	suite "$BASE"
	stop_all
	timed "$BIN" export --layer incidents --db "$db" "$TMP/export-$store.geojson"
done

# 3. Replicas behind nginx.
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
		backends+=("$BASE")
	done
	port=$(free_port)
	nginx_conf "$port" "${backends[@]}"
	nginx -c "$TMP/nginx.conf" -p "$TMP" &
	PIDS+=($!)
	wait_up "http://127.0.0.1:$port/healthz"
	wrk_line "$n replica(s), cores 0..$((n - 1))" -t2 -c8 -d"$D" -s bench/viewports.lua "http://127.0.0.1:$port"
	stop_all
done
echo "== done: $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
