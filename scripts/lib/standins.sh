# Sourced by the benchmarks: stand-in containers, each a sleeping process in a mount namespace of its
# own with eight lxcfs files bound over /proc, and no other lxcfs mount (none of other instances).

STANDIN_FILES=(cpuinfo diskstats loadavg meminfo stat swaps uptime)
STANDINS=()

# start_standins N LXCFS_DIR READY_DIR : starts N stand-ins; appends their PIDs to STANDINS.
start_standins() {
  local n=$1 dir=$2 ready=$3 script f i
  script=""
  for f in "${STANDIN_FILES[@]}"; do
    script+="mount --bind $dir/proc/$f /proc/$f && "
  done
  script+="mount --bind $dir/sys/devices/system/cpu/online /sys/devices/system/cpu/online && "
  # Every other lxcfs mount copied from the host goes: the folder itself, other instances.
  script+="awk '\$0 ~ / - fuse.lxcfs / && \$5 !~ /^\\/proc\\// && \$5 != \"/sys/devices/system/cpu/online\" {print \$5}' /proc/self/mountinfo | while read -r m; do umount -l \"\$m\"; done && "
  script+="touch $ready/ready.\$\$ && exec sleep infinity"
  for i in $(seq 1 "$n"); do
    unshare --mount --propagation private sh -c "$script" &
    STANDINS+=($!)
  done
  for i in $(seq 1 600); do
    [ "$(find "$ready" -maxdepth 1 -name 'ready.*' | wc -l)" -ge "$n" ] && break
    sleep 0.1
  done
  rm -f "$ready"/ready.*
}

# stop_standins : stops every stand-in started, by PID.
stop_standins() {
  local pid
  for pid in "${STANDINS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STANDINS[@]}"; do wait "$pid" 2>/dev/null || true; done
  STANDINS=()
}
