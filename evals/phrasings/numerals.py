"""Surface forms of numbers: digits, 万/亿, w, Chinese numerals, full-width, separators.

Written for the phrasing generator only, apart from the assistant's own number
reader, so that the two can disagree. Every renderer returns the text and a
form tag (``num:wan``, ``num:chinese`` …) so that a case records how its
numbers were written.
"""

from __future__ import annotations

import random
from decimal import Decimal

_DIGITS = "零一二三四五六七八九"
_SMALL_UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
_FULLWIDTH = str.maketrans("0123456789.%,", "０１２３４５６７８９．％，")
WAN = 10_000
YI = 100_000_000
# 万 is how most people write money; the other forms are drawn less often.
MONEY_WEIGHTS = {"num:wan": 4, "num:yi": 2}


def chinese_int(n: int, liang: bool = False) -> str:
    """Chinese numeral of a non-negative integer below 10^12.

    Args:
        n: the number (1200 → "一千二百", 12 → "十二", 150000000 → "一亿五千万").
        liang: write a leading 2 before 百/千/万/亿 as 两 (两千万, 两百).

    Raises:
        ValueError: ``n`` is negative or too large.
    """
    if n < 0 or n >= 10**12:
        raise ValueError(f"cannot write {n} in Chinese numerals here")
    if n == 0:
        return "零"
    yi, rest = divmod(n, YI)
    out, pending_zero = "", False
    for section, unit in ((yi, "亿"), (rest // WAN, "万"), (rest % WAN, "")):
        if section == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or section < 1000):
            out += "零"
        out += _section(section) + unit
        pending_zero = False
    if out.startswith("一十"):
        out = out[1:]
    if liang and len(out) > 1 and out[0] == "二" and out[1] in "百千万亿":
        out = "两" + out[1:]
    return out


def _section(n: int) -> str:
    """Chinese numeral of 1..9999 (no leading 零)."""
    out, zero = "", False
    for size, unit in _SMALL_UNITS:
        digit = n // size % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + unit
    return out


def chinese_decimal(value: Decimal) -> str:
    """Chinese numeral of a non-negative decimal: 3.5 → "三点五", 12 → "十二"."""
    text = format(value.normalize(), "f")
    whole, _, frac = text.partition(".")
    head = chinese_int(int(whole))
    return head + ("点" + "".join(_DIGITS[int(d)] for d in frac) if frac else "")


def sig_digits(value: int | Decimal) -> int:
    """Significant digits of a number: 1200 → 2, 42 → 2, 3.45 → 3 (people write 八百, not 七千一百五十二)."""
    digits = format(Decimal(str(value)).normalize(), "f").replace(".", "").strip("0")
    return len(digits)


def fullwidth(text: str) -> str:
    """Digits, point, percent and comma as full-width characters (８００, ３．５％)."""
    return text.translate(_FULLWIDTH)


def plain(value: Decimal | float) -> str:
    """A number without trailing zeros: 3.50 → "3.5", 12.0 → "12"."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def money(yuan: int, rng: random.Random) -> tuple[str, str]:
    """One written form of an amount of money, chosen at random among those that fit.

    Args:
        yuan: the amount (integer yuan).
        rng: the random source.

    Returns:
        (text, form tag), e.g. ("120万", "num:wan"), ("一千二百万元", "num:chinese").
    """
    forms = money_forms(yuan)
    tags = sorted(forms)
    weights = dict(MONEY_WEIGHTS, **({"num:wan": 1, "num:yi": 4} if yuan >= YI else {}))
    tag = rng.choices(tags, [weights.get(t, 1) for t in tags])[0]
    return rng.choice(forms[tag]), tag


def money_forms(yuan: int) -> dict[str, list[str]]:
    """Every written form of ``yuan`` by tag (only forms that write it exactly)."""
    forms: dict[str, list[str]] = {"num:digits": [f"{yuan}元"]}
    if yuan >= WAN:
        forms["num:commas"] = [f"{yuan:,}元"]
    if yuan >= WAN and yuan % 100 == 0:
        wan = plain(Decimal(yuan) / WAN)
        forms["num:wan"] = [f"{wan}万", f"{wan}万元"]
        forms["num:fullwidth"] = [fullwidth(f"{wan}万"), fullwidth(f"{wan}万元")]
        forms["num:yen"] = [f"¥{wan}万", f"人民币{wan}万元"]
    else:
        forms["num:fullwidth"] = [fullwidth(f"{yuan}元")]
        forms["num:yen"] = [f"¥{yuan:,}"]
    if yuan >= YI and yuan % 1_000_000 == 0:
        yi = plain(Decimal(yuan) / YI)
        forms["num:yi"] = [f"{yi}亿", f"{yi}亿元"]
    if WAN <= yuan < YI and yuan % WAN == 0:
        forms["num:w"] = [f"{yuan // WAN}w", f"{yuan // WAN}W"]
    if sig_digits(yuan) <= 3 and (yuan % WAN == 0 or yuan < WAN):  # 三千万, 一千二百万, 八百元
        words = chinese_int(yuan, liang=True)
        forms["num:chinese"] = [words + "元"] if yuan < WAN else [words, words + "元"]
    return forms


def number(value: int | Decimal, rng: random.Random, chinese: bool = True,
           wan: bool = False) -> tuple[str, str]:
    """A bare number (no unit) in one written form: digits, separators, Chinese, full-width, 万.

    Args:
        value: the number (an integer, or a decimal for percents and prices).
        rng: the random source.
        chinese: allow Chinese numerals.
        wan: allow 万 (1.2万) for whole hundreds of at least 10000.
    """
    value = Decimal(str(value))
    digits = plain(value)
    forms = {"num:digits": digits, "num:fullwidth": fullwidth(digits)}
    if value == value.to_integral_value() and value >= 1000:
        forms["num:commas"] = f"{int(value):,}"
    if chinese and value >= 0 and sig_digits(value) <= 3:
        forms["num:chinese"] = (chinese_int(int(value), liang=True)
                                if value == value.to_integral_value() else chinese_decimal(value))
    if wan and value >= WAN and value % 100 == 0:
        forms["num:wan"] = plain(value / WAN) + "万"
    tag = rng.choice(sorted(forms))
    return forms[tag], tag


def percent(value: Decimal, rng: random.Random) -> tuple[str, str]:
    """A non-negative percentage: "3.5%", "百分之三点五", "３．５％"."""
    digits = plain(value)
    forms = {"num:digits": f"{digits}%", "num:fullwidth": fullwidth(f"{digits}%"),
             "num:chinese": "百分之" + chinese_decimal(value)}
    tag = rng.choice(sorted(forms))
    return forms[tag], tag
