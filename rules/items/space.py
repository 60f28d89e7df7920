"""Chapter 三 拓展产业发展空间: items of articles (九) to (十一)."""

from __future__ import annotations

from decimal import Decimal

from rules.calc import Calc, floor_yuan, fmt
from rules.items.base import cond, item, opt, req

_PARK_RECOGNIZED = "假定园区为区主管部门认定的人工智能、软件信息特色园区。"
_RENT_PARK = "未说明园区类型：按区主管部门认定的专业园区计算，其他产业园的标准一并列在计算过程中。"


@item("harmony_base", cond("harmony_base"), cond("district_approved"), triggers=("harmony_base",))
def harmony_base(c: Calc) -> None:
    """（九）Package support for a Harmony (鸿蒙) industry base approved by the district.

    经区政府同意建设的鸿蒙特色产业基地，按“一事一议”在建设、招商、运营、人才等
    方面给予“一揽子”支持；没有金额。
    """
    c.note_unspecified("support")
    c.kind = "unspecified"


@item("park_revenue", req("park_area_m2"), req("park_revenue_yuan"),
      opt("park_type", "recognized", assume=_PARK_RECOGNIZED))
def park_revenue(c: Calc) -> None:
    """（十）Award to the operator of a recognised AI/software park as tenants' revenue grows.

    建筑面积2万平方米以上的认定园区，入驻规上企业营收合计首次达到1亿元奖励运营
    单位10万元；此后每再增加1亿元，再奖励5万元（按累计口径计算）。
    """
    if c["park_type"] == "other":
        c.fail("园区不是区主管部门认定的人工智能、软件信息特色园区")
        return
    if not c.at_least(c["park_area_m2"], "min_park_area_m2", "园区建筑面积", "平方米"):
        return
    revenue = c["park_revenue_yuan"]
    if not c.at_least(revenue, "first_revenue", "入驻规上企业营收合计", "元"):
        return
    first, award = c.param("first_revenue"), c.param("first_award")
    step, step_award = c.param("step_revenue"), c.param("step_award")
    extra = (revenue - first) // step
    c.step(f"（{fmt(revenue, '元')} − {fmt(first, '元')}）÷ {fmt(step, '元')} = {extra}（向下取整）", extra)
    total = award + extra * step_award
    c.step(f"{fmt(award, '元')} + {extra} × {fmt(step_award, '元')} = {fmt(total, '元')}", total)
    c.assume("按累计口径计算：含首次达到1亿元的10万元，已领取的部分不重复发放。")
    c.set_amount(total, "exact")


@item("software_park", req("recognition_level"), cond("software_park"), triggers=("software_park",))
def software_park(c: Calc) -> None:
    """（十）Award to the operator of a park recognised as a famous software park.

    被认定为国家级、省级、市级软件名园（基地）的，分别奖励园区运营单位120万、
    80万、60万元；区级认定不在其列。
    """
    if c["recognition_level"] == "district":
        c.fail("区级认定的园区不在奖励范围：本条只奖励被认定为国家级、省级、市级软件名园（基地）的园区")
        return
    c.set_amount(c.param(c["recognition_level"]), "exact")


@item("rent_subsidy", req("area_m2"), opt("park_type", None, assume=_RENT_PARK), cond("above_scale"),
      cond("newly_settled"), opt("actual_rent_yuan"))
def rent_subsidy(c: Calc) -> None:
    """（十一）Rent subsidy for 规上 AI/software firms newly renting 500 m² or more.

    新入驻认定的专业园区：30元/平方米/月，每年最高360万元；新入驻其他产业园：
    15元/平方米/月，每年最高180万元。都不超过实际租金支出，连续补贴3年。
    """
    park = c["park_type"] or "recognized"
    if not c.at_least(c["area_m2"], f"{park}.min_area_m2", "租赁面积", "平方米"):
        return
    amount = _yearly_rent(c, park, bound=True)
    if c["park_type"] is None:
        c.step("若为其他产业园，按以下标准计算：", None)
        _yearly_rent(c, "other", bound=False)
    actual = c["actual_rent_yuan"]
    if actual is None:
        c.assume("未提供实际租金支出：补贴不超过实际租金，假定实际租金不低于上述金额。")
    else:
        amount = c.limit(amount, actual, "实际租金支出")
    c.param(f"{park}.years")
    c.set_amount(amount, "upper_bound")


def _yearly_rent(c: Calc, park: str, bound: bool) -> int:
    """Area × monthly rate × 12, capped by the park type's yearly maximum."""
    area, rate = c["area_m2"], c.param(f"{park}.rate")
    gross = floor_yuan(Decimal(str(area)) * rate * 12)
    c.step(f"{fmt(area, '平方米')} × {fmt(rate, '元/平方米/月')} × 12个月 = {fmt(gross, '元')}", gross)
    return c.cap(gross, f"{park}.cap", bound=bound)
