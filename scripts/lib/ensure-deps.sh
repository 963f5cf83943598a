#!/usr/bin/env bash
# Installs the npm workspaces from package-lock.json when node_modules is missing or
# stale (a fresh clone, or the lock changed), then compiles the TypeScript projects.
#
# The build needs the dev dependencies (tsc above all) whatever NODE_ENV says:
# NODE_ENV=production makes npm omit them, so the install asks for them explicitly,
# and an install that lacks tsc (one made by plain `npm ci` under NODE_ENV=production)
# counts as stale. tsc is run from node_modules, never fetched by npx.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# Two commands started at once (npm start beside npm test) must not both run npm ci.
mkdir -p .cache
exec 9>.cache/npm-install.lock
flock 9
stamp="node_modules/.ecch-lock-sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
tsc="node_modules/.bin/tsc"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" || ! -x "$tsc" ]]; then
  echo "[setup] installing npm packages (npm ci, dev dependencies included) ..."
  npm ci --include=dev --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
echo "[setup] compiling TypeScript (tsc -b) ..."
"$tsc" -b
# The web console the gateway serves at /console/ (esbuild bundle into console/dist);
# a tree without it (test/gateway/production-start.test.ts's scratch layout) has nothing to build.
if [[ -f console/build.mjs ]]; then node console/build.mjs; fi
