#!/usr/bin/env bash
# README claims of the operations sections, each held to the running code
# (on a PostgreSQL cluster of this test's own, stopped in part 4):
#  1. concurrent migrators: twelve `pathwaysctl migrate` on an empty database
#     at once all succeed and apply every migration exactly once (the
#     advisory lock serializes them)
#  2. `offsets reset --to-time T`: the offset goes just before the first
#     event that occurred at or after T (T in any UTC offset), the head
#     when there is none; applied, the consumer re-applies from there
#  3. the drain timeout: a SIGTERM'd service whose batch waits on a lock
#     drains for PATHWAYS_DRAIN_TIMEOUT_MS, no less and not much more, and
#     exits 0 ("stopped cleanly")
#  4. ZAP keeps the last good key set while the database is down: a
#     registered key is still let in (its request answered), a key that was
#     never registered is still refused
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/e2e.sh"
e2e_own_cluster 90 99
cleanup() {
    _e2e_cleanup
    e2e_own_cluster_stop
}
E2E_LEAST_PRIVILEGE=0 # an empty database: the migrators of part 1 make it
e2e_init ops_claims
trap cleanup EXIT

# --- 1. concurrent migrators ---------------------------------------------------------
# On a database of their own: e2e_init's key set-up has migrated the test's.
mig_url=$(_e2e_url_with_db "$PATHWAYS_TEST_DATABASE_URL" claims_migrate)
e2e_psql "CREATE DATABASE claims_migrate" >/dev/null
pids=()
for i in $(seq 12); do
    e2e_ctl --database-url "$mig_url" migrate >"$E2E_WORK/migrate$i.out" 2>&1 &
    pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { failed=$((failed + 1)) && cat "$E2E_WORK/migrate$((i + 1)).out" >&2; }
done
e2e_assert_eq "concurrent migrators that failed" 0 "$failed"
e2e_assert_eq "migrations recorded twice" 0 \
    "$(e2e_psql "SELECT count(*) FROM (SELECT component, version FROM pathways_meta.schema_migration
                 GROUP BY 1, 2 HAVING count(*) > 1) d" -d "$mig_url")"
applied=$(e2e_psql 'SELECT count(*) FROM pathways_meta.schema_migration' -d "$mig_url")
e2e_assert_eq "every migration applied" "$(e2e_psql 'SELECT count(*) FROM pathways_meta.schema_migration')" \
    "$applied"
echo "ok: 12 concurrent migrators applied $applied migrations once each"

e2e_start_all
e2e_feed 60 3

# --- 2. offsets reset --to-time ----------------------------------------------------------
head=$(e2e_psql "SELECT seq FROM stream.head WHERE stream = 'employee' AND partition = 0")
[ "$head" -ge 10 ] || e2e_fail "too few employee events ($head)"
# Partners' effective times are not in seq order: the test dates the
# stream's events one hour apart from 2020-01-01 00:00 UTC (seq 1 at 01:00)
# and picks T half an hour before event k, written at UTC+02:00: the first
# event at or after T is k, so the offset goes to k - 1.
e2e_psql "UPDATE stream.event SET occurred_at = '2020-01-01T00:00:00Z'::timestamptz + seq * interval '1 hour'
          WHERE stream = 'employee'" >/dev/null
k=$((head / 2))
t=$(e2e_psql "SELECT to_char(('2020-01-01T00:00:00Z'::timestamptz + ($k - 0.5) * interval '1 hour')
    AT TIME ZONE 'Etc/GMT-2', 'YYYY-MM-DD\"T\"HH24:MI:SS') || '+02:00'")
out=$(e2e_ctl offsets reset reporting employee --to-time "$t")
grep -q "offset $head -> $((k - 1)) (head $head): $((head - k + 1)) event(s) would be re-applied" <<<"$out" ||
    e2e_fail "--to-time $t (event $k) dry run said: $out"
out=$(e2e_ctl offsets reset reporting employee --to-time 2999-01-01T00:00:00Z)
grep -q "offset $head -> $head " <<<"$out" || e2e_fail "--to-time after every event said: $out"
e2e_ctl offsets reset reporting employee --to-time "$t" --apply --reason "claims test" >/dev/null ||
    e2e_fail "offsets reset --to-time --apply"
e2e_assert_eq "reset audited" "offset_reset|$head|$((k - 1))" \
    "$(e2e_psql "SELECT action, detail->>'from', detail->>'to' FROM stream.admin_audit
                 WHERE action = 'offset_reset'")"
reporting_at_head() {
    [ "$(e2e_psql "SELECT seq FROM stream.consumer_offset WHERE consumer = 'reporting'
                   AND stream = 'employee'")" = "$head" ]
}
e2e_wait_until 30 "reporting re-applied up to the head" reporting_at_head
echo "ok: --to-time $t -> offset $((k - 1)) (event $k is the first at or after it)"

# --- 3. the drain timeout -------------------------------------------------------------
e2e_stop reporting
PATHWAYS_DRAIN_TIMEOUT_MS=3000 e2e_start reporting
e2e_wait_ready reporting
e2e_hold claims_lock "SELECT 1 FROM stream.consumer_offset WHERE consumer = 'reporting' FOR UPDATE"
# One more event: reporting's next batch must advance its offset, and waits.
e2e_psql "INSERT INTO stream.event (stream, partition, seq, type, key, event_id, occurred_at, payload)
          SELECT stream, partition, $head + 1, type, key, event_id || '-again', occurred_at, payload
            FROM stream.event WHERE stream = 'employee' AND seq = $head;
          UPDATE stream.head SET seq = $head + 1 WHERE stream = 'employee'" >/dev/null
reporting_blocked() {
    [ "$(e2e_psql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pathways-reporting'
                   AND wait_event_type = 'Lock'")" -gt 0 ]
}
e2e_wait_until 30 "reporting waiting on the held offset rows" reporting_blocked
pid=${E2E_PIDS[reporting]}
kill -TERM "$pid"
e2e_wait_exit reporting 15
ms=$E2E_EXIT_MS
e2e_release claims_lock
e2e_assert_eq "exit status after a drain that ran out" 0 "$E2E_EXIT_STATUS"
[ "$ms" -ge 2800 ] || e2e_fail "reporting left after ${ms} ms: before its 3000 ms drain was over"
[ "$ms" -lt 6000 ] || e2e_fail "reporting took ${ms} ms to stop (drain 3000 ms)"
grep -q '"stopped cleanly"' "$(e2e_log reporting)" || e2e_fail "no clean-stop log line"
echo "ok: a drain held by a lock ended after ${ms} ms (PATHWAYS_DRAIN_TIMEOUT_MS=3000), status 0"
e2e_start reporting
e2e_wait_ready reporting

# --- 4. ZAP keeps the last good key set while the database is down ------------------------
e2e_ctl keys generate --out "$E2E_WORK/stranger" >/dev/null || e2e_fail "keys generate"
ask() { # ask SECRET_FILE: an enrollment request with that key; prints what came back
    PATHWAYS_CURVE_CLIENT_SECRET_FILE=$1 e2e_ctl --timeout-ms 3000 enrollment list 2>&1 || true
}
e2e_own_cluster_stop
e2e_wait_until 20 "enrollment noticed it cannot reload the keys" \
    grep -q 'cannot load the registered keys (keeping the last ones)' "$(e2e_log enrollment)"
out=$(ask "$PATHWAYS_CURVE_CLIENT_SECRET_FILE")
grep -q 'did not answer' <<<"$out" && e2e_fail "a registered key was refused during the outage: $out"
echo "ok: a registered key is let in while the database is down (answer: ${out:0:120})"
out=$(ask "$E2E_WORK/stranger_secret")
grep -q 'did not answer' <<<"$out" || e2e_fail "an unregistered key got an answer during the outage: $out"
echo "PASS: concurrent migrators, offsets reset --to-time, the drain timeout, ZAP's last good key set"
