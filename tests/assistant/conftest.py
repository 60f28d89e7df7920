"""One assistant on bigram BM25 retrieval for the assistant tests that need whole turns."""

from __future__ import annotations

import pytest

from assistant.service import build_assistant
from assistant.settings import Settings


@pytest.fixture(scope="session")
def asst(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    return build_assistant(Settings(data_dir=data, audit_db=data / "audit.sqlite3"), retrieval_mode="bm25")


def ask(asst, *turns) -> list[dict]:
    """Every reply of one conversation, as JSON objects."""
    session = asst.new_session()
    return [asst.respond(session, t).to_dict() for t in turns]
