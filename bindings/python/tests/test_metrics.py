"""Ledger.dso / dso_count_back / collection_effectiveness / payment_behaviour / pareto /
summary and their reports (core module: metrics)."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pyarrow as pa
import pytest
from conftest import d, eur

from encours import (
    Customer,
    FxRates,
    Item,
    Ledger,
    MetricReport,
    Money,
    Payment,
    PortfolioSummary,
    ReportError,
)


def one_customer(items: list[Item], payments: list[Payment] = ()) -> Ledger:  # type: ignore[assignment]
    return Ledger(customers=[Customer("C1", "A", "EUR", segment="SME")], items=items, payments=list(payments))


def inv(id: str, issue: str, due: str, amount: str) -> Item:
    return Item(id, "C1", issue_date=d(issue), due_date=d(due), amount=eur(amount))


def test_simple_dso_core_example() -> None:
    lg = one_customer([inv("F1", "2024-03-01", "2024-03-31", "900.00"), inv("F2", "2024-05-01", "2024-05-31", "300.00")])
    r = lg.dso(d("2024-05-20"))
    assert r.kind == "dso" and len(r) == 1
    f = r.rows[0].figures
    # AR 1 200 against 1 200 of sales in 90 days: DSO = 90 days; only F2 is not due:
    # best possible DSO = 300 / 1 200 x 90 = 22.5 (the core's module example).
    assert (f.ar, f.current_ar, f.sales, f.days) == (eur("1200.00"), eur("300.00"), eur("1200.00"), 90)
    assert f.dso == Decimal(90) and f.best_possible_dso == Decimal("22.5")
    assert f.average_days_delinquent == Decimal("67.5")
    assert f.undefined == {}


def test_simple_dso_published_example() -> None:
    # Oracle JD Edwards EnterpriseOne A/R manual, "Current Balance Divided by Sales":
    # (10869 x 90) / (5538 + 4566 + 7570) = 55.35 days.
    lg = one_customer(
        [inv("F1", "2024-04-01", "2024-05-01", "5538.00"), inv("F2", "2024-05-01", "2024-05-31", "4566.00"),
         inv("F3", "2024-06-01", "2024-07-01", "7570.00")],
        [Payment("P1", "C1", d("2024-06-10"), eur("6805.00"))],
    )
    lg.auto_apply("P1")
    f = lg.dso(d("2024-06-29")).rows[0].figures
    assert f.ar == eur("10869.00") and f.sales == eur("17674.00")
    assert f.dso == Decimal("55.35")


def test_undefined_metrics_say_why() -> None:
    lg = one_customer([inv("F1", "2023-01-01", "2023-01-31", "100.00")])
    f = lg.dso(d("2024-06-30"), days=30).rows[0].figures
    assert f.dso is None and f.best_possible_dso is None
    assert f.undefined == {"dso": "no_sales", "best_possible_dso": "no_sales", "average_days_delinquent": "no_sales"}
    t = pa.table(lg.dso(d("2024-06-30"), days=30))
    assert t.column("dso").to_pylist() == [None]
    assert t.column("dso_undefined").to_pylist() == ["no_sales"]
    with pytest.raises(ReportError) as e:
        lg.dso(d("2024-06-30"), days=0)
    assert e.value.code == "invalid_config" and "dso days" in str(e.value)


def test_payment_behaviour_core_example() -> None:
    # 100 paid 10 days late and 300 paid on time: ADBT = 1 000 / 400 = 2.5 days;
    # PAYDEX scores 73.3333 and 80: (7 333.33 + 24 000) / 400 = 78.33.
    lg = one_customer(
        [inv("F1", "2024-01-01", "2024-02-01", "100.00"), inv("F2", "2024-01-01", "2024-02-01", "300.00")],
        [Payment("P1", "C1", d("2024-02-11"), eur("100.00")), Payment("P2", "C1", d("2024-02-01"), eur("300.00"))],
    )
    lg.apply_payment("P1", "F1", eur("100.00"), d("2024-02-11"))
    lg.apply_payment("P2", "F2", eur("300.00"), d("2024-02-01"))
    f = lg.payment_behaviour(d("2024-06-30")).rows[0].figures
    assert (f.items, f.amount) == (2, eur("400.00"))
    assert f.days_beyond_terms == Decimal("2.5") and f.payment_index == Decimal("78.33")
    # A custom scale: on time = 100, 10 days late = 0.
    g = lg.payment_behaviour(d("2024-06-30"), scale=[(0, 100), (10, 0)]).rows[0].figures
    assert g.payment_index == Decimal(75)
    with pytest.raises(ReportError, match="payment index anchor"):
        lg.payment_behaviour(d("2024-06-30"), scale=[(0, 100)])


def test_cei_inputs_redo_the_arithmetic(big_ledger: Ledger) -> None:
    r = big_ledger.collection_effectiveness(d("2026-10-23"), d("2026-11-22"), group_by="portfolio")
    assert r.kind == "cei"
    for row in r.rows:
        f = row.figures
        available = f.beginning_ar.amount + f.sales.amount / f.sales_divisor
        expected = (available - f.ending_ar.amount) * 100 / (available - f.ending_current_ar.amount)
        assert f.cei == expected.quantize(Decimal("0.01"))
        assert (f.from_, f.to) == (d("2026-10-23"), d("2026-11-22"))
    with pytest.raises(ReportError, match="cei from"):
        big_ledger.collection_effectiveness(d("2026-11-23"), d("2026-11-22"))


def test_count_back() -> None:
    lg = one_customer([inv("F1", "2024-06-20", "2024-07-20", "300.00"), inv("F2", "2024-05-10", "2024-06-10", "600.00")])
    f = lg.dso_count_back(d("2024-06-30")).rows[0].figures
    assert len(f.months) == 12 and f.months[0].end == d("2024-06-30")
    # AR 900: June's 300 of sales counts its 30 days, then 600 of May's 600 its 31.
    assert [m.sales for m in f.months[:2]] == [eur("300.00"), eur("600.00")]
    assert f.dso == Decimal(f.months[0].days + f.months[1].days) and not f.capped


def test_pareto_core_example() -> None:
    lg = one_customer([inv("F1", "2024-01-01", "2024-01-31", "10.00"), inv("F2", "2024-01-01", "2024-01-31", "70.00"),
                       inv("F3", "2024-01-01", "2024-01-31", "15.00"), inv("F4", "2024-01-01", "2024-01-31", "5.00")])
    p = lg.pareto(d("2024-02-01")).rows[0].figures
    assert (p.unit, p.count, p.total_count, p.ids) == ("items", 2, 4, ["F2", "F3"])
    assert p.amount == eur("85.00") and p.amount_share == Decimal("0.85") and p.count_share == Decimal("0.5")
    c = lg.pareto(d("2024-02-01"), unit="customers", share="0.5").rows[0].figures
    assert c.ids == ["C1"]
    with pytest.raises(ReportError):
        lg.pareto(d("2024-02-01"), share=0)
    with pytest.raises(ValueError, match="both fx and base"):
        lg.pareto(d("2024-02-01"), fx=FxRates())
    with pytest.raises(ReportError, match="cannot be converted"):
        lg.pareto(d("2024-02-01")).converted(FxRates(), "EUR")


def test_pareto_across_currencies() -> None:
    lg = Ledger(
        customers=[Customer("C1", "A", "EUR"), Customer("C2", "B", "JPY")],
        items=[Item("F1", "C1", issue_date=d("2024-06-30"), due_date=d("2024-06-30"), amount=eur("100.00")),
               Item("F2", "C2", issue_date=d("2024-06-30"), due_date=d("2024-06-30"), amount=Money(50000, "JPY"))],
    )
    fx = FxRates()
    fx.insert("EUR", "JPY", 160)
    p = lg.pareto(d("2024-06-30"), unit="customers", share="0.5", fx=fx, base="EUR")
    # 50 000 JPY = 312.50 EUR: C2 alone holds more than half.
    assert p.rows[0].figures.ids == ["C2"]


def test_metric_report_tables_json_pickle(big_ledger: Ledger) -> None:
    as_of = d("2026-11-22")
    for r in (big_ledger.dso(as_of, group_by="segment"), big_ledger.dso_count_back(as_of),
              big_ledger.payment_behaviour(as_of, group_by="group"), big_ledger.pareto(as_of, group_by="segment"),
              big_ledger.collection_effectiveness(d("2026-10-01"), as_of, group_by="portfolio")):
        t = pa.table(r)
        assert t.num_rows == len(r.rows)
        assert t.column_names[:4] == ["key", "name", "currency", "customers"]
        assert not any(pa.types.is_floating(f.type) for f in t.schema)
        assert MetricReport.from_json(r.to_json()) == r
        assert pickle.loads(pickle.dumps(r)) == r
        assert repr(r) == f"MetricReport(kind='{r.kind}', rows={len(r.rows)})"


def test_converted_metric_report(big_ledger: Ledger) -> None:
    r = big_ledger.dso(d("2026-11-22"), group_by="portfolio")
    fx = FxRates()
    fx.insert("USD", "EUR", "0.92")
    fx.insert("GBP", "EUR", "1.17")
    (row,) = r.converted(fx, "EUR").rows
    f = row.figures
    # The ratio is recomputed from the converted inputs, never averaged.
    assert f.dso == (f.ar.amount * 90 / f.sales.amount).quantize(Decimal("0.01"))


def test_summary_agrees_with_the_single_reports(big_ledger: Ledger) -> None:
    as_of = d("2026-11-22")
    s = big_ledger.summary(as_of, group_by="segment")
    assert isinstance(s, PortfolioSummary)
    assert repr(s) == f"PortfolioSummary(as_of=datetime.date(2026, 11, 22), group_by='segment', rows={len(s.rows)}, portfolio=3)"
    assert s.config["dso_days"] == 90 and s.config["as_of"] == "2026-11-22"
    by_key = {(r.key, r.currency.code): r.figures for r in s.rows}
    for row in big_ledger.dso(as_of, group_by="segment").rows:
        assert by_key[(row.key, row.currency.code)].dso == row.figures
    for row in big_ledger.aging(as_of, group_by="segment").rows:
        assert by_key[(row.key, row.currency.code)].aging == row.figures
    assert s.aging_report() == big_ledger.aging(as_of, group_by="segment")
    t = s.table
    assert t.num_rows == len(s.rows)
    for col in ("not_due", ">180", "dso", "dso_undefined", "count_back_dso", "cei", "payment_index"):
        assert col in t.column_names
    assert s.portfolio_table.num_rows == 3
    assert PortfolioSummary.from_json(s.to_json()) == s
    assert pickle.loads(pickle.dumps(s)) == s
    assert [r.figures.unit for r in s.pareto_items] == ["items"] * 3
    pl = pytest.importorskip("polars")
    assert pl.DataFrame(s).shape == (len(s.rows), len(t.column_names))
    fx = FxRates()
    fx.insert("USD", "EUR", "0.92")
    fx.insert("GBP", "EUR", "1.17")
    one = s.converted(fx, "EUR")
    assert len(one.portfolio) == 1 and one.conversion is not None
    with pytest.raises(ReportError):
        big_ledger.summary(as_of, pareto_share="1.5")
