# pdpath — run `make` for the list of targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

GO        ?= go
BIN       := bin/pdpath
INDEX     ?= ./var/index
ADDR      ?= 127.0.0.1:8080
REDIS_URL ?= redis://127.0.0.1:6379/0
BENCH     ?= .
BENCHTIME ?= 1x
COUNT     ?= 1

# loadtest: catalog sizes, requests per single-client phase, seconds of
# cached load; LOADWORK keeps the synthetic catalogs and indexes between runs.
SIZES     ?= 10000,100000
REQUESTS  ?= 300
CACHEDFOR ?= 5s
LOADWORK  ?= ./var/loadtest

.PHONY: help build run test bench loadtest lint clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

build: ## build the pdpath binary into bin/pdpath
	$(GO) build -o $(BIN) ./cmd/pdpath

run: build ## build, ingest the bundled catalog if the index is empty, serve on $(ADDR) (reader routes open)
	@if [ "$$(./$(BIN) search --index $(INDEX) --json --limit 1 '' 2>/dev/null | sed -n 's/.*"total": *\([0-9]*\).*/\1/p' | head -1)" = "" ] || \
	    [ "$$(./$(BIN) search --index $(INDEX) --json --limit 1 '' 2>/dev/null | sed -n 's/.*"total": *\([0-9]*\).*/\1/p' | head -1)" = "0" ]; then \
		echo "ingesting datasets/catalog into $(INDEX)"; \
		./$(BIN) ingest --index $(INDEX) datasets/catalog; \
	fi
	./$(BIN) serve --index $(INDEX) --addr $(ADDR) --open-reader

test: ## run every test; starts a Redis of its own when none answers
	@.ci/services.sh $(GO) test -count=1 -timeout 30m ./...

bench: ## run the benchmarks (BENCH=regexp BENCHTIME=1x COUNT=1; LARGE=1 adds the 100k store and 1M catalogs), benchstat-friendly output
	$(GO) test -run '^$$' $(if $(LARGE),,-short) -bench '$(BENCH)' -benchtime $(BENCHTIME) -count $(COUNT) -benchmem ./...

loadtest: build ## end-to-end HTTP load test against baselines (SIZES=10000,100000; SIZES=1000000 for 1M)
	$(GO) run ./cmd/pdpath-load -bin $(BIN) -work $(LOADWORK) -redis $(REDIS_URL) -sizes $(SIZES) -requests $(REQUESTS) -cached-for $(CACHEDFOR)

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean: ## remove built binaries and the default index
	rm -rf bin var
