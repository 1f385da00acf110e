#!/usr/bin/env bash
# The main job: installs what is missing, brings up the local stack on 127.0.0.1, injects a latency regression
# and prints the remediation run's timeline and Web UI link. Pass --exit to stop the stack afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
exec node --import tsx src/demo/run-demo.ts "$@"
