#!/usr/bin/env bash
# Authorization by key, end to end with CURVE on. NEEDS THE SERVICE WIRING
# described in README.md ("Wiring a service", under Security): eligibility admits
# PublishBatch from partner keys and rejects events of other employers
# (reason_code forbidden_employer); reporting admits read-only keys.
#
# A partner key publishing for its own employer: accepted. The same key
# publishing another employer's events: every event rejected with
# forbidden_employer, nothing stored, nothing on the streams. A read-only
# key: reports yes, publishing and enrolling no. A partner key: no reports.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

e2e_init security_authz
bin=$PATHWAYS_BIN
src=${PATHWAYS_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
keys=$E2E_WORK/keys

"$bin/pathways-synth" --employers 2 --employees 150 --seed 31 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
PATHWAYS_BIN=$bin "$src/deploy/local/dev-keys" --dir "$keys" --employers "$E2E_WORK/employers.tsv"
# shellcheck disable=SC1091
source "$keys/env.sh"
e2e_start_all
"$bin/pathwaysctl" employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"

own=$E2E_WORK/own.jsonl other=$E2E_WORK/other.jsonl
jq -c 'select(.source == "emp-001")' "$E2E_WORK/events.jsonl" >"$own"
jq -c 'select(.source != "emp-001")' "$E2E_WORK/events.jsonl" >"$other"
n_own=$(wc -l <"$own") n_other=$(wc -l <"$other")
[ "$n_own" -gt 0 ] && [ "$n_other" -gt 0 ] || e2e_fail "synth gave no events for both employers"
# publish_as KEY FILE: pathways-publish with KEY; prints its JSON result.
publish_as() {
    PATHWAYS_CURVE_CLIENT_SECRET_FILE="$keys/${1}_secret" \
        "$bin/pathways-publish" --file "$2" --batch 50 --timeout-ms 3000 --retries 2 --json --quiet || true
}
ctl_as() {
    local k=$1
    shift
    PATHWAYS_CURVE_CLIENT_SECRET_FILE="$keys/${k}_secret" "$bin/pathwaysctl" --timeout-ms 3000 "$@"
}
summary() { jq -r '"accepted=\(.accepted) rejected=\(.rejected) unacknowledged=\(.unacknowledged)"'; }

# Another employer's events with emp-001's partner key: all rejected.
heads_before=$(e2e_psql "SELECT coalesce(sum(seq), 0) FROM stream.head")
res=$(publish_as partner-emp-001 "$other")
e2e_assert_eq "other employer's events" "accepted=0 rejected=$n_other unacknowledged=0" \
    "$(echo "$res" | summary)"
e2e_assert_eq "every rejection is forbidden_employer" 0 \
    "$(echo "$res" | jq '[.rejections[] | select(.reason | startswith("forbidden_employer") | not)] | length')"
e2e_assert_eq "nothing stored for the other employer" 0 \
    "$(e2e_psql "SELECT count(*) FROM eligibility.partner_event WHERE employer <> 'emp-001'")"
e2e_assert_eq "nothing appended to any stream" "$heads_before" \
    "$(e2e_psql "SELECT coalesce(sum(seq), 0) FROM stream.head")"
partner=$("$bin/pathwaysctl" keys list | awk '/dev partner-emp-001$/ {print $1}')
grep -q "$partner" "$(e2e_log eligibility)" || e2e_fail "eligibility did not log key $partner"

# Its own employer's events: accepted.
res=$(publish_as partner-emp-001 "$own")
e2e_assert_eq "own employer's events" "accepted=$n_own rejected=0 unacknowledged=0" \
    "$(echo "$res" | summary)"

# Read-only: no publishing, no enrolling, but reports.
res=$(publish_as read_only "$own")
e2e_assert_eq "read-only publishes nothing" 0 "$(echo "$res" | jq .accepted)"
e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle"
ctl_as read_only report summary >/dev/null || e2e_fail "read-only key cannot read reports"
read -r employer employee < <(e2e_psql "SELECT employer, employee FROM enrollment.enrollment
    WHERE state = 'invited' ORDER BY 1, 2 LIMIT 1" | tr '|' ' ')
if out=$(ctl_as read_only enroll apply "$employer" "$employee" 2>&1); then
    e2e_fail "read-only key enrolled someone: $out"
fi
echo "$out" | grep -q forbidden || e2e_fail "read-only enroll: $out"

# A partner key reads no reports.
if out=$(ctl_as partner-emp-001 report summary 2>&1); then e2e_fail "partner read a report"; fi
echo "$out" | grep -q forbidden || e2e_fail "partner report: $out"
echo "PASS: security authz"
