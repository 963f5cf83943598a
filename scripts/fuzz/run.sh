#!/usr/bin/env bash
# Fuzzes the gateway's REST API with schemathesis against its own OpenAPI document
# (GET /openapi.json), on the embedded ledger; part of `npm test` (scripts/test.sh).
#
#   bash scripts/fuzz/run.sh [--no-build]
#
# 1. A virtualenv in .cache/fuzz-venv with schemathesis from requirements.txt (exact pins,
#    sha256 hashes), rebuilt only when that file or the Python interpreter changes.
#    Needs python3 with venv/ensurepip: installs Debian's python3-venv if it is missing.
# 2. The gateway (gateway-api/dist/server.js; built first unless --no-build) on a free
#    loopback port (PORT=0, HOST=127.0.0.1), a fresh temporary DATA_DIR and a known NA
#    token; the rate limit raised so that the fuzzer tests the API, not the limiter.
# 3. seed.py: households, a pending registration, markets in every state, orders.
# 4. schemathesis, bounded by examples per operation (not by time): a household pass
#    first (its token still valid), then the NA pass; each under a hard deadline.
#    Gating checks (any failure fails this script):
#      not_a_server_error           no 5xx
#      status_code_conformance      every status is one the OpenAPI documents
#      content_type_conformance     the documented media type (problem+json for errors)
#      response_schema_conformance  the body (and each SSE event) matches the schema
#      negative_data_rejection      schema-violating input is refused (no type coercion)
#      unsupported_method           an undeclared method is 405 ...
#      allow_header_conformance     ... with an Allow header naming the declared ones
#      ignored_auth                 no or a bogus token is 401, never served
#      problem_json_errors          (hooks.py) every 4xx/5xx, documented or not, is
#                                   problem+json with type/title/status/detail/code
#    Left out deliberately: positive_data_acceptance (schema-valid input is refused for
#    business reasons: unknown ids, closed markets, 409/422), use_after_free (a cancelled
#    order stays readable by design), object_level_authorization (needs paired
#    identities), max_response_time (timing on a shared 2-core machine is no verdict).
# 5. probes.py: a few hand-made requests for what a schema cannot express (malformed
#    URL, media type, body, method, header size): no 5xx, problem+json, 405 with Allow.
# 6. report.py: the counts (a `fuzz: N requests sent, ...` line), and the findings,
#    one per distinct failure, in $FUZZ_FINDINGS (default .cache/fuzz/findings.md);
#    the last run's schemathesis reports and gateway log stay in .cache/fuzz/last/.
# The gateway is stopped whatever happens. Only loopback traffic.
#
# Environment: FUZZ_SEED (schemathesis seed, random by default; printed),
# FUZZ_EXAMPLES_NA / FUZZ_EXAMPLES_HOUSEHOLD (examples per operation, 40 / 15),
# FUZZ_MIN_REQUESTS (fail below this many fuzzer requests, 1000), FUZZ_DEADLINE_S
# (hard limit per pass, 480), FUZZ_PYTHON (interpreter for the venv, python3).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FUZZ="$ROOT/scripts/fuzz"
cd "$ROOT"
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in scripts/fuzz
t0=$SECONDS
log() { echo "[fuzz] $*"; }

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) echo "usage: $0 [--no-build]" >&2; exit 2 ;;
  esac
done

EXAMPLES_NA=${FUZZ_EXAMPLES_NA:-40}
EXAMPLES_HOUSEHOLD=${FUZZ_EXAMPLES_HOUSEHOLD:-15}
MIN_REQUESTS=${FUZZ_MIN_REQUESTS:-1000}
DEADLINE_S=${FUZZ_DEADLINE_S:-480}
SEED=${FUZZ_SEED:-$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')}
FINDINGS=${FUZZ_FINDINGS:-$ROOT/.cache/fuzz/findings.md}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
CHECKS+=,negative_data_rejection,unsupported_method,allow_header_conformance,ignored_auth,problem_json_errors

# --- 1. the virtualenv --------------------------------------------------------------
PY=${FUZZ_PYTHON:-python3}
VENV="$ROOT/.cache/fuzz-venv"
mkdir -p "$ROOT/.cache/fuzz"
if ! command -v "$PY" >/dev/null 2>&1 || ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  log "$PY cannot create virtualenvs: installing Debian's python3-venv (apt-get)"
  SUDO=()
  ((EUID == 0)) || SUDO=(sudo)
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq python3 python3-venv >/dev/null
  PY=python3
  hash -r
fi
(
  # Two runs at once must not both rebuild the venv.
  exec 9>"$ROOT/.cache/fuzz-venv.lock"
  flock 9
  want="$(sha256sum "$FUZZ/requirements.txt" | cut -d' ' -f1) $("$PY" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
  if [[ ! -x "$VENV/bin/st" || ! -f "$VENV/.ecch-stamp" || "$(cat "$VENV/.ecch-stamp")" != "$want" ]]; then
    log "creating $VENV ($("$PY" --version)) and installing schemathesis from scripts/fuzz/requirements.txt ..."
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --require-hashes -r "$FUZZ/requirements.txt"
    "$VENV/bin/python" -m pip check --disable-pip-version-check >/dev/null
    echo "$want" >"$VENV/.ecch-stamp"
  fi
)
log "$("$VENV/bin/st" --version) in $VENV ($("$VENV/bin/python" --version))"

# --- 2. the gateway -----------------------------------------------------------------
if ((build)); then bash scripts/lib/ensure-deps.sh; fi
[[ -f gateway-api/dist/server.js ]] || { log "gateway-api/dist/server.js is missing: build first (scripts/lib/ensure-deps.sh)"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ecch-fuzz.XXXXXX")
gateway_pid=""
st_pid=""
stop_gateway() {
  [[ -n "$gateway_pid" ]] || return 0
  if kill -0 "$gateway_pid" 2>/dev/null; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$gateway_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$gateway_pid" 2>/dev/null || true
  fi
  wait "$gateway_pid" 2>/dev/null || true
  gateway_pid=""
}
cleanup() {
  local rc=$?
  if [[ -n "$st_pid" ]]; then
    kill -TERM "$st_pid" 2>/dev/null || true
    wait "$st_pid" 2>/dev/null || true
  fi
  stop_gateway
  # Keep what explains this run (reports, gateway log, seed); drop the ledger.
  rm -rf "$ROOT/.cache/fuzz/last"
  mkdir -p "$ROOT/.cache/fuzz/last"
  cp -r "$work"/reports "$work"/*.log "$work"/*.json "$ROOT/.cache/fuzz/last/" 2>/dev/null || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

na_token="fuzz-na-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
mkdir -p "$work/data" "$work/reports"
PORT=0 HOST=127.0.0.1 LEDGER=embedded DATA_DIR="$work/data" GATEWAY_ADMIN_TOKEN="$na_token" \
  LOG_LEVEL=info RATE_LIMIT_MAX=1000000 SSE_HEARTBEAT_MS=500 \
  node gateway-api/dist/server.js >"$work/gateway.log" 2>&1 &
gateway_pid=$!
base=""
for _ in $(seq 1 600); do
  kill -0 "$gateway_pid" 2>/dev/null || { log "the gateway exited during start-up:"; tail -20 "$work/gateway.log"; exit 1; }
  base=$(grep -o -m1 'Server listening at http://127\.0\.0\.1:[0-9]*' "$work/gateway.log" | sed 's/.* at //') || true
  [[ -n "$base" ]] && break
  sleep 0.1
done
[[ -n "$base" ]] || { log "the gateway did not listen on 127.0.0.1 within 60 s:"; tail -20 "$work/gateway.log"; exit 1; }
"$VENV/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/ready", timeout=10)' "$base" ||
  { log "$base/ready does not answer 200"; exit 1; }
log "gateway (embedded ledger) at $base, DATA_DIR $work/data"

# --- 3. seed ------------------------------------------------------------------------
"$VENV/bin/python" "$FUZZ/seed.py" "$base" "$na_token" "$work/seed.json"
household_token=$("$VENV/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["tokens"]["fz-h1"])' "$work/seed.json")

# --- 4. schemathesis ----------------------------------------------------------------
pass_codes=()
run_pass() { # name token as examples [schemathesis options...]
  local name=$1 token=$2 as=$3 examples=$4 code=0
  shift 4
  log "pass '$name': up to $examples examples per operation, seed $SEED, deadline ${DEADLINE_S} s"
  # In the background, so that a signal to this script is handled at once (bash runs a
  # trap only after the foreground command ends); the subshell becomes `timeout`, which
  # passes a TERM on to schemathesis.
  (
    cd "$work"
    SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$FUZZ" FUZZ_SEED_FILE="$work/seed.json" FUZZ_HOOK_SEED="$SEED" FUZZ_AS="$as" \
      exec timeout -k 10 "$DEADLINE_S" "$VENV/bin/st" --config-file "$FUZZ/schemathesis.toml" --no-color \
      run "$base/openapi.json" -H "Authorization: Bearer $token" --checks "$CHECKS" \
      --max-examples "$examples" --seed "$SEED" --report json,ndjson --report-dir "$work/reports/$name" "$@"
  ) >"$work/st-$name.log" 2>&1 &
  st_pid=$!
  wait "$st_pid" || code=$?
  st_pid=""
  # The whole output when something failed; its summary otherwise.
  if ((code != 0)); then
    sed -n '/^=* \(ERRORS\|FAILURES\) =*$/,$p' "$work/st-$name.log" | head -400
    ((code == 124 || code == 137)) && log "pass '$name' stopped at its ${DEADLINE_S} s deadline"
  else
    sed -n '/^=* SUMMARY =*$/,$p' "$work/st-$name.log"
  fi
  pass_codes+=("$name:$code")
}
# Households: the market and order operations, their own participant and account, events.
run_pass household "$household_token" fz-h1 "$EXAMPLES_HOUSEHOLD" --phases examples,coverage,fuzzing \
  --include-path-regex '^/v1/(markets|participants/\{id\}(/account)?$|events$)'
run_pass na "$na_token" "" "$EXAMPLES_NA" --phases examples,coverage,fuzzing,stateful

# --- 5. probes ----------------------------------------------------------------------
probes_code=0
"$VENV/bin/python" "$FUZZ/probes.py" "$base" "$na_token" "$work/seed.json" "$work/probes.json" || probes_code=$?

alive=1
kill -0 "$gateway_pid" 2>/dev/null || alive=0
stop_gateway

# --- 6. report ----------------------------------------------------------------------
report_code=0
"$VENV/bin/python" "$FUZZ/report.py" "$work" "$FINDINGS" "${pass_codes[@]}" | tee "$work/report.log" || report_code=$?
requests=$(sed -n 's/^fuzz: \([0-9]*\) requests sent.*/\1/p' "$work/report.log")

status=0
for item in "${pass_codes[@]}"; do [[ "${item#*:}" == 0 ]] || status=1; done
((probes_code == 0)) || status=1
case $report_code in
  0) ;;
  3) log "the gateway answered 5xx (see .cache/fuzz/last/gateway.log)"; status=1 ;;
  *) log "report.py failed (exit $report_code)"; status=1 ;;
esac
((alive)) || { log "the gateway died during the run"; status=1; }
if [[ -z "$requests" || "$requests" -lt "$MIN_REQUESTS" ]]; then
  log "only ${requests:-0} requests sent, fewer than $MIN_REQUESTS"
  status=1
fi
log "finished in $((SECONDS - t0)) s: $([[ $status == 0 ]] && echo passed || echo FAILED)"
exit $status
