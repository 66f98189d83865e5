#!/usr/bin/env bash
# System packages the project needs besides its Python environment (called by `make setup`), quiet when present:
# - Debian's chromium, which the browser tests drive (tests/browser, the dashboards' tests);
# - a Java runtime (17), which pyspark needs for the dbt project's Spark target (tests/spark).
set -euo pipefail

CHROMIUM=/usr/bin/chromium
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

fail() {
  echo "install_system_deps: $*" >&2
  echo "install_system_deps: install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "${missing[*]} missing and there is no apt-get here (not Debian/Ubuntu)."

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "${missing[*]} missing, this is not root and there is no sudo."
  # Without a terminal (CI), never wait for a password prompt.
  if [ -t 0 ]; then SUDO=(sudo); else SUDO=(sudo -n); fi
fi

echo "install_system_deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq || fail "apt-get update failed."
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" || fail "apt-get install failed."
[ -x "$CHROMIUM" ] || fail "chromium was installed but $CHROMIUM is not there."
command -v java >/dev/null 2>&1 || fail "the Java runtime was installed but java is not on PATH."
echo "install_system_deps: $("$CHROMIUM" --version 2>/dev/null || echo chromium), $(java -version 2>&1 | head -1)"
