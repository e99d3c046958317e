#!/usr/bin/env bash
# bench/run.sh: casmap's benchmark suite, run by `make bench` after `make build`.
#
#   1. first view: bytes of borders + gbao at zoom 5 against full detail;
#   2. static parity: wrk against casmap, nginx (gzip_static) and bare
#      net/http (bench/static) serving the same bytes of the full borders
#      layer, taking turns for three rounds, and the ratios;
#   3. load: six wrk runs back to back at 256 connections on mixed routes
#      (bench/mixed.lua) while bench/abort hangs up mid-response, then a
#      check that /healthz still answers within 2 s.
#
# Everything prints figures; the script fails only if a tool is missing,
# the server does not start, or it stops answering after the load. It
# installs nothing (apt-get install wrk nginx-light), listens on 127.0.0.1
# only, and stops every process it started when it exits.
# BENCH_QUICK=1 shortens every run (3 s instead of 10 s and 30 s);
# BENCH_KEEP=1 keeps the temp dir (server logs, wrk outputs).
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${CASMAP_BIN:-bin/casmap}
for tool in wrk nginx curl go; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "bench: $tool not found; install it first: apt-get install wrk nginx-light curl" >&2
		exit 1
	fi
done
[ -x "$BIN" ] || { echo "bench: $BIN not found; run make build first" >&2; exit 1; }

if [ "${BENCH_QUICK:-}" = 1 ]; then
	CMP_D=3s LOAD_D=3s
else
	CMP_D=10s LOAD_D=30s
fi
CMP_ROUNDS=3
LOAD_RUNS=6

TMP=$(mktemp -d)
PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [ "${BENCH_KEEP:-}" = 1 ]; then
		echo "bench: logs and outputs kept in $TMP"
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port prints a loopback port nothing listens on.
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "bench: no free port found" >&2
	exit 1
}

# wait_up polls url until it answers 200, for at most 10 s.
wait_up() {
	for _ in $(seq 100); do
		curl -fs -o /dev/null --max-time 1 "$1" && return 0
		sleep 0.1
	done
	echo "bench: $1 did not come up" >&2
	exit 1
}

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"

# --- casmap on a temp database ----------------------------------------------
# A copy, so a rebuild during the run does not change what is measured.
cp "$BIN" "$TMP/casmap"
CASMAP_PORT=$(free_port)
CASMAP="http://127.0.0.1:$CASMAP_PORT"
"$TMP/casmap" serve --addr "127.0.0.1:$CASMAP_PORT" --db "$TMP/casmap.db" >"$TMP/casmap.out" 2>"$TMP/casmap.log" &
PIDS+=($!)
wait_up "$CASMAP/healthz"

# --- 1. first view ----------------------------------------------------------
size() { curl -fs "$@" | wc -c; }
echo
echo "== first view: borders + gbao (bytes on the wire)"
printf '%-28s %10s %10s\n' "request" identity gzip
total_full_id=0 total_full_gz=0 total_z5_id=0 total_z5_gz=0
for layer in borders gbao; do
	for q in "limit=10000" "limit=10000&zoom=5"; do
		url="$CASMAP/api/collections/$layer/items?$q"
		id=$(size "$url")
		gz=$(size -H 'Accept-Encoding: gzip' "$url")
		printf '%-28s %10d %10d\n' "$layer?$q" "$id" "$gz"
		if [ "$q" = "limit=10000" ]; then
			total_full_id=$((total_full_id + id)) total_full_gz=$((total_full_gz + gz))
		else
			total_z5_id=$((total_z5_id + id)) total_z5_gz=$((total_z5_gz + gz))
		fi
	done
done
printf '%-28s %10d %10d\n' "both, full detail" "$total_full_id" "$total_full_gz"
printf '%-28s %10d %10d\n' "both, zoom 5" "$total_z5_id" "$total_z5_gz"

# --- 2. casmap against nginx serving the same bytes -------------------------
ITEMS=/api/collections/borders/items
WWW="$TMP/www"
mkdir -p "$WWW$(dirname "$ITEMS")" "$TMP/nginx"
curl -fs "$CASMAP$ITEMS?limit=10000" -o "$WWW$ITEMS"
curl -fs -H 'Accept-Encoding: gzip' "$CASMAP$ITEMS?limit=10000" -o "$WWW$ITEMS.gz"
NGINX_PORT=$(free_port)
NGINX="http://127.0.0.1:$NGINX_PORT"
cat >"$TMP/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log $TMP/nginx/access.log;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    default_type application/geo+json;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WWW;
        gzip_static on;
        location / { }
    }
}
EOF
chmod -R a+rX "$TMP" # nginx workers run as an unprivileged user when started by root
nginx -p "$TMP/nginx" -c "$TMP/nginx.conf" 2>"$TMP/nginx/stderr" &
PIDS+=($!)
wait_up "$NGINX$ITEMS"

# wrk_stats prints "req/s p50_ms p99_ms" from wrk --latency output.
wrk_stats() {
	awk '
	function ms(v) {
		if (v ~ /us$/) return v / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /m$/) return v * 60000
		if (v ~ /s$/) return v * 1000
		return v
	}
	/Requests\/sec:/ { rps = $2 }
	$1 == "50%" { p50 = ms($2) }
	$1 == "99%" { p99 = ms($2) }
	END { printf "%.0f %.3f %.3f\n", rps, p50, p99 }' "$1"
}

# The floor for Go on this machine: net/http alone writing the same bytes.
go build -o "$TMP/static" ./bench/static
"$TMP/static" -gz "$WWW$ITEMS.gz" >"$TMP/static.out" &
PIDS+=($!)
for _ in $(seq 100); do grep -q http "$TMP/static.out" 2>/dev/null && break; sleep 0.1; done
STATIC=$(grep -o 'http://[0-9.:]*' "$TMP/static.out")

wrk_gz() { wrk -t2 -c64 -d"$1" --latency -H 'Accept-Encoding: gzip' "$2"; }

# The machine is shared, so the servers take turns, round after round, and
# the ratios are taken within each round.
echo
echo "== casmap vs nginx (and bare net/http) on the same bytes: GET $ITEMS?limit=10000, gzip"
echo "   wrk -t2 -c64 -d$CMP_D --latency -H 'Accept-Encoding: gzip', $CMP_ROUNDS rounds taking turns"
echo "   ($(wc -c <"$WWW$ITEMS.gz") gzip bytes, $(wc -c <"$WWW$ITEMS") identity bytes, the same file for all)"
for url in "$CASMAP" "$NGINX" "$STATIC"; do wrk_gz 2s "$url$ITEMS?limit=10000" >/dev/null; done # warm up
printf '%-6s %-8s %10s %10s %10s
' round server "req/s" "p50 ms" "p99 ms"
for round in $(seq "$CMP_ROUNDS"); do
	for name in nginx casmap static; do
		case $name in nginx) url=$NGINX ;; casmap) url=$CASMAP ;; static) url=$STATIC ;; esac
		wrk_gz "$CMP_D" "$url$ITEMS?limit=10000" >"$TMP/$name.$round.wrk"
		read -r rps p50 p99 <<<"$(wrk_stats "$TMP/$name.$round.wrk")"
		printf '%-6s %-8s %10s %10s %10s
' "$round" "$name" "$rps" "$p50" "$p99"
		echo "$round $name $rps $p50 $p99" >>"$TMP/cmp.txt"
	done
done
awk -v out="$TMP/ratios.txt" '
	{ rps[$1, $2] = $3; p99[$1, $2] = $5; if ($1 > n) n = $1 }
	END {
		for (r = 1; r <= n; r++) {
			t = rps[r, "casmap"] / rps[r, "nginx"]; l = p99[r, "casmap"] / p99[r, "nginx"]
			g = rps[r, "static"] / rps[r, "nginx"]
			printf "round %d: casmap/nginx throughput %.2fx, p99 %.2fx; bare net/http/nginx throughput %.2fx\n", r, t, l, g
			printf "%.4f %.4f\n", t, l > out
		}
	}' "$TMP/cmp.txt"
mid=$(((CMP_ROUNDS + 1) / 2))
t_med=$(cut -d' ' -f1 "$TMP/ratios.txt" | sort -g | sed -n "${mid}p")
l_med=$(cut -d' ' -f2 "$TMP/ratios.txt" | sort -g | sed -n "${mid}p")
printf 'median casmap/nginx: throughput %.2fx (aim >= 0.95x), p99 %.2fx (aim <= 1.5x)\n' "$t_med" "$l_med"
echo "-- casmap, last round in full:"
cat "$TMP/casmap.$CMP_ROUNDS.wrk"
echo "-- nginx, last round in full:"
cat "$TMP/nginx.$CMP_ROUNDS.wrk"
for pid in "${PIDS[@]:1}"; do kill "$pid" 2>/dev/null || true; done

# --- 3. load: mixed routes, clients hanging up ------------------------------
# The page's own assets, as the binary serves them.
ASSETS=$(curl -fs "$CASMAP/" | grep -o '\(src\|href\)="\./[^"]*\.\(js\|css\|svg\)"' | sed 's/^[a-z]*="\.//; s/"$//' | tr '\n' ' ')
INCIDENT=$(curl -fs "$CASMAP/api/collections/incidents/items?limit=1" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
go build -o "$TMP/abort" ./bench/abort
echo
echo "== load: $LOAD_RUNS x wrk -t2 -c256 -d$LOAD_D bench/mixed.lua, with bench/abort (32 connections) hanging up mid-response"
echo "   extra paths: $ASSETS /api/collections/incidents/items/$INCIDENT"
for run in $(seq "$LOAD_RUNS"); do
	"$TMP/abort" -addr "127.0.0.1:$CASMAP_PORT" -c 32 -d "$LOAD_D" \
		-paths "$ITEMS?limit=10000,$ITEMS?limit=10000&zoom=5,/api/collections/incidents/items?limit=1000,/api/collections/incidents/items?bbox=60,30,75,45" \
		>"$TMP/abort.$run" &
	abort_pid=$!
	PIDS+=("$abort_pid")
	wrk -t2 -c256 -d"$LOAD_D" --latency --timeout 5s -s bench/mixed.lua "$CASMAP" -- $ASSETS "/api/collections/incidents/items/$INCIDENT" >"$TMP/load.$run"
	wait "$abort_pid" || true
	read -r rps p50 p99 <<<"$(wrk_stats "$TMP/load.$run")"
	sock=$(grep -h 'Socket errors' "$TMP/load.$run" || echo "Socket errors: none")
	non=$(grep -h 'Non-2xx' "$TMP/load.$run" || echo "Non-2xx or 3xx responses: 0")
	printf 'run %d: %s req/s, p50 %s ms, p99 %s ms | %s | %s | %s | %s\n' "$run" "$rps" "$p50" "$p99" \
		"$(grep -h 'mixed.lua' "$TMP/load.$run")" "$non" "$sock" "$(cat "$TMP/abort.$run")"
done
echo "-- last run in full:"
cat "$TMP/load.$LOAD_RUNS"

echo
start=$(date +%s%N)
if body=$(curl -fs --max-time 2 "$CASMAP/healthz"); then
	echo "after the load: /healthz answered \"$(echo "$body" | tr -d '\n')\" in $((($(date +%s%N) - start) / 1000000)) ms"
else
	echo "after the load: /healthz did not answer within 2 s" >&2
	exit 1
fi
echo "casmap log: $(grep -c 'level=ERROR' "$TMP/casmap.log" || true) error lines, $(grep -c 'status=5' "$TMP/casmap.log" || true) 5xx answers," \
	"$(grep -c 'status=499' "$TMP/casmap.log" || true) requests whose client hung up (499)"
grep 'level=ERROR' "$TMP/casmap.log" | grep -v 'status=' | cut -c1-300 | sort | uniq -c | sort -rn | head -5 || true
