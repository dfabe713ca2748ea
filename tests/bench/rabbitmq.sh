# shellcheck shell=bash
# The peer phase of tests/bench/run (sourced after lib.sh): Debian's
# rabbitmq-server started directly (no systemd, no service user), in a
# folder of its own, on 127.0.0.1 only: AMQP on AMQP_PORT, Erlang
# distribution on +1, epmd on +2 (epmd also takes the IPv6 loopback),
# rabbitmqctl's distribution ports in +8..+18. No plugins.

bench_rabbit_env() {
    local d="$WORK/rabbitmq"
    export HOME="$d" RABBITMQ_NODENAME="pwbench@localhost"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$AMQP_PORT"
    export RABBITMQ_DIST_PORT=$((AMQP_PORT + 1)) ERL_EPMD_PORT=$((AMQP_PORT + 2))
    export ERL_EPMD_ADDRESS=127.0.0.1
    export RABBITMQ_CTL_DIST_PORT_MIN=$((AMQP_PORT + 8)) RABBITMQ_CTL_DIST_PORT_MAX=$((AMQP_PORT + 18))
    export RABBITMQ_MNESIA_BASE="$d/mnesia" RABBITMQ_LOG_BASE="$d/log"
    export RABBITMQ_PID_FILE="$d/rabbit.pid" RABBITMQ_CONFIG_FILE="$d/rabbitmq"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$d/enabled_plugins"
    export RABBITMQ_CONF_ENV_FILE="$d/rabbitmq-env.conf"
    export RABBITMQ_ADVANCED_CONFIG_FILE="$d/advanced.config"
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

bench_rabbit_start() {
    local d="$WORK/rabbitmq"
    rm -rf "$d"
    mkdir -p "$d/mnesia" "$d/log"
    echo "[]." >"$d/enabled_plugins"
    echo "[]." >"$d/advanced.config"
    : >"$d/rabbitmq-env.conf"
    printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users.guest = true\n' \
        "$AMQP_PORT" >"$d/rabbitmq.conf"
    (
        bench_rabbit_env
        exec setsid /usr/lib/rabbitmq/bin/rabbitmq-server
    ) >"$WORK/logs/rabbitmq.log" 2>&1 </dev/null &
    RABBIT_LAUNCHER=$!
    rabbit_started=1
    (
        bench_rabbit_env
        /usr/lib/rabbitmq/bin/rabbitmqctl wait "$d/rabbit.pid" --timeout 90
    ) >>"$WORK/logs/rabbitmq.log" 2>&1 || die "rabbitmq-server did not start (log: $WORK/logs/rabbitmq.log)"
    R[rabbitmq.version]=$(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo "?")
}

bench_rabbit_stop() {
    local d="$WORK/rabbitmq" pid=""
    [ -f "$d/rabbit.pid" ] && pid=$(cat "$d/rabbit.pid")
    (
        bench_rabbit_env
        timeout 30 /usr/lib/rabbitmq/bin/rabbitmqctl stop "$d/rabbit.pid"
    ) >>"$WORK/logs/rabbitmq.log" 2>&1 || true
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    # The epmd that the node started for our port (nobody else uses it).
    (
        bench_rabbit_env
        epmd -kill
    ) >/dev/null 2>&1 || true
    kill -TERM "${RABBIT_LAUNCHER:-}" 2>/dev/null || true
    wait "${RABBIT_LAUNCHER:-}" 2>/dev/null || true
    rabbit_started=0
}

# The same events as the main runs, one message each, through a durable
# queue with publisher confirms and consumer acks, publishing and consuming
# at the same time.
bench_rabbitmq() {
    local n=${R[main1.events]:-${R[feed.events]}} out
    step "peer: starting rabbitmq-server on 127.0.0.1:$AMQP_PORT"
    bench_rabbit_start
    step "peer: $n events through a durable queue (confirms, acks)"
    out=$("$BIN/pathways-bench-amqp" --file "$(feed_of "$n")" --port "$AMQP_PORT" \
        --window 1000 --prefetch 1000 --ack-every 100 2>>"$WORK/logs/amqp.log") ||
        die "peer: pathways-bench-amqp failed (log: $WORK/logs/amqp.log)"
    R[rabbitmq.messages]=$n
    R[rabbitmq.seconds]=$(jq .seconds <<<"$out")
    R[rabbitmq.confirmed_per_s]=$(jq .confirmed_per_s <<<"$out")
    R[rabbitmq.consumed_per_s]=$(jq .consumed_per_s <<<"$out")
    bench_rabbit_stop
    step "peer: ${R[rabbitmq.consumed_per_s]} messages/s consumed"
}
