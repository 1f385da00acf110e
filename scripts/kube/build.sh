#!/usr/bin/env bash
# Builds the local Kubernetes control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and kwok) from the Go modules in
# tools/kube, and prints the directory that contains them. That directory
# also gets kwok-stages.yaml, the kwok configuration that start.sh passes.
#
# Binaries go to ${SRE_TOOLS_CACHE:-$HOME/.cache/sre-tools}/kube-<version>/,
# outside the clone. A binary is rebuilt only when it is missing or when the
# inputs recorded in its .stamp file (go.mod, go.sum, the etcd main) change,
# so a second run costs a few hashes. Builds run one after another because
# the Go compiler already uses every core.
#
# Environment:
#   SRE_TOOLS_CACHE  root of the binary cache (default $HOME/.cache/sre-tools)
#   KUBE_BUILD_FORCE set to 1 to rebuild every binary
#
# Output: the last line on stdout is the binary directory. Progress and
# per-binary wall-clock build times go to stderr and are appended to
# <dir>/build-times.txt.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
module_dir="$repo_root/tools/kube"
kwok_module_dir="$module_dir/kwok"

module_version() {
  # Prints the version that go.mod file $1 requires for module $2.
  awk -v mod="$2" '$1 == mod && $2 ~ /^v/ { print $2; exit }' "$1"
}

kube_version="$(module_version "$module_dir/go.mod" k8s.io/kubernetes)"
etcd_version="$(module_version "$module_dir/go.mod" go.etcd.io/etcd/server/v3)"
kwok_version="$(module_version "$kwok_module_dir/go.mod" sigs.k8s.io/kwok)"
if [[ -z "$kube_version" || -z "$etcd_version" || -z "$kwok_version" ]]; then
  echo "build.sh: failed to read the pinned versions of k8s.io/kubernetes, go.etcd.io/etcd/server/v3 and sigs.k8s.io/kwok from tools/kube/go.mod and tools/kube/kwok/go.mod" >&2
  exit 1
fi

bin_dir="${SRE_TOOLS_CACHE:-$HOME/.cache/sre-tools}/kube-$kube_version"
mkdir -p "$bin_dir"

if ! command -v go >/dev/null 2>&1; then
  if [[ -x /usr/local/go/bin/go ]]; then
    PATH="/usr/local/go/bin:$PATH"
  else
    echo "build.sh: go not found on PATH or at /usr/local/go/bin/go" >&2
    exit 1
  fi
fi

export CGO_ENABLED=0

# Version strings that the Kubernetes release build stamps in with -X, so
# that /version and kubectl's skew check report the pinned release and not
# v0.0.0-master.
kube_minor="${kube_version#v1.}"
kube_minor="${kube_minor%%.*}"
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$kube_version"
  kube_ldflags+=" -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor"
  kube_ldflags+=" -X $pkg.gitTreeState=clean"
done

inputs_hash() {
  # Prints one hash over the given files, so that any change to a pin or
  # to the etcd main forces a rebuild.
  cat "$@" | sha256sum | cut -d' ' -f1
}

# build_binary NAME MODULE_DIR PACKAGE LDFLAGS INPUT_FILE...
build_binary() {
  local name="$1" dir="$2" package="$3" ldflags="$4"
  shift 4
  local target="$bin_dir/$name" stamp="$bin_dir/$name.stamp"
  local want
  want="$(inputs_hash "$@")"
  if [[ "${KUBE_BUILD_FORCE:-0}" != 1 && -x "$target" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "build.sh: $name is up to date" >&2
    return
  fi

  echo "build.sh: building $name ($package)" >&2
  local started finished
  started="$(date +%s)"
  (cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$target.tmp" "$package")
  finished="$(date +%s)"
  mv -f "$target.tmp" "$target"
  echo "$want" >"$stamp"

  local seconds=$((finished - started))
  echo "build.sh: built $name in ${seconds}s" >&2
  printf '%s\t%s\t%ss\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name" "$seconds" \
    "$(go env GOVERSION)" "nproc=$(nproc)" >>"$bin_dir/build-times.txt"
}

kube_inputs=("$module_dir/go.mod" "$module_dir/go.sum")
build_binary kube-apiserver "$module_dir" k8s.io/kubernetes/cmd/kube-apiserver "$kube_ldflags" "${kube_inputs[@]}"
build_binary kube-controller-manager "$module_dir" k8s.io/kubernetes/cmd/kube-controller-manager "$kube_ldflags" "${kube_inputs[@]}"
build_binary kube-scheduler "$module_dir" k8s.io/kubernetes/cmd/kube-scheduler "$kube_ldflags" "${kube_inputs[@]}"
build_binary etcd "$module_dir" ./cmd/etcd "-s -w" "${kube_inputs[@]}" "$module_dir/cmd/etcd/main.go"
build_binary kwok "$kwok_module_dir" sigs.k8s.io/kwok/cmd/kwok "-s -w" "$kwok_module_dir/go.mod" "$kwok_module_dir/go.sum"

# kwok does nothing without Stage objects, which define how fake Nodes and
# Pods change state. These are the defaults that kwokctl installs: nodes become
# Ready at once and renew a Lease, pods become Ready at once, and pods go
# away at once when deleted. One change: pod-ready skips pods that carry the
# annotation below (any value), so tests can make a rollout that is
# scheduled but never becomes Ready.
never_ready_annotation=slo-autopilot.test/never-ready
kwok_source_dir="$(cd "$kwok_module_dir" && go mod download -json sigs.k8s.io/kwok | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
stage_dir="$kwok_source_dir/kustomize/stage"
{
  for stage in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"
    cat "$stage_dir/$stage"
  done
  echo "---"
  awk -v annotation="$never_ready_annotation" '
    { print }
    /^    matchExpressions:$/ && !done {
      printf "    - key: %s.metadata.annotations[\"%s\"]%s\n", "\047", annotation, "\047"
      print "      operator: \047DoesNotExist\047"
      done = 1
    }' "$stage_dir/pod/fast/pod-ready.yaml"
} >"$bin_dir/kwok-stages.yaml.tmp"
if ! grep -q "$never_ready_annotation" "$bin_dir/kwok-stages.yaml.tmp"; then
  echo "build.sh: failed to add the $never_ready_annotation selector to $stage_dir/pod/fast/pod-ready.yaml; its layout changed with the kwok pin" >&2
  exit 1
fi
mv -f "$bin_dir/kwok-stages.yaml.tmp" "$bin_dir/kwok-stages.yaml"

cat >"$bin_dir/versions.txt" <<EOF
kubernetes $kube_version
etcd $etcd_version
kwok $kwok_version
EOF

echo "build.sh: binaries for Kubernetes $kube_version, etcd $etcd_version, kwok $kwok_version in:" >&2
echo "$bin_dir"
