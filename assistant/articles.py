"""Articles by the part they play (scope, stacking, dates), found in the parsed policy by title.

The article numbers are not written in code: ``role_article(policy, "scope")`` finds the article
whose title holds one of the role's words (``assistant/data/routing.yaml`` ``article_roles``), so a
policy of the same shape with other numbers works as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.data_loader import load_yaml

_ROLES = load_yaml("routing.yaml")["article_roles"]


@lru_cache(maxsize=16)
def _numbers(titles: tuple[tuple[int, str], ...]) -> dict[str, int]:
    out = {}
    for role, words in _ROLES.items():
        found = [n for n, title in titles if any(w in title for w in words)]
        if found:
            out[role] = found[0]
    return out


def role_article(policy, role: str) -> int | None:
    """The number of the article that plays ``role`` ("scope", "stacking", "dates"), or None."""
    return _numbers(tuple(sorted((n, a.title) for n, a in policy.articles.items()))).get(role)


_DEFINES = re.compile(r"以下简称[“\"「]([^”\"」]{2,20})[”\"」]")


def defined_terms(policy) -> dict[str, int]:
    """Terms the policy defines ("（以下简称“软件信息产业”）") -> the article (0: preamble) defining them."""
    return _defined(tuple((a.number, a.text) for a in [policy.preamble, *policy.articles.values()]))


@lru_cache(maxsize=4)
def _defined(texts: tuple[tuple[int, str], ...]) -> dict[str, int]:
    return {m.group(1): number for number, text in texts for m in _DEFINES.finditer(text)}
