#!/usr/bin/env bash
# End-to-end: the real pathways-enrollment and pathways-notification
# processes and a real SMTP server on loopback (tests/lib/smtp_sink.py).
# Eligibility is not started: the test writes an "employee" event and two
# "eligibility" determinations (eligible, then terminated) straight into the
# stream table, as eligibility would, and the services catch up from it.
# Expects: one invitation and one exit email to the employee, exactly one
# message per notification, each carrying its notification id.
# Env: PATHWAYS_BIN, PATHWAYS_PORT_BASE, PATHWAYS_SOURCE (from ctest),
#      PATHWAYS_TEST_DATABASE_URL (the test server; a fresh database
#      pathways_e2e_notify is created on it).
set -euo pipefail

: "${PATHWAYS_BIN:?}" "${PATHWAYS_SOURCE:?}" "${PATHWAYS_TEST_DATABASE_URL:?must be set}"
export PATHWAYS_PORT_BASE=${PATHWAYS_PORT_BASE:-7800}
source "$(dirname "$0")/../lib/ports.sh"
pw_claim_port_block || exit 1
work=$(mktemp -d /tmp/pw-e2e-notify-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log; do echo "== $f" >&2; tail -5 "$f" >&2; done; exit 1; }

base=${PATHWAYS_TEST_DATABASE_URL%/*}
db=pathways_e2e_notify
psql -X -q -d "$PATHWAYS_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
    -c "CREATE DATABASE $db" >/dev/null
export PATHWAYS_DATABASE_URL="$base/$db"
sql() { psql -X -q -tA -d "$PATHWAYS_DATABASE_URL" -c "$1"; }

# The stream tables must exist before events go in: migrate once.
"$PATHWAYS_BIN/pathwaysctl" migrate >"$work/migrate.log" 2>&1 || fail "pathwaysctl migrate"
# CURVE on, as in production: development keys for the services and tools.
PATHWAYS_BIN=$PATHWAYS_BIN "$PATHWAYS_SOURCE/deploy/local/dev-keys" --dir "$work/keys" \
    >"$work/keys.log" 2>&1 || fail "dev-keys"
# shellcheck disable=SC1091
source "$work/keys/env.sh"

encode() { # TYPE TEXT -> hex of the protobuf encoding
    printf '%s' "$2" | protoc-c --encode="pathways.v1.$1" -I "$PATHWAYS_SOURCE/proto" \
        "$PATHWAYS_SOURCE"/proto/pathways/v1/*.proto | od -An -v -tx1 | tr -d ' \n'
}
put() { # STREAM SEQ TYPE EVENT_ID HEX
    sql "INSERT INTO stream.head (stream, partition, seq) VALUES ('$1', 0, $2)
         ON CONFLICT (stream, partition) DO UPDATE SET seq = EXCLUDED.seq;
         INSERT INTO stream.event VALUES ('$1', 0, $2, '$3', 'acme/e1', '$4', now(),
         decode('$5', 'hex'))"
}
put employee 1 org.pathways.employee.hired.v1 hire-1 "$(encode EmployeeEvent \
    'id: "p1" source: "acme" subject: "e1" type: "org.pathways.employee.hired.v1"
     effective_date: "2026-01-02" data { email: "e1@acme.example" given_name: "Eva" language: "en" }')"
put eligibility 1 org.pathways.eligibility.determined.v1 det-1 "$(encode Determination \
    'employer: "acme" employee: "e1" program: "mapp" outcome: OUTCOME_ELIGIBLE
     status: EMPLOYMENT_STATUS_ACTIVE as_of: "2026-03-01"')"

/usr/bin/python3 "$PATHWAYS_SOURCE/tests/lib/smtp_sink.py" --out "$work/mail.jsonl" \
    --ready "$work/smtp.ready" >"$work/smtp.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/smtp.ready" ] && break; sleep 0.1; done
[ -s "$work/smtp.ready" ] || fail "smtp sink did not start"
export PATHWAYS_SMTP_URL="smtp://127.0.0.1:$(cat "$work/smtp.ready")"
export PATHWAYS_SMTP_FROM="Pathways <noreply@pathways.test>"
export PATHWAYS_IDLE_CATCHUP_MS=200 PATHWAYS_MAX_ATTEMPTS=5

"$PATHWAYS_BIN/pathways-enrollment" >"$work/enrollment.log" 2>&1 &
pids+=($!)
"$PATHWAYS_BIN/pathways-notification" >"$work/notification.log" 2>&1 &
pids+=($!)

wait_for() { # SQL EXPECTED SECONDS
    for _ in $(seq $(($3 * 10))); do
        [ "$(sql "$1" 2>/dev/null)" = "$2" ] && return 0
        sleep 0.1
    done
    fail "$1: expected '$2', got '$(sql "$1" 2>&1)'"
}
wait_for "SELECT count(*) FROM notification.outbox WHERE state = 'sent'" 1 20
put eligibility 2 org.pathways.eligibility.determined.v1 det-2 "$(encode Determination \
    'employer: "acme" employee: "e1" program: "mapp" outcome: OUTCOME_NOT_ELIGIBLE
     status: EMPLOYMENT_STATUS_TERMINATED as_of: "2026-04-01"')"
wait_for "SELECT state FROM enrollment.enrollment WHERE employee = 'e1'" exited 20
wait_for "SELECT count(*) FROM notification.outbox WHERE state = 'sent'" 2 20
sleep 1 # nothing more may arrive

[ "$(wc -l <"$work/mail.jsonl")" = 2 ] || fail "expected 2 messages, got $(wc -l <"$work/mail.jsonl")"
grep -q '"rcpt_tos": \["e1@acme.example"\]' "$work/mail.jsonl" || fail "wrong recipient"
grep -q 'Subject: You are invited to the Medical Assistant' "$work/mail.jsonl" || fail "no invitation"
grep -q 'Subject: Your enrollment in the Medical Assistant Pathway Program (MAPP) has ended' \
    "$work/mail.jsonl" || fail "no exit notice"
# The exit also routes to HR and the training provider (routing.yaml), but
# no contacts are configured here, so only the employee's messages exist.
[ "$(sql "SELECT count(*) FROM notification.outbox WHERE recipient <> 'employee'")" = 0 ] ||
    fail "HR/provider notices queued without contacts"
for id in $(sql "SELECT notification_id FROM notification.outbox"); do
    [ "$(grep -c "X-Pathways-Notification-Id: $id" "$work/mail.jsonl")" = 1 ] ||
        fail "notification $id not delivered exactly once"
done
[ "$(sql "SELECT count(*) FROM stream.event WHERE stream = 'enrollment'")" = 2 ] ||
    fail "expected 2 EnrollmentChanged events"
echo "PASS: 2 notifications, 2 messages, exactly once each"
