#!/usr/bin/env bash
# End-to-end, queues as administrators see them:
#   metrics     /metrics counters move as a known workload flows
#   queues      ok when caught up; a consumer retrying a failing event is
#               "stalled"; the same consumer shut down is "stopped"
#   dlq         events that keep failing become dead letters; after the
#               cause is fixed, `dlq replay` makes the consumer apply each
#               exactly once (a second replay does nothing); purge needs a
#               reason and is audited
#   offsets     `offsets reset` is a dry run by default; --apply rewinds and
#               the running consumer re-applies the events at its next batch
# Failures are injected with a trigger on enrollment.determination: every
# eligibility event the enrollment consumer applies proposes a row there
# (set-based: the last event of an employee in a batch wins, so a batch
# proposes one row per employee). The trigger records in ops_seen the
# stream position of each row that commits, so "applied" means: every
# employee's latest event is recorded, and no event is recorded twice.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

# Faults are injected with helper tables and triggers made by the test as
# the superuser, which the services' own roles (rightly) cannot read.
E2E_LEAST_PRIVILEGE=0
e2e_init ops_queues
bin=$PATHWAYS_BIN
e2e_start_all

"$bin/pathways-synth" --employers 1 --employees 160 --seed 9 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
e2e_ctl employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"
total=$(wc -l <"$E2E_WORK/events.jsonl")
half=$((total / 2))
head -n "$half" "$E2E_WORK/events.jsonl" >"$E2E_WORK/part1.jsonl"
tail -n +"$((half + 1))" "$E2E_WORK/events.jsonl" >"$E2E_WORK/part2.jsonl"
publish() {
    "$bin/pathways-publish" --file "$1" --batch 100 --quiet >/dev/null || e2e_fail "publish $1"
}
metric() { # metric SERVICE NAME_WITH_LABELS: the sample's value, 0 when absent
    curl -s "http://127.0.0.1:$(e2e_port "$1" 2)/metrics" |
        awk -v m="$2" '$1 == m { v = $2 } END { print v + 0 }'
}
queue_status() { # queue_status CONSUMER STREAM [WINDOW]: the status column
    e2e_ctl queues --json --window "${3:-2}" --interval 200 |
        jq -r --arg c "$1" --arg s "$2" '.queues[] | select(.consumer == $c and .stream == $s) | .status'
}
seen() { e2e_psql 'SELECT count(*) FROM ops_seen'; }
# unapplied [UPTO]: employees whose latest eligibility event (up to seq UPTO)
# is not recorded as applied.
unapplied() {
    e2e_psql "SELECT count(*) FROM (SELECT key, max(seq) AS seq FROM stream.event
                WHERE stream = 'eligibility' AND seq <= ${1:-9223372036854775807} GROUP BY key) k
              WHERE NOT EXISTS (SELECT 1 FROM ops_seen s WHERE s.seq = k.seq)"
}
# twice: events recorded as applied more than once.
twice() { e2e_psql 'SELECT count(*) FROM (SELECT seq FROM ops_seen GROUP BY seq HAVING count(*) > 1) d'; }
enrollment_at() { # enrollment_at SEQ: true once enrollment's offset on eligibility is SEQ
    [ "$(e2e_psql "SELECT seq FROM stream.consumer_offset WHERE consumer = 'enrollment'
                   AND stream = 'eligibility'")" = "$1" ]
}

e2e_psql "CREATE TABLE ops_fail (why text);
          CREATE TABLE ops_seen (n bigserial, employer text, employee text, seq bigint);
          CREATE FUNCTION ops_gate() RETURNS trigger LANGUAGE plpgsql AS \$\$
          BEGIN
              IF EXISTS (SELECT 1 FROM ops_fail) THEN
                  RAISE EXCEPTION 'injected failure (test_ops_queues)';
              END IF;
              INSERT INTO ops_seen (employer, employee, seq)
                  VALUES (NEW.employer, NEW.employee, NEW.source_seq);
              RETURN NEW;
          END \$\$;
          CREATE TRIGGER ops_gate BEFORE INSERT ON enrollment.determination
              FOR EACH ROW EXECUTE FUNCTION ops_gate();" >/dev/null

# --- 1. metrics move with a known workload ---------------------------------------
accepted0=$(metric eligibility 'pathways_partner_events_total{result="accepted"}')
applied0=$(metric enrollment 'pathways_consumer_processed_total{consumer="enrollment",stream="eligibility"}')
publish "$E2E_WORK/part1.jsonl"
e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after part 1"
# The metrics are refreshed once per loop turn: each is awaited (10 s) until
# it shows the known workload, then asserted (which names what it shows).
metric_is() { [ "$(metric "$1" "$2")" = "$3" ]; }
wait_metric() { # wait_metric WHAT SERVICE NAME EXPECTED
    local deadline=$((SECONDS + 10))
    until metric_is "$2" "$3" "$4" || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.2; done
    e2e_assert_eq "$1" "$4" "$(metric "$2" "$3")"
}
wait_metric "partner events accepted (metric)" eligibility \
    'pathways_partner_events_total{result="accepted"}' "$((accepted0 + half))"
elig_head=$(e2e_psql "SELECT seq FROM stream.head WHERE stream = 'eligibility'")
wait_metric "enrollment processed (metric)" enrollment \
    'pathways_consumer_processed_total{consumer="enrollment",stream="eligibility"}' "$((applied0 + elig_head))"
[ "$(metric enrollment 'pathways_batch_commit_seconds_count')" -gt 0 ] ||
    [ "$(metric eligibility 'pathways_batch_commit_seconds_count')" -gt 0 ] ||
    e2e_fail "no batch commit was observed in pathways_batch_commit_seconds"
wait_metric "enrollment's queue-health status ok (metric)" enrollment \
    'pathways_consumergroup_status{consumergroup="enrollment",stream="eligibility",partition="0",status="ok"}' 1
e2e_assert_eq "enrollment's status stopped (metric)" 0 "$(metric enrollment \
    'pathways_consumergroup_status{consumergroup="enrollment",stream="eligibility",partition="0",status="stopped"}')"
e2e_assert_eq "every queue ok when idle" "ok" \
    "$(e2e_ctl queues --json --window 1 | jq -r '[.queues[].status] | unique | join(",")')"
e2e_assert_eq "employees whose latest event is not applied" 0 "$(unapplied)"
e2e_assert_eq "events applied twice" 0 "$(twice)"

# --- 2. stalled, then stopped -----------------------------------------------------------
e2e_stop enrollment
PATHWAYS_MAX_ATTEMPTS=1000 e2e_start enrollment
e2e_wait_ready enrollment
e2e_psql "INSERT INTO ops_fail VALUES ('stall')" >/dev/null
publish "$E2E_WORK/part2.jsonl"
retrying() {
    [ "$(e2e_psql "SELECT count(*) FROM stream.attempt
                   WHERE consumer = 'enrollment' AND attempts >= 2")" -gt 0 ]
}
e2e_wait_until 30 "enrollment retrying" retrying
e2e_assert_eq "enrollment on eligibility while retrying" "stalled" "$(queue_status enrollment eligibility 3)"
e2e_ctl queues --window 1 | grep -E '^eligibility +0 +enrollment .* stalled .*injected failure' >/dev/null ||
    e2e_fail "the queues table does not show the stalled consumer with its error"
e2e_assert_eq "reporting on eligibility meanwhile" "ok" "$(queue_status reporting eligibility)"
e2e_stop enrollment
e2e_assert_eq "enrollment on eligibility once shut down" "stopped" "$(queue_status enrollment eligibility 3)"

# --- 3. dead letters, replay exactly once ----------------------------------------------
PATHWAYS_MAX_ATTEMPTS=1 e2e_start enrollment
e2e_wait_ready enrollment
head=$(e2e_psql "SELECT seq FROM stream.head WHERE stream = 'eligibility'")
e2e_wait_until 60 "enrollment dead-letters what fails" enrollment_at "$head"
dead=$(e2e_psql "SELECT count(*) FROM stream.dead_letter WHERE consumer = 'enrollment'")
e2e_assert_eq "dead letters = events published while failing" "$((head - elig_head))" "$dead"
e2e_ctl dlq list --consumer enrollment --limit 1000 | grep -q "^$dead dead letter(s)$" || e2e_fail "dlq list"
id=$(e2e_ctl dlq list --json | jq '.dead_letters[0].id')
e2e_ctl dlq show "$id" --json | jq -e '.state == "dead" and (.payload_base64 | length) > 0
    and (.reason | test("injected failure"))' >/dev/null || e2e_fail "dlq show $id"
seen_before_replay=$(seen)
e2e_assert_eq "nothing from the failed events was applied" 0 \
    "$(e2e_psql "SELECT count(*) FROM ops_seen WHERE seq > $elig_head")"
e2e_psql "DELETE FROM ops_fail" >/dev/null # the cause is fixed
e2e_ctl dlq replay --all --consumer enrollment --reason "trigger fixed" --wait 60 ||
    e2e_fail "dlq replay did not complete"
e2e_assert_eq "replayed dead letters" "$dead" \
    "$(e2e_psql "SELECT count(*) FROM stream.dead_letter WHERE replayed_at IS NOT NULL")"
e2e_assert_eq "replayed events applied" "$((seen_before_replay + dead))" "$(seen)"
e2e_assert_eq "employees whose latest event is not applied after replay" 0 "$(unapplied)"
e2e_assert_eq "events applied twice after replay" 0 "$(twice)"
out=$(e2e_ctl dlq replay "$id" 2>&1) || true
grep -q "0 dead letter(s) queued for replay" <<<"$out" || e2e_fail "second replay: $out"
grep -q "state replayed" <<<"$out" || e2e_fail "second replay does not say why: $out"
# A consumer replays only what has a pending request: none is left, so
# there is nothing to wait for before the count is final.
e2e_assert_eq "replay requests pending after the second replay" 0 \
    "$(e2e_psql "SELECT count(*) FROM stream.dead_letter WHERE consumer = 'enrollment'
                 AND replay_requested_at IS NOT NULL AND replayed_at IS NULL")"
e2e_assert_eq "a second replay applies nothing" "$((seen_before_replay + dead))" "$(seen)"
e2e_assert_eq "replay requests audited" "$dead" \
    "$(e2e_psql "SELECT count(*) FROM stream.admin_audit WHERE action = 'dlq_replay'")"
dead_metric() {
    [ "$(metric enrollment 'pathways_consumer_dead_lettered_total{consumer="enrollment",stream="eligibility"}')" = "$dead" ]
}
e2e_wait_until 10 "metrics show the dead letters" dead_metric

# Purge: a reason is required; what goes is audited.
if e2e_ctl dlq purge --all >/dev/null 2>&1; then e2e_fail "purge without --reason was accepted"; fi
e2e_ctl dlq purge "$id" --reason "checked by ops" --dry-run | grep -q "dry run: 1 dead letter(s) would" ||
    e2e_fail "purge --dry-run"
e2e_assert_eq "dry run deleted nothing" "$dead" "$(e2e_psql 'SELECT count(*) FROM stream.dead_letter')"
PATHWAYS_ACTOR=ops-test e2e_ctl dlq purge "$id" --reason "checked by ops" >/dev/null || e2e_fail "purge"
e2e_assert_eq "purged" "$((dead - 1))" "$(e2e_psql 'SELECT count(*) FROM stream.dead_letter')"
e2e_assert_eq "purge audited" "ops-test|dead_letter/$id|checked by ops|enrollment" \
    "$(e2e_psql "SELECT actor, target, reason, detail->>'consumer' FROM stream.admin_audit
                 WHERE action = 'dlq_purge'")"

# --- 4. offsets reset: dry run, then apply -------------------------------------------------
to=$((head - 3))
out=$(e2e_ctl offsets reset enrollment eligibility --to-seq "$to")
grep -q "offset $head -> $to (head $head): 3 event(s) would be re-applied" <<<"$out" ||
    e2e_fail "dry run said: $out"
e2e_assert_eq "dry run changed nothing" "$head" \
    "$(e2e_psql "SELECT seq FROM stream.consumer_offset WHERE consumer = 'enrollment' AND stream = 'eligibility'")"
e2e_ctl offsets reset enrollment eligibility --to-seq "$((head + 5))" >/dev/null 2>&1 &&
    e2e_fail "a reset past the head was accepted"
e2e_ctl offsets reset enrollment eligibility --to-seq "$to" --apply --reason "test rewind" >/dev/null ||
    e2e_fail "offsets reset --apply"
mark=$(e2e_psql 'SELECT coalesce(max(n), 0) FROM ops_seen')
# The running consumer notices at its next batch: one more event makes one.
e2e_psql "INSERT INTO stream.event (stream, partition, seq, type, key, event_id, occurred_at, payload)
          SELECT stream, partition, $head + 1, type, key, event_id || '-again', occurred_at, payload
            FROM stream.event WHERE stream = 'eligibility' AND seq = $head;
          UPDATE stream.head SET seq = $head + 1 WHERE stream = 'eligibility'" >/dev/null
e2e_wait_until 30 "enrollment caught up after the reset" enrollment_at "$((head + 1))"
# Re-applied: every employee's latest event after the rewind point (the new
# one included), and nothing at or before it.
e2e_assert_eq "events after the rewind not re-applied" 0 \
    "$(e2e_psql "SELECT count(*) FROM (SELECT key, max(seq) AS seq FROM stream.event
                   WHERE stream = 'eligibility' AND seq > $to GROUP BY key) k
                 WHERE NOT EXISTS (SELECT 1 FROM ops_seen s WHERE s.n > $mark AND s.seq = k.seq)")"
e2e_assert_eq "events at or before the rewind re-applied" 0 \
    "$(e2e_psql "SELECT count(*) FROM ops_seen WHERE n > $mark AND seq <= $to")"
e2e_assert_eq "reset audited" "offset_reset|$head|$to" \
    "$(e2e_psql "SELECT action, detail->>'from', detail->>'to' FROM stream.admin_audit
                 WHERE action = 'offset_reset'")"
echo "PASS: metrics, queue status, dead-letter replay once, purge audit, offset reset"
