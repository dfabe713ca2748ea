#!/usr/bin/env bash
# Private PostgreSQL clusters for the local run, the tests and the benchmarks.
#   tests/lib/pg.sh start DIR PORT   -> creates (if needed) and starts a cluster
#                                       in DIR listening on 127.0.0.1:PORT, with
#                                       database "pathways"; prints its URL
#   tests/lib/pg.sh stop DIR         -> fast shutdown
#   tests/lib/pg.sh crash DIR        -> immediate shutdown (no checkpoint)
#   tests/lib/pg.sh url DIR PORT     -> prints the URL
#   tests/lib/pg.sh bin              -> prints the server's bin folder (psql,
#                                       pg_ctl, ... of the newest installed major)
# initdb refuses to run as root, so as root the server runs as the
# "postgres" system user (created by Debian's postgresql package).
set -euo pipefail

# Newest installed server major unless PGBIN says otherwise.
if [ -z "${PGBIN:-}" ]; then
    PGBIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null |
        sort -V | tail -1)
fi
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
    echo "pg.sh: no PostgreSQL server found under /usr/lib/postgresql (PGBIN='$PGBIN');" \
        "run deploy/local/install-deps" >&2
    exit 1
fi

cmd=${1:?usage: pg.sh start|stop|url DIR [PORT] | pg.sh bin}
if [ "$cmd" = bin ]; then
    echo "$PGBIN"
    exit 0
fi
dir=${2:?DIR}
port=${3:-55432}
# Absolute, so that it stays valid when commands run from another folder.
case "$dir" in
/*) ;;
*) dir="$PWD/$dir" ;;
esac

# Runs a server binary as the cluster's owner: ourselves, or "postgres" when we
# are root. From "/" so the postgres user never has to enter our cwd.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

url() {
    echo "postgresql://pathways@127.0.0.1:${port}/pathways"
}

case "$cmd" in
start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
        # Every parent folder must be traversable by the postgres user.
        p="$dir"
        while [ "$p" != / ]; do
            chmod o+x "$p" 2>/dev/null || true
            p=$(dirname "$p")
        done
        chown postgres: "$dir"
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner mkdir -p "$dir/data" "$dir/sock"
        as_owner "$PGBIN/initdb" --no-sync -A trust -U postgres -D "$dir/data" >"$dir/initdb.log" 2>&1 ||
            {
                cat "$dir/initdb.log" >&2
                exit 1
            }
    fi
    as_owner mkdir -p "$dir/sock"
    # A Unix socket path is limited to ~107 bytes; we only use TCP, so in a
    # deep checkout go without the socket rather than fail to start.
    sockdir="$dir/sock"
    if [ $((${#sockdir} + 20)) -gt 100 ]; then
        sockdir=""
    fi
    if ! as_owner "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k '$sockdir' -c listen_addresses=127.0.0.1 -c max_connections=200" \
            start >/dev/null || {
            tail -20 "$dir/server.log" >&2
            exit 1
        }
    fi
    psql_() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres "$@"; }
    if ! psql_ -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='pathways'" | grep -q 1; then
        psql_ -d postgres -c "CREATE ROLE pathways LOGIN SUPERUSER"
    fi
    if ! psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='pathways'" | grep -q 1; then
        psql_ -d postgres -c "CREATE DATABASE pathways OWNER pathways"
    fi
    url
    ;;
stop)
    if [ -f "$dir/data/PG_VERSION" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
crash)
    # An immediate stop: no checkpoint, clients cut off (the fault suite).
    if [ -f "$dir/data/PG_VERSION" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    ;;
url)
    url
    ;;
*)
    echo "usage: pg.sh start|stop|url DIR [PORT] | pg.sh bin" >&2
    exit 2
    ;;
esac
