"""Prompt templates of the optional LLM mode, kept as data next to this file.

Templates use ``string.Template`` placeholders (``$name``), so Chinese text and
JSON braces need no escaping. ``fill`` is strict: a placeholder without a value
raises ``PromptError`` naming the template and the variable, instead of
sending the model a prompt with a hole in it.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import yaml

PROMPTS_DIR = Path(__file__).resolve().parent


class PromptError(ValueError):
    """A prompt template was filled without one of its variables."""


def load_prompts(name: str = "refine.yaml") -> dict[str, str]:
    """The templates of ``assistant/prompts/<name>`` (a mapping of name to template)."""
    with open(PROMPTS_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def fill(template: str, name: str, **values: Any) -> str:
    """Fill the ``$variables`` of ``template``; every one must be given.

    Args:
        template: the template text.
        name: the template's name, for the error message.
        **values: the variables; extra ones are ignored.

    Raises:
        PromptError: naming the template and the variables that are missing.
    """
    tpl = string.Template(template)
    missing = sorted(set(tpl.get_identifiers()) - values.keys())
    if missing:
        raise PromptError(f"prompt {name!r} needs variable(s) {', '.join(missing)}; "
                          f"given: {', '.join(sorted(values)) or 'none'}")
    return tpl.substitute({key: str(value) for key, value in values.items()})
