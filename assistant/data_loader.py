"""Read the assistant's own data files (vocabularies, prompts) from ``assistant/data``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def load_yaml(name: str) -> Any:
    """Load ``assistant/data/<name>`` once per process."""
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)
