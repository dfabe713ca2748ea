#!/usr/bin/env bash
# Checks the end-to-end harness (tests/lib/e2e.sh) itself, against the real
# test PostgreSQL: databases are fresh and reachable, failures are reported as
# failures, and services are started, probed, stopped, killed and cleaned up.
# Stand-in services are tiny HTTP servers, so this test does not depend on the
# real services and stays fast (a couple of seconds).
set -euo pipefail
today_before=${PATHWAYS_TODAY:-}
# shellcheck source=tests/lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"

# The harness checks a fresh database is empty: no least-privilege set-up
# and no development keys (they would migrate); the stand-ins need none.
E2E_LEAST_PRIVILEGE=0
E2E_CURVE=self
e2e_init harness

# --- database ---------------------------------------------------------------
e2e_assert_eq "PATHWAYS_TODAY (fixed unless set)" "${today_before:-2026-11-30}" "$PATHWAYS_TODAY"
e2e_assert_eq "connected database" pathways_e2e_harness "$(e2e_psql 'SELECT current_database()')"
e2e_assert_eq "tables in a fresh database" 0 \
    "$(e2e_psql "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
e2e_psql "CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2)"
e2e_assert_eq "rows inserted through e2e_psql" "1|2" "$(e2e_psql 'SELECT x FROM t ORDER BY x' | paste -sd '|')"
if e2e_psql 'SELECT no_such_column FROM t' 2>/dev/null; then
    e2e_fail "e2e_psql succeeded on invalid SQL"
fi
echo "ok: e2e_psql reports SQL errors"
# A second e2e_init of the same name starts from an empty database again.
e2e_assert_eq "table after re-init" "" "$( (e2e_init harness >/dev/null && e2e_psql "SELECT to_regclass('public.t')"))"

# --- failures are failures --------------------------------------------------
if e2e_start no_such_service 2>/dev/null; then
    e2e_fail "e2e_start reported success for a missing binary"
fi
echo "ok: e2e_start reports a missing binary"
if out=$( (e2e_assert_eq "two numbers" 1 2) 2>&1); then
    e2e_fail "e2e_assert_eq passed on 1 vs 2"
fi
e2e_assert_eq "e2e_assert_eq message" "FAIL: two numbers: expected '1', got '2'" "$out"

# --- service lifecycle, with stand-ins --------------------------------------
# A stand-in service answers GET /readyz with 200 on its HTTP port.
fake_service() {
    local svc=$1 www="$E2E_WORK/www-$1"
    mkdir -p "$www" && touch "$www/readyz"
    cat >"$PATHWAYS_BIN/pathways-$svc" <<EOF
#!/bin/sh
exec $python -m http.server --bind 127.0.0.1 --directory '$www' $(e2e_port "$svc" 2)
EOF
    chmod +x "$PATHWAYS_BIN/pathways-$svc"
}
python=$(command -v /usr/bin/python3 || command -v python3)
PATHWAYS_BIN="$E2E_WORK/bin"
mkdir -p "$PATHWAYS_BIN"
fake_service eligibility
printf '#!/bin/sh\necho broken >&2\nexit 3\n' >"$PATHWAYS_BIN/pathways-enrollment"
chmod +x "$PATHWAYS_BIN/pathways-enrollment"

e2e_start eligibility
e2e_wait_ready eligibility 10
e2e_assert_eq "readyz status" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(e2e_port eligibility 2)/readyz")"
if e2e_start eligibility 2>/dev/null; then
    e2e_fail "e2e_start started eligibility twice"
fi
echo "ok: e2e_start refuses a second instance"
e2e_stop eligibility
e2e_assert_eq "status after SIGTERM (stand-in dies of it)" 143 "$E2E_EXIT_STATUS"
e2e_start eligibility
e2e_wait_ready eligibility 10
e2e_kill eligibility
e2e_assert_eq "status after SIGKILL" 137 "$E2E_EXIT_STATUS"

# A service that dies at start fails the wait at once, with its log.
if out=$( (e2e_start enrollment && e2e_wait_ready enrollment 10) 2>&1); then
    e2e_fail "e2e_wait_ready passed for a service that exited"
fi
e2e_assert_eq "wait_ready on a dead service" 1 \
    "$(grep -c 'enrollment exited (status 3) before it was ready' <<<"$out")"
e2e_assert_eq "its log is shown" 1 "$(grep -c '^broken$' <<<"$out")"

# The EXIT trap stops what a test started and removes its work folder.
trap_file="$E2E_WORK/trap-test"
(
    e2e_init harness_trap >/dev/null
    e2e_start eligibility
    e2e_wait_ready eligibility 10
    echo "${E2E_PIDS[eligibility]} $E2E_WORK" >"$trap_file"
)
read -r child_pid child_work <"$trap_file"
e2e_assert_eq "stand-in alive after the test exited" no "$(kill -0 "$child_pid" 2>/dev/null && echo yes || echo no)"
e2e_assert_eq "work folder left behind" no "$([ -e "$child_work" ] && echo yes || echo no)"
"$E2E_PSQL" -X -q -d "$(_e2e_url_with_db "$PATHWAYS_DATABASE_URL" postgres)" \
    -c "DROP DATABASE pathways_e2e_harness_trap"

# --- port blocks (ports.sh) ------------------------------------------------------
# claim_from BASE: the block a fresh test starting its search at BASE gets.
claim_from() {
    PATHWAYS_PORT_BASE=$1 bash -c 'source "$1" && pw_claim_port_block >/dev/null &&
        echo "$PATHWAYS_PORT_BASE"' _ "$(dirname "${BASH_SOURCE[0]}")/../lib/ports.sh"
}
mine=$PATHWAYS_PORT_BASE
other=$(claim_from "$mine")
[ "$other" -gt "$mine" ] || e2e_fail "a second test got this test's locked block $mine (got $other)"
echo "ok: a locked block is passed over ($mine -> $other)"
# A block whose port 57 something else listens on is passed over too.
"$python" -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
print("listening", flush=True); time.sleep(60)' $((other + 57)) >"$E2E_WORK/holder.out" &
holder=$!
e2e_wait_until 10 "the port holder listens" grep -q listening "$E2E_WORK/holder.out"
moved=$(claim_from "$other")
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
[ "$moved" -ne "$other" ] || e2e_fail "block $other was chosen although port $((other + 57)) is in use"
echo "ok: a block with a port in use is passed over ($other -> $moved)"

echo "harness: all checks passed"
