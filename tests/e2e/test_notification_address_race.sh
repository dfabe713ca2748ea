#!/usr/bin/env bash
# Invitations racing the employee's contact details (issue 19). The real
# pathways-notification process reads the "enrollment" and "employee"
# streams independently; here every invitation reaches it first and the
# addresses are published only after the service has checked each row
# several times (more often than PATHWAYS_MAX_ATTEMPTS). Checks: waiting for
# an address spends no delivery attempt and cancels nothing; when the
# address arrives on the employee stream the waiting rows are due at once
# (their next check, pushed an hour away, is not waited for); each
# invitation is delivered exactly once; and no notification ends cancelled
# while its address exists.
set -euo pipefail
# shellcheck source=tests/lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"
e2e_init notify_address_race
# shellcheck source=tests/lib/stream_events.sh
source "$PATHWAYS_SOURCE/tests/lib/stream_events.sh"

MAIL="$E2E_WORK/mail.jsonl"
N=10
export PATHWAYS_OUTBOX_FILE="$MAIL" PATHWAYS_SMTP_URL=""
export PATHWAYS_IDLE_CATCHUP_MS=200 PATHWAYS_MAX_ATTEMPTS=2
export PATHWAYS_NOTIFICATION_BACKOFF_BASE_MS=40 PATHWAYS_NOTIFICATION_BACKOFF_CAP_MS=200
export PATHWAYS_NOTIFICATION_CONTACTS="$E2E_WORK/contacts.yaml"
echo "employers: {acme: {name: Acme Health}}" >"$PATHWAYS_NOTIFICATION_CONTACTS"

e2e_ctl migrate >"$E2E_WORK/migrate.log" 2>&1 || e2e_fail "pathwaysctl migrate"
q() { e2e_psql "$1"; }
sql_is() { [ "$(q "$1")" = "$2" ]; } # SQL EXPECTED (for e2e_wait_until)
waiting() { q "SELECT count(*) FROM notification.outbox WHERE trigger_event_id LIKE 'inv-%' $1"; }

for i in $(seq 1 $N); do change "inv-$i" "w$i" UNSPECIFIED INVITED; done
e2e_start notification
e2e_wait_ready notification
# Checked more than twice as often as PATHWAYS_MAX_ATTEMPTS allows attempts.
e2e_wait_until 60 "every invitation checked 5 times without an address" sql_is \
    "SELECT count(*) FROM notification.outbox WHERE address_waits >= 5 OR state <> 'retrying'" $N
e2e_assert_eq "invitations still waiting, no attempt spent" "retrying|0|$N" \
    "$(q "SELECT string_agg(DISTINCT state, ',') || '|' || sum(attempts) || '|' || count(*)
          FROM notification.outbox")"
e2e_assert_eq "rows marked as waiting for an address" $N "$(waiting "AND address_wait_since IS NOT NULL")"
echo "ok: $N invitations waited past PATHWAYS_MAX_ATTEMPTS without spending attempts"

# Next checks an hour away, as after a long backoff: only the arrival of the
# address can make them due within this test's deadline.
push() {
    q "UPDATE notification.outbox SET next_attempt_at = now() + interval '1 hour'
       WHERE state = 'retrying' AND next_attempt_at < now() + interval '30 minutes'" >/dev/null
    [ "$(waiting "AND state = 'retrying' AND next_attempt_at > now() + interval '30 minutes'")" = $N ]
}
e2e_wait_until 20 "every waiting row's next check an hour away" push
for i in $(seq 1 $N); do hire "w$i" "w$i@acme.example" "W$i" en; done
e2e_wait_until 30 "every invitation sent once its address arrived" sql_is \
    "SELECT count(*) FROM notification.outbox WHERE state = 'sent'" $N
e2e_assert_eq "attempts per invitation" "1" \
    "$(q "SELECT string_agg(DISTINCT attempts::text, ',') FROM notification.outbox")"
for i in $(seq 1 $N); do
    n=$(grep -cE "\"to\": ?\"w$i@acme.example\"" "$MAIL" || true)
    [ "$n" = 1 ] || e2e_fail "w$i@acme.example got $n messages"
done
e2e_assert_eq "notifications cancelled although their address exists" 0 \
    "$(e2e_cancelled_with_address)"
e2e_stop notification
echo "PASS: invitations wait for their address"
