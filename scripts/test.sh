#!/usr/bin/env bash
# `npm test`: the whole suite from a fresh clone. Installs what it needs (npm
# packages, Fabric binaries built from Go modules, docker-compose for validation),
# lints, then runs every jest project, including the one that starts a real
# Fabric network (3 Raft orderers, 2 peers, chaincode as a service) and tears it down,
# then fuzzes the embedded gateway's REST API from its OpenAPI (scripts/fuzz/run.sh),
# and finally the same network in Docker Compose (docker.io, images built locally) with
# the network smoke and end-to-end suites against it (network/scripts/compose-e2e.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
t0=$SECONDS
step() { echo; echo "==> [$(date -u +%H:%M:%S)] $*"; }

step "dependencies and build"
bash scripts/lib/ensure-deps.sh

step "lint and type-check the scripts outside the workspaces; markdown links stay inside the repository"
npx eslint .
npx tsc -p bench/tsconfig.json
npx tsc -p console/tsconfig.json
node scripts/check-links.mjs

step "Fabric binaries (go build at the pinned commit; cached after the first run)"
bash network/scripts/install-binaries.sh

if [[ -x network/scripts/validate-compose.sh ]]; then
  step "docker-compose.yaml validation"
  bash network/scripts/validate-compose.sh
fi

step "Debian's chromium for the console's browser tests (test/console)"
bash scripts/lib/ensure-chromium.sh

step "jest: all projects (chaincode, gateway, simulator, console, network)"
mkdir -p .cache
results=.cache/jest-results.json
rm -f "$results"
set +e
npx jest --ci --maxWorkers=2 --json --outputFile="$results" "$@"
status=$?
set -e

step "fuzz: schemathesis against the embedded gateway's OpenAPI (scripts/fuzz/run.sh)"
set +e
bash scripts/fuzz/run.sh --no-build
fuzz_status=$?
set -e
((fuzz_status == 0)) || status=1

step "Docker Compose: the same network in containers, smoke and end-to-end suites (network/scripts/compose-e2e.sh)"
compose_results=.cache/jest-compose-results.json
rm -f "$compose_results"
set +e
bash network/scripts/compose-e2e.sh --json --outputFile="$ROOT/$compose_results"
compose_status=$?
set -e
((compose_status == 0)) || status=1

# Jest's own summary is not a closing line CI knows, so print the plain one (both runs;
# a compose run that failed before its tests counts as one failure; the fuzz step counts
# as one test, passed or failed).
if [[ -f "$results" ]]; then
  node -e '
    const fs = require("fs");
    const [main, compose, composeStatus, fuzzStatus] = process.argv.slice(1);
    const r = require(main);
    let passed = r.numPassedTests, failed = r.numFailedTests, skipped = r.numPendingTests + r.numTodoTests;
    if (fs.existsSync(compose)) {
      const c = require(compose);
      passed += c.numPassedTests; failed += c.numFailedTests; skipped += c.numPendingTests + c.numTodoTests;
      if (composeStatus !== "0" && c.numFailedTests === 0) failed += 1;
    } else if (composeStatus !== "0") failed += 1;
    if (fuzzStatus === "0") passed += 1; else failed += 1;
    console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
    if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
  ' "$ROOT/$results" "$ROOT/$compose_results" "$compose_status" "$fuzz_status" || status=1
else
  echo "0 passed, 1 failed"
  status=1
fi
echo "[test] finished in $((SECONDS - t0)) s, exit $status"
exit $status
