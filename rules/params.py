"""Load the policy's numbers from ``rules/parameters/*.yaml``.

Each item file holds the item's names and routing keywords and, under
``parameters``, every rate, cap, threshold and duration with its clause,
description, unit and the verbatim policy sentence as ``reference``.
A value the policy leaves open is a parameter with ``unspecified: true`` and
the policy's own words in ``text``. Tiers are ``brackets`` of
``threshold``/``amount``. Nested keys are reached by dotted paths
(``recognized.rate``), like OpenFisca parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from rules.model import Provision

PARAMETERS_DIR = Path(__file__).parent / "parameters"
_LEAF_KEYS = {"clause", "description", "unit", "reference"}


@dataclass(frozen=True)
class Bracket:
    """One tier: from ``threshold`` (inclusive) the award is ``amount`` yuan."""

    threshold: int
    amount: int


@dataclass(frozen=True)
class Parameter:
    """One number of the policy (or a value it leaves open), with its source."""

    path: str
    clause: int
    description: str
    unit: str
    reference: str
    value: object = None
    brackets: tuple[Bracket, ...] = ()
    unspecified: bool = False
    text: str = ""  # the policy's words for an unspecified value

    def bracket_for(self, amount: int) -> Bracket | None:
        """Return the highest bracket whose threshold ``amount`` reaches, or None."""
        reached = [b for b in self.brackets if amount >= b.threshold]
        return reached[-1] if reached else None


@dataclass(frozen=True)
class ItemParameters:
    """The data of one item file."""

    item: str
    clause: int
    title: str
    name: str
    keywords: tuple[str, ...]
    yearly: bool
    parameters: dict[str, Parameter]
    notes: dict[str, Parameter] = field(default_factory=dict)

    def __getitem__(self, path: str) -> Parameter:
        return self.parameters[path]

    @property
    def max_years(self) -> int | None:
        """The duration of a yearly item (all ``*years`` parameters agree)."""
        years = {p.value for key, p in self.parameters.items() if key.split(".")[-1] == "years"}
        if not self.yearly or not years:
            return None
        if len(years) != 1:
            raise ValueError(f"{self.item}: conflicting durations {sorted(years)}")
        return int(years.pop())


def load_items(directory: Path | None = None) -> dict[str, ItemParameters]:
    """Return the parameters of every item, keyed by item id, in clause order."""
    return dict(_load_items(Path(directory or PARAMETERS_DIR)))


def load_provisions(directory: Path | None = None) -> dict[int, Provision]:
    """Return the non-monetary articles (八, 十八, 十九, 二十), keyed by clause."""
    return dict(_load_provisions(Path(directory or PARAMETERS_DIR / "provisions")))


@lru_cache(maxsize=4)
def _load_items(directory: Path) -> tuple[tuple[str, ItemParameters], ...]:
    items = [_read_item(path) for path in sorted(directory.glob("*.yaml"))]
    items.sort(key=lambda item: item.clause)
    return tuple((item.item, item) for item in items)


@lru_cache(maxsize=4)
def _load_provisions(directory: Path) -> tuple[tuple[int, Provision], ...]:
    found = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.append(Provision(clause=data["clause"], title=data["title"], text=data["text"],
                               points=tuple(data.get("points", ())),
                               unspecified=tuple(data.get("unspecified", ()))))
    return tuple(sorted(((p.clause, p) for p in found), key=lambda pair: pair[0]))


def _read_item(path: Path) -> ItemParameters:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("item") != path.stem:
        raise ValueError(f"{path.name}: item id {data.get('item')!r} differs from the file name")
    return ItemParameters(
        item=data["item"], clause=int(data["clause"]), title=data["title"], name=data["name"],
        keywords=tuple(data["keywords"]), yearly=bool(data["yearly"]),
        parameters=_flatten(path.name, data["parameters"]),
        notes=_flatten(path.name, data.get("notes") or {}, note=True))


def _flatten(source: str, node: dict, prefix: str = "", note: bool = False) -> dict[str, Parameter]:
    found: dict[str, Parameter] = {}
    for key, child in node.items():
        path = f"{prefix}{key}"
        if isinstance(child, dict) and _LEAF_KEYS <= child.keys():
            found[path] = _parameter(source, path, child, note)
        elif isinstance(child, dict):
            found.update(_flatten(source, child, path + ".", note))
        else:
            raise ValueError(f"{source}: {path} lacks {sorted(_LEAF_KEYS)}")
    return found


def _parameter(source: str, path: str, data: dict, note: bool) -> Parameter:
    brackets = tuple(Bracket(int(b["threshold"]), int(b["amount"])) for b in data.get("brackets", ()))
    kinds = [k for k in ("value", "brackets", "unspecified") if k in data]
    if len(kinds) != (0 if note else 1):
        raise ValueError(f"{source}: {path} needs exactly one of value/brackets/unspecified")
    value = data.get("value")
    if data["unit"] == "元" and value is not None and type(value) is not int:
        raise ValueError(f"{source}: {path} money must be an integer number of yuan")
    return Parameter(path=path, clause=int(data["clause"]), description=data["description"],
                     unit=str(data["unit"]), reference=data["reference"], value=value,
                     brackets=brackets, unspecified=bool(data.get("unspecified")),
                     text=data.get("text", ""))
