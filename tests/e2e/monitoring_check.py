#!/usr/bin/env python3
"""Checks deploy/monitoring against a real Prometheus that scrapes a running
stack (tests/e2e/test_ops_alerts.sh starts both).

  monitoring_check.py --prom URL --monitoring DIR --parser JS refs
      every alert expression and dashboard query: parses (Prometheus' own
      grammar, tests/lib/promql_refs.js), evaluates without error, each
      selector (metric{matchers}) matches scraped series, each `by (...)`
      label exists on what it aggregates, and each label an alert's
      annotations ({{ $labels.x }}) or a panel's legend ({{x}}) names exists
      on the expression's series
  monitoring_check.py ... fires ALERT [LABEL=VALUE...]
      the alert's expression selects a series (with those labels, if given)
      and Prometheus' rule engine holds the alert pending or firing
  monitoring_check.py ... value EXPR
      prints the sum of EXPR's sample values ("none" when it selects nothing)

Exit status 0 when every check passes, 1 otherwise (each failure printed).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request

import yaml


def load_items(monitoring):
    """Every alert and dashboard query as {where, expr, labels}: labels are
    the names the alert's annotations or the panel's legend use."""
    items = []
    with open(os.path.join(monitoring, "alerts.yml"), encoding="utf-8") as f:
        rules = yaml.safe_load(f)
    for group in rules["groups"]:
        for rule in group["rules"]:
            text = " ".join(str(v) for v in (rule.get("annotations") or {}).values())
            items.append({
                "where": "alert " + rule["alert"],
                "alert": rule["alert"],
                "expr": rule["expr"],
                "labels": sorted(set(re.findall(r"\$labels\.([A-Za-z_][A-Za-z0-9_]*)", text))),
            })
    with open(os.path.join(monitoring, "grafana-dashboard.json"), encoding="utf-8") as f:
        dash = json.load(f)

    def walk(panels):
        for panel in panels:
            walk(panel.get("panels", []))
            for target in panel.get("targets", []):
                if "expr" not in target:
                    continue
                legend = target.get("legendFormat", "")
                items.append({
                    "where": "panel '%s' (%s)" % (panel.get("title"), target.get("refId", "?")),
                    "expr": target["expr"],
                    "labels": sorted(set(re.findall(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", legend))),
                })

    walk(dash.get("panels", []))
    return items


class Prom:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def _get(self, path, params):
        q = urllib.parse.urlencode(params, doseq=True)
        try:
            with urllib.request.urlopen("%s%s?%s" % (self.url, path, q), timeout=10) as r:
                body = json.load(r)
        except urllib.error.HTTPError as e:
            body = json.load(e)
        if body.get("status") != "success":
            raise ValueError(body.get("error", "no answer"))
        return body["data"]

    def query(self, expr):
        """The instant vector's series as [(labels, value)]."""
        data = self._get("/api/v1/query", {"query": expr})
        if data["resultType"] == "scalar":
            return [({}, float(data["result"][1]))]
        return [(s["metric"], float(s["value"][1])) for s in data["result"]]

    def series(self, selector):
        return self._get("/api/v1/series", {"match[]": selector})

    def rule_state(self, alert):
        for group in self._get("/api/v1/rules", {"type": "alert"})["groups"]:
            for rule in group["rules"]:
                if rule["name"] == alert:
                    return rule.get("state", "inactive")
        return None


def parse_all(parser, exprs):
    out = subprocess.run(["node", parser], input=json.dumps(exprs), capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        sys.exit("monitoring_check: the PromQL parser failed: " + out.stderr.strip())
    return json.loads(out.stdout)


def labels_missing(series, wanted):
    have = set()
    for metric, _ in series:
        have.update(metric)
    return [l for l in wanted if l not in have]


def check_refs(prom, items, parser):
    failures = []
    refs = parse_all(parser, [it["expr"] for it in items])
    for it, ref in zip(items, refs):
        where = it["where"]
        bad = []
        if "error" in ref:
            failures.append("%s: %s" % (where, ref["error"]))
            continue
        try:
            prom.query(it["expr"])
        except ValueError as e:
            failures.append("%s: Prometheus cannot evaluate it: %s" % (where, e))
            continue
        for sel in ref["selectors"]:
            if not prom.series(sel):
                bad.append("no scraped series matches %s" % sel)
        for g in ref["groupings"]:
            inner = prom.query(g["inner"])
            if not inner:
                bad.append("'%s' selects nothing, so by (%s) cannot be checked"
                           % (g["inner"], ", ".join(g["labels"])))
            else:
                missing = labels_missing(inner, g["labels"])
                if missing:
                    bad.append("by (%s): no label %s on %s"
                               % (", ".join(g["labels"]), ", ".join(missing), g["inner"]))
        if it["labels"]:
            value = prom.query(ref["value"])
            if not value:
                bad.append("'%s' selects nothing, so the labels it names (%s) cannot be checked"
                           % (ref["value"], ", ".join(it["labels"])))
            else:
                missing = labels_missing(value, it["labels"])
                if missing:
                    bad.append("names label(s) %s that %s does not have"
                               % (", ".join(missing), ref["value"]))
        if bad:
            failures.extend("%s: %s" % (where, b) for b in bad)
        else:
            print("ok: %s: %d selector(s), %d grouping(s), labels %s"
                  % (where, len(ref["selectors"]), len(ref["groupings"]), it["labels"] or "-"))
    print("%d expressions checked, %d problem(s)" % (len(items), len(failures)))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


def check_fires(prom, items, alert, wanted):
    rule = next((it for it in items if it.get("alert") == alert), None)
    if rule is None:
        print("FAIL: no alert %s in alerts.yml" % alert)
        return 1
    series = prom.query(rule["expr"])
    match = [s for s in series if all(s[0].get(k) == v for k, v in wanted.items())]
    state = prom.rule_state(alert)
    shown = [{k: v for k, v in m.items() if k != "__name__"} for m, _ in match[:2]]
    print("%s: %d series selected, %d with %s (%s%s), rule %s"
          % (alert, len(series), len(match), wanted or "any labels",
             "; ".join("%s=%g" % (json.dumps(m, sort_keys=True), v[1])
                       for m, v in zip(shown, match)), ", ..." if len(match) > 2 else "",
             state))
    return 0 if match and state in ("pending", "firing") else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prom", required=True)
    ap.add_argument("--monitoring", required=True)
    ap.add_argument("--parser", required=True)
    ap.add_argument("command", choices=["refs", "fires", "value"])
    ap.add_argument("args", nargs="*")
    a = ap.parse_args()
    prom = Prom(a.prom)
    items = load_items(a.monitoring)
    if a.command == "refs":
        return check_refs(prom, items, a.parser)
    if a.command == "fires":
        wanted = dict(kv.split("=", 1) for kv in a.args[1:])
        return check_fires(prom, items, a.args[0], wanted)
    series = prom.query(a.args[0])
    print("%g" % sum(v for _, v in series) if series else "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
