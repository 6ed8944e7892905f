#!/usr/bin/env bash
# Installs what the project needs on a bare Debian machine with Python 3.11.
#   scripts/install.sh        runtime only (the app and the CLI)
#   scripts/install.sh --dev  plus test tools, Debian's Chromium and a CJK font for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if [ "${1:-}" = "--dev" ]; then
  if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wenquanyi"; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium fonts-wqy-zenhei
  fi
  requirements=requirements-dev.txt
else
  requirements=requirements.txt
fi
# torch first, alone: the CPU build. Installed through other packages it would pull the CUDA build.
"$PYTHON" -m pip install "torch==2.13.0"
"$PYTHON" -m pip install -r "$requirements"
