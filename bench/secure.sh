#!/usr/bin/env bash
# The cost of security: wrk against the demo's vehicle route (`ferrule serve` in front
# of `ferrule mock`, release builds, loopback) with JWT auth (HS256 bearer token, signed
# here with python's standard library) and the audit log (default flush policy `os`:
# written before each answer, no fsync) ON, against the plain sample config OFF, in
# the same run. OFF and ON alternate ROUNDS times so that drift on a shared machine hits
# both alike; the best round of each is compared. Reports req/s, p50 and p99 both ways,
# the ratio (target: ON loses at most 15% of OFF's req/s), and the audit log's line
# count against the calls made. A third mode, `jwt` (auth on, no audit log), runs between
# them to split the cost (JWT_ONLY=0 skips it).
#
# A benchmark, not a test: it prints figures and never fails on them.
#
# Usage: bash bench/secure.sh
# Knobs (environment): DURATION (10s), THREADS (2), CONNS (64), ROUNDS (2),
#   SESSIONS (64: the vehicles backend's max_sessions), QUEUE (1024),
#   AUDIT_FLUSH (os, the default policy; or every_line, interval),
#   AUDIT_DIR (where the audit log is written; default a temp dir: on tmpfs an fsync
#   costs nothing, so point it at a real disk to measure that), FERRULE (another binary).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
ROUNDS=${ROUNDS:-2}
AUDIT_FLUSH=${AUDIT_FLUSH:-os}
SESSIONS=${SESSIONS:-64}
QUEUE=${QUEUE:-1024}
LUA=$ROOT/bench/secure.lua

command -v wrk >/dev/null || { echo "wrk is needed (Debian: apt-get install wrk)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is needed to sign the token" >&2; exit 2; }

echo "== building (release)" >&2
(cd "$ROOT" && cargo build --release --quiet --bin ferrule)
FERRULE=${FERRULE:-$TARGET/release/ferrule}

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
AUDIT_DIR=${AUDIT_DIR:-$WORK}
cp "$ROOT"/samples/gateway/*.cpy "$ROOT"/samples/gateway/*.jsonl "$WORK"/

# TEST-ONLY secret, as in samples/secure.
export FERRULE_JWT_SECRET='test-only-hs256-secret-do-not-use-0123456789'
FERRULE_BENCH_TOKEN=$(python3 - <<'PY'
import base64, hashlib, hmac, json, os, time
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
now = int(time.time())
body = b64(json.dumps({"sub": "bench-user", "iss": "https://idp.test.invalid",
    "aud": "ferrule", "iat": now, "nbf": now - 5, "exp": now + 3600,
    "scope": "vehicles:read"}).encode())
mac = hmac.new(os.environ["FERRULE_JWT_SECRET"].encode(), f"{head}.{body}".encode(),
    hashlib.sha256).digest()
print(f"{head}.{body}.{b64(mac)}")
PY
)

sed -E 's/^listen = "127\.0\.0\.1:[0-9]+"/listen = "127.0.0.1:0"/' \
    "$ROOT/samples/gateway/mock.toml" >"$WORK/mock.toml"
start_logged mock "" "$FERRULE" mock --config "$WORK/mock.toml"
MOCK_PID=$STARTED
wait_line mock "vehicles listening on" >/dev/null

# The sample config pointed at the mock, copybook paths absolute; $1 = on|off.
write_config() {
    local out=$WORK/ferrule-$1.toml
    awk -v sessions="$SESSIONS" -v queue="$QUEUE" -v hosts="$WORK/mock.out" \
        -v dir="$ROOT/samples/gateway" -v secure="$1" '
        BEGIN {
            while ((getline l < hosts) > 0)
                if (split(l, w, " ") >= 6 && w[4] == "listening") addr[w[3]] = w[6]
        }
        /^listen = / { print "listen = \"127.0.0.1:0\""; next }
        /^name = / { name = $3; gsub(/"/, "", name) }
        /^address = / && (name in addr) { print "address = \"" addr[name] "\""; next }
        /^max_sessions = / && name == "vehicles" {
            print "max_sessions = " sessions; print "max_queue = " queue; next
        }
        { gsub(/copybook = "/, "copybook = \"" dir "/") }
        /^path = "\/v1\/vehicles\/\{vrm\}"/ && secure != "off" {
            print; print "auth = { scopes = [\"vehicles:read\"] }"; print "audit_keys = [\"vrm\"]"; next
        }
        { print }
    ' "$ROOT/samples/gateway/ferrule.toml" >"$out"
    if [[ $1 != off ]]; then
        cat >>"$out" <<TOML

[auth]
realm = "ferrule"

[auth.jwt]
audience = ["ferrule"]
issuer = ["https://idp.test.invalid"]
[[auth.jwt.key]]
algorithms = ["HS256"]
secret_env = "FERRULE_JWT_SECRET"
TOML
    fi
    if [[ $1 == on ]]; then
        printf '\n[audit]\npath = "%s/audit-$ROUND.log"\nflush = "%s"\n' "$AUDIT_DIR" \
            "$AUDIT_FLUSH" >>"$out"
    fi
}
write_config off
write_config jwt
write_config on

# run MODE ROUND: starts the gateway on MODE's config, checks one call, runs wrk (2 s
# warm-up, then DURATION), prints one line, stops the gateway.
run() {
    local mode=$1 round=$2 cfg=$WORK/ferrule-$1-$2.toml token=""
    sed "s/\\\$ROUND/$round/" "$WORK/ferrule-$mode.toml" >"$cfg"
    rm -f "$AUDIT_DIR/audit-$round.log"*
    start_logged "gateway-$mode" "" "$FERRULE" serve --config "$cfg"
    local pid=$STARTED url
    url=$(wait_line "gateway-$mode" "listening on http://" | sed 's/.*listening on //')
    [[ $mode != off ]] && token=$FERRULE_BENCH_TOKEN
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' ${token:+-H "Authorization: Bearer $token"} \
        "$url/v1/vehicles/AB12CDE")
    [[ $code == 200 ]] || { echo "$mode: GET /v1/vehicles/AB12CDE -> $code" >&2; cat "$WORK/gateway-$mode.log" >&2; exit 1; }
    if [[ $mode != off ]]; then
        code=$(curl -s -o /dev/null -w '%{http_code}' "$url/v1/vehicles/AB12CDE")
        [[ $code == 401 ]] || { echo "on: no token -> $code, expected 401" >&2; exit 1; }
    fi
    FERRULE_BENCH_TOKEN=$token wrk -t"$THREADS" -c"$CONNS" -d2s -s "$LUA" "$url" >/dev/null
    FERRULE_BENCH_TOKEN=$token wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency \
        -s "$LUA" "$url" >"$WORK/wrk.txt"
    stop "$pid"
    local lines=""
    if [[ $mode == on ]]; then
        lines=$(cat "$AUDIT_DIR/audit-$round.log"* | wc -l)
    fi
    awk -v label="$mode#$round" -v lines="$lines" '
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
            printf "%-8s %10.0f req/s   p50 %7.3f ms   p99 %7.3f ms", label, rps, p50, p99
            if (bad) printf "   non-2xx %s", bad
            if (err) printf "   [%s]", err
            # warm-up + measured calls + the checks above, all audited
            if (lines != "") printf "   audit lines %s (measured calls %s)", lines, total
            printf "\n"
            print label, rps, p50, p99 > "/dev/stderr"
        }
    ' "$WORK/wrk.txt" 2>>"$WORK/results"
}

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$THREADS -c$CONNS -d$DURATION; $ROUNDS rounds; audit flush $AUDIT_FLUSH, log in $AUDIT_DIR ($(df -T "$AUDIT_DIR" | awk 'NR == 2 { print $2 }'))"
for round in $(seq "$ROUNDS"); do
    run off "$round"
    [[ ${JWT_ONLY:-1} == 1 ]] && run jwt "$round"
    run on "$round"
done
awk '
    { split($1, m, "#") }
    m[1] == "off" && $2 > off { off = $2; offp99 = $4 }
    m[1] == "on" && $2 > on { on = $2; onp99 = $4 }
    m[1] == "jwt" && $2 > jwt { jwt = $2; jwtp99 = $4 }
    END {
        printf "== best of each: off %.0f req/s p99 %.3f ms; on (JWT + audit) %.0f req/s p99 %.3f ms\n",
            off, offp99, on, onp99
        printf "   on/off = %.1f%% of the req/s (%.1f%% fewer; target at most 15%% fewer), p99 x%.2f\n",
            100 * on / off, 100 - 100 * on / off, onp99 / offp99
        if (jwt) printf "   JWT alone (no audit): %.0f req/s p99 %.3f ms, %.1f%% fewer than off\n",
            jwt, jwtp99, 100 - 100 * jwt / off
    }
' "$WORK/results"
