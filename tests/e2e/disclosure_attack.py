#!/usr/bin/env python3
"""The attacker of tests/e2e/test_disclosure.sh.

Reads what a read-only key and the dashboard publish (through the running
services) and tries every known route to a withheld figure: subtraction
across slices, across reports and across filtered queries; back-solving
separations and group sizes from S(t), at-risk counts and the Greenwood
interval; the SVG curve's coordinates; two report dates a day apart; the
summary. The truth is what an administrator's key gets (exact figures) for
the same report date. Exits 1, listing each recovery, when any withheld
count of a small group (1 to 10 people) is recovered exactly.

usage: disclosure_attack.py DASHBOARD_URL AS_OF DAY_BEFORE DAY
"""
import json
import math
import re
import sys

from report_client import ctl, http_get

K = 11
Z95 = 1.959963984540054
DIMS = ["program", "employer", "cohort", "job_family", "period"]
FILTERS = {"employer": "--employer", "cohort": "--cohort", "job_family": "--job-family"}
OUTCOME_COLUMNS = ["enrolled", "completed", "certified", "placed", "withdrawn", "exited"]
GROUP_COUNTS = ["people", "separations", "censored"]

DASH, AS_OF, DAY_BEFORE, DAY = sys.argv[1:5]

recovered = []
routes_tried = {}


_cache = {}


def report(role, kind, as_of, *opts):
    key = (role, kind, as_of) + opts
    if key not in _cache:
        _cache[key] = json.loads(
            ctl(role, "report", kind, "--as-of", as_of, "--format", "json", *opts))
    return _cache[key]


def published(kind, *opts, as_of=AS_OF):
    """What the read-only key gets, and the administrator's exact figures
    for the same report date (the one the protected reply names)."""
    mine = report("read_only", kind, as_of, *opts)
    truth = report("admin", kind, mine["as_of"], *opts)
    return mine, truth


def retention_cells(doc):
    return {(r["slice"], r["group"]): r for r in doc["rows"]}


def outcome_cells(doc):
    return {r["slice"]: r for r in doc["rows"]}


def found(route, what, derived, truth):
    """Records a recovery: a derived count equal to a withheld one's truth,
    when that truth is a small group (1 to K-1 people). A withheld figure of
    K or more (withheld because its table as a whole is) that can be worked
    out reveals no small group: by the cover-table rule it is a sum of
    classes of K or more."""
    routes_tried[route] = routes_tried.get(route, 0) + 1
    if derived is None or truth is None or not 1 <= truth < K:
        return
    if abs(derived - truth) < 0.05:
        recovered.append(f"{route}: {what} = {truth} (derived {derived:.3f})")


def subtract(route, label, total, parts, truths):
    """total - sum(parts) when exactly one part is withheld."""
    hidden = [k for k, v in parts.items() if v is None]
    if total is None or len(hidden) != 1:
        return
    k = hidden[0]
    found(route, f"{label} {k}", total - sum(v for v in parts.values() if v is not None),
          truths.get(k))


# ---- 1. subtraction across slices -------------------------------------------

def slices_route():
    all_mine, _ = published("retention")
    base = retention_cells(all_mine)
    for dim in DIMS:
        mine, truth = published("retention", "--slice", dim)
        m, t = retention_cells(mine), retention_cells(truth)
        for group in ("participants", "comparison"):
            if group == "comparison" and dim in ("cohort", "period"):
                continue  # matched per slice: the slices do not add up
            for field in GROUP_COUNTS:
                parts = {s: r[field] for (s, g), r in m.items() if g == group}
                truths = {s: t[(s, g)][field] for (s, g) in m if g == group and (s, g) in t}
                total = base.get(("all", group), {}).get(field)
                subtract("slice subtraction", f"retention {dim}={group} {field}", total, parts,
                         truths)
    for dim in DIMS:
        mine, truth = published("outcomes", "--slice", dim)
        m, t = outcome_cells(mine), outcome_cells(truth)
        for col in OUTCOME_COLUMNS:
            parts = {s: r[col] for s, r in m.items() if s != "total"}
            truths = {s: t[s][col] for s in parts if s in t}
            subtract("slice subtraction", f"outcomes {dim} {col}", m["total"][col], parts,
                     truths)
        exits = {e["reason"]: e["people"] for e in mine.get("exits", [])}
        tex = {e["reason"]: e["people"] for e in truth.get("exits", [])}
        tot = m["total"]
        if tot["withdrawn"] is not None and tot["exited"] is not None:
            subtract("slice subtraction", "exit reason", tot["withdrawn"] + tot["exited"], exits,
                     tex)


# ---- 2. across reports --------------------------------------------------------

def reports_route():
    for dim in DIMS:
        ret, ret_truth = published("retention", "--slice", dim)
        out, out_truth = published("outcomes", "--slice", dim)
        r, rt = retention_cells(ret), retention_cells(ret_truth)
        o, ot = outcome_cells(out), outcome_cells(out_truth)
        for s, row in o.items():
            rp = r.get((s, "participants"), {}).get("people")
            if row["enrolled"] is None and rp is not None:
                found("across reports", f"outcomes {dim}={s} enrolled", rp,
                      ot[s]["enrolled"])
            if rp is None and row["enrolled"] is not None and (s, "participants") in rt:
                found("across reports", f"retention {dim}={s} participants", row["enrolled"],
                      rt[(s, "participants")]["people"])


# ---- 3. filtered queries ------------------------------------------------------

def filters_route():
    for fdim, flag in FILTERS.items():
        _, truth = published("retention", "--slice", fdim)
        values = sorted({r["slice"] for r in truth["rows"]})
        marg_mine, marg_truth = published("retention", "--slice", fdim)
        mm, mt = retention_cells(marg_mine), retention_cells(marg_truth)
        for v in values:
            tot, _ = published("retention", flag, v)
            t_people = retention_cells(tot).get(("all", "participants"), {}).get("people")
            if mm.get((v, "participants"), {}).get("people") is None:
                found("filtered query", f"{fdim}={v} participants (filtered total)", t_people,
                      mt.get((v, "participants"), {}).get("people"))
        for sdim in DIMS:
            if sdim == fdim:
                continue
            cross, cross_truth = {}, {}
            for v in values:
                mine, truth_v = published("retention", flag, v, "--slice", sdim)
                tot, _ = published("retention", flag, v)
                m, t = retention_cells(mine), retention_cells(truth_v)
                parts = {s: r["people"] for (s, g), r in m.items() if g == "participants"}
                truths = {s: t[(s, "participants")]["people"] for s in parts
                          if (s, "participants") in t}
                total = retention_cells(tot).get(("all", "participants"), {}).get("people")
                subtract("filtered query", f"{fdim}={v} x {sdim}", total, parts, truths)
                for s, val in parts.items():
                    cross.setdefault(s, []).append(val)
            smine, struth = published("retention", "--slice", sdim)
            sm, st = retention_cells(smine), retention_cells(struth)
            for s, vals in cross.items():
                cell = sm.get((s, "participants"), {}).get("people", 0)
                if cell is None and all(x is not None for x in vals) and len(vals) == len(values):
                    found("filtered query", f"{sdim}={s} participants (sum over {fdim})",
                          sum(vals), st.get((s, "participants"), {}).get("people"))


# ---- 4. back-solving S(t), at-risk and the interval ---------------------------

def greenwood_n(s, lower):
    """n and d of a first step S = 1 - d/n from its log-log lower bound."""
    if not (0 < s < 1 and 0 < lower < s):
        return None
    w = math.log(math.log(lower) / math.log(s)) / Z95
    var_sum = (w * abs(math.log(s))) ** 2
    if var_sum <= 0:
        return None
    n = (1 - s) / (s * var_sum)
    return n, n * (1 - s)


def dashboard(path, **args):
    return http_get(DASH, path, **args)


def count(c):
    return None if c is None or c.get("suppressed") else c.get("value", 0)


def backsolve_route():
    for dim in ["all"] + DIMS:
        api = json.loads(dashboard("/api/retention", as_of=AS_OF, slice=dim))
        _, truth = published("retention", "--slice", dim, as_of=api["as_of"])
        t = retention_cells(truth)
        for s in api.get("slices", []):
            for group in ("participants", "comparison"):
                g = s.get(group) or {}
                tr = t.get((s["slice"], group))
                if tr is None:
                    continue
                n_pub = count(g.get("people"))
                hidden = {f: tr[f] for f in GROUP_COUNTS if count(g.get(f)) is None}
                pts = [p for p in g.get("points", []) if 0 < p.get("retention", 1) < 1]
                if pts:
                    nd = greenwood_n(pts[0]["retention"], pts[0]["lower"])
                    if nd and "people" in hidden:
                        found("interval back-solve", f"{dim}={s['slice']} {group} people",
                              nd[0], hidden["people"])
                    n = n_pub if n_pub is not None else (nd[0] if nd else None)
                    if n is not None:
                        e = n * (1 - pts[-1]["retention"])
                        for f, v in hidden.items():
                            derived = e if f == "separations" else n - e
                            if f != "people":
                                found("S(t) back-solve", f"{dim}={s['slice']} {group} {f}",
                                      derived, v)
                for at in g.get("at", []):
                    risk = count(at.get("at_risk"))
                    if n_pub is not None and risk is not None and "censored" in hidden:
                        found("at-risk back-solve", f"{dim}={s['slice']} {group} censored",
                              n_pub - risk - (tr["separations"] or 0), hidden["censored"])


# ---- 5. the SVG's coordinates -------------------------------------------------

def svg_route():
    top, plot = 36, 360 - 36 - 44
    for dim in ["all"] + DIMS:
        api = json.loads(dashboard("/api/retention", as_of=AS_OF, slice=dim))
        _, truth = published("retention", "--slice", dim, as_of=api["as_of"])
        t = retention_cells(truth)
        for s in api.get("slices", []):
            svg = dashboard("/chart/retention.svg", as_of=AS_OF, slice=dim, value=s["slice"])
            for group in ("participants", "comparison"):
                m = re.search(r'<g class="%s">(.*?)</g>' % group, svg, re.S)
                g = s.get(group) or {}
                n = count(g.get("people"))
                tr = t.get((s["slice"], group))
                if not m or n is None or tr is None:
                    continue
                paths = re.findall(r'd="([^"]*)"', m.group(1))
                ys = [float(y) for y in re.findall(r"V([0-9.]+)", paths[-1])]
                if not ys:
                    continue
                surv = 1 - (ys[-1] - top) / plot
                e = n * (1 - surv)
                if abs(e - round(e)) < 0.05 and count(g.get("separations")) is None:
                    found("SVG coordinates", f"{dim}={s['slice']} {group} separations",
                          round(e), tr["separations"])


# ---- 6. two report dates --------------------------------------------------------

def dates_route():
    def people(role, day, *opts):
        rows = retention_cells(report(role, "retention", day, *opts))
        return rows.get(("all", "participants"), {}).get("people")
    a, b = people("read_only", DAY_BEFORE), people("read_only", DAY)
    truth = people("admin", DAY) - people("admin", DAY_BEFORE)
    if a is not None and b is not None:
        found("date differencing", f"enrolled on {DAY}", b - a, truth)
    w = people("read_only", AS_OF, "--from", DAY, "--to", DAY)
    found("date window", f"enrolled on {DAY}", w, truth)


# ---- 7. the summary ----------------------------------------------------------------

def summary_route():
    mine = json.loads(ctl("read_only", "report", "summary", "--json"))
    exact = json.loads(ctl("admin", "report", "summary", "--json"))
    truth = {e["employer"]: e for e in exact["employers"]}
    for e in mine["employers"]:
        for key, v in e.items():
            if key == "employer" or v is None:
                continue
            # A small count published as such is a disclosure in itself.
            if 1 <= truth[e["employer"]][key] < K:
                found("summary", f"{e['employer']} {key}", v, truth[e["employer"]][key])


# ---- the funnel (dashboard only) ---------------------------------------------

FUNNEL = ["eligible", "invited", "applied", "enrolled", "in_training", "completed", "certified",
          "placed", "open_invitations", "waitlisted", "seats_taken"]
# Pairs (a, b) where b's people are among a's: a - b counts people too.
FUNNEL_NESTED = [("invited", "applied"), ("applied", "enrolled"), ("enrolled", "seats_taken"),
                 ("invited", "open_invitations"), ("applied", "waitlisted")]


def small(route, what, derived):
    """Records a derived count of a small group (1 to K-1 people)."""
    routes_tried[route] = routes_tried.get(route, 0) + 1
    if derived is not None and 1 <= derived < K:
        recovered.append(f"{route}: {what} = {derived}")


def funnel_route():
    total = json.loads(dashboard("/api/funnel", as_of=AS_OF))["total"]
    outcomes = json.loads(dashboard("/api/outcomes", as_of=AS_OF, slice="all"))["rows"]
    for dim in ["program", "employer", "cohort", "job_family"]:
        rows = json.loads(dashboard("/api/funnel", as_of=AS_OF, slice=dim))["rows"]
        for f in FUNNEL:
            parts = [count(r[f]) for r in rows]
            # A slice withheld while the total is shown: total - the rest.
            if count(total[f]) is not None and parts.count(None) == 1:
                small("funnel slice subtraction", f"{dim} {f}",
                      count(total[f]) - sum(p for p in parts if p is not None))
        for r in rows + [total]:
            for a, b in FUNNEL_NESTED:
                if count(r[a]) is not None and count(r[b]) is not None:
                    small("funnel stages", f"{dim}={r['slice']} {a} - {b}",
                          count(r[a]) - count(r[b]))
    for o in outcomes:
        for f in ("enrolled", "completed", "certified", "placed"):
            if o["slice"] == "all" and None not in (count(o[f]), count(total[f])):
                small("funnel against outcomes", f, count(total[f]) - count(o[f]))


for route in (slices_route, reports_route, filters_route, backsolve_route, svg_route,
              dates_route, summary_route, funnel_route):
    route()

print("derivations attempted (routes with their inputs published): " + ", ".join(f"{k} ({v})" for k, v in sorted(routes_tried.items())))
if recovered:
    print(f"{len(recovered)} withheld figure(s) recovered:")
    for r in recovered:
        print("  " + r)
    sys.exit(1)
print("no withheld figure recovered")
