#!/usr/bin/env bash
# End-to-end, the container image: builds deploy/Dockerfile on a Debian 12
# base made from Debian's packages (debootstrap + docker import; no image
# registry), on a private Docker engine without a bridge network, then runs
# the migrations and the four services from the image (--network host,
# read-only root, non-root) against the test PostgreSQL and passes the
# smoke check: a synthetic workforce through the partner path, every
# consumer idle, the report equal to the generator's oracle, every
# container healthy by its HEALTHCHECK, and a clean stop.
#
# Skipped (exit 77, with the reason; tests/allowed-skips lists it) when no
# engine can be started here (not root, no cgroups) or
# PATHWAYS_SKIP_CONTAINER=1. A missing dockerd or debootstrap fails it:
# deploy/local/install-deps installs both.
# The engine's data root and the debootstrap tarball are kept in
# .run/container/ so later runs reuse the cached layers: the first run takes
# about 2-3 minutes (debootstrap ~25 s, apt in the two stages ~1 min, the
# compile ~1 min), later ones about 30 s.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

SRC=$PATHWAYS_SOURCE
if [ "${PATHWAYS_SKIP_CONTAINER:-0}" = 1 ]; then
    echo "SKIP: PATHWAYS_SKIP_CONTAINER=1"
    exit 77
fi
for tool in dockerd debootstrap; do
    command -v "$tool" >/dev/null 2>&1 ||
        { echo "FAIL: $tool is not installed (deploy/local/install-deps installs it)" >&2 && exit 1; }
done
if ! why=$("$SRC/deploy/docker/engine" check); then
    echo "SKIP: no Docker engine can be started here: $why"
    exit 77
fi

e2e_init container
engine_dir="$SRC/.run/container/engine"
engine_was_running=0
[ -f "$engine_dir/dockerd.pid" ] && kill -0 "$(cat "$engine_dir/dockerd.pid")" 2>/dev/null &&
    engine_was_running=1
DOCKER_HOST=$("$SRC/deploy/docker/engine" start "$engine_dir") || e2e_fail "cannot start dockerd"
export DOCKER_HOST
DOCKER=$(command -v /usr/bin/docker || command -v docker)
image="pathways:e2e"
prefix="pathways-e2e-$$"
declare -a containers=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local c
    for c in "${containers[@]}"; do
        "$DOCKER" stop -t 15 "$c" >/dev/null 2>&1 || true
        "$DOCKER" rm -f "$c" >/dev/null 2>&1 || true
    done
    [ "$engine_was_running" = 1 ] || "$SRC/deploy/docker/engine" stop "$engine_dir" || true
    _e2e_cleanup
}
trap cleanup EXIT

start=$SECONDS
"$SRC/deploy/docker/build-image" --tag "$image" >"$E2E_WORK/build.log" 2>&1 ||
    { tail -n 40 "$E2E_WORK/build.log" >&2; e2e_fail "image build failed"; }
echo "ok: image built in $((SECONDS - start)) s"
e2e_assert_eq "image user" "10001:10001" "$("$DOCKER" image inspect -f '{{.Config.User}}' "$image")"
"$DOCKER" image inspect -f '{{json .Config.Healthcheck.Test}}' "$image" | grep -q pathways-healthcheck ||
    e2e_fail "no HEALTHCHECK in the image"

# The services' key (CURVE is on), readable by the image's user only.
ckeys=$E2E_WORK/container-keys
install -d -o 10001 -g 10001 -m 700 "$ckeys"
install -o 10001 -g 10001 -m 600 "$E2E_KEYS/service_secret" "$ckeys/service_secret"
run() { # run NAME ARGS...: a detached container with the test's configuration
    local name=$1
    shift
    "$DOCKER" run -d --name "$prefix-$name" --network host --read-only --tmpfs /tmp \
        --tmpfs /var/lib/pathways:uid=10001,gid=10001 \
        -v "$ckeys:/run/pathways-keys:ro" -e PATHWAYS_CURVE_SECRET_FILE=/run/pathways-keys/service_secret \
        -e PATHWAYS_DATABASE_URL -e PATHWAYS_PORT_BASE -e PATHWAYS_TODAY \
        -e PATHWAYS_BIND_HOST=127.0.0.1 -e PATHWAYS_CONNECT_HOST=127.0.0.1 \
        "$image" "$@" >/dev/null
    containers+=("$prefix-$name")
}
"$DOCKER" run --rm --network host -e PATHWAYS_DATABASE_URL "$image" migrate ||
    e2e_fail "migrate from the image"
for svc in "${E2E_SERVICES[@]}"; do
    run "$svc" "$svc" || e2e_fail "docker run $svc"
done
ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(e2e_port "$1" 2)/readyz")" = 200 ]; }
for svc in "${E2E_SERVICES[@]}"; do
    e2e_wait_until 60 "$svc (container) ready" ready "$svc"
done
echo "ok: four services ready from the image"

bin=$PATHWAYS_BIN
"$bin/pathways-synth" --employers 2 --employees 400 --seed 17 --today "$PATHWAYS_TODAY" \
    --out "$E2E_WORK/events.jsonl" --employers-out "$E2E_WORK/employers.tsv" \
    --expect "$E2E_WORK/expected.json" >/dev/null
e2e_ctl employer import "$E2E_WORK/employers.tsv" >/dev/null || e2e_fail "employer import"
"$bin/pathways-publish" --file "$E2E_WORK/events.jsonl" --batch 200 --quiet >/dev/null ||
    e2e_fail "publish"
e2e_ctl wait-idle --timeout 120 >/dev/null || e2e_fail "not idle"
e2e_ctl report summary --expect "$E2E_WORK/expected.json" || e2e_fail "summary differs from the oracle"
echo "ok: smoke check passed against the containers"

healthy() {
    local svc
    for svc in "${E2E_SERVICES[@]}"; do
        [ "$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$prefix-$svc")" = healthy ] || return 1
    done
}
e2e_wait_until 60 "every container healthy (HEALTHCHECK)" healthy
echo "ok: every container healthy"
# Logs to a file first: with pipefail, `docker logs | head` fails whenever
# head closes the pipe before docker has written everything (SIGPIPE).
"$DOCKER" logs "$prefix-reporting" >"$E2E_WORK/reporting-container.log" 2>&1
head -n 3 "$E2E_WORK/reporting-container.log" | jq -e -s 'all(.[]; .service == "reporting")' \
    >/dev/null || e2e_fail "container logs are not JSON lines: $(head -n 3 "$E2E_WORK/reporting-container.log")"
for svc in "${E2E_SERVICES[@]}"; do
    "$DOCKER" stop -t 15 "$prefix-$svc" >/dev/null
    e2e_assert_eq "$svc exit code after docker stop" 0 \
        "$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$prefix-$svc")"
done
echo "PASS: image built from Debian packages runs migrations, four services and the smoke check"
