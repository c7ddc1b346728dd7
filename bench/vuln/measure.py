#!/usr/bin/env python3
"""Runs a command several times; prints median and minimum wall time (ms), peak RSS (KB)
and median CPU time (user + system, ms).

CPU time is printed beside wall time because a shared, busy machine delays short
processes by scheduling latency that has nothing to do with the program measured.
Peak memory comes from GNU time (`/usr/bin/time -v`, "Maximum resident set size").
Usage: measure.py RUNS -- COMMAND…   (stdout: "<median_ms> <min_ms> <peak_kb> <cpu_ms>")
"""
import os
import statistics
import subprocess
import sys
import time


def main():
    runs = int(sys.argv[1])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    walls, cpus = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((usage.ru_utime + usage.ru_stime) * 1000)
    out = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True).stderr
    peak = next((l.split(":")[1].strip() for l in out.splitlines()
                 if "Maximum resident set size" in l), "0")
    print(f"{statistics.median(walls):.1f} {min(walls):.1f} {peak} {statistics.median(cpus):.1f}")


if __name__ == "__main__":
    main()
