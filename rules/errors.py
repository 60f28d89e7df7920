"""Errors meant for users: each says what is wrong and what is accepted (in Chinese)."""

from __future__ import annotations


class RulesError(Exception):
    """Base class of the errors of the rules engine."""


class UnknownItem(RulesError, LookupError):
    """An item id that the engine does not know."""

    def __init__(self, item_id: str, valid: dict[str, str]):
        self.item_id = item_id
        self.valid = dict(valid)
        listing = "、".join(f"{key}（{name}）" for key, name in self.valid.items())
        super().__init__(f"未知的补贴项目“{item_id}”。可选项目：{listing}。")

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownProvision(RulesError, LookupError):
    """A clause number that has no non-monetary provision."""

    def __init__(self, clause: object, valid: list[int]):
        self.clause = clause
        super().__init__(f"第{clause}条不是附则类条款。可选条款：{'、'.join(map(str, valid))}。")

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidFact(RulesError, ValueError):
    """A fact value that is of the wrong type or outside the accepted range."""

    def __init__(self, name: str, value: object, problem: str, accepted: str, label: str = ""):
        self.name = name
        self.value = value
        self.problem = problem
        self.accepted = accepted
        shown = f"{name}（{label}）" if label else name
        super().__init__(f"“{shown}”的值 {value!r} 无效：{problem}。可接受的值：{accepted}。")

    def __str__(self) -> str:
        return str(self.args[0])
