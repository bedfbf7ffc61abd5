"""Dunning letters from Python: the default English and French templates, the
integrator's own templates, and the errors of each."""

from __future__ import annotations

import pickle

import pytest

import encours
from encours import Customer, DunningConfig, Item, Ledger, Letter, Letters

from conftest import d, eur

NNBSP = "\u202f"  # the French thousands separator (narrow no-break space)


@pytest.fixture
def plan() -> encours.DunningPlan:
    """One e-mail reminder to Dupont SA for F-1, 1,234.50 EUR due 2024-02-01, with a
    letter as the next step on 2024-02-21."""
    ledger = Ledger(
        customers=[Customer("C1", "Dupont SA", "EUR")],
        items=[Item("F-1", "C1", issue_date=d("2024-01-02"), due_date=d("2024-02-01"), amount=eur("1234.50"))],
    )
    config = DunningConfig.from_dict({
        "scenarios": [{"id": "s", "steps": [
            {"id": "r1", "offset_days": 5, "channel": "email", "template": "reminder"},
            {"id": "r2", "offset_days": 20, "channel": "letter", "template": "reminder_2"},
        ]}],
        "default_scenario": "s",
    })
    return ledger.dunning_plan(config, d("2024-02-06"))


def test_french_reminder(plan: encours.DunningPlan) -> None:
    letter = Letters().render(plan.actions[0], "fr", sender="Service crédit ACME", payment_instructions="IBAN FR76 …")
    assert letter.subject == f"Relance — 1{NNBSP}234,50 EUR échus"
    assert (letter.action_id, letter.channel, letter.language, letter.template) == (
        "2024-02-06/C1/step/r1", "email", "fr", "reminder")
    assert f"- F-1 échue le 2024-02-01 (5 jours de retard) : 1{NNBSP}234,50 EUR\n" in letter.body
    assert f"Montant dû : 1{NNBSP}234,50 EUR\n" in letter.body
    assert "IBAN FR76 …" in letter.body
    assert "une nouvelle relance (courrier) suivra le 2024-02-21." in letter.body
    assert letter.body.rstrip().endswith("Service crédit ACME")


def test_english_reminder(plan: encours.DunningPlan) -> None:
    letter = Letters().render(plan.actions[0], sender="ACME credit team")
    assert letter.language == "en"
    assert letter.subject == "Payment reminder — 1,234.50 EUR overdue"
    assert "- F-1 due 2024-02-01 (5 days overdue): 1,234.50 EUR\n" in letter.body
    assert "Amount due: 1,234.50 EUR\n" in letter.body
    assert Letter.from_json(letter.to_json()) == letter
    assert pickle.loads(pickle.dumps(letter)) == letter


def test_an_integrators_template_replaces_the_default(plan: encours.DunningPlan) -> None:
    letters = Letters()
    letters.set_template("en", "reminder", "Subject: {{ customer_name }} owes {{ total_due | money }}\n"
                         "{% for i in items %}{{ i.item_id }}={{ i.days_overdue }}{% endfor %} via {{ channel | channel }}")
    letter = letters.render(plan.actions[0], "en")
    assert letter.subject == "Dupont SA owes 1,234.50 EUR"
    assert letter.body == "F-1=5 via e-mail"
    [again] = letters.render_plan(plan, "en")
    assert again == letter


def test_a_step_template_key_without_a_template_falls_back_to_the_channel_default(plan: encours.DunningPlan) -> None:
    letters = Letters()
    letters.set_template("en", "reminder", "generic")
    letters.set_template("en", "special", "special one")
    assert letters.render(plan.actions[0]).template == "reminder"


def test_template_errors() -> None:
    letters = Letters()
    with pytest.raises(encours.LetterError, match=r'invalid template "broken" \(en\)') as e:
        letters.set_template("en", "broken", "{% if %}")
    assert e.value.code == "invalid_template"
    with pytest.raises(encours.InputError, match='invalid language "de"') as e2:
        letters.set_template("de", "reminder", "Hallo")  # type: ignore[arg-type]
    assert e2.value.code == "invalid_choice"


def test_missing_and_failing_templates(plan: encours.DunningPlan) -> None:
    with pytest.raises(encours.LetterError, match='no template "reminder" nor "reminder" for language fr') as e:
        Letters.empty().render(plan.actions[0], "fr")
    assert e.value.code == "missing_template"
    letters = Letters.empty()
    letters.set_template("en", "reminder", "{{ total_due | money(1, 2, 3) }}")
    with pytest.raises(encours.LetterError, match=r'rendering template "reminder" \(en\) failed') as e2:
        letters.render(plan.actions[0])
    assert e2.value.code == "render"
    assert isinstance(e2.value, encours.EncoursError)


def test_default_sources_to_start_from() -> None:
    letters = Letters()
    assert letters.template_keys("fr") == [
        "escalation", "formal_notice", "handover", "reminder", "sms", "task", "thank_you", "upcoming"]
    source = letters.template_source("fr", "reminder")
    assert source is not None and source.startswith("Subject: Relance — {{ total_claimed | money }}")
    assert letters.template_source("fr", "nope") is None
    letters.set_template("fr", "relance_douce", source.replace("Relance", "Petit rappel"))
    assert "relance_douce" in letters.template_keys("fr")
    assert Letters.empty().template_keys("en") == []
