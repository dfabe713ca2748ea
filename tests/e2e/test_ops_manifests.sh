#!/usr/bin/env bash
# Deployment manifests render and say what operations teams rely on:
#   compose   `docker-compose config` accepts deploy/compose.yaml; host
#             networking only; the services wait for PostgreSQL, the
#             migration job and their database logins; every Pathways
#             container has a health check
#   k8s       `kubectl kustomize deploy/k8s` renders; 4 Deployments with
#             probes, resources, non-root, read-only root; Services, PDBs,
#             the migration Job, ConfigMap, NetworkPolicies, ServiceAccount,
#             database URLs from Secrets
#   k8s-ha    `kubectl kustomize deploy/k8s-ha` renders the base with a
#             CloudNativePG Cluster (synchronous replica), 2 replicas per
#             service and 4 partitions per stream
#   alerts    promtool checks the scrape config and rules and runs the rule
#             unit tests; the Grafana dashboard is valid JSON
#   image     the Dockerfile is multi-stage, non-root, with a HEALTHCHECK
# A missing tool (docker-compose, kubectl, promtool, yq, jq: Debian packages
# docker-compose, kubernetes-client, prometheus, yq, jq) fails the test and
# says which; deploy/local/install-deps installs them. The security
# properties of both deployments: test_deploy_locked.sh.
set -euo pipefail
SRC=${PATHWAYS_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
D="$SRC/deploy"

missing=()
for tool in docker-compose kubectl promtool yq jq; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "FAIL: missing tools: ${missing[*]} (deploy/local/install-deps installs them)" >&2
    exit 1
fi

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
check() { # check WHAT EXPECTED ACTUAL
    [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
    echo "ok: $1 = '$3'"
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- compose ------------------------------------------------------------------
compose_env=(POSTGRES_PASSWORD=test PATHWAYS_DB_ELIGIBILITY_PASSWORD=test1
    PATHWAYS_DB_ENROLLMENT_PASSWORD=test2 PATHWAYS_DB_NOTIFICATION_PASSWORD=test3
    PATHWAYS_DB_REPORTING_PASSWORD=test4 PATHWAYS_KEYS_DIR=/keys)
env "${compose_env[@]}" docker-compose -f "$D/compose.yaml" config >"$work/compose.yaml" ||
    fail "docker-compose config rejected deploy/compose.yaml"
c() { yq -r "$1" "$work/compose.yaml"; }
check "compose services" "db-logins eligibility enrollment migrate notification postgres reporting" \
    "$(c '.services | keys | join(" ")')"
check "compose networks other than host" "" \
    "$(c '[.services[] | select(.network_mode != "host")] | length | select(. > 0)')"
check "compose top-level networks" "null" "$(c '.networks')"
for svc in eligibility enrollment notification reporting; do
    check "$svc waits for migrate" "service_completed_successfully" \
        "$(c ".services.$svc.depends_on.migrate.condition")"
    check "$svc waits for its database login" "service_completed_successfully" \
        "$(c ".services.$svc.depends_on[\"db-logins\"].condition")"
    check "$svc health check" "pathways-healthcheck" "$(c ".services.$svc.healthcheck.test[1]")"
    check "$svc command" "$svc" "$(c ".services.$svc.command[0]")"
done
check "migrate waits for postgres" "service_healthy" \
    "$(c '.services.migrate.depends_on.postgres.condition')"
check "postgres health check" "pg_isready" "$(c '.services.postgres.healthcheck.test[1]')"
check "database logins after migrate" "service_completed_successfully" \
    "$(c '.services["db-logins"].depends_on.migrate.condition')"
if env "${compose_env[@]}" POSTGRES_PASSWORD='' docker-compose -f "$D/compose.yaml" config >/dev/null 2>&1; then
    fail "compose accepted an empty POSTGRES_PASSWORD"
fi
echo "ok: compose refuses to run without POSTGRES_PASSWORD"

# --- kustomize ------------------------------------------------------------------
kubectl kustomize "$D/k8s" >"$work/k8s.yaml" 2>"$work/k8s.err" ||
    fail "kubectl kustomize: $(cat "$work/k8s.err")"
k() { yq -r -s "$1" "$work/k8s.yaml"; }
check "kinds" "ConfigMap:1 Deployment:4 Job:1 NetworkPolicy:6 PodDisruptionBudget:4 Service:4 ServiceAccount:1" \
    "$(k '[.[].kind] | group_by(.) | map("\(.[0]):\(length)") | join(" ")')"
check "deployments" "pathways-eligibility pathways-enrollment pathways-notification pathways-reporting" \
    "$(k '[.[] | select(.kind == "Deployment") | .metadata.name] | sort | join(" ")')"
# Every container: probes, resources, non-root, read-only root, no privilege.
bad=$(k '[.[] | select(.kind == "Deployment") | .spec.template.spec as $p | $p.containers[] |
       select((.readinessProbe.httpGet.path != "/readyz") or (.livenessProbe.httpGet.path != "/healthz")
              or (.resources.limits.memory == null) or (.resources.requests.cpu == null)
              or (.securityContext.readOnlyRootFilesystem != true)
              or (.securityContext.allowPrivilegeEscalation != false)
              or ($p.securityContext.runAsNonRoot != true)) | .name] | join(" ")')
check "containers missing probes/resources/security" "" "$bad"
check "job runs migrate as non-root" "migrate true" \
    "$(k '.[] | select(.kind == "Job") | "\(.spec.template.spec.containers[0].args[0]) \(.spec.template.spec.securityContext.runAsNonRoot)"')"
check "database URLs from Secrets, one each" "5 5" \
    "$(k '[.[] | select(.kind == "Deployment" or .kind == "Job") | .spec.template.spec.containers[].env[]? |
          select(.name == "PATHWAYS_DATABASE_URL") | .valueFrom.secretKeyRef.name | select(startswith("pathways-db-"))] |
          "\(length) \(unique | length)"')"
check "PDBs cover the deployments" "4" \
    "$(k '[.[] | select(.kind == "PodDisruptionBudget") | .spec.selector.matchLabels["app.kubernetes.io/name"]] | unique | length')"
check "ConfigMap binds every interface, with CURVE" "0.0.0.0 on" \
    "$(k '.[] | select(.kind == "ConfigMap") | "\(.data.PATHWAYS_BIND_HOST) \(.data.PATHWAYS_CURVE)"')"

# The overlay with a replicated store (deploy/k8s-ha): the base plus a
# CloudNativePG Cluster with a synchronous replica, 2 replicas per service,
# streams in 4 partitions.
kubectl kustomize "$D/k8s-ha" >"$work/k8s-ha.yaml" 2>"$work/k8s-ha.err" ||
    fail "kubectl kustomize deploy/k8s-ha: $(cat "$work/k8s-ha.err")"
ha() { yq -r -s "$1" "$work/k8s-ha.yaml"; }
check "ha kinds" "Cluster:1 ConfigMap:1 Deployment:4 Job:1 NetworkPolicy:6 PodDisruptionBudget:4 Service:4 ServiceAccount:1" \
    "$(ha '[.[].kind] | group_by(.) | map("\(.[0]):\(length)") | join(" ")')"
check "ha replicas per service" "2 2 2 2" \
    "$(ha '[.[] | select(.kind == "Deployment") | .spec.replicas] | join(" ")')"
check "ha store: instances, synchronous replicas, synchronous_commit" "3 1 on" \
    "$(ha '.[] | select(.kind == "Cluster" and .apiVersion == "postgresql.cnpg.io/v1") |
          "\(.spec.instances) \(.spec.minSyncReplicas) \(.spec.postgresql.parameters.synchronous_commit)"')"
# shellcheck disable=SC2016 # $c is jq's
check "ha partitions, config map used by every service" "4 4" \
    "$(ha '(.[] | select(.kind == "ConfigMap")) as $c | "\($c.data.PATHWAYS_STREAM_PARTITIONS) \(
          [.[] | select(.kind == "Deployment") | .spec.template.spec.containers[].envFrom[]?.configMapRef.name |
           select(. == $c.metadata.name)] | length)"')"
check "ha login roles managed by the operator" "4" \
    "$(ha '[.[] | select(.kind == "Cluster") | .spec.managed.roles[] | select(.login)] | length')"

# --- monitoring -------------------------------------------------------------------
(cd "$D/monitoring" && promtool check config prometheus.yml >/dev/null) || fail "promtool check config"
(cd "$D/monitoring" && promtool check rules alerts.yml >/dev/null) || fail "promtool check rules"
(cd "$D/monitoring" && promtool test rules alerts_test.yml >/dev/null) || fail "promtool test rules"
echo "ok: prometheus config, rules and rule tests"
for alert in PathwaysConsumerLagRising PathwaysConsumerStalled PathwaysDeadLettersPresent \
    PathwaysDeliveriesFailing PathwaysNotReady; do
    grep -q "alert: $alert\$" "$D/monitoring/alerts.yml" || fail "alert $alert is missing"
done
check "dashboard panels with queries" "15" \
    "$(jq '[.panels[] | select(.targets | length > 0)] | length' "$D/monitoring/grafana-dashboard.json")"

# --- Dockerfile -----------------------------------------------------------------------
df="$D/Dockerfile"
check "Dockerfile stages" "2" "$(grep -c '^FROM ' "$df")"
grep -q '^USER 10001' "$df" || fail "Dockerfile: no non-root USER"
grep -q '^HEALTHCHECK ' "$df" || fail "Dockerfile: no HEALTHCHECK"
grep -q '^ENTRYPOINT \["pathways-entrypoint"\]' "$df" || fail "Dockerfile: no entrypoint"
echo "PASS: compose, kustomize (base and k8s-ha), monitoring and Dockerfile checks"
