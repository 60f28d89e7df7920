"""The policy text parsed into title, preamble, chapters, articles and sentences.

The source is a Word export laid out like this (one paragraph a line)::

    光明区关于推动人工智能和软件信息产业        <- title, may wrap over lines
    高质量发展的若干措施
    （征求意见稿）                              <- status (optional)
    为深入贯彻落实……制定本措施。                <- preamble (article 0)
    一、构建人工智能产业生态                    <- chapter heading
    （一）支持关键核心技术攻关。支持企业……      <- article: number, title sentence, body
    ……

Any policy written in this shape parses; nothing here knows this policy's
titles or counts. ``clean_text`` drops conversion artifacts such as
``[bookmark: _GoBack]`` but keeps what the draft really says (``****年*月*日``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from knowledge.errors import ArticleNotFound, PolicyFormatError, SentenceNotFound
from knowledge.numerals import (
    NUMERAL_CHARS,
    article_label,
    chinese_to_int,
    int_to_chinese,
)

# Bump when parsing or sentence splitting changes: it is part of the index fingerprint.
PARSER_VERSION = "1"
DEFAULT_POLICY_PATH = Path(__file__).resolve().parent / "data" / "guangming-ai-software-measures.txt"

_ARTIFACT = re.compile(r"\[(?:bookmark|image|comment)\s*:[^\]\n]*\]", re.IGNORECASE)
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))
_CHAPTER = re.compile(rf"^([{NUMERAL_CHARS}]+)、(\S.{{0,40}})$")
_ARTICLE = re.compile(rf"^[（(]([{NUMERAL_CHARS}]+)[）)](.+)$")
_STATUS = re.compile(r"^[（(]([^（）()]{1,16})[）)]$")
_ENDERS = "。；！？"
_OPENERS, _CLOSERS = "“‘《（(「『【", "”’》）)」』】"


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article body; ``id`` is "<article>.<n>", n counted from 1."""

    id: str
    article: int
    text: str


@dataclass(frozen=True)
class Article:
    """One numbered article (or the preamble, number 0) with its verbatim text."""

    number: int
    title: str
    chapter: str
    text: str
    sentences: tuple[Sentence, ...]
    label: str


@dataclass(frozen=True)
class Chapter:
    """A chapter heading ("三、拓展产业发展空间") and the numbers of its articles."""

    number: int
    title: str
    heading: str
    articles: tuple[int, ...]


@dataclass(frozen=True)
class Policy:
    """A parsed policy; ``articles`` holds 1..N, the preamble is separate."""

    title: str
    status: str
    preamble: Article
    chapters: tuple[Chapter, ...]
    articles: dict[int, Article]
    text_hash: str

    @property
    def max_article(self) -> int:
        """The highest article number (20 for the Guangming measures)."""
        return max(self.articles)

    def article(self, number: int) -> Article:
        """Return article ``number``; 0 gives the preamble.

        Raises:
            ArticleNotFound: no such article (its str() is a Chinese user message).
        """
        if number == 0:
            return self.preamble
        try:
            return self.articles[number]
        except KeyError:
            raise ArticleNotFound(number, self.max_article) from None

    def sentence(self, sid: str) -> Sentence:
        """Return the sentence with id ``sid`` ("11.3").

        Raises:
            SentenceNotFound: the id is malformed or names no sentence.
        """
        number, _, index = sid.partition(".")
        if not (number.isdigit() and index.isdigit()):
            raise SentenceNotFound(sid)
        try:
            sentences = self.article(int(number)).sentences
        except ArticleNotFound:
            raise SentenceNotFound(sid) from None
        if not 1 <= int(index) <= len(sentences):
            raise SentenceNotFound(sid)
        return sentences[int(index) - 1]

    def all_articles(self, include_preamble: bool = False) -> list[Article]:
        """The articles in order, optionally preceded by the preamble."""
        ordered = [self.articles[n] for n in sorted(self.articles)]
        return [self.preamble, *ordered] if include_preamble else ordered


def clean_text(raw: str) -> str:
    """Strip Word conversion artifacts and blank lines; keep the words as written.

    Removes ``[bookmark: …]``-style markers, byte-order marks and zero-width
    characters, indentation and trailing spaces. Placeholders the draft really
    contains, such as ``****年*月*日``, stay.
    """
    text = unicodedata.normalize("NFC", raw).translate(_INVISIBLE)
    text = _ARTIFACT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (line.strip(" \t\u3000\u00a0") for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def split_sentences(text: str) -> list[str]:
    """Split at 。；！？ and line breaks, never inside quotes or brackets.

    Each sentence keeps its closing mark; text without one ends a sentence too.
    """
    sentences, current, depth = [], [], 0
    for ch in text:
        if ch == "\n":
            depth = 0
            _flush(current, sentences)
            continue
        current.append(ch)
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        elif ch in _ENDERS and depth == 0:
            _flush(current, sentences)
    _flush(current, sentences)
    return sentences


def _flush(current: list[str], sentences: list[str]) -> None:
    piece = "".join(current).strip()
    if piece:
        sentences.append(piece)
    current.clear()


def parse_policy(text: str) -> Policy:
    """Parse a policy of the shape described in the module docstring.

    Args:
        text: The raw or cleaned policy text.

    Returns:
        The parsed policy; ``text_hash`` is the sha256 of the cleaned text.

    Raises:
        PolicyFormatError: no chapters, no articles, or articles out of sequence.
    """
    cleaned = clean_text(text)
    lines = cleaned.split("\n")
    title, status, start = _parse_header(lines)
    preamble_lines, chapters = _split_sections(lines[start:])
    if not chapters:
        raise PolicyFormatError("没有找到章标题（形如“一、……”），无法解析政策结构。")
    articles = _build_articles(chapters)
    preamble_text = "\n".join(preamble_lines)
    preamble = Article(0, "", "", preamble_text, _sentences(0, preamble_text), article_label(0))
    chapter_objs = tuple(
        Chapter(number, ch_title, f"{int_to_chinese(number)}、{ch_title}", tuple(nums))
        for number, ch_title, nums in _chapter_index(chapters)
    )
    return Policy(title, status, preamble, chapter_objs, articles,
                  hashlib.sha256(cleaned.encode("utf-8")).hexdigest())


def _parse_header(lines: list[str]) -> tuple[str, str, int]:
    """Return (title, status, index of the first line after the header)."""
    for i, line in enumerate(lines[:6]):
        match = _STATUS.match(line)
        if match and i > 0 and not _is_numeral(match.group(1)):
            return "".join(lines[:i]), match.group(1), i + 1
    if not lines:
        raise PolicyFormatError("政策文本为空。")
    return lines[0], "", 1


def _is_numeral(text: str) -> bool:
    return all(ch in NUMERAL_CHARS for ch in text)


def _split_sections(lines: list[str]) -> tuple[list[str], list[tuple[str, list[list[str]]]]]:
    """Group lines into the preamble and chapters; each chapter is a list of articles' lines."""
    preamble: list[str] = []
    chapters: list[tuple[str, list[list[str]]]] = []
    for line in lines:
        if _CHAPTER.match(line) and not line.endswith(tuple(_ENDERS)):
            chapters.append((line, []))
        elif _ARTICLE.match(line):
            if not chapters:
                raise PolicyFormatError(f"条款出现在第一个章标题之前：{line[:20]}…")
            chapters[-1][1].append([line])
        elif chapters and chapters[-1][1]:
            chapters[-1][1][-1].append(line)  # a further paragraph of the same article
        elif chapters:
            raise PolicyFormatError(f"章标题后应紧跟条款，却是：{line[:20]}…")
        else:
            preamble.append(line)
    return preamble, chapters


def _chapter_index(chapters: list[tuple[str, list[list[str]]]]) -> list[tuple[int, str, list[int]]]:
    out = []
    for expected, (heading, blocks) in enumerate(chapters, start=1):
        numeral, ch_title = _CHAPTER.match(heading).groups()
        if _number(numeral) != expected:
            raise PolicyFormatError(f"章序号不连续：期望第{expected}章，实际为“{heading}”。")
        numbers = [_number(_ARTICLE.match(block[0]).group(1)) for block in blocks]
        out.append((expected, ch_title, numbers))
    return out


def _build_articles(chapters: list[tuple[str, list[list[str]]]]) -> dict[int, Article]:
    articles: dict[int, Article] = {}
    for heading, blocks in chapters:
        for block in blocks:
            article = _parse_article(block, heading)
            if article.number != len(articles) + 1:
                raise PolicyFormatError(
                    f"条款序号不连续：期望第{len(articles) + 1}条，实际为{article.label}。"
                )
            articles[article.number] = article
    if not articles:
        raise PolicyFormatError("没有找到条款（形如“（一）……”）。")
    return articles


def _parse_article(block: list[str], chapter: str) -> Article:
    """Build one article from its paragraphs; the first sentence is its short title."""
    numeral, rest = _ARTICLE.match(block[0]).groups()
    number = _number(numeral)
    head = (split_sentences(rest) or [rest])[0]
    title = head.rstrip(_ENDERS + "：:")
    body_text = "\n".join([rest[len(head):].strip(), *block[1:]]).strip()
    text = "\n".join(block)
    return Article(number, title, chapter, text, _sentences(number, body_text), article_label(number))


def _number(numeral: str) -> int:
    """A chapter's or article's number; a numeral that reads as none is a format error."""
    try:
        return chinese_to_int(numeral)
    except ValueError:
        raise PolicyFormatError(f"无法识别的序号：“{numeral}”。") from None


def _sentences(number: int, body: str) -> tuple[Sentence, ...]:
    return tuple(
        Sentence(f"{number}.{i}", number, s) for i, s in enumerate(split_sentences(body), start=1)
    )


def load_policy(path: Path | None = None) -> Policy:
    """Read and parse a policy file (UTF-8); default: the bundled Guangming measures."""
    path = Path(path) if path else DEFAULT_POLICY_PATH
    return parse_policy(path.read_text(encoding="utf-8-sig"))
