"""Ledger.aging and AgingReport (core module: aging)."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pyarrow as pa
import pytest
from conftest import d, eur

from encours import (
    AgingReport,
    Customer,
    FxRates,
    Item,
    Ledger,
    Money,
    MoneyError,
    Payment,
    ReportError,
    Table,
)


@pytest.fixture
def ledger() -> Ledger:
    """The core's module example, plus a USD customer, a credit note and a dispute."""
    lg = Ledger(
        customers=[Customer("C1", "Dupont SA", "EUR", segment="SME"), Customer("C2", "Acme Inc", "USD")],
        items=[
            Item("F1", "C1", issue_date=d("2024-01-01"), due_date=d("2024-01-31"), amount=eur("100.00")),
            Item("F2", "C1", issue_date=d("2024-03-01"), due_date=d("2024-03-31"), amount=eur("50.00")),
            Item("A1", "C1", kind="credit_note", issue_date=d("2024-03-02"), amount=eur("20.00")),
            Item("U1", "C2", issue_date=d("2023-09-01"), due_date=d("2023-10-01"), amount=Money("300.00", "USD")),
        ],
        payments=[Payment("P1", "C2", d("2024-03-10"), Money("120.00", "USD"))],
    )
    lg.apply_payment("P1", "U1", Money("100.00", "USD"), d("2024-03-10"))
    return lg


def test_buckets_and_totals(ledger: Ledger) -> None:
    r = ledger.aging(d("2024-03-15"))
    assert r.labels == ["not_due", "1-30", "31-60", "61-90", "91-180", ">180"]
    assert r.edges == [0, 30, 60, 90, 180]
    assert r.as_of == d("2024-03-15") and r.group_by == "customer"
    c1, c2 = r.rows
    assert (c1.key, c1.name, c1.currency.code, c1.customers) == ("C1", "Dupont SA", "EUR", 1)
    # F1 is 44 days overdue on 15 March; F2 is not due yet (the core's own example).
    f = c1.figures
    assert f.buckets == [eur("50.00"), eur("0.00"), eur("100.00"), eur("0.00"), eur("0.00"), eur("0.00")]
    assert (f.total, f.credits, f.net, f.items, f.credit_items) == (
        eur("150.00"), eur("20.00"), eur("130.00"), 2, 1)
    # U1: 166 days overdue, 200.00 open; 20.00 of P1 unapplied.
    g = c2.figures
    assert g.buckets[4] == Money("200.00", "USD")
    assert g.credits == Money("20.00", "USD") and g.net == Money("180.00", "USD")
    assert [t.currency.code for t in r.totals] == ["EUR", "USD"]
    assert all(t.key is None for t in r.totals)


def test_as_of_replays_history(ledger: Ledger) -> None:
    before = ledger.aging(d("2024-03-09"), group_by="portfolio")
    usd = [t for t in before.totals if t.currency.code == "USD"][0]
    assert usd.figures.total == Money("300.00", "USD")
    assert ledger.aging(d("2023-08-31")).rows == []


def test_group_by_and_custom_buckets(ledger: Ledger) -> None:
    r = ledger.aging(d("2024-03-15"), buckets=[0, 15, 45], group_by="segment")
    assert r.labels == ["not_due", "1-15", "16-45", ">45"]
    assert [(row.key, row.currency.code) for row in r.rows] == [(None, "USD"), ("SME", "EUR")]
    assert r.rows[1].figures.buckets[2] == eur("100.00")
    with pytest.raises(ReportError) as e:
        ledger.aging(d("2024-03-15"), buckets=[0, 30, 30])
    assert str(e.value) == "invalid aging bucket edge at position 2: 30 (greater than the previous edge 30)"
    assert e.value.code == "invalid_config"
    with pytest.raises(ValueError, match='invalid group_by "client"'):
        ledger.aging(d("2024-03-15"), group_by="client")  # type: ignore[arg-type]


def test_table_is_exact_and_one_call_from_a_dataframe(ledger: Ledger) -> None:
    r = ledger.aging(d("2024-03-15"))
    t = r.table
    assert isinstance(t, Table)
    assert repr(t) == (
        "Table(rows=2, columns=['key', 'name', 'currency', 'customers', 'not_due', '1-30', '31-60', "
        "'61-90', '91-180', '>180', 'total', 'disputed', 'credits', 'net', 'items', 'credit_items'])"
    )
    assert t.schema["total"] == "decimal128(38, 2)" and t.schema["items"] == "int64"
    pat = pa.table(r)
    assert pat.schema.field("31-60").type == pa.decimal128(38, 2)
    assert pat.column("31-60").to_pylist() == [Decimal("100.00"), Decimal("0.00")]
    assert pat.column("key").to_pylist() == ["C1", "C2"]
    pl = pytest.importorskip("polars")
    df = pl.DataFrame(r.table)
    assert df.schema["total"] == pl.Decimal(38, 2)
    assert df["net"].to_list() == [Decimal("130.00"), Decimal("180.00")]
    assert r.to_polars().equals(df)
    pdf = r.to_pandas()
    assert pdf["total"].tolist() == [Decimal("150.00"), Decimal("200.00")]
    assert r.totals_table.num_rows == 2
    assert pa.table(r.totals_table).column("currency").to_pylist() == ["EUR", "USD"]


def test_converted(ledger: Ledger) -> None:
    r = ledger.aging(d("2024-03-15"), group_by="portfolio")
    fx = FxRates()
    with pytest.raises(MoneyError) as e:
        r.converted(fx, "EUR")
    assert e.value.code == "missing_rate"
    fx.insert("USD", "EUR", Decimal("0.92"))
    eur_report = r.converted(fx, "EUR")
    assert len(eur_report.totals) == 1
    # 150.00 EUR + 200.00 USD x 0.92 = 334.00 EUR.
    assert eur_report.totals[0].figures.total == eur("334.00")
    conv = eur_report.conversion
    assert conv is not None and conv.base.code == "EUR" and conv.rounding == "half_up"
    assert conv.rates == [(conv.rates[0][0], conv.base, Decimal("0.92"))]
    assert repr(conv) == "Conversion(base='EUR', rounding='half_up', rates=[USD/EUR 0.92])"
    assert r.conversion is None


def test_reprs_json_and_pickle(ledger: Ledger) -> None:
    r = ledger.aging(d("2024-03-15"))
    assert repr(r) == (
        "AgingReport(as_of=datetime.date(2024, 3, 15), group_by='customer', "
        "labels=[\"not_due\", \"1-30\", \"31-60\", \"61-90\", \"91-180\", \">180\"], rows=2, totals=2)"
    )
    assert repr(r.rows[0]) == (
        "ReportRow(key='C1', name='Dupont SA', currency='EUR', customers=1, figures=AgingFigures("
        "buckets=[Money('50.00', 'EUR'), Money('0.00', 'EUR'), Money('100.00', 'EUR'), Money('0.00', 'EUR'), "
        "Money('0.00', 'EUR'), Money('0.00', 'EUR')], total=Money('150.00', 'EUR'), disputed=Money('0.00', 'EUR'), "
        "credits=Money('20.00', 'EUR'), net=Money('130.00', 'EUR'), items=2, credit_items=1))"
    )
    assert AgingReport.from_json(r.to_json()) == r
    assert pickle.loads(pickle.dumps(r)) == r
    assert r.rows[0].figures.undefined == {}


def test_totals_match_item_states_on_generated_data(big_ledger: Ledger) -> None:
    """The aging totals per currency equal the open debits of item_states."""
    as_of = d("2026-11-22")
    r = big_ledger.aging(as_of, group_by="portfolio")
    states = pa.table(big_ledger.item_states(as_of)).to_pylist()
    for total in r.totals:
        code = total.currency.code
        open_debits = sum((s["open"] for s in states if s["currency"] == code and s["kind"] != "credit_note"),
                          Decimal(0))
        assert total.figures.total.amount == open_debits
        assert sum(total.figures.buckets) == total.figures.total
