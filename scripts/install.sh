#!/usr/bin/env bash
# Installs the project into its own virtualenv (.venv), never into the system interpreter.
#   scripts/install.sh        runtime only (the app and the CLI)
#   scripts/install.sh --dev  plus test tools, and Debian's Chromium and a CJK font for the browser tests
# A second run with unchanged requirements*.txt installs nothing (hash stamp in .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=.venv
TORCH="torch==2.13.0"
TORCH_CPU_INDEX=${TORCH_CPU_INDEX:-https://download.pytorch.org/whl/cpu}

need_debian_packages() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  { fc-list 2>/dev/null || true; } | grep -qi "wenquanyi" || missing+=(fonts-wqy-zenhei)
  # The server tests start a throw-away PostgreSQL cluster (initdb, pg_ctl) and nginx on loopback.
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || missing+=(nginx)
  echo "${missing[@]:-}"
}

if [ "${1:-}" = "--dev" ]; then
  missing=$(need_debian_packages)
  if [ -n "$missing" ]; then
    echo "安装测试所需的 Debian 软件包（需要 root 或 sudo）：$missing" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
  fi
  requirements=requirements-dev.txt
else
  requirements=requirements.txt
fi

if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -c "import venv, ensurepip" >/dev/null 2>&1; then
    echo "错误：$PYTHON 缺少 venv 模块。Debian/Ubuntu 上请先运行：sudo apt-get install python3-venv" >&2
    exit 1
  fi
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)

stamp=$(cat requirements.txt "$requirements" | sha256sum | cut -c1-16)-$("$VENV/bin/python" -V 2>&1 | tr -d ' ')
if [ -f "$VENV/.installed" ] && grep -qx "$stamp" "$VENV/.installed"; then
  exit 0
fi
# torch first, alone, from PyTorch's CPU index: through other packages it would pull the multi-GB CUDA build.
# Where that index is unreachable, plain torch==2.13.0 (a local CPU wheel, or a mirror) is the fallback.
if ! "${PIP[@]}" install --quiet --timeout 10 --retries 0 --index-url "$TORCH_CPU_INDEX" "$TORCH" 2>/dev/null; then
  "${PIP[@]}" install --quiet "$TORCH"
fi
"${PIP[@]}" install --quiet -r "$requirements"
echo "$stamp" >> "$VENV/.installed"
