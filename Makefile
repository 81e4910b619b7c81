# fastchat — the commands a user or CI types. Every target installs what it needs first.
SHELL := /bin/bash
NPM_STAMP := node_modules/.package-lock.json

.PHONY: install build typecheck test run db bench clean

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

install: $(NPM_STAMP)

build: install
	npm run build

typecheck: install
	npm run typecheck

## make test — install, build, type-check, then the whole vitest suite (PGlite and a real PostgreSQL).
test: build typecheck
	npx vitest run

## make run — the server on ports 8001-8004, coordinator on 8000, embedded database.
run: build
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
