//! Shirube level credentials: the claims (corporate number, level, assurance, evaluation
//! body), their JSON form in the W3C VC Data Model 2.0, and issuing them signed.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use shirube_catalog::StarLevel;
use uuid::Uuid;

use crate::proof::{add_proof, format_datetime, SignError};
use crate::status::StatusEntry;
use crate::Issuer;

/// The VC Data Model 2.0 base context; always first.
pub const VC_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// Shirube's credential type, next to `VerifiableCredential`.
pub const CREDENTIAL_TYPE: &str = "ShirubeLevelCredential";
/// Shirube's own JSON-LD context, served at [`shirube_context_url`]. Its term IRIs are
/// `urn:shirube:vocab:v1#…`, fixed and independent of the deployment's URL, so that every
/// Shirube instance serves byte-identical context documents.
pub const SHIRUBE_CONTEXT: &str = include_str!("../contexts-v1.jsonld");
/// The URN prefix of a Japanese corporate number (法人番号) as a subject id.
pub const CORPORATE_NUMBER_URN_PREFIX: &str = "urn:jp:corporate-number:";

/// Where an instance serves [`SHIRUBE_CONTEXT`]: `<public-url>/contexts/v1.jsonld`.
pub fn shirube_context_url(public_url: &str) -> String {
    format!("{}/contexts/v1.jsonld", public_url.trim_end_matches('/'))
}

/// Why a corporate number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CorporateNumberError {
    /// It is not 13 ASCII digits.
    #[error("corporate number {0:?}: must be 13 digits")]
    Format(String),
    /// The leading check digit does not match the other twelve.
    #[error("corporate number {0:?}: check digit does not match")]
    CheckDigit(String),
}

/// A Japanese corporate number (法人番号): 13 digits, the first a check digit over the other
/// twelve (National Tax Agency rules: 9 − (Σ Pn·Qn mod 9), Qn = 1 for odd n and 2 for even
/// n, counting from the rightmost digit).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CorporateNumber(String);

impl CorporateNumber {
    /// Parses a corporate number, checking its check digit.
    pub fn parse(s: &str) -> Result<Self, CorporateNumberError> {
        let b = s.as_bytes();
        if b.len() != 13 || !b.iter().all(u8::is_ascii_digit) {
            return Err(CorporateNumberError::Format(s.to_string()));
        }
        if b[0] - b'0' != Self::check_digit(&b[1..]) {
            return Err(CorporateNumberError::CheckDigit(s.to_string()));
        }
        Ok(CorporateNumber(s.to_string()))
    }

    /// The check digit of twelve ASCII digits.
    fn check_digit(base: &[u8]) -> u8 {
        let sum: u32 = base
            .iter()
            .rev()
            .enumerate()
            .map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 1 } else { 2 })
            .sum();
        (9 - (sum % 9)) as u8
    }

    /// The thirteen digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The subject id: `urn:jp:corporate-number:<13 digits>`.
    pub fn to_urn(&self) -> String {
        format!("{CORPORATE_NUMBER_URN_PREFIX}{}", self.0)
    }
}

impl FromStr for CorporateNumber {
    type Err = CorporateNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for CorporateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The body that evaluated a ★4 (third-party) assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationBody {
    /// Its corporate number.
    pub corporate_number: CorporateNumber,
    /// Its name.
    pub name: String,
}

/// Who vouches for the level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assurance {
    /// The organisation declared it itself (★3 self-assessment).
    SelfDeclared,
    /// An evaluation body assessed it (★4).
    ThirdParty(EvaluationBody),
}

impl Assurance {
    /// The JSON value of `assurance`: `self` or `third-party`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Assurance::SelfDeclared => "self",
            Assurance::ThirdParty(_) => "third-party",
        }
    }
}

/// The security expert who confirmed a ★3 self-assessment, as the credential names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertConfirmation {
    /// The expert's name.
    pub name: String,
    /// `riss` (情報処理安全確保支援士) or `scs_training`.
    pub qualification: String,
    /// The registration or certificate number.
    pub qualification_number: String,
    /// When the expert confirmed the answers.
    pub confirmed_at: DateTime<Utc>,
}

/// Why level claims were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimsError {
    /// SCS ★4 is by definition third-party evaluated.
    #[error("assurance: level ★{level} requires a third-party evaluation")]
    SelfDeclaredAboveThree {
        /// The level.
        level: u8,
    },
    /// Only a ★3 self-assessment is confirmed by an expert.
    #[error("expertConfirmation: only a self-declared ★3 carries an expert confirmation")]
    ExpertOnSelfDeclaredOnly,
    /// Names are shown to people; an empty one is a bug upstream.
    #[error("{field}: must not be empty")]
    Empty {
        /// The field.
        field: &'static str,
    },
}

/// What a level credential states about an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelClaims {
    subject: CorporateNumber,
    name: String,
    level: StarLevel,
    catalog_edition: String,
    assurance: Assurance,
    expert: Option<ExpertConfirmation>,
}

impl LevelClaims {
    /// Claims for `subject` (`name`) at `level` against catalog `catalog_edition`; a level
    /// above ★3 must be third-party evaluated.
    pub fn new(
        subject: CorporateNumber,
        name: &str,
        level: StarLevel,
        catalog_edition: &str,
        assurance: Assurance,
    ) -> Result<Self, ClaimsError> {
        if name.trim().is_empty() {
            return Err(ClaimsError::Empty { field: "name" });
        }
        if catalog_edition.trim().is_empty() {
            return Err(ClaimsError::Empty {
                field: "catalogEdition",
            });
        }
        if let Assurance::ThirdParty(body) = &assurance {
            if body.name.trim().is_empty() {
                return Err(ClaimsError::Empty {
                    field: "evaluationBody.name",
                });
            }
        }
        if level > StarLevel::Three && assurance == Assurance::SelfDeclared {
            return Err(ClaimsError::SelfDeclaredAboveThree {
                level: level.number(),
            });
        }
        Ok(LevelClaims {
            subject,
            name: name.to_string(),
            level,
            catalog_edition: catalog_edition.to_string(),
            assurance,
            expert: None,
        })
    }

    /// The same claims, naming the expert who confirmed the self-assessment (★3,
    /// self-declared only).
    pub fn with_expert(mut self, expert: ExpertConfirmation) -> Result<Self, ClaimsError> {
        if self.assurance != Assurance::SelfDeclared {
            return Err(ClaimsError::ExpertOnSelfDeclaredOnly);
        }
        for (field, value) in [
            ("expertConfirmation.name", &expert.name),
            ("expertConfirmation.qualification", &expert.qualification),
            (
                "expertConfirmation.qualificationNumber",
                &expert.qualification_number,
            ),
        ] {
            if value.trim().is_empty() {
                return Err(ClaimsError::Empty { field });
            }
        }
        self.expert = Some(expert);
        Ok(self)
    }

    /// The `credentialSubject` object.
    fn to_json(&self) -> Value {
        let mut s = Map::new();
        s.insert("id".into(), Value::String(self.subject.to_urn()));
        s.insert("name".into(), Value::String(self.name.clone()));
        s.insert("scheme".into(), Value::String("SCS".into()));
        s.insert("level".into(), Value::from(self.level.number()));
        s.insert(
            "catalogEdition".into(),
            Value::String(self.catalog_edition.clone()),
        );
        s.insert(
            "assurance".into(),
            Value::String(self.assurance.as_str().into()),
        );
        if let Assurance::ThirdParty(body) = &self.assurance {
            s.insert(
                "evaluationBody".into(),
                json!({"id": body.corporate_number.to_urn(), "name": body.name}),
            );
        }
        if let Some(e) = &self.expert {
            s.insert(
                "expertConfirmation".into(),
                json!({
                    "name": e.name,
                    "qualification": e.qualification,
                    "qualificationNumber": e.qualification_number,
                    "confirmedAt": format_datetime(e.confirmed_at),
                }),
            );
        }
        Value::Object(s)
    }
}

/// Why a validity period was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("validUntil: must be after validFrom")]
pub struct ValidityError;

/// When a credential is valid: `from` ≤ t ≤ `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    from: DateTime<Utc>,
    until: DateTime<Utc>,
}

impl Validity {
    /// A period; `until` must be after `from`.
    pub fn new(from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Self, ValidityError> {
        if until > from {
            Ok(Validity { from, until })
        } else {
            Err(ValidityError)
        }
    }
}

/// Issues a signed Shirube level credential (VC Data Model 2.0, `eddsa-jcs-2022` proof made
/// by the issuer's signing key at `now`). `id` becomes `urn:uuid:<id>` (the caller's
/// UUIDv7); `context_url` is [`shirube_context_url`] of the public URL.
pub fn issue_credential(
    issuer: &Issuer,
    id: Uuid,
    context_url: &str,
    claims: &LevelClaims,
    status: &StatusEntry,
    validity: Validity,
    now: DateTime<Utc>,
) -> Result<Value, SignError> {
    let unsigned = json!({
        "@context": [VC_V2_CONTEXT, context_url],
        "id": format!("urn:uuid:{id}"),
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "issuer": issuer.did(),
        "validFrom": format_datetime(validity.from),
        "validUntil": format_datetime(validity.until),
        "credentialSubject": claims.to_json(),
        "credentialStatus": status.to_json(),
    });
    add_proof(
        &unsigned,
        issuer.signing_key(),
        &issuer.signing_method(),
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corporate_number_needs_thirteen_digits_and_a_matching_check_digit() {
        assert!(CorporateNumber::parse("7123456789012").is_ok());
        assert_eq!(
            CorporateNumber::parse("1123456789012"),
            Err(CorporateNumberError::CheckDigit("1123456789012".into()))
        );
        assert!(matches!(
            CorporateNumber::parse("123"),
            Err(CorporateNumberError::Format(_))
        ));
        assert!(matches!(
            CorporateNumber::parse("712345678901x"),
            Err(CorporateNumberError::Format(_))
        ));
        // The National Tax Agency's own corporate number.
        assert!(CorporateNumber::parse("7000012050002").is_ok());
    }

    #[test]
    fn a_self_declared_four_star_claim_is_refused() {
        let n = CorporateNumber::parse("7123456789012").map_err(|e| e.to_string());
        let Ok(n) = n else { unreachable!() };
        let r = LevelClaims::new(
            n,
            "株式会社テスト",
            StarLevel::Four,
            "2026-03-27",
            Assurance::SelfDeclared,
        );
        assert_eq!(r, Err(ClaimsError::SelfDeclaredAboveThree { level: 4 }));
    }

    #[test]
    fn the_context_document_is_json_with_protected_terms() {
        let v: Value = serde_json::from_str(SHIRUBE_CONTEXT).unwrap_or(Value::Null);
        assert_eq!(v["@context"]["@protected"], Value::Bool(true));
        assert!(v["@context"][CREDENTIAL_TYPE].is_string());
        assert_eq!(
            shirube_context_url("https://s.example/"),
            "https://s.example/contexts/v1.jsonld"
        );
    }
}
