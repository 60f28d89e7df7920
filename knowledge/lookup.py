"""Direct article references in the user's words: "第十一条", "（十一）", "第11项", "措施十一".

Only forms that name an article count. Amounts and durations ("11万元",
"十一个月", "一条龙", "这20条措施") are not references.
"""

from __future__ import annotations

import re
import unicodedata

from knowledge.errors import ArticleOutOfRange
from knowledge.numerals import chinese_to_int

__all__ = ["ArticleOutOfRange", "parse_article_ref"]

DEFAULT_MAX_ARTICLE = 20  # the Guangming measures; pass policy.max_article for another policy

_NUM = r"(\d{1,3}|[零〇一二两三四五六七八九十百]{1,5})"
_CN_NUM = r"([零〇一二三四五六七八九十百]{1,5})"
# Words after "N条" that make it a count ("三条措施") rather than a reference.
_COUNT_AFTER = r"(?!措施|政策|规定|意见|内容|件|例|龙|款|路|街|线|道|鱼)"
_NOT_DIGIT_BEFORE = r"(?<![\d零〇一二两三四五六七八九十百第几每多])"

_PATTERNS = (
    # Article 11 / article 11 (English)
    re.compile(r"(?i:article|art\.)\s*(\d{1,3})(?!\d)"),
    # 第十一条 / 第（十一）条 / 第11条 / 第11项 / 第十一项 / 第11款
    re.compile(rf"第\s*\(?\s*{_NUM}\s*\)?\s*[条项款](?!件|例)"),
    # 措施十一 / 条款11 / 政策第十一 (a noun followed by a number)
    # ...only where the number ends the reference ("政策一起享受", "措施一览" are not references)
    re.compile(rf"(?:措施|条款|政策)\s*第?\s*{_NUM}(?![\d万千亿元个年月日天%平米条项])"
               r"(?=$|[\s，。？！?!,.、：:；;的讲说是规内呢吗有怎具中里条项])"),
    # （十一） standalone, as in the policy's own numbering
    re.compile(rf"(?<![A-Za-z0-9_])\(\s*{_CN_NUM}\s*\)"),
    # (11) with one or two digits
    re.compile(r"(?<![A-Za-z0-9_])\(\s*(\d{1,2})\s*\)"),  # not "alert(1)"
    # 11条 / 十一条 without 第, not a count ("三条措施", "一条龙")
    re.compile(rf"{_NOT_DIGIT_BEFORE}(\d{{1,3}}|[十二三四五六七八九][零一二三四五六七八九十]{{0,3}})\s*条{_COUNT_AFTER}"),
)


def parse_article_ref(text: str, max_article: int = DEFAULT_MAX_ARTICLE) -> int | None:
    """Find a reference to an article in ``text``.

    Args:
        text: The user's words, e.g. "第（十一）条怎么申请".
        max_article: The highest article number of the policy.

    Returns:
        The article number, or None when the text names no article.

    Raises:
        ArticleOutOfRange: the text names an article outside 1..max_article
            (its str() is a Chinese message for the user).
    """
    normalized = unicodedata.normalize("NFKC", text)
    for pattern in _PATTERNS:
        match = pattern.search(normalized)
        if match:
            try:
                number = chinese_to_int(match.group(1))
            except ValueError:  # "四七条": the characters of numerals, but no number
                continue
            if not 1 <= number <= max_article:
                raise ArticleOutOfRange(number, max_article)
            return number
    return None
