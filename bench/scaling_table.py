#!/usr/bin/env python3
"""Print the scaling table of bench_iteration as Markdown.

Reads the JSON that bench_iteration writes with --benchmark_out and takes the double
product gate steps (BM_AdmmStep<double> and Scaling/BM_AdmmStep<double>, KKT residual in
every record). For each of n, the hidden width h and the number of hidden layers it lists
the CPU time per step with the other two held at n = 1000, h = 300, 2 hidden layers, and
the exponent p of time ~ x^p fitted by least squares on log time against log x.
With repetitions it uses the median aggregates.

Usage: scaling_table.py RESULTS.json
"""

import json
import math
import re
import sys

BASE = {"hidden": 300, "n": 1000, "depth": 2}
NAME = re.compile(r"^(?:Scaling/)?BM_AdmmStep<double>/hidden:(\d+)/n:(\d+)/depth:(\d+)/kkt:1(?:_median)?$")


def load_times(path):
    with open(path, encoding="utf-8") as handle:
        results = json.load(handle)
    aggregated = any(b.get("run_type") == "aggregate" for b in results["benchmarks"])
    times = {}
    for bench in results["benchmarks"]:
        if aggregated and bench.get("aggregate_name") != "median":
            continue
        match = NAME.match(bench["name"])
        if not match:
            continue
        key = tuple(int(group) for group in match.groups())
        unit = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[bench["time_unit"]]
        times[key] = bench["cpu_time"] * unit
    return times


def fitted_exponent(points):
    logs = [(math.log(x), math.log(t)) for x, t in points]
    mean_x = sum(x for x, _ in logs) / len(logs)
    mean_t = sum(t for _, t in logs) / len(logs)
    numerator = sum((x - mean_x) * (t - mean_t) for x, t in logs)
    denominator = sum((x - mean_x) ** 2 for x, _ in logs)
    return numerator / denominator


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    times = load_times(sys.argv[1])
    print("| varied | values | CPU time per step (ms) | fitted exponent |")
    print("|---|---|---|---|")
    for index, parameter in enumerate(("hidden", "n", "depth")):
        points = []
        for key, time in sorted(times.items()):
            others = [k for i, k in enumerate(key) if i != index]
            expected = [BASE[p] for i, p in enumerate(("hidden", "n", "depth")) if i != index]
            if others == expected:
                points.append((key[index], time))
        if len(points) < 2:
            print(f"| {parameter} | missing | | |")
            continue
        values = ", ".join(str(x) for x, _ in points)
        measured = ", ".join(f"{t:.3g}" for _, t in points)
        print(f"| {parameter} | {values} | {measured} | {fitted_exponent(points):.2f} |")


if __name__ == "__main__":
    main()
