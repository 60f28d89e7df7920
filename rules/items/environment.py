"""Chapter 五 优化产业发展环境: items of articles (十五) to (十七)."""

from __future__ import annotations

from rules.calc import Calc
from rules.items.base import cond, item, opt, req

_CORE_TEAM = "假定核心团队已落户光明区，承担人工智能、工业软件、基础软件等重大技术攻关。"


@item("vc_investment", req("vc_investment_yuan"), cond("vc_registered"))
def vc_investment(c: Calc) -> None:
    """（十五）Support for firms receiving investment from a registered VC.

    获得区主管部门备案的风投创投机构投资的，按不超过实际投资额的10%资助，最高100万元。
    """
    c.capped_percent("vc_investment_yuan", "rate", "cap", "upper_bound")


@item("loan_interest", req("interest_yuan"))
def loan_interest(c: Calc) -> None:
    """（十五）Interest subsidy on bank operating loans.

    从银行获得经营贷款的，按不超过实际支出利息的30%贴息，每年最高200万元，
    贴息期限不超过3年。
    """
    c.capped_percent("interest_yuan", "rate", "cap", "upper_bound")
    c.param("years")


@item("guarantee_fee", req("guarantee_fee_yuan"))
def guarantee_fee(c: Calc) -> None:
    """（十五）Subsidy on guarantee fees for guaranteed bank operating loans.

    通过担保机构担保获得银行经营贷款的，按不超过实际担保费的50%补贴，每年最高
    100万元，期限不超过3年。
    """
    c.capped_percent("guarantee_fee_yuan", "rate", "cap", "upper_bound")
    c.param("years")


@item("core_team", req("city_funding_yuan"), cond("newly_settled", assume=_CORE_TEAM))
def core_team(c: Calc) -> None:
    """（十六）Award to core teams on major technology projects, matching city funding.

    落户光明区承担重大技术攻关的核心团队，按其获得市资助金额的30%奖励，最高3000万元。
    """
    c.capped_percent("city_funding_yuan", "rate", "cap", "exact")


@item("executive_team", opt("revenue_yuan"), opt("growth_percent"),
      triggers=("revenue_yuan", "growth_percent"))
def executive_team(c: Calc) -> None:
    """（十六）Award to the executive team of a firm whose revenue or growth meets a condition.

    企业年营业收入规模或增速达到“一定条件”的，给予高管团队最高500万元；条件未
    公布，所以只有上限，能否享受也无法判断。
    """
    c.note_unspecified("conditions")
    c.bound_only("cap")
    c.undecided("政策未公布营业收入规模或增速的具体条件，无法判断是否符合。")


@item("event", req("event_cost_yuan"), cond("pre_registered"), cond("held_in_district"))
def event(c: Calc) -> None:
    """（十七）Support for hosting major industry events recorded in advance.

    在光明区举办、经事先备案的活动，按单次活动实际发生费用的50%资助举办单位，最高200万元。
    """
    c.capped_percent("event_cost_yuan", "rate", "cap", "exact")
