//! The threat-intelligence page (`/intel`): the collections the organisation may use with
//! their TAXII URLs, what affects it (objects naming components of its scans), and for an
//! industry group the form to create a collection and its exposure report (counts only).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_app::i18n::Tr;
use shirube_app::{intel, AppError, Principal};

use crate::error::PageError;
use crate::pages::{render, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;

pub struct CollectionItem {
    /// The collection's page (its feed), for collections the caller may read.
    pub href: Option<String>,
    pub group_name: String,
    pub title: String,
    pub description: String,
    pub access: String,
    pub can_read: bool,
    pub can_write: bool,
    pub taxii_url: String,
}

pub struct ExposureItem {
    pub id: String,
    pub object_name: String,
    pub marking: String,
    pub component: String,
    pub scan_link: String,
    pub date: String,
    /// How the organisation dealt with it, in words, and when ("" while open).
    pub resolution: String,
    pub resolved_date: String,
    pub note: String,
}

impl ExposureItem {
    fn new(t: &Tr, e: intel::Exposure) -> Self {
        let resolution = e
            .resolution
            .as_deref()
            .and_then(|r| r.parse::<shirube_app::intel::ExposureResolution>().ok())
            .map(|r| t.label(r))
            .unwrap_or_default();
        ExposureItem {
            id: e.id,
            object_name: e.object_name,
            marking: e.marking.to_uppercase(),
            component: e.component,
            scan_link: format!("/checks/{}", e.scan_id),
            date: t.date(&e.created_at),
            resolution,
            resolved_date: e
                .resolved_at
                .as_deref()
                .map(|d| t.date(d))
                .unwrap_or_default(),
            note: e.resolution_note.unwrap_or_default(),
        }
    }
}

pub struct ReportItem {
    pub object_name: String,
    pub members: i64,
}

#[derive(Template)]
#[template(path = "intel/index.html")]
pub struct IntelPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub collections: Vec<CollectionItem>,
    /// Open exposures, then those the organisation has dealt with.
    pub exposures: Vec<ExposureItem>,
    pub resolved: Vec<ExposureItem>,
    /// Just recorded how an exposure was dealt with.
    pub resolved_now: bool,
    /// The group's exposure report; `None` for organisations that are not a group.
    pub report: Option<Vec<ReportItem>>,
    pub error: String,
    pub title: String,
}

async fn page(
    state: &AppState,
    p: &Principal,
    error: String,
    title: String,
) -> Result<IntelPage, AppError> {
    let t = Tr::new(p.lang);
    let base = state.config.public_url.trim_end_matches('/').to_string();
    let mut collections = Vec::new();
    for g in intel::api_roots(state, p).await? {
        for c in intel::collections(state, p, &g.id).await? {
            collections.push(CollectionItem {
                href: c.can_read.then(|| format!("/intel/{}/{}", g.id, c.id)),
                group_name: g.name.clone(),
                title: c.title,
                description: c.description,
                access: t.label(c.member_access),
                can_read: c.can_read,
                can_write: c.can_write,
                taxii_url: format!("{base}/taxii2/{}/collections/{}/", g.id, c.id),
            });
        }
    }
    let (resolved, exposures): (Vec<_>, Vec<_>) = intel::my_exposures(state, p)
        .await?
        .into_iter()
        .map(|e| ExposureItem::new(&t, e))
        .partition(|e| !e.resolution.is_empty());
    let report = match intel::exposure_report(state, p).await {
        Ok(rows) => Some(
            rows.into_iter()
                .map(|(_, object_name, members)| ReportItem {
                    object_name,
                    members,
                })
                .collect(),
        ),
        Err(AppError::Forbidden) => None,
        Err(e) => return Err(e),
    };
    Ok(IntelPage {
        t,
        nav: Nav::for_principal(state, p).await?,
        collections,
        exposures,
        resolved,
        resolved_now: false,
        report,
        error,
        title,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IndexQuery {
    pub resolved: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    Signed(p): Signed,
    Query(q): Query<IndexQuery>,
) -> Result<Response, PageError> {
    let mut built = page(&state, &p, String::new(), String::new())
        .await
        .page(p.lang)?;
    built.resolved_now = q.resolved.is_some();
    render(&built, p.lang)
}

/// One exposure of the organisation, with the form to record how it was dealt with.
#[derive(Template)]
#[template(path = "intel/exposure.html")]
pub struct ExposurePage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub item: ExposureItem,
    pub choices: Vec<(String, String, bool)>,
    pub note: String,
    pub errors: FieldMessages,
    pub can_edit: bool,
}

async fn exposure_page(
    state: &AppState,
    p: &Principal,
    exposure_id: &str,
    form: Option<(&ResolveForm, FieldMessages)>,
) -> Result<ExposurePage, AppError> {
    let t = Tr::new(p.lang);
    let e = intel::exposure(state, p, exposure_id).await?;
    let chosen = match form {
        Some((f, _)) => f.resolution.clone(),
        None => e.resolution.clone().unwrap_or_default(),
    };
    let note = match form {
        Some((f, _)) => f.note.clone(),
        None => e.resolution_note.clone().unwrap_or_default(),
    };
    let choices = intel::ExposureResolution::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), t.label(*r), r.as_str() == chosen))
        .collect();
    Ok(ExposurePage {
        nav: Nav::for_principal(state, p).await?,
        item: ExposureItem::new(&t, e),
        choices,
        note,
        errors: form.map(|(_, e)| e).unwrap_or_default(),
        can_edit: p.require_edit().is_ok(),
        t,
    })
}

pub async fn exposure(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(exposure_id): Path<String>,
) -> Result<Response, PageError> {
    let built = exposure_page(&state, &p, &exposure_id, None)
        .await
        .page(p.lang)?;
    render(&built, p.lang)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResolveForm {
    pub csrf_token: String,
    pub resolution: String,
    pub note: String,
}

/// Records how an exposure was dealt with; a refused form comes back as typed, with its
/// messages, and nothing is written.
pub async fn resolve(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(exposure_id): Path<String>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    match intel::resolve_exposure(&state, &p, &exposure_id, &form.resolution, &form.note).await {
        Ok(_) => Ok(Redirect::to("/intel?resolved=1").into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let errors = FieldMessages::from_error(&e, lang);
            let built = exposure_page(&state, &p, &exposure_id, Some((&form, errors)))
                .await
                .page(lang)?;
            let mut resp = render(&built, lang)?;
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CollectionForm {
    pub csrf_token: String,
    pub title: String,
    pub description: String,
    pub member_access: String,
}

/// The group creates a collection; bad fields re-render the page with the reasons.
pub async fn create(
    State(state): State<AppState>,
    Signed(p): Signed,
    Form(form): Form<CollectionForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    match intel::create_collection(
        &state,
        &p,
        &form.title,
        &form.description,
        &form.member_access,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/intel").into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let error = e
                .field_messages(lang)
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>()
                .join(" ");
            let built = page(&state, &p, error, form.title).await.page(lang)?;
            let mut resp = render(&built, lang)?;
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

/// A STIX type in the page's language (the common domain, relationship and ATT&CK types;
/// another type is shown as "other" with its name).
pub fn type_label(t: &Tr, object_type: &str) -> String {
    let key = format!("intel-type-{object_type}");
    match shirube_app::i18n::lookup(t.lang, &key) {
        Some(label) => label,
        None => t.tn("intel-type-other", object_type),
    }
}

/// A relationship type in the page's language, or as STIX names it.
fn relationship_label(t: &Tr, relationship_type: &str, outgoing: bool) -> String {
    let key = format!(
        "intel-rel-{relationship_type}-{}",
        if outgoing { "out" } else { "in" }
    );
    shirube_app::i18n::lookup(t.lang, &key).unwrap_or_else(|| relationship_type.to_string())
}

pub struct FeedItem {
    pub href: String,
    pub name: String,
    pub type_label: String,
    pub marking: String,
    pub added: String,
}

#[derive(Template)]
#[template(path = "intel/feed.html")]
pub struct FeedPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub group_name: String,
    pub title: String,
    pub description: String,
    pub items: Vec<FeedItem>,
    /// (type, label, selected) for the filter.
    pub types: Vec<(String, String, bool)>,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
    pub taxii_url: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FeedQuery {
    #[serde(rename = "type")]
    pub object_type: String,
    pub next: String,
}

/// Types offered in the feed's filter, in this order.
const FEED_TYPES: &[&str] = &[
    "vulnerability",
    "indicator",
    "malware",
    "attack-pattern",
    "course-of-action",
    "intrusion-set",
    "tool",
    "report",
    "x-mitre-asset",
    "relationship",
];

/// Objects per feed page.
const FEED_PAGE: i64 = 50;

/// A collection's feed: its objects (latest versions the reader may see), 50 a page, with
/// a type filter.
pub async fn feed(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path((group_id, collection_id)): Path<(String, String)>,
    Query(q): Query<FeedQuery>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let t = Tr::new(lang);
    let group = intel::api_root(&state, &p, &group_id).await.page(lang)?;
    let collection = intel::collection(&state, &p, &group_id, &collection_id)
        .await
        .page(lang)?;
    let object_type = q.object_type.trim().to_string();
    if !object_type.is_empty() && !FEED_TYPES.contains(&object_type.as_str()) {
        return Err(PageError(
            AppError::field("type", "intel-err-feed-type"),
            lang,
        ));
    }
    let filter = intel::Filter {
        types: if object_type.is_empty() {
            Vec::new()
        } else {
            vec![object_type.clone()]
        },
        limit: Some(FEED_PAGE),
        next: q.next.trim().parse().ok(),
        ..intel::Filter::default()
    };
    let page = intel::objects(&state, &p, &group_id, &collection_id, &filter)
        .await
        .page(lang)?;
    let base = format!("/intel/{group_id}/{collection_id}");
    let type_q = if object_type.is_empty() {
        String::new()
    } else {
        format!("type={object_type}&")
    };
    let items = page
        .rows
        .into_iter()
        .map(|r| FeedItem {
            href: format!("{base}/objects/{}", r.object_id),
            name: r.name.clone().unwrap_or_else(|| r.object_id.clone()),
            type_label: type_label(&t, &r.object_type),
            marking: format!("TLP:{}", r.marking.to_uppercase()),
            added: t.datetime(&r.date_added),
        })
        .collect();
    let public = state.config.public_url.trim_end_matches('/').to_string();
    let built = FeedPage {
        nav: Nav::for_principal(&state, &p).await.page(lang)?,
        group_name: group.name,
        title: collection.title,
        description: collection.description,
        items,
        types: FEED_TYPES
            .iter()
            .map(|ty| (ty.to_string(), type_label(&t, ty), *ty == object_type))
            .collect(),
        next_href: page.next.map(|n| format!("{base}?{type_q}next={n}")),
        first_href: (!q.next.is_empty()).then(|| {
            format!("{base}?{type_q}")
                .trim_end_matches(['?', '&'])
                .to_string()
        }),
        taxii_url: format!("{public}/taxii2/{group_id}/collections/{collection_id}/"),
        t,
    };
    render(&built, lang)
}

pub struct RelatedItem {
    pub label: String,
    pub href: String,
    pub name: String,
    pub type_label: String,
}

#[derive(Template)]
#[template(path = "intel/object.html")]
pub struct ObjectPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub feed_href: String,
    pub collection_title: String,
    pub name: String,
    pub object_id: String,
    pub type_label: String,
    pub marking: String,
    pub added: String,
    pub version: String,
    pub versions: usize,
    pub description: String,
    /// External references: (source, id, url).
    pub references: Vec<(String, String, String)>,
    pub pattern: String,
    pub related: Vec<RelatedItem>,
    /// The object as stored, pretty-printed.
    pub json: String,
}

/// One object: what it is, its references and relationships, and the STIX as stored.
pub async fn object(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path((group_id, collection_id, object_id)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let t = Tr::new(lang);
    let collection = intel::collection(&state, &p, &group_id, &collection_id)
        .await
        .page(lang)?;
    let v = intel::object_view(&state, &p, &group_id, &collection_id, &object_id)
        .await
        .page(lang)?;
    let body: serde_json::Value = serde_json::from_str(&v.object.body).unwrap_or_default();
    let base = format!("/intel/{group_id}/{collection_id}");
    let references = body["external_references"]
        .as_array()
        .map(|refs| {
            refs.iter()
                .filter_map(|r| {
                    let source = r["source_name"].as_str()?.to_string();
                    let id = r["external_id"].as_str().unwrap_or("").to_string();
                    let url = r["url"]
                        .as_str()
                        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                        .unwrap_or("")
                        .to_string();
                    Some((source, id, url))
                })
                .collect()
        })
        .unwrap_or_default();
    let related = v
        .related
        .iter()
        .map(|r| RelatedItem {
            label: relationship_label(&t, &r.relationship_type, r.outgoing),
            href: format!("{base}/objects/{}", r.other_id),
            name: r.other_name.clone().unwrap_or_else(|| r.other_id.clone()),
            type_label: type_label(&t, &r.other_type),
        })
        .collect();
    let built = ObjectPage {
        nav: Nav::for_principal(&state, &p).await.page(lang)?,
        feed_href: base,
        collection_title: collection.title,
        name: v
            .object
            .name
            .clone()
            .unwrap_or_else(|| v.object.object_id.clone()),
        object_id: v.object.object_id.clone(),
        type_label: type_label(&t, &v.object.object_type),
        marking: format!("TLP:{}", v.object.marking.to_uppercase()),
        added: t.datetime(&v.object.date_added),
        version: t.datetime(&v.object.version),
        versions: v.versions,
        description: body["description"].as_str().unwrap_or("").to_string(),
        references,
        pattern: body["pattern"].as_str().unwrap_or("").to_string(),
        related,
        json: serde_json::to_string_pretty(&body).unwrap_or_default(),
        t,
    };
    render(&built, lang)
}

/// One supplier on the buyer's exposure page, with the intelligence it is exposed to.
pub struct SupplierExposureItem {
    pub supplier_id: String,
    pub supplier_name: String,
    pub objects: Vec<String>,
}

#[derive(Template)]
#[template(path = "intel/suppliers.html")]
pub struct SupplierExposuresPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub suppliers: Vec<SupplierExposureItem>,
}

/// What the "exposed to intelligence" badge of the portfolio means: the buyer's suppliers
/// (those that share their level with it) whose software holds a component named by CLEAR
/// or GREEN intelligence, and what to do about it. AMBER and RED never reach this page.
pub async fn supplier_exposures(
    State(state): State<AppState>,
    Signed(p): Signed,
) -> Result<Response, PageError> {
    let lang = p.lang;
    let mut suppliers: Vec<SupplierExposureItem> = Vec::new();
    for row in intel::supplier_exposures(&state, &p).await.page(lang)? {
        match suppliers.last_mut() {
            Some(s) if s.supplier_id == row.supplier_id => s.objects.push(row.object_name),
            _ => suppliers.push(SupplierExposureItem {
                supplier_id: row.supplier_id,
                supplier_name: row.supplier_name,
                objects: vec![row.object_name],
            }),
        }
    }
    let built = SupplierExposuresPage {
        t: Tr::new(lang),
        nav: Nav::for_principal(&state, &p).await.page(lang)?,
        suppliers,
    };
    render(&built, lang)
}
