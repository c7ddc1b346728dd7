"""Prints bench/web.sh's results (a TSV file) as a table with the targets and whether each
is met. Rows: kind name values...; pages in milliseconds, reads in requests per second."""
import sys

PAGE_TARGET_MS = 5.0
READ_TARGET_RPS = 5000.0

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
ok = True
print("Server time per page (one connection, sequential requests; ms)")
print(f"{'page':<38} {'n':>5} {'srv p50':>8} {'srv p95':>8} {'srv mean':>8} {'cli p50':>8} {'cli p95':>8}  target p50 < {PAGE_TARGET_MS:g} ms")
for r in rows:
    if r[0] != "page":
        continue
    _, name, n, sp50, sp95, smean, cp50, cp95 = r
    met = float(sp50) < PAGE_TARGET_MS
    ok &= met
    print(f"{name:<38} {n:>5} {float(sp50):>8.2f} {float(sp95):>8.2f} {float(smean):>8.2f} {float(cp50):>8.2f} {float(cp95):>8.2f}  {'met' if met else 'MISSED'}")
print()
print("JSON read throughput (wrk -t2 -c32 on loopback, client and server on the same 2 cores)")
print(f"{'endpoint':<38} {'req/s':>9} {'non-2xx':>8} {'cli p50':>8} {'cli p99':>8} {'srv p50':>8}  target > {READ_TARGET_RPS:g} req/s")
for r in rows:
    if r[0] != "read":
        continue
    _, name, rps, errors, cp50, cp99, sp50 = r
    met = float(rps) > READ_TARGET_RPS and int(errors) == 0
    ok &= met
    print(f"{name:<38} {float(rps):>9.0f} {errors:>8} {float(cp50):>8.2f} {float(cp99):>8.2f} {float(sp50):>8.2f}  {'met' if met else 'MISSED'}")
print()
print("all targets met" if ok else "some targets MISSED")
sys.exit(0 if ok else 1)
