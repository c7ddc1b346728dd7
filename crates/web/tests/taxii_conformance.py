"""TAXII 2.1 / STIX 2.1 conformance of Shirube's server, checked with the OASIS client
libraries (taxii2-client and stix2) as a member's tool would use them.

Run by crates/web/tests/it/intel_conformance.rs against a live test server:
    python taxii_conformance.py BASE_URL EMAIL TOKEN GROUP_ID COLLECTION_ID [STIX_DATA_DIR]
Prints one line per check and exits non-zero on the first failure.
"""

import glob
import json
import os
import sys

import requests
import stix2
from taxii2client.v21 import Server, as_pages

base, email, token, group_id, collection_id = sys.argv[1:6]
data_dir = sys.argv[6] if len(sys.argv) > 6 else ""
TAXII = "application/taxii+json;version=2.1"


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)
    print("ok:", what)


# Basic authentication with the e-mail and an API token, as taxii2-client sends it.
server = Server(base + "/taxii2/", user=email, password=token)
roots = [r.url for r in server.api_roots]
check(base + "/taxii2/" + group_id + "/" in roots, "discovery lists the group's API root")
root = [r for r in server.api_roots if r.url.endswith(group_id + "/")][0]
check(TAXII in root.versions, "the API root speaks TAXII 2.1")
collection = [c for c in root.collections if c.id == collection_id][0]
check(collection.can_read and collection.can_write, "the collection is readable and writable")

# Objects made by the stix2 library, with a custom property, round-trip through the
# stix2 TAXII data store.
store = stix2.TAXIICollectionStore(collection, allow_custom=True)
indicator = stix2.Indicator(
    name="Modbus write to PLC from the office network",
    pattern="[network-traffic:dst_port = 502]",
    pattern_type="stix",
    x_shirube_test={"nested": [1, 2.5, "三"]},
    allow_custom=True,
    object_marking_refs=[stix2.TLP_GREEN],
)
malware = stix2.Malware(name="PLCworm", is_family=True)
rel = stix2.Relationship(indicator, "indicates", malware)
store.add([indicator, malware, rel])
back = store.get(indicator.id)
check(back is not None and json.loads(back.serialize()) == json.loads(indicator.serialize()),
      "an indicator made by stix2 comes back equal, custom property included")
check(store.get(rel.id).target_ref == malware.id, "its relationship comes back")

# Every OASIS example (and the bare campaign) posted as the file's own bytes; each object
# comes back with exactly the text it was sent in.
session = requests.Session()
session.auth = (email, token)
session.headers.update({"Accept": TAXII})
objects_url = base + "/taxii2/" + group_id + "/collections/" + collection_id + "/objects/"
files = sorted(glob.glob(os.path.join(data_dir, "oasis-examples", "*.json"))) if data_dir else []
if not files:
    print("note: no OASIS examples found under", data_dir or "(none given)", "- skipped that part")
total = 0
for path in files:
    raw = open(path, "rb").read()
    r = session.post(objects_url, data=raw, headers={"Content-Type": TAXII})
    check(r.status_code == 202, "POST %s answers 202 (%s)" % (os.path.basename(path), r.status_code))
    status = r.json()
    check(status["status"] == "complete" and status["failure_count"] == 0,
          "%s: every object stored within the request" % os.path.basename(path))
    doc = json.loads(raw)
    objs = doc.get("objects", [doc] if "id" in doc else [])
    for o in objs:
        version = o.get("modified") or o.get("created")
        q = {"match[version]": version} if version else {"match[version]": "all"}
        got = session.get(objects_url + o["id"] + "/", params=q)
        check(got.status_code == 200, "GET %s" % o["id"])
        got_objects = got.json().get("objects", [])
        check(o in got_objects, "%s comes back unchanged" % o["id"])
        total += 1
if files:
    check(total > 300, "%d OASIS example objects round-tripped" % total)

# Paging with the client's own helper visits every object once.
seen = []
for envelope in as_pages(collection.get_objects, per_request=7):
    seen.extend(o["id"] for o in envelope.get("objects", []))
check(len(seen) == len(set(seen)), "paging returns each object once (%d objects)" % len(seen))
manifest = []
for page in as_pages(collection.get_manifest, per_request=11):
    manifest.extend(m["id"] for m in page.get("objects", []))
check(sorted(manifest) == sorted(seen), "the manifest lists the same objects")
versions = collection.get_object(indicator.id)
check(versions["objects"][0]["id"] == indicator.id, "get_object by id")

# A status resource can be polled.
status = collection.add_objects(stix2.Bundle(stix2.Identity(name="Tester", identity_class="organization")).serialize())
check(status.status == "complete" and status.success_count == 1, "add_objects answers with a complete status")
status.refresh()
check(status.status == "complete", "the status resource can be polled")
print("conformance: all checks passed")
