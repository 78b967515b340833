#!/usr/bin/env bash
# Columnar benchmark: `ferrule decode` of the same fixed-length cp037 files to JSON Lines
# (the baseline, measured in the same run), Parquet, Arrow IPC and CSV, on one core.
# Throughput is MB (10^6 bytes) of *input records* per second; output goes to a file in
# BENCH_DATA (Parquet and Arrow need a real file; JSON Lines gets one too, to be fair).
# A benchmark, not a test: it reports figures and never fails on them.
#
# Then, on the mixed file (ratios taken in the same run, the machine being shared):
#   threads  parquet with --threads 1 (one core) and --threads 2 (two cores): the ratio,
#            on COUNT records and (with LARGE) on the large file too;
#   rss      peak RSS (/usr/bin/time -v) of --threads 1 and 2 on a file LARGE records long;
#   python   bench/py_decode_mixed.py (the best plain Python we could write) against
#            `ferrule decode --to csv --threads 1`, both on one core.
#
# Usage: bash bench/columnar.sh               MB/s, thread ratio, RSS, Python
#        bash bench/columnar.sh --callgrind   instructions per record (valgrind), --threads 1,
#            per kind and format: (Ir of CG_RECORDS records - Ir of a tenth) / 0.9 CG_RECORDS,
#            so start-up cancels out; stable on a busy machine, unlike MB/s
# Knobs (environment): REPS (5), COUNT (200000), KINDS ("text-heavy packed-heavy"; with
#   --callgrind "text-heavy packed-heavy mixed"), FORMATS (--callgrind: "parquet arrow"),
#   CG_RECORDS (20000), LARGE (2000000 records for the RSS runs; 0 skips them), PY_REPS (1),
#   BENCH_DATA (where generated files are kept; reused while their size matches),
#   FERRULE (a ferrule binary to measure instead of this tree's), BASE (--callgrind: a
#   second binary measured in the same sitting, e.g. the build before a change),
#   OUT_DIR (where outputs are written: /dev/shm when writable, else BENCH_DATA).
# Outputs go to memory by default: on this VM's disk, 2 threads writing ~200 MB/s of
# Parquet (random bench data hardly compresses) hit the kernel's dirty-page throttling,
# which measured the disk and not the decoder (1.65-1.76x to disk, 1.76-1.99x to memory).
# The large-file thread ratio is printed both ways.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DATA=${BENCH_DATA:-$TARGET/bench-data}
if [[ -z ${OUT_DIR:-} ]]; then
    OUT_DIR=$DATA
    if [[ -d /dev/shm && -w /dev/shm ]]; then OUT_DIR=/dev/shm/ferrule-bench; fi
fi
REPS=${REPS:-5}
COUNT=${COUNT:-200000}
LARGE=${LARGE:-2000000}
PY_REPS=${PY_REPS:-1}
MODE=${1:-}
if [[ $MODE == --callgrind ]]; then
    read -r -a KINDS <<<"${KINDS:-text-heavy packed-heavy mixed}"
else
    read -r -a KINDS <<<"${KINDS:-text-heavy packed-heavy}"
fi
read -r -a FORMATS <<<"${FORMATS:-parquet arrow}"
CG_RECORDS=${CG_RECORDS:-20000}
BASE=${BASE:-}

echo "== building (release)" >&2
(cd "$ROOT" && cargo build --release --quiet --bin ferrule --example bench_gen)
FERRULE=${FERRULE:-$TARGET/release/ferrule}
GEN=$TARGET/release/examples/bench_gen

PIN=()
if command -v taskset >/dev/null 2>&1; then
    PIN=(taskset -c 0)
fi
mkdir -p "$DATA" "$OUT_DIR"

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

# ir BIN CPY FILE FORMAT -> instructions (Ir) of one `decode --threads 1` under callgrind.
ir() {
    local out=$OUT_DIR/columnar-cg.$4
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" decode --copybook "$2" \
        --codepage cp037 --framing fixed --no-progress --threads 1 --to "$4" -o "$out" "$3" \
        2>&1 >/dev/null | awk '/Collected :/ { print $4 }'
    rm -f "$out"
}

if [[ $MODE == --callgrind ]]; then
    command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
    few=$((CG_RECORDS / 10))
    echo "instructions per record (callgrind Ir; ($CG_RECORDS records - $few records) / $((CG_RECORDS - few))), --threads 1"
    printf "%-14s %-8s %12s %12s %8s\n" kind format ferrule base ratio
    for kind in "${KINDS[@]}"; do
        cpy=$ROOT/bench/$kind.cpy
        big=$(gen "$kind" "$CG_RECORDS")
        small=$(gen "$kind" "$few")
        for to in "${FORMATS[@]}"; do
            per() {
                local a b
                a=$(ir "$1" "$cpy" "$big" "$to")
                b=$(ir "$1" "$cpy" "$small" "$to")
                awk -v a="$a" -v b="$b" -v n=$((CG_RECORDS - few)) 'BEGIN { printf "%.0f", (a - b) / n }'
            }
            echo "== $kind --to $to" >&2
            mine=$(per "$FERRULE")
            base=n/a
            ratio=n/a
            if [[ -n $BASE ]]; then
                base=$(per "$BASE")
                ratio=$(awk -v m="$mine" -v b="$base" 'BEGIN { printf "%.3f", m / b }')
            fi
            printf "%-14s %-8s %12s %12s %8s\n" "$kind" "$to" "$mine" "$base" "$ratio"
        done
    done
    echo "binary: $FERRULE${BASE:+; base: $BASE}"
    exit 0
fi

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
        out=$OUT_DIR/columnar-out.$to
        t=$(best "$REPS" "${PIN[@]}" "$FERRULE" decode --copybook "$cpy" --codepage cp037 \
            --framing fixed --no-progress --threads 1 --to "$to" -o "$out" "$f")
        [[ -n $jsonl_s ]] || jsonl_s=$t
        size=$(stat -c %s "$out")
        line+=$(awk -v b="$bytes" -v t="$t" -v j="$jsonl_s" -v o="$size" 'BEGIN {
            printf " %9.1f %6.2f %8.1f", b / 1e6 / t, j / t, o / 1e6 }')
        rm -f "$out"
    done
    ROWS+=("$line")
done

# Every core: parquet on one thread (pinned to one core) and on two (both cores).
f=$(gen mixed "$COUNT")
cpy=$ROOT/bench/mixed.cpy
bytes=$(stat -c %s "$f")
out=$OUT_DIR/columnar-out.parquet
dec=("$FERRULE" decode --copybook "$cpy" --framing fixed --no-progress --to parquet -o "$out" "$f")
echo "== mixed: parquet --threads 1 and 2, $REPS runs each" >&2
t1=$(best "$REPS" "${PIN[@]}" "${dec[@]}" --threads 1)
t2=$(best "$REPS" "${dec[@]}" --threads 2)
THREADS=$(awk -v b="$bytes" -v a="$t1" -v c="$t2" 'BEGIN {
    printf "parquet, mixed: 1 thread %.1f MB/s, 2 threads %.1f MB/s, ratio %.2fx (target >= 1.8x)",
        b / 1e6 / a, b / 1e6 / c, a / c }')

# Peak RSS per thread, on a file LARGE records long (memory must not follow the file).
# The thread ratio again on that file, where start-up and the last row group weigh less
# than on COUNT records.
RSS=
if ((LARGE > 0)) && [[ -x /usr/bin/time ]]; then
    big=$(gen mixed "$LARGE")
    echo "== mixed: parquet --threads 1 and 2, $LARGE records, 2 runs each" >&2
    bigdec=("$FERRULE" decode --copybook "$cpy" --framing fixed --no-progress --to parquet -o "$out" "$big")
    b1=$(best 2 "${PIN[@]}" "${bigdec[@]}" --threads 1)
    b2=$(best 2 "${bigdec[@]}" --threads 2)
    THREADS+=$'\n'$(awk -v b="$(stat -c %s "$big")" -v a="$b1" -v c="$b2" -v o="$OUT_DIR" 'BEGIN {
        printf "parquet, mixed, %.0f MB, output in %s: 1 thread %.1f MB/s, 2 threads %.1f MB/s, ratio %.2fx (target >= 1.8x)",
            b / 1e6, o, b / 1e6 / a, b / 1e6 / c, a / c }')
    if [[ $OUT_DIR != "$DATA" ]]; then
        # The same to disk: what a user writing a lake file on this machine sees.
        echo "== mixed: the same, output to $DATA" >&2
        diskdec=("${bigdec[@]}")
        diskdec[${#diskdec[@]} - 2]=$DATA/columnar-out.parquet
        b1=$(best 2 "${PIN[@]}" "${diskdec[@]}" --threads 1)
        b2=$(best 2 "${diskdec[@]}" --threads 2)
        rm -f "$DATA/columnar-out.parquet"
        THREADS+=$'\n'$(awk -v b="$(stat -c %s "$big")" -v a="$b1" -v c="$b2" -v o="$DATA" 'BEGIN {
            printf "parquet, mixed, %.0f MB, output in %s: 1 thread %.1f MB/s, 2 threads %.1f MB/s, ratio %.2fx (disk-bound)",
                b / 1e6, o, b / 1e6 / a, b / 1e6 / c, a / c }')
    fi
    for n in 1 2; do
        echo "== mixed: peak RSS, $LARGE records, --threads $n" >&2
        kb=$(/usr/bin/time -v "$FERRULE" decode --copybook "$cpy" --framing fixed --no-progress \
            --to parquet -o "$out" --threads "$n" "$big" 2>&1 >/dev/null |
            awk '/Maximum resident set size/ {print $NF}')
        RSS+=$(awk -v k="$kb" -v n="$n" -v b="$(stat -c %s "$big")" 'BEGIN {
            printf "  --threads %d: %.1f MB peak RSS (%.1f MB per thread) on %.0f MB of input\n",
                n, k / 1024, k / 1024 / n, b / 1e6 }')$'\n'
    done
fi

# Against plain Python: the same file to CSV, both on one core.
PY=
if command -v python3 >/dev/null; then
    echo "== mixed: python decoder and ferrule --to csv --threads 1" >&2
    pyout=$OUT_DIR/columnar-out.py.csv
    tp=$(best "$PY_REPS" "${PIN[@]}" python3 "$ROOT/bench/py_decode_mixed.py" "$f" "$pyout")
    rows=$(($(wc -l <"$pyout") - 1))
    tc=$(best "$REPS" "${PIN[@]}" "$FERRULE" decode --copybook "$cpy" --framing fixed \
        --no-progress --threads 1 --to csv -o "$out.csv" "$f")
    frows=$(($(wc -l <"$out.csv") - 1))
    PY=$(awk -v b="$bytes" -v p="$tp" -v c="$tc" -v r="$rows" -v fr="$frows" 'BEGIN {
        printf "csv, mixed, one core: python %.2f MB/s (%d rows), ferrule %.1f MB/s (%d rows), ratio %.1fx (target >= 20x)",
            b / 1e6 / p, r, b / 1e6 / c, fr, p / c }')
    rm -f "$pyout" "$out.csv"
fi
rm -f "$out"

echo
echo "binary: $FERRULE; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ferrule decode of $COUNT cp037 fixed-length records; one core (${PIN[*]:-unpinned}); best of $REPS"
echo "per format: MB/s of input, ratio to JSON Lines in the same run, output MB"
printf "%-13s %s\n" kind "jsonl_MB/s  x  out_MB | parquet_MB/s  x  out_MB | arrow ... | csv ..."
for r in "${ROWS[@]}"; do
    printf '%s\n' "$r"
done
echo "target (issue 13): parquet >= 150 MB/s of input per core"
echo "$THREADS"
[[ -z $RSS ]] || printf "peak RSS, parquet:\n%s" "$RSS"
[[ -z $PY ]] || echo "$PY"
