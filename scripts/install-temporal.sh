#!/usr/bin/env bash
# Builds the Temporal CLI (dev server and Web UI in one binary) from the Go module proxy and caches it outside
# the clone. Prints the binary's path as the last line on stdout.
#
# Order of preference: TEMPORAL_CLI_PATH, a `temporal` on PATH, the cached build, a new build with Go. Without
# Go the script exits 0 without a path, and the TypeScript code then reports what to install.
set -euo pipefail

version=1.5.1
cache_root="${SRE_TOOLS_CACHE:-$HOME/.cache/sre-tools}"
target_dir="$cache_root/temporal-$version"

if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
  echo "$TEMPORAL_CLI_PATH"
  exit 0
fi
if command -v temporal >/dev/null 2>&1; then
  command -v temporal
  exit 0
fi
if [[ -x "$target_dir/temporal" ]]; then
  echo "$target_dir/temporal"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-temporal.sh: Go is not installed; install Go 1.24 or newer, or put a temporal binary on PATH" >&2
  exit 0
fi

echo "install-temporal.sh: building temporal $version with $(go version) (about 4 minutes on 2 cores)" >&2
started=$(date +%s)
mkdir -p "$target_dir"
# v1.5.1's go.mod has no replace lines, so `go install` can build it straight from the module proxy.
GOBIN="$target_dir" CGO_ENABLED=0 go install -trimpath \
  -ldflags "-X github.com/temporalio/cli/temporalcli.Version=$version" \
  "github.com/temporalio/cli/cmd/temporal@v$version"
echo "install-temporal.sh: built in $(($(date +%s) - started)) s" >&2
echo "$target_dir/temporal"
