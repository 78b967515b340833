#!/usr/bin/env bash
# CPU cost per request of the gateway and of the hyper proxy baseline, in the same run,
# in units that do not move with the load of a shared machine:
#
# - user-space instructions per request: the server runs under callgrind; after a
#   warm-up its counters are zeroed (`callgrind_control -z`), `wrk -t1 -cCONNS` runs for
#   SECS, and the dumped total is divided by the requests wrk counted;
# - syscalls per request: the server runs natively under `strace -c -f` for the same
#   kind of wrk run; the calls counted are divided by the requests served, with the top
#   few by count listed.
#
# Both hosts' answers go through the same `ferrule mock` (never traced: it is the host,
# not the thing measured). `RUST_LOG` is the gateway's log filter as in bench/gateway.sh
# (default info: one line per request).
#
# A measuring tool, not a test: it prints figures and never fails on them.
#
# Usage: bash bench/gateway_cost.sh
# Knobs: SECS (8: seconds of each measured wrk run), CONNS (4), FERRULE (another ferrule
#   binary), ONLY (gateway or proxy: one row only), BUILD (0: use the binaries as built),
#   KEEP (a folder: the callgrind profiles are copied there, for callgrind_annotate),
#   GW_THREADS (the gateway's `[server] threads`, as in bench/gateway.sh), BASE (another
#   ferrule binary, e.g. a copy of the build before a change: its gateway row is measured
#   too, in the same sitting, as `base`).
#
# Allocations per request are the calls into the Rust allocator (`__rust_alloc`) in the
# same callgrind profile.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SECS=${SECS:-8}
CONNS=${CONNS:-4}
ONLY=${ONLY:-}
SESSIONS=64
QUEUE=1024
LUA=$ROOT/bench/gateway.lua

for tool in wrk valgrind callgrind_control strace; do
    command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }
done

if [[ ${BUILD:-1} == 1 ]]; then
    echo "== building (release)" >&2
    (cd "$ROOT" && cargo build --release --quiet --bin ferrule --example hyper_proxy_baseline)
fi
FERRULE=${FERRULE:-$TARGET/release/ferrule}
PROXY=$TARGET/release/examples/hyper_proxy_baseline

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
# shellcheck source=bench/hosts.sh
source "$ROOT/bench/hosts.sh"
cp "$ROOT"/samples/gateway/*.cpy "$ROOT"/samples/gateway/*.jsonl "$WORK"/

# requests URL SECS: runs wrk, prints the number of requests it completed (non-2xx too).
requests() {
    wrk -t1 -c"$CONNS" -d"$2" -s "$LUA" "$1" >"$WORK/wrk.txt"
    if grep -q -e "Non-2xx" -e "Socket errors" "$WORK/wrk.txt"; then
        echo "wrk saw errors:" >&2
        cat "$WORK/wrk.txt" >&2
    fi
    awk '/ requests in / { print $1 }' "$WORK/wrk.txt"
}

# instructions NAME PID URL: instructions per request of a server running under callgrind.
instructions() {
    local name=$1 pid=$2 url=$3 n total
    requests "$url" 3s >/dev/null # warm-up: pools filled, codecs built, caches hot
    callgrind_control -z "$pid" >/dev/null 2>&1
    n=$(requests "$url" "${SECS}s")
    callgrind_control -d "$pid" >/dev/null 2>&1
    sleep 1
    local dump
    dump=$(ls -t "$WORK"/cg."$name".* | head -1)
    total=$(awk '/^(summary|totals):/ { print $2; exit }' "$dump")
    [[ -n ${KEEP:-} ]] && cp "$dump" "$KEEP/callgrind.$name"
    local allocs
    allocs=$(alloc_calls "$dump")
    awk -v t="$total" -v n="$n" -v name="$name" -v a="$allocs" \
        'BEGIN { printf "%-10s instructions/request %9.0f   allocations/request %5.1f   (%d requests, %s instructions)\n", name, t / n, a / n, n, t }'
}

# alloc_calls DUMP: calls into `__rust_alloc` in a callgrind profile (its `calls=` lines
# under that callee; names are compressed to `(id)` after their first mention).
alloc_calls() {
    awk '
        /^c?fn=\(/ {
            match($0, /\([0-9]+\)/); id = substr($0, RSTART, RLENGTH)
            rest = substr($0, RSTART + RLENGTH + 1); if (rest != "") name[id] = rest
        }
        /^cfn=/ { match($0, /\([0-9]+\)/); cur = substr($0, RSTART, RLENGTH) }
        /^calls=/ { split($0, a, /[= ]/); if (name[cur] ~ /__rust_alloc$/) n += a[2] }
        END { print n + 0 }
    ' "$1"
}

# syscalls NAME PID URL: syscalls per request of a running server, by strace -c -f.
syscalls() {
    local name=$1 pid=$2 url=$3 n
    requests "$url" 2s >/dev/null
    strace -c -f -q -p "$pid" -o "$WORK/strace.$name" &
    local tracer=$!
    sleep 1
    n=$(requests "$url" "${SECS}s")
    kill -INT "$tracer"
    wait "$tracer" 2>/dev/null || true
    # strace -c rows: % time, seconds, usecs/call, calls, [errors,] syscall.
    local top
    top=$(awk -v n="$n" '$1 ~ /^[0-9.]+$/ && $NF != "total" { printf "%s %.2f\n", $NF, $4 / n }' \
        "$WORK/strace.$name" | sort -k2,2nr | head -6 | tr '\n' ' ')
    awk -v n="$n" -v name="$name" -v top="$top" '
        $NF == "total" { calls = $4 }
        END { printf "%-10s syscalls/request %6.2f   (%d requests; %s)\n", name, calls / n, n, top }
    ' "$WORK/strace.$name"
}

echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t1 -c$CONNS, ${SECS}s per measure; gateway threads=${GW_THREADS:-auto}"
start_mock ""

if [[ $ONLY != proxy ]]; then
    WRAP=(valgrind --tool=callgrind -q --callgrind-out-file="$WORK/cg.gateway.%p")
    start_gateway ""
    instructions gateway "$GATEWAY_PID" "$GATEWAY_URL"
    stop "$GATEWAY_PID"
    if [[ -n ${BASE:-} ]]; then
        THIS=$FERRULE
        FERRULE=$BASE
        WRAP=(valgrind --tool=callgrind -q --callgrind-out-file="$WORK/cg.base.%p")
        start_gateway ""
        instructions base "$GATEWAY_PID" "$GATEWAY_URL"
        stop "$GATEWAY_PID"
        FERRULE=$THIS
    fi
    WRAP=()
    start_gateway ""
    syscalls gateway "$GATEWAY_PID" "$GATEWAY_URL"
    curl -s -o "$WORK/body.json" "$GATEWAY_URL/v1/vehicles/AB12CDE"
    stop "$GATEWAY_PID"
fi
if [[ $ONLY != gateway ]]; then
    [[ -s $WORK/body.json ]] || echo '{}' >"$WORK/body.json"
    request_record
    WRAP=(valgrind --tool=callgrind -q --callgrind-out-file="$WORK/cg.proxy.%p")
    start_proxy ""
    instructions proxy "$PROXY_PID" "$PROXY_URL"
    stop "$PROXY_PID"
    WRAP=()
    start_proxy ""
    syscalls proxy "$PROXY_PID" "$PROXY_URL"
    stop "$PROXY_PID"
fi
stop "$MOCK_PID"
