#!/usr/bin/env bash
# Graceful shutdown: SIGTERM in the middle of a load drains and exits 0
# within the bound, losing nothing; a second signal during a drain that
# cannot finish (reporting's offset update waits on a row lock the test
# holds) exits at once (status 1). Afterwards everything is applied exactly
# once.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

e2e_init shutdown
bin=$PATHWAYS_BIN
e2e_start_all
"$bin/pathways-synth" --employers 2 --employees 1500 --seed 3 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
e2e_ctl employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"

"$bin/pathways-publish" --file "$E2E_WORK/events.jsonl" --batch 10 --timeout-ms 1000 \
    --retries 100 --quiet >"$E2E_WORK/publish.out" 2>&1 &
loader=$!

offset() { # offset CONSUMER: events it has applied, over its streams
    e2e_psql "SELECT coalesce(sum(seq), 0) FROM stream.consumer_offset WHERE consumer = '$1'"
}
# flowing CONSUMER: the load is on and CONSUMER's offsets are moving.
flowing() {
    local before
    before=$(offset "$1")
    kill -0 "$loader" 2>/dev/null || e2e_fail "the load ended before the signal"
    moved() { [ "$(offset "$1")" -gt "$before" ]; }
    e2e_wait_until 20 "$1 applying the load" moved "$1"
}

# 1. One SIGTERM while batches flow: a clean drain, status 0, quickly.
flowing enrollment
start=$(date +%s%N)
e2e_stop enrollment
ms=$(( ($(date +%s%N) - start) / 1000000 ))
e2e_assert_eq "enrollment exit status after SIGTERM" 0 "$E2E_EXIT_STATUS"
[ "$ms" -lt 5000 ] || e2e_fail "drain took ${ms} ms (bound 5000)"
grep -q '"stopped cleanly"' "$(e2e_log enrollment)" || e2e_fail "no clean-stop log line"
e2e_start enrollment
e2e_wait_ready enrollment

# 2. A drain that cannot finish: the test holds reporting's offset rows, so
#    its next batch waits on the lock; SIGTERM starts the drain, which the
#    second signal cuts short.
flowing reporting
e2e_hold shutdown_lock "SELECT 1 FROM stream.consumer_offset WHERE consumer = 'reporting' FOR UPDATE"
reporting_blocked() {
    [ "$(e2e_psql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pathways-reporting'
                   AND wait_event_type = 'Lock'")" -gt 0 ]
}
e2e_wait_until 30 "reporting waiting on the held offset rows" reporting_blocked
pid=${E2E_PIDS[reporting]}
drains=$(grep -c 'signal received: draining' "$(e2e_log reporting)" || true)
kill -TERM "$pid"
draining() { [ "$(grep -c 'signal received: draining' "$(e2e_log reporting)")" -gt "$drains" ]; }
e2e_wait_until 10 "reporting draining" draining
kill -0 "$pid" 2>/dev/null || e2e_fail "reporting exited although its batch could not finish"
reporting_blocked || e2e_fail "reporting no longer waits on the lock: the drain is not held"
start=$(date +%s%N)
kill -INT "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && e2e_fail "reporting still running 5 s after the second signal"
cut_ms=$((($(date +%s%N) - start) / 1000000))
_e2e_reap reporting
e2e_release shutdown_lock
e2e_assert_eq "reporting exit status after a second signal" 1 "$E2E_EXIT_STATUS"
[ "$cut_ms" -lt 1500 ] || e2e_fail "the second signal took ${cut_ms} ms to end the drain"
grep -q '"stopped at once"' "$(e2e_log reporting)" || e2e_fail "no stopped-at-once log line"
e2e_start reporting
e2e_wait_ready reporting

wait "$loader" || e2e_fail "publish failed: $(tail -3 "$E2E_WORK/publish.out")"
e2e_ctl wait-idle --timeout 90 >/dev/null || e2e_fail "not idle"
e2e_ctl report summary --expect "$E2E_WORK/expected.json" || e2e_fail "summary differs from the oracle"
echo "PASS: drain in ${ms} ms, a second signal ends a held drain in ${cut_ms} ms, nothing lost or doubled"
