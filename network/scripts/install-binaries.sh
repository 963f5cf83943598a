#!/usr/bin/env bash
# Builds the pinned Fabric commands from Go modules into a cache directory.
# The pin lives in network/fabric-tools/go.mod (+ go.sum): Fabric's v3 tags lack a /v3
# module path, so it is the Go pseudo-version of a commit. To update it:
#   cd network/fabric-tools && go get github.com/hyperledger/fabric@<branch-or-commit> && go mod tidy
# Binaries already built for the current pin are skipped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_DIR="$ROOT/network/fabric-tools"
FABRIC_BIN_DIR="${FABRIC_BIN_DIR:-$ROOT/.cache/fabric/bin}"
TOOLS=(peer orderer configtxgen osnadmin cryptogen)

pin="$(cd "$TOOLS_DIR" && go list -m -f '{{.Version}}' github.com/hyperledger/fabric)"
mkdir -p "$FABRIC_BIN_DIR"
stamp="$FABRIC_BIN_DIR/.pin"
if [[ -f "$stamp" && "$(cat "$stamp")" != "$pin" ]]; then
  echo "[fabric-bin] pin changed to $pin: rebuilding"
  for t in "${TOOLS[@]}"; do rm -f "$FABRIC_BIN_DIR/$t"; done
fi
for tool in "${TOOLS[@]}"; do
  if [[ -x "$FABRIC_BIN_DIR/$tool" ]]; then
    echo "[fabric-bin] $tool: cached ($pin)"
    continue
  fi
  echo "[fabric-bin] building $tool from github.com/hyperledger/fabric@$pin ..."
  start=$SECONDS
  (cd "$TOOLS_DIR" && CGO_ENABLED=0 go build -trimpath -o "$FABRIC_BIN_DIR/$tool" \
     -ldflags "-X github.com/hyperledger/fabric/common/metadata.Version=3.1.4" \
     "github.com/hyperledger/fabric/cmd/$tool")
  echo "[fabric-bin] $tool built in $((SECONDS - start)) s"
done
echo "$pin" > "$stamp"
echo "[fabric-bin] ready in $FABRIC_BIN_DIR"
