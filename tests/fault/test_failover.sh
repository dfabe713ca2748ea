#!/usr/bin/env bash
# The store fails over under a steady partner load: the four services run
# against a Patroni cluster (deploy/patroni/cluster: primary + synchronous
# standby, synchronous_mode) through a multi-host URL with
# target_session_attrs=read-write. Faults, in order, while the load runs:
#   1. kill -9 of the primary's postmaster (Patroni promotes the standby;
#      the old primary rejoins as the new synchronous standby);
#   2. a planned switchover with patronictl, back to the first node.
# Then the exactly-once checker (tests/lib/fault.sh): every acknowledged
# event stored once, no duplicated effect, every consumer caught up, the
# report equal to the oracle; and the standby holds every stored event.
# Printed per fault: the write outage seen by a probe that commits every
# ~0.1 s through the same URL, and the longest gap in partner ingest.
set -euo pipefail
[ -z "${FAULT_TRACE:-}" ] || set -x # FAULT_TRACE=1: trace every step
source "$(dirname "$0")/../lib/e2e.sh"
source "$(dirname "$0")/../lib/fault.sh"

export PATHWAYS_IDLE_CATCHUP_MS=300 PATHWAYS_LEASE_TTL_MS=1500 PATHWAYS_LOG_LEVEL=${PATHWAYS_LOG_LEVEL:-warn}
export FAULT_LOAD_LIMIT_S=240
probe=""
readyz=""
failover_cleanup() {
    [ -z "$probe" ] || kill "$probe" 2>/dev/null || true
    [ -z "$readyz" ] || kill "$readyz" 2>/dev/null || true
    fault_exit_cleanup
}
trap failover_cleanup EXIT
fault_store_start "$((PATHWAYS_PORT_BASE + 60))"

e2e_init failover
trap failover_cleanup EXIT # e2e_init set its own
e2e_start_all

# The write probe: one commit at a time through the services' URL, the
# time of every success in probe.ok.
e2e_psql "CREATE TABLE failover_probe (at timestamptz DEFAULT clock_timestamp())"
(
    while :; do
        if timeout 5 "$E2E_PSQL" -X -q -d "$PATHWAYS_DATABASE_URL&connect_timeout=1" \
            -c "INSERT INTO failover_probe DEFAULT VALUES" 2>/dev/null; then
            date +%s.%N >>"$E2E_WORK/probe.ok"
        fi
        sleep 0.1
    done
) &
probe=$!
# Eligibility's readiness, every 0.2 s: "unixtime code reason".
(
    port=$(e2e_port eligibility 2)
    while :; do
        body=$(curl -s --max-time 1 -w ' %{http_code}' "http://127.0.0.1:$port/readyz" 2>/dev/null) || true
        echo "$(date +%s.%N) ${body##* } ${body% *}" >>"$E2E_WORK/readyz.log"
        sleep 0.2
    done
) &
readyz=$!

fault_workload 2 3000 31
fault_load_start "tcp://127.0.0.1:$(e2e_port eligibility 0)"

# Checks for e2e_wait_until (evaluated on every poll).
stored_after() {
    [ "$(e2e_psql "SELECT count(*) FROM eligibility.partner_event
        WHERE received_at > to_timestamp($1)")" -gt 0 ]
}
stored_more_than() { [ "$(e2e_psql "SELECT count(*) FROM eligibility.partner_event")" -gt "$1" ]; }
probe_ok_after() { awk -v t="$1" '$1 > t {f = 1} END {exit !f}' "$E2E_WORK/probe.ok"; }
cluster_ready() { "$FAULT_CLUSTER" wait "$FAULT_STORE" 1 2>/dev/null; }

# outage FROM TO: the longest gap, in seconds, between two successive
# probe commits that ends after FROM and starts before TO.
outage() {
    awk -v from="$1" -v to="$2" 'NR > 1 && $1 > from && prev < to && $1 - prev > gap {
        gap = $1 - prev } {prev = $1} END {printf "%.1f", gap}' "$E2E_WORK/probe.ok"
}
# ingest_gap FROM TO: the same for partner events stored by eligibility.
ingest_gap() {
    e2e_psql "SELECT coalesce(round(max(gap)::numeric, 1), 0) FROM (SELECT
        extract(epoch FROM received_at - lag(received_at) OVER (ORDER BY received_at)) AS gap,
        extract(epoch FROM received_at) AS at FROM eligibility.partner_event) g
        WHERE at > $1 AND at - gap < $2"
}
# unready FROM: seconds from eligibility's first "not ready" after FROM to
# its next "ready".
unready() {
    awk -v from="$1" '$1 > from && $2 != 200 && !down {down = $1}
        down && $2 == 200 && !up {up = $1} END {printf "%.1f", up - down}' "$E2E_WORK/readyz.log"
}
# readiness_said FROM TO: eligibility's readiness said "database
# unavailable" between FROM and TO.
readiness_said() {
    awk -v from="$1" -v to="$2" '$1 >= from && $1 <= to && /database unavailable/ {f = 1}
        END {exit !f}' "$E2E_WORK/readyz.log"
}

# fault NAME CMD...: runs CMD under load, waits until writes succeed again
# and the cluster has a streaming synchronous standby, prints the figures.
fault() {
    local name=$1 from to
    shift
    fault_load_running || e2e_fail "the load ended before '$name': nothing was tested under load"
    e2e_wait_until 20 "probe commits before '$name'" probe_ok_after "$(date +%s.%N)"
    from=$(date +%s.%N)
    "$@"
    e2e_wait_until 60 "writes after '$name'" probe_ok_after "$from"
    e2e_wait_until 90 "a synchronous standby again after '$name'" cluster_ready
    to=$(date +%s.%N)
    fault_load_running || e2e_fail "the load ended during '$name': nothing was tested under load"
    # A service needs at least one failed statement to notice; allow for
    # its next batch.
    e2e_wait_until 10 "partner events stored after '$name'" stored_after "$to"
    # (the partner's gap adds pathways-publish's retry backoff to the outage)
    echo "$name: write outage $(outage "$from" "$to") s (probe), eligibility not ready" \
        "$(unready "$from") s, partner ingest gap $(ingest_gap "$from" "$to") s," \
        "primary now $("$FAULT_CLUSTER" primary "$FAULT_STORE")"
    readiness_said "$from" "$(date +%s.%N)" ||
        e2e_fail "eligibility's readiness never said 'database unavailable' during '$name'"
}

kill_primary() {
    local node pid
    node=$("$FAULT_CLUSTER" primary "$FAULT_STORE")
    pid=$("$FAULT_CLUSTER" postmaster "$FAULT_STORE" "$node")
    kill -9 "$pid"
    echo "killed the postmaster of $node (pid $pid)"
}
switchover() {
    local node
    node=$("$FAULT_CLUSTER" primary "$FAULT_STORE")
    "$FAULT_CLUSTER" ctl "$FAULT_STORE" switchover --primary "$node" --force >"$E2E_WORK/switchover.out" 2>&1 ||
        e2e_fail "patronictl switchover: $(tail -3 "$E2E_WORK/switchover.out")"
    echo "switched over from $node"
}

e2e_wait_until 30 "partner events stored" stored_more_than 100
fault "kill -9 of the primary's postmaster" kill_primary
fault "patronictl switchover" switchover

fault_load_wait
kill "$probe" 2>/dev/null || true
probe=""
fault_check

# Every stored event is on the standby too (synchronous_commit on with a
# synchronous standby: a commit returns once the standby has flushed it;
# it may not have replayed it yet, hence the wait).
primary=$("$FAULT_CLUSTER" primary "$FAULT_STORE")
standby=node1
[ "$primary" != node1 ] || standby=node2
standby_url="postgresql://postgres@127.0.0.1:$(sed -n "s/^PG_PORT_$standby=//p" "$FAULT_STORE/ports")/pathways_e2e_failover"
primary_count=$(e2e_psql "SELECT count(*) FROM eligibility.partner_event")
standby_has_all() {
    [ "$("$E2E_PSQL" -X -q -t -A -d "$standby_url" -c "SELECT count(*) FROM eligibility.partner_event")" = \
        "$primary_count" ]
}
e2e_wait_until 30 "the standby to hold all $primary_count partner events" standby_has_all
# What made that so: a service's session (its role, no test options) commits
# with synchronous_commit on, and the primary names the standby synchronous.
e2e_assert_eq "synchronous_commit, synchronous_standby_names" "on|$standby" \
    "$(PGOPTIONS="" "$E2E_PSQL" -X -q -t -A -d "$(_e2e_service_url eligibility)" \
        -c "SELECT current_setting('synchronous_commit') || '|'
            || current_setting('synchronous_standby_names')")"
echo "PASS: failover"
