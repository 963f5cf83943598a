#!/usr/bin/env bash
# Builds every image docker-compose.yaml runs, locally and without any image registry,
# tagged as the images the compose file names:
#
#   hyperledger/fabric-orderer:$FABRIC_VERSION  FROM scratch + the static orderer binary
#   hyperledger/fabric-peer:$FABRIC_VERSION     FROM scratch + the static peer binary,
#                                               busybox (sh for the ccaas builder), the builder
#                                               (network/docker/fabric.Dockerfile)
#   node:20-bookworm-slim (whatever the project Dockerfiles' FROM names)
#                                               a Debian minbase rootfs (debootstrap, cached in
#                                               .cache/docker-images) + this machine's node and
#                                               npm (network/docker/node.Dockerfile)
#   hyperledger/fabric-ca:$FABRIC_CA_IMAGE_VERSION  the same Debian minbase rootfs + the cgo
#                                               (glibc) fabric-ca-server and fabric-ca-client
#                                               (network/docker/fabric-ca.Dockerfile)
#   ecch/chaincode:$ECCH_IMAGE_TAG              chaincode/Dockerfile   (npm ci over --network host)
#   ecch/gateway-api:$ECCH_IMAGE_TAG            gateway-api/Dockerfile (npm ci over --network host)
#
# The Fabric and Node images are local stand-ins for the official ones (labelled as such):
# on a machine that can pull the official images, `docker compose build` / `pull` needs
# none of this. Needs a running Docker engine (DOCKER_HOST or the default socket);
# network/scripts/compose-e2e.sh starts one. Installs with apt-get what it lacks
# (busybox-static, debootstrap). Builds use Docker's classic builder (DOCKER_BUILDKIT=0):
# BuildKit would fetch the `# syntax=` frontend image from a registry.
#
# Environment: FABRIC_VERSION (3.1.4), FABRIC_CA_IMAGE_VERSION (1.5.21), ECCH_IMAGE_TAG (local), FABRIC_BIN_DIR
# (.cache/fabric/bin, built by install-binaries.sh if missing), ECCH_IMAGE_CACHE
# (.cache/docker-images: the rootfs tarball and build logs), ECCH_DEBIAN_MIRROR
# (http://deb.debian.org/debian), DOCKER (docker CLI; default /usr/bin/docker if present).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NET_DIR="$ROOT/network"
FABRIC_VERSION="${FABRIC_VERSION:-3.1.4}"
FABRIC_CA_IMAGE_VERSION="${FABRIC_CA_IMAGE_VERSION:-1.5.21}"
ECCH_IMAGE_TAG="${ECCH_IMAGE_TAG:-local}"
FABRIC_BIN_DIR="${FABRIC_BIN_DIR:-$ROOT/.cache/fabric/bin}"
CACHE_DIR="${ECCH_IMAGE_CACHE:-$ROOT/.cache/docker-images}"
DEBIAN_MIRROR="${ECCH_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if [[ -z "${DOCKER:-}" ]]; then
  if [[ -x /usr/bin/docker ]]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi
fi
export DOCKER_BUILDKIT=0
LOG_DIR="$CACHE_DIR/logs"
t_start=$SECONDS

log() { printf '[%s] [build-images] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "FAILED: $*" >&2; exit 1; }

# run LOGNAME DESCRIPTION -- COMMAND...: logs the step, keeps the command's output in
# $LOG_DIR/LOGNAME.log, prints its tail and stops on failure.
run() {
  local name=$1 desc=$2 t0=$SECONDS rc=0; shift 3
  log "$desc"
  "$@" >"$LOG_DIR/$name.log" 2>&1 || rc=$?
  if ((rc != 0)); then
    echo "----- last lines of $LOG_DIR/$name.log -----" >&2
    tail -n 40 "$LOG_DIR/$name.log" >&2
    die "$desc (exit $rc)"
  fi
  log "  done in $((SECONDS - t0)) s"
}

apt_updated=0
apt_install() {
  local SUDO=()
  ((EUID == 0)) || SUDO=(sudo)
  if ((apt_updated == 0)); then
    run apt-update "apt-get update (to install: $*)" -- "${SUDO[@]}" apt-get update -qq
    apt_updated=1
  fi
  run apt-install "apt-get install $*" -- env DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "$@"
}

is_static() { ! ldd "$1" >/dev/null 2>&1; } # ldd fails on a statically linked executable

# Build-time proxy settings, passed on when this machine has them.
proxy_args=()
for v in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
  [[ -n "${!v:-}" ]] && proxy_args+=(--build-arg "$v=${!v}")
done

# Deletes a directory tree; debootstrap mounts proc/sys (and may bind /dev) inside its
# target, so unmount whatever is mounted below it first and never cross a mount.
remove_tree() {
  local dir=$1 m
  [[ -n "$dir" && -d "$dir" ]] || return 0
  awk -v d="$dir/" 'index($2 "/", d) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf --one-file-system "$dir"
}
tmp=$(mktemp -d)
rootfs=""
trap 'remove_tree "$rootfs"; remove_tree "$tmp"' EXIT

mkdir -p "$LOG_DIR"
log "images for docker-compose.yaml: Fabric $FABRIC_VERSION, project tag $ECCH_IMAGE_TAG (logs in $LOG_DIR)"

# ---------------------------------------------------------------- preflight

command -v "$DOCKER" >/dev/null 2>&1 || die "no docker CLI ($DOCKER): apt-get install docker.io"
"$DOCKER" info >/dev/null 2>&1 ||
  die "no Docker engine reachable (DOCKER_HOST=${DOCKER_HOST:-unset}): start dockerd, or run network/scripts/compose-e2e.sh, which starts one"
log "Docker engine $("$DOCKER" version --format '{{.Server.Version}}'), storage $("$DOCKER" info --format '{{.Driver}}'), classic builder"

if [[ ! -x /bin/busybox ]] || ! is_static /bin/busybox; then apt_install busybox-static; fi
is_static /bin/busybox || die "/bin/busybox is not statically linked (install Debian's busybox-static)"
command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap

for t in orderer peer; do
  if [[ ! -x "$FABRIC_BIN_DIR/$t" ]]; then
    log "Fabric binaries missing in $FABRIC_BIN_DIR: network/scripts/install-binaries.sh"
    FABRIC_BIN_DIR="$FABRIC_BIN_DIR" bash "$NET_DIR/scripts/install-binaries.sh" || die "building the Fabric binaries"
  fi
  is_static "$FABRIC_BIN_DIR/$t" || die "$FABRIC_BIN_DIR/$t is dynamically linked: FROM scratch needs CGO_ENABLED=0 builds (install-binaries.sh)"
done
for t in fabric-ca-server fabric-ca-client; do
  if [[ ! -x "$FABRIC_BIN_DIR/$t" ]]; then
    log "Fabric CA binaries missing in $FABRIC_BIN_DIR: network/scripts/install-binaries.sh"
    FABRIC_BIN_DIR="$FABRIC_BIN_DIR" bash "$NET_DIR/scripts/install-binaries.sh" || die "building the Fabric CA binaries"
  fi
done
ca_version=$("$FABRIC_BIN_DIR/fabric-ca-server" version | sed -n 's/^ *Version: //p')
[[ "$ca_version" == "$FABRIC_CA_IMAGE_VERSION" ]] ||
  die "$FABRIC_BIN_DIR/fabric-ca-server is version '$ca_version', the image is to be $FABRIC_CA_IMAGE_VERSION (FABRIC_CA_VERSION for install-binaries.sh)"

# ---------------------------------------------------------------- Fabric images

ctx="$tmp/fabric"
mkdir -p "$ctx/bin"
cp "$FABRIC_BIN_DIR/orderer" "$FABRIC_BIN_DIR/peer" "$ctx/bin/"
cp /bin/busybox "$ctx/busybox"
cp -R "$NET_DIR/config" "$ctx/config"
cp -R "$NET_DIR/ccaas-builder" "$ctx/ccaas-builder"
cp "$NET_DIR/docker/fabric.Dockerfile" "$ctx/Dockerfile"
for kind in orderer peer; do
  image="hyperledger/fabric-$kind:$FABRIC_VERSION"
  run "fabric-$kind" "docker build $image (FROM scratch: static $kind binary $(cat "$FABRIC_BIN_DIR/.pin" 2>/dev/null || true))" -- \
    "$DOCKER" build --network none --target "$kind" --build-arg "FABRIC_VERSION=$FABRIC_VERSION" -t "$image" "$ctx"
done
run fabric-check "checking the Fabric images: orderer version, peer version, sh for the ccaas builder" -- bash -c '
  set -e
  "$1" run --rm --network none "hyperledger/fabric-orderer:$2" orderer version
  "$1" run --rm --network none "hyperledger/fabric-peer:$2" peer version
  "$1" run --rm --network none "hyperledger/fabric-peer:$2" sh -c "cd /tmp && ls /opt/ecch/ccaas-builder/bin && echo {} | tr -d \" \" && echo \$FABRIC_CFG_PATH"
' _ "$DOCKER" "$FABRIC_VERSION"

# ---------------------------------------------------------------- Node base image

mapfile -t node_tags < <(awk 'toupper($1) == "FROM" {print $2}' "$ROOT/chaincode/Dockerfile" "$ROOT/gateway-api/Dockerfile" | sort -u)
((${#node_tags[@]} == 1)) || die "the project Dockerfiles start from ${#node_tags[@]} different images (${node_tags[*]}); expected one node:<major>-<suite>-slim"
node_tag=${node_tags[0]}
[[ "$node_tag" =~ ^node:([0-9]+)-([a-z]+)-slim$ ]] || die "cannot make $node_tag locally: only node:<major>-<suite>-slim is supported"
node_major=${BASH_REMATCH[1]}
suite=${BASH_REMATCH[2]}
host_node=$(command -v node) || die "no node on this machine"
host_node_version=$(node --version)
[[ "$host_node_version" == "v$node_major."* ]] || die "$node_tag needs Node $node_major, this machine has $host_node_version"
host_suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[[ "$host_suite" == "$suite" ]] || die "$node_tag is Debian $suite, this machine is '$host_suite': its node binary needs the same glibc"
npm_root=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd) || die "no npm on this machine"
[[ -f "$npm_root/bin/npm-cli.js" ]] || die "cannot find npm's package directory (got $npm_root)"

base_image="ecch-local/debian:$suite-minbase"
rootfs_tar="$CACHE_DIR/debian-$suite-minbase.tar"
if "$DOCKER" image inspect "$base_image" >/dev/null 2>&1; then
  log "$base_image: present"
else
  if [[ -s "$rootfs_tar" ]]; then
    log "Debian $suite minbase rootfs: cached ($rootfs_tar)"
  else
    rootfs="$CACHE_DIR/rootfs.$$"
    run debootstrap "debootstrap --variant=minbase $suite from $DEBIAN_MIRROR (once; cached in $rootfs_tar)" -- \
      debootstrap --variant=minbase "$suite" "$rootfs" "$DEBIAN_MIRROR"
    # What debian:*-slim also leaves out: downloaded packages, apt lists, documentation.
    rm -rf --one-file-system "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
      "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
    run rootfs-tar "packing the rootfs" -- \
      tar --numeric-owner --one-file-system -C "$rootfs" -cf "$rootfs_tar.tmp" .
    mv "$rootfs_tar.tmp" "$rootfs_tar"
    remove_tree "$rootfs"
    rootfs=""
  fi
  run rootfs-import "docker import $rootfs_tar as $base_image" -- \
    "$DOCKER" import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' "$rootfs_tar" "$base_image"
fi

ctx="$tmp/node"
mkdir -p "$ctx"
cp "$host_node" "$ctx/node"
cp -R "$npm_root" "$ctx/npm"
cp "$NET_DIR/docker/node.Dockerfile" "$ctx/Dockerfile"
extra_ca=""
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -r "$NODE_EXTRA_CA_CERTS" ]]; then
  cp "$NODE_EXTRA_CA_CERTS" "$ctx/extra-ca-certs.pem"
  extra_ca=/usr/local/share/ecch/extra-ca-certs.pem
  log "this machine trusts extra CAs for Node (NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS): copied into $node_tag for npm ci"
else
  : >"$ctx/extra-ca-certs.pem"
fi
run node-base "docker build $node_tag ($base_image + node $host_node_version, npm $(npm --version 2>/dev/null))" -- \
  "$DOCKER" build --network none --build-arg "BASE_IMAGE=$base_image" --build-arg "NODE_VERSION=${host_node_version#v}" \
  --build-arg "EXTRA_CA_CERTS=$extra_ca" -t "$node_tag" "$ctx"

# ---------------------------------------------------------------- Fabric CA image

# cgo binaries (glibc) on the same Debian rootfs as the Node image: the release check
# above (host suite = image suite) covers their glibc too.
ctx="$tmp/fabric-ca"
mkdir -p "$ctx/bin"
cp "$FABRIC_BIN_DIR/fabric-ca-server" "$FABRIC_BIN_DIR/fabric-ca-client" "$ctx/bin/"
cp "$NET_DIR/docker/fabric-ca.Dockerfile" "$ctx/Dockerfile"
ca_image="hyperledger/fabric-ca:$FABRIC_CA_IMAGE_VERSION"
run fabric-ca "docker build $ca_image ($base_image + fabric-ca-server, fabric-ca-client $ca_version)" -- \
  "$DOCKER" build --network none --build-arg "BASE_IMAGE=$base_image" --build-arg "FABRIC_CA_VERSION=$FABRIC_CA_IMAGE_VERSION" \
  -t "$ca_image" "$ctx"
run fabric-ca-check "checking the Fabric CA image: server and client versions, sh and cat for the compose command" -- \
  "$DOCKER" run --rm --network none "$ca_image" sh -c 'fabric-ca-server version && fabric-ca-client version && echo ok | cat'

# ---------------------------------------------------------------- project images

for svc in chaincode gateway-api; do
  image="ecch/$svc:$ECCH_IMAGE_TAG"
  run "$svc" "docker build $image from $svc/Dockerfile (npm ci over the host network)" -- \
    "$DOCKER" build --network host "${proxy_args[@]}" -f "$ROOT/$svc/Dockerfile" -t "$image" "$ROOT"
done

log "images ready in $((SECONDS - t_start)) s:"
"$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}' |
  grep -E "^(hyperledger/fabric-(orderer|peer):$FABRIC_VERSION|hyperledger/fabric-ca:$FABRIC_CA_IMAGE_VERSION|${node_tag}|ecch/(chaincode|gateway-api):$ECCH_IMAGE_TAG) " | sed 's/^/  /' || true
