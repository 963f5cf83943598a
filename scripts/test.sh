#!/usr/bin/env bash
# `npm test`: the whole suite from a fresh clone. Installs what it needs (npm
# packages, Fabric binaries built from Go modules, docker-compose for validation),
# lints, then runs every jest project, including the one that starts a real
# Fabric network (3 Raft orderers, 2 peers, chaincode as a service) and tears it down.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
t0=$SECONDS
step() { echo; echo "==> [$(date -u +%H:%M:%S)] $*"; }

step "dependencies and build"
bash scripts/lib/ensure-deps.sh

step "lint and type-check the scripts outside the workspaces"
npx eslint .
npx tsc -p bench/tsconfig.json

step "Fabric binaries (go build at the pinned commit; cached after the first run)"
bash network/scripts/install-binaries.sh

if [[ -x network/scripts/validate-compose.sh ]]; then
  step "docker-compose.yaml validation"
  bash network/scripts/validate-compose.sh
fi

step "jest: all projects (chaincode, gateway, simulator, network)"
mkdir -p .cache
results=.cache/jest-results.json
rm -f "$results"
set +e
npx jest --ci --maxWorkers=2 --json --outputFile="$results" "$@"
status=$?
set -e

# Jest's own summary is not a closing line CI knows, so print the plain one.
if [[ -f "$results" ]]; then
  node -e '
    const r = require(process.argv[1]);
    console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
    if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
  ' "$ROOT/$results" || status=1
else
  echo "0 passed, 1 failed"
  status=1
fi
echo "[test] finished in $((SECONDS - t0)) s, exit $status"
exit $status
