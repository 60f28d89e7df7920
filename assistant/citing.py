"""Which words of the policy a reply quotes: an article, its sentence asked about, an item's clause.

Every function takes the assistant (its parsed policy, retriever and rule engine) and returns
``CitationOut`` objects, quoting the parsed text verbatim.
"""

from __future__ import annotations

from assistant import router
from assistant.quantities import extract_quantities
from assistant.session import CitationOut

RELATED_SCORE = 0.75  # a retrieved article is shown as related when it scores this share of the best


def article_citation(asst, number: int) -> CitationOut:
    """The whole article ``number``."""
    art = asst.policy.article(number)
    return CitationOut(number, art.title, art.text)


def article_sentences(asst, number: int, text: str) -> list[CitationOut]:
    """The sentence asked about; when support is asked and it names no money, the article's money sentence too."""
    focus = focus_citation(asst, number, text)
    if not router.contains_any(text, router.SUBSIDY_WORDS + ("支持",)) or has_money(focus.quote):
        return [focus]
    art = asst.policy.article(number)
    money = [s for s in art.sentences if has_money(s.text)]
    if not money:
        return [focus]
    best = max(money, key=lambda sent: overlap(sent.text, text))
    return [focus, CitationOut(number, art.title, best.text)]


def focus_citation(asst, number: int, text: str) -> CitationOut:
    """The sentence of article ``number`` that shares most with ``text``."""
    art = asst.policy.article(number)
    sentences = art.sentences or ()
    if not sentences:
        return CitationOut(number, art.title, art.text)
    order = {sent.id: i for i, sent in enumerate(sentences)}
    best = max(sentences, key=lambda sent: (overlap(sent.text, text), -order[sent.id]))
    return CitationOut(number, art.title, best.text)


def retrieval_citations(asst, text: str, item: str | None) -> list[CitationOut]:
    """Retrieved articles; the named item's own clause sentence first when retrieval agrees."""
    hits = asst.retriever.search(text, k=3)
    if hits:  # related articles only when they score close to the best one
        hits = [h for h in hits if h.score >= RELATED_SCORE * hits[0].score]
    citations = [CitationOut(h.clause, h.title, h.snippet) for h in hits]
    if item is None:
        return citations
    spec = asst.rules.get_item(item)
    named_rule = router.asks_rule(text) or router.asks_amount(text) or item in asst._named_items(text, limit=1)
    if citations and spec.clause not in [c.clause for c in citations] and not named_rule:
        return citations
    if router.asks_lookup(text) and not (router.asks_amount(text) or router.asks_rule(text)):
        return [focus_citation(asst, spec.clause, text)]  # "联合实验室是什么": the sentence asked about
    return [item_citation(asst, item)]


def item_citation(asst, item: str) -> CitationOut:
    """The sentence(s) a subsidy item rests on, as the rule engine cites them."""
    quote = asst.rules.compute(item, {}).citation
    return CitationOut(quote.clause, quote.title, quote.quote)


def chapter_openings(asst, chapter) -> list[CitationOut]:
    """Each article of ``chapter`` with its opening sentence."""
    citations = []
    for number in chapter.articles:
        art = asst.policy.article(number)
        citations.append(CitationOut(number, art.title, art.text.split("。")[0] + "。"))
    return citations


def overlap(sentence: str, text: str) -> int:
    """Character bigrams ``sentence`` shares with ``text``."""
    grams = {text[i:i + 2] for i in range(len(text) - 1)}
    return sum(1 for i in range(len(sentence) - 1) if sentence[i:i + 2] in grams)


def has_money(text: str) -> bool:
    """The text states an amount of money."""
    return any(q.kind == "money" for q in extract_quantities(text))
