#!/usr/bin/env bash
# The ECCH Fabric network in Docker Compose (docker-compose.yaml at the repository root),
# for operators. Same topology, configuration files, ccaas builder and deployment steps
# as network.sh (both use lib.sh); nodes reach each other by container host names.
#
#   compose.sh up        generate crypto, channel block and chaincode packages (first run
#                        only) and the Fabric CA secrets, start orderers, peers, chaincode
#                        servers and the Fabric CAs, register the gateway's registrar and
#                        the NA at the Community CA, join the channel, deploy ecch-market
#                        (skipping what is already done), then start the gateway-api
#   compose.sh down      stop and remove the containers; ledgers (volumes) and crypto kept
#   compose.sh reset     down, and delete the volumes and network/.run/compose (new network)
#   compose.sh status    docker compose ps
#   compose.sh logs [SERVICE] [-f]
#   compose.sh config    print the resolved compose configuration
#
# Needs a Docker engine with the images hyperledger/fabric-orderer and fabric-peer
# (${FABRIC_VERSION:-3.1.4}) and hyperledger/fabric-ca (${FABRIC_CA_IMAGE_VERSION:-1.5.21})
# available or pullable (build-images.sh builds them locally), and the Fabric CLIs and
# fabric-ca-client on this machine (built by install-binaries.sh if missing), and openssl.
# Published ports: 127.0.0.1 only, the same numbers as native mode (ECCH_PORT_BASE,
# default 17000) plus the gateway's (ECCH_GATEWAY_PORT, default 3000).
#
# Environment (read by `up`; later commands reuse what `up` saved in <state>/network.env):
#   ECCH_PORT_BASE          port block, as in native mode (default 17000)
#   ECCH_COMPOSE_RUN_DIR    state directory (default network/.run/compose)
#   ECCH_COMPOSE_NETWORK    bridge (default): the private `ecch` network of docker-compose.yaml;
#                           host: every container on the host's network stack, listening on
#                           127.0.0.1 at the native ports (network/compose.ci.yaml; CI, tests)
#   ECCH_COMPOSE_BUILD      1 (default): `up --build`; 0: use the images as they are (`--no-build`)
#   ECCH_GATEWAY_PORT       the gateway-api's port on 127.0.0.1 (default 3000)
#   ECCH_GATEWAY_ADMIN_TOKEN  host network only: the NA token (default: generated into
#                           <state>/gateway-admin-token)
#   COMPOSE_PROJECT_NAME    default ecch
set -euo pipefail
ECCH_MODE=compose
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ECCH_LOG_TAG=compose
COMPOSE_FILE="$ECCH_ROOT/docker-compose.yaml"
HOST_OVERRIDE_FILE="$NET_DIR/compose.ci.yaml"
HOST_COMPOSE_FILE="$RUN_DIR/docker-compose.host.yaml"
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-ecch}"
# (A network that is up keeps the mode it was started with: lib.sh sourced network.env.)
ECCH_COMPOSE_NETWORK="${ECCH_COMPOSE_NETWORK:-bridge}"
case "$ECCH_COMPOSE_NETWORK" in
  bridge | host) ;;
  *) echo "ECCH_COMPOSE_NETWORK must be bridge or host (got '$ECCH_COMPOSE_NETWORK')" >&2; exit 2 ;;
esac
export ECCH_GATEWAY_PORT="${ECCH_GATEWAY_PORT:-3000}"

if [[ "$ECCH_COMPOSE_NETWORK" == host ]]; then
  # Nodes reach each other as in native mode: 127.0.0.1 at the topology's ports (the
  # channel block, anchor peers and chaincode packages are generated with these).
  net_host() { echo 127.0.0.1; }
  net_port() { host_port "$1" main; }
fi

# Compose services are named after the nodes (lib.sh's fail() reads their logs).
compose_service() { echo "$1"; }

compose_cli() {
  if docker compose version >/dev/null 2>&1; then
    docker compose "$@"
  elif command -v docker-compose >/dev/null 2>&1; then
    docker-compose "$@"
  else
    echo "neither 'docker compose' nor 'docker-compose' is installed" >&2
    return 127
  fi
}

compose() {
  if [[ "$ECCH_COMPOSE_NETWORK" == host ]]; then
    [[ -f "$HOST_COMPOSE_FILE" ]] || render_host_compose_file || return 1
    compose_cli --project-directory "$ECCH_ROOT" -f "$HOST_COMPOSE_FILE" "$@"
  else
    compose_cli -f "$COMPOSE_FILE" "$@"
  fi
}

# The extra values network/compose.ci.yaml interpolates (host network only).
export_host_network_env() {
  local n v
  for n in "${ORDERERS[@]}"; do v=${n^^}; export "ECCH_${v}_OPS_PORT=$(host_port "$n" ops)"; done
  for n in "${PEERS[@]}"; do
    v=${n^^}; v=${v//./_}
    export "ECCH_${v}_CC_PORT=$(host_port "$n" cc)" "ECCH_${v}_OPS_PORT=$(host_port "$n" ops)"
  done
  export "ECCH_CC_COMMUNITY_PORT=$(host_port cc.community)" "ECCH_CC_GRID_PORT=$(host_port cc.grid)"
  export "ECCH_CA_COMMUNITY_OPS_PORT=$(host_port ca.community ops)" "ECCH_CA_GRID_OPS_PORT=$(host_port ca.grid ops)"
  if [[ -z "${ECCH_GATEWAY_ADMIN_TOKEN:-}" && -s "$RUN_DIR/gateway-admin-token" ]]; then
    ECCH_GATEWAY_ADMIN_TOKEN=$(<"$RUN_DIR/gateway-admin-token")
  fi
  export ECCH_GATEWAY_ADMIN_TOKEN="${ECCH_GATEWAY_ADMIN_TOKEN:-unset-until-up}"
}

# docker-compose.yaml + network/compose.ci.yaml, resolved, with network_mode: host and
# without ports and networks (which Compose 1.29 cannot drop in an override file).
render_host_compose_file() {
  local resolved
  mkdir -p "$RUN_DIR" || return 1
  resolved=$(cd "$ECCH_ROOT" && compose_cli -f "$COMPOSE_FILE" -f "$HOST_OVERRIDE_FILE" config) || return 1
  /usr/bin/python3 -c '
import sys, yaml
cfg = yaml.safe_load(sys.stdin)
for svc in cfg["services"].values():
    for key in ("ports", "networks", "hostname"):
        svc.pop(key, None)
    svc["network_mode"] = "host"
cfg.pop("networks", None)
with open(sys.argv[1], "w") as f:
    f.write("# Generated by network/scripts/compose.sh from docker-compose.yaml + network/compose.ci.yaml: do not edit.\n")
    yaml.safe_dump(cfg, f, sort_keys=False)
' "$HOST_COMPOSE_FILE" <<<"$resolved"
}

generate_state() {
  mkdir -p "$RUN_DIR/logs"
  printf '# written by compose.sh up at %s\nECCH_PORT_BASE=%q\nECCH_COMPOSE_NETWORK=%q\n' \
    "$(date -u +%FT%TZ)" "$ECCH_PORT_BASE" "$ECCH_COMPOSE_NETWORK" >"$SETTINGS_FILE"
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
  # Fabric CA: each CA's TLS certificate (kept, like the crypto) and the secrets of the
  # bootstrap admins, the gateway's registrar and the NA (made once, kept with the state:
  # the CAs' databases in their volumes know them).
  for org in community grid; do
    if [[ ! -s "$(ca_tls_dir "$org")/server.crt" ]]; then
      step "openssl: TLS server certificate of $(ca_of "$org") (issued by $(basename "$(org_tlsca "$org")"))" -- make_ca_tls "$org"
    fi
  done
  step "secrets: Fabric CA bootstrap admins, $CA_REGISTRAR_ID, $CA_NA_ID ($(secrets_dir), 0600; kept)" -- ensure_ca_secrets
  # The gateway image runs as `node` (uid 1000) and reads the Community CA key, which
  # cryptogen writes 0600 for its own user.
  # So does it read its registrar's and the NA's secrets (the CA containers run as root).
  if ((EUID == 0)); then
    chown -R 1000:1000 "$(dirname "$(org_ca_key community)")"
    chown 1000:1000 "$(identity_secret_file "$CA_REGISTRAR_ID")" "$(identity_secret_file "$CA_NA_ID")"
  elif [[ "$(id -u)" != 1000 ]]; then
    log "warning: the gateway-api container (uid 1000) cannot read $(org_ca_key community) nor $(secrets_dir)/{$CA_REGISTRAR_ID,$CA_NA_ID}.secret (owned by uid $(id -u), mode 0600)"
  fi
  # The gateway's wallet key (NODE_ENV=production requires one): made once, kept with the state.
  if [[ ! -s "$RUN_DIR/gateway-wallet.key" ]]; then
    (umask 077 && head -c 32 /dev/urandom | base64 >"$RUN_DIR/gateway-wallet.key")
    log "gateway-api wallet key generated into $RUN_DIR/gateway-wallet.key"
  fi
  if ((EUID == 0)); then chown 1000:1000 "$RUN_DIR/gateway-wallet.key"; fi
  # The gateway container's view: in-network addresses, paths relative to the file.
  step "writing $RUN_DIR/connection.gateway.json (for the gateway-api container)" -- \
    write_connection_json "$RUN_DIR/connection.gateway.json" . net
  export_compose_env
  local build=(--build) what="build the chaincode image, start"
  if [[ "${ECCH_COMPOSE_BUILD:-1}" == 0 ]]; then build=(--no-build); what="start"; fi
  if [[ "$ECCH_COMPOSE_NETWORK" == host ]]; then
    # Nothing else may hold the ports the containers are about to listen on.
    local p busy=()
    for p in $(all_host_ports) "$ECCH_GATEWAY_PORT"; do port_listening "$p" && busy+=("$p"); done
    ((${#busy[@]} == 0)) || fail "host network: ports already in use on 127.0.0.1: ${busy[*]} (choose another ECCH_PORT_BASE / ECCH_GATEWAY_PORT)"
    if [[ -z "${ECCH_GATEWAY_ADMIN_TOKEN:-}" || "$ECCH_GATEWAY_ADMIN_TOKEN" == unset-until-up ]]; then
      (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RUN_DIR/gateway-admin-token")
      ECCH_GATEWAY_ADMIN_TOKEN=$(<"$RUN_DIR/gateway-admin-token")
      log "gateway-api NA token generated into $RUN_DIR/gateway-admin-token"
    fi
    export ECCH_GATEWAY_ADMIN_TOKEN
    step "rendering $HOST_COMPOSE_FILE (docker-compose.yaml + network/compose.ci.yaml, network_mode: host)" -- \
      render_host_compose_file
  fi

  step "docker compose ($ECCH_COMPOSE_NETWORK network): $what orderers, peers, chaincode servers and Fabric CAs" -- \
    compose up -d "${build[@]}" "${ALL_NODES[@]}"
  for n in "${ORDERERS[@]}"; do
    retry 120 "waiting for $n's admin endpoint ($(host_addr "$n" admin))" "$n" -- osn "$n" list
  done
  for n in "${PEERS[@]}"; do
    retry 120 "waiting for $n ($(host_addr "$n"))" "$n" -- peer_ready "$n"
  done
  for n in "${CAS[@]}"; do
    retry 120 "waiting for $n to answer over TLS (https://$(host_addr "$n"), cainfo)" "$n" -- ca_ready "$(node_org "$n")"
  done
  register_ca_identities

  deploy_channel_and_chaincode

  step "docker compose: ${what/chaincode/gateway-api} the gateway-api" gateway-api -- compose up -d "${build[@]}" gateway-api
  step "writing $RUN_DIR/connection.json (for clients on this machine)" -- write_connection_json "$RUN_DIR/connection.json"
  log "compose network ready in $((SECONDS - t0)) s; gateway on http://127.0.0.1:$ECCH_GATEWAY_PORT; connection info $RUN_DIR/connection.json"
}

main() {
  local cmd=${1:-}
  shift || true
  export_compose_env
  if [[ "$ECCH_COMPOSE_NETWORK" == host ]]; then export_host_network_env; fi
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
