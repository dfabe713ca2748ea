# shellcheck shell=bash
# The phases of tests/bench/run (sourced by it; uses its variables: ROOT,
# BIN, WORK, RESULTS, PG_*, AMQP_PORT, SERVICES, budget, rates, lat_seconds,
# use_perf, T0, the associative array R, step and die). Each phase records
# its figures as R[label.key]=value; report.py turns them into the tables.

declare -A PIDS=()
declare -A R=() # results: R[label.key]=value (see report.py)
pg_started=0
rabbit_started=0
perf_pid=""
rate_est=1000 # fully-processed events/s, refined after every pipeline run
CLK_TCK=$(getconf CLK_TCK)

min() { echo $(($1 < $2 ? $1 : $2)); }
max() { echo $(($1 > $2 ? $1 : $2)); }
now() { date +%s.%N; }
# fdiv A B [DIGITS]: A / B as a decimal.
fdiv() { awk -v a="$1" -v b="$2" -v d="${3:-1}" 'BEGIN { printf "%.*f", d, (b > 0 ? a / b : 0) }'; }
fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

psql_db() { "$PSQL" -X -q -t -A -v ON_ERROR_STOP=1 -d "$DB_URL" "$@"; }
psql_admin() { "$PSQL" -X -q -t -A -v ON_ERROR_STOP=1 -d "${DB_URL%/*}/postgres" "$@"; }

# --- cleanup ------------------------------------------------------------------
bench_stop_services() {
    local pid svc deadline
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    deadline=$((SECONDS + 15))
    for svc in "${!PIDS[@]}"; do
        pid=${PIDS[$svc]}
        while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
}

bench_cleanup() {
    local rc=$?
    set +e
    trap '' INT TERM HUP
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid" 2>/dev/null
        wait "$perf_pid" 2>/dev/null
    fi
    bench_stop_services
    [ "$rabbit_started" = 0 ] || bench_rabbit_stop
    [ "$pg_started" = 0 ] || "$PG_SH" stop "$PG_DIR"
    exit "$rc"
}

# --- dependencies -------------------------------------------------------------
bench_install_extras() {
    local want=() missing=() p
    [ "$use_rabbit" = 0 ] || want+=(rabbitmq-server librabbitmq-dev)
    [ "$use_perf" = 0 ] || want+=(linux-perf)
    for p in "${want[@]}"; do
        dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    step "installing ${missing[*]} (apt-get)"
    local sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo -n)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >"$WORK/apt.log" 2>&1 ||
        { "${sudo[@]}" apt-get update -qq >>"$WORK/apt.log" 2>&1 &&
            "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                --no-install-recommends "${missing[@]}" >>"$WORK/apt.log" 2>&1; } ||
        die "could not install ${missing[*]} (log: $WORK/apt.log)"
}

# --- PostgreSQL -----------------------------------------------------------------
bench_pg_start() {
    PSQL="$("$PG_SH" bin)/psql"
    pg_started=1
    DB_URL=$("$PG_SH" start "$PG_DIR" "$PG_PORT")
    psql_admin -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" \
        -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
        -c "ALTER SYSTEM SET track_io_timing = on"
    "$PG_SH" stop "$PG_DIR"
    DB_URL=$("$PG_SH" start "$PG_DIR" "$PG_PORT")
    export PATHWAYS_DATABASE_URL="$DB_URL"
    R[machine.pg_version]=$(psql_admin -c "SHOW server_version")
    R[machine.pg_settings]=$(psql_admin -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name)
        FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers',
        'wal_level', 'max_wal_size', 'full_page_writes')")
}

# A fresh, migrated "pathways" database with pg_stat_statements, a LOGIN
# role per service (pw_bench_<service>, member of the group role
# pathways_<service> of migration 003, as deploy/local/run does it: its own
# schema and the stream bookkeeping) and the development keys registered.
# The roles also tell the services apart in pg_stat_statements (userid) and
# pg_stat_activity (usename): application_name is pathways-<service>.
bench_fresh_db() {
    local svc
    psql_admin -c "SET client_min_messages = warning" \
        -c "DROP DATABASE IF EXISTS pathways WITH (FORCE)" \
        -c "CREATE DATABASE pathways OWNER pathways" >/dev/null
    "$BIN/pathwaysctl" migrate >/dev/null
    psql_db -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
    for svc in "${SERVICES[@]}"; do
        psql_db -c "SET client_min_messages = warning" \
            -c "DO \$\$ BEGIN CREATE ROLE pw_bench_$svc LOGIN; EXCEPTION WHEN duplicate_object
                THEN NULL; END \$\$" -c "GRANT pathways_$svc TO pw_bench_$svc" >/dev/null
    done
    PATHWAYS_BIN="$BIN" "$ROOT/deploy/local/dev-keys" --dir "$WORK/keys" \
        --employers "$WORK/employers.tsv" >>"$WORK/logs/dev-keys.log" 2>&1 ||
        die "could not register the development keys (log: $WORK/logs/dev-keys.log)"
}

# CURVE on for the services and the tools (the tools act as admin; an admin
# key may publish for every employer, so one partner connection can carry
# the whole multi-employer feed). Keys are made once per run in
# $WORK/keys and registered again in every fresh database.
bench_keys() {
    PATHWAYS_BIN="$BIN" "$ROOT/deploy/local/dev-keys" --dir "$WORK/keys" \
        --employers "$WORK/employers.tsv" >>"$WORK/logs/dev-keys.log" 2>&1 ||
        die "could not make development keys (log: $WORK/logs/dev-keys.log)"
    # shellcheck disable=SC1091
    source "$WORK/keys/env.sh"
}

# --- feed -------------------------------------------------------------------------
# Writes $WORK/events.jsonl with at least N events (the first N of a
# synthetic workforce, ~1.6 events per employee) and $WORK/employers.tsv.
bench_make_feeds() {
    local n=$1 employees=$(($1 * 10 / 16 + 2000)) have
    while :; do
        "$BIN/pathways-synth" --employers 8 --employees "$employees" --seed 7 \
            --today "$PATHWAYS_TODAY" --out "$WORK/all.jsonl" \
            --employers-out "$WORK/employers.tsv" 2>>"$WORK/logs/synth.log"
        have=$(wc -l <"$WORK/all.jsonl")
        [ "$have" -lt "$n" ] || break
        employees=$((employees * 5 / 4))
    done
    head -n "$n" "$WORK/all.jsonl" >"$WORK/events.jsonl"
    rm -f "$WORK/all.jsonl"
    R[feed.events]=$n
    R[feed.employees]=$employees
    R[feed.avg_bytes]=$(awk '{ s += length($0) } END { printf "%d", s / NR }' "$WORK/events.jsonl")
}

# feed_of N: a file with the first N events.
feed_of() {
    local f="$WORK/events-$1.jsonl"
    [ -f "$f" ] || head -n "$1" "$WORK/events.jsonl" >"$f"
    echo "$f"
}

# --- services ------------------------------------------------------------------
bench_start_services() {
    local svc k code deadline
    for svc in "${SERVICES[@]}"; do
        PATHWAYS_DATABASE_URL=$(sed -E "s#://[^@/]*@#://pw_bench_$svc@#" <<<"$DB_URL") \
            PATHWAYS_MIGRATE_ON_START=off \
            setsid "$BIN/pathways-$svc" >>"$WORK/logs/$svc.log" 2>&1 </dev/null &
        PIDS[$svc]=$!
    done
    for k in "${!SERVICES[@]}"; do
        svc=${SERVICES[$k]}
        deadline=$((SECONDS + 60))
        until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
            "http://127.0.0.1:$((PATHWAYS_PORT_BASE + 10 * (k + 1) + 2))/readyz")" = 200 ]; do
            kill -0 "${PIDS[$svc]}" 2>/dev/null || die "$svc exited (log: $WORK/logs/$svc.log)"
            [ "$SECONDS" -lt "$deadline" ] || die "$svc not ready after 60 s"
            sleep 0.2
        done
    done
    while IFS=$'\t' read -r employer name hr_email; do
        [ "$employer" != employer ] || continue
        "$BIN/pathwaysctl" employer add "$employer" --name "$name" --hr-email "$hr_email" \
            --program mapp >/dev/null
    done <"$WORK/employers.tsv"
}

# cpu_ticks PID: utime + stime (clock ticks) of a live process.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# pg_ticks: CPU ticks of the postmaster and all its children now.
pg_ticks() {
    local pm t=0 c
    pm=$(head -1 "$PG_DIR/data/postmaster.pid")
    for c in $pm $(pgrep -P "$pm"); do t=$((t + $(cpu_ticks "$c"))); done
    echo "$t"
}

# pg_backends: "pid service" of every backend a service opened (by its role).
pg_backends() {
    psql_db -F ' ' -c "SELECT pid, substr(usename, 10) FROM pg_stat_activity
        WHERE datname = 'pathways' AND usename LIKE 'pw\_bench\_%'"
}

declare -A CPU0=() BACKEND0=()
bench_cpu_mark() {
    local svc pid
    for svc in "${SERVICES[@]}"; do CPU0[$svc]=$(cpu_ticks "${PIDS[$svc]}"); done
    CPU0[postgres]=$(pg_ticks)
    BACKEND0=()
    while read -r pid svc; do BACKEND0[$pid]=$(cpu_ticks "$pid"); done < <(pg_backends)
}

# bench_resources LABEL N: peak RSS and CPU s per 1000 events of each
# service, of all PostgreSQL processes, and of the backends serving each
# service (a backend that ended before this is missed; the rest of the
# PostgreSQL figure is WAL writer, checkpointer, autovacuum and the tools).
bench_resources() {
    local label=$1 n=$2 svc t pid
    local -A back=()
    while read -r pid svc; do
        back[$svc]=$((${back[$svc]:-0} + $(cpu_ticks "$pid") - ${BACKEND0[$pid]:-0}))
    done < <(pg_backends)
    for svc in "${SERVICES[@]}"; do
        R[$label.rss_kib.$svc]=$(awk '/^VmHWM:/ { print $2 }' "/proc/${PIDS[$svc]}/status")
        t=$(($(cpu_ticks "${PIDS[$svc]}") - CPU0[$svc]))
        R[$label.cpu_s_per_1k.$svc]=$(fdiv "$t" "$((CLK_TCK * n / 1000))" 3)
        R[$label.pg_cpu_s_per_1k.$svc]=$(fdiv "${back[$svc]:-0}" "$((CLK_TCK * n / 1000))" 3)
    done
    t=$(($(pg_ticks) - CPU0[postgres]))
    R[$label.cpu_s_per_1k.postgres]=$(fdiv "$t" "$((CLK_TCK * n / 1000))" 3)
}

# --- budget ------------------------------------------------------------------------
# fit LABEL N SHARE RESERVE: N, or fewer events when N would not fit in SHARE
# of the budget left after RESERVE seconds; 0 when not even 10,000 fit.
fit() {
    local label=$1 n=$2 share=$3 reserve=$4 left cap
    [ "$budget" -gt 0 ] || {
        echo "$n"
        return
    }
    left=$((budget - (SECONDS - T0) - reserve))
    cap=$(awk -v l="$left" -v s="$share" -v r="$rate_est" \
        'BEGIN { c = (l * s - 15) * r * 0.9; c = int(c / 1000) * 1000; print (c > 0 ? c : 0) }')
    if [ "$cap" -ge "$n" ]; then
        echo "$n"
    elif [ "$cap" -ge 10000 ]; then
        step "$label: $n events would not fit the budget; running $cap" >&2
        R[$label.reduced_from]=$n
        echo "$cap"
    else
        echo 0
    fi
}

# The curve's rates, one a line.
curve_rates() { tr ',' '\n' <<<"$rates"; }
# Events the curve needs: every rate for lat_seconds.
curve_events() {
    local r n=0
    for r in $(curve_rates); do n=$((n + r * lat_seconds)); done
    echo "$n"
}
# curve_step_seconds RATE: the time one step of the curve is expected to
# take (offered, then drained at the last measured rate) plus slack.
curve_step_seconds() {
    local n=$(($1 * lat_seconds))
    echo $((lat_seconds + n / rate_est + 5))
}

# Seconds to keep for the phases after LABEL.
reserve_after() {
    local r curve=25 tail=70 big=25
    for r in $(curve_rates); do curve=$((curve + $(curve_step_seconds "$r"))); done
    case "$1" in
    scale30k | main1 | main4) echo $((tail + curve + big + 40)) ;;
    curve) echo $((tail + big)) ;;
    *) echo "$tail" ;;
    esac
}
