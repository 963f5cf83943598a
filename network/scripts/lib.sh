# shellcheck shell=bash
# The ECCH network's single source of truth: topology, ports, paths, node environments,
# and the steps shared by native mode (network.sh) and Docker Compose (compose.sh).
# Sourced, never run. Callers set ECCH_MODE=native|compose before sourcing.
#
# Addresses come in two kinds:
#   host address: how scripts and tests on this machine reach a node:
#                 always 127.0.0.1:<ECCH_PORT_BASE + offset> (compose publishes the
#                 same ports on 127.0.0.1);
#   net address:  how nodes reach each other (Raft consenters, orderer endpoints, anchor
#                 peers, chaincode servers): the host address in native mode, the
#                 container host name and in-network port in compose.

ECCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NET_DIR="$ECCH_ROOT/network"
ECCH_MODE="${ECCH_MODE:-native}"
FABRIC_BIN_DIR="${FABRIC_BIN_DIR:-$ECCH_ROOT/.cache/fabric/bin}"
if [[ "$ECCH_MODE" == compose ]]; then
  RUN_DIR="${ECCH_COMPOSE_RUN_DIR:-$NET_DIR/.run/compose}"
else
  RUN_DIR="${ECCH_RUN_DIR:-$NET_DIR/.run}"
fi
CRYPTO="$RUN_DIR/crypto"
SETTINGS_FILE="$RUN_DIR/network.env"

# A network that is up keeps the settings it was started with (ports, chaincode module),
# so later commands (status, stop-node, start-node, down) act on the same nodes.
if [[ -f "$SETTINGS_FILE" ]]; then
  # shellcheck disable=SC1090
  source "$SETTINGS_FILE"
fi

ECCH_PORT_BASE="${ECCH_PORT_BASE:-17000}"
CHANNEL="${ECCH_CHANNEL:-ecch}"
CC_NAME="${ECCH_CHAINCODE_NAME:-ecch-market}"
CC_VERSION="${ECCH_CHAINCODE_VERSION:-1.0}"
CC_SEQUENCE="${ECCH_CHAINCODE_SEQUENCE:-1}"
CC_LABEL="${CC_NAME}_${CC_VERSION}"
# The utility co-signs every state change of the market it settles: no transaction of
# either org alone can change balances, orders or results.
CC_POLICY="AND('CommunityMSP.peer','GridMSP.peer')"
# Chaincode module (directory with package.json whose main exports `contracts`).
ECCH_CHAINCODE_MODULE="${ECCH_CHAINCODE_MODULE:-$ECCH_ROOT/chaincode}"

ORDERERS=(orderer1 orderer2 orderer3)
# Two peers per org: with one peer of each org down, AND(Community, Grid) is still met
# (network/README.md, "Availability"). peer0.<org> is the org's first peer: the Admin
# CLI's default, the anchor listed first, the gateway's preferred Gateway peer.
PEERS=(peer0.community peer1.community peer0.grid peer1.grid)
# One chaincode server per org, shared by both of the org's peers (each peer opens its
# own stream to it): two fewer Node processes on a 2-core machine. Stopping cc.<org> is
# therefore a fault of its own, which takes both of the org's peers' endorsements.
CC_SERVERS=(cc.community cc.grid)
# One Fabric CA server per application org (network/README.md, "Fabric CA"); node
# identities stay cryptogen's, the CAs issue client identities.
CAS=(ca.community ca.grid)
ALL_NODES=("${ORDERERS[@]}" "${PEERS[@]}" "${CC_SERVERS[@]}" "${CAS[@]}")

FABRIC_CA_VERSION="${FABRIC_CA_VERSION:-v1.5.21}"
# The identities the scripts register at the Community CA (register_ca_identities).
CA_BOOTSTRAP_ADMIN=admin
CA_REGISTRAR_ID=ecch-gateway
CA_NA_ID=ecch-na

if ! [[ "$ECCH_PORT_BASE" =~ ^[0-9]+$ ]] || ((ECCH_PORT_BASE < 1024 || ECCH_PORT_BASE > 65400)); then
  echo "ECCH_PORT_BASE must be an integer in 1024..65400 (got '$ECCH_PORT_BASE')" >&2
  exit 2
fi

# ---------------------------------------------------------------- logging and failure

ts() { date -u +%H:%M:%S.%3N; }
log() { printf '[%s] [%s] %s\n' "$(ts)" "${ECCH_LOG_TAG:-network}" "$*"; }

# Last lines of a node's log (native: its log file; compose: docker logs).
node_log_tail() {
  local node=$1 lines=${2:-40}
  if [[ "$ECCH_MODE" == compose ]]; then
    compose logs --no-color --tail "$lines" "$(compose_service "$node")" 2>&1 || true
  elif [[ -f "$RUN_DIR/logs/$node.log" ]]; then
    tail -n "$lines" "$RUN_DIR/logs/$node.log"
  else
    echo "(no log for $node)"
  fi
}

# fail MESSAGE [NODE...]: print the message, the log tail of each named node (or of
# every node whose process is gone when none is named), and exit non-zero.
fail() {
  local msg=$1; shift
  local nodes=("$@") n
  if ((${#nodes[@]} == 0)) && [[ "$ECCH_MODE" != compose ]]; then
    for n in "${ALL_NODES[@]}"; do
      if [[ -f "$RUN_DIR/pids/$n.pid" ]] && ! node_alive "$n"; then nodes+=("$n"); fi
    done
  fi
  log "FAILED: $msg" >&2
  for n in "${nodes[@]}"; do
    echo "----- last lines of $n's log -----" >&2
    node_log_tail "$n" 40 >&2
  done
  if [[ "$ECCH_MODE" != compose ]] && compgen -G "$RUN_DIR/pids/*.pid" >/dev/null; then
    log "nodes started so far keep running: 'network.sh down' stops them" >&2
  fi
  exit 1
}

# step DESCRIPTION [NODE...] -- COMMAND...: log, run, and on failure print the command's
# own output and the named nodes' log tails, then exit.
step() {
  local desc=$1; shift
  local nodes=()
  while (($#)) && [[ "$1" != -- ]]; do nodes+=("$1"); shift; done
  shift
  log "$desc"
  local out rc=0
  out="$("$@" 2>&1)" || rc=$?
  printf '%s\n' "$out" >>"$RUN_DIR/logs/steps.log"
  if ((rc != 0)); then
    echo "----- output of: $* -----" >&2
    printf '%s\n' "$out" | tail -n 40 >&2
    fail "$desc (exit $rc)" "${nodes[@]}"
  fi
}

# retry SECONDS DESCRIPTION [NODE...] -- COMMAND...: run until it succeeds; between tries
# check that the named nodes are still alive (native) so a crash fails fast.
retry() {
  local timeout=$1 desc=$2; shift 2
  local nodes=()
  while (($#)) && [[ "$1" != -- ]]; do nodes+=("$1"); shift; done
  shift
  log "$desc"
  local deadline=$((SECONDS + timeout)) out n
  while true; do
    if out="$("$@" 2>&1)"; then
      printf '%s\n' "$out" >>"$RUN_DIR/logs/steps.log"
      return 0
    fi
    if [[ "$ECCH_MODE" != compose ]]; then
      for n in "${nodes[@]}"; do
        node_alive "$n" || fail "$desc: $n exited" "$n"
      done
    fi
    if ((SECONDS >= deadline)); then
      echo "----- last output of: $* -----" >&2
      printf '%s\n' "$out" | tail -n 40 >&2
      fail "$desc: not done after ${timeout}s" "${nodes[@]}"
    fi
    sleep 0.5
  done
}

# ---------------------------------------------------------------- topology

# host_port NODE [KIND]: KIND = main (default) | admin | ops | cc (peer chaincode listener)
host_port() {
  local node=$1 kind=${2:-main} off
  case "$node:$kind" in
    orderer1:main) off=50 ;; orderer2:main) off=51 ;; orderer3:main) off=52 ;;
    orderer1:admin) off=53 ;; orderer2:admin) off=54 ;; orderer3:admin) off=55 ;;
    orderer1:ops) off=56 ;; orderer2:ops) off=57 ;; orderer3:ops) off=58 ;;
    peer0.community:main) off=71 ;; peer0.community:cc) off=72 ;; peer0.community:ops) off=73 ;;
    peer0.grid:main) off=81 ;; peer0.grid:cc) off=82 ;; peer0.grid:ops) off=83 ;;
    peer1.community:main) off=76 ;; peer1.community:cc) off=77 ;; peer1.community:ops) off=78 ;;
    peer1.grid:main) off=86 ;; peer1.grid:cc) off=87 ;; peer1.grid:ops) off=88 ;;
    cc.community:main) off=91 ;; cc.grid:main) off=92 ;;
    ca.community:main) off=74 ;; ca.community:ops) off=75 ;;
    ca.grid:main) off=84 ;; ca.grid:ops) off=85 ;;
    *) echo "no port $kind for node $node" >&2; return 1 ;;
  esac
  echo $((ECCH_PORT_BASE + off))
}
host_addr() { echo "127.0.0.1:$(host_port "$@")"; }

# Every port a native network listens on (for collision checks and `down` verification).
all_host_ports() {
  local n
  for n in "${ORDERERS[@]}"; do host_port "$n" main; host_port "$n" admin; host_port "$n" ops; done
  for n in "${PEERS[@]}"; do host_port "$n" main; host_port "$n" cc; host_port "$n" ops; done
  for n in "${CC_SERVERS[@]}"; do host_port "$n" main; done
  for n in "${CAS[@]}"; do host_port "$n" main; host_port "$n" ops; done
}

# Ports that compose publishes on 127.0.0.1 (node ops ports and chaincode servers stay
# inside the compose network).
published_host_ports() {
  local n
  for n in "${ORDERERS[@]}"; do host_port "$n" main; host_port "$n" admin; done
  for n in "${PEERS[@]}"; do host_port "$n" main; done
  for n in "${CAS[@]}"; do host_port "$n" main; done
}

node_kind() {
  case "$1" in
    orderer[123]) echo orderer ;;
    peer[01].community | peer[01].grid) echo peer ;;
    cc.community | cc.grid) echo cc ;;
    ca.community | ca.grid) echo ca ;;
    *) return 1 ;;
  esac
}
is_node() { node_kind "$1" >/dev/null 2>&1; }

node_org() { # community | grid | orderer
  case "$1" in
    orderer*) echo orderer ;;
    *.community) echo community ;;
    *.grid) echo grid ;;
  esac
}
org_msp() { case "$1" in community) echo CommunityMSP ;; grid) echo GridMSP ;; orderer) echo OrdererMSP ;; esac; }
org_domain() { echo "$1.ecch.local"; }
node_fqdn() {
  case "$1" in
    orderer*) echo "$1.orderer.ecch.local" ;;
    peer[01].*) echo "$1.ecch.local" ;;
    cc.community) echo "ecch-market.community.ecch.local" ;;
    cc.grid) echo "ecch-market.grid.ecch.local" ;;
    ca.community | ca.grid) echo "$1.ecch.local" ;;
  esac
}
# The chaincode server a peer dials (its org's, shared by the org's peers), and the
# peers of an org.
peer_cc() { echo "cc.$(node_org "$1")"; }
org_peers() { local n; for n in "${PEERS[@]}"; do [[ "$(node_org "$n")" == "$1" ]] && echo "$n"; done; return 0; }
# A peer's gossip bootstrap: the other peers of its org (so both get each other's
# membership at start and after a restart).
gossip_bootstrap() {
  local n org out=()
  org=$(node_org "$1")
  for n in $(org_peers "$org"); do [[ "$n" != "$1" ]] && out+=("$(net_addr "$n")"); done
  local IFS=' '
  echo "${out[*]}"
}

net_host() { if [[ "$ECCH_MODE" == compose ]]; then node_fqdn "$1"; else echo 127.0.0.1; fi; }
net_port() {
  if [[ "$ECCH_MODE" == compose ]]; then
    case "$(node_kind "$1")" in orderer) echo 7050 ;; peer) echo 7051 ;; cc) echo 9999 ;; ca) echo 7054 ;; esac
  else
    host_port "$1" main
  fi
}
net_addr() { echo "$(net_host "$1"):$(net_port "$1")"; }

# ---------------------------------------------------------------- crypto paths

org_dir() {
  if [[ "$1" == orderer ]]; then echo "$CRYPTO/ordererOrganizations/orderer.ecch.local"
  else echo "$CRYPTO/peerOrganizations/$(org_domain "$1")"; fi
}
node_dir() {
  local org; org=$(node_org "$1")
  if [[ "$org" == orderer ]]; then echo "$(org_dir orderer)/orderers/$(node_fqdn "$1")"
  else echo "$(org_dir "$org")/peers/$(node_fqdn "$1")"; fi
}
org_tlsca() { local d; d=$(org_dir "$1"); echo "$d/tlsca/tlsca.$(basename "$d")-cert.pem"; }
org_ca_cert() { local d; d=$(org_dir "$1"); echo "$d/ca/ca.$(basename "$d")-cert.pem"; }
org_ca_key() { echo "$(org_dir "$1")/ca/priv_sk"; }
org_admin_dir() { local d; d=$(org_dir "$1"); echo "$d/users/Admin@$(basename "$d")"; }
org_admin_msp() { echo "$(org_admin_dir "$1")/msp"; }
org_admin_cert() { local d; d=$(org_admin_dir "$1"); echo "$d/msp/signcerts/$(basename "$d")-cert.pem"; }
org_admin_key() { echo "$(org_admin_dir "$1")/msp/keystore/priv_sk"; }

CHANNEL_BLOCK="$RUN_DIR/channel/$CHANNEL.block"

# Fabric CA: per org, the server's TLS certificate (issued from the org's TLS CA), the
# server's home (native mode; compose keeps it in a volume), the bootstrap admin's
# fabric-ca-client home; and the secrets (0600) in one directory of the run directory.
ca_of() { echo "ca.$1"; }                           # the CA node of an org
ca_name() { ca_of "$1"; }                           # its --caname
ca_dir() { echo "$RUN_DIR/fabric-ca/$1"; }
ca_tls_dir() { echo "$(ca_dir "$1")/tls"; }
ca_server_home() { echo "$(ca_dir "$1")/server"; }
ca_admin_home() { echo "$(ca_dir "$1")/admin"; }
secrets_dir() { echo "$RUN_DIR/secrets"; }
ca_bootstrap_secret_file() { echo "$(secrets_dir)/$(ca_of "$1")-bootstrap-admin.secret"; }
identity_secret_file() { echo "$(secrets_dir)/$1.secret"; } # ecch-gateway, ecch-na
cc_package_file() { echo "$RUN_DIR/chaincode/$1.tar.gz"; } # by org

# ---------------------------------------------------------------- tools

fabric_bin() { echo "$FABRIC_BIN_DIR/$1"; }

# Fabric's default log format without the terminal colour codes (logs go to files).
FABRIC_LOG_FORMAT='%{time:2006-01-02 15:04:05.000 MST} [%{module}] %{shortfunc} -> %{level:.4s} %{id:03x} %{message}'
# Node log level: info, but without grpc-go's connection chatter.
ECCH_FABRIC_LOGGING_SPEC="${ECCH_FABRIC_LOGGING_SPEC:-grpc=warning:info}"

ensure_binaries() {
  local t missing=0
  for t in peer orderer configtxgen osnadmin cryptogen fabric-ca-server fabric-ca-client; do
    [[ -x "$(fabric_bin "$t")" ]] || missing=1
  done
  [[ "$(cat "$FABRIC_BIN_DIR/.fabric-ca" 2>/dev/null)" == "$FABRIC_CA_VERSION" ]] || missing=1
  if ((missing)); then
    log "Fabric binaries missing in $FABRIC_BIN_DIR: building them (network/scripts/install-binaries.sh; Fabric CA takes 2-3 min the first time)"
    FABRIC_BIN_DIR="$FABRIC_BIN_DIR" bash "$NET_DIR/scripts/install-binaries.sh" ||
      fail "building the Fabric binaries (network/scripts/install-binaries.sh)"
  else
    log "Fabric binaries: cached in $FABRIC_BIN_DIR ($(cat "$FABRIC_BIN_DIR/.pin" 2>/dev/null || echo 'unknown pin'), Fabric CA $FABRIC_CA_VERSION)"
  fi
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Renders a {{NAME}} template with the given NAME=VALUE pairs; fails on leftovers.
render_template() {
  local src=$1 dst=$2; shift 2
  local content kv
  content="$(<"$src")"
  for kv in "$@"; do
    content="${content//"{{${kv%%=*}}}"/"${kv#*=}"}"
  done
  if [[ "$content" == *"{{"* ]]; then
    echo "unrendered placeholder left in $src: $(grep -o '{{[A-Z0-9_]*}}' <<<"$content" | sort -u | tr '\n' ' ')" >&2
    return 1
  fi
  printf '%s\n' "$content" >"$dst"
}

# ---------------------------------------------------------------- artefacts

generate_crypto() {
  rm -rf "$CRYPTO" || return 1
  "$(fabric_bin cryptogen)" generate --config "$NET_DIR/crypto-config.yaml" --output "$CRYPTO"
}

# The orderers' BatchTimeout (ECCH_BATCH_TIMEOUT, default 250ms): how long a block
# waits for more transactions once it has one. Written into the channel's genesis
# block, so it is chosen at `up` (bench/results/batch-timeout.md: the measured sweep).
batch_timeout() {
  local t=${ECCH_BATCH_TIMEOUT:-250ms}
  if [[ ! "$t" =~ ^[1-9][0-9]{0,4}ms$ ]]; then
    echo "ECCH_BATCH_TIMEOUT must be 1ms..99999ms (e.g. 100ms), got '$t'" >&2
    return 1
  fi
  printf '%s' "$t"
}

generate_channel_block() {
  local vars=() n
  for n in "${ORDERERS[@]}"; do
    local up=${n^^}
    vars+=("${up}_HOST=$(net_host "$n")" "${up}_PORT=$(net_port "$n")" "${up}_ADDR=$(net_addr "$n")")
  done
  for n in "${PEERS[@]}"; do
    local up=${n^^}; up=${up//./_}
    vars+=("${up}_HOST=$(net_host "$n")" "${up}_PORT=$(net_port "$n")")
  done
  local timeout
  timeout=$(batch_timeout) || return 1
  vars+=("BATCH_TIMEOUT=$timeout")
  render_template "$NET_DIR/configtx.yaml" "$RUN_DIR/configtx.yaml" "${vars[@]}" || return 1
  mkdir -p "$RUN_DIR/channel" || return 1
  FABRIC_CFG_PATH="$RUN_DIR" "$(fabric_bin configtxgen)" -configPath "$RUN_DIR" \
    -profile EcchChannel -channelID "$CHANNEL" -outputBlock "$CHANNEL_BLOCK"
}

# A chaincode-as-a-service package for one org: metadata.json (type ccaas) and
# code.tar.gz holding connection.json with that org's chaincode server address.
# Built reproducibly (sorted, zero mtimes, gzip -n) so the package id is stable.
make_cc_package() {
  local org=$1 cc="cc.$1" tmp out
  out=$(cc_package_file "$org")
  # (Called from step's `||` context, where set -e is off: every command is checked.)
  tmp=$(mktemp -d) || return 1
  mkdir -p "$tmp/src" "$tmp/pkg" "$(dirname "$out")" || return 1
  # Plain gRPC between peer and chaincode server: loopback (native) or the private compose
  # network only; see network/README.md.
  printf '{"address":"%s","dial_timeout":"10s","tls_required":false}\n' "$(net_addr "$cc")" >"$tmp/src/connection.json" || return 1
  printf '{"type":"ccaas","label":"%s"}\n' "$CC_LABEL" >"$tmp/pkg/metadata.json" || return 1
  local tarflags=(--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner)
  tar -C "$tmp/src" "${tarflags[@]}" -cf - connection.json | gzip -n >"$tmp/pkg/code.tar.gz" || return 1
  tar -C "$tmp/pkg" "${tarflags[@]}" -cf - code.tar.gz metadata.json | gzip -n >"$out" || return 1
  rm -rf "$tmp"
}

# Fabric's package id: <label>:<hex sha256 of the package file> (what `peer lifecycle
# chaincode calculatepackageid` prints).
package_id() {
  local sum
  sum=$(sha256sum "$(cc_package_file "$1")") || return 1
  echo "$CC_LABEL:${sum%% *}"
}

# ---------------------------------------------------------------- Fabric CA

# A new random secret (hex: safe in an enrolment URL) in FILE, 0600, unless FILE exists.
ensure_secret_file() {
  local file=$1
  [[ -s "$file" ]] && return 0
  mkdir -p "$(dirname "$file")" && chmod 700 "$(dirname "$file")" || return 1
  (umask 077 && head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$file.tmp") && mv "$file.tmp" "$file"
}

# The secrets of both CAs' bootstrap admins, the gateway's registrar and the NA.
ensure_ca_secrets() {
  local org
  for org in community grid; do ensure_secret_file "$(ca_bootstrap_secret_file "$org")" || return 1; done
  ensure_secret_file "$(identity_secret_file "$CA_REGISTRAR_ID")" &&
    ensure_secret_file "$(identity_secret_file "$CA_NA_ID")"
}

# The CA server's TLS certificate: an ECDSA P-256 key and a server certificate issued by
# the org's cryptogen TLS CA (so clients trust it with tlsca, like the org's peers), for
# the CA's FQDN, its compose service name, localhost and 127.0.0.1. openssl x509 takes
# the authority key id from the TLS CA's own subject key id.
make_ca_tls() {
  local org=$1 dir ca fqdn
  dir=$(ca_tls_dir "$org") ca=$(ca_of "$org") fqdn=$(node_fqdn "$(ca_of "$org")")
  # (Called from step's `||` context, where set -e is off: every command is checked.)
  mkdir -p "$dir" || return 1
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/server.key") || return 1
  openssl req -new -key "$dir/server.key" -subj "/C=US/ST=California/L=San Francisco/O=$(org_domain "$org")/CN=$fqdn" \
    -out "$dir/server.csr" || return 1
  printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
    'extendedKeyUsage=serverAuth' 'subjectKeyIdentifier=hash' 'authorityKeyIdentifier=keyid' \
    "subjectAltName=DNS:$fqdn,DNS:$ca,DNS:localhost,IP:127.0.0.1" >"$dir/server.ext" || return 1
  openssl x509 -req -in "$dir/server.csr" -CA "$(org_tlsca "$org")" -CAkey "$(org_dir "$org")/tlsca/priv_sk" \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -sha256 -extfile "$dir/server.ext" -out "$dir/server.crt" || return 1
  rm -f "$dir/server.csr" "$dir/server.ext"
  openssl verify -CAfile "$(org_tlsca "$org")" "$dir/server.crt"
}

# ca_client ORG HOME COMMAND ARGS...: fabric-ca-client against ORG's CA on this machine
# (host address), trusting the org's TLS CA, with HOME as its home (msp/ below it).
# Prints its output without the secrets fabric-ca-client echoes (register's
# "Password: ...", identity modify's "Secret: ...").
ca_client() {
  local org=$1 home=$2 rc=0 out; shift 2
  local cmd=$1; shift
  mkdir -p "$home" && chmod 700 "$home" || return 1
  out=$(FABRIC_CA_CLIENT_URL="${FABRIC_CA_CLIENT_URL:-https://$(host_addr "$(ca_of "$org")")}" \
    "$(fabric_bin fabric-ca-client)" "$cmd" -H "$home" --caname "$(ca_name "$org")" \
    --tls.certfiles "$(org_tlsca "$org")" "$@" 2>&1) || rc=$?
  printf '%s\n' "$out" | sed -e 's/^Password: .*/Password: (hidden)/' -e 's/Secret: [^,]*/Secret: (hidden)/'
  return $rc
}

# The CA answers over TLS (its cainfo, with the org's TLS CA as trust).
ca_ready() { ca_client "$1" "$(ca_admin_home "$1")" getcainfo; }

# Enrols ORG's bootstrap admin into its fabric-ca-client home (re-enrolling is fine).
# The secret goes in the URL through the environment, not on the command line.
ca_enroll_bootstrap() {
  local org=$1 secret
  secret=$(<"$(ca_bootstrap_secret_file "$org")") || return 1
  FABRIC_CA_CLIENT_URL="https://$CA_BOOTSTRAP_ADMIN:$secret@$(host_addr "$(ca_of "$org")")" \
    ca_client "$org" "$(ca_admin_home "$org")" enroll --csr.names ''
}

# ca_register ORG ID SECRET_FILE ATTRS: registers ID (type client, root affiliation, so
# its certificates carry OU=client only; unlimited enrolments) with ATTRS as ORG's
# bootstrap admin. Idempotent: an ID already registered (a compose network restarted
# with its volumes) is modified to the same type, attributes and secret instead.
ca_register() {
  local org=$1 id=$2 secret_file=$3 attrs=$4 secret out rc=0
  secret=$(<"$secret_file") || return 1
  local home; home=$(ca_admin_home "$org")
  out=$(FABRIC_CA_CLIENT_ID_SECRET="$secret" ca_client "$org" "$home" register \
    --id.name "$id" --id.type client --id.affiliation . --id.maxenrollments -1 --id.attrs "$attrs") || rc=$?
  if ((rc == 0)); then printf '%s\n' "$out"; return 0; fi
  if ! grep -q 'is already registered' <<<"$out"; then printf '%s\n' "$out"; return 1; fi
  echo "$id is already registered at $(ca_name "$org"): setting its type, attributes and secret again"
  ca_client "$org" "$home" identity modify "$id" --type client --maxenrollments -1 --secret "$secret" --attrs "$attrs"
}

# After the CAs answer: enrol both bootstrap admins, register the gateway's registrar
# (may register client identities only, revoke, generate CRLs, and grant one
# attribute, ecch.meter, to the meters it enrols; not ecch.role, so it cannot mint an
# NA) and the NA (ecch.role=na in its enrolment certificate) at the Community CA.
# On a re-run, identity modify sets the same attributes again (hf.Registrar.Attributes too).
register_ca_identities() {
  local org
  for org in community grid; do
    step "$(ca_name "$org"): enrol the bootstrap admin '$CA_BOOTSTRAP_ADMIN' ($(ca_admin_home "$org"))" "$(ca_of "$org")" -- ca_enroll_bootstrap "$org"
  done
  step "$(ca_name community): register '$CA_REGISTRAR_ID' (client; hf.Registrar.Roles=client, hf.Registrar.Attributes=ecch.meter, hf.Revoker, hf.GenCRL)" ca.community -- \
    ca_register community "$CA_REGISTRAR_ID" "$(identity_secret_file "$CA_REGISTRAR_ID")" \
    'hf.Registrar.Roles=client,hf.Registrar.Attributes=ecch.meter,hf.Revoker=true,hf.GenCRL=true'
  step "$(ca_name community): register '$CA_NA_ID' (client; ecch.role=na:ecert)" ca.community -- \
    ca_register community "$CA_NA_ID" "$(identity_secret_file "$CA_NA_ID")" 'ecch.role=na:ecert'
}

# ---------------------------------------------------------------- admin clients

# as_admin ORG|PEER COMMAND...: runs a peer CLI command as the org's Admin against PEER,
# or against peer0.ORG when an org is named.
as_admin() {
  local org=$1 peer; shift
  if [[ "$org" == community || "$org" == grid ]]; then peer="peer0.$org"; else peer=$org; org=$(node_org "$peer"); fi
  env FABRIC_CFG_PATH="$NET_DIR/config" \
    FABRIC_LOGGING_SPEC="${ECCH_CLI_LOGGING_SPEC:-warning}" FABRIC_LOGGING_FORMAT="$FABRIC_LOG_FORMAT" \
    CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_LOCALMSPID="$(org_msp "$org")" \
    CORE_PEER_MSPCONFIGPATH="$(org_admin_msp "$org")" \
    CORE_PEER_TLS_ROOTCERT_FILE="$(org_tlsca "$org")" \
    CORE_PEER_ADDRESS="$(host_addr "$peer")" \
    "$@"
}

orderer_flags() { # for peer CLI commands that talk to the ordering service
  echo "-o $(host_addr "${1:-orderer1}") --tls --cafile $(org_tlsca orderer)"
}

# osn NODE SUBCOMMAND ARGS...: osnadmin as the orderer org's Admin (mutual TLS).
osn() {
  local node=$1; shift
  "$(fabric_bin osnadmin)" channel "$@" -o "$(host_addr "$node" admin)" \
    --ca-file "$(org_tlsca orderer)" \
    --client-cert "$(org_admin_dir orderer)/tls/client.crt" \
    --client-key "$(org_admin_dir orderer)/tls/client.key"
}

# ---------------------------------------------------------------- channel and chaincode

osn_join() { osn "$1" join --channelID "$CHANNEL" --config-block "$CHANNEL_BLOCK"; }
osn_joined() { osn "$1" list --channelID "$CHANNEL" 2>/dev/null | grep -q '"name": *"'"$CHANNEL"'"'; }
osn_channel_active() { osn "$1" list --channelID "$CHANNEL" | tr -d ' \t\n' | grep -q '"consensusRelation":"consenter","status":"active"'; }
peer_join() { as_admin "$1" "$(fabric_bin peer)" channel join -b "$CHANNEL_BLOCK"; }
peer_has_channel() { as_admin "$1" "$(fabric_bin peer)" channel getinfo -c "$CHANNEL" >/dev/null 2>&1; }
peer_ready() { as_admin "$1" "$(fabric_bin peer)" channel list; }

cc_install() { # PEER: installs its org's package (the same package id on both peers of an org)
  local peer=$1 out
  out=$(as_admin "$peer" "$(fabric_bin peer)" lifecycle chaincode install "$(cc_package_file "$(node_org "$peer")")" 2>&1) && return 0
  # Re-installing the same package is not an error for us.
  grep -q 'chaincode already successfully installed' <<<"$out" && return 0
  echo "$out"
  return 1
}

cc_approve() {
  local org=$1
  # shellcheck disable=SC2046
  as_admin "$org" "$(fabric_bin peer)" lifecycle chaincode approveformyorg $(orderer_flags) \
    --channelID "$CHANNEL" --name "$CC_NAME" --version "$CC_VERSION" --sequence "$CC_SEQUENCE" \
    --package-id "$(package_id "$org")" --signature-policy "$CC_POLICY"
}

cc_readiness() {
  as_admin community "$(fabric_bin peer)" lifecycle chaincode checkcommitreadiness \
    --channelID "$CHANNEL" --name "$CC_NAME" --version "$CC_VERSION" --sequence "$CC_SEQUENCE" \
    --signature-policy "$CC_POLICY" --output json | tr -d ' \t\n'
}
cc_approved_by() { cc_readiness | grep -q "\"$(org_msp "$1")\":true"; }
cc_commit_ready() { cc_approved_by community && cc_approved_by grid; }

cc_commit() {
  # shellcheck disable=SC2046
  as_admin community "$(fabric_bin peer)" lifecycle chaincode commit $(orderer_flags) \
    --channelID "$CHANNEL" --name "$CC_NAME" --version "$CC_VERSION" --sequence "$CC_SEQUENCE" \
    --signature-policy "$CC_POLICY" \
    --peerAddresses "$(host_addr peer0.community)" --tlsRootCertFiles "$(org_tlsca community)" \
    --peerAddresses "$(host_addr peer0.grid)" --tlsRootCertFiles "$(org_tlsca grid)"
}

cc_committed() {
  as_admin "${1:-community}" "$(fabric_bin peer)" lifecycle chaincode querycommitted \
    --channelID "$CHANNEL" --name "$CC_NAME"
}
# True when this sequence is already committed (compose restarts with kept volumes).
cc_committed_at_sequence() { cc_committed community 2>/dev/null | grep -q "Sequence: $CC_SEQUENCE,"; }

# A read-only call answered by PEER (or peer0.ORG) through its org's chaincode server: by default
# the market list (any identity may read it). Not org.hyperledger.fabric:GetMetadata:
# fabric-contract-api 2.5.8 serialises object results with class-transformer's
# classToPlain, which the class-transformer 0.4.1 its range resolves to does not have.
_default_ready_query='{"Args":["markets:List","","1",""]}'
ECCH_READY_QUERY="${ECCH_READY_QUERY:-$_default_ready_query}"
cc_query() {
  as_admin "$1" "$(fabric_bin peer)" chaincode query -C "$CHANNEL" -n "$CC_NAME" -c "$ECCH_READY_QUERY"
}

# PEER's Gateway can gather endorsements satisfying the chaincode's policy (its
# discovery knows the other org's peers and chaincode). Uses ECCH_READY_QUERY's call.
gateway_endorses() {
  local peer=$1 org call
  org=$(node_org "$peer")
  mapfile -t call < <(node -e 'for (const a of JSON.parse(process.argv[1]).Args) console.log(a)' "$ECCH_READY_QUERY") || return 1
  NODE_PATH="$ECCH_ROOT/node_modules" node "$NET_DIR/scripts/gateway-probe.js" \
    "$(host_addr "$peer")" "$(org_tlsca "$org")" "$(node_fqdn "$peer")" "$(org_msp "$org")" \
    "$(org_admin_cert "$org")" "$(org_admin_key "$org")" "$CHANNEL" "$CC_NAME" "${call[@]}"
}

# Joins the orderers and peers, installs/approves/commits the chaincode and waits until
# each peer answers a query through its own chaincode server. Nodes must be running.
# Steps already done (a compose network restarted with its volumes) are skipped.
deploy_channel_and_chaincode() {
  local n org
  for n in "${ORDERERS[@]}"; do
    if osn_joined "$n"; then log "osnadmin: $n already has channel '$CHANNEL'"; continue; fi
    step "osnadmin: $n joins channel '$CHANNEL' ($(host_addr "$n" admin))" "$n" -- osn_join "$n"
  done
  for n in "${ORDERERS[@]}"; do
    retry 60 "osnadmin: waiting until $n is an active consenter of '$CHANNEL'" "$n" -- osn_channel_active "$n"
  done
  for n in "${PEERS[@]}"; do
    if peer_has_channel "$n"; then log "$n already joined '$CHANNEL'"; continue; fi
    step "$n joins channel '$CHANNEL'" "$n" -- peer_join "$n"
  done
  for n in "${PEERS[@]}"; do
    org=$(node_org "$n")
    step "$n: install chaincode package $(basename "$(cc_package_file "$org")") ($(package_id "$org"))" "$n" -- cc_install "$n"
  done
  if cc_committed_at_sequence; then
    log "$CC_NAME sequence $CC_SEQUENCE is already committed on '$CHANNEL'"
  else
    for org in community grid; do
      # (checkcommitreadiness needs a joined peer that has caught up: retry quietly.)
      if cc_approved_by "$org" 2>/dev/null; then log "$(org_msp "$org") already approved $CC_NAME sequence $CC_SEQUENCE"; continue; fi
      # The first ordered transaction may race the first Raft leader election: retry.
      retry 90 "$(org_msp "$org"): approve $CC_NAME v$CC_VERSION seq $CC_SEQUENCE, policy $CC_POLICY" "peer0.$org" "${ORDERERS[@]}" -- cc_approve "$org"
    done
    retry 30 "checkcommitreadiness: both orgs approved" peer0.community peer0.grid -- cc_commit_ready
    retry 60 "commit $CC_NAME on channel '$CHANNEL' (endorsed by peer0 of each org)" peer0.community peer0.grid "${ORDERERS[@]}" -- cc_commit
  fi
  for n in "${PEERS[@]}"; do
    retry 30 "$n: chaincode definition committed" "$n" -- cc_committed "$n"
  done
  for n in "${PEERS[@]}"; do
    retry 90 "$n: query answered by its org's chaincode server ($(net_addr "$(peer_cc "$n")"))" "$n" "$(peer_cc "$n")" -- cc_query "$n"
  done
  # Until gossip has spread membership and installed chaincodes, a Gateway cannot plan an
  # AND endorsement ("no combination of peers can be derived"): wait for it here, not in
  # the first client request.
  # The Community peers are the gateway-api's Gateway peers (connection.json); the Grid
  # peers' Gateways serve Grid clients.
  for n in "${PEERS[@]}"; do
    retry 90 "$n: its Gateway gathers endorsements from both orgs (service discovery)" "${PEERS[@]}" -- gateway_endorses "$n"
  done
}

# ---------------------------------------------------------------- compose

# The values docker-compose.yaml interpolates, derived from this topology (compose.sh,
# validate-compose.sh).
export_compose_env() {
  local n v
  export ECCH_COMPOSE_STATE="$RUN_DIR"
  for n in "${ORDERERS[@]}"; do
    v=${n^^}
    export "ECCH_${v}_PORT=$(host_port "$n")" "ECCH_${v}_ADMIN_PORT=$(host_port "$n" admin)"
  done
  for n in "${PEERS[@]}"; do
    v=${n^^}; v=${v//./_}
    export "ECCH_${v}_PORT=$(host_port "$n")"
  done
  export "ECCH_CA_COMMUNITY_PORT=$(host_port ca.community)" "ECCH_CA_GRID_PORT=$(host_port ca.grid)"
  export ECCH_FABRIC_LOGGING_SPEC
}

# ---------------------------------------------------------------- connection info

# write_connection_json FILE [PATH_PREFIX] [ADDRESSES]
#   PATH_PREFIX replaces $RUN_DIR in file paths (files mounted elsewhere in a container);
#   ADDRESSES: host (127.0.0.1 ports, default) or net (addresses inside the network).
# The format is documented in network/README.md ("Connection info").
write_connection_json() {
  local file=$1 prefix=${2:-$RUN_DIR} kind=${3:-host}
  local n org msp kv=()
  _conn_addr() { if [[ "$kind" == host ]]; then host_addr "$1"; else net_addr "$1"; fi; }
  _conn_path() { echo "${prefix}${1#"$RUN_DIR"}"; }
  kv+=("schema=ecch-network/v1" "mode=$ECCH_MODE" "addresses=$kind" "portBase#=$ECCH_PORT_BASE"
    "channel=$CHANNEL" "channelBlockPath=$(_conn_path "$CHANNEL_BLOCK")"
    "chaincode/name=$CC_NAME" "chaincode/version=$CC_VERSION" "chaincode/sequence#=$CC_SEQUENCE"
    "chaincode/label=$CC_LABEL" "chaincode/endorsementPolicy=$CC_POLICY"
    "naAttribute/name=ecch.role" "naAttribute/value=na"
    "gateway/peer=peer0.community" "gateway/mspId=CommunityMSP"
    "gateway/endpoint=$(_conn_addr peer0.community)" "gateway/hostnameOverride=$(node_fqdn peer0.community)"
    "gateway/tlsCACertPath=$(_conn_path "$(org_tlsca community)")")
  for org in community grid orderer; do
    msp=$(org_msp "$org")
    kv+=("orgs/$msp/mspId=$msp" "orgs/$msp/domain=$(basename "$(org_dir "$org")")"
      "orgs/$msp/tlsCACertPath=$(_conn_path "$(org_tlsca "$org")")"
      "orgs/$msp/ca/certPath=$(_conn_path "$(org_ca_cert "$org")")"
      "orgs/$msp/ca/keyPath=$(_conn_path "$(org_ca_key "$org")")"
      "orgs/$msp/admin/certPath=$(_conn_path "$(org_admin_cert "$org")")"
      "orgs/$msp/admin/keyPath=$(_conn_path "$(org_admin_key "$org")")"
      "orgs/$msp/admin/mspPath=$(_conn_path "$(org_admin_msp "$org")")")
  done
  # The Fabric CA of each application org, and the identities registered at the Community
  # CA for the gateway-api (network/README.md, "Fabric CA").
  for org in community grid; do
    msp=$(org_msp "$org")
    local ca_url
    if [[ "$kind" == host ]]; then ca_url="https://$(host_addr "$(ca_of "$org")")"; else ca_url="https://$(net_addr "$(ca_of "$org")")"; fi
    kv+=("orgs/$msp/fabricCa/url=$ca_url" "orgs/$msp/fabricCa/caName=$(ca_name "$org")"
      "orgs/$msp/fabricCa/tlsCACertPath=$(_conn_path "$(org_tlsca "$org")")"
      "orgs/$msp/fabricCa/bootstrap/enrollmentId=$CA_BOOTSTRAP_ADMIN"
      "orgs/$msp/fabricCa/bootstrap/secretPath=$(_conn_path "$(ca_bootstrap_secret_file "$org")")")
  done
  kv+=("gateway/registrar/enrollmentId=$CA_REGISTRAR_ID"
    "gateway/registrar/secretPath=$(_conn_path "$(identity_secret_file "$CA_REGISTRAR_ID")")"
    "gateway/na/enrollmentId=$CA_NA_ID"
    "gateway/na/secretPath=$(_conn_path "$(identity_secret_file "$CA_NA_ID")")")
  kv+=("orgs/OrdererMSP/admin/tlsClientCertPath=$(_conn_path "$(org_admin_dir orderer)/tls/client.crt")"
    "orgs/OrdererMSP/admin/tlsClientKeyPath=$(_conn_path "$(org_admin_dir orderer)/tls/client.key")")
  for n in "${PEERS[@]}"; do
    org=$(node_org "$n")
    kv+=("peers/$n/mspId=$(org_msp "$org")" "peers/$n/endpoint=$(_conn_addr "$n")"
      "peers/$n/hostnameOverride=$(node_fqdn "$n")" "peers/$n/tlsCACertPath=$(_conn_path "$(org_tlsca "$org")")"
      "peers/$n/chaincodeServer=$(_conn_addr "$(peer_cc "$n")")" "peers/$n/packageId=$(package_id "$org")")
  done
  for n in "${ORDERERS[@]}"; do
    kv+=("orderers/$n/mspId=OrdererMSP" "orderers/$n/endpoint=$(_conn_addr "$n")"
      "orderers/$n/adminEndpoint=$(host_addr "$n" admin)"
      "orderers/$n/hostnameOverride=$(node_fqdn "$n")" "orderers/$n/tlsCACertPath=$(_conn_path "$(org_tlsca orderer)")")
  done
  if [[ "$kind" == host ]]; then
    # Where the Fabric CLIs and their core.yaml are, for tests and operators on this machine.
    kv+=("tools/fabricBinDir=$FABRIC_BIN_DIR" "tools/fabricCfgPath=$NET_DIR/config")
  fi
  printf '%s\n' "${kv[@]}" | node "$NET_DIR/scripts/write-connection.js" "$file"
}
