#!/usr/bin/env python3
"""Runs a command several times; prints median wall time (ms) and peak RSS (KB).

Peak memory comes from GNU time (`/usr/bin/time -v`, "Maximum resident set size").
Usage: measure.py RUNS -- COMMAND…   (stdout: "<median_ms> <min_ms> <peak_kb>")
"""
import statistics
import subprocess
import sys
import time


def main():
    runs = int(sys.argv[1])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    out = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True).stderr
    peak = next((l.split(":")[1].strip() for l in out.splitlines()
                 if "Maximum resident set size" in l), "0")
    print(f"{statistics.median(times):.1f} {min(times):.1f} {peak}")


if __name__ == "__main__":
    main()
