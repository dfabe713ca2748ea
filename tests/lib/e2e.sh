# shellcheck shell=bash
# Harness for the end-to-end tests (tests/e2e/test_*.sh): runs the Pathways
# services as real processes against the test PostgreSQL, each test in a
# database and a work folder of its own. Source it, then call e2e_init:
#
#   set -euo pipefail
#   source "$(dirname "$0")/../lib/e2e.sh"
#   e2e_init mytest            # fresh database pathways_e2e_mytest, work dir, trap
#   e2e_start_all              # start the four services, wait for /readyz
#   e2e_assert_eq "employees" 3 "$(e2e_psql 'SELECT count(*) FROM ...')"
#
# Environment (ctest sets the first three; tests/run sets the URL):
#   PATHWAYS_TEST_DATABASE_URL  any database on the test server (admin access)
#   PATHWAYS_BIN                folder with pathways-<service> and the tools
#   PATHWAYS_PORT_BASE          where this test's port block (service k at
#                               +10*k) is looked for: e2e_init moves it to
#                               the first free block from there (ports.sh)
#   PATHWAYS_TODAY              defaults to 2026-11-30 so dates are reproducible
# Exported by e2e_init: PATHWAYS_DATABASE_URL, E2E_WORK (the work folder, gone
# at exit unless E2E_KEEP_WORK=1), PATHWAYS_OUTBOX_FILE ($E2E_WORK/outbox.jsonl
# unless set), and CURVE on with development keys in $E2E_KEYS (the
# services' key with role service, admin and read_only keys; the tools act as
# admin): the services run as in production. A test that makes its own keys
# sets E2E_CURVE=self before e2e_init.
#
# Functions report failure by returning non-zero (e2e_start, e2e_psql) or by
# failing the whole test through e2e_fail (the waits and assertions), which
# prints every service's log tail first.

export PATHWAYS_TODAY="${PATHWAYS_TODAY:-2026-11-30}"
# shellcheck source=tests/lib/ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"

# The services in port-block order: eligibility is k=1 (base+10), ...
E2E_SERVICES=(eligibility enrollment notification reporting)
# Seconds a service gets to drain after SIGTERM before it is killed.
E2E_STOP_TIMEOUT="${E2E_STOP_TIMEOUT:-15}"
# Exit status of the last service stopped by e2e_stop or e2e_kill.
E2E_EXIT_STATUS=""
declare -gA E2E_PIDS=()
E2E_WORK=""

# Prints the psql to use: the server's own (newest major), else the one on PATH.
_e2e_psql_bin() {
    local bin
    bin=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/psql' 2>/dev/null |
        sort -V | tail -1)
    echo "${bin:-psql}"
}
E2E_PSQL="${E2E_PSQL:-$(_e2e_psql_bin)}"

# _e2e_url_with_db URL DB: URL with its database name replaced by DB (keeps any
# ?query). Only postgresql://user@host:port/db[?query] URLs are expected.
_e2e_url_with_db() {
    local url=$1 db=$2 query=""
    if [[ $url == *\?* ]]; then
        query="?${url#*\?}"
        url=${url%%\?*}
    fi
    echo "${url%/*}/${db}${query}"
}

# A second instance of a service is named SERVICE@b: the same binary, its
# own log, pid and port block (from PATHWAYS_PORT_BASE + E2E_B_OFFSET).
E2E_B_OFFSET=50
# 1: two instances of every service; each consumer subscribes to both
# publishers of its stream (e2e_start sets the endpoints).
E2E_TWO_INSTANCES="${E2E_TWO_INSTANCES:-0}"

# e2e_port SERVICE[@b] [OFFSET]: the service's port (+0 ROUTER, +1 PUB, +2 HTTP).
e2e_port() {
    local svc=${1%@b} off=${2:-0} k base=$PATHWAYS_PORT_BASE
    [ "$svc" = "$1" ] || base=$((base + E2E_B_OFFSET))
    for k in "${!E2E_SERVICES[@]}"; do
        if [ "${E2E_SERVICES[$k]}" = "$svc" ]; then
            echo $((base + 10 * (k + 1) + off))
            return 0
        fi
    done
    echo "e2e: unknown service '$svc' (known: ${E2E_SERVICES[*]})" >&2
    return 1
}

# e2e_log SERVICE: path of the service's log file.
e2e_log() {
    echo "$E2E_WORK/$1.log"
}

# e2e_fail MSG: prints MSG and the tail of every service log; exits 1.
e2e_fail() {
    local f
    echo "FAIL: $*" >&2
    if [ -n "$E2E_WORK" ] && [ -d "$E2E_WORK" ]; then
        for f in "$E2E_WORK"/*.log; do
            [ -f "$f" ] || continue
            echo "----- last lines of $(basename "$f") -----" >&2
            tail -n "${E2E_LOG_LINES:-30}" "$f" >&2
        done
    fi
    exit 1
}

# e2e_assert_eq WHAT EXPECTED ACTUAL: fails the test unless both are equal.
e2e_assert_eq() {
    if [ "$2" = "$3" ]; then
        echo "ok: $1 = '$3'"
    else
        e2e_fail "$1: expected '$2', got '$3'"
    fi
}

# e2e_psql SQL [PSQL_ARGS...]: runs SQL on PATHWAYS_DATABASE_URL and prints the
# rows unaligned, without headers ("a|b" per row). Returns psql's status.
e2e_psql() {
    local sql=$1
    shift
    "$E2E_PSQL" -X -q -t -A -v ON_ERROR_STOP=1 -d "$PATHWAYS_DATABASE_URL" "$@" -c "$sql"
}

# e2e_poison STREAM TYPE: appends an undecodable payload at the head of
# STREAM (partition 0), the way a buggy or hostile writer would (needs the
# database owner: E2E_LEAST_PRIVILEGE=0 or the default URL).
e2e_poison() {
    local n
    n=$(e2e_psql "WITH h AS (UPDATE stream.head SET seq = seq + 1
                             WHERE stream = '$1' AND partition = 0 RETURNING seq),
                  i AS (INSERT INTO stream.event
                          (stream, partition, seq, type, key, event_id, occurred_at, payload)
                        SELECT '$1', 0, seq, '$2', 'acme/POISON', 'poison-$1', now(),
                               '\\xffffffff0a'::bytea FROM h RETURNING 1)
                  SELECT count(*) FROM i")
    e2e_assert_eq "poison appended to $1" 1 "$n"
}

# e2e_invited_twice: enrollments invited more often than once per
# eligibility spell (a second invitation is legitimate only after one was
# withdrawn because eligibility was lost). 0 when no effect was duplicated.
e2e_invited_twice() {
    e2e_psql "SELECT count(*) FROM (SELECT enrollment_id,
        count(*) FILTER (WHERE to_state = 'invited') AS invited,
        count(*) FILTER (WHERE from_state = 'invited' AND to_state = 'withdrawn'
                         AND reason_code = 'eligibility_lost') AS lost
        FROM enrollment.transition GROUP BY 1) d WHERE invited > lost + 1"
}

# e2e_cancelled_with_address: employee notifications cancelled for want of
# an address although the directory now holds one (the address was on its
# way and should have been waited for). 0 when none.
e2e_cancelled_with_address() {
    e2e_psql "SELECT count(*) FROM notification.outbox o JOIN notification.recipient r
        USING (employer, employee) WHERE o.state = 'cancelled' AND o.recipient = 'employee'
        AND o.last_error LIKE 'no_address%' AND r.email <> ''"
}

# e2e_init NAME: fresh database pathways_e2e_NAME (dropped first if it exists),
# PATHWAYS_DATABASE_URL pointing at it, a work folder, and an EXIT trap that
# stops every service this test started and removes the work folder.
e2e_init() {
    local name=${1:?usage: e2e_init NAME} var db admin
    for var in PATHWAYS_TEST_DATABASE_URL PATHWAYS_BIN PATHWAYS_PORT_BASE; do
        if [ -z "${!var:-}" ]; then
            echo "e2e_init: $var is not set (run the e2e tests through tests/run or ctest)" >&2
            exit 1
        fi
    done
    if [[ ! $name =~ ^[a-z0-9_]+$ ]]; then
        echo "e2e_init: NAME must be lower-case letters, digits and _ (got '$name')" >&2
        exit 1
    fi
    db="pathways_e2e_${name}"
    admin=$(_e2e_url_with_db "$PATHWAYS_TEST_DATABASE_URL" postgres)
    "$E2E_PSQL" -X -q -v ON_ERROR_STOP=1 -d "$admin" \
        -c "SET client_min_messages = warning" \
        -c "DROP DATABASE IF EXISTS ${db} WITH (FORCE)" \
        -c "CREATE DATABASE ${db}" >/dev/null ||
        {
            echo "e2e_init: could not create database $db on $admin" >&2
            exit 1
        }
    export PATHWAYS_DATABASE_URL
    PATHWAYS_DATABASE_URL=$(_e2e_url_with_db "$PATHWAYS_TEST_DATABASE_URL" "$db")
    E2E_DB_URL=$PATHWAYS_DATABASE_URL
    if [ "$E2E_LEAST_PRIVILEGE" = 1 ]; then
        _e2e_least_privilege || exit 1
    fi
    pw_claim_port_block || exit 1
    E2E_WORK=$(mktemp -d "${TMPDIR:-/tmp}/pathways-e2e-${name}.XXXXXX")
    export E2E_WORK
    export PATHWAYS_OUTBOX_FILE="${PATHWAYS_OUTBOX_FILE:-$E2E_WORK/outbox.jsonl}"
    E2E_PIDS=()
    trap _e2e_cleanup EXIT
    if [ "$E2E_CURVE" = on ]; then
        _e2e_keys || exit 1
    fi
    # Turn signals into an exit so the EXIT trap does the cleaning once.
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    echo "e2e: $name: database $db, ports from $PATHWAYS_PORT_BASE, work $E2E_WORK"
}

# Services run as least-privilege LOGIN roles (pw_e2e_<service>, members of
# the group roles pathways_<service> that migration 003 grants), as in
# production: the owner migrates first, the services do not (they could not).
# A test that studies that start-up itself sets E2E_LEAST_PRIVILEGE=0 before
# e2e_init.
E2E_LEAST_PRIVILEGE="${E2E_LEAST_PRIVILEGE:-1}"
E2E_DB_URL=""
# on: development keys made by deploy/local/dev-keys (default); self: the
# test makes its own.
E2E_CURVE="${E2E_CURVE:-on}"
E2E_KEYS=""

# Keys for CURVE: deploy/local/dev-keys into $E2E_WORK/keys, then its env.sh.
_e2e_keys() {
    local src=${PATHWAYS_SOURCE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
    E2E_KEYS=$E2E_WORK/keys
    PATHWAYS_BIN=$PATHWAYS_BIN "$src/deploy/local/dev-keys" --dir "$E2E_KEYS" >/dev/null ||
        { echo "e2e_init: deploy/local/dev-keys failed" >&2 && return 1; }
    # shellcheck disable=SC1091
    source "$E2E_KEYS/env.sh"
}

_e2e_least_privilege() {
    local svc
    "$PATHWAYS_BIN/pathwaysctl" migrate >/dev/null ||
        { echo "e2e_init: pathwaysctl migrate failed" >&2 && return 1; }
    for svc in "${E2E_SERVICES[@]}"; do
        e2e_psql "SET client_min_messages = warning;
                  DO \$\$ BEGIN CREATE ROLE pw_e2e_$svc LOGIN;
                  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END \$\$;
                  GRANT pathways_$svc TO pw_e2e_$svc" >/dev/null ||
            { echo "e2e_init: could not set up role pw_e2e_$svc" >&2 && return 1; }
    done
}

# _e2e_service_url SERVICE[@b]: the URL SERVICE connects with (its own role
# when it uses this test's database).
_e2e_service_url() {
    if [ "$E2E_LEAST_PRIVILEGE" = 1 ] && [ "$PATHWAYS_DATABASE_URL" = "$E2E_DB_URL" ]; then
        echo "$PATHWAYS_DATABASE_URL" | sed -E "s#://[^@/]*@#://pw_e2e_${1%@b}@#"
    else
        echo "$PATHWAYS_DATABASE_URL"
    fi
}

_e2e_cleanup() {
    local svc pid deadline
    # SIGTERM everything first so the services drain in parallel, then give
    # them 10 s together before SIGKILL.
    for pid in "${E2E_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    deadline=$((SECONDS + 10))
    for svc in "${!E2E_PIDS[@]}"; do
        while kill -0 "${E2E_PIDS[$svc]}" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
            sleep 0.1
        done
        kill -KILL "${E2E_PIDS[$svc]}" 2>/dev/null || true
        wait "${E2E_PIDS[$svc]}" 2>/dev/null || true
    done
    E2E_PIDS=()
    if [ -n "$E2E_WORK" ] && [ "${E2E_KEEP_WORK:-0}" != 1 ]; then
        rm -rf "$E2E_WORK"
    fi
}

# _e2e_reap SERVICE: waits for the (exiting) service, records its exit status
# in E2E_EXIT_STATUS and forgets it.
_e2e_reap() {
    if wait "${E2E_PIDS[$1]}" 2>/dev/null; then
        E2E_EXIT_STATUS=0
    else
        E2E_EXIT_STATUS=$?
    fi
    unset "E2E_PIDS[$1]"
}

# _e2e_instance_env SERVICE[@b]: the environment of one instance: its port
# block and, with E2E_TWO_INSTANCES=1, every stream's two publishers (its own
# PUB bound explicitly, since the _ENDPOINT variable then holds a list).
_e2e_instance_env() {
    local name=$1 svc=${1%@b} s
    echo "PATHWAYS_PORT_BASE=$(($(e2e_port "$name") - $(e2e_port "$svc") + PATHWAYS_PORT_BASE))"
    [ "$E2E_TWO_INSTANCES" = 1 ] || return 0
    for s in "${E2E_SERVICES[@]}"; do
        echo "PATHWAYS_${s^^}_EVENTS_ENDPOINT=tcp://127.0.0.1:$(e2e_port "$s" 1),tcp://127.0.0.1:$(e2e_port "$s@b" 1)"
    done
    echo "PATHWAYS_${svc^^}_EVENTS_BIND=tcp://127.0.0.1:$(e2e_port "$name" 1)"
}

# e2e_start SERVICE[@b] [ARGS...]: starts $PATHWAYS_BIN/pathways-SERVICE in
# the background, output appended to $E2E_WORK/SERVICE[@b].log. Returns 1
# (with a message) when the binary is missing or the service is already
# running.
e2e_start() {
    local svc=${1:?usage: e2e_start SERVICE [ARGS...]}
    shift
    local bin="$PATHWAYS_BIN/pathways-${svc%@b}" env=()
    if [ -z "$E2E_WORK" ]; then
        echo "e2e_start: call e2e_init first" >&2
        return 1
    fi
    if [ ! -x "$bin" ] || [ -d "$bin" ]; then
        echo "e2e_start: $bin is missing or not executable" >&2
        return 1
    fi
    if [ -n "${E2E_PIDS[$svc]:-}" ] && kill -0 "${E2E_PIDS[$svc]}" 2>/dev/null; then
        echo "e2e_start: $svc is already running (pid ${E2E_PIDS[$svc]})" >&2
        return 1
    fi
    echo "=== start $(date +%T) ===" >>"$E2E_WORK/$svc.log"
    local url migrate=${PATHWAYS_MIGRATE_ON_START:-on}
    url=$(_e2e_service_url "$svc")
    [ "$url" = "$PATHWAYS_DATABASE_URL" ] || migrate=off
    mapfile -t env < <(_e2e_instance_env "$svc")
    env "${env[@]}" PATHWAYS_DATABASE_URL="$url" PATHWAYS_MIGRATE_ON_START="$migrate" \
        "$bin" "$@" >>"$E2E_WORK/$svc.log" 2>&1 </dev/null &
    E2E_PIDS[$svc]=$!
}

# e2e_wait_ready SERVICE [TIMEOUT]: waits until http://127.0.0.1:<HTTP port>/readyz
# answers 200 (default 30 s); fails the test if the service exits or the time
# runs out.
e2e_wait_ready() {
    local svc=${1:?usage: e2e_wait_ready SERVICE [TIMEOUT]} timeout=${2:-30}
    local port pid deadline code
    port=$(e2e_port "$svc" 2) || e2e_fail "e2e_wait_ready: unknown service $svc"
    pid=${E2E_PIDS[$svc]:-}
    [ -n "$pid" ] || e2e_fail "e2e_wait_ready: $svc was not started"
    deadline=$((SECONDS + timeout))
    while :; do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
            "http://127.0.0.1:$port/readyz" 2>/dev/null) || true
        [ "$code" = 200 ] && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            _e2e_reap "$svc"
            e2e_fail "$svc exited (status $E2E_EXIT_STATUS) before it was ready"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            e2e_fail "$svc not ready after ${timeout}s (http://127.0.0.1:$port/readyz said '${code:-nothing}')"
        fi
        sleep 0.2
    done
}

# _e2e_terminate SERVICE GRACE: SIGTERM, then SIGKILL after GRACE seconds.
# Sets E2E_EXIT_STATUS; returns 1 if the service had to be killed.
_e2e_terminate() {
    local svc=$1 grace=$2 pid deadline rc=0
    pid=${E2E_PIDS[$svc]:-}
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + grace))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        rc=1
    fi
    _e2e_reap "$svc"
    return "$rc"
}

# e2e_stop SERVICE: SIGTERM and wait for it to exit (E2E_STOP_TIMEOUT seconds,
# default 15). Its exit status is left in E2E_EXIT_STATUS. Fails the test if it
# had to be killed: a graceful drain on SIGTERM is part of the contract.
e2e_stop() {
    local svc=${1:?usage: e2e_stop SERVICE}
    [ -n "${E2E_PIDS[$svc]:-}" ] || e2e_fail "e2e_stop: $svc is not running"
    _e2e_terminate "$svc" "$E2E_STOP_TIMEOUT" ||
        e2e_fail "$svc did not stop within ${E2E_STOP_TIMEOUT}s of SIGTERM (killed)"
    echo "stopped $svc (status $E2E_EXIT_STATUS)"
}

# e2e_kill SERVICE: SIGKILL (a crash) and reap it; status in E2E_EXIT_STATUS.
e2e_kill() {
    local svc=${1:?usage: e2e_kill SERVICE} pid
    pid=${E2E_PIDS[$svc]:-}
    [ -n "$pid" ] || e2e_fail "e2e_kill: $svc is not running"
    kill -KILL "$pid" 2>/dev/null || true
    _e2e_reap "$svc"
    echo "killed $svc"
}

# e2e_start_all [TIMEOUT]: starts the four services (with
# E2E_TWO_INSTANCES=1 two instances of each) and waits until each is ready.
e2e_start_all() {
    local svc names=("${E2E_SERVICES[@]}")
    [ "$E2E_TWO_INSTANCES" != 1 ] || names+=("${E2E_SERVICES[@]/%/@b}")
    for svc in "${names[@]}"; do
        e2e_start "$svc" || e2e_fail "could not start $svc"
    done
    for svc in "${names[@]}"; do
        e2e_wait_ready "$svc" "${1:-30}"
    done
}

# e2e_wait_until TIMEOUT WHAT CMD...: polls CMD (every 0.2 s) until it
# succeeds; fails the test with WHAT after TIMEOUT seconds.
e2e_wait_until() {
    local timeout=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + timeout))
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || e2e_fail "timed out after ${timeout}s waiting for: $what"
        sleep 0.2
    done
}

# e2e_prints EXPECTED COMMAND...: whether COMMAND prints EXPECTED, for
# e2e_wait_until (which runs it again on every poll; a "$(...)" in the
# wait's own arguments would be evaluated once, before the first poll).
e2e_prints() {
    local want=$1
    shift
    [ "$("$@")" = "$want" ]
}

# e2e_split_by_employee FILE N: writes FILE's events (JSON lines) into
# $E2E_WORK/part1.jsonl .. partN.jsonl by the digits of their subject, each
# employee's events whole in one part and in file order. A history split
# over publishes would be dated as of each part's today (README, "Eligible
# since"), which the synthetic oracle does not model.
e2e_split_by_employee() {
    rm -f "$E2E_WORK"/part*.jsonl
    awk -v dir="$E2E_WORK" -v n="$2" '{
        match($0, /"subject":"[^"]*"/)
        id = substr($0, RSTART + 11, RLENGTH - 12)
        gsub(/[^0-9]/, "", id)
        print > (dir "/part" (id % n + 1) ".jsonl")
    }' "$1"
}

# e2e_past_cohort ID START END EMPLOYER CAPACITY: a cohort of EMPLOYER that
# ran from START to END (created, started and finished), for imported
# history.
e2e_past_cohort() {
    e2e_ctl cohort create "$1" --provider "Bay Community College" --serves "$4" \
        --start "$2" --end "$3" --capacity "$5" --status open >/dev/null || e2e_fail "cohort $1"
    e2e_ctl cohort update "$1" --status in_progress >/dev/null || e2e_fail "start $1"
    e2e_ctl cohort update "$1" --status finished >/dev/null || e2e_fail "finish $1"
}

# e2e_ctl ARGS...: runs pathwaysctl from PATHWAYS_BIN.
# e2e_event TYPE SUBJECT DATE DATA_JSON: one partner event line (JSON) for
# pathways-publish, from employer $E2E_EVENT_SOURCE (acme), with ids ev-0001,
# ev-0002... numbered across the test. Call it in the test's shell (not in
# a subshell) so the numbering goes on.
E2E_EVENT_N=0
E2E_EVENT_SOURCE="${E2E_EVENT_SOURCE:-acme}"
e2e_event() {
    E2E_EVENT_N=$((E2E_EVENT_N + 1))
    printf '{"specversion":"1.0","id":"ev-%04d","source":"%s","type":"org.pathways.employee.%s.v1","time":"2026-11-01T09:00:%02dZ","subject":"%s","effective_date":"%s","data":%s}\n' \
        "$E2E_EVENT_N" "$E2E_EVENT_SOURCE" "$1" "$((E2E_EVENT_N % 60))" "$2" "$3" "$4"
}

e2e_ctl() {
    "$PATHWAYS_BIN/pathwaysctl" "$@"
}

# e2e_own_cluster FIRST LAST: a PostgreSQL cluster of this test's own (for a
# test that stops or freezes it) in E2E_PG_DIR/pg, on the first free port
# of PATHWAYS_PORT_BASE+FIRST .. +LAST in the test's claimed block
# (E2E_PG_PORT); exports PATHWAYS_TEST_DATABASE_URL at it. Call before
# e2e_init; e2e_own_cluster_stop (safe twice) belongs in the EXIT trap.
E2E_PG_SH="$(dirname "${BASH_SOURCE[0]}")/pg.sh"
E2E_PG_DIR=""
E2E_PG_PORT=""
e2e_own_cluster() {
    pw_claim_port_block || exit 1
    E2E_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pathways-e2e-pg.XXXXXX")
    trap e2e_own_cluster_stop EXIT
    E2E_PG_PORT=$(pw_free_port $((PATHWAYS_PORT_BASE + $1)) $((PATHWAYS_PORT_BASE + $2))) ||
        { echo "FAIL: no free port for the test's own cluster" >&2 && exit 1; }
    PATHWAYS_TEST_DATABASE_URL=$("$E2E_PG_SH" start "$E2E_PG_DIR/pg" "$E2E_PG_PORT") ||
        { echo "FAIL: could not start the test's own cluster" >&2 && exit 1; }
    export PATHWAYS_TEST_DATABASE_URL
}
e2e_own_cluster_stop() {
    [ -n "$E2E_PG_DIR" ] || return 0
    "$E2E_PG_SH" stop "$E2E_PG_DIR/pg" >/dev/null 2>&1 || true
    rm -rf "$E2E_PG_DIR"
    E2E_PG_DIR=""
}

# e2e_hold NAME SQL: runs SQL (say "SELECT ... FOR UPDATE") in a transaction
# of a background session named NAME (application_name) that then waits, so
# its locks stay held until e2e_release NAME.
e2e_hold() {
    PGAPPNAME=$1 "$E2E_PSQL" -X -q -d "$PATHWAYS_DATABASE_URL" >/dev/null 2>&1 <<SQL &
BEGIN;
$2;
SELECT pg_sleep(600);
SQL
    E2E_HOLDERS[$1]=$!
    # shellcheck disable=SC2317
    held() {
        [ "$(e2e_psql "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$1'
                       AND query LIKE '%pg_sleep%'")" = 1 ]
    }
    e2e_wait_until 20 "session $1 holds its locks" held "$1"
}
declare -gA E2E_HOLDERS=()
e2e_release() {
    e2e_psql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
              WHERE application_name = '$1'" >/dev/null
    wait "${E2E_HOLDERS[$1]}" 2>/dev/null || true
    unset "E2E_HOLDERS[$1]"
}

# e2e_feed EMPLOYEES SEED: a synthetic workforce of one employer
# (pathways-synth, oracle in $E2E_WORK/expected.json) registered, published
# and applied by every consumer.
e2e_feed() {
    "$PATHWAYS_BIN/pathways-synth" --employers 1 --employees "$1" --seed "$2" \
        --today "$PATHWAYS_TODAY" --out "$E2E_WORK/events.jsonl" \
        --employers-out "$E2E_WORK/employers.tsv" --expect "$E2E_WORK/expected.json" >/dev/null ||
        e2e_fail "pathways-synth"
    e2e_ctl employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"
    "$PATHWAYS_BIN/pathways-publish" --file "$E2E_WORK/events.jsonl" --quiet >/dev/null ||
        e2e_fail "publish"
    e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after the feed"
}

# e2e_wait_exit SERVICE SECONDS: waits for SERVICE (just signalled by the
# test) to exit; fails the test after SECONDS. Its status is left in
# E2E_EXIT_STATUS, the milliseconds waited in E2E_EXIT_MS.
E2E_EXIT_MS=0
e2e_wait_exit() {
    local pid=${E2E_PIDS[$1]:?e2e_wait_exit: $1 is not running} start deadline
    start=$(date +%s%N)
    deadline=$((SECONDS + $2))
    while kill -0 "$pid" 2>/dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || e2e_fail "$1 still running $2 s after the signal"
        sleep 0.05
    done
    E2E_EXIT_MS=$((($(date +%s%N) - start) / 1000000))
    _e2e_reap "$1"
}
