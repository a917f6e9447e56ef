#!/usr/bin/env bash
# Installs the Debian packages folderpers needs, only those that are missing (idempotent).
# Runs as root, or through sudo when available.
set -euo pipefail

packages=(
  fontconfig            # fc-list: the build checks that brand fonts are installed
  fonts-lato            # brand font of the example institution Westerhaven
  fonts-open-sans       # brand font of the example institution Meerzicht
  fonts-noto-core       # Noto Sans (+ Arabic): glyphs for translations
  libpango-1.0-0 libpangoft2-1.0-0   # WeasyPrint's text layout
  libharfbuzz-subset0   # fast font subsetting when writing PDFs
  poppler-utils         # pdftoppm/pdftotext: tests and checks render and read PDFs
  argyll                # colprof: builds the ICC profile of the printing condition (FOGRA39) for print PDFs
  icc-profiles-free     # Fogra's characterisation data (FOGRA39L.ti3, ...; Zlib licence) colprof builds it from
  chromium              # headless browser: axe-core checks of the web pages, browser tests
  python3-venv
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
