#!/usr/bin/env bash
# Decode benchmark: `ferrule decode` of fixed-length cp037 files to JSON Lines, on one core,
# with baselines measured in the same run:
#   cat    `cat FILE > /dev/null` (reading the same bytes, no work);
#   serde  a plain serde_json serialisation of the same values (examples/bench_serde_baseline.rs);
#   base   optionally another ferrule build (BASE=path), e.g. the previous commit's.
# Throughput is MB (10^6 bytes) of *input records* per second; peak RSS from /usr/bin/time.
# A benchmark, not a test: it reports figures and never fails on them.
#
# Usage: bash bench/decode.sh              MB/s, ratios and peak RSS
#        bash bench/decode.sh --callgrind  instructions per record (valgrind), stable on a busy machine
# Knobs (environment): REPS (5), REPS_LARGE (3), SMALL (200000), LARGE (2000000, 0 skips),
#   KINDS ("text-heavy packed-heavy mixed mixed:drop"; `:drop` adds --drop-empty-occurs),
#   BENCH_DATA (where the generated files are kept; reused while their size matches),
#   FERRULE (a ferrule binary to measure instead of this tree's), BASE (a second binary
#   measured in the same sitting, e.g. a build of the previous commit), CG_RECORDS (20000).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DATA=${BENCH_DATA:-$TARGET/bench-data}
REPS=${REPS:-5}
REPS_LARGE=${REPS_LARGE:-3}
SMALL=${SMALL:-200000}
LARGE=${LARGE:-2000000}
read -r -a KINDS <<<"${KINDS:-text-heavy packed-heavy mixed mixed:drop}"
BASE=${BASE:-}
CG_RECORDS=${CG_RECORDS:-20000}
MODE=${1:-}

echo "== building (release)" >&2
(cd "$ROOT" && cargo build --release --quiet --bin ferrule \
    --example bench_gen --example bench_serde_baseline)
FERRULE=${FERRULE:-$TARGET/release/ferrule}
GEN=$TARGET/release/examples/bench_gen
SERDE=$TARGET/release/examples/bench_serde_baseline

# One core, so the figures are per core and the runs do not move between CPUs.
PIN=()
if command -v taskset >/dev/null 2>&1; then
    PIN=(taskset -c 0)
fi
if [[ ! -x /usr/bin/time ]] && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "== installing GNU time (peak RSS)" >&2
    apt-get install -y -qq time >/dev/null 2>&1 || true
fi

mkdir -p "$DATA"

# gen KIND COUNT -> path of a COUNT-record file (made once, deterministic).
gen() {
    local kind=$1 count=$2 cpy=$ROOT/bench/$1.cpy
    local out=$DATA/$kind.$count.bin
    local reclen
    reclen=$("$FERRULE" layout --copybook "$cpy" | awk '/^record length/ {print $3}')
    if [[ ! -f $out ]] || [[ $(stat -c %s "$out") != $((reclen * count)) ]]; then
        echo "== generating $count records of $kind ($reclen bytes each)" >&2
        "$GEN" "$cpy" "$count" "$out" --codepage cp037 2>/dev/null
    fi
    echo "$out"
}

# secs CMD... -> wall seconds of one run (output to /dev/null).
secs() {
    local s=${EPOCHREALTIME/./}
    "$@" >/dev/null
    local e=${EPOCHREALTIME/./}
    awk -v d=$((e - s)) 'BEGIN { printf "%.6f", d / 1e6 }'
}

# stats REPS CMD... -> "best median" seconds.
stats() {
    local reps=$1
    shift
    local t=()
    for ((i = 0; i < reps; i++)); do
        t+=("$(secs "$@")")
    done
    printf '%s\n' "${t[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[1], a[int((NR + 1) / 2)] }'
}

peak_rss_mb() {
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f '%M' -o "$DATA/rss.txt" "$@" >/dev/null
        awk '{ printf "%.1f", $1 / 1024 }' "$DATA/rss.txt"
    else
        echo "n/a"
    fi
}

# decode_cmd BIN CPY FILE EXTRA... -> the decode command line, as an array in CMD.
decode_cmd() {
    local bin=$1 cpy=$2 file=$3
    shift 3
    CMD=("$bin" decode --copybook "$cpy" --codepage cp037 --framing fixed --no-progress "$@" "$file")
}

# ir BIN CPY FILE EXTRA... -> instructions (Ir) of one decode run under callgrind.
ir() {
    decode_cmd "$@"
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "${CMD[@]}" 2>&1 >/dev/null |
        awk '/Collected :/ { print $4 }'
}

if [[ $MODE == --callgrind ]]; then
    command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
    # Per record: the difference between N and N/10 records, over 0.9 N, so start-up
    # (copybook parse, plan compile) cancels out.
    few=$((CG_RECORDS / 10))
    echo "instructions per record (callgrind Ir; ($CG_RECORDS records - $few records) / $((CG_RECORDS - few)))"
    printf "%-18s %12s %12s %8s\n" kind ferrule base ratio
    for spec in "${KINDS[@]}"; do
        kind=${spec%%:*}
        extra=()
        [[ $spec == *:drop ]] && extra=(--drop-empty-occurs)
        cpy=$ROOT/bench/$kind.cpy
        big=$(gen "$kind" "$CG_RECORDS")
        small=$(gen "$kind" "$few")
        per() {
            local a b
            a=$(ir "$1" "$cpy" "$big" "${extra[@]}")
            b=$(ir "$1" "$cpy" "$small" "${extra[@]}")
            awk -v a="$a" -v b="$b" -v n=$((CG_RECORDS - few)) 'BEGIN { printf "%.0f", (a - b) / n }'
        }
        mine=$(per "$FERRULE")
        base=n/a
        ratio=n/a
        if [[ -n $BASE ]]; then
            base=$(per "$BASE")
            ratio=$(awk -v m="$mine" -v b="$base" 'BEGIN { printf "%.3f", m / b }')
        fi
        printf "%-18s %12s %12s %8s\n" "$spec" "$mine" "$base" "$ratio"
    done
    echo "binary: $FERRULE${BASE:+; base: $BASE}"
    exit 0
fi

ROWS=()
for spec in "${KINDS[@]}"; do
    kind=${spec%%:*}
    extra=()
    [[ $spec == *:drop ]] && extra=(--drop-empty-occurs)
    cpy=$ROOT/bench/$kind.cpy
    small=$(gen "$kind" "$SMALL")

    # The serde baseline serialises exactly what the decoder writes for the small file.
    echo "== $spec: serde_json baseline" >&2
    decode_cmd "$FERRULE" "$cpy" "$small" "${extra[@]}"
    "${CMD[@]}" >"$DATA/$kind.$SMALL.jsonl"
    serde_line=$("${PIN[@]}" "$SERDE" "$DATA/$kind.$SMALL.jsonl" "$small" --reps "$REPS")
    rm -f "$DATA/$kind.$SMALL.jsonl"
    serde_mbps=$(sed -n 's/.*best_mbps=\([0-9.]*\).*/\1/p' <<<"$serde_line")

    files=("$small")
    if [[ $LARGE -gt 0 ]]; then
        files+=("$(gen "$kind" "$LARGE")")
    fi
    for f in "${files[@]}"; do
        reps=$REPS
        [[ $f == "$small" ]] || reps=$REPS_LARGE
        bytes=$(stat -c %s "$f")
        records=$(basename "$f" | awk -F. '{ print $2 }')
        echo "== $spec, $records records: cat and ferrule decode, $reps runs each" >&2
        cat "$f" >/dev/null # page cache warm for both
        read -r cat_best _ < <(stats "$reps" "${PIN[@]}" cat "$f")
        decode_cmd "$FERRULE" "$cpy" "$f" "${extra[@]}"
        read -r fe_best fe_median < <(stats "$reps" "${PIN[@]}" "${CMD[@]}")
        rss=$(peak_rss_mb "${PIN[@]}" "${CMD[@]}")
        base_best=0
        if [[ -n $BASE ]]; then
            decode_cmd "$BASE" "$cpy" "$f" "${extra[@]}"
            read -r base_best _ < <(stats "$reps" "${PIN[@]}" "${CMD[@]}")
        fi
        ROWS+=("$(awk -v k="$spec" -v n="$records" -v b="$bytes" -v c="$cat_best" \
            -v fb="$fe_best" -v fm="$fe_median" -v s="$serde_mbps" -v r="$rss" -v bb="$base_best" 'BEGIN {
                mb = b / 1e6; cat = mb / c; fe = mb / fb; fem = mb / fm
                base = bb > 0 ? sprintf("%9.1f %7.2f", mb / bb, fe / (mb / bb)) : sprintf("%9s %7s", "-", "-")
                printf "%-16s %9d %7.1f %9.0f %9.1f %9.1f %9.1f %8.3f %8.2f %s %9s\n",
                    k, n, mb, cat, fe, fem, s, fe / cat, fe / s, base, r }')")
    done
done

echo
echo "binary: $FERRULE${BASE:+; base: $BASE}; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ferrule decode, cp037 fixed-length records -> JSON Lines on /dev/null; one core (${PIN[*]:-unpinned})"
echo "MB = 10^6 bytes of input records; ferrule best and median of $REPS runs ($REPS_LARGE for the large file); base best"
printf "%-16s %9s %7s %9s %9s %9s %9s %8s %8s %9s %7s %9s\n" \
    kind records MB cat_MB/s best_MB/s med_MB/s serde_MB/s x_cat x_serde base_MB/s x_base RSS_MB
for r in "${ROWS[@]}"; do
    printf '%s\n' "$r"
done
echo "targets: text-heavy and mixed >= 300 MB/s, packed-heavy >= 150 MB/s, peak RSS < 32 MB at any size"
