"""Which subsidy item a turn is about, and whether to compute it: the routing half of ``Assistant``.

A mixin: the methods use ``self.rules``, ``self.items``, ``self.policy``,
``self.read_freely`` and ``self.corrections`` of the assistant they are mixed into.
"""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

from assistant import router
from assistant.articles import defined_terms
from assistant.facts import extract_facts, load_cues, merge_facts
from assistant.quantities import extract_quantities
from assistant.reading.lexicon import derived_inputs, roles_for
from assistant.session import Session

SHORT_FOLLOW_UP = 20  # characters: a short turn right after a rules answer continues it
NAMED_SCORE = 3  # keyword characters that name an item clearly (小巨人, 独角兽, 担保费)
STRONG_KEYWORDS = 4  # keyword characters that name an item clearly enough to leave the current one
CLOSE_SCORE = 2  # the current item named nearly as strongly as the best one holds
ASK_WEIGHT = 2  # keywords of the clause that asks count this much more than the others
CONDITION_WEIGHT = 1  # a condition of the item stated in the turn ("不是第一次认定", "区级软件名园")
FIGURE_WEIGHT = 10  # a figure of the turn that is an item's input outranks keyword overlap (it can be computed)


class ItemRouting:
    """Item choice, follow-ups and the rules-or-lookup decision."""

    def _declines(self, text: str, session: Session) -> bool:
        """Out of scope even though policy words occur ("南山区的租金补贴", "人工智能概念股").

        A place bound to a condition ("在南山区举办的大会") is a fact about the enterprise, not
        another place's policy: it is masked before the check.
        """
        text = _without_places(text, self.read_freely(text).places)
        if router.asks_dishonest(text) or router.asks_other_party(text):
            return True
        if not router.looks_out_of_scope(text) or router.strong_topic(text):
            return False
        if session.item and _figures(self._facts_for(text, session.item)):  # "我看错合同了，是1100平"
            return False
        if router.asks_about_support(text) and any(_figures(dict(self._item_reading(text, i.id, cued=True)))
                                                   for i in self.items if router.contains_any(text, i.keywords)):
            return False  # "不过房东给的价低，一年实际租金就30万，这补贴咋算": the enterprise's own case
        if router.is_personal(text) or not router.asks_about_support(text):
            return True  # "哪家银行装修贷利率低", "审计费多少": what is asked is none of the policy's
        scored = router.score_items(text, self.items)
        return not (scored and scored[0][0] >= STRONG_KEYWORDS and not router.contains_any(text, router.OTHER_PLACES)
                    and not router.contains_any(text, router.OTHER_LEVEL_POLICIES))  # "那个市级文件里…奖多少"

    def _pick_item(self, text: str, session: Session, article: int | None) -> str | None:
        """The subsidy item this turn is about, or None.

        The current item holds on a follow-up ("那如果…呢", new facts for it, "三年一共多少")
        unless the user clearly names another item.
        """
        candidates = self.items if article is None else [i for i in self.items if i.clause == article]
        seen = self._without_conditions(text, session.item) if session.item and article is None else text
        scored = self._score_items(seen, candidates)  # "我司属于规模以上企业": the current item's condition
        named = [item for score, item in scored if score == scored[0][0]] if scored else []
        current = session.item if article is None else None
        words = router.score_items(seen, candidates)  # keywords alone decide whether the topic changed
        mine = {item: score for score, item in words}.get(current, 0)
        close = bool(words) and mine >= STRONG_KEYWORDS and mine >= words[0][0] - CLOSE_SCORE
        if current and (current in named or close or self._continues(text, session, words)):
            return current  # "…通过担保机构担保拿到了银行经营贷款": still the guarantee fee
        if named:
            return named[0]
        if article is not None and len(candidates) == 1:
            return candidates[0].id
        return None

    def _without_conditions(self, text: str, item: str) -> str:
        """``text`` with the phrases that state one of ``item``'s own conditions blanked ("其他园区" for
        the rent, "算力平台在东莞" for compute bought); statuses that make an item's subject stay."""
        for start, end in self.condition_spans(text, item):
            text = text[:start] + "□" * (end - start) + text[end:]
        return text

    @lru_cache(maxsize=256)  # noqa: B019 - one assistant per process; the texts are turns
    def tiers_asked(self, text: str, item: str) -> bool:
        """Several values of one of the item's facts, asked for each ("营收首次到1个亿和到10个亿，分别奖多少",
        "国家级、省级、市级软件名园各奖多少"): the rule's tiers are asked, not the enterprise's case."""
        if not router.contains_any(text, router.EACH_WORDS):
            return False
        inputs = self.rules.get_item(item).inputs
        if extract_facts(text, inputs).conflicts:
            return True
        choices = load_cues()["choices"]
        for spec in inputs:
            values = choices.get(spec.name, {}).get("values", {})
            named = [v for v, patterns in values.items() if any(p.search(text) for p in patterns)]
            if len(named) >= 2:
                return True
        return False

    def condition_spans(self, text: str, item: str) -> list[tuple[int, int]]:
        """Spans of ``text`` that state one of ``item``'s own conditions ("认定的软件园" for the rent);
        not the statuses that are an item's own subject (独角兽, 小巨人), which name it."""
        cues, spans = load_cues(), []
        for spec in self.rules.get_item(item).inputs:
            if spec.name in status_facts():
                continue
            phrases = cues["flags"].get(spec.name) or cues["choices"].get(spec.name) or {}
            for patterns in phrases.get("values", {}).values():
                spans += [m.span() for pattern in patterns for m in pattern.finditer(text) if m.group()]
        return spans

    def _score_items(self, text: str, candidates: list) -> list[tuple[float, str]]:
        """See ``_scores``; cached per turn text and candidate set (routing asks several times)."""
        return list(self._scores(text, tuple(candidates)))

    @lru_cache(maxsize=512)  # noqa: B019 - one assistant per process; the texts are turns
    def _scores(self, text: str, candidates: tuple) -> tuple[tuple[float, str], ...]:
        """Keyword scores, plus what the turn's figures and its question say of the item.

        - a figure of the turn that is one of the item's inputs adds a point ("认定园区800平米"
          names both the park award and the rent subsidy by keyword; the area is the rent's input);
        - a figure whose role derives an input (a loan's principal derives the interest) adds one;
        - keywords in the clause that asks ("…，房租补贴多少") count twice: the item asked about is
          named there, the other clauses describe the enterprise.
        """
        scored = {item: score for score, item in router.score_items(text, candidates)}
        ask = router.ask_clause(text)
        if ask:
            for score, item in router.score_items(ask, _distinct_keywords(tuple(candidates))):
                scored[item] = scored.get(item, 0) + ASK_WEIGHT * score
        free = self.read_freely(text)
        figures = {name for name, value in free.facts.items() if not isinstance(value, bool | str)}
        served = derived_inputs(figures)
        inputs = {item.id: {spec.name for spec in item.inputs} for item in candidates}
        named = bool(scored)
        for item, names in inputs.items():  # "月租3w，面积1200平…": no keyword, a head noun names the figure
            if not named and names & (figures - free.guessed):
                scored.setdefault(item, 0.0)
        for item in list(scored):  # each item read on its own terms ("园区面积" is the park's area)
            own = dict(self._item_reading(text, item, cued=True))
            scored[item] += FIGURE_WEIGHT * len(_figures(own)) + CONDITION_WEIGHT * (len(own) - len(_figures(own)))
        for rank, name in enumerate(served):
            for item in candidates:
                if name in inputs[item.id] and not (figures & inputs[item.id]):
                    scored[item.id] = scored.get(item.id, 0) + 1 / (rank + 1)
        return tuple(sorted(((score, item) for item, score in scored.items()), key=lambda pair: -pair[0]))

    def _continues(self, text: str, session: Session, scored: list) -> bool:
        """A follow-up on the current item rather than a new topic."""
        facts = self._facts_for(text, session.item)
        read_freely = self.read_freely(text).facts
        if any(name in facts and not isinstance(value, bool | str) for name, value in read_freely.items()):
            return True  # a figure that is the current item's own ("在区内平台一年花了800万")
        if scored and scored[0][0] >= STRONG_KEYWORDS:
            return False
        if facts:
            return True
        if scored:
            return False
        if session.last_route in ("rules", "clarify") and len(text) <= SHORT_FOLLOW_UP and (
                router.contains_any(text, ("这个", "那个", "该项", "这项", "之前", "以前")) or facts):
            return True  # "之前没拿过这个奖励"
        return router.is_follow_up(text) or router.wants_total(text) or router.asks_amount(text)

    def _known_facts(self, session: Session, item: str) -> dict:
        """Facts gathered earlier in the session that this item uses."""
        names = {spec.name for spec in self.rules.get_item(item).inputs}
        return {k: v for k, v in session.facts.items() if k in names}

    def _facts_for(self, text: str, item: str) -> dict:
        """Facts of ``text`` that are inputs of ``item`` (others may belong to another item)."""
        return dict(self._item_reading(text, item))

    @lru_cache(maxsize=1024)  # noqa: B019 - one assistant per process; the texts are turns
    def _item_reading(self, text: str, item: str, cued: bool = False) -> tuple:
        """The item's inputs read from ``text``; ``cued``: only those a head noun tied to a figure."""
        inputs = self.rules.get_item(item).inputs
        names = {spec.name for spec in inputs}
        names |= roles_for(names)
        update = extract_facts(text, inputs)
        return tuple((k, v) for k, v in update.facts.items()
                     if k in names and not (cued and (k in update.guessed or k in update.weak)))

    def _remember(self, session: Session, text: str, item: str) -> None:
        """Keep what a turn answered from the article says of the item, for the turns after it."""
        inputs = self.rules.get_item(item).inputs
        names = {spec.name for spec in inputs} | roles_for({spec.name for spec in inputs})
        update = extract_facts(text, inputs)
        update.facts = {k: v for k, v in update.facts.items() if k in names}
        merge_facts(session.facts, update)

    def _is_rules_turn(self, text: str, session: Session, item: str, article: int | None,
                       topic: int | None = None) -> bool:
        facts = self._facts_for(text, item)
        known = {**self._known_facts(session, item), **facts}
        decisive = bool(known) and not self.rules.compute(item, known).missing  # enough to compute
        threshold = router.asserts(text) and self.corrections(text, 0, item=item) and _has_threshold(text)
        if threshold or (router.asserts(text) and not decisive and self.corrections(text, 0, item=item)):
            return False  # "听说上市奖励能拿1000万？": correct it from the article, compute nothing
        if topic is not None and router.strong_topic(text):
            return False
        if topic is not None and not facts and self.rules.get_item(item).clause != topic:
            return False
        if self.claims(text) and not facts and not router.asks_amount(text):
            return False
        if router.asks_source(text) and not facts:
            return False
        if router.asks_lookup(text) and not _figures(facts) and not router.asks_how_much(text):
            return False  # "改造成特色产业园，符合政策方向吗": the sentence, not a calculation
        if router.asks_rule(text) and not _figures(known) and not router.wants_total(text) and (
                not decisive or router.CONDITION_ASKED.search(text)
                or (router.asks_method(text) and self._no_case(text, session, item))):
            return False  # "房租补贴能拿几年", "是不是要提前备案", "数据集服务商的资助咋给的，给几年": the rule
        if router.asks_amount(text):
            return True
        if item == session.item and session.last_route in ("rules", "clarify"):
            return True
        if router.asks_lookup(text) or article is not None:
            return False
        return bool(facts)

    def _no_case(self, text: str, session: Session, item: str) -> bool:
        """The turn states no figure at all and nothing was said of this item before: a rule question
        about it asks the rule, whatever statuses its name implies."""
        numbers = [q for q in extract_quantities(text) if q.kind not in ("article", "ordinal")
                   and not router.THRESHOLD_AFTER.match(text[q.span[1]:])]  # "增速10%以上的…怎么分档": a tier
        return not numbers and not self._known_facts(session, item)

    # -- replies ---------------------------------------------------------

    def _named_together(self, session: Session, text: str) -> list:
        """Two awards of different articles asked in one breath ("新引进能拿多少，入选榜单又能拿多少")."""
        if not (router.asks_amount(text) and router.contains_any(text, router.SEVERAL_WORDS)):
            return []
        named = self._named_items(text, limit=2)
        if len(named) < 2:
            return []
        results = [self.rules.compute(i, {**session.facts, **self._facts_for(text, i)}) for i in named]
        return [r for r in results if r.eligible is not False and not r.missing]

    def _named_items(self, text: str, limit: int = 3) -> list[str]:
        """Items the turn names clearly (keyword score ≥ 3), one per article, best first."""
        seen, named = set(), []
        for score, item in self._score_items(text, self.items):
            clause = self.rules.get_item(item).clause
            if score >= NAMED_SCORE and clause not in seen:
                seen.add(clause)
                named.append(item)
        return named[:limit]

    def _tied_items(self, text: str, item: str) -> list[str]:
        """Items of other articles that the turn names just as strongly ("独角兽" → (七) and (十三))."""
        scored = self._score_items(text, self.items)
        mine = {i: sc for sc, i in scored}.get(item)
        clause = self.rules.get_item(item).clause
        return [other for sc, other in scored
                if mine is not None and abs(sc - mine) < 1e-9 and other != item
                and self.rules.get_item(other).clause != clause][:2]

    def _topic(self, text: str) -> int | None:
        """An article named by topic words or by most of its title.

        A topic word weaker than the best item keywords gives way ("小升规…叠加奖励"
        is about 小升规, not about stacking).
        """
        topic, strength = router.topic_article(text)
        defined = self._defined_term(text)
        if defined is not None:  # "“软件信息产业”具体指什么": the article that defines the term
            return defined
        scored = router.score_items(text, self.items)
        if not router.strong_topic(text) and scored and scored[0][0] >= strength + 1:
            topic = None
        if topic is None and not (scored and scored[0][0] >= NAMED_SCORE):  # a named item speaks for itself
            titles = {n: a.title for n, a in self.policy.articles.items()}
            topic = router.title_article(text, titles)
        return topic

    def _defined_term(self, text: str) -> int | None:
        """The article defining a term the turn asks the meaning of, if any (longest term first)."""
        if not router.contains_any(text, router.MEANING_WORDS):
            return None
        terms = defined_terms(self.policy)
        return next((terms[t] for t in sorted(terms, key=len, reverse=True) if t in text), None)


@lru_cache(maxsize=1)
def status_facts() -> frozenset[str]:
    """The statuses that are some item's own subject: a trigger of an item that the cue table reads
    only for the items asking for it (独角兽, 小巨人, 百强…; not 规上, which many items ask)."""
    from rules.items.base import REGISTRY

    asked_only = {n for n, s in load_cues()["flags"].items() if s.get("only_when_asked")}
    return frozenset(t for d in REGISTRY.values() for t in d.triggers if t in asked_only)


def _without_places(text: str, places: list) -> str:
    """``text`` with the places bound to a condition blanked out."""
    for place in places:
        start, end = place.span
        text = text[:start] + "某" * (end - start) + text[end:] if text[start:end] == place.raw else text
    return text


@lru_cache(maxsize=8)
def _distinct_keywords(items: tuple) -> list:
    """The items with only the keywords that name one of them: a keyword inside the names of items of
    two articles or more ("落户奖励": 百强企业落户奖励, 上市企业落户奖励…) names a kind of award, not an
    item; one shared within an article ("认定奖励" of (十三)) still tells that article apart. A
    keyword inside an item's own name counts for it, whichever item lists it."""
    def shared(keyword: str) -> bool:
        return len({other.clause for other in items if keyword in other.name}) >= 2

    every = {k for i in items for k in i.keywords}
    return [SimpleNamespace(id=i.id, keywords=tuple(dict.fromkeys(
        [k for k in i.keywords if not shared(k)] + [k for k in every if k in i.name and not shared(k)])))
        for i in items]


def _figures(facts: dict) -> dict:
    """The numeric facts (figures) among ``facts``."""
    return {k: v for k, v in facts.items() if not isinstance(v, bool | str)}



def _has_threshold(text: str) -> bool:
    """A threshold stated as the policy's ("…以上才能申请吗")."""
    return any(router.is_threshold(text, q) for q in extract_quantities(text))
