#!/usr/bin/env bash
# Debian packages Peili needs beyond Python: Pango and HarfBuzz for WeasyPrint (PDF transcripts) and
# the Noto CJK fonts embedded in those PDFs (see ../shared/RECIPES.md, "PDF in Traditional Chinese").
# Quiet and quick when they are installed; loud and non-zero when the install fails.
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure_system_packages: missing ${missing[*]} and this is not a Debian system: install them by hand." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "ensure_system_packages: missing ${missing[*]}, and installing needs root (no sudo here)." >&2
  exit 1
fi

echo "ensure_system_packages: installing ${missing[*]} from Debian's packages..." >&2
if ! "${SUDO[@]}" apt-get update -qq >/dev/null \
  || ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       "${missing[@]}" >/dev/null; then
  echo "ensure_system_packages: apt-get failed to install ${missing[*]} (run it by hand to see why)." >&2
  exit 1
fi
