"""Turns tests/bench/run's figures (a key<TAB>value file, keys like
"main1.done_per_s") into results/latest.json and results/latest.md.

usage: report.py RESULTS.tsv OUTDIR
"""
import json
import sys

SERVICES = ["eligibility", "enrollment", "notification", "reporting"]
RUNS = [("scale30k", "scaling"), ("scale100k", "scaling"), ("main1", "main"),
        ("main4", "main")]


def load(path):
    flat = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            flat[key] = value
    return flat


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


def ok(cond):
    return "n/a" if cond is None else ("**met**" if cond else "**not met**")


def goals(d):
    """The issue's goals: (name, measured text, met or None)."""
    runs = [d[r] for r, _ in RUNS if r.startswith("main") and "done_per_s" in d.get(r, {})]
    best = max(runs, key=lambda r: r["done_per_s"], default=None)
    copy = max((d[c]["rows_per_s"] for c in ("copy1", "copy2") if c in d), default=None)
    rss = [v for r in d.values() if isinstance(r, dict)
           for v in r.get("rss_kib", {}).values()]
    lat = d.get("latency", {})
    out = []
    done = best["done_per_s"] if best else None
    out.append(("≥ 30,000 events/s fully processed", f"{f0(done)} events/s",
                None if done is None else done >= 30000))
    ratio = best["rows_per_s"] / copy if best and copy else None
    out.append(("≥ 30% of the raw COPY row rate",
                "n/a" if ratio is None else f"{100 * ratio:.1f}% ({f0(best['rows_per_s'])} "
                f"of {f0(copy)} rows/s)", None if ratio is None else ratio >= 0.30))
    peer = d.get("rabbitmq", {}).get("consumed_per_s")
    out.append(("ahead of RabbitMQ moving the same messages durably",
                "n/a" if not peer or done is None else f"{done / peer:.2f}× ({f0(done)} vs "
                f"{f0(peer)} messages/s)", None if not peer or done is None else done >= peer))
    p99 = lat.get("ack_p99")
    out.append((f"ack p99 < 20 ms at {f0(lat.get('offered'))} events/s",
                "n/a" if p99 is None else f"{p99:.1f} ms", None if p99 is None else p99 < 20))
    top = max(rss, default=None)
    out.append(("every service < 64 MiB RSS",
                "n/a" if top is None else f"largest peak {top / 1024:.1f} MiB",
                None if top is None else top < 64 * 1024))
    return out


def run_rows(d):
    rows = []
    for label, what in RUNS:
        r = d.get(label, {})
        if "done_per_s" not in r:
            continue
        note = f" (reduced from {f0(r['reduced_from'])} by the time budget)" \
            if "reduced_from" in r else ""
        rows.append(f"| {what}: {f0(r['events'])} events, {r['connections']} connection(s){note} | "
                    f"{f0(r['ack_per_s'])} | {f0(r['done_per_s'])} | {r['done_seconds']:.1f} | "
                    f"{r['rows_per_event']:.2f} | {f0(r['rows_per_s'])} |")
    return rows


def resources(d):
    lines = ["| service | peak RSS (MiB, largest over the runs) | CPU s per 1,000 events "
             "(1-connection run) |", "| --- | --- | --- |"]
    main = d.get("main1", {})
    for svc in SERVICES + ["postgres"]:
        rss = [r["rss_kib"][svc] for r in d.values()
               if isinstance(r, dict) and svc in r.get("rss_kib", {})]
        cpu = main.get("cpu_s_per_1k", {}).get(svc)
        lines.append(f"| {svc} | {max(rss) / 1024:.1f} |" if rss else f"| {svc} (all backends) | – |")
        lines[-1] += f" {cpu:.3f} |" if cpu is not None else " n/a |"
    return lines


def markdown(d):
    m, run, lat = d.get("machine", {}), d.get("run", {}), d.get("latency", {})
    md = [f"Machine: {m.get('nproc')} cores ({m.get('cpu')}), {m.get('mem_gib')} GiB, "
          f"{m.get('os')}, kernel {m.get('kernel')}; PostgreSQL {m.get('pg_version')} "
          f"({m.get('pg_settings')}); RabbitMQ {d.get('rabbitmq', {}).get('version', 'n/a')}. "
          f"Load average at start / end: {m.get('loadavg_start')} / {m.get('loadavg_end')}. "
          f"Commit {run.get('commit')}, {run.get('date')}, whole run {run.get('seconds')} s.", "",
          "| goal (issue #10) | measured | |", "| --- | --- | --- |"]
    md += [f"| {g} | {v} | {ok(c)} |" for g, v, c in goals(d)]
    md += ["", "| pipeline run (batches of 500) | acknowledged events/s | fully processed "
           "events/s | seconds to idle | rows written per event | rows written/s |",
           "| --- | --- | --- | --- | --- | --- |"] + run_rows(d)
    md += ["", "| the limit and the peer | rows or messages | per second |", "| --- | --- | --- |"]
    for c in ("copy1", "copy2"):
        if c in d:
            md.append(f"| PostgreSQL COPY into a stream.event-shaped table, {c[-1]} connection(s),"
                      f" commit per 10,000 rows | {f0(d[c]['rows'])} | {f0(d[c]['rows_per_s'])} |")
    if "consumed_per_s" in d.get("rabbitmq", {}):
        r = d["rabbitmq"]
        md.append(f"| RabbitMQ durable queue, persistent messages, publisher confirms + consumer "
                  f"acks, one message per event | {f0(r['messages'])} | "
                  f"{f0(r['consumed_per_s'])} |")
    if "ack_p99" in lat:
        md += ["", f"| latency at {f0(lat['offered'])} events/s offered ({f0(lat['events'])} "
               f"events, batches of 50, achieved {f0(lat['achieved'])}/s) | p50 ms | p99 ms | "
               "max ms |", "| --- | --- | --- | --- |",
               f"| partner acknowledgement (due time → PublishAck) | {lat['ack_p50']} | "
               f"{lat['ack_p99']} | {lat['ack_max']} |",
               f"| employee event → invitation queued ({lat.get('e2e_count')} invitations) | "
               f"{lat.get('e2e_p50')} | {lat.get('e2e_p99')} | {lat.get('e2e_max')} |"]
    md += [""] + resources(d)
    return "\n".join(md) + "\n"


def main():
    flat = load(sys.argv[1])
    doc = nest(flat)
    doc["goals"] = [{"goal": g, "measured": v, "met": c} for g, v, c in goals(doc)]
    out = sys.argv[2]
    with open(f"{out}/latest.json", "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
        f.write("\n")
    with open(f"{out}/latest.md", "w", encoding="utf-8") as f:
        f.write(markdown(doc))


if __name__ == "__main__":
    main()
