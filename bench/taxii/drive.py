"""Drives one TAXII 2.1 server for bench/taxii.sh and prints its numbers as JSON:
paging the whole collection with limit=1000, 200 get-by-id calls, and one POST of 1,000
new objects until its status is complete.

    python drive.py NAME COLLECTION_URL USER PASSWORD ATTACK_FILE [--load]
"""
import json
import sys
import time
import uuid

import requests

name, coll, user, password, attack_file = sys.argv[1:6]
load = "--load" in sys.argv
TAXII = "application/taxii+json;version=2.1"
s = requests.Session()
s.auth = (user, password)
s.headers.update({"Accept": TAXII})
attack = json.load(open(attack_file, "rb"))["objects"]
root = coll.split("/collections/")[0] + "/"

if load:
    r = s.post(coll + "objects/", data=json.dumps({"objects": attack}), headers={"Content-Type": TAXII})
    assert r.status_code == 202, (r.status_code, r.text[:300])

# Paging the whole collection with limit=1000.
t = time.perf_counter()
count, params = 0, {"limit": "1000"}
while True:
    r = s.get(coll + "objects/", params=params)
    assert r.status_code == 200, (r.status_code, r.text[:300])
    env = r.json()
    count += len(env.get("objects", []))
    if not env.get("more"):
        break
    params = {"limit": "1000", "next": env["next"]}
paging = time.perf_counter() - t
assert count >= len(attack), (count, len(attack))

# 200 get-by-id calls.
ids = [o["id"] for o in attack[:200]]
t = time.perf_counter()
for i in ids:
    r = s.get(coll + "objects/" + i + "/")
    assert r.status_code == 200 and r.json()["objects"][0]["id"] == i, (r.status_code, r.text[:200])
by_id = time.perf_counter() - t

# One POST of 1,000 new objects, until the status is complete.
objs = [{
    "type": "indicator", "spec_version": "2.1", "id": "indicator--" + str(uuid.uuid4()),
    "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
    "name": "bench %d" % n, "pattern": "[ipv4-addr:value = '198.51.100.%d']" % (n % 250),
    "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
} for n in range(1000)]
body = json.dumps({"objects": objs})
t = time.perf_counter()
r = s.post(coll + "objects/", data=body, headers={"Content-Type": TAXII})
assert r.status_code == 202, (r.status_code, r.text[:300])
status = r.json()
while status["status"] != "complete":
    status = s.get(root + "status/" + status["id"] + "/").json()
post = time.perf_counter() - t
assert status["success_count"] == 1000, status

print(json.dumps({
    "server": name, "objects_paged": count,
    "paging_objects_per_s": count / paging,
    "get_by_id_per_s": 200 / by_id,
    "post_objects_per_s": 1000 / post,
}))
