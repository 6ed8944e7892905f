#!/usr/bin/env bash
# Installs into .venv once (skipped while requirements*.txt are unchanged), then loads the model and the
# library (indexing corpus/ on the first start) and serves the app: http://localhost:8501/ by default.
# Change the port or address with SHUXIANG_PORT / SHUXIANG_HOST, or pass --port P --host H.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/python -m ui.serve "$@"
