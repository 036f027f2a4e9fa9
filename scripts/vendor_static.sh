#!/usr/bin/env bash
# Vendors the front-end files Sammen serves (Designsystemet CSS, Inter, htmx) and the axe-core
# build the browser tests inject, from the npm packages pinned in package.json/package-lock.json.
#
#   make static            # or: bash scripts/vendor_static.sh
#
# The copied files are committed; node_modules/ is not. The page's CSP allows no third-party host,
# so the copy step refuses any stylesheet that would fetch from one (see vendor_static.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v npm >/dev/null 2>&1 || { echo "vendor_static: npm is needed (apt-get install npm)" >&2; exit 1; }

npm_flags=(--no-audit --no-fund --ignore-scripts --loglevel=error)
if [[ -f package-lock.json ]]; then
  npm ci "${npm_flags[@]}"
else
  npm install "${npm_flags[@]}"
fi

node scripts/vendor_static.mjs
