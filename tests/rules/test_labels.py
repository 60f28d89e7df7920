"""The rule engine's article labels and provisions agree with the policy's (rules/ may not import knowledge/)."""

from __future__ import annotations

from knowledge.numerals import article_label
from knowledge.policy import load_policy
from rules import engine
from rules.model import clause_label
from rules.overlaps import OVERLAP_POINT


def test_the_engine_writes_the_policys_labels():
    policy = load_policy()
    assert all(clause_label(n) == article_label(n) == a.label for n, a in policy.articles.items())
    assert {step.source for step in engine.compute("rent_subsidy", {"area_m2": 800}).trace} >= {article_label(11)}


def test_provision_points_are_unique_and_quoted_verbatim():
    policy = load_policy()
    keys = [p["key"] for prov in engine.list_provisions() for p in prov.points]
    assert len(keys) == len(set(keys))
    for prov in engine.list_provisions():
        assert policy.article(prov.clause).title == prov.title
        assert all(p["quote"] in policy.article(prov.clause).text for p in prov.points)


def test_the_overlap_note_names_the_stacking_provision_by_its_own_label():
    profile = {"key_software": True, "first_recognized": True, "newly_settled": True}
    stacking = next(p for p in engine.list_provisions() if any(pt["key"] == OVERLAP_POINT for pt in p.points))
    notes = [n for r in engine.match(profile) for n in r.notes]
    overlaps = [n for n in notes if "就高不就低" in n]
    assert overlaps and all(clause_label(stacking.clause) in n for n in overlaps)
