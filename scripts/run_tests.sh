#!/usr/bin/env bash
# The test command of the README: installs everything on a bare machine, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
exec python3 -m pytest "$@"
