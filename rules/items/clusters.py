"""Chapter 二 加快壮大产业集群: items of articles (六) and (七)."""

from __future__ import annotations

from rules.calc import Calc, fmt
from rules.items.base import cond, item, opt, req


@item("top100_landing", cond("top100"), cond("newly_settled"), triggers=("top100",))
def top100_landing(c: Calc) -> None:
    """（六）Landing award for national top-100 software, internet or AI firms.

    新落户的全国软件百强、全国互联网百强、全国人工智能综合实力百强企业，最高2000万元。
    """
    c.bound_only("cap")


@item("key_software_landing", cond("key_software"), cond("newly_settled"), triggers=("key_software",))
def key_software_landing(c: Calc) -> None:
    """（六）Landing award for "key software enterprises encouraged by the state".

    新落户的“国家鼓励的重点软件企业”，最高1000万元。
    """
    c.bound_only("cap")


@item("internet_platform", cond("internet_platform"), triggers=("internet_platform",))
def internet_platform(c: Calc) -> None:
    """（六）Award for recognised major internet production-service platforms.

    经认定的重大互联网生产服务平台，按实缴注册资本的“一定比例”奖励；比例和上限
    政策都未给出，因此没有金额。
    """
    c.note_unspecified("ratio")
    c.kind = "unspecified"


@item("unicorn_landing", cond("unicorn"), cond("newly_settled"), triggers=("unicorn",))
def unicorn_landing(c: Calc) -> None:
    """（七）Award for a newly attracted AI/software "unicorn".

    新引进的人工智能和软件信息产业“独角兽”企业，最高1000万元。
    """
    c.bound_only("cap")


@item("little_giant_landing", cond("little_giant"), cond("newly_settled"), triggers=("little_giant",))
def little_giant_landing(c: Calc) -> None:
    """（七）Award for a newly attracted specialised "little giant" firm.

    新引进的专精特新“小巨人”企业，最高300万元。
    """
    c.bound_only("cap")


@item("revenue_milestone", req("revenue_yuan"), cond("newly_settled"), opt("previous_award_yuan", 0))
def revenue_milestone(c: Calc) -> None:
    """（七）Revenue milestones of newly attracted firms, topped up tier by tier.

    新引进企业年度营业收入首次达到5000万元、1亿元、5亿元、10亿元、20亿元的，
    分别奖励150万、300万、500万、1000万、2000万元；已领过奖励又达到更高档的，
    补足两档之间的差额。
    """
    revenue = c["revenue_yuan"]
    award = c.bracket("milestones", revenue)
    if award is None:
        lowest = c.params["milestones"].brackets[0].threshold
        c.fail(f"年度营业收入{fmt(revenue, '元')}未达到最低档{fmt(lowest, '元')}")
        return
    previous = c["previous_award_yuan"]
    if previous:
        c.param("top_up")
        due = award - previous
        c.step(f"{fmt(award, '元')} − 已享受{fmt(previous, '元')} = {fmt(max(due, 0), '元')}（按差额补足）",
               max(due, 0))
        if due <= 0:
            c.fail(f"已享受的奖励{fmt(previous, '元')}不低于本档奖励{fmt(award, '元')}，无差额可补")
            return
        award = due
    c.set_amount(award, "exact")
