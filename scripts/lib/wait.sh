# Sourced by the project's scripts: every wait has a deadline and says what it waited for.

# wait_until SECONDS DESCRIPTION COMMAND... : runs COMMAND every 0.05 s until it succeeds; after
# SECONDS (whole seconds) without success prints "timed out after SECONDS s waiting for DESCRIPTION"
# and returns 1.
wait_until() {
  local seconds=$1 description=$2 deadline
  shift 2
  deadline=$(($(micros_now) + seconds * 1000000))
  until "$@"; do
    if [ "$(micros_now)" -ge "$deadline" ]; then
      echo "timed out after $seconds s waiting for $description" >&2
      return 1
    fi
    sleep 0.05
  done
}

# micros_now : the wall clock in microseconds, from bash's EPOCHREALTIME (no process started).
micros_now() {
  local now=${EPOCHREALTIME/[.,]/}
  echo $((10#$now))
}

# process_exited PID : whether no process has that PID any more.
process_exited() {
  ! kill -0 "$1" 2>/dev/null
}

# stop_process PID NAME : SIGTERM to PID (a process this script started), then waits until it has
# exited, at most 30 s.
stop_process() {
  kill "$1" 2>/dev/null || return 0
  wait_until 30 "$2 (pid $1) to exit after SIGTERM" process_exited "$1"
}
