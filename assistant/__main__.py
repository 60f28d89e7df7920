"""Single command-line entry point: ``python -m assistant SUBCOMMAND ...``.

Each package registers its own subcommands (``add_commands(subparsers)``),
so this file only wires them together and keeps start-up fast: heavy
modules are imported inside the command handlers, not here.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

from knowledge.errors import KnowledgeError
from rules.errors import RulesError

# Modules that contribute subcommands, in help order. A module that is not
# there yet is skipped, so the CLI keeps working while packages grow.
COMMAND_MODULES = ("knowledge.cli", "rules.cli", "assistant.cli", "assistant.audit")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant",
        description="光明区人工智能和软件信息产业若干措施 问答助手",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except (KnowledgeError, RulesError) as exc:  # set-up problems with a message meant for the user
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
