#!/usr/bin/env bash
# A database that hangs or goes away, against a PostgreSQL cluster of this
# test's own (its processes are frozen with SIGSTOP, so no other test may
# share it):
#  1. frozen: /readyz turns 503 "database unavailable: no answer ..." and
#     pathways_database_up 0 while the loop waits on a query; SIGTERM still
#     exits within the drain timeout;
#  2. frozen again, with a long drain: a second signal exits at once;
#  3. stopped (connection refused): eligibility answers partners
#     "unavailable" at once instead of leaving them to time out, and is
#     ready again when the database returns.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/e2e.sh"

# This test's cluster, on a free port of its own block (base+90..99).
e2e_own_cluster 90 99

# The cluster's processes: the postmaster and its children.
pg_pids() {
    local pm
    pm=$(head -1 "$E2E_PG_DIR/pg/data/postmaster.pid")
    echo "$pm" $(ps -o pid= --ppid "$pm")
}
freeze() { kill -STOP $(pg_pids); }
thaw() { kill -CONT $(pg_pids) 2>/dev/null || true; }
cleanup() {
    [ -f "$E2E_PG_DIR/pg/data/postmaster.pid" ] && thaw
    _e2e_cleanup
    e2e_own_cluster_stop
}

e2e_init db_outage
trap cleanup EXIT
export PATHWAYS_LOOP_STALL_MS=2000 PATHWAYS_DRAIN_TIMEOUT_MS=2000
port=$(e2e_port eligibility 2)

readyz() { curl -s --max-time 2 "http://127.0.0.1:$port/readyz" || true; }
metric() {
    curl -s --max-time 2 "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {print $2}'
}
# wait_exit SECONDS: waits for eligibility to exit (its status in
# E2E_EXIT_STATUS); sets ms to how long it took.
ms=0
wait_exit() {
    e2e_wait_exit eligibility "$1"
    ms=$E2E_EXIT_MS
}
frozen_and_unready() {
    e2e_wait_until 20 "/readyz says the database does not answer" \
        bash -c "curl -s 'http://127.0.0.1:$port/readyz' | grep -q 'database unavailable: no answer'"
    e2e_assert_eq "/readyz while frozen (reason)" 1 \
        "$(readyz | grep -c 'loop stalled')"
    e2e_assert_eq "pathways_database_up while frozen" 0 "$(metric pathways_database_up)"
}

# 1. Frozen: unready with the reason, and SIGTERM exits within the drain.
e2e_start eligibility
e2e_wait_ready eligibility
e2e_assert_eq "pathways_database_up when healthy" 1 "$(metric pathways_database_up)"
e2e_assert_eq "application_name of the service" 1 \
    "$(e2e_psql "SELECT count(*) > 0 FROM pg_stat_activity
                 WHERE application_name = 'pathways-eligibility'" | grep -c t)"
freeze
frozen_and_unready
kill -TERM "${E2E_PIDS[eligibility]}"
wait_exit 10
e2e_assert_eq "exit status after SIGTERM while frozen" 0 "$E2E_EXIT_STATUS"
[ "$ms" -lt 5000 ] || e2e_fail "SIGTERM while frozen took ${ms} ms (drain 2000 ms)"
grep -q 'abandoned: shutting down' "$(e2e_log eligibility)" ||
    e2e_fail "no abandoned statement in the log"
echo "ok: SIGTERM with the database frozen exited in ${ms} ms"
thaw

# 2. Frozen, a drain that would last a minute: the second signal cuts it.
PATHWAYS_DRAIN_TIMEOUT_MS=60000 e2e_start eligibility
e2e_wait_ready eligibility
freeze
frozen_and_unready
kill -TERM "${E2E_PIDS[eligibility]}"
e2e_wait_until 10 "the drain started" grep -q 'signal received: draining' "$(e2e_log eligibility)"
kill -INT "${E2E_PIDS[eligibility]}"
wait_exit 5
e2e_assert_eq "exit status after a second signal while frozen" 1 "$E2E_EXIT_STATUS"
[ "$ms" -lt 1500 ] || e2e_fail "the second signal took ${ms} ms to end the process"
echo "ok: a second signal with the database frozen exited in ${ms} ms"
thaw

# 3. Stopped: partners are told "unavailable" at once.
e2e_start eligibility
e2e_wait_ready eligibility
"$PATHWAYS_BIN/pathways-synth" --employers 1 --employees 5 --seed 9 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
"$E2E_PG_SH" stop "$E2E_PG_DIR/pg"
e2e_wait_until 20 "/readyz says the database is unavailable" \
    bash -c "curl -s 'http://127.0.0.1:$port/readyz' | grep -q 'database unavailable'"
e2e_assert_eq "pathways_database_up while stopped" 0 "$(metric pathways_database_up)"
start=$(date +%s%N)
"$PATHWAYS_BIN/pathways-publish" --file "$E2E_WORK/events.jsonl" --batch 10 --retries 0 \
    --timeout-ms 8000 >"$E2E_WORK/publish.out" 2>&1 || true
ms=$((($(date +%s%N) - start) / 1000000))
grep -q 'refused (unavailable' "$E2E_WORK/publish.out" ||
    e2e_fail "the partner was not answered unavailable: $(cat "$E2E_WORK/publish.out")"
[ "$ms" -lt 8000 ] || e2e_fail "the answer took ${ms} ms (the partner timed out)"
echo "ok: partner answered unavailable in ${ms} ms during the outage"
"$E2E_PG_SH" start "$E2E_PG_DIR/pg" "$E2E_PG_PORT" >/dev/null
e2e_wait_until 30 "ready again after the database came back" \
    bash -c "curl -sf 'http://127.0.0.1:$port/readyz' >/dev/null"
e2e_assert_eq "pathways_database_up after the outage" 1 "$(metric pathways_database_up)"
e2e_stop eligibility
echo "PASS: frozen and stopped database handled"
