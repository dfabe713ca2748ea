#!/usr/bin/env bash
# End-to-end, internal bad input: an event whose payload cannot be decoded is
# slipped into each stream (employee, eligibility, enrollment, notification)
# behind the services' backs. Every consumer of that stream must move it to
# stream.dead_letter with a reason, keep running, and go on applying the good
# events that follow (an eligible hire is still invited, notified and
# reported).
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

e2e_init bad_input_stream
bin=$PATHWAYS_BIN
e2e_start_all
e2e_ctl employer add acme --name "Acme Health" >/dev/null || e2e_fail "employer add"

# hire ID EMPLOYEE: one partner event line (an eligible full-time hire).
hire() {
    printf '{"specversion":"1.0","id":"%s","source":"acme","type":"org.pathways.employee.hired.v1","subject":"%s","effective_date":"2026-01-05","data":{"job_family":"clerical","status":"active","employment_type":"full_time","scheduled_hours":40,"standing":"good","hire_date":"2026-01-05","given_name":"Pat","email":"%s@example.org"}}\n' \
        "$1" "$2" "$2"
}
publish() {
    hire "$1" "$2" >"$E2E_WORK/$1.jsonl"
    "$bin/pathways-publish" --file "$E2E_WORK/$1.jsonl" --quiet >/dev/null || e2e_fail "publish $1"
}

publish e-1 E1
e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after the first hire"
e2e_assert_eq "no dead letters before" 0 "$(e2e_psql 'SELECT count(*) FROM stream.dead_letter')"

e2e_poison employee org.pathways.employee.hired.v1
e2e_poison eligibility org.pathways.eligibility.determined.v1
e2e_poison enrollment org.pathways.enrollment.changed.v1
e2e_poison notification org.pathways.notification.changed.v1
publish e-2 E2
e2e_ctl wait-idle --timeout 90 >/dev/null || e2e_fail "consumers did not get past the poison"

# Every consumer of a poisoned stream (whoever has an offset on it, so new
# consumers are covered as they appear) dead-lettered it exactly once, with a
# reason; at least the foundation's seven consumer/stream pairs exist.
pairs=$(e2e_psql "SELECT DISTINCT consumer || ':' || stream FROM stream.consumer_offset
                  WHERE stream IN ('employee', 'eligibility', 'enrollment', 'notification')")
for pair in notification:employee reporting:employee enrollment:eligibility \
    reporting:eligibility notification:enrollment reporting:enrollment reporting:notification; do
    grep -qx "$pair" <<<"$pairs" || e2e_fail "no consumer offset for $pair"
done
for pair in $pairs; do
    c=${pair%%:*} s=${pair#*:}
    e2e_assert_eq "$c dead-lettered the poison of $s" 1 \
        "$(e2e_psql "SELECT count(*) FROM stream.dead_letter WHERE consumer = '$c'
                     AND stream = '$s' AND event_id = 'poison-$s' AND reason <> ''")"
done
e2e_assert_eq "dead letters in all" "$(wc -w <<<"$pairs")" \
    "$(e2e_psql 'SELECT count(*) FROM stream.dead_letter')"

for svc in "${E2E_SERVICES[@]}"; do
    kill -0 "${E2E_PIDS[$svc]}" 2>/dev/null || e2e_fail "$svc died"
    e2e_wait_ready "$svc" 10
done
e2e_assert_eq "the hire after the poison was invited" 1 \
    "$(e2e_psql "SELECT count(*) FROM enrollment.enrollment WHERE employee = 'E2'")"
e2e_assert_eq "and notified" 1 \
    "$(e2e_psql "SELECT count(*) FROM notification.outbox WHERE employee = 'E2'")"
e2e_assert_eq "and reported" 1 \
    "$(e2e_psql "SELECT count(*) FROM reporting.employee WHERE employee = 'E2'")"
echo "PASS: $(wc -w <<<"$pairs") consumer/stream pairs dead-lettered the poison and kept running"
