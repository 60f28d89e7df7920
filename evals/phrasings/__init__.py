"""A phrasing generator: rule-item questions from random values × surface forms, with expected answers.

Written apart from the assistant's reader (it reaches the assistant only
through ``assistant.service``), so that it measures the reader instead of
mirroring it. ``python -m evals.phrasings`` runs it; templates.yaml holds the
surface forms, slots.py draws and writes values, generator.py composes
conversations and their expectations (from ``rules.engine.compute``),
scoring.py runs and scores them.
"""

from evals.phrasings.generator import REQUIRED_FORMS, Case, generate, generate_item

__all__ = ["REQUIRED_FORMS", "Case", "generate", "generate_item"]
