//! Industry threat intelligence (STIX 2.1, served over TAXII 2.1 by the web face). An
//! industry group creates collections; the group's users read and write them all, its
//! active members use them as the collection's `member_access` says (`write` is a drop box
//! only the group reads), and everyone else finds nothing (404). Objects are validated by
//! `shirube_stix` and stored verbatim; TLP is enforced per object by the store's queries
//! (RED: the contributor, the group and the recipients named when it was added; a marking
//! Shirube does not recognise counts as RED).

use std::collections::HashMap;

use shirube_stix::{classify, split_envelope, MarkingDefinitionKind, StixObject, Tlp};
use shirube_store::{
    IntelCollectionId, IntelCollectionRow, IntelGroupRow, IntelObjectRow, IntelQuery,
    IntelStatusId, IntelStatusRow, MemberAccess, MembershipStatus, NewIntelBatch, NewIntelObject,
    Reader, VersionMatch,
};

use crate::accounts::Principal;
use crate::error::AppError;
use crate::App;

/// The status resource of an add request.
pub type Status = IntelStatusRow;

/// Largest add request (bytes of the envelope).
pub const MAX_ENVELOPE_BYTES: usize = 20 * 1024 * 1024;
/// Objects per page when the client gives no `limit`, and the most it may ask for.
pub const DEFAULT_PAGE: i64 = 1000;
pub const MAX_PAGE: i64 = 10_000;

const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 4000;

/// A collection as the caller sees it, with what the caller may do in it.
#[derive(Debug, Clone)]
pub struct Collection {
    pub id: IntelCollectionId,
    pub group_id: String,
    pub title: String,
    pub description: String,
    pub member_access: MemberAccess,
    pub can_read: bool,
    pub can_write: bool,
}

/// A page of object versions, and the cursor of the next page.
#[derive(Debug, Clone)]
pub struct Page {
    pub rows: Vec<IntelObjectRow>,
    /// Set when more rows follow: pass it back as `next`.
    pub next: Option<String>,
}

/// The TAXII query parameters of an object, manifest or versions request.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub ids: Vec<String>,
    pub types: Vec<String>,
    /// `None`: the route's default (`last` for objects and manifests, `all` for versions
    /// and delete).
    pub versions: Option<VersionMatch>,
    pub spec_versions: Vec<String>,
    pub added_after: Option<String>,
    pub limit: Option<i64>,
    pub next: Option<i64>,
}

fn malformed(field: &str, detail: impl Into<String>) -> AppError {
    AppError::Malformed {
        field: Some(field.to_string()),
        detail: detail.into(),
    }
}

impl Filter {
    /// Reads `match[id]`, `match[type]`, `match[version]`, `match[spec_version]`,
    /// `added_after`, `limit` and `next` (comma-separated lists; repeated keys add up).
    /// Anything malformed is a 400 naming the parameter.
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Filter, AppError> {
        let mut f = Filter::default();
        let split = |v: &str| -> Vec<String> {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        for (key, value) in pairs {
            match key {
                "match[id]" => f.ids.extend(split(value)),
                "match[type]" => f.types.extend(split(value)),
                "match[spec_version]" => {
                    for v in split(value) {
                        if v != "2.0" && v != "2.1" {
                            return Err(malformed(key, "must be 2.0 or 2.1"));
                        }
                        f.spec_versions.push(v);
                    }
                }
                "match[version]" => {
                    let m = f.versions.get_or_insert_with(VersionMatch::default);
                    for v in split(value) {
                        match v.as_str() {
                            "all" => m.all = true,
                            "last" => m.last = true,
                            "first" => m.first = true,
                            ts => {
                                m.keys.push(shirube_stix::timestamp_key(ts).ok_or_else(|| {
                                    malformed(key, "must be last, first, all or a timestamp")
                                })?)
                            }
                        }
                    }
                }
                "added_after" => {
                    let key9 = shirube_stix::timestamp_key(value).ok_or_else(|| {
                        malformed(key, "must be a timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z)")
                    })?;
                    // Stored times have six fractional digits: truncating keeps "strictly
                    // after" exact (see the store's format).
                    f.added_after = Some(format!("{}Z", &key9[..key9.len() - 4]));
                }
                "limit" => {
                    let n: i64 = value
                        .parse()
                        .map_err(|_| malformed(key, "must be a positive whole number"))?;
                    if n < 1 {
                        return Err(malformed(key, "must be a positive whole number"));
                    }
                    f.limit = Some(n.min(MAX_PAGE));
                }
                "next" => {
                    let n: i64 = value
                        .parse()
                        .map_err(|_| malformed(key, "is not a cursor this server gave"))?;
                    if n < 0 {
                        return Err(malformed(key, "is not a cursor this server gave"));
                    }
                    f.next = Some(n);
                }
                _ => {}
            }
        }
        Ok(f)
    }
}

/// Who the caller is in one collection.
struct Access {
    collection: IntelCollectionRow,
    is_group: bool,
    can_read: bool,
    can_write: bool,
}

impl Access {
    fn reader<'a>(&self, p: &'a Principal) -> Reader<'a> {
        Reader {
            organization_id: p.org_id(),
            is_group: self.is_group,
        }
    }

    fn view(&self) -> Collection {
        let c = &self.collection;
        Collection {
            id: c.id.clone(),
            group_id: c.group_id.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            member_access: c.member_access,
            can_read: self.can_read,
            can_write: self.can_write,
        }
    }
}

/// The API roots (industry groups) the caller may use: its own group, and the groups it is
/// an active member of.
pub async fn api_roots(state: &App, p: &Principal) -> Result<Vec<IntelGroupRow>, AppError> {
    Ok(state.store.intel_groups_for(p.org_id()).await?)
}

/// One API root, or 404 when the caller may not use it.
pub async fn api_root(
    state: &App,
    p: &Principal,
    group_id: &str,
) -> Result<IntelGroupRow, AppError> {
    api_roots(state, p)
        .await?
        .into_iter()
        .find(|g| g.id == group_id)
        .ok_or(AppError::NotFound)
}

fn rights(p: &Principal, is_group: bool, access: MemberAccess) -> (bool, bool) {
    let edit = p.role.can_edit();
    if is_group {
        return (true, edit);
    }
    match access {
        MemberAccess::Read => (true, false),
        MemberAccess::ReadWrite => (true, edit),
        MemberAccess::Write => (false, edit),
    }
}

/// The collections of a group, as the caller may use them.
pub async fn collections(
    state: &App,
    p: &Principal,
    group_id: &str,
) -> Result<Vec<Collection>, AppError> {
    api_root(state, p, group_id).await?;
    let is_group = p.org_id() == group_id;
    Ok(state
        .store
        .intel_collections(group_id)
        .await?
        .into_iter()
        .map(|c| {
            let (can_read, can_write) = rights(p, is_group, c.member_access);
            Access {
                collection: c,
                is_group,
                can_read,
                can_write,
            }
            .view()
        })
        .collect())
}

async fn access(
    state: &App,
    p: &Principal,
    group_id: &str,
    collection_id: &str,
) -> Result<Access, AppError> {
    api_root(state, p, group_id).await?;
    let is_group = p.org_id() == group_id;
    let collection = state
        .store
        .intel_collections(group_id)
        .await?
        .into_iter()
        .find(|c| c.id == collection_id)
        .ok_or(AppError::NotFound)?;
    let (can_read, can_write) = rights(p, is_group, collection.member_access);
    Ok(Access {
        collection,
        is_group,
        can_read,
        can_write,
    })
}

/// One collection.
pub async fn collection(
    state: &App,
    p: &Principal,
    group_id: &str,
    collection_id: &str,
) -> Result<Collection, AppError> {
    Ok(access(state, p, group_id, collection_id).await?.view())
}

/// An industry group creates a collection (owners and members of the group).
pub async fn create_collection(
    state: &App,
    p: &Principal,
    title: &str,
    description: &str,
    member_access: &str,
) -> Result<IntelCollectionId, AppError> {
    p.require_edit()?;
    if !state.store.is_industry_group(p.org_id()).await? {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE || title.chars().any(char::is_control)
    {
        errors.push(crate::domain::FieldError::new("title", "intel-err-title"));
    }
    if description.chars().count() > MAX_DESCRIPTION || description.contains('\0') {
        errors.push(crate::domain::FieldError::new(
            "description",
            "intel-err-description",
        ));
    }
    let access = member_access.parse::<MemberAccess>();
    if access.is_err() {
        errors.push(crate::domain::FieldError::new(
            "member_access",
            "intel-err-member-access",
        ));
    }
    let (Ok(access), true) = (access, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    Ok(state
        .store
        .create_intel_collection(p.actor(), p.org_id(), title, description.trim(), access)
        .await?)
}

fn query(filter: &Filter, default_versions: VersionMatch, with_body: bool) -> IntelQuery {
    IntelQuery {
        ids: filter.ids.clone(),
        types: filter.types.clone(),
        versions: filter.versions.clone().unwrap_or(default_versions),
        spec_versions: filter.spec_versions.clone(),
        added_after: filter.added_after.clone(),
        after_seq: filter.next,
        limit: Some(filter.limit.unwrap_or(DEFAULT_PAGE) + 1),
        with_body,
    }
}

fn last() -> VersionMatch {
    VersionMatch {
        last: true,
        ..VersionMatch::default()
    }
}

fn all() -> VersionMatch {
    VersionMatch {
        all: true,
        ..VersionMatch::default()
    }
}

async fn page(
    state: &App,
    p: &Principal,
    a: &Access,
    filter: &Filter,
    q: IntelQuery,
) -> Result<Page, AppError> {
    let limit = filter.limit.unwrap_or(DEFAULT_PAGE) as usize;
    let mut rows = state
        .store
        .intel_objects(&a.collection.id, a.reader(p), &q)
        .await?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| r.seq.to_string())
    } else {
        None
    };
    Ok(Page { rows, next })
}

async fn readable(
    state: &App,
    p: &Principal,
    group_id: &str,
    collection_id: &str,
) -> Result<Access, AppError> {
    let a = access(state, p, group_id, collection_id).await?;
    if !a.can_read {
        return Err(AppError::Forbidden);
    }
    Ok(a)
}

/// Objects of a collection (TAXII "Get Objects"): the latest version by default.
pub async fn objects(
    state: &App,
    p: &Principal,
    group_id: &str,
    collection_id: &str,
    filter: &Filter,
) -> Result<Page, AppError> {
    let a = readable(state, p, group_id, collection_id).await?;
    page(state, p, &a, filter, query(filter, last(), true)).await
}

/// The manifest: the same selection without bodies.
pub async fn manifest(
    state: &App,
    p: &Principal,
    group_id: &str,
    collection_id: &str,
    filter: &Filter,
) -> Result<Page, AppError> {
    let a = readable(state, p, group_id, collection_id).await?;
    page(state, p, &a, filter, query(filter, last(), false)).await
}

/// One object (TAXII "Get an Object"); 404 when the caller can see no version of it.
pub async fn object(
    state: &App,
    p: &Principal,
    group_id: &str,
    collection_id: &str,
    object_id: &str,
    filter: &Filter,
) -> Result<Page, AppError> {
    let a = readable(state, p, group_id, collection_id).await?;
    let mut f = filter.clone();
    f.ids = vec![object_id.to_string()];
    let result = page(state, p, &a, &f, query(&f, last(), true)).await?;
    if result.rows.is_empty() {
        exists(state, p, &a, object_id).await?;
    }
    Ok(result)
}

async fn exists(state: &App, p: &Principal, a: &Access, object_id: &str) -> Result<(), AppError> {
    let q = IntelQuery {
        ids: vec![object_id.to_string()],
        versions: all(),
        limit: Some(1),
        ..IntelQuery::default()
    };
    if state
        .store
        .intel_objects(&a.collection.id, a.reader(p), &q)
        .await?
        .is_empty()
    {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

/// The versions of one object the caller can see (TAXII "Get Object Versions").
pub async fn versions(
    state: &App,
    p: &Principal,
    group_id: &str,
    collection_id: &str,
    object_id: &str,
    filter: &Filter,
) -> Result<Page, AppError> {
    let a = readable(state, p, group_id, collection_id).await?;
    let mut f = filter.clone();
    f.ids = vec![object_id.to_string()];
    f.versions = None;
    f.types.clear();
    let result = page(state, p, &a, &f, query(&f, all(), false)).await?;
    if result.rows.is_empty() {
        exists(state, p, &a, object_id).await?;
    }
    Ok(result)
}

/// One end of a relationship, as the object view lists it.
#[derive(Debug, Clone)]
pub struct Related {
    /// The relationship type (`uses`, `mitigates`, `indicates`, …).
    pub relationship_type: String,
    /// True when the viewed object is the relationship's source.
    pub outgoing: bool,
    pub other_id: String,
    pub other_type: String,
    /// The other object's name, when the caller can see it.
    pub other_name: Option<String>,
}

/// An object for a person: its latest version the caller can see, how many versions it
/// has, and its relationships within the collection (only those the caller can see, to
/// objects the caller can see — a RED relationship or end stays hidden).
pub struct ObjectView {
    pub object: IntelObjectRow,
    pub versions: usize,
    pub related: Vec<Related>,
}

/// Most relationship objects one view reads (ATT&CK for ICS has about 1,300).
const MAX_RELATIONSHIPS: i64 = 20_000;

pub async fn object_view(
    state: &App,
    p: &Principal,
    group_id: &str,
    collection_id: &str,
    object_id: &str,
) -> Result<ObjectView, AppError> {
    let a = readable(state, p, group_id, collection_id).await?;
    let reader = a.reader(p);
    let latest = IntelQuery {
        ids: vec![object_id.to_string()],
        versions: last(),
        limit: Some(1),
        with_body: true,
        ..IntelQuery::default()
    };
    let object = state
        .store
        .intel_objects(&a.collection.id, reader, &latest)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let versions = state
        .store
        .intel_objects(
            &a.collection.id,
            reader,
            &IntelQuery {
                ids: vec![object_id.to_string()],
                versions: all(),
                with_body: false,
                ..IntelQuery::default()
            },
        )
        .await?
        .len();
    let relationships = state
        .store
        .intel_objects(
            &a.collection.id,
            reader,
            &IntelQuery {
                types: vec!["relationship".into()],
                versions: last(),
                limit: Some(MAX_RELATIONSHIPS),
                with_body: true,
                ..IntelQuery::default()
            },
        )
        .await?;
    let mut related = Vec::new();
    for r in &relationships {
        let Ok(body) = serde_json::from_str::<serde_json::Value>(&r.body) else {
            continue;
        };
        let (source, target) = (
            body["source_ref"].as_str().unwrap_or(""),
            body["target_ref"].as_str().unwrap_or(""),
        );
        let (outgoing, other) = if source == object_id {
            (true, target)
        } else if target == object_id {
            (false, source)
        } else {
            continue;
        };
        related.push(Related {
            relationship_type: body["relationship_type"].as_str().unwrap_or("").to_string(),
            outgoing,
            other_id: other.to_string(),
            other_type: other.split("--").next().unwrap_or("").to_string(),
            other_name: None,
        });
    }
    if !related.is_empty() {
        let ids: Vec<String> = related.iter().map(|r| r.other_id.clone()).collect();
        let others = state
            .store
            .intel_objects(
                &a.collection.id,
                reader,
                &IntelQuery {
                    ids,
                    versions: last(),
                    with_body: false,
                    ..IntelQuery::default()
                },
            )
            .await?;
        let names: HashMap<&str, Option<&str>> = others
            .iter()
            .map(|o| (o.object_id.as_str(), o.name.as_deref()))
            .collect();
        // An end the caller cannot see is not shown at all (its id would say it exists).
        related.retain(|r| names.contains_key(r.other_id.as_str()));
        for r in &mut related {
            r.other_name = names
                .get(r.other_id.as_str())
                .copied()
                .flatten()
                .map(str::to_string);
        }
        related.sort_by(|a, b| {
            (a.relationship_type.as_str(), a.other_name.as_deref())
                .cmp(&(b.relationship_type.as_str(), b.other_name.as_deref()))
        });
    }
    Ok(ObjectView {
        object,
        versions,
        related,
    })
}

/// Deletes an object's versions (all, or those `match[version]` selects). Needs write
/// access; a member deletes only what its organisation contributed, the group anything.
pub async fn delete_object(
    state: &App,
    p: &Principal,
    group_id: &str,
    collection_id: &str,
    object_id: &str,
    filter: &Filter,
) -> Result<(), AppError> {
    let a = access(state, p, group_id, collection_id).await?;
    if !a.can_write {
        return Err(AppError::Forbidden);
    }
    let q = IntelQuery {
        ids: vec![object_id.to_string()],
        versions: filter.versions.clone().unwrap_or_else(all),
        spec_versions: filter.spec_versions.clone(),
        ..IntelQuery::default()
    };
    let rows = state
        .store
        .intel_objects(&a.collection.id, a.reader(p), &q)
        .await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    if !a.is_group
        && rows
            .iter()
            .any(|r| r.contributor_id.as_str() != p.org_id().as_str())
    {
        return Err(AppError::Forbidden);
    }
    let victims: Vec<(i64, String, String)> = rows
        .into_iter()
        .map(|r| (r.seq, r.object_id, r.version))
        .collect();
    state
        .store
        .delete_intel_objects(p.actor(), &a.collection.id, &victims)
        .await?;
    Ok(())
}

/// Options of an add request, from the envelope's `x_shirube_*` properties.
struct AddOptions {
    anonymous: bool,
    /// Organisation ids of the recipients of RED objects.
    recipients: Vec<String>,
}

async fn add_options(
    state: &App,
    group_id: &str,
    props: &serde_json::Map<String, serde_json::Value>,
) -> Result<AddOptions, AppError> {
    let anonymous = match props.get("x_shirube_anonymous") {
        None => false,
        Some(serde_json::Value::Bool(b)) => *b,
        Some(_) => {
            return Err(AppError::field(
                "x_shirube_anonymous",
                "intel-err-anonymous",
            ))
        }
    };
    let mut recipients = Vec::new();
    match props.get("x_shirube_recipients") {
        None => {}
        Some(serde_json::Value::Array(list)) => {
            let members = state
                .store
                .industry_members(&shirube_store::OrganizationId::from(group_id))
                .await?;
            for v in list {
                let number = v.as_str().unwrap_or("");
                let member = members.iter().find(|m| {
                    m.status == MembershipStatus::Active && m.counterpart_corporate_number == number
                });
                match member {
                    Some(m) => recipients.push(m.member_id.as_str().to_string()),
                    None => {
                        return Err(AppError::field(
                            "x_shirube_recipients",
                            "intel-err-recipient",
                        ))
                    }
                }
            }
        }
        Some(_) => {
            return Err(AppError::field(
                "x_shirube_recipients",
                "intel-err-recipient",
            ))
        }
    }
    recipients.sort();
    recipients.dedup();
    Ok(AddOptions {
        anonymous,
        recipients,
    })
}

/// Validates each object of an envelope, in order. Large envelopes are split over the
/// machine's cores with scoped threads: each object is validated alone (a few microseconds
/// of JSON, timestamps and pattern parsing), so a thousand of them, half of a TAXII add's
/// time before the store, take half as long on two cores. A thread pool crate would save
/// the thread starts (tens of microseconds) but is not otherwise needed here.
fn parse_objects(objects: &[&[u8]]) -> Vec<Result<StixObject, shirube_stix::ObjectError>> {
    const PER_THREAD: usize = 250;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
        .min(objects.len().div_ceil(PER_THREAD));
    if threads <= 1 {
        return objects.iter().map(|raw| StixObject::parse(raw)).collect();
    }
    let chunk = objects.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = objects
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|raw| StixObject::parse(raw))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                // A panic in a validator is a bug; it is raised again here as it would be
                // without the threads.
                h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
            })
            .collect()
    })
}

/// Adds the objects of an envelope (TAXII "Add Objects"). Each object is validated alone:
/// a bad one fails with its reason in the status, the others are stored, all within the
/// request, so the status returned is already complete. The envelope may carry
/// `x_shirube_anonymous: true` (store the group as contributor; the sender stays in the
/// audit log) and `x_shirube_recipients` (corporate numbers of active members who may read
/// the request's RED objects).
pub async fn add_objects(
    state: &App,
    p: &Principal,
    group_id: &str,
    collection_id: &str,
    body: &[u8],
) -> Result<IntelStatusRow, AppError> {
    let a = writable(state, p, group_id, collection_id).await?;
    add_objects_to(state, p, &a, body).await
}

/// A collection the caller may add to (403 when it may only read it, 404 when it may not
/// see it), checked before the body of an add request is even read.
pub struct Writable(Access);

pub async fn writable(
    state: &App,
    p: &Principal,
    group_id: &str,
    collection_id: &str,
) -> Result<Writable, AppError> {
    let a = access(state, p, group_id, collection_id).await?;
    if !a.can_write {
        return Err(AppError::Forbidden);
    }
    Ok(Writable(a))
}

/// [`add_objects`] into a collection already checked with [`writable`].
pub async fn add_objects_to(
    state: &App,
    p: &Principal,
    collection: &Writable,
    body: &[u8],
) -> Result<IntelStatusRow, AppError> {
    add_to(state, p, &collection.0.collection, body).await
}

async fn add_to(
    state: &App,
    p: &Principal,
    collection: &IntelCollectionRow,
    body: &[u8],
) -> Result<IntelStatusRow, AppError> {
    let started = std::time::Instant::now();
    let envelope = split_envelope(body).map_err(|e| malformed("objects", e.to_string()))?;
    let split_at = started.elapsed();
    let options = add_options(state, &collection.group_id, &envelope.properties).await?;
    let options_at = started.elapsed();
    // What each non-predefined marking definition is: those already in the collection, and
    // those in this envelope.
    let mut definitions: HashMap<String, MarkingDefinitionKind> = HashMap::new();
    for body in state
        .store
        .intel_marking_definitions(&collection.id)
        .await?
    {
        if let Ok(o) = StixObject::parse(body.as_bytes()) {
            if let Some(kind) = o.definition {
                definitions.insert(o.id, kind);
            }
        }
    }
    let definitions_at = started.elapsed();
    let mut parsed = Vec::with_capacity(envelope.objects.len());
    let mut failures = Vec::new();
    for (raw, result) in envelope
        .objects
        .iter()
        .zip(parse_objects(&envelope.objects))
    {
        match result {
            Ok(o) => {
                if let Some(kind) = o.definition {
                    definitions.insert(o.id.clone(), kind);
                }
                parsed.push(o);
            }
            Err(e) => {
                let v: Option<serde_json::Value> = serde_json::from_slice(raw).ok();
                let field = |k: &str| {
                    v.as_ref()
                        .and_then(|v| v.get(k))
                        .and_then(|s| s.as_str())
                        .map(str::to_string)
                };
                failures.push((
                    field("id").unwrap_or_default(),
                    field("modified").or_else(|| field("created")),
                    e.to_string(),
                ));
            }
        }
    }
    let parsed_at = started.elapsed();
    let mut candidates = Vec::new();
    let objects = parsed
        .into_iter()
        .map(|o| {
            let marking = if o.object_type == "marking-definition" {
                // Definitions themselves are what readers need to interpret markings.
                "clear".to_string()
            } else {
                classify(&o.marking_refs, |id| definitions.get(id).copied())
                    .map_or("none", Tlp::as_str)
                    .to_string()
            };
            let candidate = crate::intel_match::Candidate {
                collection_id: collection.id.clone(),
                collection_title: collection.title.clone(),
                object_id: o.id.clone(),
                name: o.name.clone().unwrap_or_else(|| o.id.clone()),
                marking: marking.clone(),
                cves: o.cves.clone(),
                packages: o.packages.clone(),
                pattern: o.pattern.clone().filter(|p| p.mentions_software()),
            };
            if candidate.matters() {
                candidates.push(candidate);
            }
            NewIntelObject {
                object_id: o.id,
                object_type: o.object_type,
                spec_version: o.spec_version,
                version: o.version,
                version_key: o.version_key,
                marking,
                name: o.name,
                cves: o.cves.join(" "),
                packages: o.packages.join(" "),
                body: o.raw,
            }
        })
        .collect();
    let contributor = if options.anonymous {
        collection.group_id.as_str()
    } else {
        p.org_id()
    };
    let validated_at = started.elapsed();
    let status = state
        .store
        .add_intel_objects(
            p.actor(),
            NewIntelBatch {
                collection_id: &collection.id,
                sender_id: p.org_id(),
                contributor_id: contributor,
                recipients: &options.recipients,
                objects,
                failures,
            },
        )
        .await?;
    tracing::debug!(
        bytes = body.len(),
        split_us = split_at.as_micros() as u64,
        validate_us = (validated_at - split_at).as_micros() as u64,
        options_us = (options_at - split_at).as_micros() as u64,
        definitions_us = (definitions_at - options_at).as_micros() as u64,
        parse_us = (parsed_at - definitions_at).as_micros() as u64,
        store_us = (started.elapsed() - validated_at).as_micros() as u64,
        "intel add"
    );
    if !candidates.is_empty() {
        // Who may read each object: the group, and the active members unless the collection
        // is a drop box; for RED only the contributor and the named recipients among them.
        let mut readers = vec![collection.group_id.clone()];
        if collection.member_access != MemberAccess::Write {
            readers.extend(
                state
                    .store
                    .industry_members(&shirube_store::OrganizationId::from(
                        collection.group_id.as_str(),
                    ))
                    .await?
                    .into_iter()
                    .filter(|m| m.status == MembershipStatus::Active)
                    .map(|m| m.member_id.into_string()),
            );
        }
        let pairs: Vec<_> = candidates
            .into_iter()
            .map(|c| {
                let allowed: Vec<String> = readers
                    .iter()
                    .filter(|r| {
                        c.marking != "red"
                            || **r == collection.group_id
                            || *r == contributor
                            || options.recipients.contains(r)
                    })
                    .cloned()
                    .collect();
                (c, allowed)
            })
            .collect();
        // The objects are stored whatever matching finds; a failure here is logged.
        if let Err(e) = crate::intel_match::notify(state, &pairs).await {
            tracing::warn!(error = ?e, "matching new intelligence against members' scans failed");
        }
    }
    Ok(status)
}

/// The status of an add request, for the organisation that sent it.
pub async fn status(
    state: &App,
    p: &Principal,
    group_id: &str,
    status_id: &str,
) -> Result<IntelStatusRow, AppError> {
    api_root(state, p, group_id).await?;
    let status = state
        .store
        .intel_status(&IntelStatusId::from(status_id), p.org_id())
        .await?;
    let in_group = state
        .store
        .intel_collections(group_id)
        .await?
        .iter()
        .any(|c| c.id == status.collection_id);
    if !in_group {
        return Err(AppError::NotFound);
    }
    Ok(status)
}

/// Loads a STIX bundle into a collection from the command line, as the group (the first
/// owner of the group is recorded as the actor). Returns the status of the add.
pub async fn import(
    state: &App,
    collection_id: &str,
    body: &[u8],
) -> Result<IntelStatusRow, AppError> {
    let collection = state
        .store
        .intel_collection(&IntelCollectionId::from(collection_id))
        .await?;
    let owner = state
        .store
        .members(&shirube_store::OrganizationId::from(
            collection.group_id.as_str(),
        ))
        .await?
        .into_iter()
        .find(|u| u.role.is_owner())
        .ok_or(AppError::NotFound)?;
    let p = Principal {
        role: owner.role,
        user: owner,
        via: crate::accounts::Via::Token,
        lang: shirube_catalog::Lang::Ja,
    };
    add_to(state, &p, &collection, body).await
}

/// Hand-written intelligence for the demo: a collection of the demo industry group with a
/// GREEN vulnerability, a GREEN indicator naming a package, an AMBER indicator and a RED one
/// for the group only.
pub(crate) async fn seed_demo(
    state: &App,
    group_owner: shirube_store::UserRow,
    member: &shirube_store::UserRow,
) -> Result<(), AppError> {
    seed_demo_inventory(state, member).await?;
    let p = Principal {
        role: group_owner.role,
        user: group_owner,
        via: crate::accounts::Via::Token,
        lang: shirube_catalog::Lang::Ja,
    };
    let id = create_collection(
        state,
        &p,
        "製造業 脅威情報 / Manufacturing threat intelligence",
        "会員向けの脆弱性・侵害指標 (demo)",
        "read_write",
    )
    .await?;
    let collection = state.store.intel_collection(&id).await?;
    add_to(state, &p, &collection, DEMO_BUNDLE.as_bytes()).await?;
    Ok(())
}

/// Adds a bundle to the demo group's first collection, as the group.
pub(crate) async fn load_demo_bundle(
    state: &App,
    group_owner: shirube_store::UserRow,
    bundle: &[u8],
) -> Result<IntelStatusRow, AppError> {
    let collection = state
        .store
        .intel_collections(&group_owner.organization_id)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let p = Principal {
        role: group_owner.role,
        user: group_owner,
        via: crate::accounts::Via::Token,
        lang: shirube_catalog::Lang::Ja,
    };
    add_to(state, &p, &collection, bundle).await
}

/// A member's software list for the demo, stored as a scan so that the hand-written
/// indicators below hit it. It is scanned against an empty advisory index (the demo has
/// none; a real upload refuses to run without one), so it shows no findings of its own.
async fn seed_demo_inventory(state: &App, member: &shirube_store::UserRow) -> Result<(), AppError> {
    let name = "hmi-panel.cdx.json";
    let bytes = DEMO_SBOM.as_bytes();
    let inventory =
        shirube_vuln::detect_and_parse(Some(name), bytes).map_err(AppError::internal)?;
    let report = shirube_vuln::IndexBuilder::new().build().scan(&inventory);
    let report_json = serde_json::to_string(&report).map_err(AppError::internal)?;
    let sha = state
        .store
        .blobs()
        .put(bytes)
        .await
        .map_err(AppError::internal)?;
    let format = inventory.format.to_string();
    state
        .store
        .create_scan(
            shirube_store::Actor::user(&member.organization_id, &member.id),
            &member.organization_id,
            &shirube_store::NewScan {
                file_name: name,
                input_format: &format,
                blob_sha256: &sha,
                size: bytes.len() as i64,
                index_fingerprint: "demo",
                components: report.summary.components as i64,
                findings: 0,
                advisories: 0,
                report: &report_json,
            },
            None,
        )
        .await?;
    Ok(())
}

const DEMO_SBOM: &str = r#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[
{"type":"library","name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20"},
{"type":"library","name":"express","version":"4.17.1","purl":"pkg:npm/express@4.17.1"},
{"type":"library","name":"requests","version":"2.28.0","purl":"pkg:pypi/requests@2.28.0"}
]}"#;

const DEMO_BUNDLE: &str = r#"{"type":"bundle","id":"bundle--6f1c2c0e-8a55-4a38-9d4e-3f0f2f6c1a01","objects":[
{"type":"indicator","spec_version":"2.1","id":"indicator--5a1c0b2d-0e3f-4b5c-8d6e-1f2a3b4c5d60","created":"2026-10-05T00:00:00.000Z","modified":"2026-10-05T00:00:00.000Z","name":"HMI の Web サーバーに使われる express 4.19.2 未満（オープンリダイレクト、CVE-2024-29041）","pattern":"[software:x_purl LIKE 'pkg:npm/express@%' AND software:version < '4.19.2']","pattern_type":"stix","valid_from":"2026-10-05T00:00:00Z","object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]},
{"type":"vulnerability","spec_version":"2.1","id":"vulnerability--0b9e6c8e-5d6c-4a71-a0c3-0f5b8a1e2d11","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","name":"requests: Proxy-Authorization header leaked on redirect","external_references":[{"source_name":"cve","external_id":"CVE-2023-32681"}],"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]},
{"type":"indicator","spec_version":"2.1","id":"indicator--6a2d1c3e-1f4b-4c6d-9e8f-2a3b4c5d6e71","created":"2026-10-02T00:00:00.000Z","modified":"2026-10-02T00:00:00.000Z","name":"Compromised release of lodash used in HMI panels","pattern":"[software:x_purl = 'pkg:npm/lodash@4.17.20']","pattern_type":"stix","valid_from":"2026-10-02T00:00:00Z","object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]},
{"type":"indicator","spec_version":"2.1","id":"indicator--7b3e2d4f-2a5c-4d7e-8f90-3b4c5d6e7f82","created":"2026-10-03T00:00:00.000Z","modified":"2026-10-03T00:00:00.000Z","name":"C2 address seen at a member's plant","pattern":"[ipv4-addr:value = '198.51.100.23']","pattern_type":"stix","valid_from":"2026-10-03T00:00:00Z","object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]},
{"type":"indicator","spec_version":"2.1","id":"indicator--8c4f3e5a-3b6d-4e8f-9a01-4c5d6e7f8093","created":"2026-10-04T00:00:00.000Z","modified":"2026-10-04T00:00:00.000Z","name":"Ongoing intrusion under investigation","pattern":"[domain-name:value = 'update.example.net']","pattern_type":"stix","valid_from":"2026-10-04T00:00:00Z","object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]}
]}"#;

/// What affects the caller's organisation: intelligence objects naming components of its
/// stored scans (newest first).
pub async fn my_exposures(
    state: &App,
    p: &Principal,
) -> Result<Vec<shirube_store::IntelExposureRow>, AppError> {
    Ok(state.store.intel_exposures_of(p.org_id()).await?)
}

/// An exposure: an intelligence object naming a component of one of the organisation's
/// scans, with how the organisation dealt with it.
pub type Exposure = shirube_store::IntelExposureRow;
pub use shirube_store::ExposureResolution;

/// The longest note a member may record with how it dealt with an exposure.
pub const MAX_RESOLUTION_NOTE: usize = 1000;

/// One exposure of the caller's organisation (404 for any other).
pub async fn exposure(
    state: &App,
    p: &Principal,
    exposure_id: &str,
) -> Result<shirube_store::IntelExposureRow, AppError> {
    state
        .store
        .intel_exposure(p.org_id(), exposure_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Records how the caller's organisation dealt with one of its exposures: `fixed` (the
/// component was updated or removed), `not_affected` or `mitigated`, with an optional
/// note. A resolved exposure no longer flags the supplier to its buyers nor counts in the
/// group's report; the member keeps seeing it with its answer. Needs a member who may
/// edit; another organisation's exposure is 404 and nothing is written.
pub async fn resolve_exposure(
    state: &App,
    p: &Principal,
    exposure_id: &str,
    resolution: &str,
    note: &str,
) -> Result<shirube_store::IntelExposureRow, AppError> {
    p.require_edit()?;
    // Another organisation's exposure is not found before the input is judged.
    exposure(state, p, exposure_id).await?;
    let mut errors = Vec::new();
    let parsed = resolution.parse::<shirube_store::ExposureResolution>();
    if parsed.is_err() {
        errors.push(crate::domain::FieldError::new(
            "resolution",
            "intel-err-resolution",
        ));
    }
    let note = note.trim();
    if note.chars().count() > MAX_RESOLUTION_NOTE {
        errors.push(crate::domain::FieldError::too_long(
            "note",
            MAX_RESOLUTION_NOTE,
        ));
    } else if note
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.push(crate::domain::FieldError::new("note", "intel-err-note"));
    }
    let (Ok(resolution), true) = (parsed, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let note = (!note.is_empty()).then_some(note);
    if !state
        .store
        .resolve_intel_exposure(p.actor(), p.org_id(), exposure_id, resolution, note)
        .await?
    {
        return Err(AppError::NotFound);
    }
    exposure(state, p, exposure_id).await
}

/// The group's exposure report: per object, how many active members are exposed. Counts
/// only, never which member.
pub async fn exposure_report(
    state: &App,
    p: &Principal,
) -> Result<Vec<(String, String, i64)>, AppError> {
    if !state.store.is_industry_group(p.org_id()).await? {
        return Err(AppError::Forbidden);
    }
    Ok(state.store.intel_exposure_counts(p.org_id()).await?)
}

/// A buyer's suppliers (those that shared their level with it) exposed to CLEAR or GREEN
/// intelligence; AMBER and RED objects never reach a buyer.
pub async fn supplier_exposures(
    state: &App,
    p: &Principal,
) -> Result<Vec<shirube_store::SupplierExposureRow>, AppError> {
    Ok(state.store.supplier_intel_exposures(p.org_id()).await?)
}

/// For a page of a buyer's suppliers: how many CLEAR or GREEN intelligence objects each is
/// exposed to, for those that share their level with the caller (others are absent). AMBER
/// and RED objects never count.
pub async fn supplier_exposure_counts(
    state: &App,
    p: &Principal,
    supplier_ids: &[&str],
) -> Result<HashMap<String, i64>, AppError> {
    Ok(state
        .store
        .supplier_intel_exposure_counts(p.org_id(), supplier_ids)
        .await?
        .into_iter()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxii_filters_are_read_and_bad_ones_name_the_parameter() {
        let f = Filter::parse([
            ("match[id]", "indicator--1,malware--2"),
            ("match[type]", "indicator"),
            ("match[version]", "first,2016-01-01T00:00:00Z"),
            ("added_after", "2020-01-01T00:00:00.1234567Z"),
            ("limit", "50000"),
            ("next", "17"),
        ])
        .unwrap();
        assert_eq!(f.ids.len(), 2);
        let v = f.versions.unwrap();
        assert!(v.first && !v.last && v.keys == ["2016-01-01T00:00:00.000000000Z"]);
        assert_eq!(
            f.added_after.as_deref(),
            Some("2020-01-01T00:00:00.123456Z")
        );
        assert_eq!((f.limit, f.next), (Some(MAX_PAGE), Some(17)));
        for (k, v) in [
            ("limit", "0"),
            ("limit", "x"),
            ("next", "-1"),
            ("added_after", "yesterday"),
            ("match[version]", "newest"),
            ("match[spec_version]", "3.0"),
        ] {
            match Filter::parse([(k, v)]) {
                Err(AppError::Malformed {
                    field: Some(field), ..
                }) => assert_eq!(field, k),
                other => panic!("{k}={v}: {other:?}"),
            }
        }
    }
}
