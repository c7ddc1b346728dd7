//! The OpenAPI 3.1 document served at `/api/v1/openapi.json`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Operation ids are the handlers' names, which repeat across modules (`create`, `get`):
/// prefixed with the tag they become unique, as OpenAPI requires.
struct UniqueOperationIds;

impl Modify for UniqueOperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let tag = op.tags.as_ref().and_then(|t| t.first()).cloned();
                if let (Some(tag), Some(id)) = (tag, op.operation_id.as_mut()) {
                    *id = format!("{tag}_{id}");
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Shirube API", description = "Supply-chain security (SCS ★3/★4) self-assessment, evidence and declarations. Errors are RFC 9457 application/problem+json with an `errors` array naming each field."),
    paths(
        api::auth::signup, api::auth::token,
        api::catalog::list,
        api::assessments::create, api::assessments::list, api::assessments::get, api::assessments::put_answer,
        api::assessments::add_evidence, api::assessments::download, api::assessments::declare, api::assessments::withdraw_evidence,
        api::tokens::list, api::tokens::create, api::tokens::revoke, api::tokens::me,
        api::credentials::for_assessment, api::credentials::revoke, api::credentials::verify, api::credentials::register,
        api::evaluations::submit, api::evaluations::bodies, api::evaluations::queue, api::evaluations::get,
        api::evaluations::finding, api::evaluations::findings, api::evaluations::comment, api::evaluations::decide, api::evaluations::report, api::evaluations::report_download,
        api::buyers::add, api::buyers::portfolio, api::buyers::portfolio_csv, api::buyers::share, api::buyers::revoke,
        api::buyers::list_shares, api::buyers::requests, api::buyers::message, api::buyers::accept,
        api::buyers::tiers, api::buyers::shared_credential, api::buyers::weak_points, api::buyers::set_bcp, api::buyers::set_dependency, api::buyers::pass_on,
        api::industry::view, api::industry::invite, api::industry::remove, api::industry::memberships, api::industry::accept, api::industry::leave,
        api::intel::create, api::intel::list, api::intel::exposures, api::intel::resolve_exposure, api::intel::exposure_report, api::intel::supplier_exposures,
        api::scans::create, api::scans::list, api::scans::get, api::scans::notifications, api::scans::mark_read,
        api::experts::signup, api::experts::directory, api::experts::me, api::experts::become_expert, api::experts::workspace, api::experts::shared_adviser, api::experts::name_shared_adviser, api::experts::clear_shared_adviser, api::experts::adviser_offers, api::experts::opt_in, api::experts::decline_offer, api::verifications::invite, api::verifications::of_evaluation, api::verifications::mine, api::verifications::verification_report, api::verifications::verification_report_download, api::experts::request, api::experts::list,
        api::experts::accept, api::experts::decline, api::experts::end, api::experts::advise, api::experts::advice, api::experts::confirm, api::experts::reads,
        api::public::create_measure, api::public::revise, api::public::get_roadmap, api::public::publish, api::public::list, api::public::catalogue, api::public::file,
        api::public::create_vendor, api::public::create_product, api::public::registry, api::public::put_use, api::public::delete_use, api::public::list_uses,
    ),
    components(schemas(api::problem::Problem, api::problem::FieldProblem)),
    modifiers(&BearerAuth, &UniqueOperationIds),
    tags((name = "accounts"), (name = "catalog"), (name = "assessments"), (name = "checks"), (name = "industry", description = "Industry groups: suppliers on which several members depend, as counts only"),
        (name = "credentials"), (name = "evaluations"), (name = "buyers"),
        (name = "experts", description = "Security experts (情報処理安全確保支援士): directory, engagements, advice and ★3 confirmation"),
        (name = "public", description = "The roadmap, the half-yearly releases and the statistics with disclosure control (PDL1.0)"),
        (name = "intel", description = "Threat-intelligence collections of industry groups; objects travel over TAXII 2.1 at /taxii2/")),
)]
pub struct ApiDoc;

/// The document as JSON text.
pub fn document() -> String {
    ApiDoc::openapi()
        .to_json()
        .unwrap_or_else(|_| "{}".to_string())
}
