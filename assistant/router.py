"""Deterministic routing of one turn to rules, lookup, clarify, out_of_scope or smalltalk.

The router decides *what kind* of turn this is and, for rule questions, which
subsidy item it is about. It reads the item keywords from the rules data, so a
new item in ``rules/parameters`` is routable without touching this file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.data_loader import load_yaml
from assistant.text_clauses import clause_spans, marks_class

_VOCAB = load_yaml("routing.yaml")

SMALLTALK = tuple(_VOCAB["smalltalk"])
HELP = tuple(_VOCAB["help"])
AMOUNT_SIGNALS = tuple(_VOCAB["amount_signals"])
ELIGIBILITY_SIGNALS = tuple(_VOCAB["eligibility_signals"])
LOOKUP_SIGNALS = tuple(_VOCAB["lookup_signals"])
FOLLOW_UP_SIGNALS = tuple(_VOCAB["follow_up_signals"])
DOMAIN_WORDS = tuple(_VOCAB["domain_words"])
SPECIFIC_DOMAIN_WORDS = tuple(w for w in DOMAIN_WORDS if w not in _VOCAB["generic_domain_words"])
OUT_OF_SCOPE = tuple(_VOCAB["out_of_scope"])
OTHER_PLACES = tuple(_VOCAB["other_places"])
OTHER_AUTHORITIES = tuple(_VOCAB["other_authorities"])
SOURCE_SIGNALS = tuple(_VOCAB["source_signals"])
TOPICS: dict = _VOCAB["topics"]
TOPIC_PATTERNS = {int(k): [re.compile(p) for p in v] for k, v in _VOCAB["topic_patterns"].items()}
MEANING_WORDS = tuple(_VOCAB["meaning_words"])
PATTERN_STRENGTH = 4  # a topic told by its grammar counts as a topic word of four characters
STRONG_TOPIC_PATTERNS = [re.compile(p) for p in _VOCAB["strong_topic_patterns"]]
COMMON_BIGRAMS = frozenset(_VOCAB["common_bigrams"])
OVERVIEW_SIGNALS = tuple(_VOCAB["overview_signals"])
STRONG_TOPIC_WORDS = tuple(_VOCAB["strong_topic_words"])
WHOLE_ARTICLE_WORDS = tuple(_VOCAB["whole_article_words"])
THANKS = tuple(_VOCAB["thanks"])
SUBSIDY_WORDS = ("补", "奖", "资助", "贴", "扶持", "钱", "给")
PERSONAL = tuple(_VOCAB["out_of_scope_personal"])
EACH_WORDS = ("分别", "各", "每一档", "每档", "几个阶段", "这几", "每个阶段", "分开", "逐项", "一项一项")  # each of several values or items
SEVERAL_WORDS = ("分开说", "逐项", "分别", "各能", "各自", "各项", "都能", "哪些", "还有什么", "又能", "又可以", "以及")
BYE = tuple(_VOCAB["bye"])
ASSERTIONS = tuple(_VOCAB["assertions"])
TOTAL_PATTERN = re.compile(
    r"(一共|总共|合计|累计|加起来|总计|年下来)[^，。？！?!]{0,8}(多少|几万|几百万)"
    r"|(一共|总共|合计|累计|加起来|总计|年下来)(呢|吗|是|能|可以|给|拿)?[？?。！!\s]*$")
TOTAL_YEARS = re.compile(r"([一二两三四五六七八九十\d]{1,3})\s*(?:个)?年\s*(一共|总共|合计|累计|加起来|总计|下来)"
                         r"|^\s*(?:那|那么)?(?:如果是|要是)?\s*(?:连续)?([一二两三四五六七八九十\d]{1,3})\s*(?:个)?年(?:的话)?\s*"
                         r"(?:呢|的呢|是多少|多少|(?:能|可以)?(?:拿|补|领|贴|给)(?:多少|几))")
# The rule asked by its shape: how the support is given ("怎么补", "如何资助", "咋个奖"), at what rate
# ("百分之几", "几个点"), or whether a condition is required ("是不是要提前备案", "需不需要认定").
HOW_SUPPORTED = re.compile(r"(?:怎么|怎样|如何|咋)(?:个)?(?:补|贴|奖|资助|支持|扶持|给)|百分之几|几个点|几成|多少比例")
CONDITION_ASKED = re.compile(r"(?:是不是|是否|需不需要|要不要|必须|一定)(?:要|得|需要)?(?:提前|事先|先)?"
                             r"(?:备案|认定|审批|同意|申报|申请|入驻|纳统)")
RULE_WORDS = ("几年", "多久", "多长时间", "每年最多", "最多多少", "最高多少", "上限", "标准是", "补贴标准",
              "比例", "每平米", "每平方米", "几块", "怎么算", "如何计算", "怎么计算", "按什么", "几档", "多少一平",
              "一平多少", "各阶段", "分别奖励", "分别给", "ratio", "percent", "rate", "每一档", "每档",
              "什么条件", "啥条件", "哪些条件", "有啥要求", "什么要求", "什么门槛", "门槛是", "需要满足", "要满足",
              "多少年", "期限")


@dataclass(frozen=True)
class Route:
    """Where a turn goes.

    Attributes:
        kind: "rules", "lookup", "out_of_scope" or "smalltalk" ("clarify" is
            decided later, when the rule engine reports missing facts).
        item: the subsidy item id for a rules turn.
        article: an article number the user named ("第十一条"), if any.
        reason: a short English note for logs and tests.
    """

    kind: str
    item: str | None = None
    article: int | None = None
    reason: str = ""


def contains_any(text: str, words: Iterable[str]) -> bool:
    """True when any of ``words`` occurs in ``text``."""
    return any(word in text for word in words)


def is_smalltalk(text: str) -> bool:
    """Greetings, thanks and "what can you do" questions."""
    stripped = re.sub(r"[\s，。！？!?,.~～…]+", "", text)
    if not stripped:
        return True
    if contains_any(stripped, HELP):
        return True
    return len(stripped) <= 8 and contains_any(stripped, SMALLTALK)


def score_items(text: str, items: Sequence) -> list[tuple[float, str]]:
    """Rank subsidy items by how much of ``text`` their keywords cover.

    Every occurrence counts, so a topic named twice outweighs one named once,
    and overlapping keywords ("贷款", "银行贷款") are not counted twice. A
    keyword of four or more characters also matches with up to two characters
    inside it ("首次认定" in "首次被认定"), at one character less.
    """
    scored = []
    for item in items:
        covered: set[int] = set()
        fuzzy = 0
        for keyword in item.keywords:
            spans = keyword_spans(keyword, text)
            if spans:
                for start, end in spans:
                    covered.update(range(start, end))
            elif len(keyword) >= 4 and _gapped(keyword).search(text):
                fuzzy = max(fuzzy, len(keyword) - 1)
        longest = max((len(k) for k in item.keywords if k and k in text), default=fuzzy)
        score = len(covered) + fuzzy + longest / 100  # ties go to the more specific keyword
        if score >= 1:
            scored.append((float(score), item.id))
    scored.sort(key=lambda pair: -pair[0])
    return scored


def keyword_spans(keyword: str, text: str) -> list[tuple[int, int]]:
    """Every (start, end) at which ``keyword`` occurs in ``text`` (non-overlapping, left to right)."""
    spans, at = [], text.find(keyword) if keyword else -1
    while at >= 0:
        spans.append((at, at + len(keyword)))
        at = text.find(keyword, at + len(keyword))
    return spans


@lru_cache(maxsize=4096)
def _gapped(keyword: str) -> re.Pattern:
    return re.compile(f"{marks_class('、.', inside=True)}{{0,2}}".join(re.escape(ch) for ch in keyword))


TITLE_VERBS = re.compile(r"^(支持|加强|促进|推动|打造|积极|大力|鼓励|强化|布局建设|构建)+")


def title_article(text: str, titles: dict[int, str], min_len: int = 5) -> int | None:
    """The article whose title (without its leading verb) shares the longest run with ``text`` (≥ ``min_len``)."""
    best, best_len = None, min_len - 1
    for number, title in titles.items():
        length = _longest_common_run(TITLE_VERBS.sub("", title), text)
        if length > best_len:
            best, best_len = number, length
    return best


def _longest_common_run(a: str, b: str) -> int:
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def topic_article(text: str) -> tuple[int | None, int]:
    """An article without amounts that the turn names by topic (孵化器 → 8, 叠加 → 19).

    Returns the article (or None) and the length of the topic word that named it.
    """
    best, best_len = None, 0
    for article, words in TOPICS.items():
        for word in words:
            if word in text and len(word) > best_len:
                best, best_len = int(article), len(word)
    for article, patterns in TOPIC_PATTERNS.items():
        if PATTERN_STRENGTH > best_len and any(p.search(text) for p in patterns):
            best, best_len = article, PATTERN_STRENGTH
    return best, best_len


def asks_amount(text: str) -> bool:
    """The user wants a figure or a verdict, not the article text."""
    return contains_any(text, AMOUNT_SIGNALS) or contains_any(text, ELIGIBILITY_SIGNALS)


def ask_clause(text: str) -> str:
    """The clause that asks: the last one with an amount or eligibility word that is a question
    ("每年能补多少？"), else the last one with such a word ("…拿到了银行经营贷款" only states)."""
    clauses = [(a, b) for a, b in clause_spans(text) if asks_amount(text[a:b])]
    questions = [(a, b) for a, b in clauses if looks_like_question(text[a:b + 1])]
    asking = questions or clauses
    return text[asking[-1][0]:asking[-1][1]] if asking else ""


# A question word or mark, or an A-not-A question ("包不包括", "算不算", "适不适用").
A_NOT_A = r"(?<!不)([\u4e00-\u9fff]{1,2})不\1"  # "包不包括", "支持不支持"; not "不对不对" (the one group)
_QUESTION = re.compile(r"[?？吗呢么]\s*$|什么|怎么|多少|哪|是否|能否|能不能|可不可以|有没有|如何|几|啥|咋|说下|说一下|说说"
                       r"|讲讲|讲一下|介绍一下|介绍下|列一下|解释一下|" + A_NOT_A)


def looks_like_question(text: str) -> bool:
    """The turn asks something (a question word or mark), rather than only stating facts."""
    return bool(_QUESTION.search(text))


def asks_lookup(text: str) -> bool:
    """The user wants to read or locate an article."""
    return contains_any(text, LOOKUP_SIGNALS)


def is_follow_up(text: str) -> bool:
    """Phrases that continue the previous question ("那如果…呢", "改成…")."""
    return contains_any(text, FOLLOW_UP_SIGNALS)


def wants_total(text: str) -> bool:
    """The user asks for a sum over years or stages ("三年一共多少", "总共能拿多少").

    "担保费一共140万" states a fact, not a question, so a question word must follow.
    """
    return bool(TOTAL_PATTERN.search(text) or TOTAL_YEARS.search(text))  # "那三年呢": over those years


CONFIRM_END = re.compile(r"(吗|吧|么|嘛|对不对|是不是|没错|请确认|确认一下)[？?。！!\s]*$"
                         r"|\d\s*(万元|万|亿元|亿|元|%)[？?]\s*$")  # "…最高5000万？"
MONEY_YES_NO = ("有没有资金", "有没有补贴", "有没有奖励", "有补贴吗", "有奖励吗", "有钱吗", "资金补贴", "给钱吗")
HOW_MUCH = ("多少", "金额", "几万", "几百万", "给多少", "补多少")


def total_years(text: str) -> int | None:
    """The number of years a total is asked for ("两年一共多少" → 2), if the user names it."""
    match = TOTAL_YEARS.search(text)
    if not match:
        return None
    from assistant.quantities import extract_quantities

    found = [q.value for q in extract_quantities(match.group(0)) if q.kind == "years"]
    return int(found[0]) if found else None


def asks_rule(text: str) -> bool:
    """A question about the rule itself (its rate, cap, duration, method), not about one's own amount."""
    return contains_any(text, RULE_WORDS) or asks_method(text) or bool(CONDITION_ASKED.search(text))


METHOD_WORDS = ("几年", "多少年", "期限", "分档", "几档", "怎么分", "比例", "支持政策", "怎么规定", "如何规定", "标准")


def asks_method(text: str) -> bool:
    """How the support is given (its method, rate, tiers, duration), not how much at most."""
    return bool(HOW_SUPPORTED.search(text)) or contains_any(text, METHOD_WORDS)


def asserts(text: str) -> bool:
    """Hearsay or a request to confirm ("听说…", "…对吗", "…是5年吗")."""
    return contains_any(text, ASSERTIONS) or bool(CONFIRM_END.search(text))


def asks_how_much(text: str) -> bool:
    """A question for a figure ("多少"), not for a yes/no."""
    return contains_any(text, HOW_MUCH)


def strong_topic(text: str) -> bool:
    """Stacking or date wording that outranks item keywords ("…和…能同时拿吗")."""
    return contains_any(text, STRONG_TOPIC_WORDS) or any(p.search(text) for p in STRONG_TOPIC_PATTERNS)


def closing_words(text: str) -> str | None:
    """"thanks" or "bye" for a short closing turn, else None."""
    stripped = re.sub(r"[\s，。！？!?,.~～…]+", "", text)
    if len(stripped) > 8 or looks_like_question(text):  # "能拿多少配套？谢谢" asks
        return None
    if contains_any(stripped, BYE):
        return "bye"
    return "thanks" if contains_any(stripped, THANKS) else None


OTHER_PARTY = [re.compile(p) for p in _VOCAB["other_party_patterns"]]
DISHONEST = re.compile(_VOCAB["dishonest"])
_CLASSIFIER = re.compile(r"(?<=[买卖租购])[一两]?[个套辆间台部处]")  # "买套房" is "买房"


def asks_other_party(text: str) -> bool:
    """A provider to choose, or another party's procedure, materials or approval time, asked without
    any support of the policy ("辅导券商选哪家比较好")."""
    return any(p.search(text) for p in OTHER_PARTY) and not asks_about_support(text)


def asks_dishonest(text: str) -> bool:
    """A request to deceive ("帮我编一份假的营收证明")."""
    return bool(DISHONEST.search(text))


THIS_POLICY = re.compile(_VOCAB["this_policy"])
OTHER_LEVEL_POLICIES = tuple(_VOCAB["other_level_policies"])


def looks_out_of_scope(text: str) -> bool:
    """Topics this policy never covers, or another place's or authority's policy (other levels' policies
    named beside this one as the subject do not count)."""
    text = _CLASSIFIER.sub("", text)
    if THIS_POLICY.search(text):
        for words in OTHER_LEVEL_POLICIES:
            text = text.replace(words, "")
    if contains_any(text, OTHER_PLACES) and "光明" not in text:
        return True
    if contains_any(text, OTHER_AUTHORITIES):
        return True
    if is_personal(text):
        return True
    return contains_any(text, OUT_OF_SCOPE)


def is_personal(text: str) -> bool:
    """A person's own matters (housing fund, household registration, graduates): never this policy."""
    return contains_any(text, PERSONAL)


def asks_source(text: str) -> bool:
    """"这是哪一条规定的？": the article behind the previous answer."""
    return contains_any(text, SOURCE_SIGNALS)


def mentions_domain(text: str) -> bool:
    """Words that tie a question to this policy at all."""
    return contains_any(text, DOMAIN_WORDS)


SUPPORT_WORDS = ("补贴", "补助", "奖励", "资助", "贴息", "贴保", "扶持", "能补", "补多少", "奖多少", "配套", "政策", "措施",
                 "减免", "优惠", "免租", "免费",
                 "条款", "支持", "申请", "享受", "资金", "第")  # not 钱 or 给: "市场租金多少钱一平" asks a price


def asks_about_support(text: str) -> bool:
    """The turn asks about support of some kind (a subsidy, an award, the policy), not only a market
    price, another office's procedure or a dispute."""
    return contains_any(text, SUPPORT_WORDS)


def mentions_policy_terms(text: str) -> bool:
    """Domain words that say the question is about this policy's support, beyond 公司, 申请 and the like."""
    return contains_any(text, SPECIFIC_DOMAIN_WORDS)


def asks_overview(text: str) -> bool:
    """"我们能申请什么？": every item, or every item the user's facts qualify for."""
    return contains_any(text, OVERVIEW_SIGNALS)


THRESHOLD_AFTER = re.compile(r"^\s*(以上|以下|以内|及以上)")


def is_threshold(text: str, q) -> bool:
    """"要1000平方米以上才能申请吗": a figure stated as the policy's threshold, not the company's."""
    return (q.kind in ("area", "count", "money", "percent") and bool(THRESHOLD_AFTER.match(text[q.span[1]:]))
            and ("才" in text[q.span[1]:] or "要" in text[:q.span[0]]))
