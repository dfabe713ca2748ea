#!/usr/bin/env python3
"""Checks a dashboard DOM (Chromium --dump-dom) against pathwaysctl's JSON.

usage: dashboard_check.py PAGE.html RETENTION.json OUTCOMES.json COST.json

Every figure cell of the page carries data-k; its text must equal the JSON
value formatted the dashboard's way (percent with one decimal, whole
dollars, "*" for a withheld figure). Also checks the known answers of the
crafted data set of tests/e2e/test_dashboard.sh. Exits 1 listing every
mismatch."""
import json
import sys
from html.parser import HTMLParser

WITHHELD = "*"


class Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self._key, self._text = {}, None, []

    def handle_starttag(self, tag, attrs):
        key = dict(attrs).get("data-k")
        if key:
            self._key, self._text = key, []

    def handle_data(self, data):
        if self._key:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._key and tag == "td":
            self.cells[self._key] = "".join(self._text)
            self._key = None


def pct(v):
    return "%.1f%%" % (v * 100.0)


def money(v):
    d = int(abs(v) + 0.5)
    return ("-" if v < 0 and d else "") + "${:,}".format(d)


def count(v):
    return WITHHELD if v is None else str(v)


def rng(row, keys, fmt, sep):
    v = [row.get(k) for k in keys]
    if any(x is None for x in v):
        return WITHHELD
    return "%s (%s%s%s)" % (fmt(v[0]), fmt(v[1]), sep, fmt(v[2]))


def expected(retention, outcomes, cost):
    want = {}
    for r in retention["rows"]:
        k = "ret:%s:%s:" % (r["slice"], r["group"])
        want[k + "people"] = count(r["people"])
        want[k + "separations"] = count(r["separations"])
        for m in (6, 12, 24):
            keys = ["retention_%dm" % m, "lower_%dm" % m, "upper_%dm" % m]
            want[k + "m%d" % m] = rng(r, keys, pct, "-")
        if r["group"] == "participants":
            want[k + "logrank_p"] = "%.4f" % r["logrank_p"] if r["compared"] else ""
    for r in outcomes["rows"]:
        k = "out:%s:" % r["slice"]
        for c in ("enrolled", "completed", "certified", "placed", "withdrawn", "exited"):
            want[k + c] = count(r[c])
        for c in ("completion_rate", "certification_rate", "placement_rate"):
            want[k + c] = WITHHELD if r[c] is None else pct(r[c])
        m = r["median_days_to_placement"]
        want[k + "median_days"] = WITHHELD if m is None else "%.1f" % m
    for r in outcomes["exits"]:
        want["exit:" + r["reason"]] = count(r["people"])
    for r in cost["rows"]:
        role = "" if r["employer"] == "total" else r["role"]
        k = "cost:%s|%s:" % (r["employer"], role)
        want[k + "participants"] = count(r["participants"])
        if r["employer"] != "total":
            want[k + "difference"] = rng(r, ["retention_difference", "difference_low",
                                              "difference_high"], pct, " to ")
        want[k + "separations_avoided"] = rng(r, ["separations_avoided", "separations_avoided_low",
                                                  "separations_avoided_high"],
                                              lambda x: "%.1f" % x, " to ")
        want[k + "cost_avoided"] = rng(r, ["cost_avoided", "cost_avoided_low",
                                           "cost_avoided_high"], money, " to ")
    return want


# Figures of the crafted data set, worked out by hand (see
# tests/integration/test_reporting_evidence.c), as the dashboard shows them:
# protected. emp-b's 8 participants keep the whole employer breakdown from
# passing the cover-table rule (services/reporting/README.md), so every
# employer row is withheld, emp-a's too; the total of 43 is shown.
KNOWN = {
    "ret:emp-a:participants:people": WITHHELD,
    "ret:emp-a:comparison:people": WITHHELD,
    "ret:emp-b:participants:people": WITHHELD,
    "ret:emp-b:comparison:people": WITHHELD,
    "ret:emp-a:participants:logrank_p": "",
    "out:emp-a:enrolled": WITHHELD,
    "out:emp-b:enrolled": WITHHELD,
    "out:emp-c:enrolled": WITHHELD,
    "out:total:enrolled": "43",
    "queue:demo:audit:lag": "2",
    "queue:demo:audit:dead_letters": "1",
    "queue:demo:audit:status": "behind",
    "cost:emp-a|clerical:participants": WITHHELD,
    "ret:emp-a:participants:m6": WITHHELD,
    "ret:emp-a:participants:m12": WITHHELD,
    "ret:emp-a:comparison:m12": WITHHELD,
    "cost:emp-a|clerical:difference": WITHHELD,
}
KNOWN_PREFIX = {}


def main(argv):
    page, docs = argv[1], [json.load(open(p)) for p in argv[2:5]]
    parser = Cells()
    parser.feed(open(page, encoding="utf-8").read())
    got = parser.cells
    problems = []
    for key, text in sorted(expected(*docs).items()):
        if got.get(key) != text:
            problems.append("%s: pathwaysctl %r, dashboard %r" % (key, text, got.get(key)))
    for key, text in KNOWN.items():
        if got.get(key) != text:
            problems.append("%s: expected %r, dashboard %r" % (key, text, got.get(key)))
    for key, text in KNOWN_PREFIX.items():
        if not (got.get(key) or "").startswith(text):
            problems.append("%s: expected %r..., dashboard %r" % (key, text, got.get(key)))
    if not any(k.startswith("queue:") for k in got):
        problems.append("no queue health rows on the page")
    for p in problems:
        print(p)
    print("%d figures compared, %d problems" % (len(got), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
