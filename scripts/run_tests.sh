#!/usr/bin/env bash
# The test command of the README: installs into .venv (and, once, Debian's chromium, fonts-wqy-zenhei,
# postgresql and nginx: those need root or sudo), then runs the whole suite in the same .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
exec .venv/bin/python -m pytest "$@"
