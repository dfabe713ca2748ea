#!/usr/bin/env bash
# The roster feed tool (pathways-roster) with the real eligibility service:
# a first export with mapped columns and codes produces exactly the hires,
# and its bad rows (bad date, unknown code, a repeated employee id) are
# reported with their lines and skipped; a second export produces exactly
# the expected job, hours, standing and leave changes, hires and the
# termination of the employee who disappeared; an interrupted run (service
# down) records nothing and resumes; a resent export is all duplicates.
set -euo pipefail
# shellcheck source=tests/lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"

e2e_init eligibility_roster
e2e_start eligibility || e2e_fail "could not start eligibility"
e2e_wait_ready eligibility
e2e_ctl employer add acme --name "Acme Health" >/dev/null
state="$E2E_WORK/state"
mkdir -p "$state"
roster() { "$PATHWAYS_BIN/pathways-roster" --employer acme --state "$state" --map "$E2E_WORK/map" --date 2026-11-30 "$@"; }
sql() { e2e_psql "$1" | paste -sd '|'; }

cat >"$E2E_WORK/map" <<'MAP'
# The partner's headers and codes.
column employee Employee ID
column status Emp Status
column employment_type FT/PT
column scheduled_hours Weekly Hours
column standing Standing
column job_family Job Family
column hire_date Hire Date
column given_name First Name
code status A active
code status L leave
code status T terminated
code employment_type F full_time
code employment_type P part_time
code standing G good
code standing CA corrective_action
MAP

# --- export 1: hires, bad rows skipped ------------------------------------
cat >"$E2E_WORK/export1.csv" <<'CSV'
Employee ID,First Name,Emp Status,FT/PT,Weekly Hours,Standing,Job Family,Hire Date
E1,Ann,A,F,40,G,clerical,2026-01-05
E2,Bo,A,F,40,G,transport,2026-01-05
E3,"Cy, Jr.",A,F,40,G,food_service,2026-01-05
E4,Di,A,F,40,G,clerical,2026-01-05
E5,Ed,A,F,40,G,clerical,2026-01-05
E9,Fay,A,F,40,G,clerical,2026-02-30
E10,Gus,X,F,40,G,clerical,2026-01-05
E6,Hal,A,F,40,G,clerical,2026-01-05
E6,Hal,A,F,40,G,clerical,2026-01-05
CSV
out=$(roster --file "$E2E_WORK/export1.csv") || e2e_fail "export 1 failed: $out"
echo "$out"
e2e_assert_eq "bad date reported with its line" 1 \
    "$(grep -c "export1.csv:7: skipped: hire_date '2026-02-30': not a date (YYYY-MM-DD)" <<<"$out")"
e2e_assert_eq "unknown code reported" 1 "$(grep -c "export1.csv:8: skipped: status 'X': unknown code" <<<"$out")"
e2e_assert_eq "repeated id reported on both lines" 2 "$(grep -c 'export1.csv:[9]*1*0*: skipped: employee E6 appears' <<<"$out")"
e2e_assert_eq "changes of export 1" \
    "changes: hired=5 rehired=0 job_changed=0 hours_changed=0 standing_changed=0 leave_started=0 leave_ended=0 terminated=0 (absent=0, contact-only not sent=0, new but terminated=0)" \
    "$(grep '^changes:' <<<"$out")"
e2e_assert_eq "published" "published: accepted=5 duplicate=0 rejected=0 unacknowledged=0" "$(grep '^published:' <<<"$out")"
e2e_assert_eq "employees on file" "E1|E2|E3|E4|E5" "$(sql 'SELECT employee FROM eligibility.employee ORDER BY employee')"
e2e_assert_eq "raw and normalized status" "active/A full_time/F Cy, Jr." \
    "$(sql "SELECT status || '/' || status_raw || ' ' || employment_type || '/' || employment_type_raw || ' ' || given_name FROM eligibility.employee WHERE employee = 'E3'")"

# --- export 2: the changes ---------------------------------------------------
cat >"$E2E_WORK/export2.csv" <<'CSV'
Employee ID,First Name,Emp Status,FT/PT,Weekly Hours,Standing,Job Family,Hire Date
E1,Ann,A,F,40,G,patient_access,2026-01-05
E2,Bo,A,P,20,G,transport,2026-01-05
E3,"Cy, Jr.",A,F,40,CA,food_service,2026-01-05
E4,Di,L,F,40,G,clerical,2026-01-05
E6,Hal,A,F,40,G,clerical,2026-01-05
E7,Ida,A,F,40,G,clerical,2026-11-01
E8,Jo,T,F,40,G,clerical,2026-01-05
CSV
cp "$state/acme.roster" "$E2E_WORK/state-after-1"
# Interrupted: the service is down, nothing is acknowledged, nothing recorded.
e2e_stop eligibility
if out=$(roster --file "$E2E_WORK/export2.csv" --export-id exp2 --timeout-ms 300 --retries 1 2>&1); then
    e2e_fail "export 2 succeeded with the service down"
fi
e2e_assert_eq "interrupted run says so" 1 "$(grep -c '^state not updated: run again' <<<"$out")"
e2e_assert_eq "state untouched by the interrupted run" "" "$(cmp "$state/acme.roster" "$E2E_WORK/state-after-1" && echo)"
e2e_start eligibility
e2e_wait_ready eligibility
out=$(roster --file "$E2E_WORK/export2.csv" --export-id exp2) || e2e_fail "export 2 failed: $out"
echo "$out"
e2e_assert_eq "changes of export 2" \
    "changes: hired=2 rehired=0 job_changed=1 hours_changed=1 standing_changed=1 leave_started=1 leave_ended=0 terminated=1 (absent=1, contact-only not sent=0, new but terminated=1)" \
    "$(grep '^changes:' <<<"$out")"
e2e_assert_eq "all acknowledged" 0 "$(grep -c 'unacknowledged=[1-9]' <<<"$out")"
e2e_assert_eq "registry after export 2" \
    "E1 active patient_access full_time good|E2 active transport part_time good|E3 active food_service full_time corrective_action|E4 leave clerical full_time good|E5 terminated clerical full_time good|E6 active clerical full_time good|E7 active clerical full_time good" \
    "$(sql "SELECT employee || ' ' || status || ' ' || job_family || ' ' || employment_type || ' ' || standing FROM eligibility.employee ORDER BY employee")"
e2e_assert_eq "absent employee's reason" absent_from_roster \
    "$(sql "SELECT reason_code FROM eligibility.employee WHERE employee = 'E5'")"
e2e_assert_eq "event types from export 2" \
    "hired:2|hours_changed:1|job_changed:1|leave_started:1|standing_changed:1|terminated:1" \
    "$(sql "SELECT regexp_replace(type, '^org.pathways.employee.(.*).v1$', '\1') || ':' || count(*) FROM eligibility.partner_event WHERE event_id LIKE 'roster-exp2-%' GROUP BY type ORDER BY 1")"

# --- the same export again: nothing to do; from the old state: duplicates ---
out=$(roster --file "$E2E_WORK/export2.csv" --export-id exp2) || e2e_fail "rerun failed"
e2e_assert_eq "rerun after success sends nothing" 1 "$(grep -c '^changes: hired=0 rehired=0 job_changed=0 hours_changed=0 standing_changed=0 leave_started=0 leave_ended=0 terminated=0' <<<"$out")"
events_before=$(sql 'SELECT count(*) FROM eligibility.partner_event')
cp "$E2E_WORK/state-after-1" "$state/acme.roster"
out=$(roster --file "$E2E_WORK/export2.csv" --export-id exp2) || e2e_fail "resend failed"
e2e_assert_eq "a resent export is all duplicates" "published: accepted=0 duplicate=7 rejected=0 unacknowledged=0" "$(grep '^published:' <<<"$out")"
e2e_assert_eq "no new partner events" "$events_before" "$(sql 'SELECT count(*) FROM eligibility.partner_event')"

# --- a file without the required columns is refused as a whole -----------
printf 'id,name\n1,x\n' >"$E2E_WORK/bad.csv"
if out=$(roster --file "$E2E_WORK/bad.csv" 2>&1); then
    e2e_fail "a file without the mapped columns was accepted"
fi
e2e_assert_eq "missing column named" 1 "$(grep -c "bad.csv:1: no column 'Employee ID' for employee" <<<"$out")"
echo "eligibility_roster: all checks passed"
