# Shared by bin/demo and bin/test: find or install uv, then install the locked dependencies.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export UV_PYTHON_DOWNLOADS=never   # use the machine's Python 3.11, never download one
export UV_LINK_MODE=copy
export PATH="$HOME/.local/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  # Install Debian packages that are missing (dpkg -s is quiet and fast when they are there).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

ensure_uv() {
  if command -v uv >/dev/null 2>&1; then return; fi
  log "Installing uv (the locked-dependency installer)"
  if ! python3 -m pip --version >/dev/null 2>&1; then
    apt_install python3-pip python3-venv
  fi
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet uv 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages uv
  command -v uv >/dev/null 2>&1 || { echo "uv could not be installed" >&2; exit 1; }
}

sync_deps() {
  ensure_uv
  log "Installing Python dependencies from uv.lock"
  (cd "$ROOT" && uv sync --frozen --python python3.11 --quiet "$@")
}
