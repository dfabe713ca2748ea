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
    [ -n "${loader:-}" ] && kill "$loader" 2>/dev/null
    [ -n "${dropper:-}" ] && kill "$dropper" 2>/dev/null
    for pid in "${E2E_PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null || true; done
    _e2e_cleanup
    "$src/tests/lib/pg.sh" stop "$pgdir" || true
    rm -rf "$pgdir"
}
trap fault_cleanup EXIT
e2e_start_all

"$bin/pathways-synth" --employers 3 --employees 2400 --seed 23 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
e2e_ctl employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"
total=$(wc -l <"$E2E_WORK/events.jsonl")
split -l 40 -d -a 4 "$E2E_WORK/events.jsonl" "$E2E_WORK/chunk."

# The partner talks to the service through the acknowledgement dropper.
front="tcp://127.0.0.1:$((PATHWAYS_PORT_BASE + 5))"
back="tcp://127.0.0.1:$(e2e_port eligibility 0)"
"$bin/fault-ack-dropper" "$front" "$back" 7 >"$E2E_WORK/dropper.out" 2>&1 &
dropper=$!

# The load: one chunk after another, each retried until acknowledged. A
# chunk unacknowledged for 84 s, or a load past 6 minutes, fails the suite
# (with every log) instead of running into ctest's timeout.
(
    for f in "$E2E_WORK"/chunk.*; do
        [ "$SECONDS" -lt 360 ] || { echo "load: past 360 s at $f" >>"$E2E_WORK/publish.out" && exit 1; }
        "$bin/pathways-publish" --file "$f" --endpoint "$front" --batch 20 \
            --timeout-ms 700 --retries 120 >>"$E2E_WORK/publish.out" 2>&1 || exit 1
        sleep 0.15
    done
) &
loader=$!

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
    kill -0 "$loader" 2>/dev/null || e2e_fail "$1: the load had already ended"
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

wait "$loader" || e2e_fail "the partner load did not get every event acknowledged: $(tail -3 "$E2E_WORK/publish.out")"
loader=""
kill "$dropper"
wait "$dropper" || true
dropper=""
e2e_ctl wait-idle --timeout 180 >/dev/null || e2e_fail "consumers did not catch up"

# The checker. Every event the partner sent was acknowledged (the loader
# retried until it was), so each must be stored exactly once.
/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    print(e["source"] + "\t" + e["id"])' "$E2E_WORK/events.jsonl" >"$E2E_WORK/sent.tsv"
e2e_psql "CREATE TABLE fault_sent (employer text, event_id text)"
e2e_psql "\\copy fault_sent FROM '$E2E_WORK/sent.tsv'"
lost=$(e2e_psql "SELECT count(*) FROM fault_sent s WHERE NOT EXISTS (SELECT 1 FROM
    eligibility.partner_event p WHERE p.employer = s.employer AND p.event_id = s.event_id)")
unexpected=$(e2e_psql "SELECT count(*) FROM eligibility.partner_event p WHERE NOT EXISTS
    (SELECT 1 FROM fault_sent s WHERE p.employer = s.employer AND p.event_id = s.event_id)")
# Effects: one employee-stream event per accepted partner event, one
# invitation per employee, one outbox row per (trigger, recipient, channel).
dup_stream=$(e2e_psql "SELECT (SELECT count(*) FROM stream.event WHERE stream = 'employee')
    - (SELECT count(*) FROM eligibility.partner_event)")
dup_invites=$(e2e_invited_twice)
dup_outbox=$(e2e_psql "SELECT count(*) - count(DISTINCT notification_id) FROM notification.outbox")
duplicated=$((dup_stream + dup_invites + dup_outbox))
dead=$(e2e_psql "SELECT count(*) FROM stream.dead_letter")
dups_acked=$(awk -F'[ =]' '/^accepted=/ {d += $4} END {print d + 0}' "$E2E_WORK/publish.out")
echo "events=$total acks-dropped=$(cat "$E2E_WORK/dropper.out") partner-saw-duplicates=$dups_acked"
echo "lost=$lost duplicated=$duplicated unexpected=$unexpected dead_letters=$dead"
e2e_assert_eq lost 0 "$lost"
e2e_assert_eq duplicated 0 "$duplicated"
e2e_assert_eq unexpected 0 "$unexpected"
e2e_assert_eq "dead letters" 0 "$dead"
[ "$dups_acked" -gt 0 ] || e2e_fail "no acknowledgement was lost: the retry path went untested"
# Final lag 0 on every stream, and every effect downstream matches the oracle.
e2e_assert_eq "lagging consumers" 0 "$(e2e_psql "SELECT count(*) FROM stream.consumer_offset o
    JOIN stream.head h USING (stream, partition) WHERE o.seq <> h.seq")"
e2e_ctl report summary --expect "$E2E_WORK/expected.json" || e2e_fail "summary differs from the oracle"
echo "PASS: fault suite"
