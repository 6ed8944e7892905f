#!/usr/bin/env bash
# Installs the runtime and starts the app; the first start indexes the bundled corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec python3 -m streamlit run app.py --server.headless true --browser.gatherUsageStats false "$@"
