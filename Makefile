# casmap: `make run` to build and start the map, `make test` to run every test.

GO          ?= go
NPM         ?= npm
BIN         := bin/casmap
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

# Where `make run` listens and which database it serves, e.g.
#   make run ADDR=127.0.0.1:9000 DB=/tmp/other.db
# Left empty, casmap takes CASMAP_ADDR and CASMAP_DB, else 127.0.0.1:8080
# and ./casmap.db.
ADDR        ?=
DB          ?=

GO_SOURCES  := $(shell find cmd geodata server web -name '*.go' -not -path '*/node_modules/*') \
               $(shell find geodata/seed geodata/sqlite/migrations geodata/postgis/migrations server -name '*.json' -o -name '*.geojson' -o -name '*.sql') go.mod go.sum
WEB_SOURCES := $(shell find web/src -type f) web/index.html web/build.mjs

.PHONY: all build run test test-go test-go-postgis test-e2e screenshots vet bench bench-scale bench-scale-postgis clean

all: build

# npm ci only when the lock file changed since the last install.
node_modules/.package-lock.json: package.json package-lock.json
	@echo "npm ci: installing Leaflet, esbuild and playwright-core into node_modules"
	$(NPM) ci --no-audit --no-fund
	@touch $@

web/dist/index.html: node_modules/.package-lock.json $(WEB_SOURCES)
	@echo "esbuild: bundling the page into web/dist"
	$(NPM) run --silent build

$(BIN): web/dist/index.html $(GO_SOURCES)
	@echo "go build: compiling $(BIN) with the page and the data built in;" \
		"a first build also compiles SQLite and the other modules (about a minute), later ones take seconds"
	$(GO) build -trimpath -o $(BIN) ./cmd/casmap

## build: the single binary with the web assets embedded
build: $(BIN)

## run: build, then serve the map (ADDR and DB as above)
run: build
	./$(BIN) serve $(if $(ADDR),--addr '$(ADDR)') $(if $(DB),--db '$(DB)')

vet:
	@test -z "$$(gofmt -l cmd geodata server web)" || { gofmt -l cmd geodata server web; echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

## test: Go unit, HTTP and GDAL tests (on SQLite, then the HTTP and GDAL
## ones again on PostGIS), then browser tests in Chromium. It leaves the
## tree as it found it: screenshots go to web/e2e/screenshots/.
test: build vet test-go test-go-postgis test-e2e

test-go: build
	$(GO) test -count=1 ./...

## test-go-postgis: the HTTP tests and the OGC/GDAL client tests on PostGIS,
## in a scratch PostgreSQL 15 cluster the tests start (they fail, never skip,
## without postgresql-15 and postgresql-15-postgis-3). The store contract,
## replicas and standby tests run on PostGIS in test-go already.
test-go-postgis: build
	CASMAP_TEST_STORE=postgis $(GO) test -count=1 ./server/
	CASMAP_TEST_STORE=postgis $(GO) test -count=1 -run 'OGC|GDAL' ./cmd/casmap/

test-e2e: build
	@test -x "$(CHROMIUM_PATH)" || { echo "Chromium not found at $(CHROMIUM_PATH): apt-get install chromium (or set CHROMIUM_PATH)"; exit 1; }
	$(NPM) run test:unit
	CASMAP_BIN=$(CURDIR)/$(BIN) $(NPM) run test:e2e

## screenshots: the browser tests, saving their screenshots to docs/ (the
## README's pictures) instead; commit them when what they show changed.
screenshots: build
	CASMAP_SCREENSHOTS=docs $(MAKE) --no-print-directory test-e2e

## bench: figures, never pass/fail on time: first-view bytes, casmap vs nginx
## on the same bytes, load with clients hanging up (bench/run.sh; needs wrk and
## nginx-light from Debian), then the Go benchmarks. BENCH_QUICK=1 shortens runs.
bench: build
	bash bench/run.sh
	$(GO) test -run '^$$' -bench . -benchmem $(if $(filter 1,$(BENCH_QUICK)),-benchtime=200ms) ./...

## bench-scale: casmap at a million incidents (bench/scale.sh): makes the
## database once in ~/.cache/casmap-bench (SCALE_DIR), then prints each figure
## with its command: viewports, clusters, stats, near, tiles, a walk by next,
## the hostile loads, export and import; then the PostGIS figures beside them
## (bench-scale-postgis). SCALE_N=N, SCALE_QUICK=1.
bench-scale: build
	bash bench/scale.sh
	bash bench/postgis.sh

## bench-scale-postgis: the PostGIS figures of bench-scale beside SQLite's on
## the same million incidents (bench/postgis.sh: a scratch PostgreSQL 15 +
## PostGIS 3, wrk, nginx-light, taskset). BENCH_N=100000 for a smaller set.
bench-scale-postgis: build
	bash bench/postgis.sh

clean:
	rm -rf bin web/dist/*.js web/dist/*.css web/dist/*.html web/dist/assets
