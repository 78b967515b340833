#!/usr/bin/env bash
# Decode benchmark: `ferrule decode` of fixed-length cp037 files to JSON Lines, on one core,
# with two baselines measured in the same run:
#   cat    `cat FILE > /dev/null` (reading the same bytes, no work);
#   serde  a plain serde_json serialisation of the same values (examples/bench_serde_baseline.rs).
# Throughput is MB (10^6 bytes) of *input records* per second; peak RSS from /usr/bin/time.
# A benchmark, not a test: it reports figures and never fails on them.
#
# Usage: bash bench/decode.sh
# Knobs (environment): REPS (5), REPS_LARGE (3), SMALL (200000), LARGE (2000000, 0 skips),
#   KINDS ("text-heavy packed-heavy"), BENCH_DATA (where the generated files are kept; reused while their size matches),
#   FERRULE (a ferrule binary to measure instead of this tree's, e.g. an older build to
#   compare against in the same sitting).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DATA=${BENCH_DATA:-$TARGET/bench-data}
REPS=${REPS:-5}
REPS_LARGE=${REPS_LARGE:-3}
SMALL=${SMALL:-200000}
LARGE=${LARGE:-2000000}
read -r -a KINDS <<<"${KINDS:-text-heavy packed-heavy}"

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

ROWS=()
for kind in "${KINDS[@]}"; do
    cpy=$ROOT/bench/$kind.cpy
    small=$(gen "$kind" "$SMALL")

    # The serde baseline serialises exactly what the decoder writes for the small file.
    echo "== $kind: serde_json baseline" >&2
    "$FERRULE" decode --copybook "$cpy" --codepage cp037 --framing fixed --no-progress \
        "$small" >"$DATA/$kind.$SMALL.jsonl"
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
        echo "== $kind, $records records: cat and ferrule decode, $reps runs each" >&2
        cat "$f" >/dev/null # page cache warm for both
        read -r cat_best _ < <(stats "$reps" "${PIN[@]}" cat "$f")
        read -r fe_best fe_median < <(stats "$reps" "${PIN[@]}" "$FERRULE" decode \
            --copybook "$cpy" --codepage cp037 --framing fixed --no-progress "$f")
        rss=$(peak_rss_mb "${PIN[@]}" "$FERRULE" decode --copybook "$cpy" --codepage cp037 \
            --framing fixed --no-progress "$f")
        ROWS+=("$(awk -v k="$kind" -v n="$records" -v b="$bytes" -v c="$cat_best" \
            -v fb="$fe_best" -v fm="$fe_median" -v s="$serde_mbps" -v r="$rss" 'BEGIN {
                mb = b / 1e6; cat = mb / c; fe = mb / fb; fem = mb / fm
                printf "%-13s %9d %7.1f %9.0f %9.1f %9.1f %9.1f %8.3f %8.2f %9s\n",
                    k, n, mb, cat, fe, fem, s, fe / cat, fe / s, r }')")
    done
done

echo
echo "binary: $FERRULE; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ferrule decode, cp037 fixed-length records -> JSON Lines on /dev/null; one core (${PIN[*]:-unpinned})"
echo "MB = 10^6 bytes of input records; ferrule best and median of $REPS runs ($REPS_LARGE for the large file)"
printf "%-13s %9s %7s %9s %9s %9s %9s %8s %8s %9s\n" \
    kind records MB cat_MB/s best_MB/s med_MB/s serde_MB/s x_cat x_serde RSS_MB
for r in "${ROWS[@]}"; do
    printf '%s\n' "$r"
done
echo "targets: text-heavy >= 300 MB/s, packed-heavy >= 150 MB/s, peak RSS < 32 MB at any size"
