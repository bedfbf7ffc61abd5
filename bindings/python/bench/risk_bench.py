"""Risk and the order check from Python at the yardstick's scale (issue 12): the
feature table and its scores for 100,000 customers / 1,000,000 invoices, building the
credit index, and the latency of one order decision (median and 99th percentile over
200,000 decisions for customers drawn at random, each timed alone with
`time.perf_counter_ns`, so the figures include the Python call).

    encours sample --customers 100000 --invoices 1000000 --out /tmp/ledger.json
    python bindings/python/bench/risk_bench.py /tmp/ledger.json [--runs 3]

Not run by the tests: it needs the ledger file and takes a minute.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time
from decimal import Decimal
from pathlib import Path

import encours

AS_OF = datetime.date(2026, 11, 22)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("ledger", type=Path)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    t = time.perf_counter()
    ledger = encours.Ledger.from_json(args.ledger.read_bytes())
    print(f"ledger loaded in {time.perf_counter() - t:.2f} s")
    card = encours.Scorecard.default()
    for _ in range(args.runs):
        t = time.perf_counter()
        table = encours.feature_table(ledger, AS_OF)
        features = time.perf_counter() - t
        scores = card.score(table)
        total = time.perf_counter() - t
        print(f"feature table {features:.3f} s, + scores as dicts {total:.3f} s ({len(scores)} customers)")
    t = time.perf_counter()
    index = encours.CreditIndex(ledger, AS_OF)
    print(f"credit index built in {time.perf_counter() - t:.3f} s")
    ids = [row["customer_id"] for row in table.rows]
    rng = random.Random(42)
    draws = [rng.choice(ids) for _ in range(200_000)]
    amount = Decimal("1234.56")
    times = []
    decide = index.decide
    for cid in draws:
        t0 = time.perf_counter_ns()
        decide(cid, amount, AS_OF)
        times.append(time.perf_counter_ns() - t0)
    times.sort()
    print(
        f"CreditIndex.decide, {len(times)} decisions over {len(ids)} customers: "
        f"median {statistics.median(times):.0f} ns, p99 {times[int(len(times) * 0.99)]} ns"
    )


if __name__ == "__main__":
    main()
