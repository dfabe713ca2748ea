#!/usr/bin/env bash
# The fault suite: a steady partner load through the four services while
# faults are injected, then a checker that compares what partners had
# acknowledged with what the store holds (lost / duplicated / unexpected).
#
# Faults, in order, while the load runs: kill -9 of each service in turn
# (restarted a moment later); a consumer stalled with SIGSTOP/SIGCONT; a slow
# consumer stopped long enough to overflow its ZeroMQ queue (PATHWAYS_SUB_HWM
# is tiny here); an immediate PostgreSQL stop and restart; and, throughout,
# a proxy that throws away every 7th acknowledgement so the partner retries
# batches that were already committed.
set -euo pipefail
[ -z "${FAULT_TRACE:-}" ] || set -x # FAULT_TRACE=1: trace every step
source "$(dirname "$0")/../lib/e2e.sh"
source "$(dirname "$0")/../lib/fault.sh"
src=${PATHWAYS_SOURCE:?}
bin=${PATHWAYS_BIN:?}

# A cluster of its own: this suite stops and restarts it.
pgdir=$(mktemp -d /tmp/pathways-fault-pg.XXXXXX)
pgport=${PATHWAYS_FAULT_PG_PORT:-55490}
while (echo >/dev/tcp/127.0.0.1/"$pgport") 2>/dev/null; do pgport=$((pgport + 1)); done
PATHWAYS_TEST_DATABASE_URL=$("$src/tests/lib/pg.sh" start "$pgdir" "$pgport")
export PATHWAYS_TEST_DATABASE_URL

# Small queues and quick timers so faults show within seconds.
export PATHWAYS_SUB_HWM=20 PATHWAYS_IDLE_CATCHUP_MS=300 PATHWAYS_LEASE_TTL_MS=1500
export PATHWAYS_LOG_LEVEL=warn
e2e_init faults
fault_cleanup() {
    fault_load_stop
    [ -n "${dropper:-}" ] && kill "$dropper" 2>/dev/null
    for pid in "${E2E_PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null || true; done
    _e2e_cleanup
    "$src/tests/lib/pg.sh" stop "$pgdir" || true
    rm -rf "$pgdir"
}
trap fault_cleanup EXIT
e2e_start_all

fault_workload 3 2400 23

# The partner talks to the service through the acknowledgement dropper.
front="tcp://127.0.0.1:$((PATHWAYS_PORT_BASE + 5))"
back="tcp://127.0.0.1:$(e2e_port eligibility 0)"
"$bin/fault-ack-dropper" "$front" "$back" 7 >"$E2E_WORK/dropper.out" 2>&1 &
dropper=$!

# The load, each chunk retried until acknowledged (tests/lib/fault.sh).
fault_load_start "$front"

pause() { kill -STOP "${E2E_PIDS[$1]}"; echo "stalled $1"; }
resume() { kill -CONT "${E2E_PIDS[$1]}"; echo "resumed $1"; }
crash_restart() {
    e2e_kill "$1"
    sleep 0.7
    e2e_start "$1" || e2e_fail "restart $1"
    e2e_wait_ready "$1" 30
}

# Each fault must meet load: the partner's accepted events grow right before
# it (and the loader has not finished), else the fault proves nothing.
accepted() { e2e_psql "SELECT count(*) FROM eligibility.partner_event"; }
load_flowing() { # load_flowing WHAT: fails the suite unless acceptances grow
    local before
    before=$(accepted)
    fault_load_running || e2e_fail "$1: the load had already ended"
    grows() { [ "$(accepted)" -gt "$before" ]; }
    e2e_wait_until 20 "partner events accepted just before $1" grows
    echo "load flowing before $1 ($(accepted) events accepted)"
}
heads() { # heads STREAM...: events on these streams
    local list
    list=$(printf "'%s'," "$@")
    e2e_psql "SELECT coalesce(sum(seq), 0) FROM stream.head WHERE stream IN (${list%,})"
}

sleep 1.5
for svc in eligibility enrollment notification reporting; do
    load_flowing "killing $svc"
    crash_restart "$svc"
    sleep 1
done
load_flowing "stalling enrollment"
pause enrollment
sleep 2
resume enrollment
load_flowing "stopping reporting"
reporting_streams=(employee eligibility enrollment notification)
# reporting_gaps: live-path gaps reporting has closed from the table, over
# its streams (pathways_consumer_gaps_total).
reporting_gaps() {
    curl -s --max-time 2 "http://127.0.0.1:$(e2e_port reporting 2)/metrics" |
        awk '/^pathways_consumer_gaps_total\{consumer="reporting",/ { n += $2 } END { print n + 0 }'
}
gaps_before=$(reporting_gaps)
heads_before=$(heads "${reporting_streams[@]}")
pause reporting # far behind: its 20-event queue overflows while it sleeps
sleep 4
published=$(($(heads "${reporting_streams[@]}") - heads_before))
echo "$published events published while reporting was stopped"
resume reporting
# The overflow happened: events were lost on the way and reporting noticed
# the gap and read them from the table.
gapped() { [ "$(reporting_gaps)" -gt "$gaps_before" ]; }
e2e_wait_until 20 "reporting closing a gap after its queue overflowed ($published events published while it was stopped)" gapped
echo "reporting closed $(($(reporting_gaps) - gaps_before)) gap(s) after the overflow"
load_flowing "stopping PostgreSQL"
"$src/tests/lib/pg.sh" crash "$pgdir"
if e2e_psql "SELECT 1" >/dev/null 2>&1; then e2e_fail "PostgreSQL still answers after the crash"; fi
echo "PostgreSQL stopped (immediate): no answer"
sleep 2
"$src/tests/lib/pg.sh" start "$pgdir" "$pgport" >/dev/null
echo "PostgreSQL restarted"

fault_load_wait
kill "$dropper"
wait "$dropper" || true
dropper=""
fault_check
dups_acked=$(awk -F'[ =]' '/^accepted=/ {d += $4} END {print d + 0}' "$E2E_WORK/publish.out")
echo "acks-dropped=$(cat "$E2E_WORK/dropper.out") partner-saw-duplicates=$dups_acked"
[ "$dups_acked" -gt 0 ] || e2e_fail "no acknowledgement was lost: the retry path went untested"
echo "PASS: fault suite"
