"""Generate conversations for every rule item from random values × surface forms.

For each item, ``per_item`` cases: the facts are drawn first (slots.py), the
expected outcome comes from ``rules.engine.compute`` on those facts, and only
then are they written out (templates.yaml): in one turn or split over two or
three, with a wrong figure corrected in a second turn, or with the required
figure left out (expected: a clarifying question naming it). For yearly items a
share of the questions asks the total over N years (expected: the per-year
amount × min(N, the item's years)). Deterministic for a seed: each item has its
own random stream, so choosing fewer items does not change the others' cases.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from evals.phrasings.slots import NUMERIC, Value, draw, render, write_number
from rules import engine
from rules.errors import InvalidFact

TEMPLATES_PATH = Path(__file__).with_name("templates.yaml")
# Share of each plan among an item's cases; clarify only where a figure is required,
# correction only where there is a figure to correct. The rest are single turns.
SHARES = {"clarify": 0.10, "correction": 0.15, "split2": 0.15, "split3": 0.10}
YEARS_ASKED = (2, 3, 3, 3, 4, 5)
TOTAL_SHARE = 0.3
NUMBER_WORDS = {2: "两", 3: "三", 4: "四", 5: "五"}
# The forms of the brief, each produced somewhere by a default run (tests/evals/test_phrasings.py).
REQUIRED_FORMS = (
    "num:digits", "num:wan", "num:yi", "num:w", "num:chinese", "num:fullwidth", "num:commas", "num:yen",
    "form:rent:price_month", "form:rent:price_year", "form:rent:total_month", "form:rent:total_quarter",
    "form:rent:total_year", "form:period:year", "form:period:month", "form:period:quarter",
    "form:period:half", "form:period:loan", "form:area:parts", "form:flag:neg", "form:percent:down",
    "ask:total", "ask:first", "filler:prefix", "filler:suffix", "plan:single", "plan:split2",
    "plan:split3", "plan:correction", "plan:clarify", "clarify:hint",
)


@dataclass
class Case:
    """One generated conversation and what the assistant should answer to its last turn.

    Attributes:
        id: "<item>-<index>".
        item: the rule item.
        plan: single | split2 | split3 | correction | clarify.
        turns: the user's turns.
        facts: the engine facts the turns state (after any correction).
        years: N when the question asks the total over N years, else None.
        expect: amount_yuan (int or None), eligible (bool or None: not checked),
            route ("clarify" or None: not checked), missing (the fact asked for, or None).
        forms: tags of the surface forms used (num:…, form:…, plan:…, tpl:…).
    """

    id: str
    item: str
    plan: str
    turns: list[str]
    facts: dict[str, Any]
    years: int | None
    expect: dict[str, Any]
    forms: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=4)
def load_templates(path: Path = TEMPLATES_PATH) -> dict[str, Any]:
    """The templates file, with the shared yes/no forms filled into slots that use them."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    shared_flags = data["shared"]["flags"]
    for item_id, item in data["items"].items():
        engine.get_item(item_id)  # an unknown item id fails here, naming the valid ones
        for name, slot in item["slots"].items():
            if slot["kind"] == "flag" and "forms" not in slot:
                slot["forms"] = shared_flags[name]
    return data


def generate(seed: int = 0, per_item: int = 200, items: list[str] | None = None) -> list[Case]:
    """``per_item`` cases for each item (every item of ``rules.engine.list_items()`` by default)."""
    ids = items or [spec.id for spec in engine.list_items()]
    return [case for item_id in ids for case in generate_item(item_id, seed, per_item)]


def generate_item(item_id: str, seed: int, count: int) -> list[Case]:
    """The cases of one item, from its own random stream."""
    data = load_templates()
    spec = data["items"][item_id]
    rng = random.Random(f"phrasings:{seed}:{item_id}")
    plans = _schedule(item_id, spec, count, rng)
    return [_make_case(item_id, spec, data["shared"], plan, index, rng) for index, plan in enumerate(plans)]


def required_numeric(item_id: str, spec: dict) -> list[str]:
    """The item's slots that state a required figure (a missing one must be asked for)."""
    required = {i.name for i in engine.get_item(item_id).inputs if i.required}
    return [name for name, slot in spec["slots"].items()
            if slot["kind"] in NUMERIC and slot.get("fact", name) in required]


def _schedule(item_id: str, spec: dict, count: int, rng: random.Random) -> list[str]:
    """The plan of each case: fixed shares, in a random order."""
    figures = bool(required_numeric(item_id, spec))
    plans: list[str] = []
    for plan, share in SHARES.items():
        if plan in ("clarify", "correction") and not figures:
            continue
        plans += [plan] * round(count * share)
    plans = plans[:count] + ["single"] * max(count - len(plans), 0)
    rng.shuffle(plans)
    return plans


def _make_case(item_id: str, spec: dict, shared: dict, plan: str, index: int, rng: random.Random) -> Case:
    """Draw facts the engine accepts, compute the expectation, then write the turns."""
    for _ in range(50):
        omit = rng.choice(required_numeric(item_id, spec)) if plan == "clarify" else None
        values = _draw_values(spec, rng, plan, omit)
        facts = {v.fact: v.value for v in values.values() if v.fact}
        try:
            result = engine.compute(item_id, facts)
        except InvalidFact:
            continue
        if plan == "clarify" and (result.eligible is False or spec["slots"][omit].get("fact", omit)
                                  not in result.missing):
            continue  # a question the conditions already decide is not a clarify case
        break
    else:  # pragma: no cover - the templates' ranges are inside the engine's
        raise RuntimeError(f"{item_id}: no acceptable facts drawn in 50 tries")
    years = _years_asked(spec, plan, rng)
    amount = result.amount_yuan
    if years and amount is not None:
        amount *= min(years, engine.get_item(item_id).max_years or years)
    missing = spec["slots"][omit].get("fact", omit) if omit else None
    writer = _Writer(item_id, spec, shared, rng, values)
    turns = writer.turns(plan, years)
    expect = {"amount_yuan": amount, "eligible": result.eligible,
              "route": "clarify" if plan == "clarify" else None, "missing": missing}
    return Case(f"{item_id}-{index:03d}", item_id, plan, turns, facts, years, expect,
                sorted(writer.tags | {f"plan:{plan}"}))


def _draw_values(spec: dict, rng: random.Random, plan: str, omit: str | None) -> dict[str, Value]:
    """Draw every slot the question states (those with ``requires`` after the others)."""
    values: dict[str, Value] = {}
    ident = spec.get("ident")
    ordered = sorted(spec["slots"].items(), key=lambda kv: "requires" in kv[1])
    for name, slot in ordered:
        needs = slot.get("requires") or {}
        if slot.get("area") and slot["area"] not in values:
            continue  # a rent is stated with its area
        if name == omit or any(values.get(k) is None or values[k].value != v for k, v in needs.items()):
            continue
        if name != ident and rng.random() >= slot.get("p", 1.0):
            continue
        values[name] = draw(name, slot, rng, form=_correction_form(slot, plan, rng), others=values)
    return values


def _correction_form(slot: dict, plan: str, rng: random.Random) -> str | None:
    """Before a correction, figures are stated plainly (so that "不对，是…" names one figure), and a
    rent as a price per m² (a rent total would not fit the wrong area stated first)."""
    if plan != "correction":
        return None
    if slot["kind"] == "rent":
        return rng.choice(("price_month", "price_year"))
    return "year" if slot["kind"] == "period" else "plain"


def _years_asked(spec: dict, plan: str, rng: random.Random) -> int | None:
    if plan == "clarify" or not spec.get("ask_total") or rng.random() >= TOTAL_SHARE:
        return None
    return rng.choice(YEARS_ASKED)


class _Writer:
    """Writes one case's drawn values as turns, collecting the form tags used."""

    def __init__(self, item_id: str, spec: dict, shared: dict, rng: random.Random,
                 values: dict[str, Value]) -> None:
        self.item, self.spec, self.shared, self.rng = item_id, spec, shared, rng
        self.values = values
        self.tags: set[str] = set()
        ident = spec.get("ident")
        self.named_only = bool(ident and values[ident].value is False)

    def pick(self, group: str, options: list[str]) -> str:
        """A random template of ``options``, tagged as ``tpl:<item>:<group>:<index>``."""
        index = self.rng.randrange(len(options))
        owner = "shared" if group in ("intro", "follow_ask", "corrections", "correction_leads") else self.item
        self.tags.add(f"tpl:{owner}:{group}:{index}")
        return options[index]

    def fill(self, template: str, **extra: str) -> str:
        """``template`` with {name} (one of the item's names) and ``extra`` filled in."""
        names = self.spec["names"]
        return template.format_map({"name": self.rng.choice(names), **extra})

    def turns(self, plan: str, years: int | None) -> list[str]:
        """The turns of the plan."""
        if plan == "clarify":  # without its figure, only the question names the item: name it
            self.named_only = True
        if plan == "correction":
            return self._correction(years)
        clauses = self.clauses(dict(self.values))
        if plan == "clarify":
            clauses += self._clarify_extras()
        if plan in ("split2", "split3") and clauses:
            return self._split(plan, clauses, years)
        return [self.sentence(clauses, self.ask(years))]

    def clauses(self, values: dict[str, Value]) -> list[str]:
        """One clause per stated slot (or fewer, where a clause names another slot in passing)."""
        order = {"flag": 1, "choice": 2}
        pending = sorted(values.values(), key=lambda v: order.get(v.kind, 0))
        stated: set[str] = set()
        out = []
        for value in pending:
            if value.slot in stated:
                continue
            words = self._words(values, stated | {value.slot})
            clause, tags, refs = render(value, self.spec["slots"][value.slot], self.rng, words)
            self._tag(value, tags)
            stated |= refs | {value.slot}
            out.append(clause)
        self.rng.shuffle(out)
        return out

    def _words(self, values: dict[str, Value], stated: set[str]) -> dict[str, list[str]]:
        """Words naming the not yet stated yes/no and choice slots that have them."""
        out = {}
        for name, value in values.items():
            words = self.spec["slots"][name].get("words") or {}
            key = value.value if value.kind == "choice" else ("pos" if value.value else "neg")
            if name not in stated and words.get(key):
                out[name] = words[key]
        return out

    def _tag(self, value: Value, tags: set[str]) -> None:
        self.tags |= {f"tpl:{self.item}:{t[4:]}" if t.startswith("tpl:") else t for t in tags}
        if value.kind == "choice":
            self.tags.add(f"choice:{value.fact}={value.value}")

    def ask(self, years: int | None, follow: bool = False) -> str:
        """The question: per year (or plain), or the total over ``years`` years."""
        if years:
            template = self.pick("ask_total", self.spec["ask_total"])
            n = NUMBER_WORDS[years] if self.rng.random() < 0.7 else str(years)
            self.tags.add("ask:total")
            return self.fill(template, n=n)
        asks = self.spec["ask"]
        if follow and self.spec.get("follow", True) and not self.named_only and self.rng.random() < 0.4:
            return self.pick("follow_ask", self.shared["follow_ask"])
        usable = [i for i, a in enumerate(asks) if "{name}" in a or not self.named_only]
        index = self.rng.choice(usable)
        self.tags.add(f"tpl:{self.item}:ask:{index}")
        return self.fill(asks[index])

    def sentence(self, clauses: list[str], ask: str | None, later: bool = False,
                 lead: str | None = None, greet: bool = True) -> str:
        """Clauses after a subject, the question at the end (or first), with fillers.

        Args:
            clauses: the fact clauses, in order.
            ask: the question, or None.
            later: a later turn (a connective such as 另外, no greeting).
            lead: a sentence the turn opens with (naming the item), after the greeting.
            greet: open with a greeting now and then (the first turn only).
        """
        body = ""
        if clauses:
            subjects = self.spec.get("subjects") or self.shared["subjects"]
            body = self.rng.choice(subjects) + "，".join(clauses)
            if later:
                body = self.rng.choice(self.shared["later"]) + body
        prefix = self.rng.choice(self.shared["prefixes"]) if greet and not later else ""
        if lead:
            prefix = prefix if prefix.endswith("好，") else ""  # a greeting, never 请问 before 想咨询…
            prefix += lead if lead[-1] in "？。！" or not (body or ask) else lead + "。"
        suffix = self.rng.choice(self.shared["suffixes"]) if ask else ""
        self.tags |= {"filler:prefix"} if prefix else set()
        self.tags |= {"filler:suffix"} if suffix else set()
        if ask and body and not later and self.rng.random() < 0.2:
            self.tags.add("ask:first")
            return f"{prefix}{ask}{body}。{suffix}"
        text = "，".join(part for part in (body, ask) if part)
        return f"{prefix}{text}{suffix}"

    def _split(self, plan: str, clauses: list[str], years: int | None) -> list[str]:
        """Facts over two or three turns, the item named in the first, the question in the last."""
        cut = self.rng.randint(0, len(clauses) - 1) if plan == "split2" else self.rng.randint(
            1, len(clauses)) if len(clauses) > 1 else 1
        head, tail = clauses[:cut], clauses[cut:]
        intro = self.fill(self.pick("intro", self.shared["intro"]))
        last = self.sentence(tail, self.ask(years, follow=True), later=True)
        if plan == "split2":
            return [self.sentence(head, None, lead=intro), last]
        return [self.sentence([], None, lead=intro), self.sentence(head, None, greet=False), last]

    def _correction(self, years: int | None) -> list[str]:
        """A wrong figure first, then "不对，是…" with the right one; the last value counts."""
        name = self.rng.choice([n for n in required_numeric(self.item, self.spec) if n in self.values])
        right = self.values[name]
        slot = self.spec["slots"][name]
        for _ in range(20):
            wrong = draw(name, slot, self.rng, form=right.form, others=self.values)
            if wrong.value != right.value:
                break
        first = self.clauses({**self.values, name: wrong})
        turn1 = self.sentence(first, self.ask(years))
        templates = self.shared["corrections"]
        if any(v.kind in ("money", "period") for n, v in self.values.items() if n != name) \
                and right.kind in ("money", "period"):
            templates = [t for t in templates if "{noun}" in t]  # two amounts: say which one
        if right.kind == "percent":  # a signed figure: said again as a whole clause (下降了5%)
            clause, tags, _ = render(right, slot, self.rng, {})
            self.tags |= {t for t in tags if t.startswith("num:")}
            turn2 = self.pick("correction_leads", self.shared["correction_leads"]) + clause
        else:
            template = self.pick("corrections", templates)
            number, tag = write_number(right.kind, "v", right.shown["v"], self.rng)  # plain / per year
            self.tags.add(tag)
            turn2 = template.format(v=number, noun=slot.get("noun", ""))
        if self.rng.random() < 0.5:
            turn2 += "，" + self.ask(years, follow=True)
        return [turn1, turn2]

    def _clarify_extras(self) -> list[str]:
        """What a question without its figure says instead: a context clause, or a figure that
        does not decide the amount (a loan's principal, a rent total without the area)."""
        extra = self.spec.get("clarify") or {}
        out = []
        if extra.get("hints") and self.rng.random() < 0.6:
            index = self.rng.randrange(len(extra["hints"]))
            template, bounds = extra["hints"][index]
            slot = {"kind": "money", "range": bounds, "forms": {"plain": [template]}}
            clause, tags, _ = render(draw("hint", slot, self.rng), slot, self.rng, {})
            self.tags |= {"clarify:hint", f"tpl:{self.item}:clarify_hints:{index}"}
            self.tags |= {t for t in tags if t.startswith("num:")}
            out.append(clause)
        if extra.get("context"):  # says the question is about the enterprise's own case
            out.insert(0, self.pick("clarify_context", extra["context"]))
        return out

