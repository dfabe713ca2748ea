#!/usr/bin/env bash
# Graceful shutdown: SIGTERM in the middle of a load drains and exits 0
# within the bound, losing nothing; a second signal during the drain exits
# at once (status 1). Afterwards everything is applied exactly once.
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

# 1. One SIGTERM while batches flow: a clean drain, status 0, quickly.
sleep 0.5
start=$(date +%s%N)
e2e_stop enrollment
ms=$(( ($(date +%s%N) - start) / 1000000 ))
e2e_assert_eq "enrollment exit status after SIGTERM" 0 "$E2E_EXIT_STATUS"
[ "$ms" -lt 5000 ] || e2e_fail "drain took ${ms} ms (bound 5000)"
grep -q '"stopped cleanly"' "$(e2e_log enrollment)" || e2e_fail "no clean-stop log line"
e2e_start enrollment
e2e_wait_ready enrollment

# 2. Two signals before the loop looks at them: the second cuts the drain
#    short. (SIGSTOP holds the process so both are pending together.)
pid=${E2E_PIDS[reporting]}
kill -STOP "$pid"
kill -TERM "$pid"
kill -INT "$pid"
kill -CONT "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && e2e_fail "reporting still running after two signals"
_e2e_reap reporting
e2e_assert_eq "reporting exit status after a second signal" 1 "$E2E_EXIT_STATUS"
grep -q '"stopped at once"' "$(e2e_log reporting)" || e2e_fail "no stopped-at-once log line"
e2e_start reporting
e2e_wait_ready reporting

wait "$loader" || e2e_fail "publish failed: $(tail -3 "$E2E_WORK/publish.out")"
e2e_ctl wait-idle --timeout 90 >/dev/null || e2e_fail "not idle"
e2e_ctl report summary --expect "$E2E_WORK/expected.json" || e2e_fail "summary differs from the oracle"
echo "PASS: drain in ${ms} ms, second signal exits at once, nothing lost or doubled"
