#!/usr/bin/env bash
# The ECCH Fabric network as native processes on 127.0.0.1 (tests, CI, development).
#
#   network.sh up                 generate crypto + channel block, start 3 orderers, 4 peers
#                                 (2 per org), 2 chaincode servers (1 per org, shared by
#                                 its peers) and a Fabric CA per org (registering the
#                                 gateway's registrar and the NA at the Community CA), create
#                                 the channel, deploy ecch-market, wait until it answers, write
#                                 connection.json
#                                 (exits 3, touching nothing, if a network already runs there)
#   network.sh down               stop everything it started, verify no port is left
#                                 listening, delete the run directory
#   network.sh status             one line per node: pid, state, address
#   network.sh logs [NODE] [-f]   tail of every node's log, or one node's (follow with -f)
#   network.sh stop-node NODE     stop one node (fault tests); its data is kept
#   network.sh start-node NODE    start it again with the same settings
#   network.sh env ORG            shell exports to run the peer CLI as ORG's Admin
#                                 (ORG = community | grid), e.g. eval "$(network.sh env grid)"
#   network.sh nodes              the node names
#
# Nodes: orderer1 orderer2 orderer3 peer0.community peer1.community peer0.grid peer1.grid
#        cc.community cc.grid ca.community ca.grid
#
# Environment (read by `up`; later commands reuse what `up` saved in <run dir>/network.env):
#   ECCH_PORT_BASE         first port of the block used (default 17000; ports are base+50..92)
#   ECCH_RUN_DIR           state, logs, pids, crypto (default network/.run)
#   ECCH_CHAINCODE_MODULE  chaincode module directory (default ./chaincode, built with tsc -b)
#   FABRIC_BIN_DIR         Fabric binaries (default .cache/fabric/bin; built if missing)
#   ECCH_FABRIC_LOGGING_SPEC  peer/orderer log spec (default grpc=warning:info)
#   ECCH_BATCH_TIMEOUT     the orderers' BatchTimeout, in the channel's genesis block (default 250ms)
set -euo pipefail
ECCH_MODE=native
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PID_DIR="$RUN_DIR/pids"
LOG_DIR="$RUN_DIR/logs"

# ---------------------------------------------------------------- node processes

node_env() {
  local n=$1 d org
  d=$(node_dir "$n")
  org=$(node_org "$n")
  local common=("FABRIC_CFG_PATH=$NET_DIR/config" "FABRIC_LOGGING_SPEC=$ECCH_FABRIC_LOGGING_SPEC"
    "FABRIC_LOGGING_FORMAT=$FABRIC_LOG_FORMAT")
  case "$(node_kind "$n")" in
    orderer)
      printf '%s\n' "${common[@]}" \
        "ORDERER_GENERAL_LISTENADDRESS=127.0.0.1" \
        "ORDERER_GENERAL_LISTENPORT=$(host_port "$n")" \
        "ORDERER_GENERAL_LOCALMSPID=OrdererMSP" \
        "ORDERER_GENERAL_LOCALMSPDIR=$d/msp" \
        "ORDERER_GENERAL_TLS_PRIVATEKEY=$d/tls/server.key" \
        "ORDERER_GENERAL_TLS_CERTIFICATE=$d/tls/server.crt" \
        "ORDERER_GENERAL_TLS_ROOTCAS=[$d/tls/ca.crt]" \
        "ORDERER_ADMIN_LISTENADDRESS=$(host_addr "$n" admin)" \
        "ORDERER_ADMIN_TLS_PRIVATEKEY=$d/tls/server.key" \
        "ORDERER_ADMIN_TLS_CERTIFICATE=$d/tls/server.crt" \
        "ORDERER_ADMIN_TLS_CLIENTROOTCAS=[$d/tls/ca.crt]" \
        "ORDERER_OPERATIONS_LISTENADDRESS=$(host_addr "$n" ops)" \
        "ORDERER_FILELEDGER_LOCATION=$RUN_DIR/data/$n" \
        "ORDERER_CONSENSUS_WALDIR=$RUN_DIR/data/$n/etcdraft/wal" \
        "ORDERER_CONSENSUS_SNAPDIR=$RUN_DIR/data/$n/etcdraft/snapshot"
      ;;
    peer)
      printf '%s\n' "${common[@]}" \
        "CORE_PEER_ID=$(node_fqdn "$n")" \
        "CORE_PEER_LISTENADDRESS=$(host_addr "$n")" \
        "CORE_PEER_ADDRESS=$(host_addr "$n")" \
        "CORE_PEER_CHAINCODELISTENADDRESS=$(host_addr "$n" cc)" \
        "CORE_PEER_CHAINCODEADDRESS=$(host_addr "$n" cc)" \
        "CORE_PEER_GOSSIP_BOOTSTRAP=$(gossip_bootstrap "$n")" \
        "CORE_PEER_GOSSIP_EXTERNALENDPOINT=$(host_addr "$n")" \
        "CORE_PEER_LOCALMSPID=$(org_msp "$org")" \
        "CORE_PEER_MSPCONFIGPATH=$d/msp" \
        "CORE_PEER_TLS_CERT_FILE=$d/tls/server.crt" \
        "CORE_PEER_TLS_KEY_FILE=$d/tls/server.key" \
        "CORE_PEER_TLS_ROOTCERT_FILE=$d/tls/ca.crt" \
        "CORE_PEER_FILESYSTEMPATH=$RUN_DIR/data/$n" \
        "CORE_LEDGER_SNAPSHOTS_ROOTDIR=$RUN_DIR/data/$n/snapshots" \
        "CORE_OPERATIONS_LISTENADDRESS=$(host_addr "$n" ops)" \
        "CORE_CHAINCODE_EXTERNALBUILDERS=[{name: ecch-ccaas, path: $NET_DIR/ccaas-builder}]"
      ;;
    cc)
      # fabric-shim logs a line per transaction at info (set ECCH_CHAINCODE_LOGGING_LEVEL=info to see them);
      # ECCH_WRITE_BATCH=off sends each write on its own (chaincode/src/ledger/write-batch.ts), for comparisons.
      printf '%s\n' "NODE_PATH=$ECCH_ROOT/node_modules" \
        "CORE_CHAINCODE_LOGGING_LEVEL=${ECCH_CHAINCODE_LOGGING_LEVEL:-warning}" \
        "ECCH_WRITE_BATCH=${ECCH_WRITE_BATCH:-on}"
      ;;
    ca)
      # Signs with the org's cryptogen CA (the MSPs already trust it); TLS with a
      # certificate from the org's TLS CA (make_ca_tls). The bootstrap admin's secret is
      # read from its file by node_cmd, not passed here.
      printf '%s\n' "FABRIC_CA_SERVER_HOME=$(ca_server_home "$org")" \
        "FABRIC_CA_SERVER_ADDRESS=127.0.0.1" \
        "FABRIC_CA_SERVER_PORT=$(host_port "$n")" \
        "FABRIC_CA_SERVER_CA_NAME=$(ca_name "$org")" \
        "FABRIC_CA_SERVER_CA_CERTFILE=$(org_ca_cert "$org")" \
        "FABRIC_CA_SERVER_CA_KEYFILE=$(org_ca_key "$org")" \
        "FABRIC_CA_SERVER_TLS_ENABLED=true" \
        "FABRIC_CA_SERVER_TLS_CERTFILE=$(ca_tls_dir "$org")/server.crt" \
        "FABRIC_CA_SERVER_TLS_KEYFILE=$(ca_tls_dir "$org")/server.key" \
        "FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS=$(host_addr "$n" ops)"
      ;;
  esac
}

shim_cli() { (cd "$ECCH_CHAINCODE_MODULE" && NODE_PATH="$ECCH_ROOT/node_modules" node -p "require.resolve('fabric-shim/cli.js')"); }

node_cmd() {
  local n=$1
  case "$(node_kind "$n")" in
    orderer) printf '%s\n' "$(fabric_bin orderer)" ;;
    peer) printf '%s\n' "$(fabric_bin peer)" node start ;;
    cc)
      # One chaincode server per org, dialled by both of its peers (each peer opens its
      # own stream): fabric-shim's server mode.
      printf '%s\n' node "$(shim_cli)" server \
        --chaincode-address "$(host_addr "$n")" \
        --chaincode-id "$(package_id "$(node_org "$n")")" \
        --module-path "$ECCH_CHAINCODE_MODULE"
      ;;
    ca)
      # A new home is initialised first with `-b admin:<secret>` given through the
      # environment (not the command line), read from the 0600 file; `init` prints its
      # configuration with a `boot: admin:<secret>` line (Fabric CA's filter of sensitive
      # lines misses it), which is dropped. `start` then needs no bootstrap argument.
      # umask 077: the generated config (which records the bootstrap identity), the
      # SQLite database and the keystore are for the server's user only.
      # shellcheck disable=SC2016
      printf '%s\n' sh -c 'umask 077; if [ ! -f "$FABRIC_CA_SERVER_HOME/fabric-ca-server-config.yaml" ]; then FABRIC_CA_SERVER_BOOT="$3:$(cat "$1")" "$2" init 2>&1 | grep -v "^boot:"; fi; exec "$2" start' \
        fabric-ca-server "$(ca_bootstrap_secret_file "$(node_org "$n")")" "$(fabric_bin fabric-ca-server)" "$CA_BOOTSTRAP_ADMIN"
      ;;
  esac
}

node_ports() {
  case "$(node_kind "$1")" in
    orderer) host_port "$1" main; host_port "$1" admin; host_port "$1" ops ;;
    peer) host_port "$1" main; host_port "$1" cc; host_port "$1" ops ;;
    cc) host_port "$1" main ;;
    ca) host_port "$1" main; host_port "$1" ops ;;
  esac
}

pid_of() { [[ -f "$PID_DIR/$1.pid" ]] && cat "$PID_DIR/$1.pid"; }

# A node is alive when its recorded pid runs the expected program (guards against a
# recycled pid after a crash).
node_alive() {
  local pid want
  pid=$(pid_of "$1") || return 1
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  case "$(node_kind "$1")" in orderer) want=orderer ;; peer) want=peer ;; cc) want=cli.js ;; ca) want=fabric-ca-server ;; esac
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$want"
}

start_node() {
  local n=$1 p pid
  if node_alive "$n"; then
    log "$n is already running (pid $(pid_of "$n"))"
    return 0
  fi
  for p in $(node_ports "$n"); do
    port_listening "$p" && fail "cannot start $n: port $p on 127.0.0.1 is already in use$(port_owner "$p")"
  done
  mkdir -p "$PID_DIR" "$LOG_DIR" "$RUN_DIR/data"
  if [[ "$(node_kind "$n")" == ca ]]; then
    mkdir -p "$(ca_server_home "$(node_org "$n")")" && chmod 700 "$(ca_server_home "$(node_org "$n")")"
  fi
  local envs cmd
  mapfile -t envs < <(node_env "$n")
  mapfile -t cmd < <(node_cmd "$n")
  printf '===== %s starting %s: %s\n' "$(date -u +%FT%T.%3NZ)" "$n" "${cmd[*]}" >>"$LOG_DIR/$n.log"
  # setsid: each node leads its own process group, detached from the caller's terminal
  # and signals; `down`/`stop-node` signal exactly that group. The working directory is
  # the run directory, which also lets `down` find strays whose pid file was lost.
  (cd "$RUN_DIR" && exec env "${envs[@]}" setsid "${cmd[@]}") </dev/null >>"$LOG_DIR/$n.log" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_DIR/$n.pid"
  log "started $n (pid $pid, $(host_addr "$n"), log $LOG_DIR/$n.log)"
}

wait_node_ready() {
  local n=$1
  case "$(node_kind "$n")" in
    orderer) retry 60 "waiting for $n's admin endpoint ($(host_addr "$n" admin))" "$n" -- osn "$n" list ;;
    peer) retry 60 "waiting for $n ($(host_addr "$n"))" "$n" -- peer_ready "$n" ;;
    cc) retry 60 "waiting for $n to listen ($(host_addr "$n"))" "$n" -- port_listening "$(host_port "$n")" ;;
    ca) retry 60 "waiting for $n to answer over TLS (https://$(host_addr "$n"), cainfo)" "$n" -- ca_ready "$(node_org "$n")" ;;
  esac
}

stop_node() {
  local n=$1 pid i
  pid=$(pid_of "$n") || { return 0; }
  if node_alive "$n"; then
    log "stopping $n (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      node_alive "$n" || break
      sleep 0.1
    done
    if node_alive "$n"; then
      log "$n did not stop within 10 s: killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$PID_DIR/$n.pid"
}

port_owner() {
  command -v ss >/dev/null 2>&1 || return 0
  local o
  o=$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:([^)]*)' | head -1) || true
  [[ -n "$o" ]] && echo " ($o)"
  return 0
}

# Processes running in our run directory without a pid file (e.g. the run directory was
# deleted under a live network). Matched by working directory, never by name.
stray_pids() {
  local d pid cwd
  [[ -d /proc ]] || return 0
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    cwd=$(readlink "$d/cwd" 2>/dev/null) || continue
    if [[ "$cwd" == "$RUN_DIR" || "$cwd" == "$RUN_DIR (deleted)" ]]; then
      [[ "$pid" != "$$" && "$pid" != "$BASHPID" ]] && echo "$pid"
    fi
  done
  return 0
}

any_node_alive() {
  local n
  for n in "${ALL_NODES[@]}"; do node_alive "$n" && return 0; done
  return 1
}

# Delete native state; compose state (network/.run/compose) is compose.sh's.
clean_run_dir() {
  [[ -d "$RUN_DIR" ]] || return 0
  find "$RUN_DIR" -mindepth 1 -maxdepth 1 ! -name compose -exec rm -rf {} +
}

# ---------------------------------------------------------------- commands

cmd_up() {
  local t0=$SECONDS n org
  # Exit code 3: someone else's network is up here; callers must not tear it down.
  if any_node_alive; then
    log "FAILED: a network is already running from $RUN_DIR (see 'network.sh status'); run 'network.sh down' first" >&2
    exit 3
  fi
  if [[ -n "$(stray_pids)" ]]; then
    log "FAILED: processes from an earlier network still run in $RUN_DIR (pids $(stray_pids | tr '\n' ' ')); run 'network.sh down'" >&2
    exit 3
  fi
  log "up: ports 127.0.0.1:$((ECCH_PORT_BASE + 50))-$((ECCH_PORT_BASE + 92)) (ECCH_PORT_BASE=$ECCH_PORT_BASE), run dir $RUN_DIR"
  clean_run_dir
  mkdir -p "$RUN_DIR" "$PID_DIR" "$LOG_DIR"
  local busy=()
  for n in $(all_host_ports); do port_listening "$n" && busy+=("$n$(port_owner "$n")"); done
  ((${#busy[@]} == 0)) || fail "ports already in use on 127.0.0.1: ${busy[*]} (choose another ECCH_PORT_BASE)"

  ensure_binaries
  if [[ "$ECCH_CHAINCODE_MODULE" == "$ECCH_ROOT/chaincode" && "${ECCH_SKIP_CHAINCODE_BUILD:-0}" != 1 ]]; then
    [[ -x "$ECCH_ROOT/node_modules/.bin/tsc" ]] || fail "node_modules missing: run 'npm ci' at the repository root"
    step "building the chaincode (tsc -b chaincode)" -- bash -c "cd '$ECCH_ROOT' && node_modules/.bin/tsc -b chaincode"
  fi
  step "checking that $ECCH_CHAINCODE_MODULE exports fabric-contract-api contracts" -- \
    env NODE_PATH="$ECCH_ROOT/node_modules" node -e '
      const path = require("path"); const dir = path.resolve(process.argv[1]);
      const main = require(path.join(dir, "package.json")).main;
      if (!main) throw new Error(dir + "/package.json has no main");
      const m = require(path.resolve(dir, main));
      if (!Array.isArray(m.contracts) || m.contracts.length === 0)
        throw new Error(path.resolve(dir, main) + " does not export a non-empty `contracts` array");' "$ECCH_CHAINCODE_MODULE"

  # Settings later commands (stop-node, start-node, status, down) must reuse.
  {
    echo "# written by network.sh up at $(date -u +%FT%TZ)"
    printf 'ECCH_PORT_BASE=%q\nECCH_CHAINCODE_MODULE=%q\nFABRIC_BIN_DIR=%q\n' \
      "$ECCH_PORT_BASE" "$ECCH_CHAINCODE_MODULE" "$FABRIC_BIN_DIR"
    printf 'ECCH_FABRIC_LOGGING_SPEC=%q\n' "$ECCH_FABRIC_LOGGING_SPEC"
  } >"$SETTINGS_FILE"

  step "cryptogen: orgs, orderers, peers, admins (network/crypto-config.yaml)" -- generate_crypto
  step "configtxgen: genesis block of channel '$CHANNEL' (3 Raft consenters)" -- generate_channel_block
  for org in community grid; do
    step "packaging $CC_LABEL as ccaas for $(org_msp "$org") (server $(net_addr "cc.$org"))" -- make_cc_package "$org"
  done
  for org in community grid; do
    step "openssl: TLS server certificate of $(ca_of "$org") (issued by $(basename "$(org_tlsca "$org")"))" -- make_ca_tls "$org"
  done
  step "secrets: Fabric CA bootstrap admins, $CA_REGISTRAR_ID, $CA_NA_ID ($(secrets_dir), 0600)" -- ensure_ca_secrets

  for n in "${CAS[@]}"; do start_node "$n"; done
  for n in "${ORDERERS[@]}"; do start_node "$n"; done
  for n in "${ORDERERS[@]}"; do wait_node_ready "$n"; done
  for n in "${CAS[@]}"; do wait_node_ready "$n"; done
  register_ca_identities
  for n in "${PEERS[@]}"; do start_node "$n"; done
  for n in "${PEERS[@]}"; do wait_node_ready "$n"; done
  for n in "${CC_SERVERS[@]}"; do start_node "$n"; done
  for n in "${CC_SERVERS[@]}"; do wait_node_ready "$n"; done

  deploy_channel_and_chaincode

  step "writing $RUN_DIR/connection.json" -- write_connection_json "$RUN_DIR/connection.json"
  log "network ready in $((SECONDS - t0)) s: channel '$CHANNEL', chaincode '$CC_NAME', connection info $RUN_DIR/connection.json"
}

cmd_down() {
  local n pid left=() i
  log "down: stopping the network of $RUN_DIR"
  for ((i = ${#ALL_NODES[@]} - 1; i >= 0; i--)); do stop_node "${ALL_NODES[i]}"; done
  for pid in $(stray_pids); do
    log "stopping stray process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-80))"
    kill -TERM "$pid" 2>/dev/null || true
  done
  for ((i = 0; i < 50; i++)); do
    [[ -z "$(stray_pids)" ]] && break
    sleep 0.1
  done
  for pid in $(stray_pids); do kill -KILL "$pid" 2>/dev/null || true; done
  # Listening sockets close with their process; give the kernel a moment.
  for ((i = 0; i < 50; i++)); do
    left=()
    for n in $(all_host_ports); do port_listening "$n" && left+=("$n$(port_owner "$n")"); done
    ((${#left[@]} == 0)) && break
    sleep 0.1
  done
  clean_run_dir
  ((${#left[@]} == 0)) || fail "ports still listening after down: ${left[*]}"
  log "down: nothing left listening on 127.0.0.1:$((ECCH_PORT_BASE + 50))-$((ECCH_PORT_BASE + 92)); $RUN_DIR cleaned"
}

cmd_status() {
  local n state any=1
  printf '%-16s %-8s %-8s %-20s %s\n' NODE KIND PID STATE ADDRESS
  for n in "${ALL_NODES[@]}"; do
    if node_alive "$n"; then
      # Probe the plain-HTTP operations port of orderers and peers (a bare TCP probe of
      # their TLS port would log a failed handshake).
      local probe
      case "$(node_kind "$n")" in cc) probe=$(host_port "$n") ;; *) probe=$(host_port "$n" ops) ;; esac
      if port_listening "$probe"; then state=listening; else state=starting; fi
      any=0
    elif [[ -f "$PID_DIR/$n.pid" ]]; then state=exited
    else state=stopped; fi
    printf '%-16s %-8s %-8s %-20s %s\n' "$n" "$(node_kind "$n")" "$(pid_of "$n" || echo -)" "$state" "$(host_addr "$n")"
  done
  [[ -f "$RUN_DIR/connection.json" ]] && echo "connection info: $RUN_DIR/connection.json"
  return $any
}

cmd_logs() {
  local node="" follow=0 a n
  for a in "$@"; do
    case "$a" in -f | --follow) follow=1 ;; *) node=$a ;; esac
  done
  if [[ -n "$node" ]]; then
    is_node "$node" || fail "unknown node '$node' (nodes: ${ALL_NODES[*]})"
    [[ -f "$LOG_DIR/$node.log" ]] || fail "no log for $node in $LOG_DIR"
    if ((follow)); then exec tail -n 50 -F "$LOG_DIR/$node.log"; fi
    tail -n 100 "$LOG_DIR/$node.log"
  else
    for n in "${ALL_NODES[@]}"; do
      echo "===== $n ($LOG_DIR/$n.log)"
      node_log_tail "$n" 15
    done
  fi
}

cmd_env() {
  local org=${1:-}
  [[ "$org" == community || "$org" == grid ]] || fail "usage: network.sh env community|grid"
  printf 'export FABRIC_CFG_PATH=%q\n' "$NET_DIR/config"
  printf 'export PATH=%q:"$PATH"\n' "$FABRIC_BIN_DIR"
  printf 'export FABRIC_LOGGING_SPEC=warning\n'
  printf 'export CORE_PEER_TLS_ENABLED=true\n'
  printf 'export CORE_PEER_LOCALMSPID=%q\n' "$(org_msp "$org")"
  printf 'export CORE_PEER_MSPCONFIGPATH=%q\n' "$(org_admin_msp "$org")"
  printf 'export CORE_PEER_TLS_ROOTCERT_FILE=%q\n' "$(org_tlsca "$org")"
  printf 'export CORE_PEER_ADDRESS=%q\n' "$(host_addr "peer0.$org")"
  printf 'export ORDERER_ADDRESS=%q ORDERER_TLS_CA=%q\n' "$(host_addr orderer1)" "$(org_tlsca orderer)"
}

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

main() {
  local cmd=${1:-}
  shift || true
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    logs) cmd_logs "$@" ;;
    stop-node | start-node)
      local n=${1:-}
      is_node "$n" || fail "usage: network.sh $cmd NODE (nodes: ${ALL_NODES[*]})"
      [[ -f "$SETTINGS_FILE" ]] || fail "no network in $RUN_DIR (run 'network.sh up' first)"
      if [[ "$cmd" == stop-node ]]; then
        node_alive "$n" || log "$n is not running"
        stop_node "$n"
      else
        start_node "$n"
        wait_node_ready "$n"
      fi
      ;;
    env) cmd_env "$@" ;;
    nodes) printf '%s\n' "${ALL_NODES[@]}" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
