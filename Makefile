# fastchat — the commands a user or CI types. Every target installs what it needs first.
SHELL := /bin/bash
NPM_STAMP := node_modules/.package-lock.json

.PHONY: install build typecheck lint format test run db bench clean

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

install: $(NPM_STAMP)

# What the compiled output depends on. Directories are listed too: adding or removing a file changes theirs.
BUILD_STAMP := dist/.build-stamp
BUILD_INPUTS := $(shell find src bench bin -mindepth 1 2>/dev/null) src/. bench/. bin/. tsconfig.json tsconfig.base.json package-lock.json

## make build — always compiles (what make test relies on); the stamp records a build of these sources.
build: install
	npm run build
	@touch $(BUILD_STAMP)

# A build only when a source is newer than the last one, so make run restarts in seconds.
$(BUILD_STAMP): $(NPM_STAMP) $(BUILD_INPUTS)
	npm run build
	@touch $@

typecheck: install
	npm run typecheck

## make lint — ESLint (type-aware rules, React hooks) with no warning allowed, and Prettier's check.
lint: install
	npm run lint

## make format — rewrites every file Prettier formats.
format: install
	npm run format

## make test — install, then build, type-check and lint side by side (one core each is plenty), then the
## whole vitest suite (PGlite and a real PostgreSQL).
test: install
	$(MAKE) --no-print-directory -j3 --output-sync=target build typecheck lint
	npx vitest run

## make run — the server on ports 8001-8004, coordinator on 8000, embedded database; compiles only
## what changed since the last build.
run: $(BUILD_STAMP)
	./bin/fastchat-server --ports 8001-8004 --coordinator-port 8000

## make db — load schema.sql into the PostgreSQL database named by DATABASE_URL (or PGHOST, PGPORT,
## PGUSER, PGPASSWORD, PGDATABASE); `make db CREATEDB=1` first creates that database if missing.
## Safe to run twice. Needs psql only, not node_modules.
db:
	CREATEDB='$(CREATEDB)' bash scripts/db.sh

bench: build
	npm run bench

clean:
	rm -rf dist
