#!/bin/sh
# Runs every benchmark of bench_iteration with 3 repetitions, writes the medians to
# bench/results/iteration.json and prints the scaling table. Run from the repository root;
# the argument is the build directory (default: build).
set -eu
build_dir=${1:-build}
uptime
"$build_dir/bench/bench_iteration" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_out=bench/results/iteration.json --benchmark_out_format=json
python3 bench/scaling_table.py bench/results/iteration.json
uptime
