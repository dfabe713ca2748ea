"""Turns tests/bench/run's figures (a key<TAB>value file, keys like
"main1.done_per_s") into results/latest.json and results/latest.md, with
the figures of a previous run (its latest.json) beside the new ones.

usage: report.py RESULTS.tsv OUTDIR [PREVIOUS.json]

OUTDIR also holds the profile of the main 1-connection run, written by the
run before this is called: latest-statements.tsv (pg_stat_statements: role,
calls, total_ms, mean_ms, rows, query) and latest-rows.tsv (table, inserted,
updated, deleted; "stream.event/STREAM" lines split stream.event by stream).
"""
import json
import os
import sys

SERVICES = ["eligibility", "enrollment", "notification", "reporting"]
RUNS = [("scale30k", "scaling"), ("scale100k", "scaling"), ("main1", "main"),
        ("main4", "main")]
ROLE_PREFIX = "pw_bench_"
TOP_PER_SERVICE = 5
ACK_GOAL_RATE = 2000
ACK_GOAL_MS = 50
CURVE_OK_MS = 100
MIB = 1024


def load(path):
    flat = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            flat[key] = value
    return flat


def load_previous(path):
    """The previous run's latest.json, or {} when there is none."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, TypeError, ValueError):
        return {}


def num(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return float(value)
        except (TypeError, ValueError):
            return value


def nest(flat):
    doc = {}
    for key, value in flat.items():
        node = doc
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = num(value)
    return doc


def f0(v):
    return "n/a" if v is None else f"{float(v):,.0f}"


def f1(v):
    return "n/a" if v is None else f"{float(v):,.1f}"


def ok(cond):
    return "n/a" if cond is None else ("**met**" if cond else "**not met**")


def md_cell(text):
    return str(text).replace("|", "\\|")


# --- figures ---------------------------------------------------------------------

def curve(d):
    """{rate: point} of the latency curve; a run from before the curve had
    one latency run at one rate ("latency"), which counts as that point."""
    points = {}
    for key, p in d.get("curve", {}).items():
        if key.startswith("r") and isinstance(p, dict) and "ack_p99" in p:
            points[int(p.get("offered", key[1:]))] = p
    lat = d.get("latency", {})
    if not points and "ack_p99" in lat and "offered" in lat:
        points[int(lat["offered"])] = lat
    return points


def rss_max(d, only=None):
    vals = [v for label, r in d.items() if isinstance(r, dict) and (only is None or label == only)
            for v in r.get("rss_kib", {}).values() if isinstance(v, (int, float))]
    return max(vals, default=None)


def figures(d):
    """The headline figures of one run's document (new or previous)."""
    runs = [d[r] for r, _ in RUNS if r.startswith("main") and "done_per_s" in d.get(r, {})]
    best = max(runs, key=lambda r: r["done_per_s"], default=None)
    copy = max((d[c]["rows_per_s"] for c in ("copy1", "copy2") if c in d), default=None)
    main1 = d.get("main1", {})
    pts = curve(d)
    fine = [r for r, p in pts.items() if p["ack_p99"] < CURVE_OK_MS]
    return {
        "done": best["done_per_s"] if best else None,
        "rows_per_s": best["rows_per_s"] if best else None,
        "copy": copy,
        "ratio": best["rows_per_s"] / copy if best and copy else None,
        "rows_per_event": main1.get("rows_per_event", best["rows_per_event"] if best else None),
        "pg_cpu": main1.get("cpu_s_per_1k", {}).get("postgres"),
        "ack_goal_p99": pts.get(ACK_GOAL_RATE, {}).get("ack_p99"),
        "curve_rates": sorted(pts),
        "best_rate": max(fine, default=None),
        "rss": rss_max(d),
        "rss_big": rss_max(d, "bigbatch"),
        "peer": d.get("rabbitmq", {}).get("consumed_per_s"),
    }


def goals(d):
    """Issue #13's goals and two reference rows: (name, text of figures,
    met or None). Used for the new document and for the previous one."""
    g = figures(d)
    out = [("≥ 10,000 events/s fully processed", f"{f0(g['done'])} events/s",
            None if g["done"] is None else g["done"] >= 10000)]
    r = g["ratio"]
    out.append(("≥ 30% of the raw COPY row rate",
                "n/a" if r is None else f"{100 * r:.1f}% ({f0(g['rows_per_s'])} of "
                f"{f0(g['copy'])} rows/s)", None if r is None else r >= 0.30))
    rpe = g["rows_per_event"]
    out.append(("≤ 8 rows written per event", "n/a" if rpe is None else f"{rpe:.2f}",
                None if rpe is None else rpe <= 8))
    cpu = g["pg_cpu"]
    out.append(("PostgreSQL CPU ≤ 0.15 s per 1,000 events",
                "n/a" if cpu is None else f"{cpu:.3f} s", None if cpu is None else cpu <= 0.15))
    p99 = g["ack_goal_p99"]
    if p99 is None and g["curve_rates"]:
        pts = curve(d)
        text = "n/a (" + ", ".join(f"{pts[x]['ack_p99']:,.1f} ms at {x:,}/s"
                                   for x in g["curve_rates"]) + ")"
    else:
        text = "n/a" if p99 is None else f"{p99:,.1f} ms"
    out.append((f"ack p99 < {ACK_GOAL_MS} ms at {ACK_GOAL_RATE:,} events/s offered", text,
                None if p99 is None else p99 < ACK_GOAL_MS))
    top, big = g["rss"], g["rss_big"]
    out.append(("every service < 64 MiB peak RSS, also after a 5,000-event batch",
                "n/a" if top is None else f"largest peak {top / MIB:.1f} MiB" +
                (" (no batch measurement)" if big is None else
                 f" (after the batch {big / MIB:.1f} MiB)"),
                None if top is None else top < 64 * MIB))
    e = d.get("elig", {})
    rows, load = e.get("rows"), e.get("load_seconds")
    out.append(("300k roster to determinations ≤ 15 s",
                "n/a" if load is None else f"{load:.1f} s ({f0(rows)} employees)",
                None if load is None else rows >= 300000 and load <= 15))
    t = e.get("tenure_seconds")
    out.append(("re-evaluation of 300k after a rule change ≤ 5 s",
                "n/a" if t is None else
                f"{t:.1f} s for tenure 90 → 60 days ({f0(e.get('tenure_read'))} employees the "
                f"change can affect read, {f0(e.get('tenure_changed'))} changed); "
                f"{e.get('all_seconds', 0):.1f} s when all {f0(rows)} determinations change",
                None if t is None else rows >= 300000 and t <= 5))
    best = g["best_rate"]
    out.append((f"(reference) highest offered rate with ack p99 < {CURVE_OK_MS} ms",
                "n/a" if not g["curve_rates"] else
                ("none of " + ", ".join(f"{x:,}" for x in g["curve_rates"]) + "/s"
                 if best is None else f"{best:,} events/s"), None))
    peer, done = g["peer"], g["done"]
    out.append(("(reference) vs RabbitMQ moving the same messages durably",
                "n/a" if not peer or done is None else f"{done / peer:.2f}× ({f0(done)} vs "
                f"{f0(peer)} messages/s)", None))
    return out


# --- profile (pg_stat_statements and rows per table) ------------------------------

def read_tsv(path, ncols):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= ncols:
                rows.append(parts[:ncols - 1] + ["\t".join(parts[ncols - 1:])])
    return rows


def service_of_role(role):
    if role.startswith(ROLE_PREFIX):
        return role[len(ROLE_PREFIX):]
    return "owner role (pathwaysctl, bench queries)" if role == "pathways" else role


def profile(outdir, events):
    """Per-service totals and statements from latest-statements.tsv."""
    stmts = []
    for role, calls, total, mean, rows, query in read_tsv(
            f"{outdir}/latest-statements.tsv", 6):
        try:
            stmts.append({"service": service_of_role(role), "calls": int(calls),
                          "total_ms": float(total), "mean_ms": float(mean), "rows": int(rows),
                          "query": query})
        except ValueError:
            continue
    per = {}
    for s in stmts:
        p = per.setdefault(s["service"], {"calls": 0, "total_ms": 0.0, "rows": 0})
        p["calls"] += s["calls"]
        p["total_ms"] += s["total_ms"]
        p["rows"] += s["rows"]
    for p in per.values():
        p["statements_per_event"] = round(p["calls"] / events, 3)
        p["exec_ms_per_1k_events"] = round(1000 * p["total_ms"] / events, 1)
        p["rows_per_event"] = round(p["rows"] / events, 3)
    return per, stmts


def order(services):
    return [s for s in SERVICES if s in services] + sorted(s for s in services
                                                            if s not in SERVICES)


def profile_md(d, outdir):
    prof = d.get("profile", {})
    events = prof.get("events")
    label = prof.get("label")
    if not events or not label:
        return []
    per, stmts = profile(outdir, events)
    run = d.get(label, {})
    md = []
    if per:
        total = sum(p["total_ms"] for p in per.values()) or 1
        md += ["", f"**PostgreSQL by service** ({f0(events)}-event {run.get('connections')}"
               "-connection run; pg_stat_statements by the role each service logs in as, "
               "CPU of that service's backends from /proc; the rest of PostgreSQL's CPU is "
               "WAL writer, checkpointer, autovacuum and the tools)", "",
               "| service | statements per event | execution ms per 1,000 events | share of "
               "execution time | rows per event (returned or affected) | backend CPU s per "
               "1,000 events |", "| --- | --- | --- | --- | --- | --- |"]
        for svc in order(per):
            p = per[svc]
            cpu = run.get("pg_cpu_s_per_1k", {}).get(svc)
            md.append(f"| {svc} | {p['statements_per_event']:.2f} | "
                      f"{p['exec_ms_per_1k_events']:,.1f} | {100 * p['total_ms'] / total:.1f}% | "
                      f"{p['rows_per_event']:.2f} | "
                      f"{'–' if cpu is None else f'{cpu:.3f}'} |")
        pg = run.get("cpu_s_per_1k", {}).get("postgres")
        if pg is not None:
            md.append(f"| all PostgreSQL processes | | | | | {pg:.3f} |")
        md += ["", f"**Top statements per service** (by total execution time, up to "
               f"{TOP_PER_SERVICE} each; all of them in `latest-statements.tsv`)", "",
               "| service | calls per event | ms per 1,000 events | mean ms | rows per event "
               "| statement |", "| --- | --- | --- | --- | --- | --- |"]
        for svc in order(per):
            if svc not in SERVICES:
                continue
            top = [s for s in stmts if s["service"] == svc][:TOP_PER_SERVICE]
            for s in top:
                q = s["query"] if len(s["query"]) <= 140 else s["query"][:137] + "..."
                md.append(f"| {svc} | {s['calls'] / events:.3f} | "
                          f"{1000 * s['total_ms'] / events:,.1f} | {s['mean_ms']:.3f} | "
                          f"{s['rows'] / events:.3f} | `{md_cell(q)}` |")
    rows = read_tsv(f"{outdir}/latest-rows.tsv", 4)
    if rows:
        md += ["", f"**Rows written per event, by table** ({f0(events)}-event run; "
               "pg_stat_user_tables; an UPDATE writes a row version too)", "",
               "| table | inserted | updated | deleted | rows written per event |",
               "| --- | --- | --- | --- | --- |"]
        total = 0
        for table, ins, upd, dele in rows:
            try:
                n = int(ins) + int(upd) + int(dele)
            except ValueError:
                continue
            if "/" in table:  # stream.event by stream: a part of stream.event's line
                md.append(f"| ↳ of which stream `{table.split('/', 1)[1]}` | {f0(ins)} | | | "
                          f"{n / events:.2f} |")
                continue
            total += n
            md.append(f"| {table} | {f0(ins)} | {f0(upd)} | {f0(dele)} | {n / events:.2f} |")
        md.append(f"| **all tables** | | | | **{total / events:.2f}** |")
    return md


# --- tables ----------------------------------------------------------------------

def prev_label(prev):
    run = prev.get("run", {})
    return f"previous ({run.get('commit', '?')})" if run else "previous"


def run_rows(d, prev):
    rows = []
    for label, what in RUNS:
        r = d.get(label, {})
        if "done_per_s" not in r:
            continue
        note = f" (reduced from {f0(r['reduced_from'])} by the time budget)" \
            if "reduced_from" in r else ""
        p = prev.get(label, {})
        pdone = f"{f0(p['done_per_s'])} ({f0(p['events'])} events)" if "done_per_s" in p else "n/a"
        rows.append(f"| {what}: {f0(r['events'])} events, {r['connections']} connection(s){note} | "
                    f"{f0(r['ack_per_s'])} | {f0(r['done_per_s'])} | {pdone} | "
                    f"{r['done_seconds']:.1f} | {r['rows_per_event']:.2f} | {f0(r['rows_per_s'])} |")
    return rows


def curve_md(d, prev):
    pts, old = curve(d), curve(prev)
    c = d.get("curve", {})
    if not pts and not any(k.startswith("r") for k in c):
        return []
    md = ["", f"| latency curve: offered events/s ({c.get('seconds_per_rate')} s each, batches "
          "of 50, open loop) | events | achieved events/s | ack p50 ms | ack p99 ms | ack max ms "
          "| event → invitation queued p50 / p99 ms (invitations) | "
          f"{prev_label(prev)} ack p99 ms |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    rates = sorted({int(k[1:]) for k in c if k.startswith("r") and k[1:].isdigit()} | set(pts))
    for r in rates:
        p = c.get(f"r{r}", pts.get(r, {}))
        o = old.get(r, {}).get("ack_p99")
        po = "n/a" if o is None else f"{o:,.1f}"
        if "ack_p99" not in p:
            md.append(f"| {r:,} | skipped ({p.get('skipped', '?')}) | | | | | | {po} |")
            continue
        md.append(f"| {r:,} | {f0(p.get('events'))} | {f0(p.get('achieved'))} | "
                  f"{p['ack_p50']:,.1f} | {p['ack_p99']:,.1f} | {p['ack_max']:,.1f} | "
                  f"{p.get('e2e_p50')} / {p.get('e2e_p99')} ({p.get('e2e_count')}) | {po} |")
    return md


def resources(d, prev):
    nbig = d.get("bigbatch", {}).get("events", 5000)
    lines = ["| service | peak RSS MiB (largest over the runs) | peak RSS MiB right after one "
             f"{nbig:,}-event batch | CPU s per 1,000 events (1-connection run) | its PostgreSQL "
             f"backends' CPU s per 1,000 events | {prev_label(prev)} peak RSS MiB / CPU s |",
             "| --- | --- | --- | --- | --- | --- |"]
    main, pmain = d.get("main1", {}), prev.get("main1", {})
    big = d.get("bigbatch", {}).get("rss_kib", {})

    def peak(doc, svc):
        v = [r["rss_kib"][svc] for r in doc.values()
             if isinstance(r, dict) and svc in r.get("rss_kib", {})]
        return max(v) if v else None

    for svc in SERVICES + ["postgres"]:
        rss, prss = peak(d, svc), peak(prev, svc)
        cpu = main.get("cpu_s_per_1k", {}).get(svc)
        pcpu = pmain.get("cpu_s_per_1k", {}).get(svc)
        back = main.get("pg_cpu_s_per_1k", {}).get(svc)
        name = svc if svc != "postgres" else "postgres (all processes)"
        lines.append(f"| {name} | {'–' if rss is None else f'{rss / MIB:.1f}'} | "
                     f"{f1(big[svc] / MIB) if svc in big else '–'} | "
                     f"{'n/a' if cpu is None else f'{cpu:.3f}'} | "
                     f"{'–' if back is None else f'{back:.3f}'} | "
                     f"{'–' if prss is None else f'{prss / MIB:.1f}'} / "
                     f"{'n/a' if pcpu is None else f'{pcpu:.3f}'} |")
    return lines


def markdown(d, prev, outdir):
    m, run = d.get("machine", {}), d.get("run", {})
    prun = prev.get("run", {})
    md = [f"Machine: {m.get('nproc')} cores ({m.get('cpu')}), {m.get('mem_gib')} GiB, "
          f"{m.get('os')}, kernel {m.get('kernel')}; PostgreSQL {m.get('pg_version')} "
          f"({m.get('pg_settings')}); RabbitMQ {d.get('rabbitmq', {}).get('version', 'n/a')}. "
          f"Load average at start / end: {m.get('loadavg_start')} / {m.get('loadavg_end')}. "
          f"Commit {run.get('commit')}, {run.get('date')}, whole run {run.get('seconds')} s. "
          f"Services with CURVE {run.get('curve', 'n/a')}, one database role each.", ""]
    if prun:
        md += [f"Previous figures: the last committed run (commit {prun.get('commit')}, "
               f"{prun.get('date')}, load {prev.get('machine', {}).get('loadavg_start')} / "
               f"{prev.get('machine', {}).get('loadavg_end')}).", ""]
    pgoals = {g: (v, c) for g, v, c in goals(prev)} if prev else {}
    md += [f"| goal (issue #13) | {prev_label(prev)} | now | |", "| --- | --- | --- | --- |"]
    for g, v, c in goals(d):
        pv = pgoals.get(g, ("n/a", None))[0]
        md.append(f"| {g} | {pv} | {v} | {ok(c) if c is not None else ''} |")
    md += ["", "| pipeline run (batches of 500) | acknowledged events/s | fully processed "
           f"events/s | {prev_label(prev)} fully processed events/s | seconds to idle | "
           "rows written per event | rows written/s |",
           "| --- | --- | --- | --- | --- | --- | --- |"] + run_rows(d, prev)
    md += ["", f"| the limit and the peer | rows or messages | per second | {prev_label(prev)} "
           "per second |", "| --- | --- | --- | --- |"]
    for c in ("copy1", "copy2"):
        if c in d:
            md.append(f"| PostgreSQL COPY into a stream.event-shaped table, {c[-1]} connection(s),"
                      f" commit per 10,000 rows | {f0(d[c]['rows'])} | {f0(d[c]['rows_per_s'])} | "
                      f"{f0(prev.get(c, {}).get('rows_per_s'))} |")
    if "consumed_per_s" in d.get("rabbitmq", {}):
        r = d["rabbitmq"]
        md.append(f"| RabbitMQ durable queue, persistent messages, publisher confirms + consumer "
                  f"acks, one message per event | {f0(r['messages'])} | "
                  f"{f0(r['consumed_per_s'])} | "
                  f"{f0(prev.get('rabbitmq', {}).get('consumed_per_s'))} |")
    md += curve_md(d, prev)
    md += [""] + resources(d, prev)
    md += profile_md(d, outdir)
    return "\n".join(md) + "\n"


def main():
    flat = load(sys.argv[1])
    out = sys.argv[2]
    prev = load_previous(sys.argv[3]) if len(sys.argv) > 3 else {}
    doc = nest(flat)
    doc["goals"] = [{"goal": g, "measured": v, "met": c} for g, v, c in goals(doc)]
    prof = doc.get("profile", {})
    if prof.get("events"):
        doc["profile"]["by_service"] = profile(out, prof["events"])[0]
    if prev.get("run"):
        doc["compared_with"] = {k: prev["run"].get(k) for k in ("commit", "date")}
    with open(f"{out}/latest.json", "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
        f.write("\n")
    with open(f"{out}/latest.md", "w", encoding="utf-8") as f:
        f.write(markdown(doc, prev, out))


if __name__ == "__main__":
    main()
