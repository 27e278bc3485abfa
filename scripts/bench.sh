#!/usr/bin/env bash
# End-to-end benchmarks of docs/performance.md: builds sarcosim in release mode, runs the
# benchmark scenarios of scenarios/bench/ under /usr/bin/time -v and prints one table of
# wall time, person-years per second and peak RSS; then the numpy peer of
# PEER_DIR (a directory holding numpy_peer.py) against sarcosim on the same workload, in the same run.
#
#   scripts/bench.sh            # full: 1 M and 10 M persons (several minutes)
#   scripts/bench.sh --quick    # the same at 1/10 of the populations (smoke test)
#
# Environment: BENCH_OUT (scratch directory, default a new temp dir, removed at the end
# unless KEEP=1), PEER_DIR (directory of numpy_peer.py), SKIP_PEER=1, SKIP_10M=1.
set -euo pipefail
cd "$(dirname "$0")/.."

scale=1
if [[ "${1:-}" == "--quick" ]]; then
    scale=10
fi

if [[ ! -x /usr/bin/time ]]; then
    echo "installing GNU time (for peak RSS)..." >&2
    sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get install -y -qq time >/dev/null
fi

cargo build --release --quiet
bin=target/release/sarcosim
out="${BENCH_OUT:-$(mktemp -d)}"
mkdir -p "$out"
if [[ "${KEEP:-0}" != 1 && -z "${BENCH_OUT:-}" ]]; then
    trap 'rm -rf "$out"' EXIT
fi

# Wall seconds from time -v's "Elapsed (wall clock) time (h:mm:ss or m:ss): ...".
wall_seconds() {
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0;
        for (i = 1; i <= n; i++) s = s * 60 + p[i];
        printf "%.2f", s }' "$1"
}
rss_mib() {
    awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"
}

rows=()
header=$(printf "%-34s %7s %11s %9s %13s %16s %9s %8s" \
    "benchmark" "threads" "persons" "wall s" "person-years" "person-years/s" "RSS MiB" "calib s")

# bench NAME THREADS SCENARIO POPULATION [extra args]
bench() {
    local name=$1 threads=$2 scenario=$3 population=$4
    shift 4
    local log="$out/$name.log"
    echo "running $name: sarcosim run $scenario --population $population --threads $threads $*" >&2
    /usr/bin/time -v "$bin" run "$scenario" --out "$out/$name" --force \
        --population "$population" --threads "$threads" "$@" 2>"$log"
    local wall rss py calib
    wall=$(wall_seconds "$log")
    rss=$(rss_mib "$log")
    py=$(awk '/person-years, / { print $1 }' "$log")
    calib=$(sed -n 's/.*(calibration \([0-9.]*\) s).*/\1/p' "$log")
    rows+=("$(printf "%-34s %7s %11s %9s %13s %16.0f %9s %8s" \
        "$name" "$threads" "$population" "$wall" "$py" "$(awk -v a="$py" -v b="$wall" 'BEGIN { print a / b }')" "$rss" "$calib")")
    rm -rf "${out:?}/$name"
}

m=$((1000000 / scale))
bench "rw1, no trajectories" 2 scenarios/bench/rw1-1m.toml $m
bench "rw1, no trajectories" 1 scenarios/bench/rw1-1m.toml $m
bench "rw1, yearly trajectories" 2 scenarios/bench/rw1-1m-trajectories.toml $m
if [[ "${SKIP_10M:-0}" != 1 ]]; then
    bench "rw1, no trajectories" 2 scenarios/bench/rw1-10m.toml $((10 * m))
fi

# Against the numpy peer (RW-1 with yearly trajectories, one core) on the same machine.
peer_row=""
if [[ "${SKIP_PEER:-0}" != 1 ]]; then
    peer_dir="${PEER_DIR:-}"
    [[ -n "$peer_dir" && ! -f "$peer_dir/numpy_peer.py" ]] && peer_dir=""
    n=$((200000 / scale))
    if [[ -n "$peer_dir" ]]; then
        if [[ ! -x /tmp/peer/bin/python ]]; then
            python3 -m venv /tmp/peer && /tmp/peer/bin/pip install -q numpy pyarrow
        fi
        bench "rw1 (peer workload), yearly trajectories" 1 scenarios/bench/rw1-1m-trajectories.toml $n
        bench "rw1 (peer workload), yearly trajectories" 2 scenarios/bench/rw1-1m-trajectories.toml $n
        echo "running numpy peer: numpy_peer.py --n $n --years 30 --seed 1" >&2
        /usr/bin/time -v /tmp/peer/bin/python "$peer_dir/numpy_peer.py" --n $n --years 30 \
            --seed 1 --out "$out/peer" >"$out/peer.out" 2>"$out/peer.log"
        last=$(tail -1 "$out/peer.out")
        ppy=$(sed -n 's/.*person_years=\([0-9.e+]*\).*/\1/p' <<<"$last")
        pwall=$(wall_seconds "$out/peer.log")
        peer_row=$(printf "%-34s %7s %11s %9s %13.0f %16.0f %9s %8s" \
            "numpy peer (RW-1, its own output)" 1 $n "$pwall" "$ppy" \
            "$(awk -v a="$ppy" -v b="$pwall" 'BEGIN { print a / b }')" "$(rss_mib "$out/peer.log")" "-")
        echo "peer: $last" >&2
    else
        echo "numpy peer not found (set PEER_DIR); skipped" >&2
    fi
fi

echo
echo "sarcosim $("$bin" --version | awk '{print $2}') · $(date -u +%Y-%m-%dT%H:%MZ) · $(nproc) cores ·" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') · load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$header"
printf '%s\n' "${rows[@]}"
[[ -n "$peer_row" ]] && echo "$peer_row"
echo "(wall = whole process, calibration included; person-years = sum of years lived; RSS = peak)"
