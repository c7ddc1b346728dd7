"""Reads Shirube's /metrics text on stdin and prints, for one GET route template, the
server-side latency summary: p50 p95 (seconds, over the exporter's rolling window),
then the cumulative sum (seconds) and count. Missing values print as nan / 0."""
import re
import sys

route = sys.argv[1]
vals = {}
for line in sys.stdin.read().splitlines():
    if not line.startswith("shirube_http_request_duration_seconds"):
        continue
    m = re.match(r"(\w+)\{(.*)\}\s+(\S+)$", line)
    if not m:
        continue
    name, labels, value = m.groups()
    labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', labels))
    if labels.get("route") != route or labels.get("method") != "GET":
        continue
    if name.endswith("_sum"):
        vals["sum"] = float(value)
    elif name.endswith("_count"):
        vals["count"] = float(value)
    elif "quantile" in labels:
        vals["q" + labels["quantile"]] = float(value)
print(vals.get("q0.5", float("nan")), vals.get("q0.95", float("nan")), vals.get("sum", 0.0), vals.get("count", 0.0))
