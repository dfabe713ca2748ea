#!/usr/bin/env python3
"""A multi-year partner history for a few dozen employees, and its oracle.

Used by test_eligibility_history.sh. Writes into OUT_DIR:
  all.jsonl      every event, in date order (the one-shot publish)
  days/D.jsonl   the events effective on day D (the day-by-day replay)
  days.txt       the days that have events, in order
  oracle.tsv     employee, first day eligible for MAPP, first day of the
                 spell that holds on TODAY ("" when none), counted day by
                 day over the facts as they stood each day

Histories hold hires, job changes (between listed families, to an unlisted
one, title only), hours changes, leave, standing changes, terminations and
rehires, plus a few fixed edge cases (see EDGES). Usage:
  eligibility_history.py OUT_DIR TODAY [SEED] [EMPLOYEES]
"""
import datetime as dt
import json
import os
import random
import sys

LISTED = ["environmental_services", "food_service", "patient_access", "transport", "clerical"]
UNLISTED = ["nursing", "pharmacy"]
MIN_TENURE = 90
EMPLOYER = "acme"


class Person:
    def __init__(self, emp):
        self.emp = emp
        self.events = []  # (day, type, data)
        self.n = 0

    def add(self, day, kind, data=None):
        self.events.append((day, kind, data or {}))


def full_data(family, hire=None, etype="full_time", standing="good"):
    d = {"job_family": family, "status": "active", "employment_type": etype, "standing": standing}
    if hire:
        d["hire_date"] = hire.isoformat()
    return d


def random_history(p, rng, start, today):
    day = hired = start + dt.timedelta(days=rng.randrange(0, 3 * 365))
    p.add(day, "hired", full_data(rng.choice(LISTED + UNLISTED[:1]), hire=day,
                                  etype=rng.choice(["full_time"] * 4 + ["part_time"])))
    employed, on_leave = True, False
    while True:
        day += dt.timedelta(days=rng.randrange(20, 260))
        if day >= today:
            return
        if not employed:
            p.add(day, "rehired", full_data(rng.choice(LISTED), hire=hired))
            employed = True
            continue
        if on_leave:
            p.add(day, "leave_ended")
            on_leave = False
            continue
        r = rng.random()
        if r < 0.25:
            fam = rng.choice(LISTED + UNLISTED)
            p.add(day, "job_changed", {"job_family": fam, "job_title": "t%d" % rng.randrange(99)})
        elif r < 0.35:
            p.add(day, "job_changed", {"job_title": "title %d" % rng.randrange(99)})
        elif r < 0.5:
            p.add(day, "hours_changed", {"employment_type": rng.choice(["full_time", "part_time"])})
        elif r < 0.7:
            p.add(day, "standing_changed",
                  {"standing": rng.choice(["good", "good", "corrective_action", "final_warning"])})
        elif r < 0.82:
            p.add(day, "leave_started")
            on_leave = True
        else:
            p.add(day, "terminated", {"reason_code": "resigned"})
            employed = False


def d(s):
    return dt.date.fromisoformat(s)


# Fixed edge cases: (employee, [(day, type, data)]).
EDGES = [
    # Terminated before reaching tenure: never eligible.
    ("X01", [("2023-01-10", "hired", full_data("clerical", d("2023-01-10"))),
             ("2023-03-01", "terminated", {})]),
    # Standing lost on the very day tenure passes: never eligible.
    ("X02", [("2023-02-01", "hired", full_data("transport", d("2023-02-01"))),
             ("2023-05-02", "standing_changed", {"standing": "corrective_action"})]),
    # ... and the day after: one day eligible, then again from a later day.
    ("X03", [("2023-02-01", "hired", full_data("transport", d("2023-02-01"))),
             ("2023-05-03", "standing_changed", {"standing": "final_warning"}),
             ("2023-09-01", "standing_changed", {"standing": "good"})]),
    # Job change between two listed families mid-spell, then a title-only
    # change: the spell does not restart.
    ("X04", [("2022-03-01", "hired", full_data("food_service", d("2022-03-01"))),
             ("2022-10-01", "job_changed", {"job_family": "clerical", "job_title": "clerk"}),
             ("2023-04-01", "job_changed", {"job_title": "senior clerk"})]),
    # Terminated, rehired: tenure counts again from the rehire.
    ("X05", [("2022-01-03", "hired", full_data("patient_access", d("2022-01-03"))),
             ("2023-06-30", "terminated", {}),
             ("2024-02-01", "rehired", full_data("patient_access", d("2022-01-03")))]),
    # Part time until a change to full time long after tenure passed.
    ("X06", [("2022-05-01", "hired", full_data("clerical", d("2022-05-01"), etype="part_time")),
             ("2024-07-15", "hours_changed", {"employment_type": "full_time"})]),
]


def state_on(events, day):
    """The facts on day, applying every event effective on or before it."""
    f = {"status": "", "type": "", "family": "", "standing": "", "start": None}
    for when, kind, data in events:
        if when > day:
            break
        status = {"leave_started": "leave", "leave_ended": "active", "rehired": "active",
                  "terminated": "terminated"}.get(kind, data.get("status"))
        if status:
            f["status"] = status
        if data.get("employment_type"):
            f["type"] = data["employment_type"]
        if data.get("job_family"):
            f["family"] = data["job_family"]
        if data.get("standing"):
            f["standing"] = data["standing"]
        if kind == "hired":
            f["start"] = d(data["hire_date"])
        elif kind == "rehired":
            f["start"] = when
    return f


def eligible(f, day):
    return (f["status"] == "active" and f["type"] == "full_time" and f["family"] in LISTED
            and f["standing"] == "good" and f["start"] is not None
            and (day - f["start"]).days >= MIN_TENURE)


def oracle(events, today):
    first, since = "", ""
    day = events[0][0]
    while day <= today:
        ok = eligible(state_on(events, day), day)
        if ok and not first:
            first = day.isoformat()
        if ok and not since:
            since = day.isoformat()
        if not ok:
            since = ""
        day += dt.timedelta(days=1)
    return first, since


def main():
    out, today = sys.argv[1], d(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    rng = random.Random(seed)
    people = []
    for emp, evs in EDGES:
        p = Person(emp)
        for when, kind, data in evs:
            p.add(d(when), kind, data)
        people.append(p)
    for i in range(count):
        p = Person("E%03d" % i)
        random_history(p, rng, d("2022-01-01"), today)
        people.append(p)
    lines = []
    for p in people:
        for n, (when, kind, data) in enumerate(p.events):
            ev = {"id": "%s-%03d" % (p.emp, n), "source": EMPLOYER, "subject": p.emp,
                  "type": "org.pathways.employee.%s.v1" % kind,
                  "effective_date": when.isoformat()}
            if data:
                ev["data"] = data
            lines.append((when, p.emp, n, json.dumps(ev, sort_keys=True)))
    lines.sort()
    os.makedirs(os.path.join(out, "days"), exist_ok=True)
    with open(os.path.join(out, "all.jsonl"), "w") as f:
        f.writelines(line + "\n" for _, _, _, line in lines)
    days = sorted({when for when, _, _, _ in lines})
    for day in days:
        with open(os.path.join(out, "days", day.isoformat() + ".jsonl"), "w") as f:
            f.writelines(line + "\n" for when, _, _, line in lines if when == day)
    with open(os.path.join(out, "days.txt"), "w") as f:
        f.writelines(day.isoformat() + "\n" for day in days)
    with open(os.path.join(out, "oracle.tsv"), "w") as f:
        for p in sorted(people, key=lambda p: p.emp):
            first, since = oracle(p.events, today)
            f.write("%s\t%s\t%s\n" % (p.emp, first, since))


if __name__ == "__main__":
    main()
