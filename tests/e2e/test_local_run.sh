#!/usr/bin/env bash
# The first of README's two commands as a newcomer runs it:
# `deploy/local/run --smoke` (a synthetic workforce with three years of
# history and past cohorts through the partner path and the history import,
# then the summary, funnel, outcomes, retention, cost and equity reports
# checked against the generator's oracle), on this build's binaries, with a
# PostgreSQL port and a port block of its own and its own run folder.
# PATHWAYS_APPEND_SPILL_BYTES is lowered to 64 KiB so that every partner
# batch (500 events, 100-400 KiB of appended payloads) writes part of its
# events before COMMIT and publishes only the rest: the reports must still
# match the oracle with consumers reading the spilled events from the table.
set -euo pipefail
SRC=${PATHWAYS_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
source "$SRC/tests/lib/ports.sh"
bin=${PATHWAYS_BIN:?PATHWAYS_BIN names the bin folder of the build}
base=${PATHWAYS_PORT_BASE:?the port block comes from ctest}
work=$(mktemp -d "${TMPDIR:-/tmp}/pathways-e2e-local-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
pg_port=$(pw_free_port $((base + 90)) $((base + 99)))

rc=0
PATHWAYS_LOCAL_DIR="$work/local" PATHWAYS_SKIP_BUILD=1 PATHWAYS_BUILD_DIR="$(dirname "$bin")" \
    PATHWAYS_PG_PORT="$pg_port" PATHWAYS_PORT_BASE="$base" PATHWAYS_APPEND_SPILL_BYTES=65536 \
    "$SRC/deploy/local/run" --smoke >"$work/run.log" 2>&1 || rc=$?
grep -v '^{"time"' "$work/run.log" | grep -E '^==>|matches|check-evidence|equity:|MISMATCH|WITHHELD|expected' || true
if [ "$rc" != 0 ] || ! grep -q '==> .* smoke: PASS' "$work/run.log"; then
    echo "---- last lines of the run ----"
    tail -40 "$work/run.log"
    echo "FAIL: deploy/local/run --smoke exited $rc"
    exit 1
fi
for what in 'summary matches' 'check-evidence: [0-9]* figures compared, 0 problems' \
    'equity: [0-9]* figures compared with the generator'; do
    grep -q "$what" "$work/run.log" || {
        echo "FAIL: the run did not print '$what'"
        exit 1
    }
done
echo "local run: ok"
