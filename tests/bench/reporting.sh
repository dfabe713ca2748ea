#!/usr/bin/env bash
# Benchmark of the retention report (not run by ctest): fills reporting's
# projection tables with generate_series (N employees, 10 status events
# each, so 300,000 employees = 3,000,000 events; half ever eligible, 10%
# participants, 15% terminated), starts pathways-reporting and times
# `pathwaysctl report retention` (slice all and by employer), the outcomes
# and the cost report, end to end (request, SQL, statistics, reply).
#
# usage: tests/bench/reporting.sh [N...]            (default: 30000 100000 300000)
# env:   PATHWAYS_BIN (default build/bin), PATHWAYS_BENCH_URL (an admin URL of a
#        PostgreSQL server; a database pathways_bench is dropped and recreated),
#        PATHWAYS_PORT_BASE (default 8400), RUNS (default 3).
# Goal: retention < 1 s for 300,000 employees on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${PATHWAYS_BIN:-$here/build/bin}
URL=${PATHWAYS_BENCH_URL:?set PATHWAYS_BENCH_URL to a PostgreSQL admin URL}
export PATHWAYS_PORT_BASE=${PATHWAYS_PORT_BASE:-8400}
RUNS=${RUNS:-3}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(30000 100000 300000)
PSQL=$(find /usr/lib/postgresql -path '*/bin/psql' 2>/dev/null | sort -V | tail -1)
PSQL=${PSQL:-psql}
export PATHWAYS_DATABASE_URL="${URL%/*}/pathways_bench"
export PATHWAYS_TODAY=2026-11-30 PATHWAYS_LOG_LEVEL=warn

"$PSQL" -X -q -d "$URL" -c "DROP DATABASE IF EXISTS pathways_bench" -c "CREATE DATABASE pathways_bench"
"$BIN/pathways-reporting" >/tmp/pathways-bench-reporting.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$((PATHWAYS_PORT_BASE + 42))/readyz" >/dev/null && break
    sleep 0.1
done

fill() { # fill N: replaces the projection rows with N employees
    "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$PATHWAYS_DATABASE_URL" -v n="$1" <<'SQL'
TRUNCATE reporting.employee, reporting.eligibility, reporting.employee_status,
    reporting.enrollment;
INSERT INTO reporting.employee (employer, employee, seen_employee, job_family, status, hire_date)
SELECT 'emp-' || lpad(((g / 100) % 20)::text, 3, '0'), 'e' || g, true,
       (ARRAY['clerical','transport','food_service','patient_access','environmental_services'])[(g / 10) % 5 + 1],
       'active', date '2019-01-01' + (g % 1800)
FROM generate_series(1, :n) g;
INSERT INTO reporting.eligibility (employer, employee, program, outcome, first_eligible_on,
    job_family_at_eligibility, eligibility_seq)
SELECT 'emp-' || lpad(((g / 100) % 20)::text, 3, '0'), 'e' || g, 'mapp', 'eligible',
       CASE WHEN g % 2 = 0 THEN date '2019-01-01' + (g % 1800) + 90 END,
       (ARRAY['clerical','transport','food_service','patient_access','environmental_services'])[(g / 10) % 5 + 1],
       1
FROM generate_series(1, :n) g;
INSERT INTO reporting.enrollment (employer, employee, program, state, cohort_id, enrolled_on,
    completed_on, placed_on, last_seq)
SELECT 'emp-' || lpad(((g / 100) % 20)::text, 3, '0'), 'e' || g, 'mapp', 'in_training',
       'c' || (g % 40), date '2019-01-01' + (g % 1800) + 120,
       CASE WHEN g % 20 = 0 THEN date '2019-01-01' + (g % 1800) + 400 END,
       CASE WHEN g % 40 = 0 THEN date '2019-01-01' + (g % 1800) + 460 END, 1
FROM generate_series(10, :n, 10) g;
INSERT INTO reporting.employee_status (employer, event_id, employee, effective_on, status,
    event_type, reason_code, seq)
SELECT 'emp-' || lpad(((g / 100) % 20)::text, 3, '0'), 'v' || g || '-' || k, 'e' || g,
       date '2019-01-01' + (g % 1800) + k * ((g * 7 + k) % 60 + 1),
       CASE WHEN k = 10 AND (g * 31) % 100 < 15 - (CASE WHEN g % 10 = 0 THEN 8 ELSE 0 END)
            THEN 'terminated' ELSE 'active' END,
       'org.pathways.employee.job_changed.v1', NULL, g
FROM generate_series(1, :n) g, generate_series(1, 10) k;
ANALYZE reporting.employee; ANALYZE reporting.eligibility; ANALYZE reporting.employee_status;
ANALYZE reporting.enrollment;
SQL
}

timed() { # timed LABEL ARGS...: best and median of RUNS
    local label=$1 t ts=()
    shift
    for _ in $(seq "$RUNS"); do
        t=$( { /usr/bin/time -f %e "$BIN/pathwaysctl" --timeout-ms 60000 "$@" >/dev/null; } 2>&1 | tail -1)
        ts+=("$t")
    done
    printf '  %-28s %s s (runs: %s)\n' "$label" "$(printf '%s\n' "${ts[@]}" | sort -n | head -1)" "${ts[*]}"
}

for n in "${SIZES[@]}"; do
    start=$(date +%s.%N)
    fill "$n"
    printf '%d employees, %d events (fill %.1f s)\n' "$n" $((n * 10)) "$(echo "$(date +%s.%N) - $start" | bc)"
    timed "retention (all)" report retention
    timed "retention (by employer)" report retention --slice employer
    timed "outcomes (by cohort)" report outcomes
    timed "cost (employer x role)" report cost
done
