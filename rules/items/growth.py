"""Chapter 四 促进企业发展壮大: items of articles (十二) to (十四)."""

from __future__ import annotations

from rules.calc import Calc, fmt
from rules.items.base import cond, item, opt, req

IPO_STAGES = ("reformed", "accepted", "listed")


@item("scale_up", cond("first_in_survey"), req("growth_percent"), triggers=("first_in_survey",))
def scale_up(c: Calc) -> None:
    """（十二）"小升规": first time in the district's statistical survey, then growth.

    首次纳入光明区一套表调查单位、次年营业收入正增长（大于0）的，奖励10万元；
    次年增速达10%以上的另按增速分档叠加奖励（分档未公布），合计最高50万元。
    """
    growth = c["growth_percent"]
    if growth <= 0:
        c.fail(f"次年营业收入增速{fmt(growth, '%')}，未实现正增长")
        return
    amount = c.param("first_award")
    threshold = c.param("growth_threshold")
    if growth >= threshold:
        c.bound = c.param("total_cap")
        c.note_unspecified("growth_tiers")
        c.step(f"增速{fmt(growth, '%')} ≥ {fmt(threshold, '%')}：另有分档叠加奖励（金额未公布），"
               f"合计最高{fmt(c.bound, '元')}", None)
    c.set_amount(amount, "exact")


@item("growth_award", cond("above_scale"), opt("revenue_yuan"), opt("growth_percent"),
      triggers=("above_scale",))
def growth_award(c: Calc) -> None:
    """（十二）Award to 规上 firms whose revenue and growth reach a standard.

    年营业收入规模及增速达到“一定标准”的规上企业，按营收增量的“一定比例”奖励，
    最高1000万元；标准和比例政策都未给出，所以只有上限，能否享受也无法判断。
    """
    c.note_unspecified("standard")
    c.note_unspecified("ratio")
    c.bound_only("cap")
    c.undecided("政策未公布营业收入规模及增速的具体标准，无法判断是否符合。")


@item("key_software_recognition", cond("key_software"), cond("first_recognized"),
      triggers=("key_software",))
def key_software_recognition(c: Calc) -> None:
    """（十三）First recognition as a key software enterprise encouraged by the state.

    被首次认定为国家鼓励的重点软件企业的，最高1000万元。
    """
    c.bound_only("cap")


@item("little_giant_recognition", cond("little_giant"), cond("first_recognized"),
      triggers=("little_giant",))
def little_giant_recognition(c: Calc) -> None:
    """（十三）First recognition as a specialised "little giant".

    被首次认定为专精特新“小巨人”企业的，最高300万元。
    """
    c.bound_only("cap")


@item("unicorn_list", req("unicorn_list"))
def unicorn_list(c: Calc) -> None:
    """（十三）Shenzhen tech-unicorn list (500万) or its cultivation pool (100万).

    入选深圳市科技独角兽榜单奖励500万元，入选培育库奖励100万元。
    """
    c.set_amount(c.param(c["unicorn_list"]), "exact")


@item("listing_database", cond("listing_database"), triggers=("listing_database",))
def listing_database(c: Calc) -> None:
    """（十四）One-off award for entering the district's listing-candidate database.

    纳入区上市企业培育数据库的企业，一次性奖励5万元。
    """
    c.set_amount(c.param("award"), "exact")


@item("listed_relocation", cond("listed_company"), cond("newly_settled"), triggers=("listed_company",))
def listed_relocation(c: Calc) -> None:
    """（十四）Award for a listed company newly settling in Guangming.

    新落户光明的上市企业，最高600万元。
    """
    c.bound_only("cap")


@item("ipo_stages", req("listing_stage"), opt("received_stage"))
def ipo_stages(c: Calc) -> None:
    """（十四）IPO awards by stage, cumulative up to the stage reached.

    完成股份制改造100万元；申请材料获交易所正式受理再给200万元；成功上市再给
    300万元。到达某一阶段时累计可得之前各阶段之和（最多600万元）；已领过的阶段
    （received_stage 及之前）不再发放，只计其后的阶段。
    """
    reached = IPO_STAGES[: IPO_STAGES.index(c["listing_stage"]) + 1]
    amounts = [c.param(stage) for stage in reached]
    total = sum(amounts)
    parts = " + ".join(fmt(a, "元") for a in amounts)
    c.step(f"累计：{parts} = {fmt(total, '元')}", total)
    if c["received_stage"] is None:
        c.set_amount(total, "exact")
        return
    taken = IPO_STAGES[: IPO_STAGES.index(c["received_stage"]) + 1]
    received = sum(c.param(stage) for stage in taken)
    if len(taken) >= len(reached):
        c.fail(f"已领取到这一阶段的奖励（累计{fmt(received, '元')}），暂无新的阶段奖励")
        return
    rest = total - received
    c.step(f"已领取{fmt(received, '元')}：{fmt(total, '元')} − {fmt(received, '元')} = {fmt(rest, '元')}", rest)
    c.set_amount(rest, "exact")
