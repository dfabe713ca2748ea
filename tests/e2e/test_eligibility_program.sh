#!/usr/bin/env bash
# Programs as data with the real eligibility service and pathwaysctl: a bad
# program file is rejected with its file and line and nothing is stored;
# the shipped deploy/programs/mapp.yaml loads, its dry-run numbers match
# the applied run; `eligibility explain` tells why in plain language; and a
# tenure forecast fires on its date (clock file moved while the service is
# down: the schedule survives the restart).
set -euo pipefail
# shellcheck source=tests/lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"

e2e_init eligibility_program
export PATHWAYS_CLOCK_FILE="$E2E_WORK/today"
echo 2026-11-30 >"$PATHWAYS_CLOCK_FILE"
e2e_start eligibility || e2e_fail "could not start eligibility"
e2e_wait_ready eligibility

e2e_ctl employer add acme --name "Acme Health" >/dev/null
event() { # ID EMPLOYEE HIRE_DATE STANDING
    printf '{"id":"%s","source":"acme","type":"org.pathways.employee.hired.v1","subject":"%s","effective_date":"%s","data":{"job_family":"clerical","status":"active","employment_type":"full_time","standing":%s,"hire_date":"%s"}}\n' \
        "$1" "$2" "$3" "$4" "$3"
}
{
    event h1 E1 2026-01-05 '"good"'
    event h2 E2 2026-10-01 '"good"'
    event h3 E3 2026-01-05 null
} >"$E2E_WORK/events.jsonl"
"$PATHWAYS_BIN/pathways-publish" --file "$E2E_WORK/events.jsonl" --quiet >/dev/null ||
    e2e_fail "publish failed"
e2e_assert_eq "first determinations (built-in rules, version 1)" "E1 eligible 1|E2 not_eligible 1|E3 needs_review 1" \
    "$(e2e_psql "SELECT employee || ' ' || outcome || ' ' || rule_version FROM eligibility.current_determination ORDER BY employee" | paste -sd '|')"

# --- a bad file: its line, nothing stored ----------------------------------
cat >"$E2E_WORK/bad.yaml" <<'YAML'
program: mapp
criteria:
  status:
    in: [active]
  tenure: {min_dayz: 90}
YAML
if out=$(e2e_ctl program load "$E2E_WORK/bad.yaml" 2>&1); then
    e2e_fail "a bad program file loaded: $out"
fi
echo "$out"
e2e_assert_eq "error names file and line" 1 "$(grep -c 'bad.yaml:5: tenure: unknown key .min_dayz.' <<<"$out")"
e2e_assert_eq "versions stored" 0 "$(e2e_psql 'SELECT count(*) FROM eligibility.program_version')"

# --- the shipped MAPP: dry run, then the same numbers applied -------------
mapp="$PATHWAYS_SOURCE/deploy/programs/mapp.yaml"
dry=$(e2e_ctl program load "$mapp" --dry-run) || e2e_fail "dry run failed"
echo "$dry"
e2e_assert_eq "dry run wrote nothing" 0 "$(e2e_psql 'SELECT count(*) FROM eligibility.program_version')"
applied=$(e2e_ctl program load "$mapp") || e2e_fail "load failed"
echo "$applied"
dry_n=$(sed -n 's/.*: \([0-9]*\) of \([0-9]*\) determinations would change.*/\1 \2/p' <<<"$dry")
applied_n=$(sed -n 's/.*: \([0-9]*\) employees re-evaluated, \([0-9]*\) determinations changed.*/\2 \1/p' <<<"$applied")
e2e_assert_eq "dry-run numbers = applied numbers" "$dry_n" "$applied_n"
e2e_assert_eq "per-employer lines agree" "$(grep '^  ' <<<"$dry")" "$(grep '^  ' <<<"$applied")"
e2e_assert_eq "rule version now" "2|2|2" \
    "$(e2e_psql "SELECT rule_version FROM eligibility.current_determination ORDER BY employee" | paste -sd '|')"
e2e_assert_eq "determinations appended by the load" "${applied_n%% *}" \
    "$(e2e_psql "SELECT count(*) FROM stream.event WHERE stream = 'eligibility' AND payload IS NOT NULL AND seq > 3")"
e2e_ctl program show | grep -q '(active)' || e2e_fail "program show lists no active version"

# --- explain ----------------------------------------------------------------
explain=$(e2e_ctl eligibility explain acme E2)
echo "$explain"
e2e_assert_eq "explain: not eligible, why, when" 1 \
    "$(grep -c '^not eligible: tenure 60 days, needs 90 — eligible from 2026-12-30 if nothing else changes$' <<<"$explain")"
e2e_assert_eq "explain: needs review" 1 \
    "$(e2e_ctl eligibility explain acme E3 | grep -c '^needs review: standing not on file, needs good$')"

# --- the forecast fires on its date, across a restart ---------------------
# E4, hired a day before E2, is due a day earlier (2026-12-29): once E4 is
# eligible, the re-check has run on 2026-12-29, and E2 must not have moved.
event h4 E4 2026-09-30 '"good"' >"$E2E_WORK/e4.jsonl"
"$PATHWAYS_BIN/pathways-publish" --file "$E2E_WORK/e4.jsonl" --quiet >/dev/null || e2e_fail "publish E4"
outcome_is() { # EMPLOYEE OUTCOME
    [ "$(e2e_psql "SELECT outcome FROM eligibility.current_determination WHERE employee = '$1'")" = "$2" ]
}
e2e_assert_eq "E4 before its date" not_eligible \
    "$(e2e_psql "SELECT outcome FROM eligibility.current_determination WHERE employee = 'E4'")"
e2e_stop eligibility
echo 2026-12-29 >"$PATHWAYS_CLOCK_FILE"
e2e_start eligibility
e2e_wait_ready eligibility
e2e_wait_until 15 "E4 eligible on 2026-12-29 (the re-check ran that day)" outcome_is E4 eligible
e2e_assert_eq "the day before: still not eligible" not_eligible \
    "$(e2e_psql "SELECT outcome FROM eligibility.current_determination WHERE employee = 'E2'")"
echo 2026-12-30 >"$PATHWAYS_CLOCK_FILE"
e2e_wait_until 15 "E2 eligible on 2026-12-30" outcome_is E2 eligible
e2e_assert_eq "caused by the re-check" "recheck:2026-12-30" \
    "$(e2e_psql "SELECT cause_event_id FROM eligibility.current_determination WHERE employee = 'E2'")"
e2e_assert_eq "emitted on the stream" 1 \
    "$(e2e_psql "SELECT count(*) FROM stream.event WHERE stream = 'eligibility' AND key = 'acme/E2' AND seq > (SELECT max(seq) - 1 FROM stream.event WHERE stream = 'eligibility')")"
e2e_assert_eq "explain after" 1 "$(e2e_ctl eligibility explain acme E2 | grep -c '^eligible: all 8 criteria pass$')"
echo "eligibility_program: all checks passed"
