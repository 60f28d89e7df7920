"""Scope questions ("做网络安全服务的公司在支持范围里吗"): yes, no, or not decidable from the scope article.

The fields come from the scope article's own text (split at its 、，及 and stripped of its frame
words), so the answer follows the policy; ``routing.yaml`` ``scope`` says how people name the
fields (网络安全 → 互联网安全服务) and which lines of business plainly are none of them. A line of
business the article names is in scope (``eligible`` True), one plainly outside it is not (False);
anything else is left to the department, with the article quoted (None).
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.articles import opening, role_article
from assistant.data_loader import load_yaml
from assistant.session import CitationOut, Parts, Reply
from assistant.text_clauses import clause_end, split_clauses
from knowledge.numerals import article_label

_SCOPE = load_yaml("routing.yaml")["scope"]
_JOINERS = re.compile(r"及|和(?!相关)")  # within a clause, the fields' joining words
_FRAME = re.compile(r"^(?:本若干措施|本措施)?(?:支持范围为|重点支持)|等领域$|^相关")
_POLICY_NAMED = re.compile(r"(?:这个|本|该|这项|这份|你们这?个?)[^，。；？?！!]{1,12}?(?:措施|政策|文件)")
# Those the enterprise works for are not its line of business ("给政府和医院做信息系统集成").
_CUSTOMERS = re.compile(r"(?<=给|为|帮|替)[\u4e00-\u9fff、和及]{1,12}?(?=做|搞|弄|干|提供|开发|搭建|建设)|面向[\u4e00-\u9fff、和及]{1,12}?(?=的|做|提供)")
_ASKED_CATEGORY = re.compile(r"(?:这个|这样|这种)?(?:算不算|属不属于|是不是|算是|(?:(?<=^)|(?<=[，。；？?！!\s个这也就还能]))算(?![力法一下])"
                             r"|属于)")  # not 计算, 汇算, 怎么算
# Where the business described ends and what it asks for begins ("做新能源电池的，能申请软件产业这些补贴吗").
_ASKED = re.compile(_ASKED_CATEGORY.pattern + r"|能不能申请|能申请|可以申请|能享受|能拿")
_TRADE = re.compile("[\u4e00-\u9fff]{1,6}?(?:" + "|".join(_SCOPE["trades"]) + ")")
_SUFFIX = re.compile(r"(?:产业|服务业|服务|领域)$")
_ASKS_WHETHER = re.compile(r"我们|我司|本公司|公司|企业.{0,8}(?:能|可以|算|属于|适用|在)")


@lru_cache(maxsize=4)
def scope_fields(sentence: str) -> tuple[str, ...]:
    """The fields a scope sentence names, longest first ("互联网安全服务", …, "软件")."""
    parts = [_FRAME.sub("", p.strip()) for clause in split_clauses(sentence, extra="、")
             for p in _JOINERS.split(clause)]
    fields = {p for p in parts if len(p) >= 2} | {_SUFFIX.sub("", p) for p in parts if len(p) >= 4}
    fields = {f for f in fields if len(f) >= 2 and f not in ("高水平应用", "人工智能高质量发展")}
    return tuple(sorted(fields, key=len, reverse=True))


def judge(text: str, fields: tuple[str, ...]) -> tuple[bool | None, str]:
    """(in scope?, the field or business named) for the line of business ``text`` describes; the policy's
    own name ("这个人工智能软件的政策") describes no business, nor does the category the turn asks
    about ("卖电脑硬件的，批发零售，这个算软件信息产业吧" is judged on what it sells)."""
    text = _POLICY_NAMED.sub("", text)
    head = _ASKED.split(text, maxsplit=1)[0]
    if head != text and (verdict := _judged(head, fields))[0] is not None:
        return verdict
    return _judged(text, fields)


def _judged(text: str, fields: tuple[str, ...]) -> tuple[bool | None, str]:
    said = text
    for word, field in sorted(_SCOPE["synonyms"].items(), key=lambda kv: -len(kv[0])):
        said = said.replace(word, field)
    inside = next((f for f in fields if f in said), "")
    plain = _CUSTOMERS.sub("□", re.sub("国家|政策|措施|文件", "□", text))  # "国家政策" holds no 家政; "给医院做"
    outside = next((w for w in _SCOPE["outside"] if w in plain), "") or _trade(plain)
    if inside and not outside:
        return True, inside
    if outside and not inside:
        return False, outside
    return None, inside or outside


def _trade(text: str) -> str:
    """A physical trade the turn says the enterprise is ("连锁火锅店", "机械零件加工", "货运车队"), or ""."""
    match = _TRADE.search(text)
    return match.group() if match else ""


ASKS_WHETHER = ("能申请", "能不能申请", "可以申请", "能享受", "可以享受", "适用", "能拿", "补贴吗", "支持吗", "算不算", "属于")


def scope_verdict(policy, text: str) -> tuple[bool | None, str]:
    """(in scope?, what was named) of ``text`` against the policy's scope article (None, "" if none)."""
    number = role_article(policy, "scope")
    if number is None:
        return None, ""
    return judge(text, scope_fields(opening(policy.article(number))))


def asks_category(policy, text: str) -> bool:
    """The turn asks whether its business counts as one of the scope article's fields ("这个算人工智能
    产业不？", "属于信息处理和存储吧")."""
    match = _ASKED_CATEGORY.search(text)
    if not match:
        return False
    tail = text[match.end():clause_end(text, match.end())].rstrip("吧吗么呢不没")
    return 0 < len(tail) <= 12 and not re.match(r"按|以|要|给", tail) and scope_verdict(policy, tail)[0] is True


def answer_scope(asst, text: str, extra: list[str]) -> Reply | None:
    """The scope reply; None when the turn names no line of business (it asks for the article)."""
    number = role_article(asst.policy, "scope")
    if number is None:
        return None
    art = asst.policy.article(number)
    sentence = opening(art)
    verdict, named = judge(text, scope_fields(sentence))
    if not named and not _ASKS_WHETHER.search(text):
        return None
    citation = CitationOut(number, art.title, sentence)
    lead = {
        True: f"属于。您所说的业务对应{article_label(number)}所列的“{named}”，在本措施支持范围内；"
              "具体能申请哪一项，还要看该项的条件。",
        False: f"不属于。“{named}”不在{article_label(number)}所列的支持范围（人工智能、软件和信息技术服务、"
               "互联网和相关服务）内，本措施的各项支持一般不适用。",
        None: f"仅凭{article_label(number)}的文字无法确定：请对照条款所列领域，以企业主营业务由主管部门认定为准。",
    }[verdict]
    parts = Parts(layout="lookup", notes=list(extra), conclusion=lead, quotes=[citation])
    return Reply.from_parts(parts, route="lookup", citations=[citation], eligible=verdict)
