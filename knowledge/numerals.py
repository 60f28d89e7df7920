"""Chinese numerals: the one reader ("十一", "三千五百万", "一点五亿", "二〇二三") and the one writer.

``read_numeral`` reads every numeral the project meets: article and chapter numbers of the
policy, article references in a question (``knowledge.lookup``), and the numbers of a user's
turn (``assistant.quantities``, which adds the colloquial forms "一亿二", "3个亿" around it).
``int_to_chinese`` writes a number the way the policy numbers its articles and chapters, and
``article_label`` writes an article's citation label with it.

The forms ``int_to_chinese`` writes (0..999) are read back as its inverse; anything else goes
through ``cn2an`` (imported on first need), with its quirks guarded here: a lone multiplier
("百", "千万") is a multiplier of what stands before it, a string of digits ("两两", "一二") is
no number, and a calendar year written digit by digit ("二〇二三") is read only when asked for.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)
MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "十万": 10**5, "百万": 10**6,
               "千万": 10**7, "亿": 10**8, "万亿": 10**12}
"""The value of each multiplier word, as it follows a number ("5万", "三千万", "1.5亿")."""

_NAMES = "零一二三四五六七八九"
_MAX_LENGTH = 20  # a longer run of numeral characters is junk, not a number


def int_to_chinese(number: int) -> str:
    """Write 0..999 the way article labels do: 11 -> "十一", 20 -> "二十", 105 -> "一百零五"."""
    if not 0 <= number < 1000:
        raise ValueError(f"out of range: {number}")
    if number < 10:
        return _NAMES[number]
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    out = f"{_NAMES[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _NAMES[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (_NAMES[ones] if ones else "")


def article_label(number: int) -> str:
    """The citation label of an article: 11 -> "第（十一）条"; 0 (the preamble) -> "序言"."""
    return "序言" if number == 0 else f"第（{int_to_chinese(number)}）条"


_WRITTEN = {int_to_chinese(n): n for n in range(1000)}


def read_numeral(text: str, by_digit: bool = False) -> Decimal | None:
    """The value of a numeral, or None when ``text`` is none.

    Args:
        text: ASCII digits ("11"), or a Chinese numeral: "十一", "一百零五", "两百", "三千五百万",
            "一点五亿", "五千万亿".
        by_digit: read a calendar year written digit by digit instead ("二〇二三" -> 2023; only
            four digits, nothing else).
    """
    if by_digit:
        if len(text) == 4 and all(ch in _NAMES + "〇两" for ch in text):
            return Decimal("".join(str(DIGITS[ch]) for ch in text))
        return None
    if text.isdecimal():
        return Decimal(int(text))
    if text in _WRITTEN:
        return Decimal(_WRITTEN[text])
    return _read_chinese(text)


@lru_cache(maxsize=4096)
def _read_chinese(run: str) -> Decimal | None:
    """A Chinese numeral through cn2an: whole, or a number and the multiplier word that ends it."""
    if not run or len(run) > _MAX_LENGTH or run.endswith("点"):
        return None
    if len(run) > 1 and all(ch in DIGITS for ch in run):
        return None  # "两两", "一二三": a string of digits is only a year (``by_digit``)
    import cn2an  # slow to import: only turns with such numbers need it

    for cut in (0, 2, 1):
        head, tail = (run[:-cut], run[-cut:]) if cut else (run, "")
        if cut and tail not in MULTIPLIERS or not head:
            continue
        try:
            value = Decimal(str(cn2an.cn2an(head, "normal")))
        except (ValueError, KeyError, IndexError, TypeError, InvalidOperation):
            continue
        return value * MULTIPLIERS.get(tail, 1)
    return None


def chinese_to_int(text: str) -> int:
    """Convert an article or chapter number ("十一", "二十", "一百零五", or ASCII "11") to an int.

    Raises:
        ValueError: ``text`` is no whole number.
    """
    value = read_numeral(text)
    if value is None or value != value.to_integral_value():
        raise ValueError(f"not a Chinese numeral: {text!r}")
    return int(value)
