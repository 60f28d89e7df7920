"""Articles by the part they play (scope, stacking, dates), found in the parsed policy by title.

The article numbers are not written in code: ``role_article(policy, "scope")`` finds the article
whose title holds one of the role's words (``assistant/data/routing.yaml`` ``article_roles``), so a
policy of the same shape with other numbers works as it is. A sentence of such an article is found
by the rule data's quote of it (a point of ``rules/parameters/provisions``), not by words written here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.data_loader import load_yaml

_ROLES = load_yaml("routing.yaml")["article_roles"]
BUDGET_POINT = "budget_limit"  # the stacking provision's point on the yearly budget and the guide


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
def opening(article) -> str:
    """An article's first sentence (its text when it has no sentences, as the preamble may)."""
    return article.sentences[0].text if article.sentences else article.text


def point_quote(rules, key: str) -> str | None:
    """The verbatim quote of the rule data's provision point ``key`` ("budget_limit"), or None.

    Args:
        rules: the rule engine (its ``list_provisions``: ``rules/parameters/provisions/*.yaml``).
        key: the point's key, unique across the provisions.
    """
    return next((p["quote"] for prov in rules.list_provisions() for p in prov.points if p["key"] == key), None)


def stacking_sentence(policy, rules) -> tuple[int, str] | None:
    """(article, sentence) of the stacking article's budget limit, cited with every computed amount.

    The sentence is the one that holds the rule data's ``budget_limit`` quote, else the article's
    whole text (a policy whose rule data quotes it otherwise); None when no article plays the role.
    """
    number = role_article(policy, "stacking")
    if number is None:
        return None
    article, quote = policy.article(number), point_quote(rules, BUDGET_POINT)
    return number, next((s.text for s in article.sentences if quote and quote in s.text), article.text)
