#!/usr/bin/env bash
# Make sure a PostgreSQL server answers at $DATABASE_URL and its database exists.
#
#   scripts/infra/postgres.sh ensure   # use the server at the URL if one answers;
#                                      # else initdb/start a throwaway cluster in
#                                      # .data/postgres (Debian's /usr/lib/postgresql/*/bin)
#   scripts/infra/postgres.sh stop     # stop the throwaway cluster, if we started one
#   scripts/infra/postgres.sh status
#
# DATABASE_URL default: postgres://postgres@127.0.0.1:5432/callpool
# Only host, port, user, password and dbname are read from it (no %-decoding).
# The throwaway cluster uses trust auth on the URL's host:port; as root it runs
# as the `postgres` OS user (PostgreSQL refuses to run as root).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PGDATA_DIR="$ROOT/.data/postgres"
CLUSTER="$PGDATA_DIR/data"
SOCKDIR="$PGDATA_DIR/run"
PGLOG="$PGDATA_DIR/postgres.log"

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/callpool}"

log() { echo "postgres.sh: $*" >&2; }

# --- minimal URL parsing: scheme://[user[:password]@]host[:port][/dbname][?query]
rest="${DATABASE_URL#*://}"
rest="${rest%%\?*}"
DB_NAME=""
if [[ "$rest" == */* ]]; then
  DB_NAME="${rest#*/}"
  rest="${rest%%/*}"
fi
DB_USER="postgres"
DB_PASS=""
if [[ "$rest" == *@* ]]; then
  userinfo="${rest%@*}"
  rest="${rest##*@}"
  DB_USER="${userinfo%%:*}"
  [[ "$userinfo" == *:* ]] && DB_PASS="${userinfo#*:}"
fi
DB_HOST="${rest%%:*}"
DB_PORT=5432
[[ "$rest" == *:* ]] && DB_PORT="${rest##*:}"
DB_HOST="${DB_HOST:-127.0.0.1}"
DB_NAME="${DB_NAME:-callpool}"
[ -n "$DB_PASS" ] && export PGPASSWORD="$DB_PASS"
export PGCONNECT_TIMEOUT=3

pg_bin_dir() { # newest Debian server binaries, if any
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

PSQL="$(command -v psql || true)"
if [ -z "$PSQL" ]; then
  if bin="$(pg_bin_dir)"; then PSQL="$bin/psql"; fi
fi
[ -n "$PSQL" ] || { log "psql not found (apt-get install postgresql-client)"; exit 1; }

psql_admin() { # run SQL against the maintenance database
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres "$@"
}

server_answers() {
  psql_admin -tAc 'select 1' >/dev/null 2>&1
}

as_owner() { # run a command as the cluster owner (postgres when we are root)
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ensure_db() {
  local exists
  exists="$(psql_admin -tAc "select 1 from pg_database where datname = '${DB_NAME//\'/\'\'}'")"
  if [ "$exists" = 1 ]; then
    log "database \"$DB_NAME\" exists at $DB_HOST:$DB_PORT"
    return 0
  fi
  if ! psql_admin -c "create database \"${DB_NAME//\"/\"\"}\"" 2>/dev/null; then
    # lost a race with another creator?
    exists="$(psql_admin -tAc "select 1 from pg_database where datname = '${DB_NAME//\'/\'\'}'")"
    [ "$exists" = 1 ] || { log "could not create database \"$DB_NAME\""; exit 1; }
  fi
  log "created database \"$DB_NAME\" at $DB_HOST:$DB_PORT"
}

start_throwaway() {
  local bin
  bin="$(pg_bin_dir)" || {
    log "no server answers at $DB_HOST:$DB_PORT and no /usr/lib/postgresql/*/bin to start one"
    log "(apt-get install postgresql, or point DATABASE_URL at a running server)"
    exit 1
  }
  mkdir -p "$PGDATA_DIR" "$SOCKDIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA_DIR" "$SOCKDIR"
  if [ ! -f "$CLUSTER/PG_VERSION" ]; then
    log "initdb throwaway cluster in ${CLUSTER#"$ROOT"/} ($bin)"
    rm -rf "$CLUSTER"
    as_owner "$bin/initdb" -D "$CLUSTER" -U "$DB_USER" --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$PGDATA_DIR/initdb.log" 2>&1 || {
      cat "$PGDATA_DIR/initdb.log" >&2
      log "initdb failed"
      exit 1
    }
  fi
  local listen="$DB_HOST"
  log "starting throwaway cluster on $DB_HOST:$DB_PORT (log ${PGLOG#"$ROOT"/})"
  # pg_ctl -w waits until the server accepts connections; the server daemonizes.
  # fsync=off: the cluster's data is disposable (README, "Where it stands", says what that means for figures).
  as_owner "$bin/pg_ctl" -D "$CLUSTER" -l "$PGLOG" -w -t 60 \
    -o "-p $DB_PORT -k $SOCKDIR -c listen_addresses=$listen -c fsync=off" start >/dev/null || {
    tail -n 30 "$PGLOG" >&2 || true
    log "could not start the throwaway cluster"
    exit 1
  }
  for _ in $(seq 1 50); do
    server_answers && return 0
    sleep 0.2
  done
  tail -n 30 "$PGLOG" >&2 || true
  log "throwaway cluster started but does not answer at $DB_HOST:$DB_PORT"
  exit 1
}

throwaway_running() { # true if our cluster's postmaster is alive
  [ -f "$CLUSTER/postmaster.pid" ] || return 1
  local pid
  pid="$(head -n1 "$CLUSTER/postmaster.pid")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

cmd_ensure() {
  if ! server_answers; then
    start_throwaway
  fi
  ensure_db
}

cmd_stop() {
  if ! throwaway_running; then
    log "no throwaway cluster of ours is running (a server not started by this script is never stopped)"
    return 0
  fi
  local bin
  bin="$(pg_bin_dir)"
  as_owner "$bin/pg_ctl" -D "$CLUSTER" -m fast -w -t 60 stop >/dev/null
  log "stopped the throwaway cluster"
}

cmd_status() {
  if throwaway_running; then
    echo "throwaway cluster: running (${CLUSTER#"$ROOT"/})"
  else
    echo "throwaway cluster: not running"
  fi
  if server_answers; then
    echo "$DB_HOST:$DB_PORT: answers (user $DB_USER)"
  else
    echo "$DB_HOST:$DB_PORT: no answer"
    return 1
  fi
}

case "${1:-}" in
  ensure) cmd_ensure ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 ensure|stop|status" >&2
    exit 2
    ;;
esac
