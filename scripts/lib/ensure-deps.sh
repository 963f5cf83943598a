#!/usr/bin/env bash
# Installs the npm workspaces from package-lock.json when node_modules is missing or
# stale (a fresh clone, or the lock changed), then compiles the TypeScript projects.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# Two commands started at once (npm start beside npm test) must not both run npm ci.
mkdir -p .cache
exec 9>.cache/npm-install.lock
flock 9
stamp="node_modules/.ecch-lock-sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "[setup] installing npm packages (npm ci) ..."
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
echo "[setup] compiling TypeScript (tsc -b) ..."
npx tsc -b
