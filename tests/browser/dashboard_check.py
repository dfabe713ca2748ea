#!/usr/bin/env python3
"""Drives the dashboard in headless Chromium (through chromedriver) and
checks every figure on it against the JSON the figures come from.

usage: dashboard_check.py WORKDIR DRIVER_PORT PAGE_URL KNOWN RETENTION.json
                          OUTCOMES.json COST.json

PAGE_URL is the page with its query (as_of, slice, ...). The page is loaded
at desktop width and at phone width (390 px, mobile emulation). Every
figure carries data-k; its text must equal the JSON value formatted the
dashboard's way (percent with one decimal, whole dollars, "withheld" for a
withheld figure): retention, outcomes and cost against pathwaysctl's JSON
(--release), the funnel and cohorts against the page's own API
(/api/funnel). Also: no console messages and no errors noted by the page;
at phone width no horizontal scroll and no element outside the viewport or
cut off by its box; the known answers named by KNOWN (see KNOWN_SETS) of
the crafted data set of tests/e2e/test_dashboard.sh. Exits 1 listing every
problem."""
import json
import os
import sys
import urllib.parse
import urllib.request

from webdriver import Driver, poll

WITHHELD = "withheld"
LOAD_DEADLINE_S = 60

# Every figure on the page: data-k -> text.
CELLS_JS = """
const out = {};
for (const el of document.querySelectorAll('[data-k]')) out[el.dataset.k] = el.textContent;
return out;"""

# At phone width: sideways scroll, and elements beyond the viewport or
# wider than a box that clips them.
LAYOUT_JS = """
const w = document.documentElement.clientWidth, bad = [];
if (document.documentElement.scrollWidth > w) bad.push('page scrolls sideways: '
  + document.documentElement.scrollWidth + ' > ' + w);
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.dataset.k ? '[' + el.dataset.k + ']' : '');
  if (r.left < -0.5 || r.right > w + 0.5) bad.push(name + ' outside the viewport: '
    + r.left.toFixed(1) + '..' + r.right.toFixed(1) + ' of ' + w);
  const ov = getComputedStyle(el).overflowX;
  if (ov !== 'visible' && el.scrollWidth > el.clientWidth + 1) bad.push(name + ' cut off: '
    + el.scrollWidth + ' > ' + el.clientWidth);
}
return bad;"""


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


FUNNEL = ("eligible", "invited", "applied", "enrolled", "in_training", "completed", "certified",
          "placed", "open_invitations", "waitlisted", "seats_taken")
COHORT = ("enrolled", "seats_taken", "waitlisted", "completed", "placed")


def api_count(c):
    return WITHHELD if c["suppressed"] else str(c["value"])


def api_figure(f, fmt):
    return WITHHELD if f["suppressed"] else fmt(f["value"])


PROGRESS = ("sessions_present", "sessions_absent", "sessions_excused", "at_risk")


def expected_providers(doc):
    """The training providers panel against the page's API (outcomes by
    provider)."""
    want = {}
    for r in doc["rows"] + ([doc["total"]] if doc.get("total") else []):
        k = "prov:%s:" % r["slice"]
        for c in ("enrolled", "completed", "certified") + PROGRESS:
            want[k + c] = api_count(r[c])
        for c in ("completion_rate", "certification_rate"):
            want[k + c] = api_figure(r[c], pct)
        want[k + "median_cert_days"] = api_figure(r["median_days_to_certification"],
                                                  lambda v: "%.1f" % v)
    return want


def expected_funnel(funnel, cohorts):
    want = {}
    for k in FUNNEL:
        want["funnel:" + k] = api_count(funnel["total"][k])
    for r in cohorts["rows"]:
        for k in COHORT:
            want["cohort:%s:%s" % (r["slice"], k)] = api_count(r[k])
    return want


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
        m = r["median_days_to_certification"]
        want[k + "median_cert_days"] = WITHHELD if m is None else "%.1f" % m
        for c in PROGRESS:
            want[k + c] = count(r[c])
    for r in outcomes["exits"]:
        want["exit:" + r["reason"]] = count(r["people"])
    for r in cost["rows"]:
        role = "" if r["employer"] == "total" else r["role"]
        k = "cost:%s|%s|%s:" % (r["program"], r["employer"], role)
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
# protected. "final" (report date 2025-12-31): emp-b's 8 participants keep
# the whole employer breakdown from passing the cover-table rule
# (services/reporting/README.md), so every employer row is withheld, emp-a's
# too; the total of 43 is shown; the funnel is withheld whole (a status
# class of 1 to 10: the 1 certified but not placed, the 5 withdrawn).
# "early" (2025-02-28, before any milestone or withdrawal): the funnel's
# total passes: 93 eligible, 43 enrolled, 12 open invitations, 12 waiting;
# cohorts are withheld (c2 holds 8 participants).
FINAL = {
    "ret:emp-a:participants:people": WITHHELD,
    "ret:emp-a:comparison:people": WITHHELD,
    "ret:emp-b:participants:people": WITHHELD,
    "ret:emp-b:comparison:people": WITHHELD,
    "ret:emp-a:participants:logrank_p": "",
    "out:emp-a:enrolled": WITHHELD,
    "out:emp-b:enrolled": WITHHELD,
    "out:emp-c:enrolled": WITHHELD,
    "out:total:enrolled": "43",
    "prov:college:enrolled": "28",
    "prov:academy:enrolled": "15",
    "prov:academy:sessions_present": WITHHELD,
    "cost:mapp|emp-a|clerical:participants": WITHHELD,
    "ret:emp-a:participants:m6": WITHHELD,
    "ret:emp-a:participants:m12": WITHHELD,
    "ret:emp-a:comparison:m12": WITHHELD,
    "cost:mapp|emp-a|clerical:difference": WITHHELD,
    "funnel:eligible": WITHHELD,
    "funnel:placed": WITHHELD,
    "funnel:waitlisted": WITHHELD,
}
EARLY = {
    "funnel:eligible": "93",
    "funnel:invited": "67",
    "funnel:applied": "55",
    "funnel:enrolled": "43",
    "funnel:in_training": "0",
    "funnel:completed": "0",
    "funnel:placed": "0",
    "funnel:open_invitations": "12",
    "funnel:waitlisted": "12",
    "funnel:seats_taken": "43",
    "cohort:c1:seats_taken": WITHHELD,
    "cohort:c2:waitlisted": WITHHELD,
    "out:total:enrolled": "43",
}
QUEUES = {
    "queue:demo:audit:lag": "2",
    "queue:demo:audit:dead_letters": "1",
    "queue:demo:audit:status": "stopped",
}
KNOWN_SETS = {"final": FINAL, "early": EARLY}


def api_json(page_url, path, **override):
    """The page's API answer for path with the page's filters (the slice
    dropped, as the page does for the funnel) and override."""
    u = urllib.parse.urlsplit(page_url)
    q = dict(urllib.parse.parse_qsl(u.query))
    q.pop("refresh", None)
    q.pop("slice", None)
    q.update(override)
    url = "%s://%s%s?%s" % (u.scheme, u.netloc, path, urllib.parse.urlencode(q))
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def load(sess, url, problems, label):
    """Loads url; returns the page's figures. Notes console messages and
    errors the page counted."""
    sess.get(url)
    poll(label + " page loaded", lambda: sess.script(
        "return document.body.dataset.loaded === 'yes' || document.body.dataset.errors !== '0'"),
        LOAD_DEADLINE_S)
    errors = sess.script("return document.body.dataset.errors")
    if errors != "0":
        problems.append("%s: the page counted %s errors: %s" % (
            label, errors, sess.script("return document.getElementById('status').textContent")))
    for e in sess.console():
        problems.append("%s: console %s: %s" % (label, e.get("level"), e.get("message")))
    return sess.script(CELLS_JS)


def main(argv):
    work, port, url, known = argv[1], int(argv[2]), argv[3], KNOWN_SETS[argv[4]]
    docs = [json.load(open(p)) for p in argv[5:8]]
    want = expected(*docs)
    want.update(expected_funnel(api_json(url, "/api/funnel"),
                                api_json(url, "/api/funnel", slice="cohort")))
    want.update(expected_providers(api_json(url, "/api/outcomes", slice="provider")))
    problems = []
    driver = Driver(port, os.path.join(work, "chromedriver.log"))
    try:
        desk = driver.session(os.path.join(work, "profile-desktop"), 1280, 900)
        got = load(desk, url, problems, "desktop")
        desk.quit()
        phone = driver.session(os.path.join(work, "profile-phone"), 390, 844, mobile=True)
        small = load(phone, url, problems, "390 px")
        width = phone.script("return document.documentElement.clientWidth")
        if width != 390:
            problems.append("phone viewport is %s px wide, not 390" % width)
        problems.extend("390 px: " + p for p in phone.script(LAYOUT_JS))
        phone.quit()
    finally:
        driver.stop()
    if small != got:
        problems.append("390 px: the figures differ from the desktop page's")
    for key, text in sorted(want.items()):
        if got.get(key) != text:
            problems.append("%s: JSON %r, dashboard %r" % (key, text, got.get(key)))
    for key, text in list(known.items()) + list(QUEUES.items()):
        if got.get(key) != text:
            problems.append("%s: expected %r, dashboard %r" % (key, text, got.get(key)))
    if not any(k.startswith("queue:") for k in got):
        problems.append("no queue health rows on the page")
    if not got.get("cost:source"):
        problems.append("the cost source is not shown")
    for p in problems:
        print(p)
    print("%d figures compared, %d problems" % (len(want) + len(known), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
