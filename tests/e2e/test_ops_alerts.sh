#!/usr/bin/env bash
# The monitoring kit (deploy/monitoring) against a running stack: two
# instances of every service, 2 partitions per stream, scraped every second
# by a real Prometheus (Debian's, as deploy/local/install-deps installs it)
# with deploy/monitoring/prometheus.yml (ports moved to this test's block)
# and alerts.yml loaded as its rules. tests/e2e/monitoring_check.py asks it:
#   refs     EVERY alert expression and dashboard query parses (Prometheus'
#            grammar, @prometheus-io/lezer-promql from npm), evaluates, and
#            each metric, matcher, `by` label, annotation and legend label it
#            names exists in the scraped series
#   fires    the key alerts' conditions made true for real select a series
#            and the rule engine holds them pending/firing:
#            PathwaysConsumerLagRising and PathwaysConsumerStalled (reporting
#            cannot advance its offset on "eligibility": a trigger refuses),
#            PathwaysDeliveriesFailing (the SMTP port refuses connections),
#            PathwaysPartnerRejectsHigh (40 events with impossible dates),
#            PathwaysPartnerAckSlow (a trigger holds each partner batch
#            0.6 s), PathwaysDeadLettersPresent (an undecodable event on
#            "employee"), PathwaysDown (an instance killed),
#            PathwaysDatabaseDown and PathwaysNotReady (PostgreSQL stopped);
#            only PathwaysConsumerLagOld (15 minutes behind) is left to the
#            refs check and promtool's unit cases
#   doubling the dashboard's lag panel equals the lag in the database,
#            although both instances export it
# The cluster is this test's own (it is stopped at the end).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/e2e.sh"
src=${PATHWAYS_SOURCE:-$(cd "$here/../.." && pwd)}
MON="$src/deploy/monitoring"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
for tool in prometheus node npm; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (deploy/local/install-deps installs it)"
done
# The PromQL parser, from the npm registry once into .run/tools/promql.
tools="$src/.run/tools/promql"
if [ ! -f "$tools/node_modules/@prometheus-io/lezer-promql/package.json" ]; then
    mkdir -p "$tools"
    for attempt in 1 2 3; do
        (cd "$tools" && npm install --no-audit --no-fund --silent \
            @prometheus-io/lezer-promql@0.315.0 @lezer/lr@1 @lezer/highlight@1) && break
        [ "$attempt" = 3 ] && fail "could not install @prometheus-io/lezer-promql from the npm registry"
        sleep $((attempt * 5))
    done
fi
export NODE_PATH="$tools/node_modules"

# Ports: services a at base+10..42, b at base+60..92; Prometheus base+93,
# a refusing SMTP port base+94, the cluster the first free of base+95..99.
e2e_own_cluster 95 99
prom_port=$((PATHWAYS_PORT_BASE + 93))
smtp_port=$((PATHWAYS_PORT_BASE + 94))
prom_pid=""
cleanup() {
    _e2e_cleanup
    [ -z "$prom_pid" ] || { kill "$prom_pid" 2>/dev/null && wait "$prom_pid"; } || true
    e2e_own_cluster_stop
}
trap cleanup EXIT

E2E_LEAST_PRIVILEGE=0 # the test's trigger is made as the superuser
E2E_TWO_INSTANCES=1
export PATHWAYS_STREAM_PARTITIONS=2 PATHWAYS_IDLE_CATCHUP_MS=300 PATHWAYS_MAX_ATTEMPTS=1000
export PATHWAYS_SMTP_URL="smtp://127.0.0.1:$smtp_port"
export PATHWAYS_NOTIFICATION_BACKOFF_BASE_MS=200 PATHWAYS_NOTIFICATION_BACKOFF_CAP_MS=1000
e2e_init ops_alerts
trap cleanup EXIT

# Prometheus: the shipped scrape config with this test's ports (instance b
# of each service beside a, same labels), scraped and evaluated every second.
ports=()
for svc in "${E2E_SERVICES[@]}"; do
    ports+=("$svc=$(e2e_port "$svc" 2),$(e2e_port "$svc@b" 2)")
done
python3 - "$MON/prometheus.yml" "$MON/alerts.yml" "${ports[@]}" >"$E2E_WORK/prometheus.yml" <<'PY'
import sys, yaml
cfg = yaml.safe_load(open(sys.argv[1]))
ports = dict(a.split("=") for a in sys.argv[3:])
cfg["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
cfg["rule_files"] = [sys.argv[2]]
for job in cfg["scrape_configs"]:
    for sc in job["static_configs"]:
        svc = sc["labels"]["service"]
        sc["targets"] = ["127.0.0.1:" + p for p in ports.pop(svc).split(",")]
assert not ports, "services without a scrape target in prometheus.yml: %s" % ports
yaml.safe_dump(cfg, sys.stdout)
PY
prometheus --config.file="$E2E_WORK/prometheus.yml" --storage.tsdb.path="$E2E_WORK/tsdb" \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$E2E_WORK/prometheus.log" 2>&1 &
prom_pid=$!
e2e_wait_until 30 "Prometheus ready" curl -sf "http://127.0.0.1:$prom_port/-/ready"
check() {
    python3 "$here/monitoring_check.py" --prom "http://127.0.0.1:$prom_port" --monitoring "$MON" \
        --parser "$src/tests/lib/promql_refs.js" "$@"
}
fires() { # fires ALERT [LABEL=VALUE...]: awaited to a deadline, then shown
    local deadline=$((SECONDS + 90))
    until check fires "$@" >"$E2E_WORK/fires.out" 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || e2e_fail "$* after 90 s: $(cat "$E2E_WORK/fires.out")"
        sleep 1
    done
    cat "$E2E_WORK/fires.out"
}

# Reporting cannot advance its offset on "eligibility": every batch fails
# and is retried, lag grows, nothing is applied (stalled, not stopped).
e2e_psql "CREATE FUNCTION ops_refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$
          BEGIN RAISE EXCEPTION 'injected failure (test_ops_alerts)'; END \$\$;
          CREATE TRIGGER ops_refuse BEFORE UPDATE ON stream.consumer_offset FOR EACH ROW
              WHEN (NEW.consumer = 'reporting' AND NEW.stream = 'eligibility' AND NEW.seq <> OLD.seq)
              EXECUTE FUNCTION ops_refuse();" >/dev/null
e2e_start_all
all_scraped() { [ "$(check value 'count(up{job="pathways"} == 1)')" = 8 ]; }
e2e_wait_until 30 "Prometheus scrapes all 8 instances" all_scraped

"$PATHWAYS_BIN/pathways-synth" --employers 1 --employees 300 --seed 9 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
e2e_ctl employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"
publish() {
    "$PATHWAYS_BIN/pathways-publish" --file "$1" --batch 200 --quiet >/dev/null || e2e_fail "publish $1"
}
# In two parts, so Prometheus sees the lag rise (not only appear).
e2e_split_by_employee "$E2E_WORK/events.jsonl" 2
publish "$E2E_WORK/part1.jsonl"
lag_seen() {
    local v
    v=$(check value 'sum(pathways_consumergroup_lag{consumergroup="reporting",stream="eligibility"})')
    [ "$v" != none ] && [ "$v" != 0 ]
}
e2e_wait_until 60 "Prometheus sees reporting's lag on eligibility" lag_seen
publish "$E2E_WORK/part2.jsonl"
# One event a partner gets rejected (an impossible date), so the rejected
# series exists as it would in production.
head -1 "$E2E_WORK/events.jsonl" |
    sed -E 's/"id":"[^"]*"/"id":"bad-1"/; s/"effective_date":"[^"]*"/"effective_date":"2026-13-45"/' \
        >"$E2E_WORK/bad.jsonl"
"$PATHWAYS_BIN/pathways-publish" --file "$E2E_WORK/bad.jsonl" --retries 0 --quiet >/dev/null 2>&1 || true
e2e_ctl queues >/dev/null || e2e_fail "pathwaysctl queues"

# --- consumer lag: stalled and rising -------------------------------------------
fires PathwaysConsumerStalled consumer=reporting stream=eligibility
fires PathwaysConsumerLagRising consumergroup=reporting stream=eligibility
# Both instances export the lag: the dashboard's panel must show it once.
db_lag() {
    e2e_psql "SELECT sum(h.seq - o.seq) FROM stream.consumer_offset o
              JOIN stream.head h USING (stream, partition)"
}
panel_lag=$(jq -r '.. | objects | select(.title? == "Consumer lag (events)") | .targets[0].expr' \
    "$MON/grafana-dashboard.json")
lag_agrees() { [ "$(check value "sum($panel_lag)")" = "$(db_lag)" ]; }
e2e_wait_until 30 "the lag panel equals the database's lag ($(db_lag))" lag_agrees
echo "ok: panel 'Consumer lag (events)' = $(check value "sum($panel_lag)") = lag in the database," \
    "with $(check value "count(pathways_consumergroup_lag{consumergroup=\"reporting\"})") lag series exported for reporting"

# --- deliveries failing: the SMTP port refuses ---------------------------------------
fires PathwaysDeliveriesFailing channel=email

# --- partners: many events rejected, acknowledgements slow ----------------------------
# 40 more events with an impossible date: over 5% of what partners sent.
head -40 "$E2E_WORK/events.jsonl" |
    awk '{ sub(/"id":"[^"]*"/, "\"id\":\"bad-r" NR "\"");
           sub(/"effective_date":"[^"]*"/, "\"effective_date\":\"2026-13-45\""); print }' \
        >"$E2E_WORK/bad40.jsonl"
"$PATHWAYS_BIN/pathways-publish" --file "$E2E_WORK/bad40.jsonl" --retries 0 --quiet \
    >/dev/null 2>&1 || true
fires PathwaysPartnerRejectsHigh
# Every partner batch waits 0.6 s in the database (a statement trigger on
# the ledger), so its acknowledgement takes longer than the alert's 0.5 s.
e2e_psql "CREATE FUNCTION ops_slow() RETURNS trigger LANGUAGE plpgsql AS \$\$
          BEGIN PERFORM pg_sleep(0.6); RETURN NULL; END \$\$;
          CREATE TRIGGER ops_slow AFTER INSERT ON eligibility.partner_event
              FOR EACH STATEMENT EXECUTE FUNCTION ops_slow();" >/dev/null
"$PATHWAYS_BIN/pathways-publish" --file "$E2E_WORK/part1.jsonl" --batch 50 --quiet >/dev/null ||
    e2e_fail "publish part1 again (duplicates, slowly)"
fires PathwaysPartnerAckSlow
e2e_psql "DROP TRIGGER ops_slow ON eligibility.partner_event" >/dev/null

# --- a dead letter: an undecodable event on "employee" ----------------------------------
e2e_poison employee org.pathways.employee.hired.v1
fires PathwaysDeadLettersPresent stream=employee

# --- an instance down: eligibility's second instance crashes ------------------------------
e2e_kill eligibility@b
fires PathwaysDown instance="127.0.0.1:$(e2e_port eligibility@b 2)"

# --- every reference exists -----------------------------------------------------------
refs_ok() { check refs >"$E2E_WORK/refs.out" 2>&1; }
# Series appear as the stack works: awaited to a deadline, then shown.
deadline=$((SECONDS + 60))
until refs_ok || [ "$SECONDS" -ge "$deadline" ]; do sleep 1; done
cat "$E2E_WORK/refs.out"
refs_ok || e2e_fail "monitoring references missing (above)"

# --- the database stops -------------------------------------------------------------
e2e_own_cluster_stop
for svc in "${E2E_SERVICES[@]}"; do
    fires PathwaysDatabaseDown service="$svc"
done
fires PathwaysNotReady service=reporting
echo "PASS: every alert and panel query refers to scraped series; lag, stall, failing deliveries, rejected and slow partner batches, a dead letter, a crashed instance and a stopped database fire their alerts"
