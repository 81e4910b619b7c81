#!/usr/bin/env bash
# make db: applies schema.sql to the PostgreSQL database named by DATABASE_URL, or, when that is
# unset, by libpq's usual PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE variables.
# With CREATEDB=1 it first creates that database if it does not exist, connecting to the `postgres`
# maintenance database on the same server. schema.sql is idempotent, so running this twice is safe.
# Needs only bash and psql (no node_modules).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
schema="$root/schema.sql"

die() { echo "make db: $*" >&2; exit 1; }

command -v psql >/dev/null 2>&1 ||
  die "psql not found; install the PostgreSQL client (Debian: apt-get install postgresql-client)"

# -X: ignore ~/.psqlrc; ON_ERROR_STOP: fail on the first error; -1: all of it or nothing.
psql_opts=(-X -q -v ON_ERROR_STOP=1)

create_database() {
  local name maintenance=()
  if [[ -n "${DATABASE_URL:-}" ]]; then
    # Split postgres[ql]://authority/dbname?params and point the same authority at `postgres`.
    local re='^(postgres(ql)?://[^/?#]*)/([^?#]+)(\?[^#]*)?$'
    [[ "$DATABASE_URL" =~ $re ]] ||
      die "CREATEDB=1 needs DATABASE_URL as postgres://user@host:port/dbname (with a dbname)"
    local authority=${BASH_REMATCH[1]} path=${BASH_REMATCH[3]} params=${BASH_REMATCH[4]}
    [[ "$params" != *dbname=* ]] || die "CREATEDB=1: put the database name in the URL path, not in ?dbname="
    path=${path//\\/\\\\}           # a literal backslash must survive printf %b
    name=$(printf '%b' "${path//%/\\x}") # undo %-escapes, as libpq does
    maintenance=(--dbname="$authority/postgres$params")
  else
    name=${PGDATABASE:-${PGUSER:-$(id -un)}} # libpq's own default for the database name
    maintenance=(--dbname=postgres)
  fi
  # :'name' is psql's literal quoting and %I the server's identifier quoting: no name can inject SQL.
  # psql expands :'name' in scripts read from stdin, not in -c, hence the here-document.
  psql "${psql_opts[@]}" "${maintenance[@]}" -v name="$name" <<'SQL'
SELECT format('CREATE DATABASE %I', :'name')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
SQL
}

if [[ "${CREATEDB:-}" == 1 ]]; then
  create_database
fi

target=()
if [[ -n "${DATABASE_URL:-}" ]]; then
  target=(--dbname="$DATABASE_URL")
fi
# psql's messages pass through, except that a missing database gets the way to create it instead of
# a bare FATAL (the first thing a new deployment runs into).
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
explain_failure() {
  local re='database "([^"]+)" does not exist'
  if [[ $(<"$errors") =~ $re ]]; then
    die "database \"${BASH_REMATCH[1]}\" does not exist; \`make db CREATEDB=1\` creates it first"
  fi
  cat "$errors" >&2
  exit 1
}
# The SET hides "already exists, skipping" notices, which a re-run prints for every object.
psql "${psql_opts[@]}" --single-transaction "${target[@]}" \
  -c 'SET client_min_messages = warning' -f "$schema" 2>"$errors" || explain_failure
cat "$errors" >&2
version=$(psql "${psql_opts[@]}" "${target[@]}" -At -c 'SELECT max(version) FROM schema_version')
db=$(psql "${psql_opts[@]}" "${target[@]}" -At -c "SELECT current_database() || ' on ' || coalesce(host(inet_server_addr()), 'local socket') || ':' || current_setting('port')")
echo "make db: schema.sql applied to database ${db} (schema version ${version})"
