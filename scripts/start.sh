#!/usr/bin/env bash
# `npm start`: the gateway on the embedded ledger (LEDGER=fabric for a Fabric network).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/lib/ensure-deps.sh"
cd "$ROOT"
exec node gateway-api/dist/server.js
