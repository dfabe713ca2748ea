#!/usr/bin/env bash
# End-to-end, nothing killed: a synthetic workforce published through the
# partner tool to the four real services. Expects every event acknowledged
# (after commit), a determination with reasons per employee, invitations for
# the eligible, notifications in the outbox, a summary equal to the oracle's,
# and a second publish of the same file yielding only duplicates and no
# change anywhere.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

e2e_init pipeline
bin=$PATHWAYS_BIN
e2e_start_all
# The harness runs each service as its own least-privilege role.
e2e_assert_eq "services connect as" "pw_e2e_eligibility,pw_e2e_enrollment,pw_e2e_notification,pw_e2e_reporting" \
    "$(e2e_psql "SELECT string_agg(DISTINCT usename, ',' ORDER BY usename) FROM pg_stat_activity
                 WHERE usename LIKE 'pw_e2e_%' AND datname = current_database()")"

"$bin/pathways-synth" --employers 3 --employees 900 --seed 11 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
events=$(wc -l <"$E2E_WORK/events.jsonl")
e2e_ctl employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"

out=$("$bin/pathways-publish" --file "$E2E_WORK/events.jsonl" --batch 200) ||
    e2e_fail "publish: $out"
echo "$out" | tail -1
e2e_assert_eq "first publish" "accepted=$events duplicate=0 rejected=0 unreadable=0 unacknowledged=0" \
    "$(echo "$out" | tail -1)"
e2e_ctl wait-idle --timeout 120 >/dev/null || e2e_fail "pipeline did not become idle"

# Every acknowledged event is durable, once.
e2e_assert_eq "partner events stored" "$events" \
    "$(e2e_psql 'SELECT count(*) FROM eligibility.partner_event')"
e2e_assert_eq "employee stream" "$events" \
    "$(e2e_psql "SELECT seq FROM stream.head WHERE stream = 'employee'")"
employees=$(e2e_psql 'SELECT count(*) FROM eligibility.employee')
# A current determination with per-criterion reasons for every employee.
e2e_assert_eq "determinations" "$employees" \
    "$(e2e_psql "SELECT count(*) FROM eligibility.current_determination
                 WHERE jsonb_array_length(criteria) >= 5")"
e2e_assert_eq "reasons written" 0 \
    "$(e2e_psql "SELECT count(*) FROM eligibility.current_determination c,
                 jsonb_array_elements(c.criteria) x WHERE coalesce(x->>'reason', '') = ''")"
# Invitations for the eligible, one per employee, and their notifications.
e2e_assert_eq "invitations = ever eligible" \
    "$(e2e_psql "SELECT count(DISTINCT (employer, employee)) FROM eligibility.determination
                 WHERE outcome = 'eligible'")" \
    "$(e2e_psql 'SELECT count(*) FROM enrollment.enrollment')"
# (and per invitation withdrawn when eligibility was lost).
e2e_assert_eq "one notification per invitation, exit and invitation withdrawn" \
    "$(e2e_psql "SELECT count(*) FROM enrollment.transition WHERE to_state IN ('invited', 'exited')
                 OR (from_state, to_state) = ('invited', 'withdrawn')")" \
    "$(e2e_psql 'SELECT count(*) FROM notification.outbox')"
# The summary report agrees with the generator's oracle.
e2e_ctl report summary --expect "$E2E_WORK/expected.json" || e2e_fail "summary differs from the oracle"

# Publishing the same batch again: only duplicates, nothing changes.
# (The notification stream keeps moving while deliveries finish, so it is
# compared through the outbox instead.)
snapshot() {
    e2e_psql "SELECT string_agg(stream || ':' || seq, ',' ORDER BY stream) FROM stream.head
              WHERE stream <> 'notification'"
    e2e_psql "SELECT (SELECT count(*) FROM eligibility.determination),
                     (SELECT count(*) FROM enrollment.transition),
                     (SELECT count(*) FROM notification.outbox)"
}
before=$(snapshot)
out=$("$bin/pathways-publish" --file "$E2E_WORK/events.jsonl" --batch 200) ||
    e2e_fail "republish: $out"
e2e_assert_eq "second publish" "accepted=0 duplicate=$events rejected=0 unreadable=0 unacknowledged=0" \
    "$(echo "$out" | tail -1)"
e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after republish"
e2e_assert_eq "nothing changed" "$before" "$(snapshot)"
e2e_assert_eq "dead letters" 0 "$(e2e_psql 'SELECT count(*) FROM stream.dead_letter')"
echo "PASS: $events events, $employees employees"
