"""How an item declares itself: its inputs and the facts that trigger it in match().

``req`` is a fact without which nothing can be decided; ``cond`` a yes/no
condition of the clause, assumed true (and said so) when not given, and
failing the item when false; ``opt`` an optional fact with a default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rules.calc import Calc
from rules.facts import FACTS, UNITS
from rules.model import InputSpec


@dataclass(frozen=True)
class Input:
    """An input as an item declares it (turned into an ``InputSpec`` by the engine)."""

    name: str
    required: bool = False
    default: object = None
    condition: bool = False  # a yes/no condition that must hold
    assume: str = ""  # assumption recorded when the default is used

    def spec(self) -> InputSpec:
        fact = FACTS[self.name]
        return InputSpec(name=self.name, type=fact.type, unit=UNITS[fact.type],
                         description=fact.description, required=self.required,
                         choices=tuple(fact.choices), default=self.default)

    @property
    def assumption(self) -> str:
        return self.assume or FACTS[self.name].assume


@dataclass(frozen=True)
class ItemDef:
    """One item: its id, inputs, the function computing it, and its match triggers."""

    id: str
    inputs: tuple[Input, ...]
    func: Callable[[Calc], None]
    triggers: tuple[str, ...]
    waived_by: tuple[str, ...] = ()


REGISTRY: dict[str, ItemDef] = {}


def req(name: str) -> Input:
    """A required fact."""
    return Input(name, required=True)


def cond(name: str, assume: str = "") -> Input:
    """A yes/no condition of the clause, assumed true when not given."""
    return Input(name, default=True, condition=True, assume=assume)


def opt(name: str, default: object = None, assume: str = "") -> Input:
    """An optional fact; its default (and assumption) is used when not given."""
    return Input(name, default=default, assume=assume)


def item(item_id: str, *inputs: Input, triggers: tuple[str, ...] = (),
         waived_by: tuple[str, ...] = ()) -> Callable:
    """Register ``func`` as the computation of ``item_id``.

    ``triggers`` are the facts that, stated in a profile, make match() offer
    the item (a stated yes for yes/no facts, any value for the others); by
    default the item's required facts. ``waived_by`` are yes/no facts that,
    stated true, make the required facts unnecessary (a key project is
    "一事一议": no investment figure decides its amount).
    """

    def register(func: Callable[[Calc], None]) -> Callable[[Calc], None]:
        names = triggers or tuple(i.name for i in inputs if i.required)
        REGISTRY[item_id] = ItemDef(item_id, tuple(inputs), func, names, waived_by)
        return func

    return register
