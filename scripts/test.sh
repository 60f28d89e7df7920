#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run them all:
# unit tests, the browser test (Debian's chromium), the benchmark smoke and the evals with thresholds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# Debian's chromium for the browser test (and a CJK font so screenshots are legible).
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wqy\|noto.*cjk"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
      || echo "test: could not install chromium; the browser test will be skipped" >&2
  fi
fi
export OMP_NUM_THREADS=1 GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1
export ASSISTANT_DATA_DIR=${ASSISTANT_DATA_DIR:-$PWD/.data/test}
.venv/bin/python -m pytest -q "$@"
# The benchmark on a sample: it prints its figures (no timing assertion), so it cannot rot unnoticed.
.venv/bin/python -m evals.bench --smoke
if [ -f evals/__main__.py ]; then
  .venv/bin/python -m evals --check
fi
