-- Portable SQL: the same file runs on SQLite and PostgreSQL (TEXT, BIGINT only).
-- Vulnerability checks of uploaded SBOMs and lockfiles, and the organisation's inbox.

-- One uploaded SBOM or lockfile and its latest scan result. The file itself is a blob
-- (blob_sha256) so that it can be re-scanned when the advisory data changes; the result is
-- replaced in place by a re-scan (scanned_at, index_fingerprint) and created_at stays the
-- upload date, which is the date of the evidence it backs.
CREATE TABLE scans (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    assessment_id TEXT REFERENCES assessments(id),
    file_name TEXT NOT NULL,
    input_format TEXT NOT NULL,
    blob_sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    scanned_at TEXT NOT NULL,
    index_fingerprint TEXT NOT NULL,
    components BIGINT NOT NULL,
    findings BIGINT NOT NULL,
    advisories BIGINT NOT NULL,
    report TEXT NOT NULL
);
CREATE INDEX scans_org ON scans(organization_id, created_at);
CREATE INDEX scans_fingerprint ON scans(index_fingerprint);

-- The in-app inbox. Texts are stored in both languages when the notification is made.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    kind TEXT NOT NULL,
    title_ja TEXT NOT NULL,
    title_en TEXT NOT NULL,
    body_ja TEXT NOT NULL,
    body_en TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_org ON notifications(organization_id, created_at);
