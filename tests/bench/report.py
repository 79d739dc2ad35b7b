#!/usr/bin/env python3
"""Turns one benchmark run's raw output (wrk, pgbench logs) into a Markdown report."""
import glob
import os
import platform
import re
import subprocess
import sys

out, n, duration, levels = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].split()
round_count = int(sys.argv[5]) if len(sys.argv) > 5 else 1


def text(name):
    path = os.path.join(out, name)
    return open(path).read().strip() if os.path.exists(path) else None


REQUESTS = [
    ("page", "a page of 50 applications with lead, call, budget, split, commitments"),
    ("portfolio", "portfolio by status and region for a year"),
    ("deadlines", "upcoming deadlines of one organisation"),
    ("set_budget", "setBudget (5 lines)"),
]
# Measured on salkku and the floor only.
PERIOD = text("cash-flow-period.txt")
LIFECYCLE = [
    ("budget_diff", "budget diff of two versions of one application"),
    ("cash_flow", "cash flow by quarter, whole portfolio" + (f", {PERIOD}" if PERIOD else "")),
    ("exposure", "one municipality's exposure"),
    ("record_payment", "recordPayment (outside the instalment plan)"),
    ("settle_instalment", "recordPayment settling a requested instalment"
     + (f" (up to {SETTLE} a measurement, SETTLE / c a connection, each once)" if (SETTLE := text("settle-count.txt")) else "")),
]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
SYSTEMS = ("salkku", "postgraphile", "postgraphile5", "seaography")
NAMES = {"salkku": "salkku", "postgraphile": "PostGraphile 4", "postgraphile5": "PostGraphile 5", "seaography": "seaography"}
WRITES = {"set_budget": "setBudget", "record_payment": "recordPayment", "settle_instalment": "recordPayment of an instalment"}


def answered(system, request, level):
    """For a write: how many the database shows (setBudget: versions moved past 1; recordPayment:
    the bench's payments, settling an instalment: those that settled the measurements' instalments)."""
    name = f"written-{system}-{level}.txt" if request == "set_budget" else f"written-{system}-{request}-{level}.txt"
    path = os.path.join(out, name)
    return int(open(path).read().strip() or 0) if os.path.exists(path) else None


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def rounds(measured):
    """One measurement from its rounds: the median of each figure, non-2xx answers summed."""
    measured = [m for m in measured if m]
    if not measured:
        return None
    return {"rps": median(m["rps"] for m in measured), "p50": median(m["p50"] for m in measured),
            "p99": median(m["p99"] for m in measured), "non2xx": sum(m["non2xx"] for m in measured),
            "sent": sum(m["sent"] for m in measured)}


def round_files(prefix, suffix):
    """A measurement's files, one per round (runs before rounds wrote one file, unnumbered)."""
    numbered = sorted(glob.glob(os.path.join(out, f"{prefix}-[0-9]*{suffix}")))
    single = os.path.join(out, f"{prefix}{suffix}")
    return numbered or ([single] if os.path.exists(single) else [])


def wrk_round(path):
    text = open(path).read()
    # A script that stops once its share is answered times its own span (settle_instalment.lua):
    # wrk's own rate divides by the whole duration.
    # If one thread did not finish its share within the duration, the script says so and there is no
    # rate to give.
    if "Settled/sec:" in text:
        timed = re.search(r"Settled/sec:\s+([\d.]+)", text)
        rps = float(timed.group(1)) if timed else 0.0
    else:
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    pct = {}
    for p, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M):
        pct[p] = float(value) * UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sent = re.search(r"^\s+(\d+) requests in ", text, re.M)
    return {"rps": rps, "p50": pct.get("50"), "p99": pct.get("99"), "non2xx": int(errors.group(1)) if errors else 0,
            "sent": int(sent.group(1)) if sent else 0}


def wrk(system, request, level):
    return rounds(wrk_round(path) for path in round_files(f"wrk-{system}-{request}-{level}", ".txt"))


def floor_round(summary):
    text = open(summary).read()
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", text)
    processed = re.search(r"number of transactions actually processed: (\d+)", text)
    latencies = []
    for log in glob.glob(summary[: -len(".txt")] + ".[0-9]*"):
        for line in open(log):
            parts = line.split()
            if len(parts) >= 3:
                latencies.append(int(parts[2]) / 1000.0)
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else None
    return {"rps": float(tps.group(1)) if tps else 0.0, "p50": pick(0.50), "p99": pick(0.99), "non2xx": 0,
            "sent": int(processed.group(1)) if processed else 0}


def floor(request, level):
    return rounds(floor_round(path) for path in round_files(f"pgbench-{request}-{level}", ".txt"))


def cell(m):
    if not m:
        return "–"
    return f"{m['rps']:.0f} /s, {m['p50']:.1f} / {m['p99']:.1f} ms" if m["p50"] is not None else f"{m['rps']:.0f} /s"


def ratio(a, b):
    return f"{a['rps'] / b['rps']:.2f}" if a and b and b["rps"] else "–"


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip().splitlines()[0]
    except Exception:
        return "?"


def locked(*names):
    """The versions tests/bench/seaography/Cargo.lock holds, e.g. "seaography 2.0.0-rc.9"."""
    lock = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seaography", "Cargo.lock")
    found = dict(re.findall(r'^name = "([^"]+)"\nversion = "([^"]+)"', open(lock).read(), re.M)) if os.path.exists(lock) else {}
    return ", ".join(f"{name} {found.get(name, '?')}" for name in names)


cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
every = (f"{round_count} rounds of {duration} per measurement, the systems and the floor taking turns; "
         "each figure is the median of its rounds") if round_count > 1 else f"{duration} per measurement"
print(f"Benchmark of {os.path.basename(out)}: N = {n:,} applications, {every}.\n")
print(f"- Machine: {cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}")
POSTGRAPHILE_VERSION = "console.log(require(process.env.HOME + '/.cache/salkku/bench/node_modules/postgraphile/package.json').version)"
pg4 = text("postgraphile-version.txt") or version(["node", "-e", POSTGRAPHILE_VERSION])  # runs before it was recorded
pg5 = text("postgraphile5-version.txt")
print(f"- PostgreSQL: {version(['psql', '--version'])}; {version(['wrk', '--version'])}; "
      f"PostGraphile {pg4} on Node.js {version(['node', '--version']).lstrip('v')}; "
      + (f"PostGraphile {pg5}; " if pg5 else "")
      + locked("seaography", "async-graphql", "sea-orm", "actix-web"))
print(f"- Loading the portfolio: {open(os.path.join(out, 'seed-seconds.txt')).read().strip()} s "
      f"({open(os.path.join(out, 'seed.txt')).read().strip()})")
rss = open(os.path.join(out, "salkku-peak-rss-kb.txt")).read().strip()
peers = [(NAMES[s], r) for s in SYSTEMS[1:] if (r := text(f"{s}-peak-rss-kb.txt"))]
print(f"- salkku peak RSS under load: {int(rss) / 1024:.0f} MB"
      + (" (" + ", ".join(f"{name}: {int(r) / 1024:.0f} MB" for name, r in peers) + ")" if peers else "")
      + f"; `serve --demo` ready on an empty directory in "
      f"{open(os.path.join(out, 'startup-seconds.txt')).read().strip()} s")
for system in ("postgraphile5", "seaography"):
    unavailable = text(f"{system}-unavailable.txt")
    if unavailable:
        print(f"- {NAMES[system]} is not measured in this run: {unavailable}")
if (unsettled := text("settle-unavailable.txt")):
    print(f"- Settling an instalment is not measured in this run: {unsettled}")
print("\nThroughput, then p50 / p99 latency. Ratios are of throughput.\n")
print("| request | conc. | salkku | PostGraphile 4 | PostGraphile 5 | seaography | floor (SQL) "
      "| salkku ÷ PostGraphile 4 | salkku ÷ PostGraphile 5 | salkku ÷ seaography | salkku ÷ floor |")
print("|---|---:|---|---|---|---|---|---:|---:|---:|---:|")
for request, label in REQUESTS:
    for level in levels:
        s, p, p5, g = (wrk(system, request, level) for system in SYSTEMS)
        f = floor(request, level)
        print(f"| {label} | {level} | {cell(s)} | {cell(p)} | {cell(p5)} | {cell(g)} | {cell(f)} "
              f"| {ratio(s, p)} | {ratio(s, p5)} | {ratio(s, g)} | {ratio(s, f)} |")
lifecycle = [(label, level, wrk("salkku", request, level), floor(request, level)) for request, label in LIFECYCLE for level in levels]
lifecycle = [row for row in lifecycle if row[2] or row[3]]
if lifecycle:
    print("\nThe lifecycle requests, salkku and the floor only (`pgbench/*.sql` as for the others).\n")
    print("| request | conc. | salkku | floor (SQL) | salkku ÷ floor |")
    print("|---|---:|---|---|---:|")
    for label, level, s, f in lifecycle:
        print(f"| {label} | {level} | {cell(s)} | {cell(f)} | {ratio(s, f)} |")
as_json = [(label, level, s, f, j) for request, label in REQUESTS + LIFECYCLE for level in levels
           if (j := floor(f"{request}_json", level)) and (f := floor(request, level)) and (s := wrk("salkku", request, level))]
if as_json:
    print("\nThe answers as JSON, built by PostgreSQL alone (`pgbench/*_json.sql`: the floor's rows shaped as the "
          "response by `json_build_object` in one statement, no HTTP, no GraphQL): a reference for what producing "
          "the answer as JSON costs.\n")
    print("| request | conc. | floor (SQL) | the answer as JSON | JSON ÷ floor | salkku ÷ JSON |")
    print("|---|---:|---|---|---:|---:|")
    for label, level, s, f, j in as_json:
        print(f"| {label} | {level} | {cell(f)} | {cell(j)} | {ratio(j, f)} | {ratio(s, j)} |")
# Every round so far, against what wrk counted (not those still under way when it stopped: up to
# one per connection a round) or the transactions pgbench completed.
for request, name in WRITES.items():
    for system in SYSTEMS + ("floor",):
        for level in levels:
            w = answered(system, request, level)
            m = floor(request, level) if system == "floor" else wrk(system, request, level)
            if m and w is not None:
                sent = f"{m['sent']} transactions" if system == "floor" else f"{m['sent']} requests"
                print(f"\n{system} {name} at {level}: {w} writes in the database of {sent}", end="")
print()
bad = [(s, r, l) for s in SYSTEMS for r, _ in REQUESTS + LIFECYCLE for l in levels
       if (m := wrk(s, r, l)) and m["non2xx"]]
if bad:
    print("\nNon-2xx answers in: " + ", ".join(f"{s} {r} {l}" for s, r, l in bad))
