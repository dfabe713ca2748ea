#!/usr/bin/env bash
# Dated eligibility (issue 16, part 1), through the four real services: a
# generated multi-year history of a few dozen employees (hires, job
# changes, hours, leave, standing, terminations, rehires; edge cases such as
# a termination before tenure and a standing lost on the tenure day) is
#   1. published at once (one batch, the clock at today), and
#   2. replayed day by day in a fresh database: the clock file at each
#      event's day and at each tenure forecast's day, the forecast re-check
#      done before the clock moves on.
# Both must give the same determinations (outcome, eligible_since,
# eligible_until, eligible_from), enrollment first-eligibility dates,
# reporting projection (outcome, first_eligible_on, tenure and job family
# at eligibility) and retention report; and both must agree with the
# generator's oracle, which counts eligibility day by day. Dates that
# record when the services saw a change (as_of, outcome_as_of, invitation
# dates) differ by design and are not compared.
set -euo pipefail
# shellcheck source=tests/lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
today=$PATHWAYS_TODAY

set_clock() { # DAY: atomically, so no service reads a half-written file
    echo "$1" >"$PATHWAYS_CLOCK_FILE.tmp"
    mv -f "$PATHWAYS_CLOCK_FILE.tmp" "$PATHWAYS_CLOCK_FILE"
}
none_due() { # DAY: no tenure forecast on or before DAY is waiting
    [ "$(e2e_psql "SELECT count(*) FROM eligibility.current_determination
                   WHERE eligible_from <= '$1'")" = 0 ]
}
visit() { # DAY: the clock at DAY, and the forecasts due by then re-checked
    set_clock "$1"
    e2e_wait_until 30 "forecast re-checks due by $1" none_due "$1"
}
publish() { # FILE
    local out
    out=$("$PATHWAYS_BIN/pathways-publish" --file "$1" --batch 5000) || e2e_fail "publish $1: $out"
    grep -q ' rejected=0 unreadable=0 unacknowledged=0$' <<<"$out" || e2e_fail "publish $1: $out"
}

# phase NAME MODE: runs the history in a database of its own (MODE oneshot or
# replay) and leaves what is compared in RESULT_<section> variables.
phase() {
    local name=$1 mode=$2 day due
    e2e_init "history_$name"
    export PATHWAYS_CLOCK_FILE="$E2E_WORK/clock"
    set_clock "$today"
    python3 "$here/eligibility_history.py" "$E2E_WORK/h" "$today" ||
        e2e_fail "history generator failed"
    e2e_start_all
    e2e_ctl employer add acme --name "Acme Health" >/dev/null
    if [ "$mode" = oneshot ]; then
        publish "$E2E_WORK/h/all.jsonl"
    else
        while read -r day; do
            while due=$(e2e_psql "SELECT min(eligible_from) FROM eligibility.current_determination
                                  WHERE eligible_from < '$day'") && [ -n "$due" ]; do
                visit "$due"
            done
            set_clock "$day"
            publish "$E2E_WORK/h/days/$day.jsonl"
        done <"$E2E_WORK/h/days.txt"
        echo "replayed $(wc -l <"$E2E_WORK/h/days.txt") days"
    fi
    visit "$today"
    e2e_ctl wait-idle --timeout 120 >/dev/null || e2e_fail "$name: pipeline did not become idle"
    RESULT_events=$(wc -l <"$E2E_WORK/h/all.jsonl")
    RESULT_oracle=$(cat "$E2E_WORK/h/oracle.tsv")
    RESULT_elig=$(e2e_psql "SELECT employee, outcome, coalesce(eligible_since::text, ''),
        coalesce(eligible_until::text, ''), coalesce(eligible_from::text, '')
        FROM eligibility.current_determination ORDER BY employee")
    RESULT_enr=$(e2e_psql "SELECT employee, outcome, coalesce(first_eligible::text, '')
        FROM enrollment.determination ORDER BY employee")
    RESULT_rep=$(e2e_psql "SELECT employee, program, outcome, coalesce(first_eligible_on::text, ''),
        coalesce(tenure_days_at_eligibility::text, ''), coalesce(job_family_at_eligibility, ''),
        coalesce(eligible_from::text, '') FROM reporting.eligibility ORDER BY employee, program")
    RESULT_retention=$(e2e_ctl report retention --as-of "$today" 2>&1) ||
        e2e_fail "$name: retention report: $RESULT_retention"
    # The oracle's days: first day ever eligible (enrollment, reporting) and
    # first day of the spell holding today (eligibility).
    RESULT_vs_oracle=$(e2e_psql "SELECT o.employee,
        coalesce(e.first_eligible::text, '') = o.first AND coalesce(r.first_eligible_on::text, '') = o.first
        AND coalesce(c.eligible_since::text, '') = o.since
        FROM (SELECT split_part(l, E'\t', 1) AS employee, split_part(l, E'\t', 2) AS first,
                     split_part(l, E'\t', 3) AS since
                FROM unnest(string_to_array(\$o\$$RESULT_oracle\$o\$, E'\n')) AS l) o
        LEFT JOIN enrollment.determination e ON e.employee = o.employee
        LEFT JOIN reporting.eligibility r ON r.employee = o.employee
        LEFT JOIN eligibility.current_determination c ON c.employee = o.employee
        WHERE NOT (coalesce(e.first_eligible::text, '') = o.first
                   AND coalesce(r.first_eligible_on::text, '') = o.first
                   AND coalesce(c.eligible_since::text, '') = o.since)
        ORDER BY 1")
    _e2e_cleanup
}

phase oneshot oneshot
one_elig=$RESULT_elig one_enr=$RESULT_enr one_rep=$RESULT_rep one_ret=$RESULT_retention
one_oracle=$RESULT_vs_oracle
phase replay replay

echo "history: $RESULT_events events, $(wc -l <<<"$RESULT_oracle") employees, $(cut -f2 <<<"$RESULT_oracle" | grep -c .) ever eligible"
[ "$(cut -f2 <<<"$RESULT_oracle" | grep -c .)" -ge 10 ] || e2e_fail "the history makes too few employees eligible to prove anything"
grep -q '^X03	2023-05-02	2023-09-01$' <<<"$RESULT_oracle" || e2e_fail "oracle: X03 should be eligible on 2023-05-02 only, then from 2023-09-01"
e2e_assert_eq "one-shot agrees with the oracle (employees that differ)" "" "$one_oracle"
e2e_assert_eq "replay agrees with the oracle (employees that differ)" "" "$RESULT_vs_oracle"
e2e_assert_eq "eligibility determinations: one-shot = replay" "$RESULT_elig" "$one_elig"
e2e_assert_eq "enrollment first eligibility: one-shot = replay" "$RESULT_enr" "$one_enr"
e2e_assert_eq "reporting projection: one-shot = replay" "$RESULT_rep" "$one_rep"
e2e_assert_eq "retention report: one-shot = replay" "$RESULT_retention" "$one_ret"
echo "eligibility_history: all checks passed"
