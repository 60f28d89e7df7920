"""Subcommands ``clause`` and ``search`` of ``python -m assistant``.

``clause`` only parses the policy, so it starts fast; ``search`` opens the
index (building it on first use). A query that names an article ("第十一条",
"第3条", "措施十五") puts that article first, as ``ask`` answers with it, and
the retrieval hits follow; a number outside the policy is an error (exit 2). Settings come from
``assistant.settings.Settings.from_env()``, read inside the handlers.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

MODES = ("hybrid", "bm25", "dense")  # kept equal to knowledge.retriever.MODES (not imported: heavy)


def add_commands(subparsers: Any) -> None:
    """Register ``clause`` and ``search`` on an argparse subparsers object."""
    clause = subparsers.add_parser("clause", help="按条号打印一条措施的原文",
                                   description="按条号打印措施原文，例如：clause 11 或 clause 第十一条")
    clause.add_argument("number", help="条号：11、第十一条、（十一）……")
    clause.add_argument("--json", action="store_true", help="输出 JSON")
    clause.set_defaults(handler=run_clause)

    search = subparsers.add_parser("search", help="按问题检索相关条款",
                                   description="为每个问题给出最相关的条款（每条一个结果）")
    search.add_argument("query", nargs="+", metavar="QUERY", help="一个或多个问题")
    search.add_argument("--k", type=int, default=5, help="每个问题返回的条款数（默认 5）")
    search.add_argument("--json", action="store_true", help="每个问题输出一行 JSON")
    search.add_argument("--mode", choices=MODES, default="hybrid", help="检索方式（默认 hybrid）")
    search.set_defaults(handler=run_search)


def _settings() -> Any:
    from assistant.settings import Settings

    return Settings.from_env()


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def _clause_number(raw: str, max_article: int) -> int:
    """"11", "第十一条", "（十一）" -> 11; raises ArticleNotFound or ValueError."""
    from knowledge.errors import ArticleOutOfRange
    from knowledge.lookup import parse_article_ref

    text = raw.strip()
    if text.lstrip("-").isdigit():
        number = int(text)
        if not 1 <= number <= max_article:
            raise ArticleOutOfRange(number, max_article)
        return number
    number = parse_article_ref(text, max_article=max_article)
    if number is None:
        raise ValueError(f"“{raw}”不是条号。请输入1到{max_article}之间的数字，例如：clause 11")
    return number


def run_clause(args: argparse.Namespace) -> int:
    """Print one article as text or JSON."""
    from knowledge.errors import KnowledgeError
    from knowledge.policy import load_policy

    try:
        policy = load_policy(_settings().policy_path)
        article = policy.article(_clause_number(args.number, policy.max_article))
    except (KnowledgeError, ValueError) as exc:
        return _fail(str(exc), 2)
    except OSError as exc:
        return _fail(f"无法读取政策文件：{exc}")
    if args.json:
        print(json.dumps(clause_dict(article), ensure_ascii=False))
    else:
        print(f"{article.label}「{article.title}」（{article.chapter}）\n{article.text}")
    return 0


def clause_dict(article: Any) -> dict[str, Any]:
    """The JSON shape of ``clause --json``."""
    return {"clause": article.number, "chapter": article.chapter, "title": article.title,
            "text": article.text, "sentences": [s.text for s in article.sentences]}


def run_search(args: argparse.Namespace) -> int:
    """Rank articles for each query; ``--json`` prints one line per query."""
    from knowledge.errors import ArticleOutOfRange, KnowledgeError
    from knowledge.policy import load_policy
    from knowledge.retriever import build_retriever

    if args.k < 1:
        return _fail("--k 必须是正整数。", 2)
    settings = _settings()
    try:
        policy = load_policy(settings.policy_path)
        retriever = build_retriever(policy, settings.embedding, settings.data_dir,
                                    settings.chroma_host, settings.chroma_port)
    except KnowledgeError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"无法读取政策文件：{exc}")
    status = 0
    try:
        for query in args.query:
            try:
                hits = ranked_hits(policy, retriever, query, args.k, args.mode)
            except ArticleOutOfRange as exc:
                print(f"{query}：{exc}", file=sys.stderr)
                status, hits = 2, []
            print(_format_json(query, hits) if args.json else _format_text(query, hits))
    finally:
        retriever.close()
    return status


def ranked_hits(policy: Any, retriever: Any, query: str, k: int, mode: str) -> list[Any]:
    """The article ``query`` names (score 1.0), then the retrieval hits; ``k`` in all.

    Raises:
        ArticleOutOfRange: the query names an article the policy does not have.
    """
    from knowledge.lookup import parse_article_ref
    from knowledge.retriever import Hit

    number = parse_article_ref(query, max_article=policy.max_article)
    hits = retriever.search(query, k=k, mode=mode)
    if number is None:
        return hits
    article = policy.article(number)
    first = article.sentences[0] if article.sentences else None
    named = Hit(clause=number, title=article.title, score=1.0, snippet=first.text if first else article.text,
                sentence_id=first.id if first else f"{number}.0")
    return [named, *(h for h in hits if h.clause != number)][:k]


def _format_json(query: str, hits: list[Any]) -> str:
    return json.dumps({"query": query, "results": [h.to_dict() for h in hits]}, ensure_ascii=False)


def _format_text(query: str, hits: list[Any]) -> str:
    from knowledge.numerals import article_label

    lines = [f"问：{query}"]
    for rank, hit in enumerate(hits, start=1):
        lines.append(f"{rank}. {article_label(hit.clause)}「{hit.title}」 {hit.score:.2f}\n   [{hit.sentence_id}] {hit.snippet}")
    if not hits:
        lines.append("（没有找到相关条款）")
    return "\n".join(lines)
