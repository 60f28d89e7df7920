"""The fact vocabulary shared by all items, and the checks on fact values.

A fact is a canonical name (``area_m2``) with a typed value. The same table
serves the item input specs, the tool's argument schema and the command line,
so a fact is described once. ``coerce`` turns a value (or its text form, as
typed on the command line) into the canonical type or raises ``InvalidFact``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from rules.errors import InvalidFact


@dataclass(frozen=True)
class Fact:
    """One entry of the vocabulary."""

    name: str
    type: str
    description: str
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # value -> aliases
    assume: str = ""  # assumption recorded when an item falls back to its default


UNITS = {"money": "元", "area": "平方米", "percent": "%", "count": "个", "years": "年",
         "bool": "", "choice": ""}
# (lowest, highest, lowest allowed itself?) per numeric type.
RANGES = {"money": (0, 10**13, True), "area": (0, 10_000_000, False),
          "percent": (-100, 100_000, True), "count": (0, 1_000_000, True), "years": (0, 100, True)}
_INTEGRAL = {"money", "count", "years"}
_TRUE = {"true", "是", "1", "yes", "y", "对"}
_FALSE = {"false", "否", "0", "no", "n", "不是"}
_LEVELS = {"national": ("国家", "国家级"), "provincial": ("省", "省级"),
           "municipal": ("市", "市级")}

_FACTS = (
    Fact("area_m2", "area", "租赁的产业用房面积（平方米）"),
    Fact("park_type", "choice", "入驻园区类型：recognized＝区主管部门认定的专业人工智能、软件信息产业园；other＝其他产业园",
         {"recognized": ("认定园区", "认定", "专业园区"), "other": ("其他", "其他园区", "其他产业园")}),
    Fact("above_scale", "bool", "是否为规模以上（规上）企业", assume="假定贵企业为规模以上（规上）企业。"),
    Fact("newly_settled", "bool", "是否为新入驻、新落户或新引进光明区的企业",
         assume="假定贵企业为新入驻（新落户、新引进）光明区的企业。"),
    Fact("actual_rent_yuan", "money", "当年实际支付的租金（元），补贴不超过这一金额"),
    Fact("funding_yuan", "money", "获得的国家、省、市级科技计划项目资助金额（元）"),
    Fact("funding_level", "choice", "资助来源级别：national国家级 / provincial省级 / municipal市级 / district区级",
         {**_LEVELS, "district": ("区", "区级")},
         assume="假定资助来自国家、省或市级科技计划项目。"),
    Fact("received_matching_yuan", "money", "本企业此前已获得的本条配套资助累计金额（元）",
         assume="假定贵企业此前未获得本条配套资助。"),
    Fact("investment_yuan", "money", "智能算力平台的实际投资额（元）"),
    Fact("district_approved", "bool", "是否经区政府同意支持建设",
         assume="假定已经区政府同意支持建设。"),
    Fact("key_project", "bool", "是否为经区政府认定的重点项目（重点项目“一事一议”）",
         assume="按一般平台计算：假定不是经区政府认定的重点项目（重点项目为“一事一议”）。"),
    Fact("compute_fee_yuan", "money", "当年向算力平台购买算力服务实际发生的费用（元）"),
    Fact("in_district", "bool", "卖方（算力平台或数据集提供企业）是否位于光明区内",
         assume="假定卖方（算力平台或数据集提供企业）位于光明区内。"),
    Fact("case_count", "count", "“垂类模型”或“垂类数据集”已形成的应用案例个数"),
    Fact("dataset_fee_yuan", "money", "当年向区内企业购买数据集的实际费用（元）"),
    Fact("recognition_level", "choice", "认定级别：national国家级 / provincial省级 / municipal市级 / district区级",
         {**_LEVELS, "district": ("区", "区级")}),  # district: outside (五) and (十), ruled out with the reason
    Fact("revenue_yuan", "money", "企业年度营业收入（元）"),
    Fact("previous_award_yuan", "money", "此前已享受的营业收入达标奖励金额（元），用于按差额补足",
         assume="假定此前未享受过营业收入达标奖励。"),
    Fact("park_area_m2", "area", "特色园区的建筑面积（平方米）"),
    Fact("park_revenue_yuan", "money", "园区入驻的规上人工智能和软件信息企业年度营业收入合计（元）"),
    Fact("growth_percent", "percent", "营业收入增速（%，按百分数填写，下降填负数；“小升规”指纳统次年的增速）"),
    Fact("first_in_survey", "bool", "是否首次纳入光明区一套表调查单位范围（“小升规”）",
         assume="假定贵企业首次纳入光明区一套表调查单位范围。"),
    Fact("listing_stage", "choice", "上市进度：reformed已完成股份制改造 / accepted申请材料获交易所正式受理 / listed成功上市",
         {"reformed": ("股改", "股份制改造", "完成股改"), "accepted": ("受理", "已受理"),
          "listed": ("上市", "已上市", "成功上市")}),
    Fact("received_stage", "choice", "已领取奖励的最后阶段：reformed股改奖励 / accepted受理奖励 / listed上市奖励（已领过的阶段不再重复发放）",
         {"reformed": ("股改", "股份制改造"), "accepted": ("受理",), "listed": ("上市",)},
         assume="假定此前未领取过上市分阶段奖励。"),
    Fact("vc_investment_yuan", "money", "风投创投机构对企业的实际投资额（元）"),
    Fact("vc_registered", "bool", "投资机构是否已在区主管部门备案",
         assume="假定投资机构已在区主管部门备案。"),
    Fact("interest_yuan", "money", "当年银行经营贷款实际支出的利息（元）"),
    Fact("guarantee_fee_yuan", "money", "当年通过担保机构获得银行经营贷款实际支出的担保费（元）"),
    Fact("city_funding_yuan", "money", "核心团队获得的市级资助金额（元）"),
    Fact("event_cost_yuan", "money", "单次活动实际发生的费用（元）"),
    Fact("pre_registered", "bool", "活动是否经事先备案", assume="假定活动已经事先备案。"),
    Fact("held_in_district", "bool", "活动是否在光明区举办", assume="假定活动在光明区举办。"),
    Fact("registered_in_district", "bool", "购买方是否为光明区辖区内的企业",
         assume="假定贵企业为光明区辖区内的企业。"),
    # Status facts: the qualifying title of an item. Items assume them when not
    # given; match() needs them stated to offer the item.
    Fact("model_company", "bool", "是否拥有人工智能通用大模型或专用AI芯片技术",
         assume="假定贵企业拥有人工智能通用大模型或专用AI芯片技术。"),
    Fact("dataset_provider", "bool", "是否为人工智能高质量数据集服务商",
         assume="假定贵企业为人工智能高质量数据集服务商。"),
    Fact("demo_project", "bool", "是否有经国家、省、市认定的人工智能应用示范项目",
         assume="假定项目已获国家、省或市认定为人工智能应用示范项目。"),
    Fact("top100", "bool", "是否为全国软件百强、全国互联网百强或全国人工智能综合实力百强企业",
         assume="假定贵企业为全国软件百强、互联网百强或人工智能综合实力百强企业。"),
    Fact("key_software", "bool", "是否为“国家鼓励的重点软件企业”",
         assume="假定贵企业为“国家鼓励的重点软件企业”。"),
    Fact("internet_platform", "bool", "是否为经认定的重大互联网生产服务平台",
         assume="假定贵企业为经认定的重大互联网生产服务平台。"),
    Fact("unicorn", "bool", "是否为人工智能和软件信息产业“独角兽”企业",
         assume="假定贵企业为人工智能和软件信息产业“独角兽”企业。"),
    Fact("little_giant", "bool", "是否为专精特新“小巨人”企业",
         assume="假定贵企业为专精特新“小巨人”企业。"),
    Fact("first_recognized", "bool", "是否为首次被认定（国家鼓励的重点软件企业或“小巨人”）",
         assume="假定为首次被认定。"),
    Fact("unicorn_list", "choice", "入选深圳市科技独角兽：list＝榜单 / pool＝企业培育库",
         {"list": ("榜单", "独角兽榜单"), "pool": ("培育库", "企业培育库")}),
    Fact("harmony_base", "bool", "是否为经区政府同意建设的鸿蒙特色产业基地",
         assume="假定为经区政府同意建设的鸿蒙特色产业基地。"),
    Fact("software_park", "bool", "是否为被认定为软件名园（基地）的软件产业园区的运营单位",
         assume="假定园区已被认定为软件名园（基地）。"),
    Fact("listing_database", "bool", "是否已纳入区上市企业培育数据库",
         assume="假定贵企业已纳入区上市企业培育数据库。"),
    Fact("listed_company", "bool", "是否为上市企业", assume="假定贵企业为上市企业。"),
    Fact("in_scope", "bool", "是否属于第（十八）条支持范围（人工智能产业、软件和信息技术服务业、互联网和相关服务）"),
)
FACTS: dict[str, Fact] = {fact.name: fact for fact in _FACTS}


def coerce(name: str, value: object) -> object:
    """Return ``value`` as the canonical type of fact ``name``.

    Raises:
        InvalidFact: the value has the wrong type or lies outside the accepted range.
    """
    fact = FACTS[name]
    if fact.type == "bool":
        return _coerce_bool(fact, value)
    if fact.type == "choice":
        return _coerce_choice(fact, value)
    return _coerce_number(fact, value)


def choice_label(name: str, value: object) -> str:
    """The Chinese word for a choice value ("national" → "国家级"), as a person reads it."""
    aliases = FACTS[name].choices.get(str(value), ())
    return max(aliases, key=len) if aliases else str(value)


def plain_description(name: str) -> str:
    """The description without the codes of a choice ("认定级别（国家级、省级、市级、区级）")."""
    fact = FACTS[name]
    if fact.type != "choice":
        return fact.description
    head = fact.description.split("：", 1)[0]
    return f"{head}（{'、'.join(choice_label(name, code) for code in fact.choices)}）"


def accepted(fact: Fact) -> str:
    """Chinese description of the values fact ``fact`` accepts."""
    if fact.type == "bool":
        return "true/false、是/否 或 1/0"
    if fact.type == "choice":
        return "、".join(f"{key}（{'/'.join(alias)}）" for key, alias in fact.choices.items())
    low, high, inclusive = RANGES[fact.type]
    kind = "整数" if fact.type in _INTEGRAL else "数值"
    side = "不小于" if inclusive else "大于"
    return f"{side}{low}且不超过{high}的{kind}（单位：{UNITS[fact.type]}）"


def _fail(fact: Fact, value: object, problem: str) -> InvalidFact:
    return InvalidFact(fact.name, value, problem, accepted(fact), fact.description)


def _coerce_bool(fact: Fact, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise _fail(fact, value, "不是可识别的是/否值")


def _coerce_choice(fact: Fact, value: object) -> str:
    if isinstance(value, str):
        text = value.strip()
        for key, aliases in fact.choices.items():
            if text.lower() == key or text in aliases:
                return key
    raise _fail(fact, value, "不在可选范围内")


_NUMBER_TEXT = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(万|亿)?\s*(元|平方米|㎡|%|个|年)?$")


def _coerce_number(fact: Fact, value: object) -> int | float:
    number = _to_decimal(fact, value)
    low, high, inclusive = RANGES[fact.type]
    if number < 0 and low >= 0:
        raise _fail(fact, value, "不能为负数")
    if number < low or (number == low and not inclusive):
        raise _fail(fact, value, f"必须{'不小于' if inclusive else '大于'}{low}")
    if number > high:
        raise _fail(fact, value, f"超出合理范围（不超过{high}{UNITS[fact.type]}）")
    if fact.type == "money":
        return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if fact.type in _INTEGRAL:
        if number != number.to_integral_value():
            raise _fail(fact, value, "必须是整数")
        return int(number)
    return int(number) if number == number.to_integral_value() else float(number)


def _to_decimal(fact: Fact, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise _fail(fact, value, "类型错误，需要数字")
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail(fact, value, "不是有限的数值")
    if not isinstance(value, str):
        return Decimal(str(value))
    match = _NUMBER_TEXT.match(value.strip().replace(",", "").replace("，", ""))
    if not match:
        raise _fail(fact, value, "不是数字")
    try:
        number = Decimal(match.group(1))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise _fail(fact, value, "不是数字") from exc
    scale = {"万": 10**4, "亿": 10**8}.get(match.group(2) or "", 1)
    return number * scale
