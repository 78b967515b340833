#!/usr/bin/env bash
# Columnar benchmark: `ferrule decode` of the same fixed-length cp037 files to JSON Lines
# (the baseline, measured in the same run), Parquet, Arrow IPC and CSV, on one core.
# Throughput is MB (10^6 bytes) of *input records* per second; output goes to a file in
# BENCH_DATA (Parquet and Arrow need a real file; JSON Lines gets one too, to be fair).
# A benchmark, not a test: it reports figures and never fails on them.
#
# Usage: bash bench/columnar.sh
# Knobs (environment): REPS (5), COUNT (200000), KINDS ("text-heavy packed-heavy"),
#   BENCH_DATA (where generated files are kept; reused while their size matches),
#   FERRULE (a ferrule binary to measure instead of this tree's).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DATA=${BENCH_DATA:-$TARGET/bench-data}
REPS=${REPS:-5}
COUNT=${COUNT:-200000}
read -r -a KINDS <<<"${KINDS:-text-heavy packed-heavy}"

echo "== building (release)" >&2
(cd "$ROOT" && cargo build --release --quiet --bin ferrule --example bench_gen)
FERRULE=${FERRULE:-$TARGET/release/ferrule}
GEN=$TARGET/release/examples/bench_gen

PIN=()
if command -v taskset >/dev/null 2>&1; then
    PIN=(taskset -c 0)
fi
mkdir -p "$DATA"

gen() {
    local kind=$1 count=$2 cpy=$ROOT/bench/$1.cpy
    local out=$DATA/$kind.$count.bin reclen
    reclen=$("$FERRULE" layout --copybook "$cpy" | awk '/^record length/ {print $3}')
    if [[ ! -f $out ]] || [[ $(stat -c %s "$out") != $((reclen * count)) ]]; then
        echo "== generating $count records of $kind ($reclen bytes each)" >&2
        "$GEN" "$cpy" "$count" "$out" --codepage cp037 2>/dev/null
    fi
    echo "$out"
}

# best REPS CMD... -> the best wall seconds of REPS runs.
best() {
    local reps=$1 b=
    shift
    for ((i = 0; i < reps; i++)); do
        local s=${EPOCHREALTIME/./}
        "$@" >/dev/null 2>&1
        local e=${EPOCHREALTIME/./}
        local t=$((e - s))
        if [[ -z $b ]] || ((t < b)); then b=$t; fi
    done
    awk -v d="$b" 'BEGIN { printf "%.6f", d / 1e6 }'
}

ROWS=()
for kind in "${KINDS[@]}"; do
    cpy=$ROOT/bench/$kind.cpy
    f=$(gen "$kind" "$COUNT")
    bytes=$(stat -c %s "$f")
    cat "$f" >/dev/null
    line="$kind"
    jsonl_s=
    for to in jsonl parquet arrow csv; do
        echo "== $kind: --to $to, $REPS runs" >&2
        out=$DATA/columnar-out.$to
        t=$(best "$REPS" "${PIN[@]}" "$FERRULE" decode --copybook "$cpy" --codepage cp037 \
            --framing fixed --no-progress --to "$to" -o "$out" "$f")
        [[ -n $jsonl_s ]] || jsonl_s=$t
        size=$(stat -c %s "$out")
        line+=$(awk -v b="$bytes" -v t="$t" -v j="$jsonl_s" -v o="$size" 'BEGIN {
            printf " %9.1f %6.2f %8.1f", b / 1e6 / t, j / t, o / 1e6 }')
        rm -f "$out"
    done
    ROWS+=("$line")
done

echo
echo "binary: $FERRULE; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ferrule decode of $COUNT cp037 fixed-length records; one core (${PIN[*]:-unpinned}); best of $REPS"
echo "per format: MB/s of input, ratio to JSON Lines in the same run, output MB"
printf "%-13s %s\n" kind "jsonl_MB/s  x  out_MB | parquet_MB/s  x  out_MB | arrow ... | csv ..."
for r in "${ROWS[@]}"; do
    printf '%s\n' "$r"
done
echo "target (issue 13): parquet >= 150 MB/s of input per core"
