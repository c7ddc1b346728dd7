//! Public trust pages: the printable certificate with its QR code, verification (paste,
//! upload or follow a QR link), and the register; plus the holder's credential and revocation.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::Value;
use shirube_app::credentials;
use shirube_app::views::{AssessmentId, CredentialId};
use shirube_catalog::Lang;

use crate::auth::ReqLang;
use crate::error::PageError;
use crate::pages::MaybeNav;
use crate::pages::{render, FieldMessages, Nav, PageResult, Signed};
use crate::AppState;
use shirube_app::i18n::Tr;
use shirube_app::AppError;

/// An SVG QR code as a data URL.
pub fn qr_data_url(text: &str) -> Result<String, AppError> {
    use base64::Engine;
    let svg = qrcode::QrCode::new(text.as_bytes())
        .map(|q| {
            q.render::<qrcode::render::svg::Color>()
                .min_dimensions(180, 180)
                .build()
        })
        .map_err(AppError::internal)?;
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

fn date(s: &str) -> String {
    // Validity instants are shown as the day in Japan (the credential keeps the instant).
    Tr::new(shirube_catalog::Lang::Ja).date(s)
}

#[derive(Template)]
#[template(path = "credentials/certificate.html")]
pub struct CertificatePage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub id: String,
    pub name: String,
    /// The security expert who confirmed a ★3, with qualification and date ("" if none).
    pub expert: String,
    pub corporate_number: String,
    pub level: i64,
    pub third_party: bool,
    pub body: String,
    pub valid_from: String,
    pub valid_until: String,
    pub revoked: String,
    pub edition: String,
    pub issuer: String,
    pub verify_url: String,
    pub qr: String,
}

pub async fn certificate(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeNav(nav): MaybeNav,
    Path(id): Path<CredentialId>,
) -> Result<Response, PageError> {
    let c = credentials::public_credential(&state, &id)
        .await
        .page(lang)?;
    let vc = credentials::credential_json(&c);
    let subject = &vc["credentialSubject"];
    let verify_url = format!("{}/verify?id={}", state.trust.public_url(), c.id);
    let page = CertificatePage {
        t: Tr::new(lang),
        nav: nav.clone(),
        name: subject["name"].as_str().unwrap_or("").to_string(),
        expert: expert_line(&Tr::new(lang), subject),
        corporate_number: subject["id"]
            .as_str()
            .unwrap_or("")
            .rsplit(':')
            .next()
            .unwrap_or("")
            .to_string(),
        level: c.level,
        third_party: c.assurance == "third-party",
        body: subject["evaluationBody"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        valid_from: date(&c.valid_from),
        valid_until: date(&c.valid_until),
        revoked: c.revoked_at.as_deref().map(date).unwrap_or_default(),
        edition: subject["catalogEdition"].as_str().unwrap_or("").to_string(),
        issuer: vc["issuer"].as_str().unwrap_or("").to_string(),
        qr: qr_data_url(&verify_url).page(lang)?,
        verify_url,
        id: c.id.into(),
    };
    render(&page, lang)
}

/// The holder's way to its credential: issue if needed, then show the certificate.
pub async fn for_assessment(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<AssessmentId>,
) -> Result<Response, PageError> {
    let c = credentials::credential_for(&state, &p, &id)
        .await
        .page(p.lang)?;
    Ok(Redirect::to(&format!("/credentials/{}/certificate", c.id)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RevokeForm {
    pub csrf_token: String,
    pub reason: String,
    pub back: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    Signed(p): Signed,
    Path(id): Path<CredentialId>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, PageError> {
    let lang = p.lang;
    p.check_csrf(&form.csrf_token).page(lang)?;
    credentials::revoke(&state, &p, &id, &form.reason)
        .await
        .page(lang)?;
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") {
        form.back
    } else {
        format!("/credentials/{id}/certificate")
    };
    Ok(Redirect::to(&back).into_response())
}

/// One verification outcome, ready to show.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub valid: bool,
    /// The security expert who confirmed a ★3, with qualification and date ("" if none).
    pub expert: String,
    pub headline: String,
    pub detail: String,
    pub checks: Vec<(String, String)>,
    pub name: String,
    pub corporate_number: String,
    pub level: String,
    pub assurance: String,
    pub valid_until: String,
    pub issuer: String,
}

fn outcome(t: &Tr, credential: &Value, result: &Value) -> Outcome {
    let valid = result["valid"].as_bool().unwrap_or(false);
    let code =
        result["reason"]["code"]
            .as_str()
            .unwrap_or(if valid { "valid" } else { "malformed" });
    let subject = &credential["credentialSubject"];
    Outcome {
        valid,
        headline: t.t(&format!("msg-verify-{}", code.replace('_', "-"))),
        // The trust crate's reason text is English: Japanese pages rely on the headline.
        detail: if t.is_ja() {
            String::new()
        } else {
            result["reason"]["message"]
                .as_str()
                .unwrap_or("")
                .to_string()
        },
        // Each check and its result in the page's language (the codes are the trust
        // crate's stable names); the English detail only on English pages.
        checks: result["checks"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|c| {
                        let name = c["check"].as_str().unwrap_or("").replace('_', "-");
                        let res = c["result"].as_str().unwrap_or("").replace('_', "-");
                        let mut r = t.t(&format!("verify-result-{res}"));
                        if let (false, Some(d)) = (t.is_ja(), c["detail"].as_str()) {
                            r = format!("{r} ({d})");
                        }
                        (t.t(&format!("verify-check-{name}")), r)
                    })
                    .collect()
            })
            .unwrap_or_default(),
        name: subject["name"].as_str().unwrap_or("").to_string(),
        expert: expert_line(t, subject),
        corporate_number: subject["id"]
            .as_str()
            .unwrap_or("")
            .rsplit(':')
            .next()
            .unwrap_or("")
            .to_string(),
        level: subject["level"]
            .as_i64()
            .map(|l| format!("★{l}"))
            .unwrap_or_default(),
        assurance: match subject["assurance"].as_str() {
            Some("self") => t.t("label-assurance-self"),
            Some("third-party") => t.t("label-assurance-third-party"),
            _ => String::new(),
        },
        valid_until: credential["validUntil"]
            .as_str()
            .map(date)
            .unwrap_or_default(),
        issuer: credential["issuer"].as_str().unwrap_or("").to_string(),
    }
}

#[derive(Template)]
#[template(path = "credentials/verify.html")]
pub struct VerifyPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub outcome: Option<Outcome>,
    pub pasted: String,
    pub errors: FieldMessages,
}

#[derive(Deserialize)]
pub struct VerifyQuery {
    id: Option<String>,
}

async fn verify_page(state: &AppState, lang: Lang, text: &str) -> Result<VerifyPage, AppError> {
    let t = Tr::new(lang);
    let (outcome, errors) = match credentials::verify_text(state, text).await {
        Ok(result) => {
            let credential = shirube_trust::parse_json(text).unwrap_or(Value::Null);
            (
                Some(outcome(&t, &credential, &result)),
                FieldMessages::default(),
            )
        }
        // Text that is not JSON at all: say so in words, with where reading stopped and
        // what to paste instead (the parser's own English never reaches the page).
        Err(AppError::Malformed { .. }) => {
            let (line, column) = shirube_trust::parse_json(text)
                .err()
                .map(|e| e.position())
                .unwrap_or((1, 1));
            let m = t.targs(
                "verify-not-json",
                &[("line", line.to_string()), ("column", column.to_string())],
            );
            (None, FieldMessages(vec![("credential".into(), m)]))
        }
        Err(e @ AppError::Invalid(_)) => (None, FieldMessages::from_error(&e, lang)),
        Err(e) => return Err(e),
    };
    Ok(VerifyPage {
        t,
        nav: None,
        outcome,
        pasted: text.chars().take(100_000).collect(),
        errors,
    })
}

/// `/verify`, or `/verify?id=…` from a certificate's QR code.
pub async fn verify_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeNav(nav): MaybeNav,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, PageError> {
    let page = match q.id {
        Some(id) => {
            let c = credentials::public_credential(&state, &CredentialId::from(id))
                .await
                .page(lang)?;
            VerifyPage {
                nav: nav.clone(),
                ..verify_page(&state, lang, &c.credential).await.page(lang)?
            }
        }
        None => VerifyPage {
            t: Tr::new(lang),
            nav: nav.clone(),
            outcome: None,
            pasted: String::new(),
            errors: FieldMessages::default(),
        },
    };
    render(&page, lang)
}

/// Verifies a pasted or uploaded credential. Read-only, so no session or CSRF token needed.
pub async fn verify_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeNav(nav): MaybeNav,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    let mut text = String::new();
    while let Ok(Some(field)) = mp.next_field().await {
        let name = field.name().unwrap_or("").to_string();
        let bytes = field.bytes().await.map_err(|_| {
            PageError(
                AppError::TooLarge {
                    field: "file".into(),
                },
                lang,
            )
        })?;
        if bytes.len() > 256 * 1024 {
            return Err(PageError(AppError::TooLarge { field: name }, lang));
        }
        let s = String::from_utf8_lossy(&bytes).to_string();
        if (name == "file" && !s.trim().is_empty())
            || (name == "credential" && text.trim().is_empty())
        {
            text = s;
        }
    }
    let page = VerifyPage {
        nav,
        ..verify_page(&state, lang, &text).await.page(lang)?
    };
    render(&page, lang)
}

#[derive(Template)]
#[template(path = "credentials/register.html")]
pub struct RegisterPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub q: String,
    /// Each entry with its confirming expert ("" unless a ★3 names one).
    pub rows: Vec<(shirube_app::views::RegisterRow, String)>,
    pub errors: FieldMessages,
}

#[derive(Deserialize)]
pub struct RegisterQuery {
    corporate_number: Option<String>,
}

pub async fn register(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeNav(nav): MaybeNav,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    let query = q.corporate_number.unwrap_or_default();
    let (rows, errors) = match credentials::register(&state, Some(&query)).await {
        Ok(rows) => (rows, FieldMessages::default()),
        Err(e @ AppError::Invalid(_)) => (Vec::new(), FieldMessages::from_error(&e, lang)),
        Err(e) => return Err(PageError(e, lang)),
    };
    let t = Tr::new(lang);
    let rows = rows
        .into_iter()
        .map(|r| {
            let vc: serde_json::Value = serde_json::from_str(&r.credential).unwrap_or_default();
            let expert = expert_line(&t, &vc["credentialSubject"]);
            (r, expert)
        })
        .collect();
    render(
        &RegisterPage {
            t,
            nav: nav.clone(),
            q: query,
            rows,
            errors,
        },
        lang,
    )
}

/// "name (qualification number), confirmed on date" from a credential subject's
/// `expertConfirmation`, or "" when it has none.
pub fn expert_line(t: &Tr, subject: &serde_json::Value) -> String {
    let e = &subject["expertConfirmation"];
    let Some(name) = e["name"].as_str() else {
        return String::new();
    };
    let qualification = match e["qualification"].as_str() {
        Some("riss") => t.t("expert-qualification-riss"),
        Some("scs_training") => t.t("expert-qualification-scs-training"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let number = e["qualificationNumber"].as_str().unwrap_or("");
    let confirmed = e["confirmedAt"].as_str().map(date).unwrap_or_default();
    format!("{name} ({qualification} {number}), {confirmed}")
}
