"""Adds N synthetic organisations (and valid ★3 / ★4 credentials for some) straight into a
Shirube SQLite database whose schema the server has already created, for bench/release.sh.

    python3 seed.py DB N

Skewed like early adoption: a third in manufacturing (E), two fifths in Tokyo, Aichi and
Osaka, sizes from 1 to thousands of employees, ~30 % with ★3 and ~3 % with ★4. Each
organisation gets a random record key, as the store draws one. Deterministic (seed 7).
"""
import random
import sqlite3
import sys
import time

db, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL")
t = time.time()
industries = "ABCDEFGHIJKLMNOPQRST"
orgs, creds, status_index = [], [], 1_000_000
for i in range(n):
    industry = "E" if rng.random() < 0.35 else rng.choice(industries)
    pref = rng.choice(["13", "23", "27"]) if rng.random() < 0.4 else "%02d" % rng.randint(1, 47)
    employees = min(50_000, 1 + int(rng.paretovariate(1.2) * 3))
    capital = rng.choice([None, 10_000_000, 50_000_000, 300_000_000, 1_000_000_000])
    org = "bench-org-%08d" % i
    orgs.append((org, "Bench %d" % i, "%013d" % (2_000_000_000_000 + i), industry, employees, pref,
                 "2026-01-01T00:00:00.000000Z", capital, rng.randrange(256)))
    r = rng.random()
    for level, share, start, end in [(3, 0.30, "2026-02-01", "2027-02-01"), (4, 0.03, "2026-03-01", "2029-03-01")]:
        if r < share:
            status_index += 1
            creds.append(("bench-cred-%d" % status_index, org, "bench-assessment-%d" % status_index, level,
                          "self" if level == 3 else "third_party", status_index, start + "T00:00:00.000000Z",
                          end + "T00:00:00.000000Z", "{}", start + "T00:00:00.000000Z"))
con.executemany("INSERT INTO organizations (id, name, corporate_number, industry, employees, prefecture, "
                "created_at, capital_yen, record_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", orgs)
con.executemany("INSERT INTO credentials (id, organization_id, assessment_id, level, assurance, status_index, "
                "valid_from, valid_until, credential, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", creds)
con.commit()
con.execute("ANALYZE")
con.commit()
print("seeded %d organisations and %d credentials in %.1f s" % (n, len(creds), time.time() - t), file=sys.stderr)
