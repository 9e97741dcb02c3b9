#!/usr/bin/env bash
# Make sure Debian's Chromium (and CJK fonts, so Chinese renders) are installed for the browser tests.
# Quiet and quick when they already are; loud and non-zero when the install fails.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
FONT_PACKAGE=fonts-noto-cjk

have_fonts() { dpkg-query -W -f='${Status}' "$FONT_PACKAGE" 2>/dev/null | grep -q "install ok installed"; }

if [ -x "$CHROMIUM" ] && have_fonts; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "ensure_browser: $CHROMIUM or $FONT_PACKAGE is missing, and installing needs root (no sudo here)." >&2
  exit 1
fi

echo "ensure_browser: installing chromium and $FONT_PACKAGE from Debian's packages..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get update -qq >/dev/null \
  || ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       chromium "$FONT_PACKAGE" >/dev/null; then
  echo "ensure_browser: apt-get failed to install chromium $FONT_PACKAGE (run it by hand to see why)." >&2
  exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
  echo "ensure_browser: chromium was installed but $CHROMIUM is still missing." >&2
  exit 1
fi
"$CHROMIUM" --version >&2
