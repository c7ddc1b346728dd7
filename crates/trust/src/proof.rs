//! Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite (W3C vc-di-eddsa 1.0, §3.3):
//! SHA-256 of the JCS form of the proof configuration, followed by SHA-256 of the JCS form
//! of the document without its proof, signed with Ed25519.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::did::{ResolveError, ResolvedKey, Resolver};
use crate::jcs::{canonicalize_view, CanonError};
use crate::keys::Keypair;

/// The proof type of every Data Integrity proof.
pub const PROOF_TYPE: &str = "DataIntegrityProof";
/// The cryptosuite Shirube signs and verifies with.
pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";
/// The only proof purpose a credential's proof may have here.
pub const ASSERTION_METHOD: &str = "assertionMethod";

/// Why a document could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// Only JSON objects can carry a proof.
    #[error("document: must be a JSON object")]
    NotAnObject,
    /// Signing a document that already has a proof would need proof sets or chains.
    #[error("document: already has a proof")]
    AlreadySigned,
    /// Canonicalisation failed.
    #[error(transparent)]
    Canon(#[from] CanonError),
}

/// Why a proof did not verify. `field` values are JSON paths into the secured document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// A proof member is missing, of the wrong type, or has a value this suite refuses.
    #[error("{field}: {problem}")]
    Malformed {
        /// The JSON path of the member.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The verification method does not resolve to a key.
    #[error("proof.verificationMethod: {0}")]
    Resolve(#[from] ResolveError),
    /// The signature does not match the document and key.
    #[error("proof.proofValue: the signature does not match the document and key")]
    BadSignature,
    /// Canonicalisation failed.
    #[error(transparent)]
    Canon(#[from] CanonError),
}

fn malformed(field: &str, problem: impl Into<String>) -> ProofError {
    ProofError::Malformed {
        field: field.to_string(),
        problem: problem.into(),
    }
}

/// An RFC 3339 UTC timestamp with second precision and a `Z`, the form the specifications
/// show (`2026-01-01T00:00:00Z`).
pub fn format_datetime(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The 64 bytes that eddsa-jcs-2022 signs: SHA-256(JCS(proof config)) ‖ SHA-256(JCS(doc)).
pub(crate) fn hash_data(
    document: &Map<String, Value>,
    proof_config: &Map<String, Value>,
    context: Option<&Value>,
) -> Result<[u8; 64], CanonError> {
    let doc = canonicalize_view(document, "proof", context)?;
    let cfg = canonicalize_view(proof_config, "proofValue", context)?;
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&Sha256::digest(&cfg));
    out[32..].copy_from_slice(&Sha256::digest(&doc));
    Ok(out)
}

/// Adds an `eddsa-jcs-2022` Data Integrity proof to `document` (vc-di-eddsa §3.3.1). The
/// proof carries the document's `@context`, as the specification's test vector does, and
/// `created` is `created` at second precision.
pub fn add_proof(
    document: &Value,
    key: &Keypair,
    verification_method: &str,
    created: DateTime<Utc>,
) -> Result<Value, SignError> {
    let doc = document.as_object().ok_or(SignError::NotAnObject)?;
    if doc.contains_key("proof") {
        return Err(SignError::AlreadySigned);
    }
    let mut proof = Map::new();
    proof.insert("type".into(), Value::String(PROOF_TYPE.into()));
    proof.insert("cryptosuite".into(), Value::String(CRYPTOSUITE.into()));
    proof.insert("created".into(), Value::String(format_datetime(created)));
    proof.insert(
        "verificationMethod".into(),
        Value::String(verification_method.into()),
    );
    proof.insert(
        "proofPurpose".into(),
        Value::String(ASSERTION_METHOD.into()),
    );
    if let Some(ctx) = doc.get("@context") {
        proof.insert("@context".into(), ctx.clone());
    }
    let data = hash_data(doc, &proof, doc.get("@context"))?;
    let sig = key.sign(&data);
    proof.insert(
        "proofValue".into(),
        Value::String(format!("z{}", bs58::encode(sig.to_bytes()).into_string())),
    );
    let mut out = doc.clone();
    out.insert("proof".into(), Value::Object(proof));
    Ok(Value::Object(out))
}

/// A proof whose form is valid and whose key resolved, ready for the signature check.
#[derive(Debug, Clone)]
pub struct PreparedProof {
    /// The verification method id of the proof.
    pub verification_method: String,
    /// The key and its controller.
    pub resolved: ResolvedKey,
    /// The 64 signed bytes.
    pub data: [u8; 64],
    /// The signature.
    pub signature: [u8; 64],
    /// `proof.created`, if given.
    pub created: Option<DateTime<Utc>>,
    /// `proof.expires`, if given, with its text: the proof is not valid after it.
    pub expires: Option<(DateTime<Utc>, String)>,
}

impl PreparedProof {
    /// Checks the signature with the strict Ed25519 rules.
    pub fn check_signature(&self) -> Result<(), ProofError> {
        if self.resolved.key.verify_strict(&self.data, &self.signature) {
            Ok(())
        } else {
            Err(ProofError::BadSignature)
        }
    }
}

/// Parses the proof of a secured document, resolves its key and computes the signed bytes,
/// without checking the signature (so that bulk verification can batch it).
pub fn prepare_proof(document: &Value, resolver: &Resolver) -> Result<PreparedProof, ProofError> {
    let doc = document
        .as_object()
        .ok_or_else(|| malformed("(document)", "must be a JSON object"))?;
    let proof = match doc.get("proof") {
        None => return Err(malformed("proof", "is missing")),
        Some(Value::Object(p)) => p,
        Some(Value::Array(_)) => {
            return Err(malformed(
                "proof",
                "proof sets are not supported; expected one proof object",
            ))
        }
        Some(_) => return Err(malformed("proof", "must be an object")),
    };
    let text = |name: &str| -> Result<&str, ProofError> {
        proof
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| malformed(&format!("proof.{name}"), "must be a string"))
    };
    if text("type")? != PROOF_TYPE {
        return Err(malformed("proof.type", format!("must be {PROOF_TYPE}")));
    }
    if text("cryptosuite")? != CRYPTOSUITE {
        return Err(malformed(
            "proof.cryptosuite",
            format!("must be {CRYPTOSUITE}"),
        ));
    }
    if text("proofPurpose")? != ASSERTION_METHOD {
        return Err(malformed(
            "proof.proofPurpose",
            format!("must be {ASSERTION_METHOD}"),
        ));
    }
    let method = text("verificationMethod")?;
    let created = match proof.get("created") {
        None => None,
        Some(Value::String(s)) => Some(parse_datetime(s).ok_or_else(|| {
            malformed(
                "proof.created",
                "must be an RFC 3339 date-time with a time zone",
            )
        })?),
        Some(_) => return Err(malformed("proof.created", "must be a string")),
    };
    let expires = match proof.get("expires") {
        None => None,
        Some(Value::String(s)) => Some((
            parse_datetime(s).ok_or_else(|| {
                malformed(
                    "proof.expires",
                    "must be an RFC 3339 date-time with a time zone",
                )
            })?,
            s.clone(),
        )),
        Some(_) => return Err(malformed("proof.expires", "must be a string")),
    };
    let value = text("proofValue")?;
    let sig_bytes = value
        .strip_prefix('z')
        .and_then(|b| bs58::decode(b).into_vec().ok())
        .ok_or_else(|| malformed("proof.proofValue", "must be multibase base58btc ('z…')"))?;
    let signature: [u8; 64] = sig_bytes
        .try_into()
        .map_err(|_| malformed("proof.proofValue", "must hold a 64-byte Ed25519 signature"))?;
    // vc-di-eddsa §3.3.2 step 2: a proof @context must be a prefix of the document's, and
    // then it is the one hashed.
    let context = match proof.get("@context") {
        None => doc.get("@context"),
        Some(pctx) => {
            if !context_starts_with(doc.get("@context"), pctx) {
                return Err(malformed(
                    "proof.@context",
                    "must be the start of the document's @context",
                ));
            }
            Some(pctx)
        }
    };
    let resolved = resolver.resolve(method)?;
    let data = hash_data(doc, proof, context)?;
    Ok(PreparedProof {
        verification_method: method.to_string(),
        resolved,
        data,
        signature,
        created,
        expires,
    })
}

/// Verifies the `eddsa-jcs-2022` proof of a secured document (vc-di-eddsa §3.3.2) and
/// returns the key that made it. This checks the proof alone; [`crate::verify`] also binds
/// the key to the credential's issuer and checks dates and status.
pub fn verify_proof(document: &Value, resolver: &Resolver) -> Result<ResolvedKey, ProofError> {
    let prepared = prepare_proof(document, resolver)?;
    prepared.check_signature()?;
    Ok(prepared.resolved)
}

fn as_list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

fn context_starts_with(doc_ctx: Option<&Value>, proof_ctx: &Value) -> bool {
    let Some(doc_ctx) = doc_ctx else { return false };
    let d = as_list(doc_ctx);
    let p = as_list(proof_ctx);
    p.len() <= d.len() && p.iter().zip(d.iter()).all(|(a, b)| a == b)
}

/// Parses an XML Schema `dateTimeStamp` / RFC 3339 date-time; the time zone is required.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
