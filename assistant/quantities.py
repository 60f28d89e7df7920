"""Numbers with their kind and unit, read from everyday Chinese text.

``extract_quantities`` is shared by fact extraction (``assistant.facts``) and the number guard
(``assistant.guard``), so both read "200万元", "八百平方米" or "３年" the same way. Money comes out
as an integer number of yuan, areas in square metres, percentages as the number before "%".

Kinds:
    money              int yuan ("200万元", "1.5亿", "3,000元", "五百万")
    area               float m² ("800平米", "八百平方米", "2万平方米", "500㎡")
    percent            float ("30%", "百分之二十", "5个百分点")
    rate_per_m2_month  float yuan per m² per month ("30元/平方米/月"); "rate_per_m2" without /月
    years              a duration ("3年", "三年", "连续3年")
    year               a calendar year ("2023年", both ends of "2023-2024年")
    months             a duration ("12个月"); a calendar month ("5月") is kind "date"
    count              int ("5个", "两家", "3项")
    article            an article reference ("第（十一）条", "第11条", "（十一）")
    ordinal            any other "第N" ("第3年")
    number             a bare number without unit ("800", "八百")

Colloquial amounts: "3个亿" / "两个亿" are 亿, "50个w" 万; "2万5千平方米" and "2万5平米" are 25000 ("3万5" is
35000, the digit after 万/亿 standing for the next unit down unless a count or year unit follows);
"30w" / "350W" are 万 and "5k元" 千 (internet shorthand, right after a digit and before no other
letter: "web", "wifi" stay words); "八百多平", "100多万", "一个多亿" give the round number (800,
100万, 1亿) with ``approx`` set — a lower bound, which fact extraction passes on with a note.
"十几万" is left unread.

Chinese numerals are read by ``knowledge.numerals.read_numeral`` (the one reader, which guards
``cn2an``'s quirks: a lone multiplier, digit strings "两两", "一点五亿"); the colloquial forms around
a numeral ("一亿二", "3个亿", "八百多") are read here, and a single "一" before a measure word ("一家",
"一次性") is grammar, not a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from knowledge.numerals import DIGITS, MULTIPLIERS, read_numeral

MAX_TURN_CHARS = 2000
"""A user turn longer than this is cut by ``normalize_text`` (and flagged as truncated)."""

_MAX_DIGITS = 40  # longer digit runs are junk, not numbers

# Full-width → half-width, one character for one, so spans stay valid on the original text.
_FOLD = {0xFF10 + i: ord("0") + i for i in range(10)}
_FOLD.update({0xFF21 + i: ord("A") + i for i in range(26)})
_FOLD.update({0xFF41 + i: ord("a") + i for i in range(26)})
_FOLD.update({ord(a): ord(b) for a, b in zip("．％﹪－＋／\u3000\u2212", ".%%-+/ -")})
_FW_THOUSANDS = re.compile("(?<=[０-９])，(?=[０-９]{3}(?![０-９]))")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                      "\ufeff\ud800-\udfff]")
_SPACE = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")
_YUAN_SIGN = re.compile(r"(?:[¥￥]|RMB|CNY)\s*(\d[\d,]*(?:\.\d+)?(?:万|亿)?)(?!\s*[元万亿])")

_CN_NEXT_DOWN = re.compile("^(.*[万亿])([一二两三四五六七八九])$")
_RMB_WORD = re.compile("人民币\\s*(?=[0-9零〇一二两三四五六七八九十百千])")
_CN_DIGITS = "".join(DIGITS)
_CN_NUM = f"[{_CN_DIGITS}十][{_CN_DIGITS}十百千万亿点]*"
_NUMBER = re.compile(
    r"(?P<neg>(?<![0-9.])(?<![0-9.] )-|负)?(?P<pct>百分之)?(?:"
    r"(?P<ar>(?<![A-Za-z0-9.])(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)"
    r"(?P<mult>千万|百万|十万|万亿|亿|万|千|百|[wWkK](?![A-Za-z]))?"
    rf"|(?P<cn>{_CN_NUM}))"
    # Colloquial tails: "2万5千" / "2万5" (the next unit down), "3个亿", "一个多亿", "八百多", "100多万".
    r"(?:(?<=[万亿])(?P<sub>[1-9])(?:(?P<submult>千万|千)|(?![0-9.年个月日号家项次件名位款套%]))"
    r"|个(?P<gapprox>多)?(?P<gmult>亿|[wW](?![A-Za-z]))"
    r"|(?P<approx>多)(?!少)(?P<amult>千万|百万|十万|亿|万|千|百|[wWkK](?![A-Za-z]))?)?")
_M2 = r"(?:平方米|平米|㎡|m²|m2|平)"
_UNIT = re.compile(
    r" ?(?:"
    rf"(?P<rate_per_m2>元 ?(?:/|每) ?{_M2}(?P<month> ?(?:/|每) ?个?月)?)"
    r"|(?P<money>元|块钱)"
    r"|(?P<area>(?:个)?(?:平方米|平方公尺|平米|平方(?!公里))|个平(?![台安均等方衡])|㎡|m²|m2(?![0-9A-Za-z])|(?i:sqm|square meters?)(?![A-Za-z])|平方(?!公里)|平(?![台安均等方衡]))"
    r"|(?P<percent>%|个百分点|个点(?!钟))"
    r"|(?P<months>个月)"
    r"|(?P<years>年)"
    r"|(?P<date>月|日)"
    r"|(?P<count>个|家|项|次(?!性)|件|名|位|款|套))")
_RANGE = re.compile(r" ?[-~～—–至到] ?")
_BIG = ("万", "亿")
_LATIN = {"w": "万", "W": "万", "k": "千", "K": "千"}  # "30w", "5k元": internet shorthand, after a digit
_NEXT_DOWN = {"万": "千", "亿": "千万", "十万": "万", "百万": "十万", "千万": "百万"}


@dataclass(frozen=True)
class Quantity:
    """One number found in text.

    Attributes:
        value: int yuan for money, float m² for area, the number itself otherwise.
        kind: see the module docstring ("money", "area", "percent", "years", ...).
        unit: the unit as written after the number ("万元", "平米", "%", "" for none).
        span: (start, end) of the number with its unit in the text given.
        raw: the text of that span.
        approx: the number is a lower bound said loosely ("八百多平", "一个多亿"); ``value`` is the
            round number before "多".
    """

    value: int | float
    kind: str
    unit: str
    span: tuple[int, int]
    raw: str
    approx: bool = False


class NormalizedText(NamedTuple):
    """Result of ``normalize_text``: the clean text and whether it was cut."""

    text: str
    truncated: bool


def as_text(text: object) -> str:
    """Any input as text: bytes decoded as UTF-8 (bad bytes replaced), None as ""."""
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray)):
        return bytes(text).decode("utf-8", errors="replace")
    return "" if text is None else str(text)


def fold_width(text: object) -> str:
    """Full-width digits, letters, ％．－／ and ideographic space to ASCII, length unchanged.

    Chinese punctuation (，：；（）) stays as it is; a full-width comma becomes a thousands
    separator only between full-width digits ("３，０００").
    """
    text = _FW_THOUSANDS.sub(",", as_text(text))
    return text.translate(_FOLD)


# Formal (大写) numerals as on invoices: 伍佰万 reads as 五百万.
_FORMAL_NUMERALS = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰仟萬億", "一二三四五六七八九十百千万亿")


def normalize_text(text: object, limit: int = MAX_TURN_CHARS) -> NormalizedText:
    """Clean a user turn: half-width digits, no control characters, single spaces, capped length.

    Args:
        text: anything; bytes are decoded as UTF-8, None gives "".
        limit: the longest text kept.

    Returns:
        ``NormalizedText(text, truncated)``.
    """
    raw = _LINE_BREAK.sub("；", as_text(text).strip())  # pasted lines are separate statements
    clean = _SPACE.sub(" ", _CONTROL.sub("", fold_width(raw))).strip().translate(_FORMAL_NUMERALS)
    clean = _YUAN_SIGN.sub(lambda m: m.group(1) + "元", clean)  # ¥5,000,000 → 5,000,000元
    clean = _RMB_WORD.sub("", clean)  # "拿过人民币500万元": the currency word belongs to the number
    if len(clean) > limit:
        return NormalizedText(clean[:limit], True)
    return NormalizedText(clean, False)


def format_yuan(n: int) -> str:
    """Write yuan the way answers do: 288000 → "28.8万元", 150000000 → "1.5亿元", 12345 → "12345元".

    亿 or 万 is used when the amount is at least one of them and fits in two decimals.
    """
    n = int(n)
    sign, a = ("-" if n < 0 else ""), abs(n)
    for base, name in ((10**8, "亿元"), (10**4, "万元")):
        if a >= base and (a * 100) % base == 0:
            return f"{sign}{(Decimal(a) / base).normalize():f}{name}"
    return f"{sign}{a}元"


def _number_value(m: re.Match) -> tuple[Decimal, str] | None:
    """The number of a match (before its unit) and its written multiplier."""
    if m["ar"]:
        digits = m["ar"].replace(",", "")
        if len(digits) > _MAX_DIGITS:
            return None
        mult = _LATIN.get(m["mult"] or "", m["mult"] or "")
        value = Decimal(digits) * MULTIPLIERS.get(mult, 1)
    else:
        run = m["cn"].rstrip("点")
        colloquial = _CN_NEXT_DOWN.match(run)  # "一亿二" is 1.2亿, "三万五" 3.5万
        if colloquial:
            head, digit = colloquial.groups()
            value = read_numeral(head)
            mult = next(b for b in ("亿", "万") if head.endswith(b))
            if value is None:
                return None
            value += read_numeral(digit) * MULTIPLIERS[_NEXT_DOWN[mult]]
            return (-value if m["neg"] else value), mult
        value = read_numeral(run) if run else None
        if value is None:
            return None
        mult = next((b for b in ("万亿", "亿", "万") if run.endswith(b)), "")
    if m["sub"] and (step := m["submult"] or _NEXT_DOWN.get(mult)):
        value += int(m["sub"]) * MULTIPLIERS[step]  # "2万5千", "2万5" → 25000; "1亿5" → 1.5亿
    tail = _LATIN.get(m["gmult"] or "", m["gmult"]) or _LATIN.get(m["amult"] or "", m["amult"])
    if tail:
        value, mult = value * MULTIPLIERS[tail], tail  # "3个亿", "100多万"
    return (-value if m["neg"] else value), mult


def _unit_kind(unit: re.Match | None) -> tuple[str, str]:
    """(kind, unit text) of the unit match after a number."""
    if unit is None:
        return "", ""
    kind = unit.lastgroup or ""
    if kind == "month":  # the optional inner group of the rate
        kind = "rate_per_m2"
    if kind == "rate_per_m2" and unit["month"]:
        kind = "rate_per_m2_month"
    return kind, unit.group().strip()


def _typed(value: Decimal, kind: str) -> int | float:
    if kind in ("money", "count", "year", "date", "article", "ordinal"):
        return int(value.to_integral_value(rounding=ROUND_HALF_UP))
    if kind in ("area", "percent", "rate_per_m2", "rate_per_m2_month"):
        return float(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _reference_kind(text: str, start: int, end: int, m: re.Match) -> str:
    """"article" for 第N条 / 第（N）条 / （十一）, "ordinal" for other 第N, else ""."""
    before = text[max(0, start - 2):start]
    after = text[end:end + 2]
    if before.endswith(("第", "第（", "第(")):
        return "article" if re.match(r"[）)]?条", after) else "ordinal"
    if before.endswith(("（", "(")) and m["cn"] and after[:1] in ("）", ")"):
        return "article"
    return ""


def _classify(m: re.Match, value: Decimal, mult: str, kind: str, text: str) -> str | None:
    """Final kind of a number, or None when it is not worth reporting."""
    if kind == "years" and (mult.endswith(_BIG) or _is_calendar_year(m, value)):
        kind = "year" if not mult else "money"
    if m["pct"]:
        kind = "percent"
    if kind == "count" and m["cn"] == "一":
        return None  # "一家企业", "一项": grammar, not a count
    if kind:
        return kind
    if mult.endswith(_BIG) or (m["mult"] or "") in ("k", "K"):
        return "money"  # "200万", "80k"
    if m["cn"] and len(m["cn"]) < 2:
        return None  # a lone 一/三 in running text ("一批", "三大类")
    return "number"


def _is_calendar_year(m: re.Match, value: Decimal) -> bool:
    if m["cn"]:
        return read_numeral(m["cn"], by_digit=True) is not None
    return not m["mult"] and len(m["ar"]) == 4 and 1900 <= value <= 2100


def _scan(text: str) -> list[tuple[re.Match, Decimal, str, str, str, int]]:
    """Numbers with their unit match: (match, value, multiplier, kind, unit, end)."""
    found = []
    for m in _NUMBER.finditer(text):
        parsed = _number_value(m)
        if parsed is None and m["cn"]:
            digits = read_numeral(m["cn"], by_digit=True)
            parsed = (digits, "") if digits is not None and text[m.end():m.end() + 1] == "年" else None
        if parsed is None:
            continue
        unit = _UNIT.match(text, m.end())
        kind, unit_text = _unit_kind(unit)
        found.append((m, parsed[0], parsed[1], kind, unit_text, unit.end() if unit else m.end()))
    return found


def _inherit_ranges(text: str, found: list) -> list:
    """'2023-2024年', '10-20万元': the first number takes the unit (and multiplier) of the second."""
    out = list(found)
    for i in range(len(out) - 1, 0, -1):
        m, value, mult, kind, _unit, end = out[i - 1]
        nxt = out[i]
        if kind or not _RANGE.fullmatch(text, end, nxt[0].start()):
            continue
        if not mult and nxt[2] and m["ar"]:
            value, mult = value * MULTIPLIERS[nxt[2]], nxt[2]
        out[i - 1] = (m, value, mult, nxt[3], nxt[4], end)
    return out


def _unit_text(kind: str, unit: str, mult: str, m: re.Match) -> str:
    if m["pct"]:
        return "%"
    if kind == "money" and unit in ("", "年"):
        return mult  # "5000万年营收": the 年 belongs to the next word
    if unit and m["ar"] and mult:
        return mult + unit  # "万元", "万平方米" (a Chinese run keeps 万 in its digits)
    return unit


def number_word(word: str) -> int | None:
    """A small count or number of years written alone ("3", "三", "十一", "两") as an int, else None."""
    if word.isdigit():
        return int(word)
    found = [q.value for q in extract_quantities(word + "年") if q.kind == "years"]
    return int(found[0]) if found else None


def extract_quantities(text: object) -> list[Quantity]:
    """Every number in ``text`` with its kind, unit and span, in order of appearance.

    Never raises: junk, emoji and very long input give what numbers can be read (linear time).

    Args:
        text: a user turn, an article, an answer (full-width characters are read as ASCII).

    Returns:
        The quantities; spans index the text as given.
    """
    original = as_text(text)
    folded = fold_width(original)
    quantities = []
    for m, value, mult, kind, unit, end in _inherit_ranges(folded, _scan(folded)):
        start = m.start()
        final = _reference_kind(folded, start, m.end(), m) or _classify(m, value, mult, kind, folded)
        if final is None:
            continue
        if final in ("article", "ordinal"):
            end, unit = m.end(), ""
        unit = _unit_text(final, unit, mult, m)
        quantities.append(Quantity(_typed(value, final), final, unit, (start, end),
                                   original[start:end], bool(m["approx"] or m["gapprox"])))
    return quantities
