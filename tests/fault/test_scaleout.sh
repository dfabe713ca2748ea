#!/usr/bin/env bash
# Scale-out against the replicated store: two instances of every service
# (E2E_TWO_INSTANCES, tests/lib/e2e.sh) on the Patroni cluster, every stream
# in 4 partitions, the partner's chunks dealt over both eligibility
# instances. Under that load: both instances of every consumer hold leases;
# the second instance of every service is killed with -9 and the first takes
# all its partitions over; the second ones come back and get partitions
# again. Then the exactly-once checker (tests/lib/fault.sh).
set -euo pipefail
[ -z "${FAULT_TRACE:-}" ] || set -x # FAULT_TRACE=1: trace every step
source "$(dirname "$0")/../lib/e2e.sh"
source "$(dirname "$0")/../lib/fault.sh"

export PATHWAYS_STREAM_PARTITIONS=4 PATHWAYS_IDLE_CATCHUP_MS=300 PATHWAYS_LEASE_TTL_MS=1500
export PATHWAYS_LOG_LEVEL=${PATHWAYS_LOG_LEVEL:-warn} E2E_TWO_INSTANCES=1 FAULT_LOAD_LIMIT_S=240
trap fault_exit_cleanup EXIT
# Ports: instance a from base+10, instance b from base+60, the store above.
fault_store_start "$((PATHWAYS_PORT_BASE + 94))"
e2e_init scaleout
trap fault_exit_cleanup EXIT # e2e_init set its own
e2e_start_all

fault_workload 2 3000 37
fault_load_start "tcp://127.0.0.1:$(e2e_port eligibility 0)" "tcp://127.0.0.1:$(e2e_port eligibility@b 0)"

# leases_held_by SUFFIX: "consumer stream held-by-it live-total" for every
# consumed stream, SUFFIX "" (instances a) or "@b".
leases_held_by() {
    local svc values=""
    for svc in "${E2E_SERVICES[@]}"; do
        values+="${values:+,}('$svc', '%-${E2E_PIDS[$svc$1]:-none}-%')"
    done
    e2e_psql "SELECT l.consumer, l.stream,
        count(*) FILTER (WHERE l.owner LIKE i.pattern AND l.expires_at > now()),
        count(*) FILTER (WHERE l.expires_at > now())
        FROM stream.lease l JOIN (VALUES $values) AS i (consumer, pattern) USING (consumer)
        GROUP BY 1, 2 ORDER BY 1, 2" -F ' '
}
# Checks for e2e_wait_until (evaluated on every poll).
both_hold_leases() { # every consumed stream: a and b each hold >= 1 partition
    local a b
    a=$(leases_held_by "")
    b=$(leases_held_by @b)
    [ -n "$a" ] && ! printf '%s\n%s\n' "$a" "$b" | awk '$3 < 1 || $4 != 4 {bad = 1} END {exit !bad}'
}
a_holds_all() { # every consumed stream: a holds all 4 partitions
    local a
    a=$(leases_held_by "")
    [ -n "$a" ] && ! awk '$3 != 4 {bad = 1} END {exit !bad}' <<<"$a"
}
partner_events() { # SERVICE[@b]: the instance's pathways_partner_events_total
    curl -s --max-time 2 "http://127.0.0.1:$(e2e_port "$1" 2)/metrics" |
        awk '/^pathways_partner_events_total/ {n += $2} END {print n + 0}'
}
both_ingest() { [ "$(partner_events eligibility)" -gt 0 ] && [ "$(partner_events eligibility@b)" -gt 0 ]; }

e2e_wait_until 30 "both instances of every consumer hold partitions" both_hold_leases
e2e_wait_until 30 "partner events through both eligibility instances" both_ingest
echo "leases (consumer stream held-by-a live):"
leases_held_by "" | sed 's/^/  /'
echo "partner events: eligibility a $(partner_events eligibility), b $(partner_events eligibility@b)"

fault_load_running || e2e_fail "the load ended before the instances were killed"
for svc in "${E2E_SERVICES[@]}"; do e2e_kill "$svc@b"; done
start=$SECONDS
e2e_wait_until 20 "instances a to hold every partition" a_holds_all
echo "partitions taken over by instances a after $((SECONDS - start)) s"
for svc in "${E2E_SERVICES[@]}"; do e2e_start "$svc@b" || e2e_fail "restart $svc@b"; done
for svc in "${E2E_SERVICES[@]}"; do e2e_wait_ready "$svc@b" 30; done
e2e_wait_until 30 "instances b to hold partitions again" both_hold_leases
fault_load_running || e2e_fail "the load ended before the instances b came back: nothing was tested under load"
echo "instances b hold partitions again"

fault_load_wait
fault_check
echo "PASS: scale-out"
