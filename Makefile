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
# The browser tests of the web pages audit them with axe-core (an npm
# package, kept under var/ and never committed) and save screenshots here.
AXE_VERSION ?= 4.14.1
AXE         := var/npm/node_modules/axe-core/axe.min.js
export PDPATH_ARTIFACTS ?= $(CURDIR)/var/artifacts

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

test: $(AXE) ## run every test; starts a Redis of its own when none answers
	@.ci/services.sh $(GO) test -count=1 -timeout 30m ./...
	@echo "screenshots of the web pages: $(PDPATH_ARTIFACTS)/web"

# axe-core for the accessibility audit; without npm the browser tests say
# what is missing (and fail under CI=true).
$(AXE):
	@if command -v npm >/dev/null 2>&1; then \
		echo "installing axe-core $(AXE_VERSION) into var/npm for the browser tests"; \
		npm install --silent --no-audit --no-fund --prefix var/npm axe-core@$(AXE_VERSION) || \
			echo "could not install axe-core; the browser tests will say so"; \
	else \
		echo "npm not found: the browser tests skip their accessibility audit (install Node.js and npm)"; \
	fi

bench: ## run the benchmarks (BENCH=regexp BENCHTIME=1x COUNT=1), benchstat-friendly output
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -count $(COUNT) -benchmem ./...

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean: ## remove built binaries and the default index
	rm -rf bin var
