"""What a turn asks about: a scope question, or a question framed by a topic's words about another matter.

``scope_reply`` answers "做X的企业能适用吗" from the scope article (``assistant.scope``);
``about_policy`` tells a date or department question about the policy ("这个政策什么时候开始执行")
from one about another office's matter ("公司要做工商变更登记，找哪个部门办？").
"""

from __future__ import annotations

import re

from assistant import router
from assistant.articles import role_article
from assistant.data_loader import load_yaml
from assistant.scope import ASKS_WHETHER, answer_scope, asks_category, scope_verdict
from assistant.session import Reply, Session
from assistant.text_clauses import clause_end

_COVERAGE = load_yaml("routing.yaml")["scope"]
_OFFICE_WORDS = ("部门", "哪里办", "找谁", "找哪", "负责", "窗口", "办理")  # a question for an office, not a date
_YES_NO_WHO = re.compile("(?:是不是|是否|是)(?:在|由|归)?(?:" + "|".join(map(re.escape, router.OTHER_AUTHORITIES))
                         + r")[\u4e00-\u9fff]{0,6}?(?:局|委|厅|部)?(?=[吗？?。！!]|$)")
_COVERAGE_OBJECT = re.compile(_COVERAGE["coverage_object"])
_POLICY_AS_WHOLE = re.compile(_COVERAGE["policy_as_whole"])
_YES_NO = re.compile(router.A_NOT_A + r"|[吗么嘛]\s*[？?]?\s*$|能否|是否|可否|能不能|可不可以|有没有")
_ENTERPRISE = re.compile(r"我们|我司|我|俺|咱|客户|自己|本公司|做[^，。；？?！!]{1,15}的|开了|是一?家")  # the enterprise's own business
_QUESTION_WORDS = re.compile(r"什么时候|什么|哪个|哪些|哪天|哪一?年|几年|几月|几号|几日|哪月|多少年|年份|月份|日期|时间|期限|多久|多长|怎么|如何"
                             r"|现在|目前|已经|还|没|吗|呢|的|了|是|到|从|起|在|啊|[\s，。？?！!、]")


def scope_reply(asst, session: Session, text: str, extra: list[str]) -> Reply | None:
    """A scope question: the scope article's words ("支持范围", "适用吗") or a line of business
    plainly outside it asked about ("做服装加工厂的能申请吗"), with no figure and no amount asked.
    The line of business may stand in the turn before ("我们是做软件开发的" / "能享受这个措施吗")."""
    verdict, named = scope_verdict(asst.policy, text)
    covers = asks_coverage(text, named, names_item=bool(asst._named_items(text)),
                           category=asks_category(asst.policy, text))
    if router.asks_how_much(text) or (_figures_of(asst.read_freely(text).facts) and not covers):
        return None  # "三家连锁火锅店" asking whether the policy covers it is still a scope question
    scope = role_article(asst.policy, "scope")
    topic = router.topic_article(text)[0]
    earlier = session.user_turns[-2] if len(session.user_turns) > 1 else ""
    if topic == scope and not named and earlier:
        text = earlier + "；" + text
    elif topic != scope and not (verdict is False and router.contains_any(text, ASKS_WHETHER)) and not covers:
        return None
    return answer_scope(asst, text, extra)


def asks_coverage(text: str, named: str, names_item: bool = False, category: bool = False) -> bool:
    """The turn names a line of business and asks whether the policy covers it ("我们做建筑装修工程的，
    能不能算进这个政策的范围", "这个措施管不管我们这种"): a question with a coverage word and the policy
    (or "our kind") as its object, or a yes/no question about the policy as a whole by an enterprise that
    says what it does; no item named (the caller checks), nothing the articles encourage."""
    if not named or not router.looks_like_question(text) or router.contains_any(text, _COVERAGE["encouraged"]) \
            or router.strong_topic(text):  # "市里的资金和这个措施的钱能一起拿吗" asks stacking
        return False
    if (router.contains_any(text, _COVERAGE["coverage"]) and _COVERAGE_OBJECT.search(text)) or category:
        return True  # category: "这个算人工智能产业不" asks whether the business counts as a field
    first_clause = text[:clause_end(text, 0)]
    return bool(not names_item and _POLICY_AS_WHOLE.search(text) and _YES_NO.search(text)
                and (_ENTERPRISE.search(text) or named in first_clause))  # "这个租金补贴我们能拿吗" asks the item


def about_policy(asst, text: str, topic: int) -> bool:
    """Whether a question framed by a topic's words ("找哪个部门", "什么时候开始") is about the
    policy: what is left of it names the policy or its support, or shares enough of its text."""
    rest = text
    for word in sorted(router.TOPICS.get(topic, ()), key=len, reverse=True):
        rest = rest.replace(word, "")
    if _YES_NO_WHO.search(rest):  # "解释权是不是在深圳市工信局？": the office named is the answer asked about
        rest = _YES_NO_WHO.sub("", rest)
    if router.looks_out_of_scope(rest) or router.asks_other_party(rest):
        return False  # "员工工伤认定找哪个部门", "营业执照去哪办"
    if not router.contains_any(text, _OFFICE_WORDS):
        return True  # "到时候会不会已经过期了，有效期到哪年": a date of the policy, whatever else is said
    content = _QUESTION_WORDS.sub("", rest)
    return (router.mentions_policy_terms(rest) or router.contains_any(rest, ("这个", "本", "该", "这项"))
            or asst.policy_overlap(content) >= 1 or len(content) <= 2)


def _figures_of(facts: dict) -> dict:
    return {k: v for k, v in facts.items() if not isinstance(v, bool | str)}
