"""Dunning from Python: configuration, assignment, the daily plan and its reasons,
promises, history, interest and fees on actions, business-day rolls, tables."""

from __future__ import annotations

import copy
import datetime
import json
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import encours
from encours import (
    Block,
    Calendar,
    Customer,
    Dispute,
    DunningConfig,
    DunningPlan,
    History,
    InterestRule,
    Item,
    Ledger,
    Money,
    Payment,
    PromiseToPay,
    RateTable,
    RateTables,
)

from conftest import d, eur

ROOT = Path(__file__).resolve().parents[3]
DEMO_CONFIG = ROOT / "crates" / "encours-cli" / "config" / "dunning.json"


def config(steps: list[dict[str, Any]], **policies: Any) -> DunningConfig:
    """A one-scenario configuration ("s") with these steps."""
    return DunningConfig.from_dict({"scenarios": [{"id": "s", "steps": steps}], "default_scenario": "s", **policies})


REMINDER = {"id": "reminder", "offset_days": 5, "channel": "email", "template": "reminder"}
NOTICE = {"id": "notice", "offset_days": 30, "channel": "formal_notice", "template": "formal_notice"}


def one_invoice(customer: Customer | None = None, **item: Any) -> Ledger:
    """C1 with invoice F-1 of 1,234.50 EUR due 2024-02-01."""
    fields: dict[str, Any] = {"issue_date": d("2024-01-02"), "due_date": d("2024-02-01"), "amount": eur("1234.50")}
    fields.update(item)
    return Ledger(customers=[customer or Customer("C1", "Dupont SA", "EUR")], items=[Item("F-1", "C1", **fields)])


# ---------------------------------------------------------------- configuration


def test_demo_configuration_loads_and_round_trips() -> None:
    text = DEMO_CONFIG.read_text()
    c = DunningConfig.from_json(text)
    assert c.scenario_ids == ["standard", "key_account"]
    assert c.rule_ids == ["segment-A"]
    assert c.default_scenario == "standard"
    assert DunningConfig.from_json(c.to_json()) == c
    assert DunningConfig.from_dict(json.loads(text)) == c
    assert DunningConfig.from_dict(c.to_dict()) == c
    assert pickle.loads(pickle.dumps(c)) == c
    assert repr(c) == "DunningConfig(scenarios=['standard', 'key_account'], rules=['segment-A'], default_scenario='standard')"


def test_from_dict_reads_decimals_dates_and_money() -> None:
    c = config([{**REMINDER, "fee": [Money("15.00", "EUR")], "min_item_amount": [{"amount": Decimal("10"), "currency": "EUR"}]}])
    step = c.to_dict()["scenarios"][0]["steps"][0]
    assert step["fee"] == [{"amount": "15.00", "currency": "EUR"}]
    assert step["min_item_amount"] == [{"amount": "10", "currency": "EUR"}]


def test_steps_out_of_order_name_the_scenario_and_step() -> None:
    with pytest.raises(encours.DunningError) as e:
        config([NOTICE, REMINDER])
    assert e.value.code == "invalid_config"
    assert str(e.value).startswith(
        'invalid dunning configuration at scenario "s" step "reminder": steps out of order: '
        'offset_days 5 is not after step "notice" at 30'
    )


def test_unknown_channel_names_the_step_and_the_choices() -> None:
    with pytest.raises(encours.DunningError, match='step "reminder": unknown channel "pigeon"; expected one of email, letter'):
        config([{**REMINDER, "channel": "pigeon"}])


def test_negative_fee_is_refused_naming_the_step() -> None:
    with pytest.raises(encours.DunningError, match='step "reminder"') as e:
        config([{**REMINDER, "fee": [{"amount": "-5", "currency": "EUR"}]}])
    assert "-5" in str(e.value)


def test_float_amounts_are_refused_with_their_path() -> None:
    with pytest.raises(encours.InputError, match=r"scenarios\[0\]\.steps\[0\]\.fee\[0\]\.amount: float 5\.5 is not accepted") as e:
        config([{**REMINDER, "fee": [{"amount": 5.5, "currency": "EUR"}]}])
    assert e.value.code == "float_not_accepted"


def test_malformed_configuration_is_an_input_error() -> None:
    with pytest.raises(encours.InputError, match="invalid dunning configuration: .*default_scenario") as e:
        DunningConfig.from_json('{"scenarios": []}')
    assert e.value.code == "json"
    with pytest.raises(encours.InputError):
        DunningConfig.from_json("{not json")
    with pytest.raises(TypeError, match="expects a dict, not list"):
        DunningConfig.from_dict([])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="object cannot be read as configuration data"):
        config([{**REMINDER, "template": object()}])


def test_default_scenario_must_exist() -> None:
    with pytest.raises(encours.DunningError, match="nope"):
        DunningConfig.from_dict({"scenarios": [{"id": "s", "steps": [REMINDER]}], "default_scenario": "nope"})


def test_assignment_says_which_rule_matched() -> None:
    c = DunningConfig.from_json(DEMO_CONFIG.read_text())
    a = c.assign(Customer("K", "Key", "EUR", segment="A"))
    assert (a.customer_id, a.scenario_id, a.by.kind, a.by.rule) == ("K", "key_account", "rule", "segment-A")
    assert repr(a.by) == "AssignedBy(kind='rule', rule='segment-A')"
    b = c.assign(Customer("S", "Small", "EUR", segment="C"))
    assert (b.scenario_id, b.by.kind, b.by.rule) == ("standard", "default", None)
    o = c.assign(Customer("O", "Own", "EUR", segment="A", dunning_scenario="standard"))
    assert (o.scenario_id, o.by.kind) == ("standard", "customer_override")
    with pytest.raises(encours.DunningError, match='unknown dunning scenario "gone" for customer "X"') as e:
        c.assign(Customer("X", "X", "EUR", dunning_scenario="gone"))
    assert e.value.code == "unknown_scenario"


def test_jurisdiction_follows_the_country_then_the_default() -> None:
    c = DunningConfig.from_json(DEMO_CONFIG.read_text())  # default_jurisdiction: eu_directive
    assert c.jurisdiction_for(Customer("A", "A", "EUR", country="FR")) == "france"
    assert c.jurisdiction_for(Customer("A", "A", "EUR", country="de")) == "germany"
    assert c.jurisdiction_for(Customer("A", "A", "GBP", country="GB")) == "united_kingdom"
    assert c.jurisdiction_for(Customer("A", "A", "EUR", country="IT")) == "eu_directive"
    assert c.jurisdiction_for(Customer("A", "A", "USD", country="US")) == "eu_directive"
    assert config([REMINDER]).jurisdiction_for(Customer("A", "A", "USD", country="US")) is None


# ---------------------------------------------------------------- the plan


def test_plan_one_reminder_with_its_reasons_then_nothing_once_recorded() -> None:
    ledger = one_invoice()
    c = config([REMINDER, NOTICE])
    assert len(ledger.dunning_plan(c, d("2024-02-05"))) == 0  # trigger is due + 5 = 02-06
    plan = ledger.dunning_plan(c, d("2024-02-06"))
    assert isinstance(plan, DunningPlan)
    assert plan.as_of == d("2024-02-06")
    [a] = plan.actions
    assert a.id == "2024-02-06/C1/step/reminder"
    assert (a.kind, a.customer_id, a.customer_name, a.scenario_id) == ("step", "C1", "Dupont SA", "s")
    assert (a.step_id, a.level, a.channel, a.template) == ("reminder", 1, "email", "reminder")
    assert a.assigned_by.kind == "default"
    assert a.total_open == eur("1234.50") and a.total_claimed == eur("1234.50")
    assert a.total_due == eur("1234.50") and a.fee is None
    assert a.total_interest == eur("0") and a.total_indemnities == eur("0")
    assert a.next_step is not None
    assert (a.next_step.step_id, a.next_step.channel, a.next_step.date) == ("notice", "formal_notice", d("2024-03-02"))
    assert a.reasons and any("reminder" in r for r in a.reasons)
    [i] = a.items
    assert (i.item_id, i.kind, i.due_date, i.days_overdue, i.level, i.step_id) == ("F-1", "invoice", d("2024-02-01"), 5, 1, "reminder")
    assert i.open == eur("1234.50") and i.claimed == eur("1234.50")
    assert [x.scenario_id for x in plan.assignments] == ["s"]

    history = History()
    history.record(plan)
    assert len(history) == 1
    assert history.entries[0]["action_id"] == a.id
    assert history.entries[0]["items"] == [{"item_id": "F-1", "level": 1, "indemnity_claimed": False}]
    assert len(ledger.dunning_plan(c, d("2024-02-06"), history=history)) == 0
    assert len(ledger.dunning_plan(c, d("2024-02-20"), history=history)) == 0
    [n] = ledger.dunning_plan(c, d("2024-03-02"), history=history).actions
    assert (n.step_id, n.level, n.items[0].days_overdue) == ("notice", 2, 30)


def test_plan_and_history_round_trip_through_json_and_pickle() -> None:
    plan = one_invoice().dunning_plan(config([REMINDER]), d("2024-02-06"))
    assert DunningPlan.from_json(plan.to_json()) == plan
    assert pickle.loads(pickle.dumps(plan)) == plan
    a = plan.actions[0]
    assert encours.Action.from_json(a.to_json()) == a
    assert pickle.loads(pickle.dumps(a)) == a
    h = History()
    h.record_action(a)
    assert History.from_json(h.to_json(indent=2)) == h
    assert pickle.loads(pickle.dumps(h)) == h
    h2 = copy.deepcopy(h)
    h2.record_action(a)
    assert len(h2) == 2 and len(h) == 1
    assert repr(plan) == "DunningPlan(as_of=datetime.date(2024, 2, 6), actions=1, left_out=0, customers=1)"


def test_items_are_grouped_per_customer_and_step_with_totals() -> None:
    ledger = Ledger(
        customers=[Customer("C1", "Dupont SA", "EUR"), Customer("C2", "Martin", "EUR")],
        items=[
            Item("F-1", "C1", issue_date=d("2024-01-02"), due_date=d("2024-02-01"), amount=eur("100.00")),
            Item("F-2", "C1", issue_date=d("2024-01-03"), due_date=d("2024-02-01"), amount=eur("250.10")),
            Item("F-3", "C2", issue_date=d("2024-01-03"), due_date=d("2024-02-01"), amount=eur("9.99")),
        ],
    )
    plan = ledger.dunning_plan(config([REMINDER]), d("2024-02-06"))
    assert [(a.customer_id, [i.item_id for i in a.items], a.total_due) for a in plan.actions] == [
        ("C1", ["F-1", "F-2"], eur("350.10")),
        ("C2", ["F-3"], eur("9.99")),
    ]


def test_left_out_items_carry_their_reason_and_figures() -> None:
    ledger = Ledger(
        customers=[
            Customer("C1", "Disputed", "EUR"),
            Customer("C2", "Blocked", "EUR", dunning_block=Block(reason="legal review")),
            Customer("C3", "Promised", "EUR"),
            Customer("C4", "Small", "EUR"),
        ],
        items=[
            Item("F-1", "C1", issue_date=d("2024-01-02"), due_date=d("2024-02-01"), amount=eur("500.00"),
                 dispute=Dispute(eur("500.00"), d("2024-02-03"), reason="goods damaged")),
            Item("F-2", "C2", issue_date=d("2024-01-02"), due_date=d("2024-02-01"), amount=eur("500.00")),
            Item("F-3", "C3", issue_date=d("2024-01-02"), due_date=d("2024-02-01"), amount=eur("500.00")),
            Item("F-4", "C4", issue_date=d("2024-01-02"), due_date=d("2024-02-01"), amount=eur("4.99")),
        ],
    )
    promise = PromiseToPay("PR-1", "C3", eur("500.00"), d("2024-02-10"), d("2024-02-04"))
    c = config([{**REMINDER, "min_item_amount": [{"amount": "5", "currency": "EUR"}]}])
    plan = ledger.dunning_plan(c, d("2024-02-06"), promises=[promise])
    assert plan.actions == []
    got = {x.item_id: (x.customer_id, x.step_id, x.reason, x.details) for x in plan.left_out}
    assert got == {
        "F-1": ("C1", "reminder", "disputed", {"disputed": eur("500.00")}),
        "F-2": ("C2", "reminder", "customer_blocked", {"block_reason": "legal review"}),
        # Promised for 02-10, plus the default 3 days of grace.
        "F-3": ("C3", "reminder", "under_promise", {"promise_id": "PR-1", "until": d("2024-02-13")}),
        "F-4": ("C4", "reminder", "below_item_minimum", {"claimed": eur("4.99"), "minimum": eur("5")}),
    }
    # Once the promise's grace is over, the item is dunned.
    [a] = ledger.dunning_plan(c, d("2024-02-14"), promises=[promise]).actions
    assert a.customer_id == "C3"

    t = plan.left_out_table().to_pylist()
    assert [(r["item_id"], r["reason"], r["amount"], r["limit"], r["until"], r["promise_id"], r["block_reason"]) for r in t] == [
        ("F-1", "disputed", Decimal("500.00"), None, None, None, None),
        ("F-2", "customer_blocked", None, None, None, None, "legal review"),
        ("F-3", "under_promise", None, None, d("2024-02-13"), "PR-1", None),
        ("F-4", "below_item_minimum", Decimal("4.99"), Decimal("5.00"), None, None, None),
    ]


def test_partly_disputed_item_is_dunned_for_the_undisputed_part() -> None:
    ledger = one_invoice(dispute=Dispute(eur("234.50"), d("2024-02-02")))
    [a] = ledger.dunning_plan(config([REMINDER]), d("2024-02-06")).actions
    assert a.total_open == eur("1234.50")
    assert a.total_claimed == eur("1000.00")
    assert a.items[0].claimed == eur("1000.00")


def test_paid_items_are_never_dunned_and_get_a_thank_you() -> None:
    ledger = one_invoice()
    c = config([REMINDER, NOTICE])
    history = History()
    history.record(ledger.dunning_plan(c, d("2024-02-06")))
    ledger.add_payment(Payment("P-1", "C1", d("2024-02-10"), eur("1234.50")))
    ledger.apply_payment("P-1", "F-1", eur("1234.50"), d("2024-02-10"))
    plan = ledger.dunning_plan(c, d("2024-03-02"), history=history)
    [t] = plan.actions
    assert (t.kind, t.level, [i.item_id for i in t.items]) == ("thank_you", 0, ["F-1"])
    assert t.items[0].last_settlement == d("2024-02-10")
    assert "- F-1 (1,234.50 EUR), received on 2024-02-10\n" in encours.Letters().render(t).body
    history.record(plan)
    assert len(ledger.dunning_plan(c, d("2024-03-03"), history=history)) == 0


def test_escalation_after_the_last_step() -> None:
    c = DunningConfig.from_dict({
        "scenarios": [{"id": "s", "steps": [REMINDER], "escalate_after_days": 10, "escalation_channel": "collection_agency"}],
        "default_scenario": "s",
    })
    ledger = one_invoice()
    history = History()
    history.record(ledger.dunning_plan(c, d("2024-02-06")))
    assert len(ledger.dunning_plan(c, d("2024-02-15"), history=history)) == 0
    [e] = ledger.dunning_plan(c, d("2024-02-16"), history=history).actions
    assert (e.kind, e.channel, e.customer_id) == ("escalation", "collection_agency", "C1")


# ---------------------------------------------------------------- business days


def test_a_trigger_on_a_weekend_rolls_to_the_next_business_day() -> None:
    # Due Monday 2024-02-05: due + 5 is Saturday 2024-02-10.
    c = config([REMINDER])
    plain = one_invoice(due_date=d("2024-02-05"))
    assert len(plain.dunning_plan(c, d("2024-02-10"))) == 1  # no calendar: calendar days
    fr = one_invoice(Customer("C1", "Dupont SA", "EUR", calendar="FR"), due_date=d("2024-02-05"))
    assert len(fr.dunning_plan(c, d("2024-02-10"))) == 0
    assert len(fr.dunning_plan(c, d("2024-02-11"))) == 0
    assert len(fr.dunning_plan(c, d("2024-02-12"))) == 1


def test_a_trigger_on_a_french_holiday_rolls() -> None:
    # 2024-05-01 (Fête du Travail) is a Wednesday; due 04-26 + 5 falls on it.
    ledger = one_invoice(Customer("C1", "Dupont SA", "EUR", calendar="FR"), due_date=d("2024-04-26"))
    c = config([REMINDER])
    assert len(ledger.dunning_plan(c, d("2024-05-01"))) == 0
    assert len(ledger.dunning_plan(c, d("2024-05-02"))) == 1


def test_caller_calendars_are_used_by_name() -> None:
    acme = Calendar.weekends_only("ACME").with_holidays([(d("2024-05-01"), "Inventory day")])
    ledger = one_invoice(Customer("C1", "Dupont SA", "EUR", calendar="ACME"), due_date=d("2024-04-26"))
    c = config([REMINDER])
    assert len(ledger.dunning_plan(c, d("2024-05-01"), calendars=[acme])) == 0
    assert len(ledger.dunning_plan(c, d("2024-05-02"), calendars=[acme])) == 1
    with pytest.raises(encours.DunningError, match='calendar of customer "C1"') as e:
        ledger.dunning_plan(c, d("2024-05-02"))
    assert e.value.code == "calendar"
    # Names match ignoring case, as the built-in codes do; two of one name are refused.
    lower = one_invoice(Customer("C1", "Dupont SA", "EUR", calendar="acme"), due_date=d("2024-04-26"))
    assert len(lower.dunning_plan(c, d("2024-05-01"), calendars=[acme])) == 0
    with pytest.raises(encours.DunningError, match='calendar "Acme": two calendars of this name') as e2:
        ledger.dunning_plan(c, d("2024-05-02"), calendars=[Calendar.weekends_only("Acme"), acme])
    assert e2.value.code == "invalid_config"


# ---------------------------------------------------------------- fees and interest


def test_recovery_indemnity_per_invoice_under_french_law() -> None:
    # Code de commerce L441-10: 40 EUR flat indemnity per late invoice.
    fr = Customer("C1", "Dupont SA", "EUR", country="FR")
    ledger = Ledger(
        customers=[fr],
        items=[
            Item("F-1", "C1", issue_date=d("2024-01-02"), due_date=d("2024-02-01"), amount=eur("100.00")),
            Item("F-2", "C1", issue_date=d("2024-01-02"), due_date=d("2024-02-01"), amount=eur("200.00")),
        ],
    )
    c = config([{**REMINDER, "recovery_indemnity": True, "fee": [{"amount": "15.00", "currency": "EUR"}]}])
    [a] = ledger.dunning_plan(c, d("2024-02-06")).actions
    assert [i.recovery_indemnity for i in a.items] == [eur("40.00"), eur("40.00")]
    assert a.total_indemnities == eur("80.00")
    assert a.fee == eur("15.00")
    assert a.total_due == eur("395.00")  # 300 claimed + 15 fee + 80 indemnities
    h = History()
    h.record(ledger.dunning_plan(c, d("2024-02-06")))
    assert h.entries[0]["items"][0]["indemnity_claimed"] is True


def test_contractual_interest_on_the_formal_notice() -> None:
    # Fixed 10 % a year, actual/365, rounded once to the cent: 1,000.00 EUR due
    # 2024-01-01, claimed on 2024-03-01, runs 60 days (01-02 to 03-01 inclusive):
    # 1000 x 0.10 x 60 / 365 = 16.438... -> 16.44 EUR.
    ledger = one_invoice(issue_date=d("2023-12-01"), due_date=d("2024-01-01"), amount=eur("1000.00"))
    c = config([{**NOTICE, "offset_days": 60, "charge_interest": True}],
               interest_rule=json.loads(InterestRule.fixed(Decimal("10")).to_json()))
    [a] = ledger.dunning_plan(c, d("2024-03-01")).actions
    assert a.items[0].interest == eur("16.44")
    assert a.total_interest == eur("16.44")
    assert a.total_due == eur("1016.44")
    assert a.warnings == []


def test_interest_uses_the_callers_rate_tables() -> None:
    # Reference 3 % + 2 points = 5 % a year: 1000 x 0.05 x 60 / 365 = 8.219... -> 8.22.
    table = RateTable("ACME base rate", [(d("2023-01-01"), Decimal("3"))], verified_through=d("2024-12-31"))
    tables = RateTables([table])
    rule = InterestRule.reference_plus_margin("ACME base rate", Decimal("2"))
    ledger = one_invoice(issue_date=d("2023-12-01"), due_date=d("2024-01-01"), amount=eur("1000.00"))
    c = config([{**NOTICE, "offset_days": 60, "charge_interest": True}], interest_rule=json.loads(rule.to_json()))
    [a] = ledger.dunning_plan(c, d("2024-03-01"), rate_tables=tables).actions
    assert a.total_interest == eur("8.22")
    # Without that table the action stands, with a warning instead of a silent zero.
    [b] = ledger.dunning_plan(c, d("2024-03-01")).actions
    assert b.items[0].interest is None
    assert b.total_interest == eur("0")
    assert b.warnings and "ACME base rate" in b.warnings[0]


# ---------------------------------------------------------------- tables


def test_actions_and_items_tables_hold_exact_decimals() -> None:
    pa = pytest.importorskip("pyarrow")
    fr = Customer("C1", "Dupont SA", "EUR", country="FR")
    ledger = Ledger(
        customers=[fr, Customer("C2", "Martin", "EUR")],
        items=[
            Item("F-1", "C1", issue_date=d("2024-01-02"), due_date=d("2024-02-01"), amount=eur("100.00")),
            Item("F-2", "C1", issue_date=d("2024-01-02"), due_date=d("2024-02-01"), amount=eur("200.05")),
            Item("F-3", "C2", issue_date=d("2024-01-02"), due_date=d("2024-02-01"), amount=eur("9.99")),
        ],
    )
    plan = ledger.dunning_plan(config([{**REMINDER, "recovery_indemnity": True}, NOTICE]), d("2024-02-06"))
    actions = pa.table(plan.actions_table())
    assert actions.num_rows == 2
    assert str(actions.schema.field("total_due").type) == "decimal128(38, 2)"
    rows = actions.to_pylist()
    assert [(r["customer_id"], r["items"], r["currency"], r["total_claimed"], r["total_indemnities"], r["total_due"], r["next_step_id"], r["next_step_date"]) for r in rows] == [
        ("C1", 2, "EUR", Decimal("300.05"), Decimal("80.00"), Decimal("380.05"), "notice", d("2024-03-02")),
        # C2 has no country and no default jurisdiction: no statutory indemnity.
        ("C2", 1, "EUR", Decimal("9.99"), Decimal("0.00"), Decimal("9.99"), "notice", d("2024-03-02")),
    ]
    assert rows[1]["warnings"] is not None and rows[0]["warnings"] is None
    items = plan.items_table().to_pylist()
    assert [(r["action_id"], r["item_id"], r["days_overdue"], r["claimed"], r["recovery_indemnity"]) for r in items] == [
        ("2024-02-06/C1/step/reminder", "F-1", 5, Decimal("100.00"), Decimal("40.00")),
        ("2024-02-06/C1/step/reminder", "F-2", 5, Decimal("200.05"), Decimal("40.00")),
        ("2024-02-06/C2/step/reminder", "F-3", 5, Decimal("9.99"), None),
    ]
    pl = pytest.importorskip("polars")
    df = plan.actions_table().to_polars()
    assert df["total_due"].sum() == Decimal("390.04")
    assert isinstance(df, pl.DataFrame)


# ---------------------------------------------------------------- bad input


def test_bad_arguments_are_refused_clearly() -> None:
    ledger = one_invoice()
    c = config([REMINDER])
    with pytest.raises(TypeError):
        ledger.dunning_plan(c, "2024-02-06")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="promises must contain only encours.PromiseToPay, not dict"):
        ledger.dunning_plan(c, d("2024-02-06"), promises=[{"id": "x"}])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="calendars must contain only encours.Calendar, not str"):
        ledger.dunning_plan(c, d("2024-02-06"), calendars=["FR"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        ledger.dunning_plan(json.loads(c.to_json()), d("2024-02-06"))  # type: ignore[arg-type]
    with pytest.raises(encours.InputError, match=r'invalid dunning history: invalid type: integer `1`, expected a string .* at "entries\[0\]\.action_id"'):
        History.from_json('{"entries": [{"action_id": 1}]}')


def test_promise_validation_and_running_window() -> None:
    p = PromiseToPay("PR-1", "C1", eur("100.00"), d("2024-03-15"), d("2024-03-01"), item_ids=["F-1"])
    assert p.covers("F-1") and not p.covers("F-2")
    assert not p.is_running(d("2024-02-29"))
    assert p.is_running(d("2024-03-15")) and not p.is_running(d("2024-03-16"))
    assert p.is_running(d("2024-03-20"), 5) and not p.is_running(d("2024-03-21"), 5)
    assert PromiseToPay.from_json(p.to_json()) == p
    assert pickle.loads(pickle.dumps(p)) == p
    assert PromiseToPay("PR-2", "C1", eur("1"), d("2024-03-15"), d("2024-03-01")).covers("anything")
    with pytest.raises(encours.DunningError) as e:
        PromiseToPay("PR-3", "C1", eur("-1"), d("2024-03-15"), d("2024-03-01"))
    assert str(e.value) == 'invalid promise to pay "PR-3": amount -1 EUR is negative; expected zero or more'
    assert e.value.code == "invalid_promise"
    with pytest.raises(encours.DunningError, match='"PR-4": promised_date 2024-02-01 is before made_on 2024-03-01'):
        PromiseToPay("PR-4", "C1", eur("1"), d("2024-02-01"), d("2024-03-01"))
    # The plan checks that a promise is in its customer's currency.
    usd = PromiseToPay("PR-6", "C1", Money("10", "USD"), d("2024-03-15"), d("2024-03-01"))
    with pytest.raises(encours.DunningError, match='"PR-6": amount 10 USD is not in the currency of customer "C1" \\(EUR\\)'):
        one_invoice().dunning_plan(config([REMINDER]), d("2024-03-02"), promises=[usd])
    with pytest.raises(TypeError, match="amount must be encours.Money"):
        PromiseToPay("PR-5", "C1", Decimal("1"), d("2024-03-15"), d("2024-03-01"))  # type: ignore[arg-type]


# ---------------------------------------------------------------- the daily property


def test_daily_planning_over_a_quarter_never_repeats_nor_duns_paid_items() -> None:
    """A quarter of daily plans over a generated ledger, each day's actions recorded:
    no action twice, no item dunned after it is paid, levels only go up one by one."""
    import random

    rng = random.Random(11)
    customers = [Customer(f"C{i}", f"Customer {i}", "EUR", calendar="FR" if i % 2 else None) for i in range(30)]
    items = []
    for n in range(150):
        issue = d("2024-01-01") + datetime.timedelta(days=rng.randrange(60))
        items.append(Item(f"F-{n}", f"C{rng.randrange(30)}", issue_date=issue,
                          due_date=issue + datetime.timedelta(days=30), amount=Money(Decimal(rng.randrange(1000, 500000)) / 100, "EUR")))
    ledger = Ledger(customers=customers, items=items)
    c = DunningConfig.from_json(DEMO_CONFIG.read_text())
    paid_on: dict[str, datetime.date] = {}
    history = History()
    seen: set[str] = set()
    level: dict[str, int] = {}
    day = d("2024-01-15")
    for k in range(90):
        # Some invoices get paid in full along the way.
        for it in items[k :: 45]:
            if it.id not in paid_on and it.due_date is not None and it.due_date < day:
                pid = f"P-{it.id}"
                ledger.add_payment(Payment(pid, it.customer_id, day, it.amount))
                ledger.apply_payment(pid, it.id, it.amount, day)
                paid_on[it.id] = day
        plan = ledger.dunning_plan(c, day, history=history)
        for a in plan.actions:
            assert a.id not in seen
            seen.add(a.id)
            for i in a.items:
                if a.kind != "thank_you":
                    assert i.item_id not in paid_on, f"{i.item_id} paid on {paid_on.get(i.item_id)} dunned on {day}"
                if a.kind == "step" and i.days_overdue >= 0:
                    assert i.level >= 1
                    assert i.level > level.get(i.item_id, 0)
                    level[i.item_id] = i.level
        history.record(plan)
        assert len(ledger.dunning_plan(c, day, history=history)) == 0
        day += datetime.timedelta(days=1)
    assert len(seen) > 50


# ---------------------------------------------------------------- unknown keys (issue 11)


def test_misspelt_keys_are_refused_with_the_path_and_the_closest_key() -> None:
    # "segment" for "segments" would make a rule with no condition, matching everyone.
    with pytest.raises(encours.InputError) as e:
        DunningConfig.from_dict(
            {
                "scenarios": [{"id": "s", "steps": [REMINDER]}],
                "default_scenario": "s",
                "rules": [{"id": "smb", "scenario": "s", "segment": ["SMB"]}],
            }
        )
    assert e.value.code == "unknown_key"
    assert str(e.value) == 'invalid dunning configuration: unknown key "segment" at "rules[0]"; did you mean "segments"?'
    with pytest.raises(encours.InputError, match='at "scenarios\\[0\\]\\.steps\\[0\\]"; did you mean "min_customer_amount"\\?'):
        config([{**REMINDER, "min_customer_amout": []}])
    with pytest.raises(encours.InputError, match='did you mean "promise_grace_days"\\?'):
        DunningConfig.from_json(json.dumps({"scenarios": [{"id": "s", "steps": [REMINDER]}], "default_scenario": "s", "promise_grace_day": 9}))
    with pytest.raises(encours.InputError, match='unknown value "highest_levle" at "grouping"; did you mean "highest_level"\\?') as e:
        config([REMINDER], grouping="highest_levle")
    assert e.value.code == "unknown_value"


def test_promises_and_history_refuse_unknown_keys() -> None:
    promise = {
        "id": "P",
        "customer_id": "C1",
        "amount": {"amount": "1", "currency": "EUR"},
        "promised_date": "2024-03-20",
        "made_on": "2024-03-04",
        "item_id": ["F-1"],
    }
    with pytest.raises(encours.InputError, match='unknown key "item_id" at the top level; did you mean "item_ids"\\?') as e:
        PromiseToPay.from_json(json.dumps(promise))
    assert e.value.code == "unknown_key"
    with pytest.raises(encours.InputError, match='did you mean "entries"\\?'):
        History.from_json('{"entry": []}')


# ---------------------------------------------------------------- dunning defects (issue 11)


def test_recording_then_planning_again_the_same_day_gives_nothing_new() -> None:
    # 1,234.50 EUR due 2024-02-01, first planned on 2024-04-01 (60 days late): past
    # both steps. Before issue 11, the same-day re-run gave the formal notice.
    ledger = one_invoice()
    c = config([REMINDER, NOTICE])
    plan = ledger.dunning_plan(c, d("2024-04-01"))
    [a] = plan.actions
    assert a.step_id == "reminder"
    # The default spacing between two steps of one item is a week.
    assert a.next_step is not None and (a.next_step.step_id, a.next_step.date) == ("notice", d("2024-04-08"))
    history = History()
    history.record(plan)
    assert len(ledger.dunning_plan(c, d("2024-04-01"), history=history)) == 0
    assert len(ledger.dunning_plan(c, d("2024-04-07"), history=history)) == 0
    [n] = ledger.dunning_plan(c, d("2024-04-08"), history=history).actions
    assert n.step_id == "notice"


def test_a_fee_in_another_currency_is_converted_or_warned() -> None:
    ledger = one_invoice()
    c = config([{**REMINDER, "fee": [{"amount": "10.00", "currency": "GBP"}]}])
    [a] = ledger.dunning_plan(c, d("2024-02-06")).actions
    assert a.fee is None
    assert a.warnings == ["no fee: the step lists its fee as 10.00 GBP only and no exchange rate to EUR was given"]
    assert json.loads(a.to_json())["warnings"][0]["code"] == "fee_not_in_currency"
    fx = encours.FxRates.from_json('{"rates": [{"from": "GBP", "to": "EUR", "rate": "1.17"}]}')
    [a] = ledger.dunning_plan(c, d("2024-02-06"), fx_rates=fx).actions
    # 10.00 GBP x 1.17 = 11.70 EUR; total due 1,234.50 + 11.70.
    assert a.fee == eur("11.70") and a.total_due == eur("1246.20")
    assert json.loads(a.to_json())["warnings"][0]["code"] == "fee_converted"


def test_a_percent_fee_with_floor_and_cap() -> None:
    # 2.5 % of 1,234.50 = 30.8625: 30.86, capped at 20.00.
    ledger = one_invoice()
    fee = {"percent": "2.5", "floor": [{"amount": "10", "currency": "EUR"}], "cap": [{"amount": "20", "currency": "EUR"}]}
    [a] = ledger.dunning_plan(config([{**REMINDER, "percent_fee": fee}]), d("2024-02-06")).actions
    assert a.percent_fee == eur("20.00")
    assert a.total_due == eur("1254.50")
    with pytest.raises(encours.InputError, match='did you mean "floor"'):
        config([{**REMINDER, "percent_fee": {"percent": "1", "flor": []}}])
