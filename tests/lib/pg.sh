#!/usr/bin/env bash
# Private PostgreSQL clusters for the local run, the tests and the benchmarks.
#   tests/lib/pg.sh start DIR PORT   -> creates (if needed) and starts a cluster
#                                       in DIR listening on 127.0.0.1:PORT, with
#                                       database "pathways"; prints its URL
#   tests/lib/pg.sh stop DIR         -> fast shutdown
#   tests/lib/pg.sh url DIR PORT     -> prints the URL
# initdb refuses to run as root, so as root the server runs as the
# "postgres" system user (created by Debian's postgresql package).
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
cmd=${1:?usage: pg.sh start|stop|url DIR [PORT]}
dir=${2:?DIR}
port=${3:-55432}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
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
            { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_owner mkdir -p "$dir/sock"
    if ! as_owner "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c max_connections=200" \
            start >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
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
url)
    url
    ;;
*)
    echo "usage: pg.sh start|stop|url DIR [PORT]" >&2
    exit 2
    ;;
esac
