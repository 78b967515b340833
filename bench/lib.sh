# Shared by the bench scripts (sourced, not run): a work dir cleaned up on exit, and
# starting servers in the background and reading back the address they print.
# Sets WORK and PIDS; needs nothing from the caller.

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# start_logged NAME CPUS CMD...: starts CMD in the background (pinned to CPUS unless
# empty), stdout to $WORK/NAME.out, stderr to $WORK/NAME.log; sets $STARTED to its pid.
start_logged() {
    local name=$1 cpus=$2
    shift 2
    # Truncated here, not by the background redirection: wait_line must never read the
    # previous run's address.
    : >"$WORK/$name.out"
    if [[ -n $cpus ]]; then
        taskset -c "$cpus" "$@" >"$WORK/$name.out" 2>"$WORK/$name.log" &
    else
        "$@" >"$WORK/$name.out" 2>"$WORK/$name.log" &
    fi
    STARTED=$!
    PIDS+=("$STARTED")
}

# wait_line NAME PATTERN: the first stdout line of NAME matching PATTERN (10 s at most).
wait_line() {
    local i line
    for i in $(seq 100); do
        line=$(grep -m1 -- "$2" "$WORK/$1.out" 2>/dev/null || true)
        if [[ -n $line ]]; then
            echo "$line"
            return
        fi
        sleep 0.1
    done
    echo "$1 did not start; its log:" >&2
    cat "$WORK/$1.log" >&2
    exit 1
}

stop() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
