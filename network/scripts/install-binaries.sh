#!/usr/bin/env bash
# Builds the pinned Fabric commands from Go modules into a cache directory, and the
# Fabric CA server and client next to them.
#
# Fabric: the pin lives in network/fabric-tools/go.mod (+ go.sum): Fabric's v3 tags lack a
# /v3 module path, so it is the Go pseudo-version of a commit. To update it:
#   cd network/fabric-tools && go get github.com/hyperledger/fabric@<branch-or-commit> && go mod tidy
# Fabric CA (fabric-ca-server, fabric-ca-client) FABRIC_CA_VERSION (v1.5.21): built with
# cgo (its SQLite driver) from the source tree FABRIC_CA_SRC (default
# ../shared/third_party/fabric-ca-v1.5.21 next to the repository: the Go module proxy
# these machines reach does not serve github.com/hyperledger/fabric-ca); where that
# folder is absent, `go install github.com/hyperledger/fabric-ca/cmd/...@$FABRIC_CA_VERSION`.
# About 2-3 minutes on 2 cores the first time (Go modules downloaded), so it starts
# first, in the background, while the Fabric commands build.
# Binaries already built for the current pin / CA version are skipped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_DIR="$ROOT/network/fabric-tools"
FABRIC_BIN_DIR="${FABRIC_BIN_DIR:-$ROOT/.cache/fabric/bin}"
TOOLS=(peer orderer configtxgen osnadmin cryptogen)
FABRIC_CA_VERSION="${FABRIC_CA_VERSION:-v1.5.21}"
FABRIC_CA_SRC="${FABRIC_CA_SRC:-$ROOT/../shared/third_party/fabric-ca-$FABRIC_CA_VERSION}"
CA_TOOLS=(fabric-ca-server fabric-ca-client)

# ---------------------------------------------------------------- Fabric CA (background)

mkdir -p "$FABRIC_BIN_DIR"
ca_stamp="$FABRIC_BIN_DIR/.fabric-ca"
ca_pid=""
ca_log="$FABRIC_BIN_DIR/.fabric-ca-build.log"
if [[ -f "$ca_stamp" && "$(cat "$ca_stamp")" != "$FABRIC_CA_VERSION" ]]; then
  echo "[fabric-bin] Fabric CA version changed to $FABRIC_CA_VERSION: rebuilding"
  for t in "${CA_TOOLS[@]}"; do rm -f "$FABRIC_BIN_DIR/$t"; done
  rm -f "$ca_stamp"
fi
ca_cached=1
for t in "${CA_TOOLS[@]}"; do [[ -x "$FABRIC_BIN_DIR/$t" ]] || ca_cached=0; done
[[ -f "$ca_stamp" ]] || ca_cached=0
if ((ca_cached)); then
  echo "[fabric-bin] fabric-ca-server, fabric-ca-client: cached ($FABRIC_CA_VERSION)"
else
  # Built into a temporary directory and moved in only when both succeeded: an
  # interrupted build never leaves a binary that looks cached.
  ca_tmp=$(mktemp -d "$FABRIC_BIN_DIR/.fabric-ca-build.XXXXXX")
  if [[ -d "$FABRIC_CA_SRC/cmd/fabric-ca-server" ]]; then
    ca_src="$(cd "$FABRIC_CA_SRC" && pwd)"
    echo "[fabric-bin] building fabric-ca-server, fabric-ca-client $FABRIC_CA_VERSION from $ca_src (cgo; in the background, log $ca_log) ..."
    (cd "$ca_src" && GOFLAGS=-mod=readonly CGO_ENABLED=1 go build -trimpath -o "$ca_tmp/" \
      ./cmd/fabric-ca-server ./cmd/fabric-ca-client) >"$ca_log" 2>&1 &
  else
    echo "[fabric-bin] no Fabric CA source at $FABRIC_CA_SRC: go install github.com/hyperledger/fabric-ca/cmd/{fabric-ca-server,fabric-ca-client}@$FABRIC_CA_VERSION (cgo; in the background, log $ca_log) ..."
    (cd "$ca_tmp" && GOBIN="$ca_tmp" CGO_ENABLED=1 go install -trimpath \
      "github.com/hyperledger/fabric-ca/cmd/fabric-ca-server@$FABRIC_CA_VERSION" \
      "github.com/hyperledger/fabric-ca/cmd/fabric-ca-client@$FABRIC_CA_VERSION") >"$ca_log" 2>&1 &
  fi
  ca_pid=$!
  ca_start=$SECONDS
  # Stop the background build if this script fails or is interrupted.
  trap '[[ -n "$ca_pid" ]] && kill "$ca_pid" 2>/dev/null; rm -rf "$ca_tmp"' EXIT
fi

# ---------------------------------------------------------------- Fabric

pin="$(cd "$TOOLS_DIR" && go list -m -f '{{.Version}}' github.com/hyperledger/fabric)"
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

# ---------------------------------------------------------------- Fabric CA (wait)

if [[ -n "$ca_pid" ]]; then
  echo "[fabric-bin] waiting for the Fabric CA build ..."
  rc=0
  wait "$ca_pid" || rc=$?
  ca_pid=""
  if ((rc != 0)); then
    echo "[fabric-bin] FAILED: building Fabric CA $FABRIC_CA_VERSION (exit $rc); last lines of $ca_log:" >&2
    tail -n 30 "$ca_log" >&2
    exit 1
  fi
  for t in "${CA_TOOLS[@]}"; do mv -f "$ca_tmp/$t" "$FABRIC_BIN_DIR/$t"; done
  rm -rf "$ca_tmp"
  echo "$FABRIC_CA_VERSION" >"$ca_stamp"
  echo "[fabric-bin] fabric-ca-server, fabric-ca-client built in $((SECONDS - ca_start)) s ($("$FABRIC_BIN_DIR/fabric-ca-server" version | sed -n 's/^ *Version: //p'))"
fi
echo "[fabric-bin] ready in $FABRIC_BIN_DIR"
