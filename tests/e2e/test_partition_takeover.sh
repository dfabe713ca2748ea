#!/usr/bin/env bash
# Partitioned consumers across processes: with every stream split into 4
# partitions, two eligibility instances share the enrollment stream's
# partitions (2 + 2, leases in stream.lease); when one is killed with -9 the
# other takes its partitions over within a few seconds, and every event is
# still applied exactly once.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

export PATHWAYS_STREAM_PARTITIONS=4 PATHWAYS_LEASE_TTL_MS=1500 PATHWAYS_IDLE_CATCHUP_MS=300
e2e_init takeover
bin=$PATHWAYS_BIN
e2e_start_all

# A second eligibility instance: its own ports (base + 50), the same
# database and consumer name, subscribed to the same enrollment publisher.
b_base=$((PATHWAYS_PORT_BASE + 50))
PATHWAYS_PORT_BASE=$b_base \
    PATHWAYS_ENROLLMENT_EVENTS_ENDPOINT="tcp://127.0.0.1:$(e2e_port enrollment 1)" \
    "$bin/pathways-eligibility" >"$E2E_WORK/eligibility-b.log" 2>&1 </dev/null &
b_pid=$!
trap 'kill -9 $b_pid 2>/dev/null || true; _e2e_cleanup' EXIT
e2e_wait_until 30 "eligibility B ready" curl -sf "http://127.0.0.1:$((b_base + 12))/readyz"

owned() { # INSTANCE_PID -> partitions of the enrollment stream it leases
    e2e_psql "SELECT count(*) FROM stream.lease WHERE consumer = 'eligibility'
              AND stream = 'enrollment' AND owner LIKE '%-$1-%' AND expires_at > now()"
}
a_pid=${E2E_PIDS[eligibility]}
# Checks for e2e_wait_until (re-evaluated on every poll).
split_evenly() { [ "$(owned "$a_pid"):$(owned "$b_pid")" = "2:2" ]; }
a_holds_all() { [ "$(owned "$a_pid")" = 4 ]; }

"$bin/pathways-synth" --employers 2 --employees 1200 --seed 9 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
e2e_ctl employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"
e2e_split_by_employee "$E2E_WORK/events.jsonl" 2

"$bin/pathways-publish" --file "$E2E_WORK/part1.jsonl" --batch 100 --quiet >/dev/null ||
    e2e_fail "publish part 1"
e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after part 1"
e2e_wait_until 10 "both instances hold 2 partitions" split_evenly
e2e_assert_eq "enrollment partitions" 4 \
    "$(e2e_psql "SELECT count(*) FROM stream.head WHERE stream = 'enrollment'")"
echo "instance A holds $(owned "$a_pid"), instance B holds $(owned "$b_pid")"

# B dies without a word; A must take its partitions over and apply what B
# would have, once.
kill -9 "$b_pid"
wait "$b_pid" 2>/dev/null || true
start=$SECONDS
"$bin/pathways-publish" --file "$E2E_WORK/part2.jsonl" --batch 100 --quiet >/dev/null ||
    e2e_fail "publish part 2"
e2e_wait_until 15 "A holds all 4 partitions" a_holds_all
echo "takeover after $((SECONDS - start)) s"
e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after the takeover"

# Exactly once: eligibility's offsets at the heads; one participation row
# per enrolled employee; the whole pipeline still equals the oracle.
e2e_assert_eq "eligibility lag on enrollment" 0 "$(e2e_psql "SELECT sum(h.seq - o.seq)
    FROM stream.head h JOIN stream.consumer_offset o USING (stream, partition)
    WHERE o.consumer = 'eligibility' AND h.stream = 'enrollment'")"
e2e_assert_eq "participation rows = enrollments" \
    "$(e2e_psql 'SELECT count(*) FROM enrollment.enrollment')" \
    "$(e2e_psql 'SELECT count(*) FROM eligibility.participation')"
e2e_ctl report summary --expect "$E2E_WORK/expected.json" || e2e_fail "summary differs from the oracle"
echo "PASS: partitions shared 2+2, taken over after a kill -9, applied exactly once"
