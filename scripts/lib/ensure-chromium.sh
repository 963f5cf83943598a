#!/usr/bin/env bash
# The console's browser tests drive Debian's own chromium (test/console, playwright-core
# pointed at /usr/bin/chromium; no browser is ever downloaded by npm). Installs the
# package when it is missing; needs root or sudo, as the Fabric prerequisites do.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "[setup] installing Debian's chromium for the console's browser tests ..."
SUDO=""
if [[ "$(id -u)" != 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null
