"""Paging throughput at depth for bench/taxii.sh (MILLION=N): adds N indicators to a
collection in envelopes of 10,000, then pages the whole collection with limit=1000 and
prints objects per second overall and for the first and last tenth of the pages (keyset
paging should keep them the same).

    python million.py COLLECTION_URL USER PASSWORD N
"""
import json
import sys
import time
import uuid

import requests

coll, user, password, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
TAXII = "application/taxii+json;version=2.1"
s = requests.Session()
s.auth = (user, password)
s.headers.update({"Accept": TAXII})

t = time.perf_counter()
for start in range(0, n, 10000):
    objs = [{
        "type": "indicator", "spec_version": "2.1", "id": "indicator--" + str(uuid.uuid4()),
        "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
        "pattern": "[ipv4-addr:value = '198.51.100.%d']" % (i % 250),
        "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
    } for i in range(start, min(n, start + 10000))]
    r = s.post(coll + "objects/", data=json.dumps({"objects": objs}), headers={"Content-Type": TAXII})
    assert r.status_code == 202 and r.json()["status"] == "complete", (r.status_code, r.text[:200])
load = time.perf_counter() - t

pages = []
count, params = 0, {"limit": "1000"}
t = time.perf_counter()
while True:
    p0 = time.perf_counter()
    r = s.get(coll + "objects/", params=params)
    env = r.json()
    got = len(env.get("objects", []))
    pages.append((got, time.perf_counter() - p0))
    count += got
    if not env.get("more"):
        break
    params = {"limit": "1000", "next": env["next"]}
total = time.perf_counter() - t
tenth = max(1, len(pages) // 10)
rate = lambda ps: sum(g for g, _ in ps) / sum(d for _, d in ps)
print(json.dumps({
    "objects": count, "load_objects_per_s": n / load, "paging_objects_per_s": count / total,
    "first_tenth_objects_per_s": rate(pages[:tenth]), "last_tenth_objects_per_s": rate(pages[-tenth:]),
}))
