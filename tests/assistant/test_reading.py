"""The reader (assistant/reading/): its corpus, measures, derivations, priors and the Understanding."""

from pathlib import Path

import pytest
import yaml

from assistant.facts import extract_facts, fact_labels
from assistant.quantities import normalize_text
from assistant.reading.derive import derive
from assistant.reading.measures import read_measures
from assistant.reading.tenure import newly_settled
from rules import engine

CORPUS = yaml.safe_load((Path(__file__).parent / "reading_corpus.yaml").read_text(encoding="utf-8"))


def read(text: str, item: str):
    """Facts of ``text`` for ``item``, with the derivations a rules turn makes."""
    update = extract_facts(normalize_text(text).text, engine.get_item(item).inputs)
    facts = dict(update.facts)
    derivation = derive(facts, set(), set(update.facts), update.raw, fact_labels())
    return update, facts, derivation


@pytest.mark.parametrize("case", CORPUS, ids=[c["text"] for c in CORPUS])
def test_corpus(case):
    update, facts, derivation = read(case["text"], case["item"])
    if case.get("conflict"):
        assert update.conflicts and not facts
        return
    assert not update.conflicts and not update.errors
    for name, value in case.get("facts", {}).items():
        assert facts.get(name) == value, (name, facts)
    for name in case.get("absent", []):
        assert name not in facts, (name, facts)
    if "projects" in case:
        assert update.projects == case["projects"]
    for name in case.get("unknown", []):
        assert name in update.unknown
    if case.get("derived_note"):
        assert derivation.notes and derivation.steps


@pytest.mark.parametrize("text, dimension, months", [
    ("每平方米每月租金42元", "money/area/time", 1.0),
    ("42元/㎡·月", "money/area/time", 1.0),
    ("每平米一年300元", "money/area/time", 12.0),
    ("每季度5万", "money/time", 3.0),
    ("半年利息50万", "money/time", 6.0),
    ("每层600平", "area/count", None),
    ("租金是42块一平一个月", "money/area/time", 1.0),
])
def test_measures_carry_their_dimension(text, dimension, months):
    m = [m for m in read_measures(text) if m.dimension not in ("years", "number")][-1]
    assert (m.describe(), m.period_months) == (dimension, months)


def test_a_total_over_years_is_marked():
    m = read_measures("过去3年累计利息600万")[-1]
    assert (m.describe(), m.total_years) == ("money", 3)


def test_an_implausible_interest_asks_one_question():
    facts = {"loan_principal_yuan": 10_000_000, "interest_yuan": 5_000_000}
    out = derive(facts, set(), {"interest_yuan"}, {}, fact_labels())
    assert len(out.questions) == 1 and "interest_yuan" not in facts


def test_a_stated_fact_wins_over_a_derived_one_and_a_derived_one_follows_its_inputs():
    facts = {"loan_principal_yuan": 10_000_000, "loan_rate_percent": 4.0}
    derived: set[str] = set()
    derive(facts, derived, set())
    assert facts["interest_yuan"] == 400_000 and derived == {"interest_yuan"}
    facts["loan_rate_percent"] = 3.0
    derive(facts, derived, {"loan_rate_percent"})
    assert facts["interest_yuan"] == 300_000
    facts["interest_yuan"] = 123_000
    derive(facts, derived, {"interest_yuan"})
    assert facts["interest_yuan"] == 123_000 and "interest_yuan" not in derived


def test_a_price_per_m2_without_period_is_a_close_call_in_the_overlap():
    update = extract_facts("认定园区800平，租金200元一平", engine.get_item("rent_subsidy").inputs)
    assert update.conflicts and "每月" in update.conflicts[0] and "每年" in update.conflicts[0]


@pytest.mark.parametrize("text, expected", [
    ("2010年就落户光明了", False), ("十年前入驻的", False), ("入驻五年多了", False),
    ("今年刚入驻", True), ("入驻认定园区", None),
])
def test_tenure(text, expected):
    assert newly_settled(text) is expected
