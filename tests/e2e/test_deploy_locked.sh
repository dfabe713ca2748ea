#!/usr/bin/env bash
# Deployments ship locked (deploy/README.md "Deploying locked"): renders
# `kubectl kustomize deploy/k8s` and `docker-compose config` of
# deploy/compose.yaml and checks, on what they render:
#   curve     PATHWAYS_CURVE is never off; every service is on and reads its
#             key from a file that comes from a Secret; nothing listens on
#             0.0.0.0 without CURVE
#   secrets   no password, key or credentialed URL written inline (ConfigMap,
#             env values, compose file): only Secrets / ${VAR:?} interpolation
#   database  each service has a database URL of its own, not the owner's
#   network   NetworkPolicies: default deny, every pod covered, the events
#             ports admit only Pathways pods (compose: host network only)
#   identity  a ServiceAccount without a token, used by every pod
#   migrate   the Job's name carries the image tag, and follows it
#   image     the Dockerfile carries the program, templates, notification
#             and cost files and points the variables at them
# A missing tool fails the test (deploy/local/install-deps installs them).
# shellcheck disable=SC2016 # the single-quoted $names are jq variables
set -euo pipefail
SRC=${PATHWAYS_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
D="$SRC/deploy"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
check() { # check WHAT EXPECTED ACTUAL
    [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
    echo "ok: $1 = '$3'"
}
missing=()
for tool in docker-compose kubectl yq jq; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] ||
    fail "missing tools: ${missing[*]} (deploy/local/install-deps installs them)"
# `labels` and `replacements` need kustomize v4.5+ (kubectl 1.24+; Debian
# 12's kubernetes-client 1.20 embeds kustomize v2.0.3).
kver=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\{0,1\}//p')
case "$kver" in
[5-9].* | 4.[5-9]* | [1-9][0-9].*) echo "ok: kustomize $kver" ;;
*) fail "kubectl embeds kustomize '${kver:-older than v4.5}'; deploy/k8s needs v4.5+ (kubectl 1.24+)" ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SERVICES=(eligibility enrollment notification reporting)

# --- compose --------------------------------------------------------------------
# Every secret variable gets a recognisable value: anything secret-looking in
# the output that is not one of these was written into the file.
declare -A secret_env=(
    [POSTGRES_PASSWORD]=pw-test-owner
    [PATHWAYS_DB_ELIGIBILITY_PASSWORD]=pw-test-eligibility
    [PATHWAYS_DB_ENROLLMENT_PASSWORD]=pw-test-enrollment
    [PATHWAYS_DB_NOTIFICATION_PASSWORD]=pw-test-notification
    [PATHWAYS_DB_REPORTING_PASSWORD]=pw-test-reporting
    [PATHWAYS_KEYS_DIR]=/keys-test
)
compose_env=()
for v in "${!secret_env[@]}"; do compose_env+=("$v=${secret_env[$v]}"); done
env "${compose_env[@]}" PATHWAYS_SMTP_URL=smtp://relay.test:587 PATHWAYS_SMTP_USER=pw-test-smtpuser \
    PATHWAYS_SMTP_PASSWORD=pw-test-smtp docker-compose -f "$D/compose.yaml" config >"$work/compose.yaml" ||
    fail "docker-compose config rejected deploy/compose.yaml"
c() { yq -r "$@" "$work/compose.yaml"; }
for v in "${!secret_env[@]}"; do
    if env "${compose_env[@]}" "$v=" docker-compose -f "$D/compose.yaml" config >/dev/null 2>&1; then
        fail "compose accepted an empty $v"
    fi
done
echo "ok: compose refuses to run without any of: ${!secret_env[*]}"

check "compose services not on the host network" "" \
    "$(c '[.services | to_entries[] | select(.value.network_mode != "host") | .key] | join(" ")')"
check "compose: PATHWAYS_CURVE values" "on" \
    "$(c '[.services[].environment.PATHWAYS_CURVE // empty] | unique | join(" ")')"
for svc in "${SERVICES[@]}"; do
    check "compose $svc: CURVE and its key from a secret file" "on /run/secrets/pathways-service-key /keys-test/service_secret" \
        "$(c --arg s "$svc" '. as $root | .services[$s] as $x | $x.environment.PATHWAYS_CURVE_SECRET_FILE as $f |
            ($x.secrets // [] | map(if type == "string" then {source: .} else . end) |
             map(select(($f == "/run/secrets/\(.source)") or ($f == (.target // "")))) | first) as $m |
            "\($x.environment.PATHWAYS_CURVE) \($f) \(if $m then $root.secrets[$m.source].file else "not-a-secret" end)"')"
done
check "compose: 0.0.0.0 without CURVE on" "" \
    "$(c '[.services | to_entries[] | select([.value.environment // {} | .[] | tostring |
           test("0\\.0\\.0\\.0")] | any) | select(.value.environment.PATHWAYS_CURVE != "on") | .key] | join(" ")')"
check "compose: a database URL per service, none the owner's" "4 4 0" \
    "$(c '[.services | to_entries[] | select(.key | test("^(eligibility|enrollment|notification|reporting)$")) |
           .value.environment.PATHWAYS_DATABASE_URL | capture("^postgresql://(?<u>[^:@/]+)")] |
           "\(length) \(map(.u) | unique | length) \(map(select(.u == "pathways")) | length)"')"
# Secret-looking: a variable named *PASSWORD*/*SECRET* (not *_FILE), or a URL
# with a password. Its value must be one of the test's own.
inline=$(c '[.services | to_entries[] | .key as $s | .value.environment // {} | to_entries[] |
    (if (.key | test("PASSWORD|SECRET")) and (.key | test("_FILE$") | not) then .value
     else ((.value | tostring | capture("://[^/:@]+:(?<p>[^/@]+)@") | .p) // null) end) as $secret |
    select($secret != null and $secret != "" and ($secret | tostring | startswith("pw-test-") | not)) |
    "\($s).\(.key)"] | join(" ")')
check "compose: secret values not from a variable" "" "$inline"
check "compose: SMTP password from the variable" "pw-test-smtp" \
    "$(c '.services.notification.environment.PATHWAYS_SMTP_PASSWORD')"

# --- kustomize --------------------------------------------------------------------
kubectl kustomize "$D/k8s" >"$work/k8s.yaml" 2>"$work/k8s.err" ||
    fail "kubectl kustomize: $(cat "$work/k8s.err")"
k() { yq -r -s "$@" "$work/k8s.yaml"; }
# Pods with the environment they really get: the ConfigMap's data under
# their own env (literal values; a valueFrom counts as "<from NAME>").
PODS='[.[] | select(.kind == "ConfigMap")] as $cms |
  [.[] | select(.kind == "Deployment" or .kind == "Job") | . as $w | .spec.template.spec as $p |
   $p.containers[] | . as $c |
   ([$c.envFrom[]?.configMapRef.name as $n | $cms[] | select(.metadata.name == $n) | .data] | add // {}) +
   ([$c.env[]? | {(.name): (.value // "<from \(.valueFrom.secretKeyRef.name // "?")>")}] | add // {})
   | {kind: $w.kind, name: $w.metadata.name, container: $c.name, env: ., c: $c, pod: $p,
      labels: $w.spec.template.metadata.labels}]'

check "no Secret objects in the output (Secrets are made by operators)" "0" \
    "$(k '[.[] | select(.kind == "Secret")] | length')"
check "k8s: PATHWAYS_CURVE values" "on" \
    "$(k "$PODS"' | [.[].env.PATHWAYS_CURVE // "unset"] | unique | join(" ")')"
check "k8s: 0.0.0.0 without CURVE on" "" \
    "$(k "$PODS"' | [.[] | select([.env[] | tostring | test("0\\.0\\.0\\.0")] | any) |
       select(.env.PATHWAYS_CURVE != "on") | .name] | join(" ")')"
# The key file: a read-only mount of a memory volume that an init container
# fills from the Secret pathways-service-key (mode 0400: see the manifests).
for svc in "${SERVICES[@]}"; do
    check "k8s $svc: key from the Secret, copied owner-only" \
        "pathways-service-key 256 Memory true copied" \
        "$(k --arg n "pathways-$svc" "$PODS"' | .[] | select(.name == $n) |
           .env.PATHWAYS_CURVE_SECRET_FILE as $f | .pod as $p |
           (.c.volumeMounts[] | select(.mountPath as $m | $f | startswith($m + "/"))) as $km |
           ($p.volumes[] | select(.name == $km.name)) as $kv |
           ($p.initContainers[]? | select(any(.volumeMounts[]; .name == $km.name))) as $init |
           ($init.volumeMounts[] | . as $sm | $p.volumes[] | select(.name == $sm.name and .secret) |
            {mount: $sm.mountPath, secret: .secret}) as $s |
           "\($s.secret.secretName) \($s.secret.defaultMode) \($kv.emptyDir.medium) \($km.readOnly) " +
           (if ($init.args[-1] == $f) and ($init.args[-2] | startswith($s.mount + "/"))
               and ($init.args | index("-m")) and (($init.args | join(" ")) | test("-m 0[46]00 "))
            then "copied" else "not copied: \($init.args)" end)')"
done
check "k8s: database URL secrets (services, then migrate)" \
    "pathways-db-eligibility pathways-db-enrollment pathways-db-notification pathways-db-reporting | pathways-db-owner" \
    "$(k "$PODS"' | (map(select(.kind == "Deployment")) | sort_by(.name) | map(.env.PATHWAYS_DATABASE_URL | ltrimstr("<from ") | rtrimstr(">")) | join(" ")) + " | " +
       (map(select(.kind == "Job")) | map(.env.PATHWAYS_DATABASE_URL | ltrimstr("<from ") | rtrimstr(">")) | join(" "))')"
check "k8s: SMTP URL, user and password from the Secret" "<from pathways-smtp> <from pathways-smtp> <from pathways-smtp>" \
    "$(k "$PODS"' | .[] | select(.name == "pathways-notification") | .env |
       "\(.PATHWAYS_SMTP_URL) \(.PATHWAYS_SMTP_USER) \(.PATHWAYS_SMTP_PASSWORD)"')"
check "k8s: secret-looking literal values (ConfigMap data, env value)" "" \
    "$(k '[.[] | (select(.kind == "ConfigMap") | .data // {} | to_entries[]),
             (select(.kind == "Deployment" or .kind == "Job") | .spec.template.spec |
              (.containers[], .initContainers[]?) | .env[]? | select(.value) | {key: .name, value: .value}) |
           select(((.key | test("PASSWORD|SECRET|DATABASE_URL|SMTP_URL")) and (.key | test("_FILE$") | not))
                  or (.value | tostring | test("://[^/:@]+:[^/@]+@|(?i)password=")))
           | .key] | unique | join(" ")')"

# NetworkPolicies.
NP='[.[] | select(.kind == "NetworkPolicy")]'
SELECTS='def selects($l): (.matchLabels // {}) | to_entries | all(.value == $l[.key]);'
check "k8s: a default-deny policy for every Pathways pod" "1" \
    "$(k "$NP"' | [.[] | select(.spec.podSelector.matchLabels == {"app.kubernetes.io/part-of": "pathways"}
       and (.spec.policyTypes | index("Ingress") and index("Egress"))
       and (.spec.ingress == null) and (.spec.egress == null))] | length')"
check "k8s: pods without an ingress policy of their own" "" \
    "$(k "$SELECTS $PODS"' as $pods | '"$NP"' as $nps | [$pods[] | select(.kind == "Deployment") | .labels as $l |
       select([$nps[] | select(.spec.podSelector | selects($l)) | select(.spec.podSelector.matchLabels | has("app.kubernetes.io/name"))
               | select(.spec.policyTypes | index("Ingress"))] | length == 0) | .name] | join(" ")')"
check "k8s: pods no policy covers (Job included)" "" \
    "$(k "$SELECTS $PODS"' as $pods | '"$NP"' as $nps | [$pods[] | .labels as $l |
       select([$nps[] | select(.spec.podSelector | selects($l))] | length == 0) | .name] | join(" ")')"
# A rule admits an events port when it lists it or lists no port at all; its
# peers must then all be Pathways pods (pod selector only, in this namespace).
check "k8s: events ports open to anything but Pathways pods" "" \
    "$(k "$SELECTS $PODS"' as $pods | '"$NP"' | [.[] | .metadata.name as $np | .spec.ingress[]? |
       select((.ports == null) or any(.ports[]; (.port | tostring) | test("^(71[1-4]1|events)$"))) |
       select((.from == null) or (.from == []) or any(.from[]; (.ipBlock or .namespaceSelector or (.podSelector == null))
              or (.podSelector as $s | [$pods[] | select(.kind == "Deployment") | .labels as $l | $s | selects($l)] | any | not)))
       | $np] | unique | join(" ")')"
check "k8s: who may reach each events port" \
    "7111:enrollment,notification,reporting 7121:eligibility,notification,reporting 7131:reporting" \
    "$(k "$NP"' | [.[] | .spec.ingress[]? | (.ports[]?.port | tostring | select(test("^71[1-4]1$"))) as $port |
       {port: $port, from: [.from[].podSelector.matchLabels["app.kubernetes.io/name"] | ltrimstr("pathways-")] | sort | join(",")}]
       | sort_by(.port) | map("\(.port):\(.from)") | join(" ")')"
check "k8s: HTTP ports Prometheus may scrape" "7112 7122 7132 7142" \
    "$(k "$NP"' | [.[] | .spec.ingress[]? | select(any(.from[]?; .namespaceSelector.matchLabels["kubernetes.io/metadata.name"] == "monitoring")) |
       .ports[].port] | sort | map(tostring) | join(" ")')"

# Identity.
check "k8s: ServiceAccount and its token" "pathways false" \
    "$(k '.[] | select(.kind == "ServiceAccount") | "\(.metadata.name) \(.automountServiceAccountToken)"')"
check "k8s: pods not on that ServiceAccount, or mounting a token" "" \
    "$(k '[.[] | select(.kind == "Deployment" or .kind == "Job") | select(.spec.template.spec |
       (.serviceAccountName != "pathways") or (.automountServiceAccountToken != false)) | .metadata.name] | join(" ")')"

# Migrate Job named after its image tag, also when the tag changes.
check "k8s: migrate Job name and image tag" "pathways-migrate-dev dev" \
    "$(k '.[] | select(.kind == "Job") | "\(.metadata.name) \(.spec.template.spec.containers[0].image | split(":")[-1])"')"
cp -r "$D/k8s" "$work/k8s-tag"
sed -i 's/^\(    newTag:\) dev$/\1 9.8.7-rc1/' "$work/k8s-tag/kustomization.yaml"
check "k8s: migrate Job name with tag 9.8.7-rc1" "pathways-migrate-9.8.7-rc1 pathways:9.8.7-rc1" \
    "$(kubectl kustomize "$work/k8s-tag" | yq -r -s '.[] | select(.kind == "Job") |
       "\(.metadata.name) \(.spec.template.spec.containers[0].image)"')"

# --- sources: never CURVE off, never a literal secret --------------------------------
if grep -rniE '^[^#]*PATHWAYS_CURVE["]?[=:][[:space:]]*"?off' "$D/k8s" "$D/compose.yaml" "$D/Dockerfile"; then
    fail "PATHWAYS_CURVE=off in a deployment file (above)"
fi
echo "ok: no PATHWAYS_CURVE=off in deploy/k8s, deploy/compose.yaml, deploy/Dockerfile"
if grep -nE '^[^#]*://[^/:@[:space:]]+:[^/@$[:space:]]+@' "$D/compose.yaml" "$D"/k8s/*.yaml; then
    fail "a URL with a literal password (above)"
fi
echo "ok: no URL with a literal password in compose.yaml or k8s/"

# --- image: the data files the programs read ------------------------------------------
df="$D/Dockerfile"
for f in programs templates notifications costs.yaml; do
    grep -qE "^[^#]*(COPY|cp).*deploy/$f( |$)" "$df" || fail "Dockerfile does not copy deploy/$f into the image"
    [ -e "$D/$f" ] || fail "deploy/$f is missing"
done
[ -f "$D/programs/mapp.yaml" ] || fail "deploy/programs/mapp.yaml is missing"
echo "ok: the image carries deploy/programs (mapp.yaml), templates, notifications, costs.yaml"
# Each variable the Dockerfile sets to a shipped file names one that exists
# in deploy/ (the image copies deploy/X to /usr/local/share/pathways/X), and
# every file or folder a service defaults to in the source tree
# (common/include/pathways/defaults.h) is set: the image has no source tree.
for var in PATHWAYS_TEMPLATE_DIR PATHWAYS_NOTIFICATION_ROUTING PATHWAYS_NOTIFICATION_CONTACTS \
    PATHWAYS_REPORTING_COSTS_FILE PATHWAYS_PROGRAM_DIR PATHWAYS_ATTRIBUTES_FILE; do
    path=$(sed -nE "s#^[[:space:]]*(ENV[[:space:]]+)?$var=([^[:space:]\\\\]+).*#\\2#p" "$df")
    case "$path" in
    /usr/local/share/pathways/*) [ -e "$D/${path#/usr/local/share/pathways/}" ] ||
        fail "Dockerfile: $var=$path, but deploy/${path#/usr/local/share/pathways/} does not exist" ;;
    *) fail "Dockerfile: $var is '${path}', not a file the image ships" ;;
    esac
    echo "ok: Dockerfile $var=$path"
done
if grep -qE '^[^#]*PATHWAYS_BIND_HOST=0\.0\.0\.0' "$df"; then
    fail "the image binds 0.0.0.0 by default (leave that to the deployment, with CURVE)"
fi
echo "PASS: compose and kustomize outputs ship locked"
