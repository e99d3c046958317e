# casmap: `make run` to build and start the map, `make test` to run every test.

GO          ?= go
NPM         ?= npm
BIN         := bin/casmap
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

GO_SOURCES  := $(shell find cmd geodata server web -name '*.go' -not -path '*/node_modules/*') \
               $(shell find geodata/seed geodata/sqlite/migrations geodata/postgis/migrations server -name '*.json' -o -name '*.geojson' -o -name '*.sql') go.mod go.sum
WEB_SOURCES := $(shell find web/src -type f) web/index.html web/build.mjs

.PHONY: all build run test test-go test-e2e vet bench clean

all: build

# npm ci only when the lock file changed since the last install.
node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

web/dist/index.html: node_modules/.package-lock.json $(WEB_SOURCES)
	$(NPM) run build

$(BIN): web/dist/index.html $(GO_SOURCES)
	$(GO) build -trimpath -o $(BIN) ./cmd/casmap

## build: the single binary with the web assets embedded
build: $(BIN)

## run: build, then serve the map on 127.0.0.1:8080 with ./casmap.db
run: build
	./$(BIN) serve

vet:
	@test -z "$$(gofmt -l cmd geodata server web)" || { gofmt -l cmd geodata server web; echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

## test: Go unit, HTTP and GDAL tests, then browser tests in Chromium
test: build vet test-go test-e2e

test-go: build
	$(GO) test -count=1 ./...

test-e2e: build
	@test -x "$(CHROMIUM_PATH)" || { echo "Chromium not found at $(CHROMIUM_PATH): apt-get install chromium (or set CHROMIUM_PATH)"; exit 1; }
	$(NPM) run test:unit
	CASMAP_BIN=$(CURDIR)/$(BIN) $(NPM) run test:e2e

## bench: figures, never pass/fail on time: first-view bytes, casmap vs nginx
## on the same bytes, load with clients hanging up (bench/run.sh; needs wrk and
## nginx-light from Debian), then the Go benchmarks. BENCH_QUICK=1 shortens runs.
bench: build
	bash bench/run.sh
	$(GO) test -run '^$$' -bench . -benchmem $(if $(filter 1,$(BENCH_QUICK)),-benchtime=200ms) ./...

clean:
	rm -rf bin web/dist/*.js web/dist/*.css web/dist/*.html web/dist/assets
