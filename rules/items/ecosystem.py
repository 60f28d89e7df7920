"""Chapter 一 构建人工智能产业生态: items of articles (一) to (五)."""

from __future__ import annotations

from rules.calc import Calc, fmt
from rules.items.base import cond, item, opt, req


@item("tech_matching", req("funding_yuan"), opt("funding_level"), opt("received_matching_yuan", 0))
def tech_matching(c: Calc) -> None:
    """（一）Matching funds for national, provincial or municipal science projects.

    获得国家、省、市级科技计划项目资助的，按资助金额的20%配套：单个项目最高
    200万元，同一企业各项目合计最高500万元（扣除已获得的配套）。
    """
    if c["funding_level"] == "district":
        c.fail("区级资助不属于国家、省、市级科技计划项目资助")
        return
    amount = c.cap(c.percent(c["funding_yuan"], "所获资助金额", "rate"), "project_cap")
    total, received = c.param("enterprise_cap"), c["received_matching_yuan"]
    room = max(total - received, 0)
    c.step(f"同一企业上限{fmt(total, '元')} − 已获配套{fmt(received, '元')} = 剩余额度{fmt(room, '元')}",
           room)
    if room == 0:
        c.fail(f"已获配套资助{fmt(received, '元')}，已达同一企业{fmt(total, '元')}的上限")
        return
    c.set_amount(c.limit(amount, room, "同一企业剩余额度"), "exact")


@item("compute_platform", req("investment_yuan"), cond("district_approved"), opt("key_project", False),
      waived_by=("key_project",))
def compute_platform(c: Calc) -> None:
    """（二）Building an intelligent-compute platform approved by the district.

    经区政府同意支持建设的智能算力平台，按实际投资额的5%资助，最高1000万元；
    经区政府认定的重点项目“一事一议”，没有公式。
    """
    if c["key_project"]:
        c.note_unspecified("key_project")
        c.kind = "unspecified"
        return
    c.capped_percent("investment_yuan", "rate", "cap", "exact")


@item("compute_purchase", req("compute_fee_yuan"), cond("in_district"), cond("registered_in_district"))
def compute_purchase(c: Calc) -> None:
    """（二）Buying compute services from an in-district platform.

    辖区人工智能企业向区内算力平台购买算力服务的，按当年实际费用的30%资助，
    每年最高200万元，连续资助3年。
    """
    c.capped_percent("compute_fee_yuan", "rate", "cap", "exact")
    c.param("years")


@item("model_company_landing", cond("model_company"), cond("newly_settled"),
      triggers=("model_company",))
def model_company_landing(c: Calc) -> None:
    """（三）Landing award for firms with a general large model or AI-chip technology.

    引进拥有人工智能通用大模型、专用AI芯片技术的企业，给予落户企业最高5000万元奖励。
    """
    c.bound_only("cap")


@item("vertical_model", req("case_count"))
def vertical_model(c: Calc) -> None:
    """（三）One-off award for a vertical model or dataset with enough application cases.

    “垂类模型”或“垂类数据集”形成5个以上（含5个）应用案例的，一次性奖励100万元。
    """
    if c.at_least(c["case_count"], "min_cases", "应用案例数", "个"):
        c.set_amount(c.param("award"), "exact")


@item("dataset_provider", cond("dataset_provider"), triggers=("dataset_provider",))
def dataset_provider(c: Calc) -> None:
    """（四）Yearly support for providers of high-quality AI datasets.

    人工智能高质量数据集服务商按上年度数据服务营业收入情况，每年最高500万元，
    连续3年；政策没有给出由收入算出金额的比例或分档。
    """
    c.note_unspecified("basis")
    c.bound_only("cap")
    c.param("years")


@item("dataset_purchase", req("dataset_fee_yuan"), cond("in_district"))
def dataset_purchase(c: Calc) -> None:
    """（四）Buying datasets from in-district firms.

    人工智能企业向区内企业购买数据集的，按实际购买费用的30%资助，每年最高
    100万元，连续三年。
    """
    c.capped_percent("dataset_fee_yuan", "rate", "cap", "exact")
    c.param("years")


@item("demo_project", cond("demo_project"), opt("recognition_level"), triggers=("demo_project",))
def demo_project(c: Calc) -> None:
    """（五）One-off award for AI application demonstration projects.

    国家、省、市认定的人工智能应用示范项目，一次性奖励最高50万元（三级同一上限）；
    区级认定不在其列。
    """
    if c["recognition_level"] == "district":
        c.fail("区级认定的示范项目不在奖励范围：本条只奖励国家、省、市认定的人工智能应用示范项目")
        return
    c.bound_only("cap")
