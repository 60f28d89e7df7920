"""The rules engine: list the items, compute one, match a profile to all.

``compute`` checks the facts, records the ones used (and the assumptions made
for those not given), stops with ``eligible=None`` when a required fact is
missing, and otherwise runs the item's function. It never guesses an amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from rules.calc import ASSUMED, USER, Calc, fmt
from rules.errors import UnknownItem, UnknownProvision
from rules.facts import FACTS, choice_label, coerce
from rules.items import REGISTRY, ItemDef
from rules.model import ItemSpec, Provision, Result
from rules.overlaps import OVERLAP_POINT, annotate_overlaps
from rules.params import ItemParameters, load_items, load_provisions

SCOPE_FACT = "in_scope"


def list_items() -> list[ItemSpec]:
    """Every item in policy order."""
    return [spec for spec, _, _ in _catalogue().values()]


def describe_items() -> list[dict]:
    """Every item as the calculator lists it: id, clause, names, keywords and inputs."""
    return [{"item": spec.id, "clause": spec.clause, "title": spec.title, "name": spec.name,
             "keywords": list(spec.keywords), "yearly": spec.yearly, "max_years": spec.max_years,
             "inputs": [{"name": i.name, "type": i.type, "unit": i.unit, "description": i.description,
                         "required": i.required, "choices": list(i.choices)} for i in spec.inputs]}
            for spec in list_items()]


def get_item(item_id: str) -> ItemSpec:
    """The spec of ``item_id``; an unknown id raises ``UnknownItem`` listing the valid ones."""
    return _entry(item_id)[0]


def compute(item_id: str, facts: Mapping[str, object]) -> Result:
    """Compute item ``item_id`` for ``facts`` (canonical names, typed or text values).

    Unknown fact names are ignored. Raises ``UnknownItem`` for an unknown id and
    ``InvalidFact`` for a value of the wrong type or outside its range.
    """
    spec, params, definition = _entry(item_id)
    given = check_facts(facts, [i.name for i in definition.inputs] + [SCOPE_FACT])
    c = Calc(spec, params, dict(given))
    _record_inputs(c, definition, given)
    if given.get(SCOPE_FACT) is False:
        c.fail("企业不属于第（十八）条规定的支持范围（人工智能产业、软件和信息技术服务业及互联网和相关服务）")
    if c.eligible is False:
        return c.result()
    waived = any(given.get(name) is True for name in definition.waived_by)
    c.missing = [] if waived else [i.name for i in definition.inputs if i.required and i.name not in given]
    if c.missing:
        names = "、".join(f"{name}（{FACTS[name].description}）" for name in c.missing)
        c.undecided(f"缺少以下信息，暂无法计算：{names}。")
        return c.result()
    definition.func(c)
    return c.result()


def match(profile: Mapping[str, object]) -> list[Result]:
    """Every item an enterprise profile may claim, with amounts or bounds.

    An item is offered when the profile states one of its trigger facts (a
    "yes" for yes/no facts) and the computation does not rule it out. Results
    that compete under article (十九) (the same title or the same landing
    rewarded twice) carry ``overlaps`` and a note.
    """
    given = check_facts(profile, list(FACTS))
    results = []
    for item_id, (_, _, definition) in _catalogue().items():
        if not any(_triggered(given.get(name)) for name in definition.triggers):
            continue
        result = compute(item_id, given)
        if result.eligible is not False:
            results.append(result)
    stacking = next(p for p in load_provisions().values() if any(pt["key"] == OVERLAP_POINT for pt in p.points))
    return annotate_overlaps(results, stacking)


def list_provisions() -> list[Provision]:
    """The non-monetary articles (八, 十八, 十九, 二十) as quotable data."""
    return list(load_provisions().values())


def get_provision(clause: int) -> Provision:
    """The non-monetary article ``clause``; others raise ``UnknownProvision``."""
    provisions = load_provisions()
    if clause not in provisions:
        raise UnknownProvision(clause, list(provisions))
    return provisions[clause]


def check_facts(facts: Mapping[str, object], names: list[str]) -> dict[str, object]:
    """Coerce the facts among ``names`` that are given (not None); ignore the rest."""
    return {name: coerce(name, facts[name]) for name in names
            if name in FACTS and facts.get(name) is not None}


def _triggered(value: object) -> bool:
    return value is not None and value is not False


def _record_inputs(c: Calc, definition: ItemDef, given: dict[str, object]) -> None:
    """Trace each input: the user's value, or the default and its assumption."""
    for spec_input in definition.inputs:
        spec = spec_input.spec()
        if spec.name in given:
            value = given[spec.name]
            shown = choice_label(spec.name, value) if spec.type == "choice" else fmt(value, spec.unit)
            head = spec.description.split("：", 1)[0] if spec.type == "choice" else spec.description
            c.step(f"{head}：{shown}", value if spec.type == "money" else None, USER)
            if spec_input.condition and value is False:
                c.fail(f"本项要求{spec_input.assumption.removeprefix('假定').rstrip('。')}，"
                       f"而您提供的是“否”")
        elif not spec.required:
            c.facts[spec.name] = spec.default
            if spec_input.assumption:
                c.assumptions.append(spec_input.assumption)
                c.step(spec_input.assumption, None, ASSUMED)


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, tuple[ItemSpec, ItemParameters, ItemDef]]:
    params = load_items()
    missing = set(REGISTRY) ^ set(params)
    if missing:
        raise RuntimeError(f"items without parameters or functions: {sorted(missing)}")
    ordered = sorted(REGISTRY.values(), key=lambda d: params[d.id].clause)
    return {d.id: (_spec(d, params[d.id]), params[d.id], d) for d in ordered}


def _spec(definition: ItemDef, params: ItemParameters) -> ItemSpec:
    return ItemSpec(id=definition.id, clause=params.clause, title=params.title, name=params.name,
                    inputs=tuple(i.spec() for i in definition.inputs), keywords=params.keywords,
                    yearly=params.yearly, max_years=params.max_years)


def _entry(item_id: str) -> tuple[ItemSpec, ItemParameters, ItemDef]:
    catalogue = _catalogue()
    if item_id not in catalogue:
        raise UnknownItem(item_id, {key: spec.name for key, (spec, _, _) in catalogue.items()})
    return catalogue[item_id]

