"""Dunning from Python against the shared yardstick (../shared/perf): the same
ledger (gen_ledger.py's Parquet), the same selection rule as its report (e), done by
the engine and by the pandas and polars baselines; checks that the selections agree
item by item, then times each side.

Report (e): open > 0, not disputed, level = number of thresholds {-5, 1, 15, 30, 45}
at or below days overdue. The engine gets the same rule as a scenario of five steps at
those offsets, catching up to the highest step reached (`catch_up: highest_reached`),
one action per customer (`grouping: highest_level`), no history, calendar days.

    python bindings/python/bench/dunning_yardstick.py --data /tmp/ar_perf/1m \
        [--perf ../shared/perf] [--runs 3]

Not run by the tests: it needs the generated data (seconds to make with
gen_ledger.py) and takes a minute.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pyarrow.parquet as pq

import encours

AS_OF = datetime.date(2026, 11, 22)
THRESHOLDS = [-5, 1, 15, 30, 45]


def config() -> encours.DunningConfig:
    channels = ["email", "email", "letter", "phone_call", "formal_notice"]
    steps = [
        {"id": f"level_{n + 1}", "offset_days": t, "channel": c, "template": "reminder"}
        for n, (t, c) in enumerate(zip(THRESHOLDS, channels))
    ]
    return encours.DunningConfig.from_dict({
        "scenarios": [{"id": "yardstick", "steps": steps}],
        "default_scenario": "yardstick",
        "catch_up": "highest_reached",
        "grouping": "highest_level",
        "thank_you": False,
    })


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times = []
    out = None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="directory written by gen_ledger.py")
    ap.add_argument("--perf", default=str(Path(__file__).resolve().parents[3] / "shared" / "perf"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, args.perf)
    import baseline_pandas as bpd  # noqa: PLC0415 (the yardstick's own code)
    import baseline_polars as bpl  # noqa: PLC0415
    import polars as pl

    tables = {n: pq.read_table(os.path.join(args.data, f"{n}.parquet")) for n in ("customers", "invoices", "payments")}
    t_load, ledger = timed(lambda: encours.Ledger.from_arrow(tables["customers"], tables["invoices"], tables["payments"]), 1)
    cfg = config()
    t_plan, plan = timed(lambda: ledger.dunning_plan(cfg, AS_OF), args.runs)
    t_items, items = timed(lambda: plan.items_table().to_polars(), args.runs)

    inv, pay = bpl.load_parquet(args.data)
    t_pl, (sel_pl, _) = timed(
        lambda: [x.collect() for x in bpl.q_e_dunning(bpl.q_a_open(inv.lazy(), pay.lazy()))], args.runs)
    pinv, ppay = bpd.load_parquet(args.data)
    t_pd, (sel_pd, _) = timed(lambda: bpd.step_e_dunning(bpd.step_a_open(pinv, ppay)), args.runs)

    ours = (items.filter(pl.col("action_kind") == "step")
            .select(invoice_id=pl.col("item_id").cast(pl.Int64), level=pl.col("level").cast(pl.Int32),
                    open_cents=(pl.col("open") * 100).cast(pl.Int64))
            .sort("invoice_id"))
    theirs = sel_pl.select("invoice_id", pl.col("level").cast(pl.Int32), "open_cents").sort("invoice_id")
    same = ours.equals(theirs)
    disputed = sum(1 for x in plan.left_out if x.reason == "disputed")

    print(f"ledger: {tables['invoices'].num_rows:,} invoices, {tables['customers'].num_rows:,} customers")
    print(f"engine: {len(plan):,} actions over {ours.height:,} items; {disputed:,} disputed items left out")
    print(f"polars (e): {theirs.height:,} items; pandas (e): {len(sel_pd):,} items")
    print(f"selection identical to the yardstick (item, level, open): {same}")
    if not same:
        diff = ours.join(theirs, on="invoice_id", how="full", suffix="_yardstick").filter(
            (pl.col("level") != pl.col("level_yardstick")) | pl.col("level").is_null() | pl.col("level_yardstick").is_null())
        print(diff.head(20))
    print()
    print("| step | seconds (median) |")
    print("|---|---:|")
    print(f"| encours `Ledger.from_arrow` (once) | {t_load:.3f} |")
    print(f"| encours `ledger.dunning_plan` | {t_plan:.3f} |")
    print(f"| encours `plan.items_table().to_polars()` | {t_items:.3f} |")
    print(f"| polars (a) open amounts + (e) selection | {t_pl:.3f} |")
    print(f"| pandas (a) open amounts + (e) selection | {t_pd:.3f} |")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
