#!/usr/bin/env bash
# The event streams, attacked from outside (issue: "a plain SUB socket with
# no keys received employee names, emails and phone numbers in clear"):
#   - while a workforce is published, subscribers connect to every service's
#     event endpoint with no CURVE at all, with an unregistered key, and with
#     registered admin, read-only and partner keys: each receives nothing;
#     the services' own key (role service) receives events on the same
#     endpoints in the same window, so the probes did see traffic flow;
#   - afterwards every event stored on every stream is decoded and each field
#     that is set must be one a consumer reads (tests/security/stream_fields.tsv):
#     contact details only on the employee stream, for notification.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

e2e_init security_streams
bin=$PATHWAYS_BIN
src=${PATHWAYS_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
"$bin/pathways-synth" --employers 2 --employees 600 --seed 23 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
PATHWAYS_BIN=$bin "$src/deploy/local/dev-keys" --dir "$E2E_KEYS" \
    --employers "$E2E_WORK/employers.tsv" >/dev/null
"$bin/pathwaysctl" keys generate --out "$E2E_KEYS/stranger" >/dev/null
e2e_start_all
e2e_ctl employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"

# probe NAME SERVICE [KEY]: a subscriber on SERVICE's event endpoint for the
# probe window, its count in $E2E_WORK/probe-NAME-SERVICE.
window=8
probe() {
    local name=$1 svc=$2 key=${3:-} ep
    ep="tcp://127.0.0.1:$(e2e_port "$svc" 1)"
    if [ -n "$key" ]; then
        "$bin/pathways-sub-probe" "$ep" "$window" "$E2E_KEYS/${key}_secret" "$E2E_KEYS/service"
    else
        "$bin/pathways-sub-probe" "$ep" "$window"
    fi >"$E2E_WORK/probe-$name-$svc" 2>&1 &
}
probe_pids=()
for svc in "${E2E_SERVICES[@]}"; do
    probe nokey "$svc"
    probe_pids+=($!)
    for key in stranger admin read_only partner-emp-001; do
        probe "$key" "$svc" "$key"
        probe_pids+=($!)
    done
done
for svc in eligibility enrollment; do
    probe service "$svc" service
    probe_pids+=($!)
done
# The probes connect within milliseconds; the publish below runs for seconds.
out=$("$bin/pathways-publish" --file "$E2E_WORK/events.jsonl" --batch 100) ||
    e2e_fail "publish: $out"
events=$(wc -l <"$E2E_WORK/events.jsonl")
e2e_assert_eq "publish" "accepted=$events duplicate=0 rejected=0 unreadable=0 unacknowledged=0" \
    "$(echo "$out" | tail -1)"
for pid in "${probe_pids[@]}"; do wait "$pid" || e2e_fail "a probe failed"; done

count() { sed -n 's/^received=//p' "$E2E_WORK/probe-$1-$2"; }
for svc in eligibility enrollment; do
    n=$(count service "$svc")
    [ "${n:-0}" -gt 0 ] || e2e_fail "the service key received nothing from $svc: the probe window saw no traffic"
    echo "ok: service key received $n events from $svc"
done
for svc in "${E2E_SERVICES[@]}"; do
    for name in nokey stranger admin read_only partner-emp-001; do
        e2e_assert_eq "$name subscriber on $svc events receives" 0 "$(count "$name" "$svc")"
    done
done
grep -q '"reason":"only service keys may subscribe to event streams"' "$(e2e_log eligibility)" ||
    e2e_fail "eligibility did not log the refused subscription"

e2e_ctl wait-idle --timeout 120 >/dev/null || e2e_fail "pipeline did not become idle"
# An enrollment command, so the enrollment stream carries more than invitations.
# Stream "progress" (training providers) is audited by test_provider_progress.
for s in employee eligibility enrollment notification; do
    "$bin/pathways-stream-audit" "$PATHWAYS_DATABASE_URL" "$src/tests/security/stream_fields.tsv" \
        "$s" || e2e_fail "stream $s carries fields no consumer reads"
done
echo "ok: every field on every stream is one its consumers read"
