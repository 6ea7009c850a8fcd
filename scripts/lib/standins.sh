# Sourced by the demo and the benchmarks: stand-in containers, each a sleeping process in a mount
# namespace of its own with eight lxcfs files bound over /proc, and no other lxcfs mount (none of
# other instances).
# Needs wait.sh sourced first.

STANDIN_FILES=(cpuinfo diskstats loadavg meminfo stat swaps uptime)
STANDINS=()

# start_standins N LXCFS_DIR READY_DIR [CGROUP] : starts N stand-ins (in the cgroup folder CGROUP
# when given) and waits until each has bound its files; appends their PIDs to STANDINS. Each binds
# from inside its own namespace once unshare has made it private, so no bind can reach this machine's
# own /proc; the check that each namespace is not ours guards against a changed script.
start_standins() {
  local n=$1 dir=$2 ready=$3 cgroup=${4:-} script f i
  script=""
  [ -n "$cgroup" ] && script+="echo \$\$ >$cgroup/cgroup.procs && "
  for f in "${STANDIN_FILES[@]}"; do
    script+="mount --bind $dir/proc/$f /proc/$f && "
  done
  script+="mount --bind $dir/sys/devices/system/cpu/online /sys/devices/system/cpu/online && "
  # Every other lxcfs mount copied from the host goes: the folder itself, other instances. A path
  # listed twice (a dead lxcfs under a live one) is gone with its first lazy unmount.
  script+="awk '\$0 ~ / - fuse.lxcfs / && \$5 !~ /^\\/proc\\// && \$5 != \"/sys/devices/system/cpu/online\" {print \$5}' /proc/self/mountinfo | while read -r m; do umount -l \"\$m\" 2>/dev/null || true; done && "
  # A stand-in that cannot bind says so at once instead of letting the wait run out.
  script+="touch $ready/ready.\$\$ && exec sleep infinity; touch $ready/failed.\$\$"
  local started=()
  for i in $(seq 1 "$n"); do
    unshare --mount --propagation private sh -c "$script" &
    started+=($!)
  done
  STANDINS+=("${started[@]}")
  wait_until 120 "$n stand-ins to bind their lxcfs files (ready files in $ready)" standins_done "$ready" "$n" || return 1
  local failed
  failed=$(find "$ready" -maxdepth 1 -name 'failed.*' | wc -l)
  rm -f "$ready"/ready.* "$ready"/failed.*
  [ "$failed" -eq 0 ] || { echo "$failed of $n stand-ins could not bind lxcfs files from $dir" >&2; return 1; }
  local pid
  for pid in "${started[@]}"; do
    has_own_mount_namespace "$pid" || { echo "stand-in $pid shares this script's mount namespace" >&2; return 1; }
  done
}

# standins_done READY_DIR N : whether at least N stand-ins have written their ready or failed file.
standins_done() {
  [ "$(find "$1" -maxdepth 1 \( -name 'ready.*' -o -name 'failed.*' \) | wc -l)" -ge "$2" ]
}

# has_own_mount_namespace PID : whether PID's mount namespace is not this script's (binding into it
# cannot cover this machine's own files).
has_own_mount_namespace() {
  local theirs
  theirs=$(readlink "/proc/$1/ns/mnt") && [ "$theirs" != "$(readlink /proc/self/ns/mnt)" ]
}

# stop_standins : stops every stand-in started, by PID.
stop_standins() {
  local pid
  for pid in "${STANDINS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STANDINS[@]}"; do wait "$pid" 2>/dev/null || true; done
  STANDINS=()
}
