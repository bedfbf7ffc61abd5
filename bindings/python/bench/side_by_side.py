"""encours vs polars vs pandas on the yardstick's reports (a)-(e), one run, ratios.

The repository's copy of shared/perf/side_by_side.py (the baselines are used as they
are, from the shared folder). It adds the ledger's own memory (bytes per invoice,
`Ledger.memory_bytes()`) to encours' figures.

Each library runs in its own subprocess (separate peak RSS), rounds interleaved so
machine noise hits all three alike. encours' end-to-end starts from the pyarrow
tables (Ledger.from_arrow included) and ends with every result as an Arrow table;
the baselines' end-to-end starts from their loaded frames (their Parquet load is
excluded, as in shared/perf).

    PY=<venv with encours, polars, pandas, pyarrow> \
    $PY ../shared/perf/gen_ledger.py --customers 100000 --invoices 1000000 --out /tmp/ar/1m
    $PY bindings/python/bench/side_by_side.py --data /tmp/ar/1m --rounds 3 [--json out.json]

The baselines are read from $ENCOURS_PERF_DIR, else ../shared/perf next to the
repository, else /work/shared/perf.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import time

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PERF = next(
    (p for p in (os.environ.get("ENCOURS_PERF_DIR"), os.path.join(os.path.dirname(_REPO), "shared", "perf"),
                 "/work/shared/perf") if p and os.path.exists(os.path.join(p, "harness.py"))),
    "/work/shared/perf",
)
AS_OF = datetime.date(2026, 11, 22)
THRESHOLDS = [-5, 1, 15, 30, 45]


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_encours(data: str) -> dict:
    import pyarrow as pa
    import pyarrow.parquet as pq
    import encours

    t = {n: pq.read_table(os.path.join(data, f"{n}.parquet")) for n in ("customers", "invoices", "payments")}
    input_mib = sum(x.nbytes for x in t.values()) / 2**20
    channels = ["email", "email", "letter", "phone_call", "formal_notice"]
    cfg = encours.DunningConfig.from_dict({
        "scenarios": [{"id": "yardstick", "steps": [
            {"id": f"level_{n + 1}", "offset_days": d, "channel": c, "template": "reminder"}
            for n, (d, c) in enumerate(zip(THRESHOLDS, channels))]}],
        "default_scenario": "yardstick", "catch_up": "highest_reached",
        "grouping": "highest_level", "thank_you": False})
    laps = {}
    t0 = time.perf_counter()
    ledger = encours.Ledger.from_arrow(t["customers"], t["invoices"], t["payments"])
    laps["from_arrow"] = time.perf_counter() - t0
    ledger_bytes = ledger.memory_bytes()
    steps = {
        "a_open": lambda: pa.table(ledger.item_states(AS_OF)),
        "b_aging": lambda: pa.table(ledger.aging(AS_OF, group_by="customer")),
        "c_adbt": lambda: pa.table(ledger.payment_behaviour(AS_OF, window_days=365, group_by="customer")),
        "d_dso": lambda: pa.table(ledger.dso_count_back(AS_OF, group_by="customer")),
        "e_dunning": lambda: pa.table(ledger.dunning_plan(cfg, AS_OF).items_table()),
    }
    rows = {}
    for k, f in steps.items():
        t0 = time.perf_counter()
        out = f()
        laps[k] = time.perf_counter() - t0
        rows[k] = out.num_rows
    laps["e2e_excl_build"] = sum(laps[k] for k in steps)
    laps["e2e"] = laps["e2e_excl_build"] + laps["from_arrow"]
    return {"laps": laps, "rows": rows, "peak_mib": peak_mib(), "input_mib": input_mib,
            "ledger_bytes": ledger_bytes, "invoices": ledger.num_items}


def run_baseline(lib: str, data: str) -> dict:
    sys.path.insert(0, PERF)
    import harness
    mod = __import__("baseline_polars" if lib == "polars" else "baseline_pandas")
    t0 = time.perf_counter()
    frames = mod.load_parquet(data)
    load = time.perf_counter() - t0
    timer = harness.Timer()
    mod.compute(frames, timer)
    laps = dict(timer.laps)
    laps["e2e"] = sum(laps[s] for s in harness.STEPS)
    laps["load_parquet"] = load
    return {"laps": laps, "peak_mib": peak_mib()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--one", choices=["encours", "polars", "pandas"])
    ap.add_argument("--json")
    a = ap.parse_args()
    if a.one:
        r = run_encours(a.data) if a.one == "encours" else run_baseline(a.one, a.data)
        print(json.dumps(r))
        return
    res: dict[str, list[dict]] = {"encours": [], "polars": [], "pandas": []}
    for _ in range(a.rounds):
        for lib in res:
            p = subprocess.run([sys.executable, __file__, "--data", a.data, "--one", lib],
                               capture_output=True, text=True)
            if p.returncode:
                print(p.stderr, file=sys.stderr)
                raise SystemExit(f"{lib} failed")
            res[lib].append(json.loads(p.stdout.strip().splitlines()[-1]))
    med = {lib: {k: statistics.median(r["laps"][k] for r in runs) for k in runs[0]["laps"]}
           for lib, runs in res.items()}
    peak = {lib: max(r["peak_mib"] for r in runs) for lib, runs in res.items()}
    print(f"data {a.data}, {a.rounds} rounds, medians (s)")
    print("| step | encours | polars | pandas | polars/encours | pandas/encours |")
    print("|---|---:|---:|---:|---:|---:|")
    for k in ["from_arrow", "a_open", "b_aging", "c_adbt", "d_dso", "e_dunning", "e2e_excl_build", "e2e"]:
        e = med["encours"].get(k)
        pl_ = med["polars"].get(k if k not in ("e2e_excl_build",) else "e2e")
        pd_ = med["pandas"].get(k if k not in ("e2e_excl_build",) else "e2e")
        if k == "from_arrow":
            pl_ = med["polars"]["load_parquet"]
            pd_ = med["pandas"]["load_parquet"]
        f = lambda x: "–" if x is None else f"{x:.3f}"
        r = lambda x: "–" if (x is None or not e) else f"{x / e:.2f}×"
        print(f"| {k} | {f(e)} | {f(pl_)} | {f(pd_)} | {r(pl_)} | {r(pd_)} |")
    print(f"| peak RSS MiB | {peak['encours']:.0f} | {peak['polars']:.0f} | {peak['pandas']:.0f} | | |")
    e0 = res["encours"][0]
    print(f"input Arrow MiB {e0['input_mib']:.0f}; rows {e0['rows']}")
    print(f"encours ledger: {e0['ledger_bytes'] / 2**20:.0f} MiB, "
          f"{e0['ledger_bytes'] / max(e0['invoices'], 1):.0f} bytes per invoice (payments and applications included)")
    print("(from_arrow row: baselines show their Parquet load, which also builds their frames)")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"medians": med, "peak_mib": peak, "raw": res}, fh, indent=1)


if __name__ == "__main__":
    main()
