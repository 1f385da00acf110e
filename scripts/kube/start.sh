#!/usr/bin/env bash
# Starts a local Kubernetes control plane as plain processes on 127.0.0.1:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok
# (which fakes Nodes and marks Pods Ready, so no kubelet or container
# runtime is needed). Then it applies deploy/kubernetes/worker-rbac.yaml,
# writes the admin and worker kubeconfigs, and prints an export line.
#
# When every component of the cluster in $KUBE_STATE_DIR is already running
# and the API server is ready, the script reuses that cluster. Otherwise it
# stops any leftover processes and starts a new, empty cluster: new
# certificates, new etcd data, new ports.
#
# Environment:
#   KUBE_STATE_DIR       state directory (default /tmp/sre-kube); layout in lib.sh
#   KUBE_APISERVER_PORT  API server port on 127.0.0.1 (default: a free port)
#   KUBE_KWOK_NODES      number of fake nodes kwok-node-0..N-1 (default 1)
#   KUBE_START_TIMEOUT   seconds to wait for each readiness check (default 120)
#   SRE_TOOLS_CACHE      binary cache, see build.sh
#   KUBE_WORKER_TOKEN_DURATION, KUBE_WORKER_EXTRA_NAMESPACES: see worker-kubeconfig.sh
#
# Output: progress on stderr, and on stdout the line
#   export KUBECONFIG=$KUBE_STATE_DIR/admin.kubeconfig
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$script_dir/lib.sh"

start_timeout="${KUBE_START_TIMEOUT:-120}"
node_count="${KUBE_KWOK_NODES:-1}"
if [[ -n "${KUBE_APISERVER_PORT:-}" ]] && ! [[ "$KUBE_APISERVER_PORT" =~ ^[1-9][0-9]{0,4}$ && "$KUBE_APISERVER_PORT" -le 65535 ]]; then
  kube_log "invalid KUBE_APISERVER_PORT=$KUBE_APISERVER_PORT: expected a TCP port number 1-65535"
  exit 1
fi
if ! [[ "$node_count" =~ ^[1-9][0-9]*$ ]]; then
  kube_log "invalid KUBE_KWOK_NODES=$node_count: expected a positive integer"
  exit 1
fi

pki="$kube_state_dir/pki"
admin_kubeconfig="$kube_state_dir/admin.kubeconfig"
cluster_name=slo-autopilot-local

print_export() {
  kube_log "cluster ready: API server $(grep '^apiserver_url=' "$kube_state_dir/cluster.env" | cut -d= -f2-)"
  kube_log "admin kubeconfig:  $admin_kubeconfig"
  kube_log "worker kubeconfig: $kube_state_dir/worker.kubeconfig"
  echo "export KUBECONFIG=$admin_kubeconfig"
}

all_components_running() {
  local name
  for name in "${kube_components[@]}"; do
    kube_component_pid "$name" >/dev/null || return 1
  done
}

any_component_running() {
  local name
  for name in "${kube_components[@]}"; do
    kube_component_pid "$name" >/dev/null && return 0
  done
  return 1
}

apiserver_ready() {
  [[ -f "$kube_state_dir/cluster.env" ]] || return 1
  local url
  url="$(grep '^apiserver_url=' "$kube_state_dir/cluster.env" | cut -d= -f2-)"
  [[ "$(curl -s --max-time 5 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "$url/readyz" 2>/dev/null)" == ok ]]
}

# allocate_port VAR: stores in VAR a TCP port on 127.0.0.1 that no socket
# uses and that this run has not handed out yet. Another process can still
# take it before the component binds it. The component then fails to start
# and logs the bind error.
taken_ports=()
allocate_port() {
  local -n port_var="$1"
  local port attempt
  for ((attempt = 0; attempt < 200; attempt++)); do
    port=$((20000 + RANDOM % 12000))
    if [[ " ${taken_ports[*]} " == *" $port "* ]]; then
      continue
    fi
    if [[ -z "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]]; then
      taken_ports+=("$port")
      # shellcheck disable=SC2034 # port_var is a nameref to the caller's variable
      port_var="$port"
      return 0
    fi
  done
  kube_log "no free TCP port found in 20000-31999 after 200 attempts"
  return 1
}

# --- certificates -----------------------------------------------------------

# sign_certificate NAME SUBJECT EXTENSIONS: writes $pki/NAME.key and a
# $pki/NAME.crt signed by the local CA, valid for 365 days.
sign_certificate() {
  local name="$1" subject="$2" extensions="$3"
  openssl genrsa -out "$pki/$name.key" 2048 2>/dev/null
  openssl req -new -key "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 365 -sha256 \
    -extfile <(printf '%b\n' "$extensions") -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr"
}

generate_pki() {
  mkdir -p "$pki"
  chmod 700 "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" \
    -days 3650 -sha256 -subj "/CN=$cluster_name-ca" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null

  local client_ext='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'
  local server_ext='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth'
  server_ext+='\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default'
  server_ext+=',DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local'

  sign_certificate apiserver "/CN=kube-apiserver" "$server_ext"
  # The group system:masters is bound to cluster-admin by the bootstrap RBAC
  # policy. kwok gets it too because it writes the status of every fake Node
  # and Pod, which the narrower system:node role allows only per node.
  sign_certificate admin "/O=system:masters/CN=$cluster_name-admin" "$client_ext"
  sign_certificate kwok "/O=system:masters/CN=kwok-controller" "$client_ext"
  # These user names match the bootstrap ClusterRoleBindings of the same name.
  sign_certificate kube-controller-manager "/CN=system:kube-controller-manager" "$client_ext"
  sign_certificate kube-scheduler "/CN=system:kube-scheduler" "$client_ext"

  # Key pair that signs and verifies ServiceAccount tokens.
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
}

# write_kubeconfig FILE USER: a kubeconfig that authenticates with
# $pki/USER.crt, with the certificates embedded so that the file is self-contained.
write_kubeconfig() {
  local file="$1" user="$2"
  rm -f "$file"
  kubectl config --kubeconfig "$file" set-cluster "$cluster_name" \
    --server="$apiserver_url" --certificate-authority="$pki/ca.crt" --embed-certs=true >/dev/null
  kubectl config --kubeconfig "$file" set-credentials "$user" \
    --client-certificate="$pki/$user.crt" --client-key="$pki/$user.key" --embed-certs=true >/dev/null
  kubectl config --kubeconfig "$file" set-context "$user@$cluster_name" \
    --cluster="$cluster_name" --user="$user" >/dev/null
  kubectl config --kubeconfig "$file" use-context "$user@$cluster_name" >/dev/null
  chmod 600 "$file"
}

# --- processes --------------------------------------------------------------

# start_component NAME ARG...: runs $bin_dir/NAME in its own session, so that
# a signal to the caller's process group (Ctrl-C, a test runner's cleanup)
# does not reach it, and records its pid.
start_component() {
  local name="$1"
  shift
  kube_log "starting $name (log: $kube_state_dir/logs/$name.log)"
  # 9>&- closes the start lock in the child, which would otherwise hold it for
  # as long as the component runs and block every later start.sh and stop.sh.
  setsid "$bin_dir/$name" "$@" >>"$kube_state_dir/logs/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$(kube_pid_file "$name")"
}

# fail_start NAME MESSAGE: prints the end of NAME's log, stops everything
# this run started and exits.
fail_start() {
  local name="$1" message="$2"
  kube_log "$message"
  if [[ -f "$kube_state_dir/logs/$name.log" ]]; then
    kube_log "last lines of $kube_state_dir/logs/$name.log:"
    tail -n 20 "$kube_state_dir/logs/$name.log" >&2
  fi
  kube_stop_all 5
  rm -f "$kube_state_dir/cluster.env"
  exit 1
}

# wait_until NAME DESCRIPTION COMMAND...: polls COMMAND every 0.25s until it
# succeeds. Fails the start when component NAME exits or after
# $start_timeout seconds.
wait_until() {
  local name="$1" description="$2"
  shift 2
  local deadline=$((SECONDS + start_timeout))
  until "$@" >/dev/null 2>&1; do
    if ! kube_component_pid "$name" >/dev/null; then
      fail_start "$name" "$name exited while waiting for $description"
    fi
    if ((SECONDS >= deadline)); then
      fail_start "$name" "timed out after ${start_timeout}s waiting for $description"
    fi
    sleep 0.25
  done
}

http_body_is() {
  local expected="$1"
  shift
  [[ "$(curl -s --max-time 5 "$@")" == *"$expected"* ]]
}

# --- main -------------------------------------------------------------------

mkdir -p "$kube_state_dir/run" "$kube_state_dir/logs"
exec 9>"$kube_state_dir/.start.lock"
flock -w 300 9 || {
  kube_log "timed out after 300s waiting for the lock on $kube_state_dir/.start.lock"
  exit 1
}

if all_components_running && apiserver_ready; then
  kube_log "reusing the running cluster in $kube_state_dir"
  if [[ ! -f "$kube_state_dir/worker.kubeconfig" ]]; then
    "$script_dir/worker-kubeconfig.sh"
  fi
  print_export
  exit 0
fi

if any_component_running; then
  kube_log "cluster in $kube_state_dir is only partly running or not ready; restarting it"
  kube_stop_all 15
fi

bin_dir="$("$script_dir/build.sh" | tail -n 1)"
started_at=$SECONDS

rm -rf "$pki" "$kube_state_dir/etcd" "$kube_state_dir/kwok-home" "$kube_state_dir/cluster.env" \
  "$admin_kubeconfig" "$kube_state_dir/worker.kubeconfig"
for name in "${kube_components[@]}"; do
  : >"$kube_state_dir/logs/$name.log"
done

apiserver_port="" etcd_port="" etcd_peer_port="" controller_manager_port="" scheduler_port="" kwok_port=""
if [[ -n "${KUBE_APISERVER_PORT:-}" ]]; then
  apiserver_port="$KUBE_APISERVER_PORT"
  taken_ports+=("$apiserver_port")
else
  allocate_port apiserver_port
fi
allocate_port etcd_port
allocate_port etcd_peer_port
allocate_port controller_manager_port
allocate_port scheduler_port
allocate_port kwok_port
apiserver_url="https://127.0.0.1:$apiserver_port"

generate_pki
write_kubeconfig "$admin_kubeconfig" admin
for name in kube-controller-manager kube-scheduler kwok; do
  write_kubeconfig "$kube_state_dir/$name.kubeconfig" "$name"
done

start_component etcd \
  --name=default \
  --data-dir="$kube_state_dir/etcd" \
  --listen-client-url="http://127.0.0.1:$etcd_port" \
  --listen-peer-url="http://127.0.0.1:$etcd_peer_port"
wait_until etcd "etcd /health" http_body_is '"health":"true"' "http://127.0.0.1:$etcd_port/health"

# --advertise-address: without it, a loopback bind address makes the server
# advertise the host's first non-loopback address.
# --endpoint-reconciler-type=none: Endpoints reject loopback addresses, so
# the reconciler of the default/kubernetes Service could only fail.
# --service-cluster-ip-range: ClusterIPs are only allocated, never routed,
# because no kube-proxy runs.
start_component kube-apiserver \
  --bind-address=127.0.0.1 \
  --secure-port="$apiserver_port" \
  --advertise-address=127.0.0.1 \
  --endpoint-reconciler-type=none \
  --etcd-servers="http://127.0.0.1:$etcd_port" \
  --client-ca-file="$pki/ca.crt" \
  --tls-cert-file="$pki/apiserver.crt" \
  --tls-private-key-file="$pki/apiserver.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$pki/sa.pub" \
  --service-account-signing-key-file="$pki/sa.key" \
  --service-cluster-ip-range=10.96.0.0/16 \
  --authorization-mode=RBAC \
  --profiling=false
wait_until kube-apiserver "kube-apiserver /readyz" \
  http_body_is ok --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$apiserver_url/readyz"

cat >"$kube_state_dir/cluster.env" <<EOF
apiserver_url=$apiserver_url
etcd_url=http://127.0.0.1:$etcd_port
controller_manager_url=https://127.0.0.1:$controller_manager_port
scheduler_url=https://127.0.0.1:$scheduler_port
kwok_url=http://127.0.0.1:$kwok_port
bin_dir=$bin_dir
EOF

# Leader election is off because only one instance runs, and a lease left
# by a killed process would delay the next start by the lease duration.
# Without --authentication-kubeconfig the serving port admits anonymous
# requests to the always-allowed health paths only. That flag would make the
# component read a kube-system ConfigMap at start-up, which RBAC can still
# forbid for a moment after the API server reports ready.
start_component kube-controller-manager \
  --kubeconfig="$kube_state_dir/kube-controller-manager.kubeconfig" \
  --authorization-always-allow-paths=/healthz,/readyz,/livez \
  --bind-address=127.0.0.1 \
  --secure-port="$controller_manager_port" \
  --cert-dir="$pki/kube-controller-manager" \
  --leader-elect=false \
  --controllers='*' \
  --use-service-account-credentials=true \
  --service-account-private-key-file="$pki/sa.key" \
  --root-ca-file="$pki/ca.crt" \
  --cluster-signing-cert-file="$pki/ca.crt" \
  --cluster-signing-key-file="$pki/ca.key" \
  --cluster-name="$cluster_name" \
  --profiling=false

start_component kube-scheduler \
  --kubeconfig="$kube_state_dir/kube-scheduler.kubeconfig" \
  --authorization-always-allow-paths=/healthz,/readyz,/livez \
  --bind-address=127.0.0.1 \
  --secure-port="$scheduler_port" \
  --cert-dir="$pki/kube-scheduler" \
  --leader-elect=false \
  --profiling=false

# kwok reads ~/.kwok/kwok.yaml when it exists, so HOME points at an empty
# directory to keep a user's own kwok configuration out of this cluster.
# --node-ip and --cidr put the fake node and pod addresses on loopback, so a
# request that the API server proxies to a node, pod or Service (logs, exec,
# port-forward, services/proxy) stays on this machine. The cost: validation
# rejects loopback addresses in EndpointSlices and Endpoints, so a Service
# gets no endpoints, and kube-controller-manager logs retries for it.
mkdir -p "$kube_state_dir/kwok-home"
HOME="$kube_state_dir/kwok-home" start_component kwok \
  --kubeconfig="$kube_state_dir/kwok.kubeconfig" \
  --config="$bin_dir/kwok-stages.yaml" \
  --manage-all-nodes=false \
  --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-ip=127.0.0.1 \
  --node-port="$kwok_port" \
  --server-address="127.0.0.1:$kwok_port" \
  --cidr=127.1.0.0/16 \
  --node-lease-duration-seconds=40

wait_until kube-controller-manager "kube-controller-manager /healthz" \
  http_body_is ok --insecure "https://127.0.0.1:$controller_manager_port/healthz"
wait_until kube-scheduler "kube-scheduler /healthz" \
  http_body_is ok --insecure "https://127.0.0.1:$scheduler_port/healthz"
wait_until kwok "kwok /healthz" http_body_is ok "http://127.0.0.1:$kwok_port/healthz"

for ((i = 0; i < node_count; i++)); do
  kube_admin_kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    type: kwok
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
EOF
done
wait_until kwok "all nodes Ready" kube_admin_kubectl wait node --all --for=condition=Ready --timeout=5s
# The ServiceAccount admission plugin rejects Pods in a namespace until the
# serviceaccount controller has created its "default" ServiceAccount.
wait_until kube-controller-manager "ServiceAccount default/default" \
  kube_admin_kubectl get serviceaccount default -n default

"$script_dir/worker-kubeconfig.sh"
kube_log "started in $((SECONDS - started_at))s"
print_export
