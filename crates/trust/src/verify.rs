//! Offline verification of a credential: form, issuer key, signature, validity period and
//! revocation status, reported as `{valid, checks, reason}`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::credential::VC_V2_CONTEXT;
use crate::did::Resolver;
use crate::proof::{format_datetime, parse_datetime, prepare_proof, PreparedProof, ProofError};
use crate::status::StatusList;

/// The outcome of verifying one credential. Serialises to exactly `valid`, `checks` and
/// (when not valid) `reason`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// True only if every check passed (a skipped status check counts as passed).
    pub valid: bool,
    /// What was checked, in order.
    pub checks: Vec<Check>,
    /// Why the credential is not valid: the most important failed check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

/// One step of verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Which step.
    pub check: CheckKind,
    /// How it went.
    pub result: CheckResult,
    /// A human-readable detail (English).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The steps of verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The credential is well-formed JSON of the VC Data Model 2.0 with one proof.
    Format,
    /// The proof's key resolves and belongs to the credential's issuer.
    Issuer,
    /// The Ed25519 signature over the JCS form matches.
    Signature,
    /// `validFrom` is not in the future.
    ValidFrom,
    /// `validUntil` is not in the past.
    ValidUntil,
    /// The status list says the credential is not revoked.
    Status,
}

/// How a step went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// It passed.
    Passed,
    /// It failed.
    Failed,
    /// It was not applicable or the caller chose to skip it; it does not make the
    /// credential invalid.
    Skipped,
    /// It could not be done (no or unusable status list); the credential is not valid.
    NotChecked,
}

/// Why a credential is not valid. Serialised with a `code` (stable, for translations)
/// and an English `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "code",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Reason {
    /// The input is not a credential this verifier understands.
    Malformed {
        /// The JSON path of the offending member.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The signature does not match: the credential was altered or signed by another key.
    InvalidSignature {
        /// Details.
        message: String,
    },
    /// The proof's key is unknown, or does not belong to the issuer.
    UnknownIssuer {
        /// Details.
        message: String,
    },
    /// `validUntil` has passed.
    Expired {
        /// The credential's `validUntil`.
        valid_until: String,
        /// Details.
        message: String,
    },
    /// `validFrom` is still to come.
    NotYetValid {
        /// The credential's `validFrom`.
        valid_from: String,
        /// Details.
        message: String,
    },
    /// The issuer revoked (or suspended) it.
    Revoked {
        /// The index in the status list.
        status_list_index: u64,
        /// `revocation` or `suspension`.
        status_purpose: String,
        /// Details.
        message: String,
    },
    /// The credential has a status entry but no usable status list was given.
    StatusNotChecked {
        /// Details.
        message: String,
    },
}

impl Reason {
    /// The stable code (`malformed`, `invalid_signature`, `unknown_issuer`, `expired`,
    /// `not_yet_valid`, `revoked`, `status_not_checked`).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Malformed { .. } => "malformed",
            Reason::InvalidSignature { .. } => "invalid_signature",
            Reason::UnknownIssuer { .. } => "unknown_issuer",
            Reason::Expired { .. } => "expired",
            Reason::NotYetValid { .. } => "not_yet_valid",
            Reason::Revoked { .. } => "revoked",
            Reason::StatusNotChecked { .. } => "status_not_checked",
        }
    }

    /// The English explanation.
    pub fn message(&self) -> &str {
        match self {
            Reason::Malformed { message, .. }
            | Reason::InvalidSignature { message }
            | Reason::UnknownIssuer { message }
            | Reason::Expired { message, .. }
            | Reason::NotYetValid { message, .. }
            | Reason::Revoked { message, .. }
            | Reason::StatusNotChecked { message } => message,
        }
    }
}

/// The status information a verification may use.
#[derive(Debug, Clone, Copy)]
pub enum StatusInput<'a> {
    /// A status list credential as published (verified here before use).
    Credential(&'a Value),
    /// Status lists verified beforehand with [`verify_status_list`] (bulk checks).
    Verified(&'a [VerifiedStatusList]),
    /// No status list is at hand: a credential with a status entry is "status not checked".
    Unavailable,
    /// The caller knows the status by other means (or accepts not knowing it).
    Skip,
    /// A status list was given but could not be used, for this reason.
    Unusable(&'a str),
}

/// A status list credential whose proof, issuer and validity were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedStatusList {
    /// Its `id`, which credentials reference as `statusListCredential`.
    pub url: String,
    /// Its issuer's DID.
    pub issuer: String,
    /// Its `statusPurpose`.
    pub purpose: String,
    /// The decoded bits.
    pub list: StatusList,
}

/// Why a status list credential could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("status list credential: {0}")]
pub struct StatusListCredentialError(pub String);

struct StatusRef {
    field: String,
    url: String,
    index: u64,
    purpose: String,
}

struct Parsed {
    issuer: String,
    valid_from: Option<(DateTime<Utc>, String)>,
    valid_until: Option<(DateTime<Utc>, String)>,
    status: Vec<StatusRef>,
}

struct Malformed {
    field: String,
    message: String,
}

fn bad(field: &str, message: impl Into<String>) -> Malformed {
    Malformed {
        field: field.to_string(),
        message: message.into(),
    }
}

fn has_type(v: Option<&Value>, wanted: &str) -> bool {
    match v {
        Some(Value::String(s)) => s == wanted,
        Some(Value::Array(a)) => a.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

fn parse_date(
    obj: &Map<String, Value>,
    field: &str,
) -> Result<Option<(DateTime<Utc>, String)>, Malformed> {
    match obj.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => parse_datetime(s)
            .map(|t| Some((t, s.clone())))
            .ok_or_else(|| bad(field, "must be an RFC 3339 date-time with a time zone")),
        Some(_) => Err(bad(field, "must be a string")),
    }
}

fn parse_status_entry(v: &Value, field: &str) -> Result<Option<StatusRef>, Malformed> {
    let obj = v
        .as_object()
        .ok_or_else(|| bad(field, "must be an object"))?;
    if !has_type(obj.get("type"), "BitstringStatusListEntry") {
        // Other status mechanisms are not understood here; the entry is reported as unknown
        // by the status check, not treated as malformed.
        return Ok(None);
    }
    let text = |name: &str| {
        obj.get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| bad(&format!("{field}.{name}"), "must be a string"))
    };
    let purpose = text("statusPurpose")?.to_string();
    let url = text("statusListCredential")?.to_string();
    let index_field = format!("{field}.statusListIndex");
    // The specification writes the index as a string of digits; a JSON integer is accepted
    // too, since it cannot mean anything else.
    let index = match obj.get("statusListIndex") {
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s
            .parse::<u64>()
            .map_err(|_| bad(&index_field, "is too large"))?,
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or_else(|| bad(&index_field, "must be a non-negative integer"))?,
        _ => return Err(bad(&index_field, "must be a string of digits")),
    };
    Ok(Some(StatusRef {
        field: field.to_string(),
        url,
        index,
        purpose,
    }))
}

fn parse_credential(value: &Value) -> Result<Parsed, Malformed> {
    let obj = value
        .as_object()
        .ok_or_else(|| bad("(document)", "must be a JSON object"))?;
    match obj.get("@context") {
        Some(Value::Array(a)) if a.first().and_then(Value::as_str) == Some(VC_V2_CONTEXT) => {
            if !a.iter().all(|c| c.is_string() || c.is_object()) {
                return Err(bad("@context", "entries must be URLs or objects"));
            }
        }
        Some(_) => {
            return Err(bad(
                "@context",
                format!("must be an array starting with {VC_V2_CONTEXT}"),
            ))
        }
        None => return Err(bad("@context", "is missing")),
    }
    if !has_type(obj.get("type"), "VerifiableCredential") {
        return Err(bad("type", "must include VerifiableCredential"));
    }
    if let Some(id) = obj.get("id") {
        if !id.is_string() {
            return Err(bad("id", "must be a string"));
        }
    }
    let issuer = match obj.get("issuer") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => o
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("issuer.id", "must be a string"))?
            .to_string(),
        Some(_) => return Err(bad("issuer", "must be a string or an object with an id")),
        None => return Err(bad("issuer", "is missing")),
    };
    match obj.get("credentialSubject") {
        Some(Value::Object(_)) => {}
        Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_object) => {}
        Some(_) => {
            return Err(bad(
                "credentialSubject",
                "must be an object or a non-empty array of objects",
            ))
        }
        None => return Err(bad("credentialSubject", "is missing")),
    }
    let valid_from = parse_date(obj, "validFrom")?;
    let valid_until = parse_date(obj, "validUntil")?;
    let mut status = Vec::new();
    match obj.get("credentialStatus") {
        None => {}
        Some(Value::Array(a)) => {
            for (i, e) in a.iter().enumerate() {
                status.extend(parse_status_entry(e, &format!("credentialStatus[{i}]"))?);
            }
        }
        Some(e) => status.extend(parse_status_entry(e, "credentialStatus")?),
    }
    Ok(Parsed {
        issuer,
        valid_from,
        valid_until,
        status,
    })
}

/// The first stage, shared by single and bulk verification: form, key, issuer binding.
enum Stage1 {
    Ready(Box<(Parsed, PreparedProof)>),
    Done(Verification),
}

fn check(check: CheckKind, result: CheckResult, detail: Option<String>) -> Check {
    Check {
        check,
        result,
        detail,
    }
}

fn malformed_verification(field: String, message: String) -> Verification {
    Verification {
        valid: false,
        checks: vec![check(
            CheckKind::Format,
            CheckResult::Failed,
            Some(format!("{field}: {message}")),
        )],
        reason: Some(Reason::Malformed { field, message }),
    }
}

fn stage1(value: &Value, resolver: &Resolver) -> Stage1 {
    let parsed = match parse_credential(value) {
        Ok(p) => p,
        Err(m) => return Stage1::Done(malformed_verification(m.field, m.message)),
    };
    let prepared = match prepare_proof(value, resolver) {
        Ok(p) => p,
        Err(ProofError::Malformed { field, problem }) => {
            return Stage1::Done(malformed_verification(field, problem))
        }
        Err(ProofError::Canon(e)) => {
            return Stage1::Done(malformed_verification("(document)".into(), e.to_string()))
        }
        Err(e @ (ProofError::Resolve(_) | ProofError::BadSignature)) => {
            let message = e.to_string();
            return Stage1::Done(Verification {
                valid: false,
                checks: vec![
                    check(CheckKind::Format, CheckResult::Passed, None),
                    check(
                        CheckKind::Issuer,
                        CheckResult::Failed,
                        Some(message.clone()),
                    ),
                ],
                reason: Some(Reason::UnknownIssuer { message }),
            });
        }
    };
    if prepared.resolved.controller != parsed.issuer {
        let message = format!(
            "the proof key {} belongs to {}, not to the issuer {}",
            prepared.verification_method, prepared.resolved.controller, parsed.issuer
        );
        return Stage1::Done(Verification {
            valid: false,
            checks: vec![
                check(CheckKind::Format, CheckResult::Passed, None),
                check(
                    CheckKind::Issuer,
                    CheckResult::Failed,
                    Some(message.clone()),
                ),
            ],
            reason: Some(Reason::UnknownIssuer { message }),
        });
    }
    Stage1::Ready(Box::new((parsed, prepared)))
}

enum StatusOutcome {
    Skipped(String),
    Passed(String),
    Revoked(u64, String, String),
    NotChecked(String),
}

fn status_outcome(
    parsed: &Parsed,
    status: StatusInput<'_>,
    resolver: &Resolver,
    now: DateTime<Utc>,
) -> StatusOutcome {
    let relevant: Vec<&StatusRef> = parsed
        .status
        .iter()
        .filter(|s| s.purpose == "revocation" || s.purpose == "suspension")
        .collect();
    if relevant.is_empty() {
        return StatusOutcome::Skipped("the credential has no revocation status entry".into());
    }
    let one;
    let lists: &[VerifiedStatusList] = match status {
        StatusInput::Skip => {
            return StatusOutcome::Skipped("status check skipped on request".into())
        }
        StatusInput::Unavailable => {
            return StatusOutcome::NotChecked(format!(
                "no status list was given for {}",
                relevant.first().map(|s| s.url.as_str()).unwrap_or_default()
            ))
        }
        StatusInput::Unusable(why) => return StatusOutcome::NotChecked(why.to_string()),
        StatusInput::Verified(l) => l,
        StatusInput::Credential(c) => match verify_status_list(c, resolver, now) {
            Ok(l) => {
                one = [l];
                &one
            }
            Err(e) => return StatusOutcome::NotChecked(e.to_string()),
        },
    };
    for entry in &relevant {
        let Some(list) = lists.iter().find(|l| l.url == entry.url) else {
            return StatusOutcome::NotChecked(format!(
                "{}: no status list {} was given",
                entry.field, entry.url
            ));
        };
        if list.issuer != parsed.issuer {
            return StatusOutcome::NotChecked(format!(
                "{}: the status list is issued by {}, not by the credential's issuer {}",
                entry.field, list.issuer, parsed.issuer
            ));
        }
        if list.purpose != entry.purpose {
            return StatusOutcome::NotChecked(format!(
                "{}: the status list's purpose is {}, the entry's is {}",
                entry.field, list.purpose, entry.purpose
            ));
        }
        let set = u32::try_from(entry.index)
            .ok()
            .map(|i| list.list.is_revoked(i));
        match set {
            Some(Ok(true)) => {
                return StatusOutcome::Revoked(
                    entry.index,
                    entry.purpose.clone(),
                    format!(
                        "{} index {} is set in {}",
                        entry.purpose, entry.index, entry.url
                    ),
                )
            }
            Some(Ok(false)) => {}
            _ => {
                return StatusOutcome::NotChecked(format!(
                    "{}.statusListIndex {} is outside the list of {} entries",
                    entry.field,
                    entry.index,
                    list.list.size()
                ))
            }
        }
    }
    StatusOutcome::Passed(format!(
        "not revoked ({})",
        relevant
            .iter()
            .map(|s| s.url.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn finish(
    parsed: &Parsed,
    prepared: &PreparedProof,
    signature_ok: bool,
    resolver: &Resolver,
    status: StatusInput<'_>,
    now: DateTime<Utc>,
) -> Verification {
    let mut checks = vec![
        check(CheckKind::Format, CheckResult::Passed, None),
        check(
            CheckKind::Issuer,
            CheckResult::Passed,
            Some(format!(
                "{} ({})",
                parsed.issuer, prepared.verification_method
            )),
        ),
    ];
    // Candidate reasons in priority order; the first one found is reported.
    let mut sig_reason = None;
    if signature_ok {
        checks.push(check(CheckKind::Signature, CheckResult::Passed, None));
    } else {
        let message = ProofError::BadSignature.to_string();
        checks.push(check(
            CheckKind::Signature,
            CheckResult::Failed,
            Some(message.clone()),
        ));
        sig_reason = Some(Reason::InvalidSignature { message });
    }
    let mut from_reason = None;
    match &parsed.valid_from {
        Some((t, s)) if *t > now => {
            let message = format!("not valid before {s}");
            checks.push(check(
                CheckKind::ValidFrom,
                CheckResult::Failed,
                Some(message.clone()),
            ));
            from_reason = Some(Reason::NotYetValid {
                valid_from: s.clone(),
                message,
            });
        }
        Some((_, s)) => checks.push(check(
            CheckKind::ValidFrom,
            CheckResult::Passed,
            Some(s.clone()),
        )),
        None => checks.push(check(
            CheckKind::ValidFrom,
            CheckResult::Skipped,
            Some("no validFrom".into()),
        )),
    }
    let mut until_reason = None;
    match &parsed.valid_until {
        Some((t, s)) if *t < now => {
            let message = format!("expired at {s} (now {})", format_datetime(now));
            checks.push(check(
                CheckKind::ValidUntil,
                CheckResult::Failed,
                Some(message.clone()),
            ));
            until_reason = Some(Reason::Expired {
                valid_until: s.clone(),
                message,
            });
        }
        Some((_, s)) => checks.push(check(
            CheckKind::ValidUntil,
            CheckResult::Passed,
            Some(s.clone()),
        )),
        None => checks.push(check(
            CheckKind::ValidUntil,
            CheckResult::Skipped,
            Some("no validUntil".into()),
        )),
    }
    // A proof with `expires` (VC Data Integrity) stops vouching for the credential then.
    if let Some((t, s)) = &prepared.expires {
        if *t < now && until_reason.is_none() {
            let message = format!("the proof expired at {s} (now {})", format_datetime(now));
            if let Some(c) = checks.iter_mut().find(|c| c.check == CheckKind::ValidUntil) {
                *c = check(
                    CheckKind::ValidUntil,
                    CheckResult::Failed,
                    Some(message.clone()),
                );
            }
            until_reason = Some(Reason::Expired {
                valid_until: s.clone(),
                message,
            });
        }
    }
    let (mut revoked_reason, mut unchecked_reason) = (None, None);
    match status_outcome(parsed, status, resolver, now) {
        StatusOutcome::Skipped(d) => {
            checks.push(check(CheckKind::Status, CheckResult::Skipped, Some(d)))
        }
        StatusOutcome::Passed(d) => {
            checks.push(check(CheckKind::Status, CheckResult::Passed, Some(d)))
        }
        StatusOutcome::Revoked(index, purpose, message) => {
            checks.push(check(
                CheckKind::Status,
                CheckResult::Failed,
                Some(message.clone()),
            ));
            revoked_reason = Some(Reason::Revoked {
                status_list_index: index,
                status_purpose: purpose,
                message,
            });
        }
        StatusOutcome::NotChecked(message) => {
            checks.push(check(
                CheckKind::Status,
                CheckResult::NotChecked,
                Some(message.clone()),
            ));
            unchecked_reason = Some(Reason::StatusNotChecked { message });
        }
    }
    let reason = sig_reason
        .or(revoked_reason)
        .or(until_reason)
        .or(from_reason)
        .or(unchecked_reason);
    Verification {
        valid: reason.is_none(),
        checks,
        reason,
    }
}

/// Verifies a credential offline at time `now` (parse it with [`crate::parse_json`], which
/// refuses duplicate member names): its form (VC Data Model 2.0), that the
/// proof key resolves through `resolver` and belongs to the issuer, the `eddsa-jcs-2022`
/// signature, `validFrom`/`validUntil`, and its revocation status from `status`.
/// Never panics, whatever the input.
pub fn verify(
    credential: &Value,
    resolver: &Resolver,
    status: StatusInput<'_>,
    now: DateTime<Utc>,
) -> Verification {
    match stage1(credential, resolver) {
        Stage1::Done(v) => v,
        Stage1::Ready(ready) => {
            let (parsed, prepared) = *ready;
            let ok = prepared.check_signature().is_ok();
            finish(&parsed, &prepared, ok, resolver, status, now)
        }
    }
}

/// Verifies many credentials at once, with Ed25519 batch verification of the signatures
/// (falling back to one-by-one checks only when the batch fails, to find the culprits).
/// Results are in input order and equal to [`verify`]'s, except that batch verification
/// accepts the rare non-canonical signatures a malicious signer could craft that strict
/// single verification refuses — harmless for re-checking Shirube's own credentials, which
/// is what this is for.
pub fn verify_many(
    credentials: &[Value],
    resolver: &Resolver,
    status: StatusInput<'_>,
    now: DateTime<Utc>,
) -> Vec<Verification> {
    // A published status list is verified and decoded once for the whole batch, not once
    // per credential; if it is unusable, every credential that needs it says why.
    let pre_verified;
    let unusable_list;
    let status = match status {
        StatusInput::Credential(c) => match verify_status_list(c, resolver, now) {
            Ok(l) => {
                pre_verified = [l];
                StatusInput::Verified(&pre_verified)
            }
            Err(e) => {
                unusable_list = e.to_string();
                StatusInput::Unusable(&unusable_list)
            }
        },
        other => other,
    };
    let stages: Vec<Stage1> = credentials.iter().map(|c| stage1(c, resolver)).collect();
    let ready: Vec<&PreparedProof> = stages
        .iter()
        .filter_map(|s| {
            if let Stage1::Ready(r) = s {
                Some(&r.1)
            } else {
                None
            }
        })
        .collect();
    let batch_ok = {
        let messages: Vec<&[u8]> = ready.iter().map(|p| &p.data[..]).collect();
        let sigs: Vec<ed25519_dalek::Signature> = ready
            .iter()
            .map(|p| ed25519_dalek::Signature::from_bytes(&p.signature))
            .collect();
        let keys: Vec<ed25519_dalek::VerifyingKey> =
            ready.iter().map(|p| p.resolved.key.0).collect();
        !ready.is_empty() && ed25519_dalek::verify_batch(&messages, &sigs, &keys).is_ok()
    };
    stages
        .into_iter()
        .map(|s| match s {
            Stage1::Done(v) => v,
            Stage1::Ready(ready) => {
                let (parsed, prepared) = *ready;
                let ok = batch_ok || prepared.check_signature().is_ok();
                finish(&parsed, &prepared, ok, resolver, status, now)
            }
        })
        .collect()
}

/// Verifies a `BitstringStatusListCredential` (form, proof, issuer, validity at `now`) and
/// decodes its list, for use with [`StatusInput::Verified`].
pub fn verify_status_list(
    credential: &Value,
    resolver: &Resolver,
    now: DateTime<Utc>,
) -> Result<VerifiedStatusList, StatusListCredentialError> {
    let err = |m: String| StatusListCredentialError(m);
    let v = verify(credential, resolver, StatusInput::Skip, now);
    if let Some(reason) = v.reason {
        return Err(err(format!("{} ({})", reason.message(), reason.code())));
    }
    let obj = credential
        .as_object()
        .ok_or_else(|| err("must be a JSON object".into()))?;
    if !has_type(obj.get("type"), "BitstringStatusListCredential") {
        return Err(err(
            "type: must include BitstringStatusListCredential".into()
        ));
    }
    let url = obj
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| err("id: must be a string".into()))?;
    let subject = obj
        .get("credentialSubject")
        .and_then(Value::as_object)
        .ok_or_else(|| err("credentialSubject: must be an object".into()))?;
    if !has_type(subject.get("type"), "BitstringStatusList") {
        return Err(err(
            "credentialSubject.type: must be BitstringStatusList".into()
        ));
    }
    let purpose = match subject.get("statusPurpose") {
        Some(Value::String(s)) => s.clone(),
        // Several purposes in one list are allowed by the specification, but Shirube
        // publishes one list per purpose; refuse rather than guess.
        _ => {
            return Err(err(
                "credentialSubject.statusPurpose: must be one string".into()
            ))
        }
    };
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| err("credentialSubject.encodedList: must be a string".into()))?;
    let list = StatusList::decode(encoded).map_err(|e| err(e.to_string()))?;
    let issuer = match obj.get("issuer") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => o
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        _ => String::new(),
    };
    Ok(VerifiedStatusList {
        url: url.to_string(),
        issuer,
        purpose,
        list,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{did_document, Issuer, Keypair};
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn a_proof_past_its_expires_time_makes_the_credential_expired() {
        let key = Keypair::from_seed(&[3; 32]);
        let Ok(issuer) = Issuer::new("did:web:x.example", "k", key.clone()) else {
            unreachable!()
        };
        let doc = json!({
            "@context": [VC_V2_CONTEXT], "type": ["VerifiableCredential"], "issuer": "did:web:x.example",
            "credentialSubject": {"id": "urn:x"},
        });
        let mut proof = json!({
            "type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "proofPurpose": "assertionMethod",
            "verificationMethod": "did:web:x.example#k", "expires": "2026-03-01T00:00:00Z", "@context": [VC_V2_CONTEXT],
        });
        let (Some(d), Some(p)) = (doc.as_object(), proof.as_object()) else {
            unreachable!()
        };
        let Ok(data) = crate::proof::hash_data(d, p, d.get("@context")) else {
            unreachable!()
        };
        proof["proofValue"] = json!(format!(
            "z{}",
            bs58::encode(key.sign(&data).to_bytes()).into_string()
        ));
        let mut signed = doc.clone();
        signed["proof"] = proof;
        let Ok(resolver) = Resolver::from_did_document(&did_document(&issuer)) else {
            unreachable!()
        };
        let at = |m| {
            Utc.with_ymd_and_hms(2026, m, 1, 0, 0, 0)
                .single()
                .unwrap_or_default()
        };
        assert!(verify(&signed, &resolver, StatusInput::Skip, at(2)).valid);
        let v = verify(&signed, &resolver, StatusInput::Skip, at(6));
        assert!(
            matches!(&v.reason, Some(Reason::Expired { valid_until, .. }) if valid_until == "2026-03-01T00:00:00Z"),
            "{v:#?}"
        );
    }
}
