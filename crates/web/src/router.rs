//! Every route, grouped by guard. Handlers live in `api/` and `pages/`.

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::{api, metrics, openapi, pages, AppState};
use shirube_app::AppError;
use shirube_app::MAX_EVIDENCE_BYTES;

pub fn router(state: AppState) -> Router {
    // Public: no sign-in needed.
    let public = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/signup", post(api::auth::signup))
        .route("/api/v1/auth/token", post(api::auth::token))
        .route("/api/v1/catalog", get(api::catalog::list))
        .route("/static/app.css", get(pages::static_css))
        .route("/", get(pages::home))
        .route(
            "/signup",
            get(pages::auth::signup_form).post(pages::auth::signup_submit),
        )
        .route(
            "/login",
            get(pages::auth::login_form).post(pages::auth::login_submit),
        )
        .route(
            "/login/totp",
            get(pages::auth::totp_form).post(pages::auth::totp_submit),
        )
        .route("/logout", post(pages::auth::logout))
        .route("/lang/{code}", get(pages::set_lang))
        .route(
            "/invite/{token}",
            get(pages::members::invite_form).post(pages::members::invite_accept),
        )
        .route("/catalog", get(pages::catalog::index))
        .route("/.well-known/did.json", get(api::credentials::did_document))
        .route("/contexts/v1.jsonld", get(api::credentials::context))
        .route("/status/1", get(api::credentials::status_list))
        .route(
            "/credentials/{id}",
            get(api::credentials::public_credential),
        )
        .route(
            "/credentials/{id}/certificate",
            get(pages::credentials::certificate),
        )
        .route(
            "/verify",
            get(pages::credentials::verify_form).post(pages::credentials::verify_submit),
        )
        .route("/register", get(pages::credentials::register))
        .route("/supplier-invite/{token}", get(pages::buyers::invite))
        .route("/api/v1/verify", post(api::credentials::verify))
        .route("/api/v1/register", get(api::credentials::register))
        .route("/api/v1/evaluation-bodies", get(api::evaluations::bodies))
        // Security experts: sign-up and the directory are public.
        .route("/api/v1/experts/signup", post(api::experts::signup))
        .route("/api/v1/experts", get(api::experts::directory))
        .route("/experts", get(pages::experts::directory))
        .route(
            "/experts/signup",
            get(pages::experts::signup_form).post(pages::experts::signup_submit),
        )
        // The public side: roadmap, releases, statistics (reading needs no sign-in).
        .route("/api/v1/roadmap", get(api::public::get_roadmap))
        .route(
            "/api/v1/releases/catalog.jsonld",
            get(api::public::catalogue),
        )
        .route("/api/v1/releases/{period}/{file}", get(api::public::file))
        .route("/roadmap", get(pages::public::roadmap))
        .route("/releases", get(pages::public::releases))
        .route("/releases/{period}", get(pages::public::release));

    // Signed in (session or token); each handler checks role and organisation.
    let api = Router::new()
        // The public side: publishers record measures and publish releases.
        .route(
            "/api/v1/roadmap/measures",
            post(api::public::create_measure),
        )
        .route(
            "/api/v1/roadmap/measures/{id}/revisions",
            post(api::public::revise),
        )
        .route(
            "/api/v1/releases",
            post(api::public::publish).get(api::public::list),
        )
        .route("/api/v1/registry/vendors", post(api::public::create_vendor))
        .route(
            "/api/v1/registry/products",
            post(api::public::create_product).get(api::public::registry),
        )
        .route("/api/v1/product-uses", get(api::public::list_uses))
        .route(
            "/api/v1/product-uses/{product_id}",
            put(api::public::put_use).delete(api::public::delete_use),
        )
        .route("/api/v1/me", get(api::tokens::me))
        .route(
            "/api/v1/assessments",
            post(api::assessments::create).get(api::assessments::list),
        )
        .route("/api/v1/assessments/{id}", get(api::assessments::get))
        .route(
            "/api/v1/assessments/{id}/answers/{criterion_id}",
            put(api::assessments::put_answer),
        )
        .route(
            "/api/v1/assessments/{id}/evidence",
            post(api::assessments::add_evidence),
        )
        .route(
            "/api/v1/assessments/{id}/declaration",
            post(api::assessments::declare),
        )
        .route("/api/v1/evidence/{id}", get(api::assessments::download))
        // Issue 10 (criterion page and evidence): withdrawing a wrong upload.
        .route(
            "/api/v1/assessments/{id}/evidence/{evidence_id}",
            delete(api::assessments::withdraw_evidence),
        )
        .route(
            "/api/v1/scans",
            post(api::scans::create).get(api::scans::list),
        )
        .route("/api/v1/scans/{id}", get(api::scans::get))
        .route("/api/v1/notifications", get(api::scans::notifications))
        .route(
            "/api/v1/notifications/{id}/read",
            post(api::scans::mark_read),
        )
        .route(
            "/api/v1/tokens",
            get(api::tokens::list).post(api::tokens::create),
        )
        .route("/api/v1/tokens/{id}", delete(api::tokens::revoke))
        .route("/api/v1/suppliers", post(api::buyers::add))
        .route("/api/v1/portfolio", get(api::buyers::portfolio))
        .route("/api/v1/portfolio.csv", get(api::buyers::portfolio_csv))
        .route(
            "/api/v1/shares",
            post(api::buyers::share).get(api::buyers::list_shares),
        )
        .route("/api/v1/shares/{id}", delete(api::buyers::revoke))
        .route(
            "/api/v1/shares/{id}/credential",
            get(api::buyers::shared_credential),
        )
        .route("/api/v1/requests", get(api::buyers::requests))
        .route("/api/v1/portfolio/tiers", get(api::buyers::tiers))
        .route("/api/v1/bcp/weak-points", get(api::buyers::weak_points))
        .route("/api/v1/bcp", put(api::buyers::set_bcp))
        .route(
            "/api/v1/suppliers/{id}/dependency",
            put(api::buyers::set_dependency),
        )
        .route("/api/v1/shares/{id}/pass-on", put(api::buyers::pass_on))
        .route("/api/v1/requests/{id}/messages", post(api::buyers::message))
        .route(
            "/api/v1/supplier-invitations/{token}/accept",
            post(api::buyers::accept),
        )
        // Threat intelligence (the objects themselves are under /taxii2/, see `taxii.rs`).
        .route(
            "/api/v1/intel/collections",
            post(api::intel::create).get(api::intel::list),
        )
        .route("/api/v1/intel/exposures", get(api::intel::exposures))
        .route(
            "/api/v1/intel/exposures/{id}/resolve",
            post(api::intel::resolve_exposure),
        )
        .route(
            "/api/v1/intel/exposure-report",
            get(api::intel::exposure_report),
        )
        .route(
            "/api/v1/intel/supplier-exposures",
            get(api::intel::supplier_exposures),
        )
        .route("/api/v1/industry", get(api::industry::view))
        .route("/api/v1/industry/members", post(api::industry::invite))
        .route(
            "/api/v1/industry/members/{id}",
            delete(api::industry::remove),
        )
        .route(
            "/api/v1/industry/memberships",
            get(api::industry::memberships),
        )
        .route(
            "/api/v1/industry/memberships/{id}/accept",
            post(api::industry::accept),
        )
        .route(
            "/api/v1/industry/memberships/{id}",
            delete(api::industry::leave),
        )
        .route(
            "/api/v1/assessments/{id}/credential",
            get(api::credentials::for_assessment),
        )
        .route(
            "/api/v1/credentials/{id}/revoke",
            post(api::credentials::revoke),
        )
        .route(
            "/api/v1/assessments/{id}/submission",
            post(api::evaluations::submit),
        )
        .route("/api/v1/evaluations", get(api::evaluations::queue))
        .route("/api/v1/evaluations/{id}", get(api::evaluations::get))
        .route(
            "/api/v1/evaluations/{id}/findings/{criterion_id}",
            put(api::evaluations::finding),
        )
        .route(
            "/api/v1/evaluations/{id}/comments",
            post(api::evaluations::comment),
        )
        .route(
            "/api/v1/evaluations/{id}/decision",
            post(api::evaluations::decide),
        )
        .route(
            "/api/v1/evaluations/{id}/report",
            post(api::evaluations::report),
        )
        .route(
            "/api/v1/evaluations/{id}/report/{sha}",
            get(api::evaluations::report_download),
        )
        // The evaluation body's review, a requirement at a time (issue 10).
        .route(
            "/api/v1/evaluations/{id}/findings",
            put(api::evaluations::findings),
        )
        // Security experts and engagements.
        .route(
            "/api/v1/experts/me",
            get(api::experts::me).post(api::experts::become_expert),
        )
        .route("/api/v1/experts/me/clients", get(api::experts::workspace))
        .route(
            "/api/v1/engagements",
            post(api::experts::request).get(api::experts::list),
        )
        .route("/api/v1/engagements/{id}", delete(api::experts::end))
        .route(
            "/api/v1/engagements/{id}/accept",
            post(api::experts::accept),
        )
        .route(
            "/api/v1/engagements/{id}/decline",
            post(api::experts::decline),
        )
        .route("/api/v1/assessments/{id}/advice", get(api::experts::advice))
        .route(
            "/api/v1/assessments/{id}/advice/{criterion_id}",
            put(api::experts::advise),
        )
        .route(
            "/api/v1/assessments/{id}/expert-confirmation",
            post(api::experts::confirm),
        )
        .route("/api/v1/expert-reads", get(api::experts::reads))
        // One adviser, many firms (issue 11).
        .route(
            "/api/v1/industry/shared-adviser",
            get(api::experts::shared_adviser)
                .put(api::experts::name_shared_adviser)
                .delete(api::experts::clear_shared_adviser),
        )
        .route(
            "/api/v1/industry/shared-adviser-offers",
            get(api::experts::adviser_offers),
        )
        .route(
            "/api/v1/industry/shared-adviser-offers/{group_id}/opt-in",
            post(api::experts::opt_in),
        )
        .route(
            "/api/v1/industry/shared-adviser-offers/{group_id}/decline",
            post(api::experts::decline_offer),
        )
        // Technical verification providers (★4, issue 11).
        .route(
            "/api/v1/evaluations/{id}/verifiers",
            post(api::verifications::invite),
        )
        .route(
            "/api/v1/evaluations/{id}/verifications",
            get(api::verifications::of_evaluation),
        )
        .route("/api/v1/verifications", get(api::verifications::mine))
        .route(
            "/api/v1/verifications/{id}/report",
            post(api::verifications::verification_report)
                .get(api::verifications::verification_report_download),
        );

    let signed_in_pages = Router::new()
        .route("/dashboard", get(pages::dashboard::show))
        .route(
            "/assessments",
            get(pages::assessments::index).post(pages::assessments::create),
        )
        .route("/assessments/{id}", get(pages::assessments::show))
        .route(
            "/assessments/{id}/criteria/{criterion_id}",
            get(pages::assessments::criterion).post(pages::assessments::answer),
        )
        .route(
            "/assessments/{id}/criteria/{criterion_id}/evidence",
            post(pages::assessments::evidence),
        )
        .route("/assessments/{id}/result", get(pages::assessments::result))
        .route("/assessments/{id}/report", get(pages::assessments::report))
        .route(
            "/assessments/{id}/declaration",
            get(pages::assessments::declare_form).post(pages::assessments::declare_submit),
        )
        .route("/evidence/{id}", get(pages::assessments::download))
        // Issue 10 (criterion page and evidence): withdrawing a wrong upload, confirmed.
        .route(
            "/assessments/{id}/evidence/{evidence_id}/withdraw",
            get(pages::assessments::withdraw_form).post(pages::assessments::withdraw_submit),
        )
        .route(
            "/checks",
            get(pages::checks::index).post(pages::checks::upload),
        )
        .route("/checks/{id}", get(pages::checks::show))
        .route("/inbox", get(pages::inbox::index))
        .route("/inbox/{id}/read", post(pages::inbox::mark_read))
        .route(
            "/members",
            get(pages::members::index).post(pages::members::invite),
        )
        .route("/members/{user_id}/role", post(pages::members::set_role))
        .route(
            "/tokens",
            get(pages::tokens::index).post(pages::tokens::create),
        )
        .route("/tokens/{id}/revoke", post(pages::tokens::revoke))
        // Products the organisation uses, as assessment evidence (issue 13, item 5).
        .route("/products", get(pages::products::index))
        .route("/products/{id}/use", post(pages::products::declare))
        .route("/products/{id}/withdraw", post(pages::products::withdraw))
        .route("/security", get(pages::security::show))
        .route("/security/totp", post(pages::security::totp_setup))
        .route(
            "/security/totp/confirm",
            post(pages::security::totp_confirm),
        )
        .route(
            "/security/require-totp",
            post(pages::security::require_totp),
        )
        .route(
            "/suppliers",
            get(pages::buyers::portfolio).post(pages::buyers::add),
        )
        .route("/suppliers.csv", get(pages::buyers::portfolio_csv))
        .route("/suppliers/tiers", get(pages::buyers::tiers))
        .route("/suppliers/{id}", get(pages::buyers::relationship))
        .route("/suppliers/{id}/messages", post(pages::buyers::message))
        .route(
            "/suppliers/{id}/dependency",
            post(pages::buyers::dependency),
        )
        .route("/bcp", post(pages::buyers::bcp))
        .route("/requests", get(pages::buyers::requests))
        .route("/shares", post(pages::buyers::share))
        .route("/shares/{id}/revoke", post(pages::buyers::revoke_share))
        .route(
            "/shares/{id}/credential.json",
            get(pages::buyers::shared_credential),
        )
        .route(
            "/supplier-invite/{token}/accept",
            post(pages::buyers::invite_accept),
        )
        .route("/intel", get(pages::intel::index))
        .route("/intel/{group_id}/{collection_id}", get(pages::intel::feed))
        .route(
            "/intel/{group_id}/{collection_id}/objects/{object_id}",
            get(pages::intel::object),
        )
        .route("/intel/collections", post(pages::intel::create))
        .route(
            "/intel/exposures/{exposure_id}",
            get(pages::intel::exposure).post(pages::intel::resolve),
        )
        // Issue 12: what the portfolio's "exposed to intelligence" badge means.
        .route("/intel/suppliers", get(pages::intel::supplier_exposures))
        .route("/industry", get(pages::industry::index))
        .route("/industry/members", post(pages::industry::invite))
        .route(
            "/industry/members/{id}/remove",
            post(pages::industry::remove),
        )
        .route(
            "/industry/memberships/{id}/accept",
            post(pages::industry::accept),
        )
        .route(
            "/industry/memberships/{id}/leave",
            post(pages::industry::leave),
        )
        .route(
            "/assessments/{id}/credential",
            get(pages::credentials::for_assessment),
        )
        .route("/credentials/{id}/revoke", post(pages::credentials::revoke))
        .route(
            "/assessments/{id}/submission",
            post(pages::evaluations::submit),
        )
        .route("/evaluations", get(pages::evaluations::queue))
        .route("/evaluations/{id}", get(pages::evaluations::show))
        .route(
            "/evaluations/{id}/findings",
            post(pages::evaluations::finding),
        )
        .route(
            "/evaluations/{id}/comments",
            post(pages::evaluations::comment),
        )
        .route(
            "/evaluations/{id}/decision",
            post(pages::evaluations::decide),
        )
        .route("/evaluations/{id}/report", post(pages::evaluations::report))
        .route(
            "/evaluations/{id}/report/{sha}",
            get(pages::evaluations::report_download),
        )
        // The evaluation body's review, a requirement at a time (issue 10).
        .route(
            "/evaluations/{id}/requirements/{requirement_id}",
            get(pages::evaluations::requirement).post(pages::evaluations::save_requirement),
        )
        .route(
            "/evaluations/{id}/evidence/{evidence_id}",
            get(pages::evaluations::evidence_download),
        )
        // Security experts and engagements.
        .route("/experts/requests", post(pages::experts::request))
        .route(
            "/experts/become",
            get(pages::experts::become_form).post(pages::experts::become_submit),
        )
        .route("/engagements", get(pages::experts::engagements))
        .route("/engagements/{id}/accept", post(pages::experts::accept))
        .route("/engagements/{id}/decline", post(pages::experts::decline))
        .route("/engagements/{id}/end", post(pages::experts::end))
        .route(
            "/engagements/shared/{group_id}/opt-in",
            post(pages::experts::opt_in),
        )
        .route(
            "/engagements/shared/{group_id}/decline",
            post(pages::experts::decline_offer),
        )
        .route(
            "/industry/shared-adviser",
            get(pages::experts::shared_adviser).post(pages::experts::name_shared_adviser),
        )
        .route(
            "/industry/shared-adviser/clear",
            post(pages::experts::clear_shared_adviser),
        )
        .route(
            "/evaluations/{id}/verification",
            get(pages::verifications::evaluation),
        )
        .route(
            "/evaluations/{id}/verifiers",
            post(pages::verifications::invite),
        )
        .route("/verifications", get(pages::verifications::provider))
        .route(
            "/verifications/{id}/report",
            post(pages::verifications::report).get(pages::verifications::report_download),
        )
        .route(
            "/engagements/assessments/{id}/advice",
            post(pages::experts::advise),
        )
        .route(
            "/engagements/assessments/{id}/confirmation",
            post(pages::experts::confirm),
        );

    Router::new()
        .merge(public)
        .merge(api)
        .merge(signed_in_pages)
        .merge(crate::taxii::routes())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::pages::error_nav,
        ))
        .layer(middleware::from_fn(form_nul_guard))
        .layer(compression())
        .layer(DefaultBodyLimit::max(MAX_EVIDENCE_BYTES + 1024 * 1024))
        .layer(middleware::from_fn_with_state(state.clone(), origin_check))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
        ))
        .with_state(state)
}

/// Pages, CSS, CSV and JSON go out compressed (gzip or Brotli, as the client accepts) at
/// the fastest level: most of the saving for little CPU. Files that are compressed already
/// (evidence PDFs, ZIPs, images) are sent as they are.
fn compression(
) -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{NotForContentType, Predicate};
    use tower_http::compression::{CompressionLayer, CompressionLevel, DefaultPredicate};
    CompressionLayer::new()
        .quality(CompressionLevel::Fastest)
        .compress_when(
            DefaultPredicate::new()
                .and(NotForContentType::const_new("application/pdf"))
                .and(NotForContentType::const_new("application/zip"))
                .and(NotForContentType::const_new("application/octet-stream")),
        )
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.ping().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({ "status": "ok" })),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    // Mail waiting in the outbox, and mail given up on: an operator alerts on the second.
    match shirube_app::notifications::backlog(&state).await {
        Ok((queued, failed)) => {
            ::metrics::gauge!("shirube_outbox_mail_queued").set(queued as f64);
            ::metrics::gauge!("shirube_outbox_mail_failed").set(failed as f64);
        }
        Err(e) => tracing::warn!(error = ?e, "reading the outbox backlog failed"),
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::document(),
    )
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        return crate::error::problem(&AppError::NotFound);
    }
    let lang = crate::auth::request_lang(req.headers());
    crate::error::PageError(AppError::NotFound, lang).into_response()
}

/// Refuses state-changing requests that a browser says come from another site. Bearer-token
/// calls carry no ambient credentials and are exempt.
/// Largest URL-encoded form body the pages accept (forms carry text, files go multipart).
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Refuses URL-encoded form bodies that carry a NUL character (`%00`): no field of ours
/// means one, and PostgreSQL text cannot hold it, so it is answered here with a page that
/// says what to fix instead of failing in the database.
async fn form_nul_guard(req: Request, next: Next) -> Response {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return next.run(req).await;
    }
    let lang = crate::auth::request_lang(req.headers());
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return crate::error::PageError(
            AppError::TooLarge {
                field: "body".into(),
            },
            lang,
        )
        .into_response();
    };
    if bytes.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00")) {
        return crate::error::PageError(AppError::field("", "err-control-chars"), lang)
            .into_response();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

async fn origin_check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let bearer = req.headers().get(header::AUTHORIZATION).is_some();
    if unsafe_method && !bearer {
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok());
        let cross_site = req
            .headers()
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            == Some("cross-site");
        let bad_origin = origin.is_some_and(|o| o != "null" && o != state.config.origin());
        if bad_origin || cross_site {
            if req.uri().path().starts_with("/api/") {
                return crate::error::problem(&AppError::Forbidden);
            }
            let lang = crate::auth::request_lang(req.headers());
            return crate::error::PageError(AppError::Forbidden, lang).into_response();
        }
    }
    next.run(req).await
}
