#!/usr/bin/env bash
# Issue 17's proof: a second program added to a running stack by files alone.
# The four real services start with MAPP only (its program file, routing and
# templates); then the Patient Care Technician pathway's routing entry and
# templates are placed in the folders notification reads, and its program
# file (deploy/programs/pct.yaml) is loaded with pathwaysctl: no rebuild, no
# restart. Then, for both programs: determinations with explanations and
# forecasts, invitations, enrollment in cohorts, notifications in English and
# Spanish, reporting rows; m1 is eligible for and invited to both, and the
# rule in pct.yaml ("one pathway at a time") withdraws her PCT invitation
# when she enrolls in MAPP. Pausing PCT's intake stops its invitations
# while determinations go on. Last, a declared attribute (the fact
# extension point) is accepted and stored, an undeclared one refused.
set -euo pipefail
# shellcheck source=tests/lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"

e2e_init programs_two
src=$PATHWAYS_SOURCE
export PATHWAYS_TODAY=2026-11-30
# The folders an operator edits: program files, notification routing and
# templates. At first they hold MAPP alone.
mkdir -p "$E2E_WORK/programs" "$E2E_WORK/templates"
cp "$src/deploy/programs/mapp.yaml" "$E2E_WORK/programs/"
cp -r "$src/deploy/templates/mapp" "$E2E_WORK/templates/"
sed '/^  # The Patient Care Technician pathway/,$d' "$src/deploy/notifications/routing.yaml" \
    >"$E2E_WORK/routing.yaml"
grep -q '^  pct:' "$E2E_WORK/routing.yaml" && e2e_fail "the MAPP-only routing still names pct"
export PATHWAYS_NOTIFICATION_ROUTING="$E2E_WORK/routing.yaml"
export PATHWAYS_TEMPLATE_DIR="$E2E_WORK/templates"
MAIL="$E2E_WORK/mail.jsonl"
export PATHWAYS_OUTBOX_FILE="$MAIL" PATHWAYS_SMTP_URL="" PATHWAYS_IDLE_CATCHUP_MS=200
e2e_start_all

e2e_ctl employer add acme --name "Acme Health" --program mapp --program pct >/dev/null ||
    e2e_fail "employer add"
e2e_ctl program load "$E2E_WORK/programs/mapp.yaml" >/dev/null || e2e_fail "load mapp"

n=0
event() { # SUBJECT DATA_JSON
    n=$((n + 1))
    printf '{"specversion":"1.0","id":"ev-%03d","source":"acme","type":"org.pathways.employee.hired.v1","subject":"%s","effective_date":"%s","data":%s}\n' \
        "$n" "$1" "$(jq -r .hire_date <<<"$2")" "$2"
}
person() { # JOB TYPE HOURS HIRED NAME LANGUAGE EMAIL
    printf '{"job_family":"%s","status":"active","employment_type":"%s","scheduled_hours":%s,"standing":"good","education_level":"high_school","credentials":["bls"],"hire_date":"%s","given_name":"%s","language":"%s","email":"%s"}' \
        "$@"
}
publish() {
    "$PATHWAYS_BIN/pathways-publish" --file "$1" --quiet >/dev/null || e2e_fail "publish $1"
    e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after $1"
}
{
    # m1: full time, long tenure: eligible for both programs.
    event m1 "$(person clerical full_time 40 2025-01-06 Maria en m1@acme.example)"
    # p1: part time, 30 hours: PCT's bridge only (MAPP is full time only).
    event p1 "$(person food_service part_time 30 2025-03-03 Pablo es p1@acme.example)"
    # f1: hired 60 days ago: time alone stands in the way of both.
    event f1 "$(person transport full_time 40 2026-10-01 Fay en f1@acme.example)"
} >"$E2E_WORK/hired.jsonl"
publish "$E2E_WORK/hired.jsonl"
outcomes() { # PROGRAM
    e2e_psql "SELECT string_agg(employee || ':' || outcome || coalesce(':' || eligible_from, ''),
              ' ' ORDER BY employee) FROM eligibility.current_determination WHERE program = '$1'"
}
e2e_assert_eq "MAPP alone" "f1:not_eligible:2026-12-30 m1:eligible p1:not_eligible" "$(outcomes mapp)"
e2e_assert_eq "no PCT yet" "" "$(outcomes pct)"

# --- the second program, by files alone ------------------------------------
cp -r "$src/deploy/templates/pct" "$E2E_WORK/templates/"
cp "$src/deploy/notifications/routing.yaml" "$E2E_WORK/routing.yaml"
e2e_wait_until 30 "notification reloads its templates" \
    grep -q 'notification templates reloaded' "$E2E_WORK/notification.log"
cp "$src/deploy/programs/pct.yaml" "$E2E_WORK/programs/"
out=$(e2e_ctl program load "$E2E_WORK/programs/pct.yaml") || e2e_fail "load pct: $out"
echo "$out"
e2e_assert_eq "loaded as a new program" 1 \
    "$(grep -c 'pct.yaml: program pct version 1 is active: 3 employees re-evaluated, 3 determinations changed$' <<<"$out")"
e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after loading pct"
e2e_assert_eq "PCT determinations" "f1:not_eligible:2027-03-30 m1:eligible p1:eligible" \
    "$(outcomes pct)"
e2e_assert_eq "MAPP untouched" "f1:not_eligible:2026-12-30 m1:eligible p1:not_eligible" \
    "$(outcomes mapp)"
list=$(e2e_ctl program list)
echo "$list"
e2e_assert_eq "program list" "mapp open 2 1|pct open 1 2" \
    "$(awk 'NR > 1 {print $1, $2, $3, $4}' <<<"$list" | paste -sd '|')"

# Explanations and forecasts, per program.
explain=$(e2e_ctl eligibility explain acme f1)
echo "$explain"
e2e_assert_eq "forecasts for both" 2 \
    "$(grep -cE 'eligible from (2026-12-30|2027-03-30) if nothing else changes' <<<"$explain")"
e2e_assert_eq "PCT's tenure reason (summary and criterion lines)" 2 "$(grep -c 'tenure 60 days, needs 180' <<<"$explain")"
e2e_assert_eq "p1 fails MAPP's full time (summary and criterion lines)" 2 \
    "$(e2e_ctl eligibility explain acme p1 | grep -c 'employment type part_time, needs full_time')"

# Invitations and their emails, in each employee's language.
invited() { # PROGRAM
    e2e_psql "SELECT string_agg(employee || ':' || state, ' ' ORDER BY employee)
              FROM enrollment.enrollment WHERE program = '$1'"
}
e2e_assert_eq "MAPP invitations" "m1:invited" "$(invited mapp)"
e2e_assert_eq "PCT invitations" "m1:invited p1:invited" "$(invited pct)"
mail_count() { # TO SUBJECT
    jq -r --arg to "$1" --arg s "$2" 'select(.to == $to and .subject == $s) | .notification_id' \
        "$MAIL" 2>/dev/null | wc -l
}
has_mail() { # TO SUBJECT (evaluated on every poll)
    [ "$(mail_count "$1" "$2")" -ge 1 ]
}
wait_mail() { # TO SUBJECT
    e2e_wait_until 30 "email '$2' to $1" has_mail "$1" "$2"
}

wait_mail m1@acme.example "You are invited to the Medical Assistant Pathway Program (MAPP)"
wait_mail m1@acme.example "You are invited to the Patient Care Technician Pathway (PCT)"
wait_mail p1@acme.example "Invitación al Programa de Técnico de Atención al Paciente (PCT)"

# --- enrollment in both programs --------------------------------------------
e2e_ctl cohort create ccma-1 --program mapp --name "CCMA spring" --provider "Bay College" \
    --serves acme --start 2027-01-11 --end 2027-09-30 --capacity 10 --status open >/dev/null ||
    e2e_fail "cohort ccma-1"
e2e_ctl cohort create pct-1 --program pct --name "PCT spring" --provider "Bay College" \
    --serves acme --start 2027-01-18 --end 2027-06-30 --capacity 10 --status open >/dev/null ||
    e2e_fail "cohort pct-1"
e2e_ctl enroll apply acme m1 --program mapp >/dev/null || e2e_fail "m1 applies to MAPP"
e2e_ctl enroll admit acme m1 --program mapp --cohort ccma-1 >/dev/null || e2e_fail "admit m1"
e2e_ctl enroll apply acme p1 --program pct >/dev/null || e2e_fail "p1 applies to PCT"
e2e_ctl enroll admit acme p1 --program pct --cohort pct-1 >/dev/null || e2e_fail "admit p1"
e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after enrolling"
e2e_assert_eq "MAPP enrollments" "m1:enrolled" "$(invited mapp)"
# One pathway at a time (pct.yaml): m1's MAPP enrollment withdraws her PCT
# invitation, at once (the enrollment change re-determines her).
e2e_wait_until 30 "m1's PCT invitation withdrawn" \
    e2e_prints "m1:withdrawn p1:enrolled" invited pct
e2e_assert_eq "m1 and PCT" 1 \
    "$(e2e_ctl eligibility explain acme m1 | grep -cE 'one_pathway_at_a_time +already enrolled in mapp')"
wait_mail m1@acme.example "You are enrolled in the Medical Assistant Pathway Program (MAPP)"
wait_mail m1@acme.example "Your invitation to the Patient Care Technician Pathway (PCT) was withdrawn"
wait_mail p1@acme.example "Está inscrito en el Programa de Técnico de Atención al Paciente (PCT)"

# --- reports, sliced by program ---------------------------------------------
e2e_wait_until 30 "reporting has both programs" \
    e2e_prints "mapp/m1:enrolled pct/m1:withdrawn pct/p1:enrolled" e2e_psql \
    "SELECT string_agg(program || '/' || employee || ':' || state, ' '
     ORDER BY program, employee) FROM reporting.enrollment"
# Reporting keeps each program's eligibility apart: its newest outcome per
# program is eligibility's, and who was ever eligible (the funnel's
# eligible, the comparison group's candidates) is per program: p1, not
# eligible for MAPP (part time), was eligible for PCT, determined later.
outcomes_of() { # TABLE: program/employee:outcome of every row
    e2e_psql "SELECT string_agg(program || '/' || employee || ':' || outcome, ' '
              ORDER BY program, employee) FROM $1"
}
same_outcomes() {
    [ "$(outcomes_of reporting.eligibility)" = "$(outcomes_of eligibility.current_determination)" ]
}
e2e_wait_until 30 "reporting's outcomes per program = eligibility's" same_outcomes
e2e_assert_eq "ever eligible, per program" "mapp/m1 pct/m1 pct/p1" \
    "$(e2e_psql "SELECT string_agg(program || '/' || employee, ' ' ORDER BY program, employee)
                 FROM reporting.eligibility WHERE first_eligible_on IS NOT NULL")"

# --- intake: paused, PCT invites no one new ---------------------------------
e2e_ctl program pause pct | grep -qx 'program pct: intake paused' || e2e_fail "pause pct"
event q1 "$(person food_service part_time 32 2025-02-03 Quinn en q1@acme.example)" >"$E2E_WORK/q1.jsonl"
publish "$E2E_WORK/q1.jsonl"
e2e_assert_eq "q1 eligible for PCT" "eligible" \
    "$(e2e_psql "SELECT outcome FROM eligibility.current_determination
                 WHERE program = 'pct' AND employee = 'q1'")"
e2e_assert_eq "but not invited while paused" "" \
    "$(e2e_psql "SELECT state FROM enrollment.enrollment WHERE employee = 'q1'")"
e2e_assert_eq "intake listed" "paused" "$(e2e_ctl program list | awk '$1 == "pct" {print $2}')"
# --- a new fact by a schema entry alone: attributes -------------------------
# deploy/programs/attributes.yaml declares union_member (a flag); an
# undeclared attribute is refused with the reason, nothing stored.
printf '%s\n' '{"id":"ev-a1","source":"acme","type":"org.pathways.employee.job_changed.v1","subject":"q1","effective_date":"2026-11-30","data":{"attributes":{"union_member":true}}}' \
    '{"id":"ev-a2","source":"acme","type":"org.pathways.employee.job_changed.v1","subject":"q1","effective_date":"2026-11-30","data":{"attributes":{"shoe_size":9}}}' \
    >"$E2E_WORK/attrs.jsonl"
out=$("$PATHWAYS_BIN/pathways-publish" --file "$E2E_WORK/attrs.jsonl") || true
echo "$out"
e2e_assert_eq "undeclared attribute refused" 1 \
    "$(grep -c "^rejected ev-a2 (line 2): unknown_attribute: attributes\[0\]: 'shoe_size' is not declared in the attribute schema$" <<<"$out")"
e2e_assert_eq "declared attribute stored" "union_member=true" \
    "$(e2e_psql "SELECT attributes FROM eligibility.employee WHERE employee = 'q1'")"
# --- intake open again: whoever became eligible meanwhile is invited now ----
# q1 became eligible while PCT was paused; opening it again announces every
# employee eligible for PCT now (q1 only: m1 and p1 are in a pathway), and
# enrollment invites those not yet in the program.
eligible_pct=$(e2e_psql "SELECT count(*) FROM eligibility.current_determination
                         WHERE program = 'pct' AND outcome = 'eligible'")
e2e_assert_eq "eligible for PCT before opening" 1 "$eligible_pct"
out=$(e2e_ctl program open pct) || e2e_fail "open pct: $out"
e2e_assert_eq "opened again" "program pct: intake open
$eligible_pct eligible employees announced again: enrollment invites those not yet in the program" "$out"
e2e_wait_until 30 "q1 invited to PCT once it is open" \
    e2e_prints "m1:withdrawn p1:enrolled q1:invited" invited pct
wait_mail q1@acme.example "You are invited to the Patient Care Technician Pathway (PCT)"
e2e_assert_eq "open when open announces nothing" "program pct: intake open" \
    "$(e2e_ctl program open pct)"
e2e_assert_eq "dead letters" 0 "$(e2e_psql 'SELECT count(*) FROM stream.dead_letter')"
echo "PASS: two programs, the second added by files alone on a running stack"
