"""Collect ``tests/rules/cases/*.yaml`` as test items, one per case.

A case is ``name / item / input / output`` (OpenFisca style). ``output`` keys
are compared with ``Result.to_dict()``: plain keys must be equal; a key
``<field>_contain`` lists texts that must appear in that list field
(``reasons_contain: ["499"]``); ``numbers_contain`` lists numbers that
``Result.numbers()`` must hold. A case with ``error: InvalidFact`` (or
``UnknownItem``) expects that error, and ``error_contain`` texts in its message.
A failure names the file and the case and lists every mismatch.
"""

from __future__ import annotations

import pytest
import yaml

from rules import errors
from rules.engine import compute


class CaseMismatch(Exception):
    """The computed result differs from the expected output."""


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".yaml" and file_path.parent.name == "cases":
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self):
        cases = yaml.safe_load(self.path.read_text(encoding="utf-8")) or []
        for case in cases:
            yield CaseItem.from_parent(self, name=case["name"], case=case)


class CaseItem(pytest.Item):
    def __init__(self, *, case: dict, **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        problems = check_case(self.case)
        if problems:
            raise CaseMismatch("\n".join(problems))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseMismatch):
            case = self.case
            return (f"{self.path.name} :: {self.name}\n  item: {case['item']}\n"
                    f"  input: {case.get('input')}\n{excinfo.value}")
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, 0, f"{self.path.name} :: {self.name}"


def check_case(case: dict) -> list[str]:
    """Return the mismatches between ``case`` and the engine (empty when it passes)."""
    expected = case.get("output", {})
    if "error" in case:
        return _check_error(case)
    result = compute(case["item"], case.get("input") or {})
    actual = result.to_dict()
    problems = []
    for key, want in expected.items():
        if key == "numbers_contain":
            lacking = [n for n in want if n not in result.numbers()]
            if lacking:
                problems.append(f"  numbers(): lacks {lacking}")
        elif key.endswith("_contain"):
            field = key.removesuffix("_contain")
            text = "\n".join(_texts(actual[field]))
            problems += [f"  {field}: no {w!r} in {actual[field]!r}" for w in want if w not in text]
        elif actual.get(key) != want:
            problems.append(f"  {key}: expected {want!r}, got {actual.get(key)!r}")
    if problems:
        problems += ["  trace:"] + [f"    [{s['source']}] {s['text']}" for s in actual["trace"]]
    return problems


def _check_error(case: dict) -> list[str]:
    kind = getattr(errors, case["error"])
    try:
        result = compute(case["item"], case.get("input") or {})
    except kind as exc:
        return [f"  message lacks {w!r}: {exc}" for w in case.get("error_contain", []) if w not in str(exc)]
    return [f"  expected {case['error']}, got a result: eligible={result.eligible} amount={result.amount_yuan}"]


def _texts(value) -> list[str]:
    if isinstance(value, list):
        return [v["text"] if isinstance(v, dict) else str(v) for v in value]
    return [str(value)]
