# Shared by bench/gateway.sh and bench/gateway_cost.sh (sourced after bench/lib.sh):
# starting the mock host, the gateway in front of it and the hyper proxy baseline, each
# on a free port. Needs ROOT, WORK, FERRULE, PROXY, SESSIONS and QUEUE from the caller;
# `WRAP` (an array, may be empty) runs the gateway or proxy under another program
# (valgrind, for the cost script).

[[ -v WRAP ]] || WRAP=()

# The sample hosts on free ports.
start_mock() {
    sed -E 's/^listen = "127\.0\.0\.1:[0-9]+"/listen = "127.0.0.1:0"/' \
        "$ROOT/samples/gateway/mock.toml" >"$WORK/mock.toml"
    start_logged mock "$1" "$FERRULE" mock --config "$WORK/mock.toml"
    MOCK_PID=$STARTED
    wait_line mock "vehicles listening on" >/dev/null
    wait_line mock "incidents listening on" >/dev/null
}

# The sample gateway config, pointed at the mock's ports, on a free port, the vehicles
# backend allowed $SESSIONS sessions and a $QUEUE-deep queue, served with
# `[server] threads = $GW_THREADS` ("auto", the default: one per core, unless the caller
# sets it; 0 is one work-stealing runtime).
start_gateway() {
    awk -v sessions="$SESSIONS" -v queue="$QUEUE" -v hosts="$WORK/mock.out" \
        -v threads="${GW_THREADS:-auto}" '
        BEGIN {
            while ((getline l < hosts) > 0)
                if (split(l, w, " ") >= 6 && w[4] == "listening") addr[w[3]] = w[6]
        }
        /^listen = / { print "listen = \"127.0.0.1:0\""; print "threads = " (threads ~ /^[0-9]+$/ ? threads : "\"" threads "\""); next }
        /^name = / { name = $3; gsub(/"/, "", name) }
        /^address = / && (name in addr) { print "address = \"" addr[name] "\""; next }
        /^max_sessions = / && name == "vehicles" {
            print "max_sessions = " sessions; print "max_queue = " queue; next
        }
        { print }
    ' "$ROOT/samples/gateway/ferrule.toml" >"$WORK/ferrule.toml"
    start_logged gateway "$1" "${WRAP[@]}" "$FERRULE" serve --config "$WORK/ferrule.toml"
    GATEWAY_PID=$STARTED
    GATEWAY_URL=$(wait_line gateway "listening on http://" | sed 's/.*listening on //')
}

# The proxy baseline in front of the running mock's vehicles host: the same hop as the
# gateway (one pre-encoded request record per call), none of its translation.
start_proxy() {
    local vehicles
    vehicles=$(awk '$3 == "vehicles" && $4 == "listening" { print $6 }' "$WORK/mock.out")
    start_logged proxy "$1" "${WRAP[@]}" "$PROXY" "$WORK/body.json" "$WORK/request.bin" "$vehicles"
    PROXY_PID=$STARTED
    PROXY_URL=$(wait_line proxy "listening on http://" | sed 's/.*listening on //')
}


# The record the gateway sends for AB12CDE (unframed), for the proxy baseline.
request_record() {
    echo '{"tran_code":"VEHQ","vrm":"AB12CDE","requesting_force":62,"user_id":"APIGW01"}' |
        "$FERRULE" encode --copybook "$ROOT/samples/gateway/vehenq-req.cpy" --codepage cp037 \
            --framing fixed >"$WORK/request.bin"
}
