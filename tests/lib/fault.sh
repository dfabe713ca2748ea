# shellcheck shell=bash
# Steady partner load and the exactly-once checker, shared by the fault
# tests (tests/fault/test_*.sh). Source after tests/lib/e2e.sh and e2e_init:
#
#   fault_store_start PORT         replicated store (deploy/patroni/cluster) on
#                                  free ports from PORT, as the test server
#   fault_workload 3 2400 23       synthetic roster: $E2E_WORK/events.jsonl,
#                                  expected.json, employers imported, chunks
#   fault_load_start EP [EP...]    one chunk after another in the background,
#                                  each retried until acknowledged, chunks
#                                  dealt round-robin over the endpoints
#   fault_load_wait                fails the test unless every chunk was acked
#   fault_check                    lost / duplicated / unexpected / dead
#                                  letters = 0, every consumer caught up, the
#                                  report equals the oracle
#
# FAULT_LOAD_LIMIT_S (default 360): a load still running after that many
# seconds of the test fails it (with every log) instead of meeting ctest's
# timeout. FAULT_CHUNK (default 40) events per chunk, FAULT_PAUSE (0.15 s)
# between chunks.

FAULT_LOADER=""
FAULT_TOTAL=0
FAULT_CLUSTER="${PATHWAYS_SOURCE:?}/deploy/patroni/cluster"
FAULT_STORE=""

# fault_store_start PORT: a Patroni cluster (primary + synchronous standby)
# on the first free ports from PORT; PATHWAYS_TEST_DATABASE_URL is its
# multi-host URL. Set the EXIT trap (fault_exit_cleanup) first.
fault_store_start() {
    # libpq does not try the next host of a URL after a FATAL at start-up
    # ("database ... does not exist"), so a database or role the test makes
    # must be on the standby before anyone connects: the test's own sessions
    # commit with remote_apply. (The services pass options of their own.)
    export PGOPTIONS="-c synchronous_commit=remote_apply"
    export PATHWAYS_PATRONI_PORT_START=$1
    FAULT_STORE=$(mktemp -d /tmp/pathways-fault-store.XXXXXX)
    PATHWAYS_TEST_DATABASE_URL=$("$FAULT_CLUSTER" start "$FAULT_STORE") || {
        tail -20 "$FAULT_STORE"/*/patroni.log "$FAULT_STORE/etcd.log" >&2 || true
        exit 1
    }
    export PATHWAYS_TEST_DATABASE_URL
    echo "store: $PATHWAYS_TEST_DATABASE_URL"
}

# fault_exit_cleanup: for an EXIT trap, also before e2e_init (which sets its own:
# set this one again after it).
fault_exit_cleanup() {
    fault_load_stop
    if [ -n "$FAULT_STORE" ] && [ -n "$E2E_WORK" ] && [ "${E2E_KEEP_WORK:-0}" = 1 ]; then
        for f in "$FAULT_STORE"/node*/patroni.log; do cp "$f" "$E2E_WORK/$(basename "$(dirname "$f")").patroni.log"; done
    fi
    _e2e_cleanup
    if [ -n "$FAULT_STORE" ]; then
        "$FAULT_CLUSTER" stop "$FAULT_STORE" || true
        rm -rf "$FAULT_STORE"
    fi
}

# fault_workload EMPLOYERS EMPLOYEES SEED
fault_workload() {
    "$PATHWAYS_BIN/pathways-synth" --employers "$1" --employees "$2" --seed "$3" \
        --today "$PATHWAYS_TODAY" --out "$E2E_WORK/events.jsonl" \
        --employers-out "$E2E_WORK/employers.tsv" --expect "$E2E_WORK/expected.json" >/dev/null ||
        e2e_fail "pathways-synth"
    e2e_ctl employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"
    FAULT_TOTAL=$(wc -l <"$E2E_WORK/events.jsonl")
    fault_chunks "$E2E_WORK/events.jsonl" "${FAULT_CHUNK:-40}"
}

# fault_chunks FILE SIZE: FILE's events into $E2E_WORK/chunk.0000, ... of
# about SIZE lines, each employee's events whole in one chunk and in file
# order (employees in order of first appearance). A history split over
# publishes is dated as of each part's today (README, "Eligible since"),
# which the synthetic oracle does not model.
fault_chunks() {
    rm -f "$E2E_WORK"/chunk.*
    awk -v dir="$E2E_WORK" -v size="$2" '{
        match($0, /"subject":"[^"]*"/)
        id = substr($0, RSTART, RLENGTH)
        if (!(id in count)) order[++n] = id
        lines[id] = lines[id] $0 "\n"
        count[id]++
    }
    END {
        chunk = 0; used = 0
        for (i = 1; i <= n; i++) {
            id = order[i]
            if (used > 0 && used + count[id] > size) { chunk++; used = 0 }
            printf "%s", lines[id] > sprintf("%s/chunk.%04d", dir, chunk)
            used += count[id]
        }
    }' "$1"
}

# fault_load_start ENDPOINT...: the partner load in the background; output
# in $E2E_WORK/publish.out.
fault_load_start() {
    local endpoints=("$@")
    (
        local i=0 f
        for f in "$E2E_WORK"/chunk.*; do
            [ "$SECONDS" -lt "${FAULT_LOAD_LIMIT_S:-360}" ] ||
                { echo "load: past ${FAULT_LOAD_LIMIT_S:-360} s at $f" >>"$E2E_WORK/publish.out" && exit 1; }
            "$PATHWAYS_BIN/pathways-publish" --file "$f" \
                --endpoint "${endpoints[i % ${#endpoints[@]}]}" --batch 20 \
                --timeout-ms 700 --retries 120 >>"$E2E_WORK/publish.out" 2>&1 || exit 1
            i=$((i + 1))
            sleep "${FAULT_PAUSE:-0.15}"
        done
    ) &
    FAULT_LOADER=$!
}

# fault_load_running: the loader has not finished yet.
fault_load_running() {
    [ -n "$FAULT_LOADER" ] && kill -0 "$FAULT_LOADER" 2>/dev/null
}

fault_load_wait() {
    wait "$FAULT_LOADER" ||
        e2e_fail "the partner load did not get every event acknowledged: $(tail -3 "$E2E_WORK/publish.out")"
    FAULT_LOADER=""
}

# fault_load_stop: for an EXIT trap.
fault_load_stop() {
    [ -z "$FAULT_LOADER" ] || kill "$FAULT_LOADER" 2>/dev/null || true
}

# fault_check: every event the partner sent was acknowledged (the loader
# retried until it was), so each must be stored exactly once, with exactly
# one effect downstream, and every consumer must have caught up.
fault_check() {
    e2e_ctl wait-idle --timeout 180 >/dev/null || e2e_fail "consumers did not catch up"
    /usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    print(e["source"] + "\t" + e["id"])' "$E2E_WORK/events.jsonl" >"$E2E_WORK/sent.tsv"
    e2e_psql "CREATE TABLE fault_sent (employer text, event_id text)"
    e2e_psql "\\copy fault_sent FROM '$E2E_WORK/sent.tsv'"
    local lost unexpected dup_stream dup_invites dup_outbox duplicated dead
    lost=$(e2e_psql "SELECT count(*) FROM fault_sent s WHERE NOT EXISTS (SELECT 1 FROM
        eligibility.partner_event p WHERE p.employer = s.employer AND p.event_id = s.event_id)")
    unexpected=$(e2e_psql "SELECT count(*) FROM eligibility.partner_event p WHERE NOT EXISTS
        (SELECT 1 FROM fault_sent s WHERE p.employer = s.employer AND p.event_id = s.event_id)")
    # Effects: one employee-stream event per accepted partner event, one
    # invitation per employee, one outbox row per (trigger, recipient, channel).
    dup_stream=$(e2e_psql "SELECT (SELECT count(*) FROM stream.event WHERE stream = 'employee')
        - (SELECT count(*) FROM eligibility.partner_event)")
    dup_invites=$(e2e_invited_twice)
    dup_outbox=$(e2e_psql "SELECT count(*) - count(DISTINCT notification_id) FROM notification.outbox")
    duplicated=$((dup_stream + dup_invites + dup_outbox))
    dead=$(e2e_psql "SELECT count(*) FROM stream.dead_letter")
    echo "events=$FAULT_TOTAL lost=$lost duplicated=$duplicated unexpected=$unexpected dead_letters=$dead"
    e2e_assert_eq lost 0 "$lost"
    e2e_assert_eq duplicated 0 "$duplicated"
    e2e_assert_eq unexpected 0 "$unexpected"
    e2e_assert_eq "dead letters" 0 "$dead"
    e2e_assert_eq "notifications cancelled although their address arrived" 0 \
        "$(e2e_cancelled_with_address)"
    # Final lag 0 on every stream, and every effect downstream matches the oracle.
    e2e_assert_eq "lagging consumers" 0 "$(e2e_psql "SELECT count(*) FROM stream.consumer_offset o
        JOIN stream.head h USING (stream, partition) WHERE o.seq <> h.seq")"
    e2e_ctl report summary --expect "$E2E_WORK/expected.json" || e2e_fail "summary differs from the oracle"
}
