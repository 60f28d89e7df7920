"""Articles by the part they play (scope, stacking, dates), found in the parsed policy by title.

The article numbers are not written in code: ``role_article(policy, "scope")`` finds the article
whose title holds one of the role's words (``assistant/data/routing.yaml`` ``article_roles``), so a
policy of the same shape with other numbers works as it is. A sentence of such an article is found
by the rule data's quote of it (``rules/parameters/provisions``), not by words written here.
"""

from __future__ import annotations

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


def opening(article) -> str:
    """An article's first sentence (its text when it has no sentences, as the preamble may)."""
    return article.sentences[0].text if article.sentences else article.text


def point_sentence(policy, rules, number: int, point: str) -> str | None:
    """The sentence of article ``number`` that holds the quote of its provision's ``point``.

    Args:
        policy: the parsed policy.
        rules: the rule engine (its ``get_provision``: ``rules/parameters/provisions/*.yaml``).
        number: the article.
        point: the key of one of the provision's points ("budget_limit").

    Returns:
        The verbatim sentence, or None when the rule data has no such point or the article no
        sentence holding its quote.
    """
    try:
        points = rules.get_provision(number).points
    except LookupError:  # rules.errors.UnknownProvision: no rule data for this article
        return None
    quote = next((p["quote"] for p in points if p["key"] == point), None)
    article = policy.article(number)
    return next((s.text for s in article.sentences if quote and quote in s.text), None)


def stacking_sentence(policy, rules) -> tuple[int, str] | None:
    """(article, sentence) of the stacking article's budget limit, quoted with every computed amount:
    the sentence with its ``budget_limit`` point, else the article's whole text; None without one."""
    number = role_article(policy, "stacking")
    if number is None:
        return None
    return number, point_sentence(policy, rules, number, BUDGET_POINT) or policy.article(number).text
