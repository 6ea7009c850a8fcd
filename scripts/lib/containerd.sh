# Sourced by the project's scripts: a containerd with its CRI plugin for the CRI end-to-end tests,
# on private paths, without a registry and without CNI. Needs prerequisites.sh and docker.sh sourced
# first (the busybox image is built with Docker and imported from it).

# What the tests create their pods and containers from (docker.io/ is what ctr import prefixes).
CRI_TEST_IMAGE=docker.io/$BUSYBOX_IMAGE

# ensure_cri_containerd : exports LXCFS_REMOUNT_TEST_CRI_ENDPOINT=unix://SOCKET. Uses the endpoint
# already in that variable if it answers; otherwise starts a containerd of its own under a private
# folder (root, state and socket: no other containerd is touched) and sets STARTED_CONTAINERD_PID.
ensure_cri_containerd() {
  ensure_packages containerd runc
  local endpoint=${LXCFS_REMOUNT_TEST_CRI_ENDPOINT:-}
  if [ -n "$endpoint" ] && [ -S "${endpoint#unix://}" ] && ctr -a "${endpoint#unix://}" version >/dev/null 2>&1; then
    echo "Using the containerd at $endpoint for the CRI tests." >&2
    import_cri_test_image "${endpoint#unix://}"
    return 0
  fi
  [ -n "$endpoint" ] && echo "$endpoint does not answer: starting a containerd of our own." >&2

  STARTED_CONTAINERD_DIR=$(mktemp -d /tmp/lxcfs-remount-containerd.XXXXXX)
  local dir=$STARTED_CONTAINERD_DIR socket=$STARTED_CONTAINERD_DIR/containerd.sock
  # restrict_oom_score_adj: without it every sandbox fails here with "failed to update
  # /proc/self/oom_score_adj: Permission denied". The sandbox image is our own busybox: nothing can
  # be pulled. runc's state and the opt plugin's folder go private too (only the shims' sockets stay
  # in /run/containerd/s, a path containerd 1.6 does not let us choose).
  containerd config default |
    sed -e "s|^root = .*|root = \"$dir/root\"|" \
        -e "s|^state = .*|state = \"$dir/state\"|" \
        -e "s|^\(\s*\)Root = \"\"|\1Root = \"$dir/runc\"|" \
        -e "s|^\(\s*\)path = \"/opt/containerd\"|\1path = \"$dir/opt\"|" \
        -e "s|^\(\s*\)address = \"/run/containerd/containerd.sock\"|\1address = \"$socket\"|" \
        -e "s|^\(\s*\)sandbox_image = .*|\1sandbox_image = \"$CRI_TEST_IMAGE\"|" \
        -e "s|^\(\s*\)restrict_oom_score_adj = .*|\1restrict_oom_score_adj = true|" \
        >"$dir/config.toml"
  grep -q "address = \"$socket\"" "$dir/config.toml" || { echo "cannot set the socket in $dir/config.toml" >&2; return 1; }

  echo "Starting containerd with CRI at unix://$socket (log: $dir/containerd.log)..." >&2
  containerd --config "$dir/config.toml" >"$dir/containerd.log" 2>&1 &
  STARTED_CONTAINERD_PID=$!
  local i
  for i in $(seq 1 150); do
    [ -S "$socket" ] && ctr -a "$socket" version >/dev/null 2>&1 && break
    kill -0 "$STARTED_CONTAINERD_PID" 2>/dev/null || { cat "$dir/containerd.log" >&2; echo "containerd exited" >&2; return 1; }
    sleep 0.2
  done
  ctr -a "$socket" version >/dev/null 2>&1 || { echo "containerd did not answer within 30 s (log: $dir/containerd.log)" >&2; return 1; }
  import_cri_test_image "$socket"
  export LXCFS_REMOUNT_TEST_CRI_ENDPOINT=unix://$socket
}

# import_cri_test_image SOCKET : puts the busybox image into containerd's k8s.io namespace (CRI's).
import_cri_test_image() {
  local socket=$1 tar
  ctr -a "$socket" -n k8s.io images ls -q 2>/dev/null | grep -qxF "$CRI_TEST_IMAGE" && return 0
  tar=$(mktemp /tmp/lxcfs-remount-busybox.XXXXXX.tar)
  docker save "$BUSYBOX_IMAGE" -o "$tar"
  ctr -a "$socket" -n k8s.io images import "$tar" >/dev/null
  rm -f "$tar"
}

# stop_started_containerd : stops the containerd ensure_cri_containerd started, by its PID, and
# removes its folder. Its shims outlive it, so leftover pod tasks (a test that died before its
# cleanup) are deleted first, which ends their shims.
stop_started_containerd() {
  [ -n "${STARTED_CONTAINERD_PID:-}" ] || return 0
  local dir=$STARTED_CONTAINERD_DIR socket=$STARTED_CONTAINERD_DIR/containerd.sock id i
  if kill -0 "$STARTED_CONTAINERD_PID" 2>/dev/null; then
    for id in $(ctr -a "$socket" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr -a "$socket" -n k8s.io tasks rm -f "$id" >/dev/null 2>&1 || true
    done
    kill "$STARTED_CONTAINERD_PID"
    for i in $(seq 1 100); do
      kill -0 "$STARTED_CONTAINERD_PID" 2>/dev/null || break
      sleep 0.2
    done
  fi
  # Rootfs and shm mounts of the containers stay behind under the state folder: deepest first.
  awk -v dir="$dir" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r mountpoint; do umount -l "$mountpoint" 2>/dev/null || true; done
  rm -rf "$dir"
  STARTED_CONTAINERD_PID=
}
