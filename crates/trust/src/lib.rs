//! Shirube's trust core: keys, DIDs, credentials, status lists and verification.
#![doc = include_str!("../README.md")]

mod credential;
mod did;
mod issuer;
mod jcs;
mod json;
mod keys;
mod proof;
mod status;
mod verify;

pub use credential::{
    issue_credential, shirube_context_url, Assurance, ClaimsError, CorporateNumber,
    CorporateNumberError, EvaluationBody, ExpertConfirmation, LevelClaims, Validity, ValidityError,
    CORPORATE_NUMBER_URN_PREFIX, CREDENTIAL_TYPE, SHIRUBE_CONTEXT, VC_V2_CONTEXT,
};
pub use did::{
    did_document, did_web_document_url, did_web_from_url, DidDocumentError, DidWebError,
    ResolveError, ResolvedKey, Resolver, DID_CONTEXT, MULTIKEY_CONTEXT,
};
pub use issuer::{Issuer, IssuerError};
pub use jcs::{canonicalize, CanonError};
pub use json::{parse_json, parse_json_slice, JsonError};
pub use keys::{KeyError, Keypair, PublicKey};
pub use proof::{
    add_proof, format_datetime, parse_datetime, prepare_proof, verify_proof, PreparedProof,
    ProofError, SignError, ASSERTION_METHOD, CRYPTOSUITE, PROOF_TYPE,
};
pub use status::{
    allocate_index, StatusEntry, StatusList, StatusListError, MAX_STATUS_LIST_SIZE,
    MIN_STATUS_LIST_SIZE,
};
pub use verify::{
    verify, verify_many, verify_status_list, Check, CheckKind, CheckResult, Reason, StatusInput,
    StatusListCredentialError, Verification, VerifiedStatusList,
};

/// Re-exported so callers name the same `StarLevel` the catalog uses.
pub use shirube_catalog::StarLevel;
/// Re-exported: credential ids are UUIDs ([`issue_credential`]).
pub use uuid::Uuid;
