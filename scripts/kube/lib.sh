# Shared by start.sh, stop.sh and worker-kubeconfig.sh: state-dir layout
# and process bookkeeping for the local control plane. Source it, do not
# run it.
# shellcheck shell=bash disable=SC2034 # the scripts that source this file use its variables
#
# Layout of $KUBE_STATE_DIR (default /tmp/sre-kube):
#   admin.kubeconfig   cluster-admin (system:masters) client certificate
#   worker.kubeconfig  token of ServiceAccount slo-autopilot/slo-autopilot-worker
#   cluster.env        ports and binary directory of the running cluster
#   pki/               CA, serving and client certificates, service-account key
#   etcd/              etcd data directory
#   run/NAME.pid       process ids
#   logs/NAME.log      stdout and stderr of each process

kube_state_dir="${KUBE_STATE_DIR:-/tmp/sre-kube}"
kube_repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Components in start order.
kube_components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

kube_log() {
  echo "$(basename "$0"): $*" >&2
}

kube_pid_file() {
  echo "$kube_state_dir/run/$1.pid"
}

# Prints the pid of component $1 if its pid file names a live process whose
# executable is called $1, so a pid reused by an unrelated process is never
# reported (and never signalled by stop.sh).
kube_component_pid() {
  local name="$1" pid exe
  pid="$(cat "$(kube_pid_file "$name")" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
  [[ "$(basename "${exe% (deleted)}")" == "$name" ]] || return 1
  echo "$pid"
}

# Sends SIGTERM to each named component, waits up to $1 seconds for all of
# them to exit, then sends SIGKILL to any that remain. The components shut
# down in parallel, because each takes about 2s to exit cleanly.
kube_stop_components() {
  local grace="$1"
  shift
  local name pid pids=() waited=0
  for name in "$@"; do
    if pid="$(kube_component_pid "$name")"; then
      kube_log "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  while ((${#pids[@]} > 0 && waited < grace * 10)); do
    local alive=()
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null && alive+=("$pid")
    done
    pids=("${alive[@]}")
    ((${#pids[@]} == 0)) && break
    sleep 0.1
    waited=$((waited + 1))
  done
  for pid in "${pids[@]}"; do
    kube_log "pid $pid still running after ${grace}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  done
  for name in "$@"; do
    rm -f "$(kube_pid_file "$name")"
  done
}

# Stops the whole cluster: first the API clients, then kube-apiserver, then
# etcd, so that no component loses its storage while it still writes.
kube_stop_all() {
  local grace="${1:-15}"
  kube_stop_components "$grace" kwok kube-scheduler kube-controller-manager
  kube_stop_components "$grace" kube-apiserver
  kube_stop_components "$grace" etcd
}

# Runs kubectl as cluster-admin against the cluster in $kube_state_dir.
kube_admin_kubectl() {
  kubectl --kubeconfig "$kube_state_dir/admin.kubeconfig" "$@"
}
