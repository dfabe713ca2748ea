#!/usr/bin/env python3
"""The checker of tests/e2e/test_equity.sh.

(a) Computes the equity report independently from the population file
    (one line per employee: id, kind, then the six self-identification
    answers, "-" when never asked) and compares every figure a read-only key
    gets from `pathwaysctl report equity` (unfiltered and with every filter
    value) and the dashboard's /api/equity.
(b) The attacker: every shown count is 0 or at least K; nothing obtained by
    subtracting shown groups from their field's total, a filtered query from
    the unfiltered one, or the equity report from the funnel is a group of 1
    to K-1; the fields holding small groups (3 asian, 2 protected veterans)
    are withheld whole, in every query; --release gives an administrator
    the read-only figures, and without it the exact ones (marked so, equal
    to the computation, small groups included).

usage: equity_check.py PEOPLE_TSV DASHBOARD_URL
"""
import json
import sys

from report_client import ctl, http_get

K = 11
AS_OF = "2026-09-30"  # today 2026-11-30: the end of the last whole quarter
FIELDS = ["race_ethnicity", "gender", "age_band", "preferred_language", "veteran_status",
          "disability_status"]
COUNTS = ["eligible", "invited", "enrolled", "completed", "certified", "placed"]
STAGES = COUNTS[1:]
# kind -> (cohort, stages reached by the report date)
KINDS = {"A": ("(none)", {"eligible", "invited"}),
         "B": ("c2023", set(COUNTS)),
         "C": ("c2024", {"eligible", "invited", "enrolled", "completed"})}
PUBLISHED = {"gender", "age_band", "preferred_language", "disability_status"}
WITHHELD = {"race_ethnicity", "veteran_status"}
FILTERS = [(), ("--cohort", "(none)"), ("--cohort", "c2023"), ("--cohort", "c2024"),
           ("--employer", "acme"), ("--job-family", "food_service"), ("--program", "mapp")]

PEOPLE, DASH = sys.argv[1:3]
problems = []


def problem(msg):
    problems.append(msg)
    print("FAIL:", msg)


def people():
    out = []
    for line in open(PEOPLE):
        cols = line.rstrip("\n").split("\t")
        answers = cols[2:] if cols[2] != "-" else ["not_asked"] * len(FIELDS)
        out.append({"kind": cols[1], "cohort": KINDS[cols[1]][0],
                    "stages": KINDS[cols[1]][1], **dict(zip(FIELDS, answers))})
    return out


def expected(pop, flt):
    """{field: {group: row}} computed from the population, as the report
    defines it (EquityRow in report.proto)."""
    if flt and flt[0] == "--cohort":
        pop = [p for p in pop if p["cohort"] == flt[1]]
    out = {}
    for f in FIELDS:
        groups = {}
        for p in pop:
            g = groups.setdefault(p[f], dict.fromkeys(COUNTS, 0))
            for c in COUNTS:
                g[c] += c in p["stages"]
        total = dict.fromkeys(COUNTS, 0)
        for g in groups.values():
            for c in COUNTS:
                total[c] += g[c]
        groups["total"] = total
        for g in groups.values():
            for s in STAGES:
                g[s + "_rate"] = g[s] / g["eligible"] if g["eligible"] else None
                share_e = g["eligible"] / total["eligible"] if total["eligible"] else 0
                share_s = g[s] / total[s] if total[s] else None
                g[s + "_representation"] = (share_s / share_e
                                            if share_s is not None and share_e else None)
        out[f] = groups
    return out


def equity(role, flt=(), *extra):
    doc = json.loads(ctl(role, "report", "equity", "--format", "json", *flt, *extra))
    rows = {}
    for r in doc["rows"]:
        rows.setdefault(r["field"], {})[r["group"]] = r
    return doc, rows


def dashboard(path, **args):
    return json.loads(http_get(DASH, path, **args))


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-9


pop = people()
assert len(pop) == 88, len(pop)
replies = {}
for flt in FILTERS:
    doc, rows = equity("read_only", flt)
    replies[flt] = rows
    name = " ".join(flt) or "unfiltered"
    if doc["figures"] != "protected" or doc["as_of"] != AS_OF:
        problem(f"{name}: figures {doc['figures']!r} as of {doc['as_of']}")
    want = expected(pop, flt)
    shown_fields = set()
    for f in FIELDS:
        got = rows.get(f, {})
        if set(got) != set(want[f]):
            problem(f"{name} {f}: groups {sorted(got)} != {sorted(want[f])}")
            continue
        for g, w in want[f].items():
            r = got[g]
            if r["eligible"] is None:
                if g == "total":
                    problem(f"{name} {f}: the total is withheld")
                if any(v is not None for k, v in r.items() if k not in ("field", "group")):
                    problem(f"{name} {f}/{g}: withheld only in part: {r}")
                continue
            if g != "total":
                shown_fields.add(f)
            for k, v in w.items():
                if not same(r[k], v):
                    problem(f"{name} {f}/{g} {k}: report {r[k]}, computed {v}")
    if shown_fields != PUBLISHED:
        problem(f"{name}: shown fields {sorted(shown_fields)}, expected {sorted(PUBLISHED)}")
if not problems:
    print(f"ok (a): {len(FILTERS)} queries checked figure by figure against the population")
before_b = len(problems)

# --- (b) the attacker ----------------------------------------------------------------
routes = 0


def small(v):
    return v is not None and 0 < v < K


for flt, rows in replies.items():
    name = " ".join(flt) or "unfiltered"
    for f in FIELDS:
        for c in COUNTS:
            total = rows[f]["total"][c]
            shown = [r[c] for g, r in rows[f].items() if g != "total" and r[c] is not None]
            for v in shown:
                routes += 1
                if small(v):
                    problem(f"{name} {f} {c}: a shown count of {v}")
            routes += 1
            if small(total - sum(shown)):
                problem(f"{name} {f} {c}: total - shown groups = {total - sum(shown)}")
    for f in WITHHELD:
        if any(r["eligible"] is not None for g, r in rows[f].items() if g != "total"):
            problem(f"{name}: {f} (a group of 2 or 3) is shown")
# A filtered query against the unfiltered one, and the cohorts against the whole.
base = replies[()]
cohorts = [replies[flt] for flt in FILTERS if flt and flt[0] == "--cohort"]
for flt, rows in replies.items():
    for f in FIELDS:
        for g, r in rows[f].items():
            for c in COUNTS:
                whole = base[f].get(g, {}).get(c)
                if r[c] is None or whole is None:
                    continue
                routes += 1
                if small(whole - r[c]):
                    problem(f"{' '.join(flt)} {f}/{g} {c}: unfiltered - filtered = {whole - r[c]}")
for f in FIELDS:
    for g, r in base[f].items():
        for c in COUNTS:
            parts = [q[f].get(g, {}).get(c, 0) for q in cohorts]
            if r[c] is None or any(p is None for p in parts):
                continue
            routes += 1
            if small(r[c] - sum(parts)):
                problem(f"{f}/{g} {c}: unfiltered - cohorts = {r[c] - sum(parts)}")
# The funnel is the same people: its totals are the equity totals, per cohort too.
funnel = dashboard("/api/funnel")
by_cohort = dashboard("/api/funnel", slice="cohort")
for f in FIELDS:
    for c in COUNTS:
        routes += 1
        fv = funnel["total"][c]
        if fv.get("suppressed") or fv.get("value", 0) != base[f]["total"][c]:
            problem(f"funnel total {c} {fv} != equity {f} total {base[f]['total'][c]}")
for row in by_cohort["rows"]:
    rows = replies[("--cohort", row["slice"])]
    for f in FIELDS:
        for c in COUNTS:
            routes += 1
            if row[c].get("value", 0) != rows[f]["total"][c]:
                problem(f"funnel cohort {row['slice']} {c} != equity {f} total")
            for g, r in rows[f].items():
                if g != "total" and r[c] is not None:
                    routes += 1
                    if small(row[c].get("value", 0) - r[c]):
                        problem(f"funnel {row['slice']} {c} - equity {f}/{g} is small")
# An administrator's key gets the exact figures, marked so: every group,
# equal to the computation; --release gives the read-only figures.
admin_doc, admin_rows = equity("admin")
if admin_doc["figures"] != "exact: not for release":
    problem(f"admin figures {admin_doc['figures']!r}")
want = expected(pop, ())
for f in FIELDS:
    for g, w in want[f].items():
        for k, v in w.items():
            if not same(admin_rows.get(f, {}).get(g, {}).get(k), v):
                problem(f"exact {f}/{g} {k}: {admin_rows.get(f, {}).get(g, {}).get(k)} != {v}")
rel_doc, rel_rows = equity("admin", (), "--release")
if rel_doc["figures"] != "protected" or rel_rows != base:
    problem("--release differs from the read-only figures")
api = dashboard("/api/equity")
if api["figures"] != "protected":
    problem(f"/api/equity figures {api['figures']!r}")
for r in api["rows"]:
    mine = base[r["field"]][r["group"]]
    for c in COUNTS:
        v = None if r[c].get("suppressed") else r[c].get("value", 0)
        if v != mine[c]:
            problem(f"/api/equity {r['field']}/{r['group']} {c}: {v} != pathwaysctl {mine[c]}")
if len(problems) == before_b:
    print(f"ok (b): {routes} routes tried; race_ethnicity and veteran_status withheld whole")
sys.exit(1 if problems else 0)
