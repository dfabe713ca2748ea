#!/usr/bin/env bash
# End-to-end: consumers that are down (stopped cleanly, or killed with -9)
# while events flow catch up from the stream table when they come back, and
# apply every event exactly once.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

e2e_init restart
bin=$PATHWAYS_BIN
e2e_start_all

"$bin/pathways-synth" --employers 2 --employees 600 --seed 5 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
e2e_ctl employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"
total=$(wc -l <"$E2E_WORK/events.jsonl")
e2e_split_by_employee "$E2E_WORK/events.jsonl" 3

publish() {
    "$bin/pathways-publish" --file "$1" --batch 100 --quiet >/dev/null || e2e_fail "publish $1"
}
offset() {
    e2e_psql "SELECT coalesce(sum(seq), 0) FROM stream.consumer_offset
              WHERE consumer = '$1' AND stream = '$2'"
}
head_of() {
    e2e_psql "SELECT coalesce(sum(seq), 0) FROM stream.head WHERE stream = '$1'"
}

publish "$E2E_WORK/part1.jsonl"
e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after part 1"

# 1. A clean stop: enrollment is down while part 2 is published.
e2e_stop enrollment
before=$(offset enrollment eligibility)
publish "$E2E_WORK/part2.jsonl"
[ "$(head_of eligibility)" -gt "$before" ] || e2e_fail "no new determinations were published"
# Reporting, still running, reads the same stream: once it is at the head,
# part 2 has been delivered to whoever was listening.
reporting_at_head() { [ "$(offset reporting eligibility)" = "$(head_of eligibility)" ]; }
e2e_wait_until 60 "reporting at the head of eligibility" reporting_at_head
e2e_assert_eq "enrollment did not move while stopped" "$before" "$(offset enrollment eligibility)"
e2e_start enrollment
e2e_wait_ready enrollment
e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "enrollment did not catch up"

# 2. A crash: reporting and notification are killed with -9 mid-stream.
e2e_kill reporting
e2e_kill notification
publish "$E2E_WORK/part3.jsonl"
e2e_start notification
e2e_start reporting
e2e_wait_ready notification
e2e_wait_ready reporting
e2e_ctl wait-idle --timeout 90 >/dev/null || e2e_fail "consumers did not catch up after -9"

# Exactly once: offsets at the heads, no duplicate effects, report = oracle.
for pair in enrollment:eligibility notification:enrollment notification:employee \
    reporting:employee reporting:eligibility reporting:enrollment reporting:notification; do
    c=${pair%%:*} s=${pair#*:}
    e2e_assert_eq "$c offset on $s" "$(head_of "$s")" "$(offset "$c" "$s")"
done
e2e_assert_eq "one invitation per employee and eligibility spell" 0 "$(e2e_invited_twice)"
e2e_assert_eq "one outbox row per trigger" 0 \
    "$(e2e_psql "SELECT count(*) - count(DISTINCT notification_id) FROM notification.outbox")"
e2e_ctl report summary --expect "$E2E_WORK/expected.json" || e2e_fail "summary differs from the oracle"
e2e_assert_eq "dead letters" 0 "$(e2e_psql 'SELECT count(*) FROM stream.dead_letter')"
echo "PASS: $total events across a clean stop and a kill -9"
