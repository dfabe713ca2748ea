#!/usr/bin/env bash
# pathwaysctl dlq with thousands of dead letters: replay --all --wait and
# purge --all go through them in batches (no fixed buffer of ids; before,
# 5000 large ids overflowed a 21,003-byte stack buffer), every one is
# requested and audited once, and --wait accounts for each.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

e2e_init dlq_bulk
n=5000
# Ids of 13 digits: 5000 of them make a 70 KB array literal.
e2e_psql "INSERT INTO stream.dead_letter (id, consumer, stream, partition, seq, type, event_id,
                                          payload, attempts, reason)
          SELECT 1000000000000 + g, 'enrollment', 'eligibility', 0, g, 't.v1', 'ev-' || g,
                 '\\x00'::bytea, 5, 'boom'
            FROM generate_series(1, $n) g" >/dev/null
requested() {
    e2e_psql "SELECT count(*) FROM stream.dead_letter WHERE replay_requested_at IS NOT NULL"
}

# A dry run counts them all and changes nothing.
out=$(e2e_ctl dlq replay --all --dry-run | tail -1)
e2e_assert_eq "dry run" "dry run: $n dead letter(s) would be affected" "$out"
e2e_assert_eq "requested after the dry run" 0 "$(requested)"

# The consumer's part, played here: once every request is in, replay all
# but 7, which fail again.
(
    deadline=$((SECONDS + 60))
    until [ "$(requested)" = "$n" ] || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.1; done
    e2e_psql "UPDATE stream.dead_letter SET replay_requested_at = NULL, replay_error = 'again'
               WHERE id <= 1000000000007;
              UPDATE stream.dead_letter SET replayed_at = now()
               WHERE replay_requested_at IS NOT NULL" >/dev/null
) &
consumer=$!
set +e
e2e_ctl dlq replay --all --wait 60 --reason bulk >"$E2E_WORK/replay.out" 2>&1
rc=$?
set -e
wait "$consumer"
e2e_assert_eq "replay exit status (7 failed again)" 1 "$rc"
e2e_assert_eq "replay summary" "replayed $((n - 7)), failed again 7, still waiting 0" \
    "$(tail -1 "$E2E_WORK/replay.out")"
e2e_assert_eq "queued line" "$n dead letter(s) queued for replay" \
    "$(grep 'queued for replay' "$E2E_WORK/replay.out")"
e2e_assert_eq "audited once each" "$n" \
    "$(e2e_psql "SELECT count(DISTINCT target) FROM stream.admin_audit WHERE action = 'dlq_replay'
                 AND reason = 'bulk'")"

# Purge: the replayed go in batches too, the 7 dead ones with them.
e2e_ctl dlq purge --all --reason "bulk purge" --json >"$E2E_WORK/purge.json"
e2e_assert_eq "purged ids" "$n" "$(jq '.ids | length' "$E2E_WORK/purge.json")"
e2e_assert_eq "dead letters left" 0 "$(e2e_psql 'SELECT count(*) FROM stream.dead_letter')"
echo "PASS: $n dead letters replayed and purged in batches"
