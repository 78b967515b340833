#!/usr/bin/env bash
# Gateway benchmark: wrk against the demo's vehicle route (`ferrule serve` in front of
# `ferrule mock`, both release builds, on loopback), and in the same run the same wrk
# against examples/hyper_baseline.rs (a bare hyper 1 server answering with the same JSON
# body, same tokio worker count): the machine's ceiling, as the issue defines it; and
# examples/hyper_proxy_baseline.rs (the same body after one pooled round trip of a fixed,
# pre-encoded record to the same mock host): what any proxy with that hop costs here, with
# none of the gateway's translation. Reports req/s, p50, p99 and the gateway's share of
# both; then the gateway's memory holding 1,000 idle keep-alive
# client connections (VmRSS/VmHWM from /proc/PID/status).
#
# Two outside yardsticks run unpinned in the same sitting: nginx reverse-proxying the
# baseline's fixed body (bench/nginx.conf), and a Python translator doing the gateway's job
# (bench/aiohttp_translator.py under gunicorn + uvloop, 2 workers).
#
# Every wrk run is done twice: unpinned (wrk, gateway and mock share all cores, as they
# would on a small box), and pinned (server side on CPU 0: gateway + mock, or the
# baseline; wrk on CPU 1), which takes the fight over cores out of the comparison. CPU
# seconds used by each process during a run are printed, to show what saturates.
#
# A benchmark, not a test: it prints figures and never fails on them.
#
# Usage: bash bench/gateway.sh
# Knobs (environment): DURATION (10s), THREADS (2), CONNS (64), IDLE_CONNS (1000),
#   SESSIONS (64: the vehicles backend's max_sessions; the sample has 20), QUEUE (1024),
#   PIN (1: also run pinned; 0: unpinned only), LIGHT_CONNS (4: a light-load run, wrk -t1
#   -cLIGHT_CONNS, where latency is service time rather than queueing; 0 skips), RUST_LOG (the gateway's log filter; default
#   info, one line per request, written to a file), FERRULE (another ferrule binary),
#   GW_THREADS (the gateway's `[server] threads`: "auto", the default, is thread-per-core
#   with one thread per core; N is N threads; 0 is one work-stealing runtime).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
IDLE_CONNS=${IDLE_CONNS:-1000}
SESSIONS=${SESSIONS:-64}
QUEUE=${QUEUE:-1024}
PIN=${PIN:-1}
LIGHT_CONNS=${LIGHT_CONNS:-4}
LUA=$ROOT/bench/gateway.lua

if ! command -v wrk >/dev/null 2>&1; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "== installing wrk" >&2
        apt-get install -y -qq wrk >/dev/null
    else
        echo "wrk is needed (Debian: apt-get install wrk)" >&2
        exit 2
    fi
fi
if [[ ! -x /usr/bin/time ]] && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    apt-get install -y -qq time >/dev/null 2>&1 || true
fi
if (($(ulimit -n) < IDLE_CONNS + 100)); then
    ulimit -n $((IDLE_CONNS + 1024)) 2>/dev/null || true
fi

echo "== building (release)" >&2
(cd "$ROOT" && cargo build --release --quiet --bin ferrule --example hyper_baseline \
    --example hyper_proxy_baseline)
FERRULE=${FERRULE:-$TARGET/release/ferrule}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
# The two outside yardsticks (nginx; a Python translator) are optional rows: missing tools
# are installed when we can, else their rows are skipped with a note.
if [[ ! -x $NGINX ]] && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    apt-get install -y -qq nginx-light >/dev/null 2>&1 || apt-get install -y -qq nginx >/dev/null 2>&1 || true
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
if ! python3 -c 'import aiohttp, uvloop, gunicorn' 2>/dev/null; then
    python3 -m pip install -q --disable-pip-version-check aiohttp uvloop gunicorn >/dev/null 2>&1 || true
fi
HAVE_NGINX=0; [[ -x $NGINX ]] && HAVE_NGINX=1
HAVE_AIOHTTP=0; python3 -c 'import aiohttp, uvloop, gunicorn' 2>/dev/null && HAVE_AIOHTTP=1
BASELINE=$TARGET/release/examples/hyper_baseline
PROXY=$TARGET/release/examples/hyper_proxy_baseline

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
# shellcheck source=bench/hosts.sh
source "$ROOT/bench/hosts.sh"
cp "$ROOT"/samples/gateway/*.cpy "$ROOT"/samples/gateway/*.jsonl "$WORK"/

# ---------------------------------------------------------------------------------------
# Starting things. Every server gets port 0 and prints its address; we read it back.

# A free loopback port (for servers that cannot print the one they were given).
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL: until URL answers (10 s at most).
wait_http() {
    local i
    for i in $(seq 100); do
        curl -s -o /dev/null "$1" && return
        sleep 0.1
    done
    echo "$1 did not answer" >&2
    exit 1
}

# nginx reverse-proxying the running baseline's fixed body (bench/nginx.conf).
start_nginx() {
    local port
    port=$(free_port)
    mkdir -p "$WORK/nginx"
    sed -e "s#@WORK@#$WORK/nginx#g" -e "s#@PORT@#$port#" -e "s#@UPSTREAM@#${BASELINE_URL#http://}#" \
        "$ROOT/bench/nginx.conf" >"$WORK/nginx/nginx.conf"
    start_logged nginx "$1" "$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
    NGINX_PID=$STARTED
    NGINX_URL=http://127.0.0.1:$port
    wait_http "$NGINX_URL/v1/vehicles/AB12CDE"
    # Both workers must have forked before their CPU is read, as for gunicorn's below.
    local i
    for i in $(seq 100); do
        (($(pgrep -c -P "$NGINX_PID") >= 2)) && break
        sleep 0.1
    done
}

# The Python translator (bench/aiohttp_translator.py) in front of the running mock's
# vehicles host: gunicorn, 2 uvloop workers.
start_aiohttp() {
    local port vehicles
    port=$(free_port)
    vehicles=$(awk '$3 == "vehicles" && $4 == "listening" { print $6 }' "$WORK/mock.out")
    VEHICLES_HOST=$vehicles start_logged aiohttp "$1" python3 -m gunicorn --chdir "$ROOT" -w 2 \
        -k aiohttp.GunicornUVLoopWebWorker -b "127.0.0.1:$port" bench.aiohttp_translator:app
    AIOHTTP_PID=$STARTED
    AIOHTTP_URL=http://127.0.0.1:$port
    wait_http "$AIOHTTP_URL/v1/vehicles/AB12CDE"
    # One worker answering does not mean both have forked: the CPU count must include both.
    local i
    for i in $(seq 100); do
        (($(pgrep -c -P "$AIOHTTP_PID") >= 2)) && break
        sleep 0.1
    done
}

start_baseline() {
    start_logged baseline "$1" "$BASELINE" "$WORK/body.json"
    BASELINE_PID=$STARTED
    BASELINE_URL=$(wait_line baseline "listening on http://" | sed 's/.*listening on //')
}

# ---------------------------------------------------------------------------------------
# Measuring.

# CPU seconds (user + system) a process has used so far.
cpu_s() {
    awk -v hz="$(getconf CLK_TCK)" '{
        sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz
    }' "/proc/$1/stat"
}

# run_wrk LABEL URL WRK_CPUS NAME=PID...: a 2 s warm-up, then the measured run; prints
# one result line, the CPU seconds each process (and wrk) used during it, and those
# divided by the requests served.
run_wrk() {
    local label=$1 url=$2 cpus=$3
    shift 3
    local pin=()
    [[ -n $cpus ]] && pin=(taskset -c "$cpus")
    local threads=${WRK_THREADS:-$THREADS} conns=${WRK_CONNS:-$CONNS}
    "${pin[@]}" wrk -t"$threads" -c"$conns" -d2s -s "$LUA" "$url" >/dev/null
    local before=() named
    for named in "$@"; do before+=("$(cpu_s "${named#*=}")"); done
    local timer=()
    [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f "%U %S" -o "$WORK/wrk.time")
    "${timer[@]}" "${pin[@]}" wrk -t"$threads" -c"$conns" -d"$DURATION" --latency \
        -s "$LUA" "$url" >"$WORK/wrk.txt"
    local i=0 cpu="cpu_s:"
    for named in "$@"; do
        cpu+=" ${named%%=*}=$(awk -v a="$(cpu_s "${named#*=}")" -v b="${before[$i]}" 'BEGIN { printf "%.1f", a - b }')"
        i=$((i + 1))
    done
    [[ -f $WORK/wrk.time ]] && cpu+=" wrk=$(awk '{ printf "%.1f", $1 + $2 }' "$WORK/wrk.time")"
    awk -v label="$label" -v cpu="$cpu" '
        function ms(t) {
            if (t ~ /us$/) return substr(t, 1, length(t) - 2) / 1000
            if (t ~ /ms$/) return substr(t, 1, length(t) - 2) + 0
            if (t ~ /s$/) return substr(t, 1, length(t) - 1) * 1000
            return t
        }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /^Requests\/sec/ { rps = $2 }
        / requests in / { total = $1 }
        /Non-2xx/ { bad = $NF }
        /Socket errors/ { err = $0; sub(/^ +/, "", err) }
        END {
            printf "%-28s %10.0f req/s   p50 %7.3f ms   p99 %7.3f ms", label, rps, p50, p99
            if (bad) printf "   non-2xx %s", bad
            if (err) printf "   [%s]", err
            # CPU per request: steadier than req/s on a shared machine.
            printf "\n    %s   (CPU us/request:", cpu
            n = split(cpu, parts, " ")
            per = ""
            for (i = 2; i <= n; i++) {
                split(parts[i], kv, "=")
                printf " %s=%.1f", kv[1], total ? 1e6 * kv[2] / total : 0
                per = per sprintf(" %s=%.2f", kv[1], total ? 1e6 * kv[2] / total : 0)
            }
            printf ")\n"
            # Results: label, req/s, p50, p99, then NAME=CPU us/request per process.
            print label, rps, p50, p99 per > "/dev/stderr"
        }
    ' "$WORK/wrk.txt" 2>>"$WORK/results"
}

# ratio LABEL_GATEWAY LABEL_BASELINE [LABEL_PROXY]: the gateway's req/s as a share of the
# baseline's (the issue's ceiling), and of the proxy baseline's when one ran.
ratio() {
    awk -v g="$1" -v b="$2" -v p="${3:-}" '
        $1 == g { grps = $2; gp99 = $4 }
        $1 == b { brps = $2 }
        p != "" && $1 == p { prps = $2 }
        END {
            if (brps > 0)
                printf "  -> %s: %.0f%% of the ceiling (target >= 50%%), p99 %.3f ms (target < 5 ms)\n",
                    g, 100 * grps / brps, gp99
            if (prps > 0)
                printf "  -> %s: %.0f%% of the proxy baseline (the same host hop, no translation)\n",
                    g, 100 * grps / prps
        }
    ' "$WORK/results"
}

# yardsticks GATEWAY NGINX PY: the gateway against the issue's two outside yardsticks, by
# req/s and by CPU per request. The CPU ratio is the load-steady one: each proxy's own
# processes (the gateway; nginx's workers), then with its upstream added (the mock; the
# fixed-body baseline nginx forwards to).
yardsticks() {
    awk -v g="$1" -v n="$2" -v p="$3" '
        function cpu(prefix,   i, kv, sum) {
            sum = 0
            for (i = 5; i <= NF; i++) {
                split($i, kv, "=")
                if (index(kv[1], prefix) == 1) sum += kv[2]
            }
            return sum
        }
        $1 == g { grps = $2; gcpu = cpu("gateway"); gup = cpu("mock") }
        $1 == n { nrps = $2; ncpu = cpu("nginx"); nup = cpu("baseline") }
        $1 == p { prps = $2; pcpu = cpu("py-") }
        END {
            if (nrps > 0) {
                printf "  -> %s: %.2fx nginx reverse-proxying a fixed body (target >= 1.0x)\n", g, grps / nrps
                if (ncpu > 0)
                    printf "  -> CPU us/request: %s %.1f, nginx %.1f: %.2fx nginx (1.0x is par); with upstreams %.1f vs %.1f: %.2fx\n",
                        g, gcpu, ncpu, gcpu / ncpu, gcpu + gup, ncpu + nup, (gcpu + gup) / (ncpu + nup)
            }
            if (prps > 0) {
                printf "  -> %s: %.2fx the Python aiohttp translator (target >= 3x)\n", g, grps / prps
                if (pcpu > 0 && gcpu > 0)
                    printf "  -> CPU us/request: aiohttp workers %.1f: the gateway needs %.2fx less\n", pcpu, pcpu / gcpu
            }
        }
    ' "$WORK/results"
}

status_kb() {
    awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"
}

# Opens N keep-alive connections to HOST:PORT, makes one request on each (so every one is
# a live HTTP/1.1 connection the server has served), prints "ready" and holds them until
# stdin closes.
hold_connections() {
    python3 -u -c '
import socket, sys
host, port, n, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
req = ("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (path, host)).encode()
conns, ok = [], 0
for _ in range(n):
    s = socket.create_connection((host, port))
    s.sendall(req)
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
    while length and len(body) < length[0]:
        body += s.recv(65536)
    ok += head.startswith(b"HTTP/1.1 200")
    conns.append(s)
print("ready %d %d" % (len(conns), ok))
sys.stdin.read()
' "$@"
}

# memory LABEL PID URL: VmRSS before, with IDLE_CONNS idle connections, and VmHWM.
memory() {
    local label=$1 pid=$2 hostport=${3#http://}
    local idle_kb
    idle_kb=$(status_kb "$pid" VmRSS)
    mkfifo "$WORK/hold.in"
    hold_connections "${hostport%:*}" "${hostport##*:}" "$IDLE_CONNS" /v1/vehicles/AB12CDE \
        <"$WORK/hold.in" >"$WORK/hold.out" &
    local holder=$!
    exec 9>"$WORK/hold.in"
    local i
    for i in $(seq 600); do
        grep -q ready "$WORK/hold.out" 2>/dev/null && break
        sleep 0.1
    done
    sleep 0.5
    printf "%-28s VmRSS idle %6.1f MB, with %s open connections %6.1f MB, VmHWM %6.1f MB   (%s)\n" \
        "$label" "$(awk -v k="$idle_kb" 'BEGIN { print k / 1024 }')" "$IDLE_CONNS" \
        "$(awk -v k="$(status_kb "$pid" VmRSS)" 'BEGIN { print k / 1024 }')" \
        "$(awk -v k="$(status_kb "$pid" VmHWM)" 'BEGIN { print k / 1024 }')" \
        "$(cat "$WORK/hold.out")"
    exec 9>&-
    wait "$holder" 2>/dev/null || true
    rm -f "$WORK/hold.in" "$WORK/hold.out"
}

# ---------------------------------------------------------------------------------------

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$THREADS -c$CONNS -d$DURATION; vehicles max_sessions=$SESSIONS; gateway threads=${GW_THREADS:-auto}"

start_mock ""
start_gateway ""
sizes=()
for vrm in AB12CDE WX70ZZZ LK09HTR YR63OPL GN18KTV SF15WJB BD51SMR KP66NXA EY21UBS CU04XRW; do
    code=$(curl -s -o "$WORK/body.$vrm" -w '%{http_code}' "$GATEWAY_URL/v1/vehicles/$vrm")
    [[ $code == 200 ]] || { echo "GET /v1/vehicles/$vrm -> $code" >&2; exit 1; }
    sizes+=("$(stat -c %s "$WORK/body.$vrm")")
done
cp "$WORK/body.AB12CDE" "$WORK/body.json"
request_record
echo "== response bodies: ${sizes[*]} bytes (baseline sends AB12CDE's, $(stat -c %s "$WORK/body.json") bytes)"

echo "== unpinned: wrk, gateway and mock share all cores"
run_wrk gateway "$GATEWAY_URL" "" gateway="$GATEWAY_PID" mock="$MOCK_PID"
stop "$GATEWAY_PID"
start_proxy ""
run_wrk proxy "$PROXY_URL" "" proxy="$PROXY_PID" mock="$MOCK_PID"
stop "$PROXY_PID"
if ((HAVE_AIOHTTP)); then
    start_aiohttp ""
    # gunicorn's workers are its children: count the whole process group's CPU via the master
    # and each worker.
    workers=()
    for w in $(pgrep -P "$AIOHTTP_PID"); do workers+=("py-worker=$w"); done
    run_wrk aiohttp "$AIOHTTP_URL" "" py-master="$AIOHTTP_PID" "${workers[@]}" mock="$MOCK_PID"
    stop "$AIOHTTP_PID"
else
    echo "aiohttp row skipped: pip install aiohttp uvloop gunicorn"
fi
stop "$MOCK_PID"
start_baseline ""
run_wrk baseline "$BASELINE_URL" "" baseline="$BASELINE_PID"
if ((HAVE_NGINX)); then
    start_nginx ""
    nginx_workers=()
    for w in $(pgrep -P "$NGINX_PID"); do nginx_workers+=("nginx-worker=$w"); done
    run_wrk nginx "$NGINX_URL" "" "${nginx_workers[@]}" baseline="$BASELINE_PID"
    stop "$NGINX_PID"
else
    echo "nginx row skipped: apt-get install nginx-light"
fi
stop "$BASELINE_PID"
ratio gateway baseline proxy
yardsticks gateway nginx aiohttp

if [[ $PIN == 1 ]] && command -v taskset >/dev/null && (($(nproc) >= 2)); then
    echo "== pinned: server side on CPU 0 (gateway + mock, or the baseline), wrk on CPU 1"
    start_mock 0
    start_gateway 0
    run_wrk gateway-pinned "$GATEWAY_URL" 1 gateway="$GATEWAY_PID" mock="$MOCK_PID"
    stop "$GATEWAY_PID"
    start_proxy 0
    run_wrk proxy-pinned "$PROXY_URL" 1 proxy="$PROXY_PID" mock="$MOCK_PID"
    stop "$PROXY_PID"
    stop "$MOCK_PID"
    start_baseline 0
    run_wrk baseline-pinned "$BASELINE_URL" 1 baseline="$BASELINE_PID"
    stop "$BASELINE_PID"
    ratio gateway-pinned baseline-pinned proxy-pinned
fi

if ((LIGHT_CONNS > 0)); then
    echo "== light load: wrk -t1 -c$LIGHT_CONNS (unpinned): latency without queueing"
    start_mock ""
    start_gateway ""
    WRK_THREADS=1 WRK_CONNS=$LIGHT_CONNS run_wrk gateway-light "$GATEWAY_URL" "" \
        gateway="$GATEWAY_PID" mock="$MOCK_PID"
    stop "$GATEWAY_PID"
    stop "$MOCK_PID"
    start_baseline ""
    WRK_THREADS=1 WRK_CONNS=$LIGHT_CONNS run_wrk baseline-light "$BASELINE_URL" "" \
        baseline="$BASELINE_PID"
    stop "$BASELINE_PID"
    ratio gateway-light baseline-light
fi

echo "== memory: $IDLE_CONNS idle keep-alive client connections (each made one request first)"
start_mock ""
start_gateway ""
memory gateway "$GATEWAY_PID" "$GATEWAY_URL"
stop "$GATEWAY_PID"
stop "$MOCK_PID"
start_baseline ""
memory baseline "$BASELINE_PID" "$BASELINE_URL"
stop "$BASELINE_PID"
echo "   (target: gateway < 50 MB)"
