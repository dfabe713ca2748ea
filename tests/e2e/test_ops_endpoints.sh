#!/usr/bin/env bash
# End-to-end, each service's operational endpoints against a PostgreSQL
# cluster private to this test (the suite's shared one must not be stopped):
#   /healthz 200 while alive, even without a database
#   /readyz  200 when ready; 503 (with the reason) once the database goes
#            away; 200 again when it is back
#   /metrics Prometheus text with the runtime's families
#   logs     one JSON object per line with time, level, service, msg
#   SIGTERM  drains and exits 0 within the bound
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

e2e_init ops_endpoints
PG_SH="$PATHWAYS_SOURCE/tests/lib/pg.sh"
pg_dir="$E2E_WORK/pg"
pg_port=$((PATHWAYS_PORT_BASE + 90)) # inside this test's port block
PATHWAYS_DATABASE_URL=$("$PG_SH" start "$pg_dir" "$pg_port") || e2e_fail "private cluster"
export PATHWAYS_DATABASE_URL
trap '"$PG_SH" stop "$pg_dir" || true; _e2e_cleanup' EXIT
e2e_start_all

code() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$(e2e_port "$1" 2)$2" || true; }
body() { curl -s --max-time 3 "http://127.0.0.1:$(e2e_port "$1" 2)$2" || true; }
all_codes() { # all_codes PATH: "svc=code ..." for the four services
    local svc out=""
    for svc in "${E2E_SERVICES[@]}"; do out+="$svc=$(code "$svc" "$1") "; done
    echo "${out% }"
}
codes_are() { [ "$(all_codes "$1")" = "$2" ]; }
every() { echo "eligibility=$1 enrollment=$1 notification=$1 reporting=$1"; }

e2e_assert_eq "/healthz" "$(every 200)" "$(all_codes /healthz)"
e2e_assert_eq "/readyz" "$(every 200)" "$(all_codes /readyz)"
e2e_assert_eq "/readyz says" "ready" "$(body reporting /readyz)"
for svc in "${E2E_SERVICES[@]}"; do
    ctype=$(curl -s -o "$E2E_WORK/metrics.$svc" -w '%{content_type}' \
        "http://127.0.0.1:$(e2e_port "$svc" 2)/metrics")
    [[ $ctype == text/plain* ]] || e2e_fail "$svc /metrics content type '$ctype'"
    for family in pathways_up pathways_batch_commit_seconds; do
        grep -q "^# TYPE $family " "$E2E_WORK/metrics.$svc" || e2e_fail "$svc: no $family"
    done
    grep -q '^pathways_up 1$' "$E2E_WORK/metrics.$svc" || e2e_fail "$svc: pathways_up is not 1"
done
echo "ok: /metrics of every service is Prometheus text with the runtime's families"
e2e_assert_eq "unknown path" 404 "$(code eligibility /nothing)"

# The database goes away: alive, not ready; then back: ready again.
"$PG_SH" stop "$pg_dir"
e2e_wait_until 30 "every service not ready without its database" codes_are /readyz "$(every 503)"
e2e_assert_eq "/healthz without the database" "$(every 200)" "$(all_codes /healthz)"
body enrollment /readyz | grep -q "database" || e2e_fail "/readyz does not name the database"
"$PG_SH" start "$pg_dir" "$pg_port" >/dev/null || e2e_fail "restart the private cluster"
e2e_wait_until 30 "every service ready again" codes_are /readyz "$(every 200)"
echo "ok: /readyz flipped to 503 without the database and back to 200"

# Logs: JSON lines with the fields log shippers index.
for svc in "${E2E_SERVICES[@]}"; do
    grep -v '^=== start' "$(e2e_log "$svc")" >"$E2E_WORK/$svc.jsonl"
    jq -e -s --arg s "$svc" 'length > 0 and all(.[]; (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))
        and (.level | IN("debug", "info", "warn", "error")) and .service == $s and (.msg | length > 0))' \
        "$E2E_WORK/$svc.jsonl" >/dev/null || e2e_fail "$svc: log lines are not all JSON with time/level/service/msg"
done
echo "ok: every log line is JSON with time, level, service and msg"

# SIGTERM: a clean drain, exit status 0, within E2E_STOP_TIMEOUT.
for svc in "${E2E_SERVICES[@]}"; do
    start=$SECONDS
    e2e_stop "$svc"
    e2e_assert_eq "$svc exit status after SIGTERM" 0 "$E2E_EXIT_STATUS"
    [ $((SECONDS - start)) -le 11 ] || e2e_fail "$svc took $((SECONDS - start)) s to stop"
    tail -n 1 "$(e2e_log "$svc")" | jq -e '.msg == "stopped cleanly"' >/dev/null ||
        e2e_fail "$svc: last log line is not 'stopped cleanly'"
done
echo "PASS: health, readiness flip, metrics, JSON logs, SIGTERM drain"
