#!/usr/bin/env bash
# Installs what the project needs and is missing: system packages (WeasyPrint's
# libraries, a CJK font, poppler-utils for the tests) and the virtual
# environment. Idempotent: a second run does no install work and prints nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0   # WeasyPrint's text layout
  libharfbuzz-subset0                # fast font subsetting (10-40x faster PDFs)
  fonts-wqy-microhei                 # a small CJK font that renders every character
  poppler-utils                      # pdftotext/pdffonts/pdftoppm, used by the tests
  chromium chromium-driver           # headless browser for the tests of index.html
  python3-venv                       # `python3 -m venv` on a system Python (Debian ships it apart)
)
[ -n "${SCORER_EXTRA_PACKAGES:-}" ] && read -r -a extra <<<"$SCORER_EXTRA_PACKAGES" && SYSTEM_PACKAGES+=("${extra[@]}")

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "scorer setup: missing system packages. Run as root, then retry:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "scorer setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
stamp=.venv/.installed
if [ ! -x .venv/bin/python ]; then
  echo "scorer setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "scorer setup: installing the package and its dependencies into .venv"
  # The machine's pip configuration warns about optional local indexes, and trafilatura asks for
  # lxml's html_clean extra, which newer lxml ships as lxml-html-clean (installed): keep real errors only.
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]' \
    2> >(grep -v -e "^WARNING: Location" -e "does not provide the extra 'html_clean'" >&2)
  # Without compiled bytecode every CLI start re-parses the dependencies (3 s).
  .venv/bin/python -m compileall -q -j 0 .venv/lib >/dev/null 2>&1 || true
  touch "$stamp"
fi
