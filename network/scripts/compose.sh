#!/usr/bin/env bash
# The ECCH Fabric network in Docker Compose (docker-compose.yaml at the repository root),
# for operators. Same topology, configuration files, ccaas builder and deployment steps
# as network.sh (both use lib.sh); nodes reach each other by container host names.
#
#   compose.sh up        generate crypto, channel block and chaincode packages (first run
#                        only), start orderers, peers and chaincode servers, join the
#                        channel, deploy ecch-market (skipping what is already done),
#                        then start the gateway-api
#   compose.sh down      stop and remove the containers; ledgers (volumes) and crypto kept
#   compose.sh reset     down, and delete the volumes and network/.run/compose (new network)
#   compose.sh status    docker compose ps
#   compose.sh logs [SERVICE] [-f]
#   compose.sh config    print the resolved compose configuration
#
# Needs a Docker engine with the images hyperledger/fabric-orderer and fabric-peer
# (${FABRIC_VERSION:-3.1.4}) available or pullable, and the Fabric CLIs on this machine
# (built by install-binaries.sh if missing). Published ports: 127.0.0.1 only, the same
# numbers as native mode (ECCH_PORT_BASE, default 17000) plus the gateway's
# (ECCH_GATEWAY_PORT, default 3000).
set -euo pipefail
ECCH_MODE=compose
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ECCH_LOG_TAG=compose
COMPOSE_FILE="$ECCH_ROOT/docker-compose.yaml"
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-ecch}"

# Compose services are named after the nodes (lib.sh's fail() reads their logs).
compose_service() { echo "$1"; }

compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose -f "$COMPOSE_FILE" "$@"
  elif command -v docker-compose >/dev/null 2>&1; then
    docker-compose -f "$COMPOSE_FILE" "$@"
  else
    echo "neither 'docker compose' nor 'docker-compose' is installed" >&2
    return 127
  fi
}

generate_state() {
  mkdir -p "$RUN_DIR/logs"
  printf '# written by compose.sh up at %s\nECCH_PORT_BASE=%q\n' "$(date -u +%FT%TZ)" "$ECCH_PORT_BASE" >"$SETTINGS_FILE"
  step "cryptogen: orgs, orderers, peers, admins (network/crypto-config.yaml)" -- generate_crypto
  step "configtxgen: genesis block of channel '$CHANNEL' (consenters $(net_addr orderer1), ...)" -- generate_channel_block
  local org
  for org in community grid; do
    step "packaging $CC_LABEL as ccaas for $(org_msp "$org") (server $(net_addr "cc.$org"))" -- make_cc_package "$org"
  done
}

cmd_up() {
  local t0=$SECONDS org n
  mkdir -p "$RUN_DIR/logs"
  command -v docker >/dev/null 2>&1 || fail "docker is not installed"
  docker info >/dev/null 2>&1 || fail "no Docker engine is reachable (is dockerd running?)"
  compose version >/dev/null 2>&1 || fail "Docker Compose is not installed (apt-get install docker-compose, or the compose plugin)"
  ensure_binaries
  if [[ -f "$CHANNEL_BLOCK" && -f "$(cc_package_file grid)" ]]; then
    log "reusing crypto, channel block and packages in $RUN_DIR ('compose.sh reset' starts a new network)"
  else
    generate_state
  fi
  for org in community grid; do package_id "$org" >"$RUN_DIR/chaincode/$org.id"; done
  # The gateway container's view: in-network addresses, paths relative to the file.
  step "writing $RUN_DIR/connection.gateway.json (for the gateway-api container)" -- \
    write_connection_json "$RUN_DIR/connection.gateway.json" . net
  export_compose_env

  step "docker compose: build the chaincode image, start orderers, peers and chaincode servers" -- \
    compose up -d --build "${ALL_NODES[@]}"
  for n in "${ORDERERS[@]}"; do
    retry 120 "waiting for $n's admin endpoint ($(host_addr "$n" admin))" "$n" -- osn "$n" list
  done
  for n in "${PEERS[@]}"; do
    retry 120 "waiting for $n ($(host_addr "$n"))" "$n" -- peer_ready "$(node_org "$n")"
  done

  deploy_channel_and_chaincode

  step "docker compose: build and start the gateway-api" gateway-api -- compose up -d --build gateway-api
  step "writing $RUN_DIR/connection.json (for clients on this machine)" -- write_connection_json "$RUN_DIR/connection.json"
  log "compose network ready in $((SECONDS - t0)) s; gateway on http://127.0.0.1:${ECCH_GATEWAY_PORT:-3000}; connection info $RUN_DIR/connection.json"
}

main() {
  local cmd=${1:-}
  shift || true
  export_compose_env
  case "$cmd" in
    up) cmd_up ;;
    down) compose down ;;
    reset)
      compose down -v
      rm -rf "$RUN_DIR"
      log "removed the containers, volumes and $RUN_DIR"
      ;;
    status) compose ps ;;
    logs)
      local args=(--tail 100) a
      for a in "$@"; do case "$a" in -f | --follow) args+=(-f) ;; *) args+=("$a") ;; esac; done
      compose logs "${args[@]}"
      ;;
    config) compose config ;;
    *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}

main "$@"
