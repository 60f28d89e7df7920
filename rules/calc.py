"""The working sheet of one computation: facts, parameters read, steps, verdict.

Item functions receive a ``Calc``; every fact used and every parameter read
lands in the trace with its source, and the parameters' reference sentences
become the citation, so no number reaches the user without its clause.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from rules.model import Citation, ItemSpec, Result, Step, clause_label
from rules.params import ItemParameters, Parameter

USER = "用户提供"
COMPUTED = "计算"
ASSUMED = "假定"


def fmt(value: object, unit: str = "") -> str:
    """Format a number with its unit: 800.0 -> "800平方米", 30 with "%" -> "30%"."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}{unit}"


def floor_yuan(value: Decimal) -> int:
    """Whole yuan, rounding down (a subsidy never exceeds the computed figure)."""
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


class Calc:
    """Collects the trace, verdict and amount of one item computation."""

    def __init__(self, spec: ItemSpec, params: ItemParameters, facts: dict[str, object]):
        self.spec = spec
        self.params = params
        self.facts = facts
        self.label = clause_label(spec.clause)
        self.eligible: bool | None = True
        self.amount: int | None = None
        self.kind = "none"
        self.bound: int | None = None
        self.trace: list[Step] = []
        self.missing: list[str] = []
        self.assumptions: list[str] = []
        self.reasons: list[str] = []
        self.unspecified: list[str] = []
        self._refs: list[str] = []

    # -- reading -----------------------------------------------------------
    def __getitem__(self, name: str) -> object:
        return self.facts.get(name)

    def param(self, path: str) -> object:
        """Read parameter ``path``, recording it in the trace and the citation."""
        p = self._use(path)
        value = p.value if isinstance(p.value, int) and not isinstance(p.value, bool) else None
        self.step(f"{p.description}：{fmt(p.value, p.unit)}", value, self.label)
        return p.value

    def bracket(self, path: str, amount: int) -> int | None:
        """Return the award of the highest tier of ``path`` that ``amount`` reaches."""
        p = self._use(path)
        tiers = "；".join(f"{fmt(b.threshold, '元')}→{fmt(b.amount, '元')}" for b in p.brackets)
        self.step(f"{p.description}：{tiers}", None, self.label)
        hit = p.bracket_for(amount)
        if hit is None:
            return None
        self.step(f"{fmt(amount, '元')} ≥ {fmt(hit.threshold, '元')}，对应奖励{fmt(hit.amount, '元')}",
                  hit.amount, COMPUTED)
        return hit.amount

    def note_unspecified(self, path: str) -> None:
        """Record that the policy leaves parameter ``path`` open."""
        p = self._use(path)
        note = f"{p.description}：政策原文为“{p.text}”，未给出具体数值或标准。"
        self.unspecified.append(note)
        self.step(note, None, self.label)

    # -- recording ---------------------------------------------------------
    def step(self, text: str, value: int | None = None, source: str = COMPUTED) -> None:
        self.trace.append(Step(text, value, source))

    def assume(self, text: str) -> None:
        self.assumptions.append(text)
        self.step(text, None, ASSUMED)

    def fail(self, reason: str) -> None:
        """Mark the item as not claimable for these facts."""
        self.eligible = False
        self.reasons.append(reason)
        self.step(f"不符合条件：{reason}", None, COMPUTED)

    def undecided(self, reason: str) -> None:
        """Mark the verdict as unknown (the policy or the facts do not decide it)."""
        if self.eligible is not False:
            self.eligible = None
        self.reasons.append(reason)

    # -- common computations ------------------------------------------------
    def at_least(self, value: float, path: str, what: str, unit: str) -> bool:
        """Check ``value`` against the inclusive threshold ``path`` ("以上" includes it)."""
        threshold = self.param(path)
        if value < threshold:
            self.fail(f"{what}{fmt(value, unit)}低于{fmt(threshold, unit)}的门槛")
            return False
        self.step(f"{what}{fmt(value, unit)} ≥ {fmt(threshold, unit)}，满足门槛", None, COMPUTED)
        return True

    def percent(self, base: int, base_what: str, rate_path: str) -> int:
        """Return ``rate`` % of ``base`` yuan, rounded down to whole yuan."""
        rate = self.param(rate_path)
        exact = Decimal(base) * Decimal(rate) / 100
        amount = floor_yuan(exact)
        tail = "（不足1元部分舍去）" if exact != amount else ""
        self.step(f"{base_what}{fmt(base, '元')} × {fmt(rate, '%')} = {fmt(amount, '元')}{tail}",
                  amount, COMPUTED)
        return amount

    def cap(self, amount: int, path: str, bound: bool = True) -> int:
        """Apply the cap ``path`` to ``amount``; the cap becomes the result's bound."""
        limit = self.param(path)
        if bound:
            self.bound = limit
        return self.limit(amount, limit, self.params[path].description)

    def limit(self, amount: int, limit: int, what: str) -> int:
        """Return min(amount, limit), saying in the trace whether the limit applied."""
        if amount > limit:
            self.step(f"{fmt(amount, '元')} 超过{what}{fmt(limit, '元')}，按{fmt(limit, '元')}计",
                      limit, COMPUTED)
            return limit
        self.step(f"{fmt(amount, '元')} 未超过{what}{fmt(limit, '元')}", amount, COMPUTED)
        return amount

    def capped_percent(self, base_fact: str, rate_path: str, cap_path: str, kind: str) -> None:
        """Set the amount to min(rate × fact, cap): the common "按X%给予最高Y" rule."""
        base = self.facts[base_fact]
        amount = self.percent(base, self._what(base_fact), rate_path)
        self.set_amount(self.cap(amount, cap_path), kind)

    def set_amount(self, amount: int, kind: str) -> None:
        self.amount, self.kind = amount, kind
        per = "每年" if self.spec.yearly else ""
        self.step(f"{per}可获{self.spec.name}：{fmt(amount, '元')}", amount, COMPUTED)

    def bound_only(self, cap_path: str) -> None:
        """The policy says only "最高X": no amount, the bound is X."""
        self.bound = self.param(cap_path)
        self.kind = "bound_only"
        self.step(f"政策只规定上限（最高{fmt(self.bound, '元')}），具体金额以评审核定为准",
                  self.bound, COMPUTED)

    def result(self) -> Result:
        if self.eligible is not True:
            self.amount = None
            self.kind = "none" if self.eligible is False or self.missing else self.kind
        spec = self.spec
        return Result(
            item=spec.id, clause=spec.clause, title=spec.title, name=spec.name,
            eligible=self.eligible, amount_yuan=self.amount, amount_kind=self.kind,
            bound_yuan=self.bound, per_year=spec.yearly,
            years=spec.max_years if spec.yearly else None, trace=self.trace,
            citation=Citation(spec.clause, spec.title, self._quote()), missing=self.missing,
            assumptions=self.assumptions, reasons=self.reasons, unspecified=self.unspecified)

    # -- internals ----------------------------------------------------------
    def _use(self, path: str) -> Parameter:
        p = self.params[path]
        if p.reference not in self._refs:
            self._refs.append(p.reference)
        return p

    def _quote(self) -> str:
        refs = self._refs or list(dict.fromkeys(p.reference for p in self.params.parameters.values()))
        return "".join(refs)

    def _what(self, name: str) -> str:
        spec = self.spec.input(name)
        return spec.description.split("（")[0] if spec else name
