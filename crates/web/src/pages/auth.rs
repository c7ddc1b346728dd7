//! Sign-up, sign-in (with the TOTP step) and sign-out pages.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use shirube_app::accounts;
use shirube_catalog::Lang;

use crate::auth::{self, ReqLang};
use crate::error::PageError;
use crate::pages::{render, render_status, session_cookie, FieldMessages, Nav, PageResult};
use crate::AppState;
use shirube_app::accounts::LoginOutcome;
use shirube_app::accounts::SignupInput;
use shirube_app::domain::{INDUSTRIES, PREFECTURES};
use shirube_app::i18n::Tr;
use shirube_app::AppError;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SignupForm {
    pub org_name: String,
    pub corporate_number: String,
    pub industry: String,
    pub employees: String,
    pub capital_yen: String,
    pub prefecture: String,
    pub user_name: String,
    pub email: String,
    pub password: String,
}

#[derive(Template)]
#[template(path = "auth/signup.html")]
pub struct SignupPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub form: SignupForm,
    pub errors: FieldMessages,
    pub industries: Vec<(String, String)>,
    pub prefectures: Vec<(String, String)>,
}

impl SignupPage {
    fn new(lang: Lang, form: SignupForm, errors: FieldMessages) -> Self {
        let industries = INDUSTRIES
            .iter()
            .map(|(c, ja, en)| {
                (
                    c.to_string(),
                    format!("{c}: {}", if lang == Lang::Ja { ja } else { en }),
                )
            })
            .collect();
        let prefectures = PREFECTURES
            .iter()
            .enumerate()
            .map(|(i, (ja, en))| {
                (
                    format!("{:02}", i + 1),
                    if lang == Lang::Ja {
                        ja.to_string()
                    } else {
                        en.to_string()
                    },
                )
            })
            .collect();
        SignupPage {
            t: Tr::new(lang),
            nav: None,
            form,
            errors,
            industries,
            prefectures,
        }
    }
}

pub async fn signup_form(ReqLang(lang): ReqLang) -> Result<Response, PageError> {
    render(
        &SignupPage::new(
            lang,
            SignupForm {
                employees: String::new(),
                ..Default::default()
            },
            FieldMessages::default(),
        ),
        lang,
    )
}

/// Creates the organisation and owner, signs them in, and opens the dashboard. A pre-session
/// form has no CSRF token to check; the Origin check and SameSite cookies cover it, and
/// sign-up changes nothing that already exists.
pub async fn signup_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Form(form): Form<SignupForm>,
) -> Result<Response, PageError> {
    let input = SignupInput {
        org_name: form.org_name.clone(),
        corporate_number: form.corporate_number.clone(),
        industry: form.industry.clone(),
        employees: form.employees.clone(),
        capital_yen: form.capital_yen.clone(),
        prefecture: form.prefecture.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
        user_name: form.user_name.clone(),
    };
    match accounts::signup(&state, &input).await {
        Ok(signed_up) => start_session(&state, &signed_up.user, false, "/dashboard")
            .await
            .page(lang),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let errors = FieldMessages::from_error(&e, lang);
            render_status(
                &SignupPage::new(
                    lang,
                    SignupForm {
                        password: String::new(),
                        ..form
                    },
                    errors,
                ),
                lang,
                crate::error::status(&e),
            )
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

/// Opens a session and sets the cookie; `pending` sessions still need the TOTP step.
async fn start_session(
    state: &AppState,
    user: &shirube_app::views::UserRow,
    pending: bool,
    to: &str,
) -> Result<Response, AppError> {
    let session = accounts::start_session(state, user, pending).await?;
    let mut resp = Redirect::to(to).into_response();
    let v = HeaderValue::from_str(&session_cookie(state, &session.secret, session.max_age))
        .map_err(AppError::internal)?;
    resp.headers_mut().append(header::SET_COOKIE, v);
    Ok(resp)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
}

#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub email: String,
    pub errors: FieldMessages,
}

pub async fn login_form(ReqLang(lang): ReqLang) -> Result<Response, PageError> {
    render(
        &LoginPage {
            t: Tr::new(lang),
            nav: None,
            email: String::new(),
            errors: FieldMessages::default(),
        },
        lang,
    )
}

pub async fn login_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    match accounts::check_login(&state, &form.email, &form.password, None).await {
        Ok(LoginOutcome::Done(user)) => start_session(&state, &user, false, "/dashboard")
            .await
            .page(lang),
        Ok(LoginOutcome::NeedsSecondFactor(user)) => {
            start_session(&state, &user, true, "/login/totp")
                .await
                .page(lang)
        }
        Err(e @ (AppError::Invalid(_) | AppError::TooManyRequests { .. })) => {
            let errors = FieldMessages::from_error(&e, lang);
            render_status(
                &LoginPage {
                    t: Tr::new(lang),
                    nav: None,
                    email: form.email,
                    errors,
                },
                lang,
                crate::error::status(&e),
            )
        }
        Err(e) => Err(PageError(e, lang)),
    }
}

#[derive(Template)]
#[template(path = "auth/totp.html")]
pub struct TotpPage {
    pub t: Tr,
    pub nav: Option<Nav>,
    pub csrf: String,
    pub errors: FieldMessages,
}

pub async fn totp_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let Some(pending) = auth::resolve_pending(&headers, &state).await.page(lang)? else {
        return Ok(Redirect::to("/login").into_response());
    };
    render(
        &TotpPage {
            t: Tr::new(lang),
            nav: None,
            csrf: pending.csrf,
            errors: FieldMessages::default(),
        },
        lang,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TotpForm {
    pub code: String,
    pub csrf_token: String,
}

pub async fn totp_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Form(form): Form<TotpForm>,
) -> Result<Response, PageError> {
    let Some(pending) = auth::resolve_pending(&headers, &state).await.page(lang)? else {
        return Ok(Redirect::to("/login").into_response());
    };
    if !accounts::same(&pending.csrf, &form.csrf_token) {
        return Err(PageError(AppError::Forbidden, lang));
    }
    match accounts::complete_second_factor(&state, &pending, &form.code).await {
        Ok(()) => {}
        Err(e @ AppError::Invalid(_)) => {
            let errors = FieldMessages::from_error(&e, lang);
            return render_status(
                &TotpPage {
                    t: Tr::new(lang),
                    nav: None,
                    csrf: pending.csrf,
                    errors,
                },
                lang,
                crate::error::status(&e),
            );
        }
        Err(e) => return Err(PageError(e, lang)),
    }
    Ok(Redirect::to("/dashboard").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LogoutForm {
    pub csrf_token: String,
}

/// Ends the session (CSRF-checked, so another site cannot sign people out).
pub async fn logout(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Result<Response, PageError> {
    if let Some(p) = auth::resolve(&headers, &state).await.page(lang)? {
        p.check_csrf(&form.csrf_token).page(lang)?;
        accounts::sign_out(&state, &p).await.page(lang)?;
    }
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie(&state, "", 0)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}
