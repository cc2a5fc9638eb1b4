#!/usr/bin/env bash
# Checks report pages as a reader sees them, in a real headless Chromium: the Nu HTML
# checker (errors), axe-core (WCAG 2 A and AA), that the page never scrolls sideways, and
# screenshots — each page light and dark, at 1280 px and 390 px, and printed.
#
#   tests/pages/check.sh RUN_DIR SHOTS_DIR [PAGE...]
#
# RUN_DIR is a run folder (reports/2008-04-10); PAGEs are paths in it (default: the
# summary and the first two region pages). Needs Chromium (CHROMIUM, default `chromium`),
# Java and npm; installs playwright-core, axe-core and vnu-jar into a temporary folder.
# Not part of `cargo test`: it needs a browser.
set -euo pipefail
run=$(cd "$1" && pwd); shots=$(mkdir -p "$2" && cd "$2" && pwd); shift 2
pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
  pages=(index.html $(cd "$run" && ls regions/*.html | head -2))
fi
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
  playwright-core@1 axe-core@4 vnu-jar@24 >/dev/null)
status=0
echo "== Nu HTML checker (errors)"
(cd "$run" && java -jar "$work/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only "${pages[@]}") \
  && echo "0 errors" || status=1
echo "== axe-core, sideways scroll, screenshots"
NODE_PATH="$work/node_modules" node "$here/check.mjs" "$run" "$shots" "${pages[@]}" || status=1
exit $status
