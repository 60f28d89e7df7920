"""Chinese numerals as used in article and chapter numbers ("十一", "二十", "一百零五")."""

from __future__ import annotations

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)


def chinese_to_int(text: str) -> int:
    """Convert a Chinese numeral below 10000 (or ASCII digits) to an int.

    Args:
        text: "十一", "二十", "一百零五", "11".

    Returns:
        The value, e.g. 11.

    Raises:
        ValueError: ``text`` is not a numeral.
    """
    if text.isdigit():
        return int(text)
    if not text or any(ch not in DIGITS and ch not in UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
            continue
        total += (1 if digit is None else digit) * UNITS[ch]
        digit = None
    return total + (digit or 0)


def int_to_chinese(number: int) -> str:
    """Write 0..999 the way article labels do: 11 -> "十一", 20 -> "二十", 105 -> "一百零五"."""
    if not 0 <= number < 1000:
        raise ValueError(f"out of range: {number}")
    names = "零一二三四五六七八九"
    if number < 10:
        return names[number]
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    out = f"{names[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else names[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (names[ones] if ones else "")
