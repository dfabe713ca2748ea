#!/usr/bin/env bash
# Benchmark (not run by ctest): the first load of an N-row roster through
# pathways-roster to determinations, then full re-evaluations of every
# employee after rule changes (dry run and applied). Prints the figures.
#
#   PATHWAYS_TEST_DATABASE_URL=postgresql://pathways@127.0.0.1:PORT/pathways \
#   PATHWAYS_BIN=build/bin PATHWAYS_PORT_BASE=8100 PATHWAYS_SOURCE=. \
#   tests/bench/eligibility.sh [ROWS]        (default 300000)
#
# Goals (issue 3, 2-core machine): re-evaluation < 5 s, roster load < 15 s.
set -euo pipefail
rows=${1:-300000}
export PATHWAYS_SOURCE=${PATHWAYS_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/e2e.sh
source "$PATHWAYS_SOURCE/tests/lib/e2e.sh"
export PATHWAYS_LOG_LEVEL=warn
e2e_init bench_eligibility
e2e_start eligibility || e2e_fail "could not start eligibility"
e2e_wait_ready eligibility
e2e_ctl employer add bench --name "Bench Health" >/dev/null

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# Hire dates spread over ~2 years before 2026-11-30, so tenure rules matter.
awk -v n="$rows" 'BEGIN {
    srand(42)
    split("clerical transport food_service patient_access environmental_services nursing", fam, " ")
    print "employee,status,employment_type,scheduled_hours,standing,job_family,job_title,hire_date,given_name"
    for (i = 1; i <= n; i++) {
        t = 1764460800 - int(rand() * 730) * 86400   # back from 2025-11-30
        t += 365 * 86400
        st = rand() < 0.9 ? "good" : (rand() < 0.5 ? "corrective_action" : "")
        ty = rand() < 0.8 ? "full_time" : "part_time"
        printf "E%07d,active,%s,%d,%s,%s,Worker,%s,Pat\n", i, ty, ty == "full_time" ? 40 : 20, st,
            fam[1 + int(rand() * 6)], strftime("%Y-%m-%d", t, 1)
    }
}' >"$E2E_WORK/roster.csv"
mkdir -p "$E2E_WORK/state"

t0=$(now)
"$PATHWAYS_BIN/pathways-roster" --employer bench --file "$E2E_WORK/roster.csv" \
    --state "$E2E_WORK/state" --date 2026-11-30 --batch 5000 >"$E2E_WORK/roster.out"
t1=$(now)
load=$(secs "$t0" "$t1")
grep -E '^(changes|published):' "$E2E_WORK/roster.out"
dets=$(e2e_psql "SELECT count(*) FROM eligibility.current_determination")
echo "roster first load: $rows rows -> $dets determinations in ${load} s"

reload() { # LABEL FILE [--dry-run]
    local t0 t1 out
    t0=$(now)
    out=$(e2e_ctl program load "$2" "${@:3}")
    t1=$(now)
    echo "$1: $(secs "$t0" "$t1") s: $(head -1 <<<"$out" | sed 's/^[^:]*: //')"
}
reload "re-evaluation, MAPP file (all 8 criteria: every determination changes), dry run" \
    "$PATHWAYS_SOURCE/deploy/programs/mapp.yaml" --dry-run
reload "re-evaluation, MAPP file, applied" "$PATHWAYS_SOURCE/deploy/programs/mapp.yaml"
sed -E 's/(min_days|at_least): 90/\1: 60/' "$PATHWAYS_SOURCE/deploy/programs/mapp.yaml" >"$E2E_WORK/mapp60.yaml"
reload "re-evaluation, tenure 90 -> 60, dry run" "$E2E_WORK/mapp60.yaml" --dry-run
reload "re-evaluation, tenure 90 -> 60, applied" "$E2E_WORK/mapp60.yaml"
echo "eligibility stream rows: $(e2e_psql "SELECT count(*) FROM stream.event WHERE stream = 'eligibility'")"
