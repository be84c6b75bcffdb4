# pdpath — run `make` for the list of targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

GO        ?= go
BIN       := bin/pdpath
# The index and address follow PDPATH_INDEX and PDPATH_ADDR when they are
# set, as the binary does; `make run ADDR=…` beats both.
INDEX     ?= $(or $(PDPATH_INDEX),./var/index)
ADDR      ?= $(or $(PDPATH_ADDR),127.0.0.1:8080)
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
REDIS_URL ?= redis://127.0.0.1:6379/0
BENCH     ?= .
BENCHTIME ?= 1x
COUNT     ?= 1
# The browser tests of the web pages audit them with axe-core (an npm
# package, kept under var/ and never committed) and save screenshots here.
AXE_VERSION ?= 4.14.1
AXE         := var/npm/node_modules/axe-core/axe.min.js
export PDPATH_ARTIFACTS ?= $(CURDIR)/var/artifacts
STATICCHECK ?= v0.8.2

# Fuzz targets, as PACKAGE:TARGET. `make fuzz` runs each for FUZZTIME;
# `make test` runs every target's seed corpus (plain go test does) and
# FUZZ_SMOKE for FUZZ_SMOKE_TIME each.
FUZZ_TARGETS := \
	./indexer/feeds:FuzzParse ./indexer/feeds:FuzzOpenBadges2 ./indexer/feeds:FuzzOpenBadges3 \
	./indexer/feeds:FuzzCTDL ./indexer/feeds:FuzzCredentialCSV ./indexer/feeds:FuzzCASE \
	./indexer/feeds:FuzzFrameworkCSV ./recommender/profile:FuzzParseProfile \
	./recommender/profile:FuzzParseBackpack ./recommender/planner:FuzzParseRequest
FUZZ_SMOKE      := ./indexer/feeds:FuzzParse ./recommender/planner:FuzzParseRequest ./recommender/profile:FuzzParseProfile
FUZZTIME        ?= 2m
FUZZ_SMOKE_TIME ?= 5s


# loadtest: catalog sizes, requests per single-client phase, seconds of
# cached load; LOADWORK keeps the synthetic catalogs and indexes between runs.
SIZES     ?= 10000,100000
REQUESTS  ?= 300
CACHEDFOR ?= 5s
LOADWORK  ?= ./var/loadtest

.PHONY: help build run test bench loadtest lint clean fuzz

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

build: ## build the pdpath binary into bin/pdpath, stamped with the git version (pdpath --version)
	@if [ ! -x $(BIN) ]; then \
		echo "building $(BIN): the first build downloads the modules and compiles every package,"; \
		echo "a few minutes on two cores (later builds take seconds); each package is named as it compiles"; \
	else echo "building $(BIN)"; fi
	$(GO) build -v -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/pdpath

run: build ## build, ingest the bundled catalog if the index is empty, serve on $(ADDR) (reader routes open)
	@total=$$(./$(BIN) search --index $(INDEX) --json --limit 1 '' 2>/dev/null | sed -n 's/.*"total": *\([0-9]*\).*/\1/p' | head -1); \
	if [ -z "$$total" ] || [ "$$total" = "0" ]; then \
		echo "the index $(INDEX) is missing or empty: importing datasets/catalog into it"; \
		./$(BIN) ingest --index $(INDEX) datasets/catalog || exit 1; \
	else echo "the index $(INDEX) holds $$total credentials"; fi
	@echo "serving on http://$(ADDR)/ (reader routes open; the recommender model builds in the background, /readyz says when it is ready; Ctrl-C stops)"
	./$(BIN) serve --index $(INDEX) --addr $(ADDR) --open-reader

test: $(AXE) ## run every test with the race detector; starts a Redis of its own when none answers, creates the PostgreSQL test database when missing
	@GO=$(GO) .ci/services.sh $(GO) test -race -count=1 -timeout 60m ./...
	@$(MAKE) --no-print-directory fuzz FUZZ_TARGETS="$(FUZZ_SMOKE)" FUZZTIME=$(FUZZ_SMOKE_TIME)
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

fuzz: ## fuzz every parser for FUZZTIME each (default 2m); failures land in testdata/fuzz
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} in $${t%%:*} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) "$${t%%:*}"; \
	done

bench: ## run the benchmarks (BENCH=regexp BENCHTIME=1x COUNT=1; LARGE=1 adds the 100k store and 1M catalogs), benchstat-friendly output
	$(GO) test -run '^$$' $(if $(LARGE),,-short) -bench '$(BENCH)' -benchtime $(BENCHTIME) -count $(COUNT) -benchmem ./...

loadtest: build ## end-to-end HTTP load test against baselines (SIZES=10000,100000; SIZES=1000000 for 1M)
	$(GO) run ./cmd/pdpath-load -bin $(BIN) -work $(LOADWORK) -redis $(REDIS_URL) -sizes $(SIZES) -requests $(REQUESTS) -cached-for $(CACHEDFOR)

lint: ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./... ./.ci/testdb
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK) ./...

clean: ## remove built binaries and the default index
	rm -rf bin var
