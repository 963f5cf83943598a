#!/usr/bin/env bash
# Validates docker-compose.yaml without a Docker engine or any image (CI has neither):
#   1. `docker-compose config` accepts the file (Debian's docker-compose, installed with
#      apt-get if missing), with the defaults and with the values compose.sh derives from
#      the topology (checked with a non-default ECCH_PORT_BASE);
#   2. the resolved configuration matches the topology in lib.sh: the services, every
#      published port on 127.0.0.1 at the topology's number, the official Fabric and
#      Fabric CA images at the pinned releases, the shared config and ccaas builder mounted
#      where network/config/core.yaml expects them, each Fabric CA with TLS, its org's
#      cryptogen CA, its TLS certificate, its bootstrap secret and a volume for its home,
#      the gateway with its registrar's and the NA's secrets at the paths its connection
#      file names (and no bootstrap admin's), and every file it mounts or builds from
#      present in the repository.
set -euo pipefail
ECCH_MODE=compose
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ECCH_LOG_TAG=validate-compose
COMPOSE_FILE="$ECCH_ROOT/docker-compose.yaml"

if ! command -v docker-compose >/dev/null 2>&1; then
  log "docker-compose not found: installing Debian's docker-compose (apt-get)"
  SUDO=()
  if ((EUID != 0)); then SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq docker-compose >/dev/null
fi
log "$(docker-compose version --short 2>/dev/null || docker-compose version | head -1)"

# Validation only: nothing is started, built or pulled. A throwaway state directory
# stands in for network/.run/compose.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export COMPOSE_PROJECT_NAME=ecch-validate

log "docker-compose config (defaults)"
(cd "$ECCH_ROOT" && env -u ECCH_PORT_BASE docker-compose -f "$COMPOSE_FILE" config -q)

ECCH_PORT_BASE=27000
RUN_DIR="$tmp/state"
export_compose_env
log "docker-compose config (ECCH_PORT_BASE=$ECCH_PORT_BASE, state $RUN_DIR)"
(cd "$ECCH_ROOT" && docker-compose -f "$COMPOSE_FILE" config >"$tmp/resolved.yaml")

# The expected host ports, from the topology.
expected=()
for n in "${ORDERERS[@]}"; do
  expected+=("$n=$(host_port "$n"):7050" "$n=$(host_port "$n" admin):9443")
done
for n in "${PEERS[@]}"; do expected+=("$n=$(host_port "$n"):7051"); done
for n in "${CAS[@]}"; do expected+=("$n=$(host_port "$n"):7054"); done
expected+=("gateway-api=${ECCH_GATEWAY_PORT:-3000}:3000")

log "checking the resolved configuration against the topology"
# Debian's docker-compose runs on the system python3, which has PyYAML.
# The gateway's view of its secrets: what write_connection_json names in the container.
gateway_secrets=("$(identity_secret_file "$CA_REGISTRAR_ID")" "$(identity_secret_file "$CA_NA_ID")")
gateway_secrets=("${gateway_secrets[@]/#"$RUN_DIR"//etc/ecch/network}")
/usr/bin/python3 - "$tmp/resolved.yaml" "$ECCH_ROOT" "$NET_DIR/config/core.yaml" "$RUN_DIR" "${gateway_secrets[*]}" "${expected[@]}" <<'PY'
import os, re, sys, yaml

resolved, root, core_yaml, state, gateway_secrets, *expected = sys.argv[1:]
cfg = yaml.safe_load(open(resolved))
services = cfg["services"]
errors = []

PEERS = ("peer0.community", "peer1.community", "peer0.grid", "peer1.grid")
want = {"orderer1", "orderer2", "orderer3", *PEERS, "cc.community", "cc.grid",
        "ca.community", "ca.grid", "gateway-api"}
if set(services) != want:
    errors.append(f"services {sorted(services)} != {sorted(want)}")

def ports(svc):
    out = []
    for p in services.get(svc, {}).get("ports", []):
        if isinstance(p, dict):  # long syntax
            out.append((p.get("host_ip", ""), str(p.get("published")), str(p.get("target"))))
        else:
            m = re.fullmatch(r"(?:([\d.]+):)?(\d+):(\d+)(?:/tcp)?", str(p))
            if not m:
                errors.append(f"{svc}: cannot read port {p!r}")
                continue
            out.append((m.group(1) or "", m.group(2), m.group(3)))
    return out

published = {}
for svc in services:
    for host_ip, pub, target in ports(svc):
        if host_ip != "127.0.0.1":
            errors.append(f"{svc}: port {pub}:{target} is published on '{host_ip or 'all interfaces'}', not 127.0.0.1")
        published.setdefault(svc, set()).add(f"{pub}:{target}")
want_ports = {}
for e in expected:
    svc, mapping = e.split("=", 1)
    want_ports.setdefault(svc, set()).add(mapping)
if published != want_ports:
    errors.append(f"published ports {published} != topology {want_ports}")

core = open(core_yaml).read()
m = re.search(r"externalBuilders:\s*\n\s*- name: (\S+)\s*\n\s*path: (\S+)", core)
builder_path = m.group(2) if m else None
if not builder_path:
    errors.append("network/config/core.yaml: no chaincode.externalBuilders path")

def mounts(svc):
    out = {}
    for v in services[svc].get("volumes", []):
        if isinstance(v, dict):
            out[v["target"]] = v.get("source", "")
        else:
            src, target = str(v).split(":")[:2]
            out[target] = src
    return out

for svc in ("orderer1", "orderer2", "orderer3", *PEERS):
    kind = "orderer" if svc.startswith("orderer") else "peer"
    image = services[svc].get("image", "")
    if image != f"hyperledger/fabric-{kind}:3.1.4":
        errors.append(f"{svc}: image {image!r} is not hyperledger/fabric-{kind}:3.1.4")
    m = mounts(svc)
    if m.get("/etc/hyperledger/fabric") != os.path.join(root, "network", "config"):
        errors.append(f"{svc}: network/config is not mounted at /etc/hyperledger/fabric")
    if "/etc/ecch/node" not in m:
        errors.append(f"{svc}: its MSP/TLS directory is not mounted at /etc/ecch/node")
    if kind == "peer" and m.get(builder_path) != os.path.join(root, "network", "ccaas-builder"):
        errors.append(f"{svc}: network/ccaas-builder is not mounted at {builder_path} (core.yaml)")
    if kind == "peer":
        # Each peer has its own identity, its own ledger volume, and bootstraps gossip
        # from the other peer of its org.
        fqdn = f"{svc}.ecch.local"
        if not str(m.get("/etc/ecch/node", "")).endswith("/" + fqdn):
            errors.append(f"{svc}: /etc/ecch/node mounts {m.get('/etc/ecch/node')!r}, not its own {fqdn} directory")
        if m.get("/var/hyperledger/production", "").startswith("/"):
            errors.append(f"{svc}: its ledger is not a named volume")
        env = services[svc].get("environment", {})
        if isinstance(env, list):
            env = dict(e.split("=", 1) for e in env)
        sibling = ("peer1" if svc.startswith("peer0") else "peer0") + svc[5:] + ".ecch.local:7051"
        if env.get("CORE_PEER_ID") != fqdn or env.get("CORE_PEER_GOSSIP_EXTERNALENDPOINT") != f"{fqdn}:7051":
            errors.append(f"{svc}: CORE_PEER_ID / CORE_PEER_GOSSIP_EXTERNALENDPOINT do not name {fqdn}")
        if env.get("CORE_PEER_GOSSIP_BOOTSTRAP") != sibling:
            errors.append(f"{svc}: CORE_PEER_GOSSIP_BOOTSTRAP is {env.get('CORE_PEER_GOSSIP_BOOTSTRAP')!r}, not its sibling {sibling}")

for org in ("community", "grid"):
    svc = f"ca.{org}"
    if svc not in services:
        continue
    image = services[svc].get("image", "")
    if image != "hyperledger/fabric-ca:1.5.21":
        errors.append(f"{svc}: image {image!r} is not hyperledger/fabric-ca:1.5.21")
    env = services[svc].get("environment", {})
    if isinstance(env, list):
        env = dict(e.split("=", 1) for e in env)
    if str(env.get("FABRIC_CA_SERVER_TLS_ENABLED")).lower() != "true":
        errors.append(f"{svc}: TLS is not enabled (FABRIC_CA_SERVER_TLS_ENABLED)")
    if env.get("FABRIC_CA_SERVER_CA_NAME") != svc:
        errors.append(f"{svc}: FABRIC_CA_SERVER_CA_NAME is {env.get('FABRIC_CA_SERVER_CA_NAME')!r}, not {svc!r}")
    m = mounts(svc)
    org_ca = os.path.join(state, "crypto", "peerOrganizations", f"{org}.ecch.local", "ca")
    want_mounts = {
        "/etc/ecch/ca": org_ca,
        "/etc/ecch/ca-tls": os.path.join(state, "fabric-ca", org, "tls"),
        "/run/secrets/ca-bootstrap-admin": os.path.join(state, "secrets", f"{svc}-bootstrap-admin.secret"),
    }
    for target, src in want_mounts.items():
        if m.get(target) != src:
            errors.append(f"{svc}: {target} mounts {m.get(target)!r}, not {src!r}")
    home = env.get("FABRIC_CA_SERVER_HOME", "")
    if not home or home not in m or m[home].startswith("/"):
        errors.append(f"{svc}: its home {home!r} is not a named volume")
    for key, prefix in (("FABRIC_CA_SERVER_CA_CERTFILE", "/etc/ecch/ca/"), ("FABRIC_CA_SERVER_CA_KEYFILE", "/etc/ecch/ca/"),
                        ("FABRIC_CA_SERVER_TLS_CERTFILE", "/etc/ecch/ca-tls/"), ("FABRIC_CA_SERVER_TLS_KEYFILE", "/etc/ecch/ca-tls/")):
        if not str(env.get(key, "")).startswith(prefix):
            errors.append(f"{svc}: {key} is not under {prefix}")
    if "/run/secrets/ca-bootstrap-admin" not in " ".join(map(str, services[svc].get("command") or [])):
        errors.append(f"{svc}: its command does not read the bootstrap secret from /run/secrets/ca-bootstrap-admin")

if "gateway-api" in services:
    m = mounts("gateway-api")
    for target in gateway_secrets.split():
        src = os.path.join(state, "secrets", os.path.basename(target))
        if m.get(target) != src:
            errors.append(f"gateway-api: {target} mounts {m.get(target)!r}, not {src!r}")
    for target, src in m.items():
        if "bootstrap-admin" in src or "bootstrap-admin" in target:
            errors.append(f"gateway-api: mounts a Fabric CA bootstrap admin's secret ({src})")

if not os.path.isfile(os.path.join(root, "network", "docker", "fabric-ca.Dockerfile")):
    errors.append("missing network/docker/fabric-ca.Dockerfile (build-images.sh builds hyperledger/fabric-ca from it)")

for svc in ("cc.community", "cc.grid", "gateway-api"):
    b = services[svc].get("build", {})
    dockerfile = os.path.join(b.get("context", ""), b.get("dockerfile", ""))
    if not os.path.isfile(dockerfile):
        errors.append(f"{svc}: Dockerfile {dockerfile} does not exist")

for f in ("network/config/core.yaml", "network/config/orderer.yaml",
          "network/ccaas-builder/bin/detect", "network/ccaas-builder/bin/build", "network/ccaas-builder/bin/release"):
    p = os.path.join(root, f)
    if not os.path.isfile(p):
        errors.append(f"missing {f}")
    elif "ccaas-builder" in f and not os.access(p, os.X_OK):
        errors.append(f"{f} is not executable")

if errors:
    print("docker-compose.yaml does not match the topology:", *errors, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"  {len(services)} services, {sum(len(v) for v in published.values())} ports on 127.0.0.1, mounts and Dockerfiles OK")
PY
log "docker-compose.yaml is valid"
