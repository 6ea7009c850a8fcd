# Sourced by the project's scripts: a Docker engine and the local busybox image, without a registry.
# Needs prerequisites.sh sourced first.

BUSYBOX_IMAGE=local/busybox:1

# ensure_dockerd : starts dockerd in the background unless one answers; sets STARTED_DOCKERD_PID.
# No bridge, no NAT, no forwarding: nothing here may send traffic anywhere.
ensure_dockerd() {
  ensure_packages docker.io containerd runc
  if docker version >/dev/null 2>&1; then
    return 0
  fi
  local log
  log=$(mktemp /tmp/lxcfs-remount-dockerd.XXXXXX.log)
  echo "Starting dockerd (log: $log)..." >&2
  dockerd --bridge=none --iptables=false --ip-masq=false --ip-forward=false >"$log" 2>&1 &
  STARTED_DOCKERD_PID=$!
  local i
  for i in $(seq 1 150); do
    docker version >/dev/null 2>&1 && return 0
    kill -0 "$STARTED_DOCKERD_PID" 2>/dev/null || { cat "$log" >&2; echo "dockerd exited" >&2; return 1; }
    sleep 0.2
  done
  echo "dockerd did not answer within 30 s (log: $log)" >&2
  return 1
}

# stop_started_dockerd : stops the dockerd this script started, by its PID.
stop_started_dockerd() {
  if [ -n "${STARTED_DOCKERD_PID:-}" ] && kill -0 "$STARTED_DOCKERD_PID" 2>/dev/null; then
    kill "$STARTED_DOCKERD_PID"
    local i
    for i in $(seq 1 100); do
      kill -0 "$STARTED_DOCKERD_PID" 2>/dev/null || break
      sleep 0.2
    done
  fi
}

# ensure_busybox_image : builds local/busybox:1 from busybox-static, without any registry.
ensure_busybox_image() {
  ensure_packages busybox-static
  docker image inspect "$BUSYBOX_IMAGE" >/dev/null 2>&1 && return 0
  echo "Building $BUSYBOX_IMAGE from busybox-static..." >&2
  local root
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/etc" "$root/tmp" "$root/var/lib/lxcfs"
  cp /bin/busybox "$root/bin/busybox"
  local tool
  for tool in sh cat head sleep free mount umount test ls grep wc stat true cut; do
    ln -s busybox "$root/bin/$tool"
  done
  tar -C "$root" -c . | docker import --change 'CMD ["/bin/sleep","2147483647"]' - "$BUSYBOX_IMAGE" >/dev/null
  rm -rf "$root"
}
