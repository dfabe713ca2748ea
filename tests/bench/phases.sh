# shellcheck shell=bash
# The measuring phases of tests/bench/run (sourced after lib.sh).

# Rows the pipeline wrote: inserted + updated + deleted tuples of every table
# in the service schemas (each UPDATE writes a new row version), read after
# the services stopped so that every backend has flushed its statistics.
bench_rows_written() {
    psql_db -c "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables
        WHERE schemaname IN ('stream', 'eligibility', 'enrollment', 'notification', 'reporting')"
}

# Rows written per table (table, inserted, updated, deleted), then the rows
# of stream.event by stream ("stream.event/STREAM": the service that
# appended them), which are part of stream.event's figure, not extra.
bench_rows_by_table() {
    psql_db -F $'\t' -c "SELECT schemaname || '.' || relname, n_tup_ins, n_tup_upd, n_tup_del
        FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0
        AND schemaname IN ('stream', 'eligibility', 'enrollment', 'notification', 'reporting')
        ORDER BY n_tup_ins + n_tup_upd + n_tup_del DESC"
    psql_db -F $'\t' -c "SELECT 'stream.event/' || stream, count(*), 0, 0 FROM stream.event
        GROUP BY stream ORDER BY count(*) DESC"
}

# The statements of the pathways database by total time: the role that ran
# them (pw_bench_<service>; "pathways" is the owner: pathwaysctl and the
# bench's own queries), calls, total and mean ms, rows, text.
STATEMENTS_SQL="SELECT coalesce(r.rolname, s.userid::text) AS role, calls,
        round(total_exec_time::numeric, 1) AS total_ms,
        round((total_exec_time / greatest(calls, 1))::numeric, 3) AS mean_ms, rows,
        left(regexp_replace(query, '\s+', ' ', 'g'), 200) AS query
    FROM pg_stat_statements s LEFT JOIN pg_roles r ON r.oid = s.userid
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'pathways')"

bench_top_statements() {
    psql_db -F ' | ' -c "$STATEMENTS_SQL ORDER BY total_exec_time DESC LIMIT 25"
}

# Every statement, for report.py's per-service profile (TSV).
bench_statements_tsv() {
    psql_db -F $'\t' -c "$STATEMENTS_SQL ORDER BY total_exec_time DESC"
}

# perf_start: a system-wide CPU profile of 8 s, 5 s from now (background).
perf_start() {
    [ "$use_perf" = 1 ] && command -v perf >/dev/null || return 0
    (
        sleep 5
        exec perf record -a -g -F 199 -o "$WORK/perf.data" -- sleep 8
    ) >"$WORK/logs/perf.log" 2>&1 &
    perf_pid=$!
}

perf_report() {
    [ -n "$perf_pid" ] || return 0
    wait "$perf_pid" 2>/dev/null || true
    perf_pid=""
    [ -s "$WORK/perf.data" ] || return 0
    {
        echo "# perf record -a -g -F 199, 8 s during the main 1-connection run"
        echo "# --- CPU share by process ---"
        perf report -i "$WORK/perf.data" --stdio --no-children -g none --sort comm 2>/dev/null |
            grep -v '^$' | grep -v '^#' | grep '%' | head -15 || true
        echo "# --- top symbols (process, library, symbol) ---"
        perf report -i "$WORK/perf.data" --stdio --no-children -g none \
            --sort comm,dso,sym 2>/dev/null | grep -v '^#' | grep '%' | head -40 || true
    } >"$RESULTS/latest-perf.txt"
}

# bench_pipeline LABEL N CONNECTIONS PROFILE SHARE: publishes the first N
# events at full speed from CONNECTIONS partner connections into a fresh
# database and waits until every consumer caught up.
bench_pipeline() {
    local label=$1 n=$2 conns=$3 profile=$4 share=$5 t_start t_ack t_done out
    n=$(fit "$label" "$n" "$share" "$(reserve_after "$label")")
    if [ "$n" = 0 ]; then
        step "$label: skipped (budget)"
        R[$label.skipped]=1
        return 0
    fi
    local feed
    feed=$(feed_of "$n")
    step "$label: $n events, $conns connection(s)"
    bench_fresh_db
    bench_start_services
    psql_db -c "SELECT pg_stat_statements_reset()" >/dev/null
    bench_cpu_mark
    [ "$profile" = 0 ] || perf_start
    out="$WORK/publish-$label.json"
    t_start=$(now)
    "$BIN/pathways-publish" --file "$feed" --batch 500 --connections "$conns" --quiet --json \
        >"$out" 2>>"$WORK/logs/publish.log" || die "$label: pathways-publish failed"
    t_ack=$(now)
    "$BIN/pathwaysctl" wait-idle --timeout 1200 >>"$WORK/logs/wait-idle.log" ||
        die "$label: the pipeline did not drain"
    t_done=$(now)
    bench_resources "$label" "$n"
    [ "$profile" = 0 ] || perf_report
    bench_stop_services
    bench_record "$label" "$n" "$conns" "$out" "$(fsub "$t_ack" "$t_start")" \
        "$(fsub "$t_done" "$t_start")"
    if [ "$profile" = 1 ]; then
        bench_top_statements >"$RESULTS/latest-statements.txt"
        bench_statements_tsv >"$RESULTS/latest-statements.tsv"
        bench_rows_by_table >"$RESULTS/latest-rows.tsv"
        R[profile.label]=$label
        R[profile.events]=$n
    fi
}

# bench_record LABEL N CONNS PUBLISH_JSON ACK_S DONE_S
bench_record() {
    local label=$1 n=$2 accepted rows
    accepted=$(jq .accepted "$4")
    rows=$(bench_rows_written)
    R[$label.events]=$n
    R[$label.connections]=$3
    R[$label.accepted]=$accepted
    R[$label.ack_seconds]=$5
    R[$label.done_seconds]=$6
    R[$label.ack_per_s]=$(fdiv "$accepted" "$5")
    R[$label.done_per_s]=$(fdiv "$n" "$6")
    R[$label.rows_written]=$rows
    R[$label.rows_per_event]=$(fdiv "$rows" "$n" 2)
    R[$label.rows_per_s]=$(fdiv "$rows" "$6")
    rate_est=$(fdiv "$n" "$6" 0)
    [ "$rate_est" -gt 100 ] || rate_est=100
    step "$label: acknowledged ${R[$label.ack_per_s]}/s, fully processed ${R[$label.done_per_s]}/s, $rows rows written"
}

# Event -> notification-queued latency of the invitations queued at or
# after SINCE (epoch seconds): from the occurred_at of the newest
# "eligibility" stream event of the employee at or before the outbox row was
# created (the determination that made them eligible, appended in the same
# commit as the employee event that caused it, so with the same
# occurred_at) to notification.outbox.created_at.
bench_e2e_latency() {
    psql_db -F $'\t' -v since="$1" <<'SQL'
CREATE TEMP TABLE el AS
    SELECT key, occurred_at FROM stream.event WHERE stream = 'eligibility';
CREATE INDEX ON el (key, occurred_at);
ANALYZE el;
WITH lat AS (
    SELECT 1000 * extract(epoch FROM o.created_at - (
        SELECT max(el.occurred_at) FROM el
        WHERE el.key = o.employer || '/' || o.employee AND el.occurred_at <= o.created_at)) AS ms
    FROM notification.outbox o
    WHERE o.trigger = 'invitation' AND o.created_at >= to_timestamp(:since))
SELECT count(ms), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1),
       round(max(ms)::numeric, 1)
FROM lat;
SQL
}

# The latency-throughput curve: for each rate of --rates (ascending), a
# paced partner offers that many events/s for lat_seconds (batches of 50,
# open loop) with events the database has not seen (consecutive slices of
# the feed), then the pipeline drains before the next
# rate. One fresh database and one start of the services for the curve.
# A rate that would not fit the budget is skipped, and the table says so.
bench_curve() {
    local r n k=0 start=0 have out c p50 p99 mx since feed left
    have=${R[feed.events]}
    step "latency curve: $rates events/s offered, ${lat_seconds}s each (batches of 50, open loop)"
    bench_fresh_db
    bench_start_services
    bench_cpu_mark
    R[curve.rates]=$rates
    R[curve.seconds_per_rate]=$lat_seconds
    for r in $(curve_rates); do
        n=$((r * lat_seconds))
        left=$((budget - (SECONDS - T0) - $(reserve_after curve)))
        if [ "$budget" -gt 0 ] && [ "$(curve_step_seconds "$r")" -gt "$left" ]; then
            step "latency curve: $r/s skipped (budget)"
            R[curve.r$r.skipped]=budget
            continue
        fi
        [ $((start + n)) -le "$have" ] || start=$((have > n ? have - n : 0))
        feed="$WORK/curve-$r.jsonl"
        sed -n "$((start + 1)),$((start + n))p; $((start + n))q" "$WORK/events.jsonl" >"$feed"
        start=$((start + n))
        out="$WORK/pace-$r.json"
        since=$(date +%s.%N)
        "$BIN/pathways-bench-pace" --file "$feed" --rate "$r" --batch 50 \
            >"$out" 2>>"$WORK/logs/pace.log" || die "latency curve: pathways-bench-pace at $r/s failed"
        "$BIN/pathwaysctl" wait-idle --timeout 1200 >>"$WORK/logs/wait-idle.log" ||
            die "latency curve: the pipeline did not drain after $r/s"
        R[curve.r$r.offered]=$r
        R[curve.r$r.events]=$(jq .events "$out")
        R[curve.r$r.achieved]=$(jq .achieved_rate "$out")
        R[curve.r$r.ack_p50]=$(jq .ack_ms.p50 "$out")
        R[curve.r$r.ack_p90]=$(jq .ack_ms.p90 "$out")
        R[curve.r$r.ack_p99]=$(jq .ack_ms.p99 "$out")
        R[curve.r$r.ack_max]=$(jq .ack_ms.max "$out")
        R[curve.r$r.seconds]=$(fsub "$(now)" "$since")
        IFS=$'\t' read -r c p50 p99 mx < <(bench_e2e_latency "$since" | tail -1)
        R[curve.r$r.e2e_count]=$c
        R[curve.r$r.e2e_p50]=$p50
        R[curve.r$r.e2e_p99]=$p99
        R[curve.r$r.e2e_max]=$mx
        k=$((k + n))
        step "latency curve: $r/s offered, ${R[curve.r$r.achieved]}/s achieved: ack p50/p99 ${R[curve.r$r.ack_p50]}/${R[curve.r$r.ack_p99]} ms; event->queued p50/p99 $p50/$p99 ms ($c invitations)"
    done
    { printf '['; for r in $(curve_rates); do [ ! -f "$WORK/pace-$r.json" ] || cat "$WORK/pace-$r.json"; done |
        paste -sd, | tr -d '\n'; printf ']\n'; } >"$RESULTS/latest-pace.json"
    [ "$k" -eq 0 ] || bench_resources curve "$k"
    bench_stop_services
}

# Peak RSS after the largest batch a partner may send: one PublishBatch of
# 5,000 events (PW_MAX_BATCH_EVENTS) to freshly started services, drained,
# then VmHWM of each service.
bench_big_batch() {
    local n=5000 out="$WORK/publish-bigbatch.json" t0
    [ "${R[feed.events]}" -ge "$n" ] || n=${R[feed.events]}
    step "big batch: one batch of $n events to fresh services"
    bench_fresh_db
    bench_start_services
    bench_cpu_mark
    t0=$(now)
    "$BIN/pathways-publish" --file "$(feed_of "$n")" --batch "$n" --connections 1 --quiet --json \
        >"$out" 2>>"$WORK/logs/publish.log" || die "big batch: pathways-publish failed"
    R[bigbatch.ack_seconds]=$(fsub "$(now)" "$t0")
    "$BIN/pathwaysctl" wait-idle --timeout 600 >>"$WORK/logs/wait-idle.log" ||
        die "big batch: the pipeline did not drain"
    R[bigbatch.events]=$n
    R[bigbatch.accepted]=$(jq .accepted "$out")
    # The service's own view of the same batch (pathways_partner_ack_seconds).
    R[bigbatch.ack_metric_seconds]=$(curl -s --max-time 2 \
        "http://127.0.0.1:$((PATHWAYS_PORT_BASE + 12))/metrics" |
        awk '/^pathways_partner_ack_seconds_sum/ { s = $2 } /^pathways_partner_ack_seconds_count/ { c = $2 }
             END { printf "%s", (c > 0 ? s / c : "n/a") }')
    bench_resources bigbatch "$n"
    bench_stop_services
    step "big batch: acknowledged in ${R[bigbatch.ack_seconds]} s (pathways_partner_ack_seconds: ${R[bigbatch.ack_metric_seconds]} s); peak RSS (KiB) $(for s in "${SERVICES[@]}"; do printf '%s %s ' "$s" "${R[bigbatch.rss_kib.$s]}"; done)"
}

# The limit: as many rows as the main run wrote, COPY'd into a table shaped
# like stream.event (same columns and primary key, 160-300 B payloads),
# committed every 10,000 rows; with 1 and with 2 connections.
bench_copy() {
    local rows=${R[main1.rows_written]:-0} k out
    [ "$rows" -gt 0 ] || rows=$((${R[feed.events]} * 14))
    for k in 1 2; do
        step "limit: COPY $rows rows, $k connection(s)"
        out=$("$BIN/pathways-bench-copy" --url "$DB_URL" --rows "$rows" --chunk 10000 \
            --streams "$k") || die "limit: pathways-bench-copy failed"
        R[copy$k.rows]=$rows
        R[copy$k.seconds]=$(jq .seconds <<<"$out")
        R[copy$k.rows_per_s]=$(jq .rows_per_s <<<"$out")
        psql_db -c "DROP SCHEMA bench CASCADE" >/dev/null
        step "limit: ${R[copy$k.rows_per_s]} rows/s"
    done
}

# Eligibility at roster scale (tests/bench/eligibility.sh on this server): a
# first roster load of ROWS employees through pathways-roster to
# determinations, then two rule changes applied (the MAPP file, under which
# every determination changes, and tenure 90 -> 60 days) with their dry runs.
bench_eligibility() {
    local rows=$1 out="$WORK/eligibility.out" line
    step "eligibility: a roster of $rows employees, then rule changes"
    PATHWAYS_TEST_DATABASE_URL="$DB_URL" PATHWAYS_BIN="$BIN" PATHWAYS_SOURCE="$SRC" \
        PATHWAYS_PORT_BASE=$((PATHWAYS_PORT_BASE + 300)) \
        bash "$BENCH_DIR/eligibility.sh" "$rows" >"$out" 2>>"$WORK/logs/eligibility.log" ||
        die "eligibility: tests/bench/eligibility.sh failed (output: $out)"
    R[elig.rows]=$rows
    R[elig.load_seconds]=$(sed -n 's/^roster first load: .* in \([0-9.]*\) s$/\1/p' "$out")
    line=$(grep '^re-evaluation, MAPP file, applied:' "$out")
    R[elig.all_seconds]=$(sed -n 's/^[^:]*: \([0-9.]*\) s:.*/\1/p' <<<"$line")
    line=$(grep '^re-evaluation, tenure 90 -> 60, applied:' "$out")
    R[elig.tenure_seconds]=$(sed -n 's/^[^:]*: \([0-9.]*\) s:.*/\1/p' <<<"$line")
    R[elig.tenure_read]=$(sed -n 's/.*: \([0-9]*\) employees re-evaluated.*/\1/p' <<<"$line")
    R[elig.tenure_changed]=$(sed -n 's/.*, \([0-9]*\) determinations changed.*/\1/p' <<<"$line")
    step "eligibility: roster ${R[elig.load_seconds]} s; every determination changing ${R[elig.all_seconds]} s; tenure change ${R[elig.tenure_seconds]} s (${R[elig.tenure_read]} read, ${R[elig.tenure_changed]} changed)"
}
