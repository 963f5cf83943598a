#!/usr/bin/env bash
# The ECCH network in Docker Compose, end to end, as CI runs it:
#
#   1. Docker: installs Debian's docker.io and docker-compose if missing; uses the Docker
#      engine that is running, or starts a private dockerd (root) and stops it at the end;
#   2. images: network/scripts/build-images.sh (no registry needed);
#   3. network: `compose.sh up` with ECCH_COMPOSE_NETWORK=host (docker-compose.yaml +
#      network/compose.ci.yaml: every container on the host's network stack, listening
#      on 127.0.0.1 only at the native ports from ECCH_PORT_BASE) in a fresh state
#      directory: crypto, channel, osnadmin joins, peers join, chaincode deployed;
#   4. the gateway-api container: /ready, then an NA request that issues an identity and
#      writes to the ledger;
#   5. the network jest suites (smoke, end to end, block access, Fabric CA) against the
#      Compose network (ECCH_NETWORK_MODE=compose, its connection.json);
#   6. teardown, also on failure or Ctrl-C: compose down -v, the project's containers
#      and volumes removed, the state directory deleted, dockerd stopped if started here,
#      the ports checked free. On failure the container logs are kept and their path printed.
#
# Extra arguments go to jest. Exit status: 0 only if every step and every test passed.
#
# Environment:
#   ECCH_PORT_BASE            port block (default 17000; the gateway-api container gets base+93)
#   ECCH_COMPOSE_E2E_TESTS    test files (default: network.smoke.test.ts, e2e.test.ts, block-access.test.ts,
#                             fabric-ca.test.ts)
#   ECCH_DOCKER_DATA_ROOT     private dockerd's data root (default /var/lib/ecch-docker: images
#                             and build cache survive between runs)
#   ECCH_DOCKER_EXEC_ROOT     private dockerd's exec root and socket (default /run/ecch-docker)
#   ECCH_KEEP_COMPOSE=1       leave the network (and dockerd) up for debugging; then run
#                             `ECCH_COMPOSE_RUN_DIR=<printed dir> compose.sh reset` yourself
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCRIPTS="$ROOT/network/scripts"
cd "$ROOT"
t_start=$SECONDS

export ECCH_PORT_BASE="${ECCH_PORT_BASE:-17000}"
export ECCH_COMPOSE_NETWORK=host
export ECCH_COMPOSE_BUILD=0 # build-images.sh built them, with the host network
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-ecch-e2e}"
export ECCH_GATEWAY_PORT="${ECCH_GATEWAY_PORT:-$((ECCH_PORT_BASE + 93))}"
export ECCH_GATEWAY_ADMIN_TOKEN="${ECCH_GATEWAY_ADMIN_TOKEN:-na-compose-e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export DOCKER_BUILDKIT=0
DATA_ROOT="${ECCH_DOCKER_DATA_ROOT:-/var/lib/ecch-docker}"
EXEC_ROOT="${ECCH_DOCKER_EXEC_ROOT:-/run/ecch-docker}"
# The network suites that need only a connection file (faults.test.ts stops and starts
# native nodes with network.sh, so it is native-only).
TESTS="${ECCH_COMPOSE_E2E_TESTS:-test/network/network.smoke.test.ts test/network/e2e.test.ts test/network/block-access.test.ts test/network/fabric-ca.test.ts}"
DOCKER_FROM_ENV=${DOCKER:-}
pick_docker_cli() {
  # Debian's docker.io CLI matches the engine this script starts; DOCKER= overrides.
  if [[ -n "$DOCKER_FROM_ENV" ]]; then DOCKER=$DOCKER_FROM_ENV
  elif [[ -x /usr/bin/docker ]]; then DOCKER=/usr/bin/docker
  else DOCKER=docker; fi
  export DOCKER
}
pick_docker_cli

log() { printf '[%s] [compose-e2e] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "FAILED: $*" >&2; exit 1; }
phase() { echo; log "== $*"; }

STATE=""         # compose state directory (ECCH_COMPOSE_RUN_DIR)
DOCKERD_PID=""   # set when this script started (or adopted) the private dockerd
KEEP_LOGS=""     # container logs kept on failure
failed=1

# ---------------------------------------------------------------- Docker engine

SUDO=()
((EUID == 0)) || SUDO=(sudo)
ensure_packages() {
  local want=()
  command -v dockerd >/dev/null 2>&1 || want+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || want+=(docker-compose)
  ((${#want[@]} == 0)) && return 0
  log "installing ${want[*]} (apt-get)"
  "${SUDO[@]}" apt-get update -qq || die "apt-get update"
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${want[@]}" >/dev/null || die "apt-get install ${want[*]}"
  pick_docker_cli
}

engine_up() { "$DOCKER" info >/dev/null 2>&1; }

start_dockerd() {
  if engine_up; then
    log "using the running Docker engine (${DOCKER_HOST:-default socket}); it is left running"
    return 0
  fi
  local sock="$EXEC_ROOT/docker.sock" pidfile="$EXEC_ROOT/dockerd.pid"
  export DOCKER_HOST="unix://$sock"
  if engine_up; then
    DOCKERD_PID=$(cat "$pidfile" 2>/dev/null || true)
    log "a private dockerd left by an earlier run answers on $sock (pid ${DOCKERD_PID:-?}): using it, stopping it at the end"
    return 0
  fi
  ((EUID == 0)) || die "no Docker engine is running and starting dockerd needs root"
  mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
  DOCKERD_LOG="$EXEC_ROOT/dockerd.log"
  # No bridge, NAT or iptables rules: every container of this run uses the host's network
  # stack (network/compose.ci.yaml), every build --network host or none.
  log "starting dockerd (data root $DATA_ROOT, socket $sock, --bridge=none --iptables=false, log $DOCKERD_LOG)"
  setsid dockerd --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$pidfile" \
    -H "unix://$sock" --bridge=none --iptables=false --ip-masq=false --storage-driver=overlay2 \
    </dev/null >"$DOCKERD_LOG" 2>&1 &
  DOCKERD_PID=$!
  local i
  for ((i = 0; i < 120; i++)); do
    engine_up && break
    kill -0 "$DOCKERD_PID" 2>/dev/null || { tail -n 30 "$DOCKERD_LOG" >&2; DOCKERD_PID=""; die "dockerd exited while starting"; }
    sleep 0.5
  done
  engine_up || { tail -n 30 "$DOCKERD_LOG" >&2; die "dockerd did not answer within 60 s"; }
  log "dockerd $("$DOCKER" version --format '{{.Server.Version}}') up (pid $DOCKERD_PID)"
}

stop_dockerd() {
  [[ -n "$DOCKERD_PID" ]] || return 0
  log "stopping dockerd (pid $DOCKERD_PID)"
  kill -TERM "$DOCKERD_PID" 2>/dev/null || true
  local i
  for ((i = 0; i < 60; i++)); do
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$DOCKERD_PID" 2>/dev/null; then
    log "dockerd did not stop within 30 s: killing it"
    kill -KILL "$DOCKERD_PID" 2>/dev/null || true
    sleep 1
  fi
  DOCKERD_PID=""
  # dockerd leaves its bind mount of the host's network namespace (and, if killed,
  # container mounts) behind.
  local m
  awk -v a="$EXEC_ROOT/" -v b="$DATA_ROOT/" 'index($2 "/", a) == 1 || index($2 "/", b) == 1 {print $2}' /proc/mounts |
    sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
}

# ---------------------------------------------------------------- project resources

# Containers and volumes of this Compose project (also a crashed earlier run's).
project_containers() { "$DOCKER" ps -aq --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME"; }
project_volumes() { "$DOCKER" volume ls -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME"; }
remove_project_leftovers() {
  local c v
  c=$(project_containers)
  [[ -n "$c" ]] && { log "removing containers of project $COMPOSE_PROJECT_NAME: $(echo $c)"; "$DOCKER" rm -f $c >/dev/null; }
  v=$(project_volumes)
  [[ -n "$v" ]] && { log "removing volumes of project $COMPOSE_PROJECT_NAME: $(echo $v)"; "$DOCKER" volume rm -f $v >/dev/null; }
  return 0
}

ports_in_use() {
  local p off
  # (lib.sh's offsets: orderers, Community peers and CA, Grid peers and CA, chaincode
  # servers, the gateway-api container)
  for off in 50 51 52 53 54 55 56 57 58 71 72 73 74 75 76 77 78 81 82 83 84 85 86 87 88 91 92 93; do
    p=$((ECCH_PORT_BASE + off))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && echo "$p"
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$ECCH_GATEWAY_PORT") 2>/dev/null && echo "$ECCH_GATEWAY_PORT"
  return 0
}

teardown() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  phase "teardown"
  if [[ "${ECCH_KEEP_COMPOSE:-0}" == 1 && -n "$STATE" ]]; then
    log "ECCH_KEEP_COMPOSE=1: leaving the network up (state $STATE, DOCKER_HOST=${DOCKER_HOST:-default}); tear it down with:"
    log "  DOCKER_HOST=${DOCKER_HOST:-} ECCH_COMPOSE_RUN_DIR=$STATE COMPOSE_PROJECT_NAME=$COMPOSE_PROJECT_NAME bash network/scripts/compose.sh reset"
    exit "$rc"
  fi
  if engine_up; then
    if ((failed)) && [[ -n "$STATE" && -n "$(project_containers)" ]]; then
      KEEP_LOGS=$(mktemp -d /tmp/ecch-compose-e2e-logs.XXXXXX)
      local c name
      for c in $(project_containers); do
        name=$("$DOCKER" inspect --format '{{index .Config.Labels "com.docker.compose.service"}}' "$c")
        "$DOCKER" logs --timestamps "$c" >"$KEEP_LOGS/$name.log" 2>&1
      done
      cp -R "$STATE/logs" "$KEEP_LOGS/steps" 2>/dev/null
      log "container logs kept in $KEEP_LOGS"
    fi
    if [[ -n "$STATE" && -d "$STATE" ]]; then
      ECCH_COMPOSE_RUN_DIR="$STATE" bash "$SCRIPTS/compose.sh" reset 2>&1 | sed 's/^/  /'
    fi
    remove_project_leftovers
    [[ -z "$(project_containers)" ]] || { log "containers of $COMPOSE_PROJECT_NAME still exist"; rc=1; }
  fi
  [[ -n "$STATE" && -d "$STATE" ]] && rm -rf "$STATE"
  stop_dockerd
  local busy
  busy=$(ports_in_use | tr '\n' ' ')
  [[ -z "$busy" ]] || { log "ports still listening on 127.0.0.1 after teardown: $busy"; rc=1; }
  if ((rc == 0)); then
    log "PASSED in $((SECONDS - t_start)) s; nothing left running"
  else
    log "FAILED (exit $rc) after $((SECONDS - t_start)) s${KEEP_LOGS:+; container logs in $KEEP_LOGS}"
  fi
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- run

phase "Docker engine"
[[ -n "${DOCKER_HOST:-}" ]] || unset DOCKER_HOST
ensure_packages
start_dockerd
command -v docker-compose >/dev/null 2>&1 && log "$(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /')"
remove_project_leftovers
busy=$(ports_in_use | tr '\n' ' ')
[[ -z "$busy" ]] || die "ports already in use on 127.0.0.1: $busy (choose another ECCH_PORT_BASE)"

phase "images (network/scripts/build-images.sh)"
bash "$SCRIPTS/build-images.sh" || die "building the images"

phase "Compose network, host network mode, ports from ECCH_PORT_BASE=$ECCH_PORT_BASE"
STATE=$(mktemp -d /tmp/ecch-compose-e2e.XXXXXX)
export ECCH_COMPOSE_RUN_DIR="$STATE"
t0=$SECONDS
bash "$SCRIPTS/compose.sh" up || die "compose.sh up"
log "network up in $((SECONDS - t0)) s"
"$DOCKER" ps --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" --format '  {{.Names}}  {{.Image}}  {{.Status}}'

phase "gateway-api container (http://127.0.0.1:$ECCH_GATEWAY_PORT)"
node - "http://127.0.0.1:$ECCH_GATEWAY_PORT" "$ECCH_GATEWAY_ADMIN_TOKEN" "e2e-$(date +%s)" <<'JS' || die "the gateway-api container does not serve the ledger"
const [api, token, id] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const r = await fetch(`${api}/ready`).catch((e) => ({ status: 0, text: async () => e.message }));
    if (r.status === 200) break;
    if (Date.now() > deadline) throw new Error(`/ready: ${r.status} ${await r.text()}`);
    await sleep(1000);
  }
  console.log('  GET /ready: 200');
  const reg = await fetch(`${api}/v1/participants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id, name: 'Compose smoke household', kind: 'consumer' }),
  });
  const body = await reg.json();
  if (reg.status !== 201 || !body.token) throw new Error(`POST /v1/participants: ${reg.status} ${JSON.stringify(body)}`);
  console.log(`  POST /v1/participants (identity issued from the Community CA, written to the ledger): 201, ${body.participant.id} ${body.participant.status}`);
  const got = await fetch(`${api}/v1/participants/${id}`, { headers: { authorization: `Bearer ${token}` } });
  if (got.status !== 200) throw new Error(`GET /v1/participants/${id}: ${got.status} ${await got.text()}`);
  console.log(`  GET /v1/participants/${id}: 200`);
})().catch((e) => { console.error(e.message); process.exit(1); });
JS

tests=()
for f in $TESTS; do
  [[ -f "$f" ]] && tests+=("$f") || die "test file $f does not exist (ECCH_COMPOSE_E2E_TESTS)"
done
phase "jest against the Compose network: ${tests[*]}"
t0=$SECONDS
ECCH_NETWORK_MODE=compose ECCH_NETWORK_CONNECTION="$STATE/connection.json" \
  npx jest --ci --selectProjects network --runInBand --runTestsByPath "${tests[@]}" "$@" || die "jest against the Compose network"
log "jest passed in $((SECONDS - t0)) s"
failed=0
