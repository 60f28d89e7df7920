"""The measure lexicon (``lexicon.yaml`` beside this file), loaded once and compiled.

The YAML is data: units and their dimensions, how "per" is written, period words, the
auxiliary roles a figure can have and the derivations and priors that use them. This module
only turns it into compiled patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LEXICON_PATH = Path(__file__).resolve().parent / "lexicon.yaml"
_NUMERAL_BEFORE = "(?<![0-9零〇一二两三四五六七八九十百千万])"


@dataclass(frozen=True)
class Lexicon:
    """The compiled lexicon.

    Attributes:
        per: a "per X" phrase (每平方米, /月, 一个月, ·月); groups ``unit`` and ``dim``.
        denominators: dimension -> unit word -> size in the dimension's base unit.
        period_prefix: (pattern, months) of period words fused to a noun ("月租金").
        years_total: "三年一共…": a figure covering several years (group ``n``).
        kuai: "块" as yuan right after a number.
        frequency, per_event: "每半年付一次…每次X": X is per the frequency's period.
        roles: role name -> its spec (dimension, label, head patterns).
        derivations: the derivation specs, in order.
        priors: the plausibility priors.
        price_period: month / year ranges of a per-m² price with no period.
        qualitative: fact -> (value, phrases) said without digits ("持平": growth 0%).
    """

    per: re.Pattern
    denominators: dict[str, dict[str, float]]
    period_prefix: tuple[tuple[re.Pattern, float], ...]
    years_total: re.Pattern
    kuai: re.Pattern
    frequency: re.Pattern
    per_event: re.Pattern
    roles: dict[str, dict]
    derivations: tuple[dict, ...]
    priors: tuple[dict, ...]
    price_period: dict[str, tuple[float, float]]
    qualitative: dict[str, tuple[tuple[float, re.Pattern], ...]]

    def dimension_of(self, unit: str) -> str:
        """The dimension a denominator unit word belongs to ("平" → area, "季度" → time)."""
        return next(dim for dim, units in self.denominators.items() if unit in units)

    def size_of(self, unit: str) -> float:
        """The size of a denominator unit in its base unit ("季度" → 3 months)."""
        return self.denominators[self.dimension_of(unit)][unit]


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=2)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Load and compile the lexicon (cached)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    denominators = {dim: {str(k): float(v) for k, v in units.items()} for dim, units in data["denominators"].items()}
    units = _alternation({u for group in denominators.values() for u in group})
    # 一 as "per" only when it is no digit of a numeral ("十一年" is eleven years).
    marker = data["per_marker"].replace("一", "(?:" + _NUMERAL_BEFORE + "一)", 1)
    per = re.compile(f"(?:{marker})(?P<unit>{units})")
    roles = {}
    for name, spec in data["roles"].items():
        roles[name] = {**spec, "heads": tuple(spec["heads"])}
    return Lexicon(
        per=per,
        denominators=denominators,
        period_prefix=tuple((re.compile(p), float(m)) for p, m in data["period_prefix"].items()),
        years_total=re.compile(data["years_total"]),
        kuai=re.compile(data["kuai"]),
        frequency=re.compile(data["frequency"]),
        per_event=re.compile(data["per_event"]),
        roles=roles,
        derivations=tuple(data["derivations"]),
        priors=tuple(data["priors"]),
        price_period={k: (float(v[0]), float(v[1])) for k, v in data["price_period"].items()},
        qualitative={fact: tuple((float(value), re.compile(_alternation(words))) for value, words in values.items())
                     for fact, values in data.get("qualitative", {}).items()},
    )


def derived_inputs(figures: set[str]) -> list[str]:
    """The facts that figures of auxiliary roles derive, in the lexicon's order.

    A loan's principal derives the interest first, then the guarantee fee: an item whose input
    that is becomes a candidate even when no keyword names it ("贷了3000万，能贴多少").
    """
    out = []
    for spec in load_lexicon().derivations:
        if spec["output"] not in out and any(i in figures for i in spec["inputs"]) \
                and any(i in load_lexicon().roles for i in spec["inputs"] if i in figures):
            out.append(spec["output"])
    return out


def roles_for(inputs: set[str]) -> set[str]:
    """The auxiliary roles whose derivations fill one of ``inputs`` (the loan's principal and rate
    for ``interest_yuan``): a turn that states them states something about the item."""
    lex = load_lexicon()
    return {i for spec in lex.derivations if spec["output"] in inputs for i in spec["inputs"] if i in lex.roles}
