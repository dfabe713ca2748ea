#!/usr/bin/env bash
# End-to-end delivery of notifications (issue 5) with real peers: the real
# pathways-notification process, a real SMTP server (tests/lib/smtp_sink.py)
# and a real webhook receiver (tests/lib/http_sink.py) on loopback. Events
# are written straight into the "employee" and "enrollment" stream tables,
# as their owners would, and the service catches up from them.
#
# Checks: routing per program (employee email, HR email, provider webhook);
# exactly one message per notification with the right recipient, subject and
# body, each with its unsubscribe reference; webhook HMAC signatures verify
# and carry the notification id as idempotency key; seat_opened from a
# waitlist promotion, in Spanish; a 550 recipient ends dead with its error;
# the SMTP server stopped mid-run -> retries with growing backoff, then
# delivery once it is back; opt-out honoured at send time; the cohort
# reminder fires on its day; `pathwaysctl notifications` lists, shows,
# retries and cancels; a SIGKILL of the service in the middle of a delivery
# run re-sends nothing that was recorded as sent.
set -euo pipefail
# shellcheck source=tests/lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"
e2e_init notify_delivery

LIB="$PATHWAYS_SOURCE/tests/lib"
SMTP_PORT=$((PATHWAYS_PORT_BASE + 90))
HTTP_PORT=$((PATHWAYS_PORT_BASE + 91))
export PATHWAYS_CLOCK_FILE="$E2E_WORK/today"
echo 2026-11-30 >"$PATHWAYS_CLOCK_FILE"
export PATHWAYS_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
export PATHWAYS_SMTP_FROM="Pathways <noreply@pathways.test>"
export PATHWAYS_IDLE_CATCHUP_MS=200 PATHWAYS_MAX_ATTEMPTS=12
export PATHWAYS_NOTIFICATION_BACKOFF_BASE_MS=300
export PATHWAYS_WEBHOOK_SECRET=e2e-webhook-key
export PATHWAYS_NOTIFICATION_CONTACTS="$E2E_WORK/contacts.yaml"
cat >"$PATHWAYS_NOTIFICATION_CONTACTS" <<YAML
employers:
  acme: {name: Acme Health, hr_email: hr@acme.example}
providers:
  college: {name: Regional College, webhook_url: "http://127.0.0.1:$HTTP_PORT/pathways"}
programs:
  mapp: {provider: college}
YAML

MAIL="$E2E_WORK/mail.jsonl"
HOOKS="$E2E_WORK/hooks.jsonl"
SMTP_PID="" HTTP_PID=""
start_smtp() {
    rm -f "$E2E_WORK/smtp.ready"
    /usr/bin/python3 "$LIB/smtp_sink.py" --port "$SMTP_PORT" --out "$MAIL" \
        --ready "$E2E_WORK/smtp.ready" --reject bad@acme.example >>"$E2E_WORK/smtp.log" 2>&1 &
    SMTP_PID=$!
    e2e_wait_until 10 "smtp sink" test -s "$E2E_WORK/smtp.ready"
}
stop_smtp() {
    kill "$SMTP_PID" && wait "$SMTP_PID" || true
    SMTP_PID=""
}
stop_sinks() {
    # Wait for the sinks too, so the next run finds their ports free.
    [ -z "$SMTP_PID" ] || { kill "$SMTP_PID" 2>/dev/null && wait "$SMTP_PID"; } || true
    [ -z "$HTTP_PID" ] || { kill "$HTTP_PID" 2>/dev/null && wait "$HTTP_PID"; } || true
    _e2e_cleanup
}
trap stop_sinks EXIT
start_smtp
/usr/bin/python3 "$LIB/http_sink.py" --port "$HTTP_PORT" --out "$HOOKS" --secret "$PATHWAYS_WEBHOOK_SECRET" \
    --ready "$E2E_WORK/http.ready" --fail-first 1 >"$E2E_WORK/http.log" 2>&1 &
HTTP_PID=$!
e2e_wait_until 10 "http sink" test -s "$E2E_WORK/http.ready"

e2e_ctl migrate >"$E2E_WORK/migrate.log" 2>&1 || e2e_fail "pathwaysctl migrate"

# shellcheck source=tests/lib/stream_events.sh
source "$LIB/stream_events.sh"
q() { e2e_psql "$1"; }
sql_is() { [ "$(q "$1")" = "$2" ]; }  # SQL EXPECTED (for e2e_wait_until)
sql_ge() { [ "$(q "$1")" -ge "$2" ]; }
count_where() { q "SELECT count(*) FROM notification.outbox WHERE $1"; }
settled() { [ "$(count_where "state IN ('queued', 'sending', 'retrying')")" = 0 ]; }
msgs_for() { grep -c "X-Pathways-Notification-Id: $1" "$MAIL" || true; }

# ---- phase 1: routing, templates, signatures, a permanent failure ----------
hire e1 eva@acme.example Eva en
hire e2 bad@acme.example Bo en
hire e3 sol@acme.example "Sol \\\"Ñ\\\" <b>" es-MX
change enr-1 e1 UNSPECIFIED INVITED
change enr-2 e1 APPLIED ENROLLED 'cohort_id: "c1"'
change enr-3 e3 WAITLISTED ENROLLED 'cohort_id: "c1" reason_code: "promoted_from_waitlist"'
change enr-4 e2 UNSPECIFIED INVITED

e2e_start notification
e2e_wait_ready notification
e2e_wait_until 30 "8 notifications queued" sql_is "SELECT count(*) FROM notification.outbox" 8
e2e_wait_until 30 "phase 1 settled" settled
e2e_assert_eq "rows by recipient/channel/state" \
    "employee/email/dead:1,employee/email/sent:3,hr/email/sent:2,provider/webhook/sent:2" \
    "$(q "SELECT string_agg(k || ':' || n, ',' ORDER BY k) FROM (SELECT recipient || '/' ||
          channel || '/' || state AS k, count(*) AS n FROM notification.outbox GROUP BY 1) s")"
e2e_assert_eq "triggers" "enrolled,invitation,seat_opened" \
    "$(q "SELECT string_agg(DISTINCT trigger, ',' ORDER BY trigger) FROM notification.outbox")"
# Exactly one message per sent email, each with its own unsubscribe reference.
for id in $(q "SELECT notification_id FROM notification.outbox WHERE channel = 'email' AND state = 'sent'"); do
    [ "$(msgs_for "$id")" = 1 ] || e2e_fail "email $id arrived $(msgs_for "$id") times"
    /usr/bin/python3 - "$MAIL" "$id" <<'PY' || e2e_fail "email $id lacks its unsubscribe reference"
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    if "X-Pathways-Notification-Id: " + sys.argv[2] in m["data"]:
        body = m["data"].split("\r\n\r\n", 1)[1]
        sys.exit(0 if ("reference" in body or "referencia" in body) and sys.argv[2] in body
                 and "List-Unsubscribe:" in m["data"] else 1)
sys.exit(1)
PY
done
echo "ok: one message per sent email, each with its unsubscribe reference"
e2e_assert_eq "messages in the SMTP sink" 5 "$(wc -l <"$MAIL")"
grep -q '"rcpt_tos": \["eva@acme.example"\].*Subject: You are enrolled in the Medical Assistant Pathway Program (MAPP)' "$MAIL" ||
    e2e_fail "no enrollment email to Eva"
grep -q '"rcpt_tos": \["hr@acme.example"\].*Subject: Medical Assistant Pathway Program (MAPP): Eva (e1) enrolled' "$MAIL" ||
    e2e_fail "no enrollment notice to HR"
grep -q '"rcpt_tos": \["sol@acme.example"\].*Subject: =?UTF-8?B?' "$MAIL" || e2e_fail "no Spanish seat email"
grep -q 'se liber' "$MAIL" || e2e_fail "seat_opened body not in Spanish"
grep -q 'cohort c1\. Your training' "$MAIL" || e2e_fail "cohort not in the body"
# Webhooks: the first POST got a 503 and was retried; each notification
# arrived once with a 200, signed, with its id as the idempotency key.
/usr/bin/python3 - "$HOOKS" "$(q "SELECT string_agg(notification_id, ',') FROM notification.outbox WHERE channel = 'webhook'")" <<'PY' ||
import json, sys
ids = set(sys.argv[2].split(","))
ok = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert r["signature_ok"] is True, "bad signature"
    key = r["headers"]["Idempotency-Key"]
    body = json.loads(r["body"])
    assert body["notification_id"] == key and key in ids, "idempotency key"
    assert body["employer"] == "acme" and body["program"] == "mapp" and body["cohort_id"] == "c1"
    if r["status"] == 200:
        ok[key] = ok.get(key, 0) + 1
assert sorted(ok) == sorted(ids) and set(ok.values()) == {1}, ok
events = sorted(json.loads(json.loads(l)["body"])["event"] for l in open(sys.argv[1]))
assert "seat_opened" in events and "enrolled" in events, events
assert any('"given_name": "Sol \\"\u00d1\\" <b>"' in json.loads(l)["body"] or
           json.loads(json.loads(l)["body"])["given_name"] == 'Sol "\u00d1" <b>'
           for l in open(sys.argv[1])), "JSON escaping"
PY
    e2e_fail "webhook deliveries"
echo "ok: webhooks signed, once each (after one 503), JSON-escaped names"
dead=$(q "SELECT notification_id FROM notification.outbox WHERE state = 'dead'")
e2e_assert_eq "dead row" "e2|1|true" \
    "$(q "SELECT employee || '|' || attempts || '|' || (last_error LIKE '%550%' AND dead_at IS NOT NULL) FROM notification.outbox WHERE state = 'dead'")"
[ "$(msgs_for "$dead")" = 0 ] || e2e_fail "the rejected message was stored"

# ---- pathwaysctl notifications: list, show, retry ---------------------------
e2e_ctl notifications list --state dead | grep -q "$dead.*dead.*invitation.*550" ||
    e2e_fail "notifications list --state dead: $(e2e_ctl notifications list --state dead)"
e2e_ctl notifications list | grep -q "by state: dead=1 sent=7" || e2e_fail "list counts"
e2e_ctl notifications show "$dead" | grep -q "#1 .* permanent" || e2e_fail "show attempts"
e2e_ctl notifications retry "$dead" | grep -q "requeued (now queued)" || e2e_fail "retry"
e2e_wait_until 20 "retried row dead again" sql_is \
    "SELECT count(*) FROM notification.attempt WHERE notification_id = '$dead'" 2
e2e_assert_eq "attempts of the retried row" "permanent,permanent" \
    "$(q "SELECT string_agg(result, ',' ORDER BY attempt) FROM notification.attempt WHERE notification_id = '$dead'")"
if e2e_ctl notifications retry "$(q "SELECT notification_id FROM notification.outbox WHERE state = 'sent' LIMIT 1")" >/dev/null 2>&1; then
    e2e_fail "retry of a sent notification succeeded"
fi
if e2e_ctl notifications list --state nonsense >/dev/null 2>&1; then e2e_fail "bad --state accepted"; fi
echo "ok: list, show, retry"

# ---- phase 2: SMTP down mid-run -> backoff, then delivery; cancel ----------
stop_smtp
change enr-5 e1 ENROLLED EXITED 'cohort_id: "c1" reason_code: "terminated" reason: "employment ended"'
change enr-6 e3 ENROLLED PAUSED 'cohort_id: "c1" reason: "leave of absence"'
e2e_wait_until 30 "queued exit and pause notices" sql_is \
    "SELECT count(*) FROM notification.outbox WHERE trigger_event_id IN ('enr-5', 'enr-6')" 6
exit_id=$(q "SELECT notification_id FROM notification.outbox WHERE trigger_event_id = 'enr-5' AND recipient = 'employee'")
e2e_wait_until 30 "4 failed tries" sql_ge \
    "SELECT attempts FROM notification.outbox WHERE notification_id = '$exit_id'" 4
e2e_assert_eq "state while SMTP is down" retrying \
    "$(q "SELECT state FROM notification.outbox WHERE notification_id = '$exit_id'")"
# Gaps between tries grow (base 300 ms, doubling, equal jitter).
e2e_assert_eq "backoff grows" t "$(q "SELECT (g[3] > g[1]) FROM (SELECT array_agg(gap ORDER BY attempt) g FROM
    (SELECT attempt, at - lag(at) OVER (ORDER BY attempt) AS gap FROM notification.attempt
     WHERE notification_id = '$exit_id') s WHERE gap IS NOT NULL) t")"
e2e_assert_eq "tries were temporary" temporary \
    "$(q "SELECT string_agg(DISTINCT result, ',') FROM notification.attempt WHERE notification_id = '$exit_id'")"
pause_id=$(q "SELECT notification_id FROM notification.outbox WHERE trigger_event_id = 'enr-6' AND recipient = 'employee'")
e2e_ctl notifications cancel "$pause_id" | grep -q "cancelled (now cancelled)" || e2e_fail "cancel"
start_smtp
e2e_wait_until 60 "phase 2 settled" settled
e2e_assert_eq "exit notice after the outage" "sent" \
    "$(q "SELECT state FROM notification.outbox WHERE notification_id = '$exit_id'")"
e2e_assert_eq "exit notice arrived once" 1 "$(msgs_for "$exit_id")"
e2e_assert_eq "cancelled notice never sent" "cancelled|0" \
    "$(q "SELECT state FROM notification.outbox WHERE notification_id = '$pause_id'")|$(msgs_for "$pause_id")"
grep -q 'has ended (employment ended)' "$MAIL" || e2e_fail "exit reason not in the body"
echo "ok: retries with backoff during the outage, one delivery after it"

# ---- preferences (honoured at send time) and the cohort reminder -----------
e2e_ctl preferences set acme e1 --opt-out --reason "asked by phone" | grep -q "opted out" ||
    e2e_fail "preferences set"
change enr-7 e1 EXITED ENROLLED 'cohort_id: "c2" cohort_start_date: "2026-12-07"'
e2e_wait_until 30 "enr-7 settled" sql_is \
    "SELECT count(*) FROM notification.outbox WHERE trigger_event_id LIKE '%enr-7%' AND state IN ('sent', 'cancelled')" 4
e2e_assert_eq "opted-out employee, HR still told" "employee:cancelled,hr:sent,provider:sent" \
    "$(q "SELECT string_agg(recipient || ':' || state, ',' ORDER BY recipient) FROM notification.outbox WHERE trigger_event_id = 'enr-7'")"
e2e_assert_eq "reminder 7 days before: cancelled by the opt-out" "cancelled|opted_out" \
    "$(q "SELECT state || '|' || split_part(last_error, ':', 1) FROM notification.outbox WHERE trigger = 'cohort_starting'")"
ref=$(q "SELECT notification_id FROM notification.outbox WHERE trigger_event_id = 'enr-7' AND recipient = 'employee'")
e2e_ctl preferences set --ref "$ref" --opt-in | grep -q "acme/e1: receives notifications" || e2e_fail "opt-in by reference"
echo 2026-12-06 >"$PATHWAYS_CLOCK_FILE"
e2e_wait_until 30 "1-day reminder sent" sql_is \
    "SELECT count(*) FROM notification.outbox WHERE trigger = 'cohort_starting' AND state = 'sent'" 1
grep -q 'Subject: Your Medical Assistant Pathway Program (MAPP) cohort starts in 1 day(s)' "$MAIL" ||
    e2e_fail "reminder email"
echo "ok: opt-out honoured at send time, reminders on their day"

# ---- a crash during delivery sends nothing twice that was recorded sent -----
e2e_stop notification
for i in $(seq 10 69); do hire "e$i" "p$i@acme.example" "P$i" en; done
for i in $(seq 10 69); do change "inv-$i" "e$i" UNSPECIFIED INVITED; done
e2e_start notification
e2e_wait_until 30 "deliveries under way" sql_ge \
    "SELECT count(*) FROM notification.outbox WHERE trigger_event_id LIKE 'inv-%' AND state = 'sent'" 5
e2e_kill notification
sent_before=$(q "SELECT notification_id FROM notification.outbox WHERE trigger_event_id LIKE 'inv-%' AND state = 'sent'")
echo "killed with $(echo "$sent_before" | wc -l) of 60 recorded as sent"
e2e_start notification
e2e_wait_until 60 "all invitations sent" sql_is \
    "SELECT count(*) FROM notification.outbox WHERE trigger_event_id LIKE 'inv-%' AND state = 'sent'" 60
for id in $sent_before; do
    [ "$(msgs_for "$id")" = 1 ] || e2e_fail "$id was recorded as sent and arrived $(msgs_for "$id") times"
done
dups=0
for id in $(q "SELECT notification_id FROM notification.outbox WHERE trigger_event_id LIKE 'inv-%'"); do
    n=$(msgs_for "$id")
    [ "$n" -ge 1 ] || e2e_fail "$id never arrived"
    [ "$n" = 1 ] || dups=$((dups + 1))
done
[ "$dups" -le 1 ] || e2e_fail "$dups notifications arrived twice (at most the one in flight may)"
echo "ok: nothing recorded as sent was sent again ($dups in-flight re-send)"
# Failed deliveries (the permanent one, the webhook's first) put nothing on
# the notification stream beyond what its consumers read: no error text.
"$PATHWAYS_BIN/pathways-stream-audit" "$PATHWAYS_DATABASE_URL" \
    "$(dirname "$0")/../security/stream_fields.tsv" notification || e2e_fail "the notification stream carries fields no consumer reads"
e2e_stop notification
echo "PASS: notification delivery"
