-- Industry threat intelligence (STIX 2.1 over TAXII 2.1): an industry group's collections,
-- the objects in them (each version as its verbatim JSON text plus the columns TAXII
-- filters on), who may read a RED object, and the status of each add request.
-- Portable SQL (TEXT/BIGINT) for SQLite and PostgreSQL.

CREATE TABLE intel_collections (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES organizations(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    -- What active members of the group may do: read, read_write, or write (a drop box that
    -- only the group reads). The group's own users read and write every collection.
    member_access TEXT NOT NULL CHECK (member_access IN ('read', 'read_write', 'write')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX intel_collections_group ON intel_collections(group_id, created_at);

-- One version of one object. `seq` is assigned in the (serialised) write transaction and
-- only grows, so paging is keyset paging on (collection_id, seq) at any depth.
CREATE TABLE intel_objects (
    seq BIGINT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES intel_collections(id),
    object_id TEXT NOT NULL,
    object_type TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    -- The version as the object writes it (modified, else created, else date_added) and as
    -- a fixed-width key that sorts as time.
    version TEXT NOT NULL,
    version_key TEXT NOT NULL,
    date_added TEXT NOT NULL,
    -- none, clear, green, amber, amber-strict or red (unknown markings are red).
    marking TEXT NOT NULL,
    -- The organisation shown as contributor: the group itself for anonymised contributions
    -- (the original contributor is then only in the audit log).
    contributor_id TEXT NOT NULL REFERENCES organizations(id),
    name TEXT,
    -- CVE ids and package URLs/CPEs the object names, space-separated, for matching.
    cves TEXT NOT NULL,
    packages TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX intel_objects_page ON intel_objects(collection_id, seq);
CREATE UNIQUE INDEX intel_objects_version ON intel_objects(collection_id, object_id, version_key);

-- The member organisations named as recipients of a RED object when it was added.
CREATE TABLE intel_recipients (
    object_seq BIGINT NOT NULL REFERENCES intel_objects(seq),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (object_seq, organization_id)
);
CREATE INDEX intel_recipients_org ON intel_recipients(organization_id);

-- The TAXII status resource of one add request, readable by the organisation that sent it.
CREATE TABLE intel_status (
    id TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES intel_collections(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    request_timestamp TEXT NOT NULL,
    total_count BIGINT NOT NULL,
    success_count BIGINT NOT NULL,
    failure_count BIGINT NOT NULL,
    -- {"successes": [...], "failures": [...]} as TAXII writes them.
    details TEXT NOT NULL
);

-- A member's stored scan that holds a component an intelligence object names (a CVE its
-- findings carry, or a package URL / CPE among its components). One row per object,
-- member, scan and component, so that a member is told once.
CREATE TABLE intel_exposures (
    id TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES intel_collections(id),
    object_id TEXT NOT NULL,
    object_name TEXT NOT NULL,
    -- The object's marking when it matched: buyers see CLEAR and GREEN ones only.
    marking TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    scan_id TEXT NOT NULL REFERENCES scans(id),
    component TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX intel_exposures_once ON intel_exposures(collection_id, object_id, organization_id, scan_id, component);
CREATE INDEX intel_exposures_org ON intel_exposures(organization_id);
