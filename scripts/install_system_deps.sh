#!/usr/bin/env bash
# System packages the project needs besides its Python environment (called by `make setup`):
# Debian's chromium, which the browser test of the Dagster UI drives (tests/browser). Quiet when present.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

fail() {
  echo "install_system_deps: $*" >&2
  echo "install_system_deps: the browser test needs Debian's chromium at $CHROMIUM;" \
    "install it with: sudo apt-get install -y --no-install-recommends chromium" >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "$CHROMIUM is missing and there is no apt-get here (not Debian/Ubuntu)."

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "$CHROMIUM is missing, this is not root and there is no sudo."
  # Without a terminal (CI), never wait for a password prompt.
  if [ -t 0 ]; then SUDO=(sudo); else SUDO=(sudo -n); fi
fi

echo "install_system_deps: installing Debian's chromium (for the browser test of the Dagster UI)"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq || fail "apt-get update failed."
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium || fail "apt-get install chromium failed."
[ -x "$CHROMIUM" ] || fail "chromium was installed but $CHROMIUM is not there."
echo "install_system_deps: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed"
