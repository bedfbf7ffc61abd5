"""Ledger.from_arrow: the bulk path from Arrow tables and data frames (core module: ledger)."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from conftest import d, eur

from encours import Ledger, LedgerError, Money, MoneyError, TableError

AS_OF = d("2026-11-22")


def cents(values: list[int], precision: int = 12) -> pa.Array:
    """decimal128(precision, 2) from integer cents, as gen_ledger.py builds it."""
    return pa.array([Decimal(v).scaleb(-2) for v in values], type=pa.decimal128(precision, 2))


@pytest.fixture
def tables() -> tuple[pa.Table, pa.Table, pa.Table]:
    """The schema of shared/perf/gen_ledger.py, with a handful of rows."""
    customers = pa.table({
        "customer_id": pa.array([1, 2, 3], pa.int64()),
        "segment": ["A", "B", "C"],
        "currency": ["EUR", "USD", "EUR"],
    })
    invoices = pa.table({
        "invoice_id": pa.array([1, 2, 3, 4], pa.int64()),
        "customer_id": pa.array([1, 1, 2, 3], pa.int64()),
        "segment": ["A", "A", "B", "C"],
        "currency": ["EUR", "EUR", "USD", "EUR"],
        "issue_date": pa.array([d("2026-09-01"), d("2026-09-10"), d("2026-10-01"), d("2026-11-01")], pa.date32()),
        "terms_days": pa.array([30, 30, 45, 60], pa.int32()),
        "due_date": pa.array([d("2026-10-01"), d("2026-10-10"), d("2026-11-15"), d("2026-12-31")], pa.date32()),
        "amount": cents([120000, 30000, 9999, 5000]),
        "disputed": [False, False, False, True],
    })
    payments = pa.table({
        "payment_id": pa.array([1, 2, 3], pa.int64()),
        "invoice_id": pa.array([1, 2, 3], pa.int64()),
        "pay_date": pa.array([d("2026-10-05"), d("2026-10-20"), d("2026-11-20")], pa.date32()),
        "amount": cents([120000, 10000, 9999]),
    })
    return customers, invoices, payments


def check_small(lg: Ledger) -> None:
    assert repr(lg) == "Ledger(customers=3, items=4, payments=3, applications=3)"
    assert lg.open_amount("1", AS_OF) == eur("0.00")
    assert lg.open_amount("2", AS_OF) == eur("200.00")
    assert lg.open_amount("3", AS_OF) == Money("0.00", "USD")
    assert lg.open_amount("2", d("2026-10-19")) == eur("300.00")
    assert lg.customer("1").segment == "A"  # type: ignore[union-attr]
    assert lg.customer("1").name == "1"  # type: ignore[union-attr]
    item4 = lg.item("4")
    assert item4 is not None and item4.dispute is not None
    assert item4.dispute.amount == eur("50.00") and item4.dispute.opened_on == d("2026-11-01")
    assert lg.applications[1].source_id == "2" and lg.applications[1].rule == "explicit"


def test_from_pyarrow(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    check_small(Ledger.from_arrow(*tables))


def test_from_polars(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    pl = pytest.importorskip("polars")
    check_small(Ledger.from_arrow(*(pl.from_arrow(t) for t in tables)))


def test_from_pandas(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    pytest.importorskip("pandas")
    frames = [t.to_pandas() for t in tables]
    # pandas keeps decimals as Decimal objects and dates as datetime.date objects.
    assert isinstance(frames[1]["amount"][0], Decimal)
    check_small(Ledger.from_arrow(*frames))


def test_from_pandas_datetime64_dates_at_midnight(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    pd = pytest.importorskip("pandas")
    customers, invoices, payments = (t.to_pandas() for t in tables)
    for frame, cols in ((invoices, ["issue_date", "due_date"]), (payments, ["pay_date"])):
        for c in cols:
            frame[c] = pd.to_datetime(frame[c])
    check_small(Ledger.from_arrow(customers, invoices, payments))
    payments.loc[0, "pay_date"] = pd.Timestamp("2026-10-05 13:30")
    with pytest.raises(TableError) as e:
        Ledger.from_arrow(customers, invoices, payments)
    assert "payments row 0, column pay_date" in str(e.value) and "not midnight" in str(e.value)


def test_from_record_batch_reader_and_string_columns(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    customers, invoices, payments = tables
    # Amounts as exact text, ids as text, dates as ISO text, large and view strings.
    inv = invoices.set_column(invoices.schema.get_field_index("amount"), "amount",
                              pa.array(["1200.00", "300.00", "99.99", "50.00"], pa.large_string()))
    inv = inv.set_column(inv.schema.get_field_index("invoice_id"), "invoice_id",
                         pa.array(["1", "2", "3", "4"], pa.string_view()))
    inv = inv.set_column(inv.schema.get_field_index("due_date"), "due_date",
                         pa.array(["2026-10-01", "2026-10-10", "2026-11-15", "2026-12-31"]))
    cus = customers.set_column(2, "currency", customers["currency"].dictionary_encode())
    check_small(Ledger.from_arrow(cus, inv, pa.RecordBatchReader.from_batches(payments.schema, payments.to_batches())))


def test_integer_minor_units_need_the_flag(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    customers, invoices, payments = tables
    as_int = lambda t: t.set_column(  # noqa: E731
        t.schema.get_field_index("amount"), "amount",
        pa.array([int(v.as_py() * 100) for v in t["amount"]], pa.int64()))
    with pytest.raises(TableError) as e:
        Ledger.from_arrow(customers, as_int(invoices), as_int(payments))
    assert e.value.code == "column_type"
    assert 'integer_amounts="minor"' in str(e.value)
    check_small(Ledger.from_arrow(customers, as_int(invoices), as_int(payments), integer_amounts="minor"))
    # Whole units: 120000 "major" is 120000.00, far more than the invoice.
    lg = Ledger.from_arrow(customers, as_int(invoices), None, integer_amounts="major")
    assert lg.item("1").amount == eur("120000")  # type: ignore[union-attr]


def test_float_amounts_are_refused(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    customers, invoices, payments = tables
    floats = invoices.set_column(invoices.schema.get_field_index("amount"), "amount",
                                 pa.array([1200.0, 300.0, 99.99, 50.0]))
    with pytest.raises(TableError) as e:
        Ledger.from_arrow(customers, floats, payments)
    assert e.value.code == "float_amount"
    assert str(e.value).startswith("invoices column amount has type Float64: money must be decimal128")
    assert isinstance(e.value, ValueError)


def test_table_errors_name_table_row_and_column(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    customers, invoices, payments = tables
    with pytest.raises(TableError) as e:
        Ledger.from_arrow(customers.drop_columns(["currency"]), invoices, payments)
    assert str(e.value) == "customers has no column currency (columns: customer_id, segment)"
    bad_cur = customers.set_column(2, "currency", pa.array(["EUR", "EUX", "EUR"]))
    with pytest.raises(MoneyError) as e:
        Ledger.from_arrow(bad_cur, invoices, payments)
    assert str(e.value).startswith('customers row 1, column currency: unknown currency code "EUX"')
    null_date = invoices.set_column(invoices.schema.get_field_index("issue_date"), "issue_date",
                                    pa.array([d("2026-09-01"), None, d("2026-10-01"), d("2026-11-01")], pa.date32()))
    with pytest.raises(TableError) as e:
        Ledger.from_arrow(customers, null_date, payments)
    assert str(e.value) == "invoices row 1, column issue_date: null where a value is required"
    bad_text = invoices.set_column(invoices.schema.get_field_index("amount"), "amount",
                                   pa.array(["1200.00", "300,00", "99.99", "50.00"]))
    with pytest.raises(MoneyError) as e:
        Ledger.from_arrow(customers, bad_text, payments)
    assert str(e.value).startswith('invoices row 1, column amount: invalid amount "300,00"')
    with pytest.raises(TypeError, match="invoices must be a table with __arrow_c_stream__"):
        Ledger.from_arrow(customers, [1, 2, 3], payments)
    with pytest.raises(TableError, match="payments has no column customer_id or invoice_id"):
        Ledger.from_arrow(customers, invoices, payments.drop_columns(["invoice_id"]))


def test_core_validation_still_applies(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    customers, invoices, payments = tables
    over = payments.set_column(3, "amount", cents([120001, 10000, 9999]))
    with pytest.raises(LedgerError) as e:
        Ledger.from_arrow(customers, invoices, over)
    assert e.value.code == "over_application"
    orphan = payments.set_column(1, "invoice_id", pa.array([1, 2, 99], pa.int64()))
    with pytest.raises(LedgerError, match='unknown item "99" referenced by payment "3"'):
        Ledger.from_arrow(customers, invoices, orphan)
    wrong_cur = invoices.set_column(3, "currency", pa.array(["EUR", "EUR", "EUR", "EUR"]))
    with pytest.raises(LedgerError, match="invalid currency of item \"3\": EUR"):
        Ledger.from_arrow(customers, wrong_cur, payments)


def test_explicit_applications_and_unapplied_payments(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    customers, invoices, payments = tables
    pays = pa.table({
        "payment_id": ["P1", "P2"],
        "customer_id": pa.array([1, 1], pa.int64()),
        "date": pa.array([d("2026-10-05"), d("2026-10-06")], pa.date32()),
        "amount": ["1300.00", "50.00"],
    })
    apps = pa.table({
        "payment_id": ["P1", "P1"],
        "item_id": ["1", "2"],
        "date": pa.array([d("2026-10-05"), d("2026-10-12")], pa.date32()),
        "amount": ["1200.00", "100.00"],
        "rule": ["reference", "oldest_due"],
    })
    lg = Ledger.from_arrow(customers, invoices, pays, apps)
    assert [(a.source_id, a.item_id, a.rule) for a in lg.applications] == [
        ("P1", "1", "reference"), ("P1", "2", "oldest_due")]
    assert lg.open_amount("2", d("2026-10-11")) == eur("300.00")
    assert lg.open_amount("2", d("2026-10-12")) == eur("200.00")
    assert lg.unapplied_amount("P2", AS_OF) == eur("50.00")
    assert [a.item_id for a in lg.auto_apply("P2")] == ["2"]
    # Without the applications table, payments naming no invoice stay unapplied.
    lg2 = Ledger.from_arrow(customers, invoices, pays)
    assert lg2.num_applications == 0 and lg2.unapplied_amount("P1", AS_OF) == eur("1300.00")


def test_csv_tables_read_with_exact_types(tables: tuple[pa.Table, pa.Table, pa.Table], tmp_path: Path) -> None:
    for name, t in zip(("customers", "invoices", "payments"), tables):
        pacsv.write_csv(t, tmp_path / f"{name}.csv")
    # pyarrow infers float64 for "1200.00": the README shows how to ask for decimals.
    with pytest.raises(TableError, match="never float"):
        Ledger.from_arrow(*(pacsv.read_csv(tmp_path / f"{n}.csv") for n in ("customers", "invoices", "payments")))
    exact = pacsv.ConvertOptions(column_types={"amount": pa.decimal128(18, 2)})
    check_small(Ledger.from_arrow(*(pacsv.read_csv(tmp_path / f"{n}.csv", convert_options=exact)
                                    for n in ("customers", "invoices", "payments"))))
    pl = pytest.importorskip("polars")
    frames = [pl.read_csv(tmp_path / f"{n}.csv", schema_overrides={"amount": pl.Decimal(18, 2)}, try_parse_dates=True)
              for n in ("customers", "invoices", "payments")]
    check_small(Ledger.from_arrow(*frames))
    pd = pytest.importorskip("pandas")
    frames = [pd.read_csv(tmp_path / f"{n}.csv", dtype={"amount": str}) for n in ("customers", "invoices", "payments")]
    check_small(Ledger.from_arrow(*frames))


def find_generator() -> Path | None:
    """shared/perf/gen_ledger.py beside the repository (as CI lays it out) or as set."""
    here = Path(__file__).resolve()
    candidates = [Path(os.environ["ENCOURS_GEN_LEDGER"])] if "ENCOURS_GEN_LEDGER" in os.environ else []
    candidates += [p / "shared" / "perf" / "gen_ledger.py" for p in here.parents]
    return next((c for c in candidates if c.is_file()), None)


def test_gen_ledger_tables_load_directly(tmp_path: Path) -> None:
    """The analysts' generator's Parquet and CSV files load as written, and the open
    amount at its as-of date matches the generator's own statistics."""
    gen = find_generator()
    if gen is None:
        pytest.skip("shared/perf/gen_ledger.py not found beside the repository")
    subprocess.run([sys.executable, str(gen), "--customers", "300", "--invoices", "3000", "--out", str(tmp_path)],
                   check=True, capture_output=True)
    meta = json.loads((tmp_path / "meta.json").read_text())
    stats = meta.get("stats", meta)
    parquet = Ledger.from_arrow(*(pq.read_table(tmp_path / f"{n}.parquet") for n in ("customers", "invoices", "payments")))
    exact = pacsv.ConvertOptions(column_types={"amount": pa.decimal128(18, 2)})
    csv = Ledger.from_arrow(*(pacsv.read_csv(tmp_path / f"{n}.csv", convert_options=exact)
                              for n in ("customers", "invoices", "payments")))
    assert parquet == csv
    assert parquet.num_items == stats["invoices"] and parquet.num_payments == stats["payments"]
    states = parquet.item_states(AS_OF).to_pyarrow()
    open_cents = sum(int(v.as_py() * 100) for v in states["open"])
    assert open_cents == stats["total_open_cents"]
    assert sum(1 for v in states["open"] if v.as_py() > 0) == stats["open_invoices"]


def test_bulk_load_is_not_per_row_python(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    """A 50 000-invoice table loads without creating Python objects per row: the
    number of live objects barely moves."""
    import gc

    n = 50_000
    customers = pa.table({"customer_id": pa.array(range(100), pa.int64()), "currency": ["EUR"] * 100})
    invoices = pa.table({
        "invoice_id": pa.array(range(n), pa.int64()),
        "customer_id": pa.array([i % 100 for i in range(n)], pa.int64()),
        "issue_date": pa.array([datetime.date(2026, 1, 1)] * n, pa.date32()),
        "due_date": pa.array([datetime.date(2026, 2, 1)] * n, pa.date32()),
        "amount": cents([100 + i for i in range(n)]),
    })
    gc.collect()
    before = len(gc.get_objects())
    lg = Ledger.from_arrow(customers, invoices)
    after = len(gc.get_objects())
    assert lg.num_items == n
    assert after - before < 1000


def test_malformed_arrow_data_is_refused_before_reading(tables: tuple[pa.Table, pa.Table, pa.Table]) -> None:
    """A producer handing over broken buffers gets an error, never an out-of-bounds
    or invalid read: pyarrow checks offsets itself, not UTF-8, so invalid UTF-8 gets
    through to us and must be refused."""
    customers, invoices, payments = tables
    import numpy as np

    offsets = pa.py_buffer(np.array([0, 3, 6, 9], dtype=np.int32).tobytes())
    not_utf8 = pa.Array.from_buffers(pa.string(), 3, [None, offsets, pa.py_buffer(b"EUR\xff\xfeXUSD")])
    with pytest.raises(TableError) as e:
        Ledger.from_arrow(customers.set_column(2, "currency", not_utf8), invoices, payments)
    assert e.value.code == "arrow"
    assert "customers column currency is not valid Arrow data" in str(e.value)
