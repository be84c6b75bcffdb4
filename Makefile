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
STATICCHECK ?= v0.8.2

.PHONY: help build run test bench lint clean

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

test: ## run every test with the race detector; starts a Redis of its own when none answers
	@.ci/services.sh $(GO) test -race -count=1 -timeout 45m ./...

bench: ## run the benchmarks (BENCH=regexp BENCHTIME=1x COUNT=1), benchstat-friendly output
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -count $(COUNT) -benchmem ./...

lint: ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK) ./...

clean: ## remove built binaries and the default index
	rm -rf bin var
