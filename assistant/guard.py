"""The number guard: no number reaches the user unless a source says it, with the same kind.

Every number of an answer is read with ``assistant.quantities.extract_quantities`` and must be
found among the allowed numbers *with its kind*: money is compared in yuan ("28.8万元" matches a
trace value 288000 and "288,000元"), areas in m², "5%" only matches a percentage 5, and "200年"
is not supported by "200万元". A bare number without unit ("800 × 30 × 12") is supported by the
same value of any kind.

Not checked, by design:
    * article references ("第（十一）条", "第11条", the "（十一）" that opens a quoted article):
      citations are built from the policy, not from free text;
    * sentence ids in brackets ("[11.3]", "（句11.3）", "【11.3】", "句11.3");
    * list numbering at the start of a line ("1.", "2、", "（3）").
The number of months in a year (12个月) is always allowed, for "× 12个月" conversions.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.facts import is_claim
from assistant.quantities import Quantity, as_text, extract_quantities

log = logging.getLogger("assistant.guard")

ALWAYS_ALLOWED: tuple[tuple[int | float, str], ...] = ((12, "months"),)
_IGNORED_KINDS = frozenset({"article"})
_ANY_KIND = frozenset({"number", "ordinal"})
_MASKS = re.compile(
    r"[\[【(（]\s*(?:句|sentence\s*)?\d{1,2}\.\d{1,2}\s*[\]】)）]"
    r"|句\s*\d{1,2}\.\d{1,2}"
    r"|(?m:^[ \t]*(?:[-*] )?(?:\d{1,2}[.、)）]|[（(]\d{1,2}[)）])(?![0-9]))")


def _key(value: object) -> float | int:
    """A comparable form of a value: floats rounded, huge ints kept as they are."""
    try:
        f = float(value)
    except (OverflowError, TypeError, ValueError):
        return value  # type: ignore[return-value]
    return round(f, 6) if abs(f) < 1e15 else int(value) if isinstance(value, int) else f


@dataclass(frozen=True)
class GuardResult:
    """The verdict on one answer: ``ok`` when every number is supported."""

    ok: bool
    unsupported: list[Quantity] = field(default_factory=list)


class AllowedNumbers:
    """The numbers an answer may contain, each with its kind."""

    def __init__(self, pairs: Iterable[tuple[object, str]] = ()) -> None:
        self._by_kind: dict[str, set] = {}
        self._any: set = set()
        for value, kind in [*ALWAYS_ALLOWED, *pairs]:
            self.add(value, kind)

    def add(self, value: object, kind: str = "money") -> None:
        """Allow ``value`` as ``kind`` (money in yuan, area in m², percent as the number before %)."""
        if isinstance(value, bool) or kind in _IGNORED_KINDS:
            return
        try:
            if kind == "money":
                value = int(Decimal(str(value)).to_integral_value())
            key = _key(value)
        except (ArithmeticError, ValueError, TypeError):
            return  # not a number: nothing to allow
        self._by_kind.setdefault(kind, set()).add(key)
        self._any.add(key)

    def add_text(self, text: object, user: bool = False) -> None:
        """Allow every number of ``text``; for a user's turn, not the claims about the policy."""
        text = as_text(text)
        for q in extract_quantities(text):
            if not (user and is_claim(text, q)):
                self.add(q.value, q.kind)

    def supports(self, q: Quantity) -> bool:
        """True when ``q`` (its value in its kind) is among the allowed numbers."""
        if q.kind in _IGNORED_KINDS:
            return True
        if q.kind in _ANY_KIND:
            return _key(q.value) in self._any
        value = int(q.value) if q.kind == "money" else q.value
        return _key(value) in self._by_kind.get(q.kind, ())

    @classmethod
    def from_sources(cls, texts: Iterable[object] = (), trace_numbers: Iterable[object] = (),
                     extra: Iterable[object] = (), user_turns: Iterable[object] = ()) -> AllowedNumbers:
        """Collect the allowed numbers of one turn.

        Args:
            texts: the cited articles' text, quotes, trace step texts (and the user's turns, when
                they are not given apart in ``user_turns``).
            trace_numbers: values from the rule trace: a bare int/float is money in yuan; a
                ``(value, kind)`` pair or a ``Quantity`` keeps its kind.
            extra: more of the same: ``Quantity``, ``(value, kind)``, a number (money) or a text.
            user_turns: the user's own turns; their numbers are allowed except what they claim
                about the policy ("告诉我补贴是1亿", "听说…1000万？").

        Returns:
            The allowed numbers.
        """
        allowed = cls()
        for text in texts:
            allowed.add_text(text)
        for turn in user_turns:
            allowed.add_text(turn, user=True)
        for item in [*trace_numbers, *extra]:
            allowed._add_item(item)
        return allowed

    def _add_item(self, item: object) -> None:
        if isinstance(item, Quantity):
            self.add(item.value, item.kind)
        elif isinstance(item, tuple) and len(item) == 2:
            self.add(item[0], str(item[1]))
        elif isinstance(item, (str, bytes)):
            self.add_text(item)
        elif isinstance(item, (int, float, Decimal)) and not isinstance(item, bool):
            if not math.isfinite(item):
                return
            if item == int(item):
                self.add(item, "money")
            else:
                self.add(item, "number")


def _masked(answer: str) -> str:
    """The answer with sentence ids and list numbers blanked out (same length)."""
    return _MASKS.sub(lambda m: " " * len(m.group()), answer)


def check_answer(answer: object, allowed: AllowedNumbers) -> GuardResult:
    """Check every number of ``answer`` against ``allowed``; log each unsupported one.

    Args:
        answer: the text about to be shown to the user.
        allowed: from ``AllowedNumbers.from_sources``.

    Returns:
        ``GuardResult(ok, unsupported)``; ``unsupported`` keeps the order of the answer.
    """
    text = as_text(answer)
    unsupported = [q for q in extract_quantities(_masked(text)) if not allowed.supports(q)]
    for q in unsupported:
        log.warning("unsupported number %r (kind %s, value %s)", text[q.span[0]:q.span[1]], q.kind, q.value)
    return GuardResult(ok=not unsupported, unsupported=unsupported)
