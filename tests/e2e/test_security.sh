#!/usr/bin/env bash
# End-to-end security, with CURVE on and every service connected to the
# database as a least-privilege LOGIN role (member of pathways_<service>,
# PATHWAYS_MIGRATE_ON_START=off): a service waits ("migrations pending")
# until the owner migrates; the pipeline runs under those roles; an unknown
# key cannot connect; a revoked key is refused without a restart; a rotated
# key works during its overlap only; a read-only key cannot enroll anyone;
# secret files readable by others are refused.
# Needs no service-side wiring (the runtime's default: admin only).
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

# This test sets up the least-privilege roles itself, to watch a service wait
# for the owner's migration.
E2E_LEAST_PRIVILEGE=0
E2E_CURVE=self
e2e_init security
bin=$PATHWAYS_BIN
src=${PATHWAYS_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
keys=$E2E_WORK/keys
owner_url=$PATHWAYS_DATABASE_URL
mkdir -m 700 "$keys"

# url_as ROLE: the test database's URL with another user.
url_as() { echo "$owner_url" | sed -E "s#://[^@/]*@#://$1@#"; }
# ctl_as KEY ARGS...: pathwaysctl with the client key KEY.
ctl_as() {
    local k=$1
    shift
    PATHWAYS_CURVE_CLIENT_SECRET_FILE="$keys/${k}_secret" "$bin/pathwaysctl" --timeout-ms 2000 "$@"
}
key_id() { "$bin/pathwaysctl" keys list | awk -v n="dev $1" '$0 ~ n"$" {print $1}' | tail -1; }
# refused KEY ID: an attempt with KEY (a new employer each time) gets no
# answer and eligibility has logged the refusal of key ID: the proof that its
# key cache has been refreshed since the key was revoked or expired.
probes=0
refused() {
    probes=$((probes + 1))
    ! ctl_as "$1" employer add "emp-probe-$probes" --name P >/dev/null 2>&1 &&
        grep '"connection refused"' "$(e2e_log eligibility)" | grep -q "\"key_id\":\"$2\""
}
start_as_role() {
    PATHWAYS_DATABASE_URL=$(url_as "pw_e2e_$1") PATHWAYS_MIGRATE_ON_START=off e2e_start "$1"
}

for svc in "${E2E_SERVICES[@]}"; do
    e2e_psql "DO \$\$ BEGIN CREATE ROLE pw_e2e_$svc LOGIN; EXCEPTION WHEN duplicate_object THEN NULL;
              END \$\$" >/dev/null
done

# The services' key exists before anything starts; CURVE on for everyone.
"$bin/pathwaysctl" keys generate --out "$keys/service" >/dev/null
export PATHWAYS_CURVE=on PATHWAYS_CURVE_SECRET_FILE="$keys/service_secret"
export PATHWAYS_CURVE_SERVER_KEY="$keys/service" PATHWAYS_CURVE_KEY_REFRESH_MS=500
export PATHWAYS_CURVE_CLIENT_SECRET_FILE="$keys/admin_secret"

# A least-privilege service waits for the owner to migrate.
start_as_role reporting
port=$(e2e_port reporting 2)
e2e_wait_until 20 "reporting says migrations pending" \
    sh -c "curl -s http://127.0.0.1:$port/readyz | grep -q 'migrations pending'"
echo "ok: reporting waits: $(curl -s "http://127.0.0.1:$port/readyz")"

"$bin/pathways-synth" --employers 2 --employees 120 --seed 5 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
PATHWAYS_BIN=$bin "$src/deploy/local/dev-keys" --dir "$keys" --employers "$E2E_WORK/employers.tsv"
for svc in "${E2E_SERVICES[@]}"; do
    e2e_psql "SET client_min_messages = warning; GRANT pathways_$svc TO pw_e2e_$svc" >/dev/null
done
e2e_wait_ready reporting 30
for svc in eligibility enrollment notification; do start_as_role "$svc"; done
for svc in eligibility enrollment notification; do e2e_wait_ready "$svc" 30; done
e2e_assert_eq "services connect as" "pw_e2e_eligibility,pw_e2e_enrollment,pw_e2e_notification,pw_e2e_reporting" \
    "$(e2e_psql "SELECT string_agg(DISTINCT usename, ',' ORDER BY usename) FROM pg_stat_activity
                 WHERE usename LIKE 'pw_e2e_%' AND datname = current_database()")"

# The pipeline under least privilege, driven with the admin key.
"$bin/pathwaysctl" employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"
events=$(wc -l <"$E2E_WORK/events.jsonl")
out=$("$bin/pathways-publish" --file "$E2E_WORK/events.jsonl" --batch 50) || e2e_fail "publish: $out"
e2e_assert_eq "publish with the admin key" \
    "accepted=$events duplicate=0 rejected=0 unreadable=0 unacknowledged=0" "$(echo "$out" | tail -1)"
"$bin/pathwaysctl" wait-idle --timeout 60 >/dev/null || e2e_fail "not idle"
e2e_assert_eq "dead letters" 0 "$(e2e_psql 'SELECT count(*) FROM stream.dead_letter')"
out=$("$bin/pathwaysctl" report summary 2>&1) || e2e_fail "report summary with the admin key: $out"
e2e_assert_eq "partner events stored under least privilege" "$events" \
    "$(e2e_psql 'SELECT count(*) FROM eligibility.partner_event')"

# An unknown key cannot connect: no answer, the ZAP handler logs the refusal.
"$bin/pathwaysctl" keys generate --out "$keys/stranger" >/dev/null
stranger=$("$bin/pathwaysctl" keys generate --out "$keys/stranger2" | awk '/^key/ {print $2}')
if out=$(ctl_as stranger2 employer add emp-x --name X 2>&1); then e2e_fail "unknown key answered: $out"; fi
echo "$out" | grep -q "did not answer" || e2e_fail "unknown key: unexpected error: $out"
grep '"connection refused"' "$(e2e_log eligibility)" | grep -q "\"key_id\":\"$stranger\"" ||
    e2e_fail "eligibility did not log the refusal of $stranger"
e2e_assert_eq "nothing stored for the unknown key" 0 \
    "$(e2e_psql "SELECT count(*) FROM eligibility.employer WHERE employer = 'emp-x'")"
echo "ok: unknown key $stranger refused at the handshake"

# Revocation without a restart (pids unchanged).
pids_before="${E2E_PIDS[*]}"
"$bin/pathwaysctl" keys generate --out "$keys/ops" >/dev/null
"$bin/pathwaysctl" keys register "$keys/ops" --role admin --name "dev ops" >/dev/null
ops=$(key_id ops)
# Keys are re-read every second (PATHWAYS_CURVE_KEY_REFRESH_MS): each change
# is awaited to a deadline, then asserted.
e2e_wait_until 10 "the registered admin key accepted" ctl_as ops employer add emp-r1 --name R1
"$bin/pathwaysctl" keys revoke "$ops" >/dev/null
e2e_wait_until 20 "eligibility refusing the revoked key $ops (and logging it)" refused ops "$ops"
if out=$(ctl_as ops employer add emp-r2 --name R2 2>&1); then e2e_fail "revoked key answered: $out"; fi
e2e_assert_eq "revoked key stored nothing" 0 \
    "$(e2e_psql "SELECT count(*) FROM eligibility.employer WHERE employer = 'emp-r2'")"
e2e_assert_eq "no restart" "$pids_before" "${E2E_PIDS[*]}"
for pid in ${E2E_PIDS[*]}; do kill -0 "$pid" || e2e_fail "a service died"; done

# Rotation: both keys during the overlap, then only the new one.
"$bin/pathwaysctl" keys generate --out "$keys/rot1" >/dev/null
"$bin/pathwaysctl" keys generate --out "$keys/rot2" >/dev/null
"$bin/pathwaysctl" keys register "$keys/rot1" --role admin --name "dev rot1" >/dev/null
rot1=$(key_id rot1)
overlap=6
"$bin/pathwaysctl" keys rotate "$rot1" "$keys/rot2" --overlap ${overlap}s >/dev/null
rotated=$SECONDS
e2e_wait_until 10 "the new key accepted" ctl_as rot2 employer add emp-o2 --name O2
ctl_as rot1 employer add emp-o1 --name O1 >/dev/null ||
    e2e_fail "old key refused during the overlap ($((SECONDS - rotated)) s after a ${overlap} s rotation)"
e2e_wait_until $((overlap + 20)) "eligibility refusing the old key $rot1 after the overlap" refused rot1 "$rot1"
[ $((SECONDS - rotated)) -ge $((overlap - 1)) ] ||
    e2e_fail "old key refused $((SECONDS - rotated)) s into a ${overlap} s overlap"
if ctl_as rot1 employer add emp-o3 --name O3 >/dev/null 2>&1; then e2e_fail "old key after overlap"; fi
ctl_as rot2 employer add emp-o4 --name O4 >/dev/null || e2e_fail "new key refused after overlap"
"$bin/pathwaysctl" keys list | grep -q "^$rot1 .* expired" || e2e_fail "keys list: $rot1 not expired"
echo "ok: rotation overlap"

# A read-only key cannot enroll anyone; the refusal names the key.
read -r employer employee < <(e2e_psql "SELECT employer, employee FROM enrollment.enrollment
    WHERE state = 'invited' ORDER BY 1, 2 LIMIT 1" | tr '|' ' ')
[ -n "$employee" ] || e2e_fail "no invited employee to try"
ro=$(key_id read_only)
before=$(e2e_psql "SELECT count(*) FROM enrollment.transition")
if out=$(ctl_as read_only enroll apply "$employer" "$employee" 2>&1); then
    e2e_fail "read-only key enrolled: $out"
fi
echo "$out" | grep -q "forbidden" || e2e_fail "read-only: unexpected answer: $out"
e2e_assert_eq "no transition" "$before" "$(e2e_psql "SELECT count(*) FROM enrollment.transition")"
grep '"request refused"' "$(e2e_log enrollment)" | grep -q "\"key_id\":\"$ro\"" ||
    e2e_fail "enrollment did not log the refusal of $ro"
echo "ok: read-only key refused: $out"

# Secret files readable by others are refused, by tools and services.
cp "$keys/admin_secret" "$keys/loose_secret"
cp "$keys/admin" "$keys/loose"
chmod 644 "$keys/loose_secret"
if out=$(ctl_as loose employer add emp-l --name L 2>&1); then e2e_fail "loose secret accepted"; fi
echo "$out" | grep -q "group or others" || e2e_fail "loose secret: $out"
if out=$(PATHWAYS_CURVE_SECRET_FILE="$keys/loose_secret" PATHWAYS_PORT_BASE=$((PATHWAYS_PORT_BASE + 50)) \
    timeout 30 "$bin/pathways-eligibility" 2>&1); then e2e_fail "service started with a loose secret"; fi
echo "$out" | grep -q "group or others" || e2e_fail "service: $out"
echo "ok: loose secret files refused"
echo "PASS: security"
