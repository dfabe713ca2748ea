#!/usr/bin/env bash
# Private data stays out of the logs: runs the full pipeline (synthetic
# workforce, partner publish, invitations, notifications, reports, a
# republish) with the services at debug level, then searches every
# service's log for each email, phone, given name and family name in the
# events file. Any hit fails the test and prints the offending lines.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

export PATHWAYS_LOG_LEVEL="${E2E_SECURITY_LOG_LEVEL:-debug}"
e2e_init security_logs
bin=$PATHWAYS_BIN
e2e_start_all

"$bin/pathways-synth" --employers 3 --employees 400 --seed 23 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
e2e_ctl employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"
out=$("$bin/pathways-publish" --file "$E2E_WORK/events.jsonl" --batch 100) || e2e_fail "publish: $out"
e2e_ctl wait-idle --timeout 120 >/dev/null || e2e_fail "pipeline did not become idle"
e2e_ctl report summary >/dev/null || e2e_fail "report summary"
# A republish and a batch of bad events exercise the duplicate and
# rejection paths, whose log lines are the likeliest to echo a field.
"$bin/pathways-publish" --file "$E2E_WORK/events.jsonl" --batch 100 >/dev/null ||
    e2e_fail "republish"
head -20 "$E2E_WORK/events.jsonl" | sed -e 's/"effective_date":"[^"]*"/"effective_date":"bad-date"/' \
    -e 's/"id":"/"id":"bad-/' >"$E2E_WORK/bad.jsonl"
"$bin/pathways-publish" --file "$E2E_WORK/bad.jsonl" --batch 10 >/dev/null || true
e2e_ctl wait-idle --timeout 60 >/dev/null || e2e_fail "not idle after republish"

# Every personal value in the test data, one per line.
patterns=$E2E_WORK/personal.txt
jq -r '.data | (.email, .phone, .given_name, .family_name) // empty | select(. != "")' \
    "$E2E_WORK/events.jsonl" | sort -u >"$patterns"
count=$(wc -l <"$patterns")
[ "$count" -gt 50 ] || e2e_fail "too few personal values extracted ($count)"
emails=$(grep -c '@' "$patterns")
echo "searching the logs for $count personal values ($emails emails)"

logs=("$E2E_WORK"/*.log)
[ "${#logs[@]}" -eq 4 ] || e2e_fail "expected 4 service logs, found ${#logs[@]}"
lines=$(cat "${logs[@]}" | wc -l)
[ "$lines" -gt 20 ] || e2e_fail "the logs are nearly empty ($lines lines): nothing was tested"
if hits=$(grep -F -w -f "$patterns" "${logs[@]}"); then
    echo "$hits" | head -20 >&2
    e2e_fail "$(echo "$hits" | wc -l) log line(s) carry names, emails or phones (first 20 above)"
fi
echo "PASS: $lines log lines at level $PATHWAYS_LOG_LEVEL, none with the $count personal values"
