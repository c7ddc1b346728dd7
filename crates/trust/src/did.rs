//! DIDs: `did:web` derived from Shirube's public URL, its DID document, and the resolver
//! that verification uses (a given DID document, or `did:key` resolved from the key itself).

use serde_json::{json, Map, Value};

use crate::keys::{KeyError, PublicKey};
use crate::Issuer;

/// The DID Core context.
pub const DID_CONTEXT: &str = "https://www.w3.org/ns/did/v1";
/// The Multikey context.
pub const MULTIKEY_CONTEXT: &str = "https://w3id.org/security/multikey/v1";

/// Why a URL could not be turned into a `did:web`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DidWebError {
    /// Only web URLs map to `did:web`.
    #[error("public URL {url:?}: must start with https:// (or http:// for local testing)")]
    Scheme {
        /// The URL given.
        url: String,
    },
    /// did:web has no room for these parts.
    #[error("public URL {url:?}: must not contain a user, query or fragment")]
    ExtraParts {
        /// The URL given.
        url: String,
    },
    /// The host is empty or has characters a DNS name cannot have.
    #[error("public URL {url:?}: host must be a DNS name (letters, digits, '.', '-')")]
    Host {
        /// The URL given.
        url: String,
    },
    /// The port is not a number.
    #[error("public URL {url:?}: port must be a number from 1 to 65535")]
    Port {
        /// The URL given.
        url: String,
    },
    /// A path segment has characters that did:web cannot carry unencoded.
    #[error("public URL {url:?}: path segments may only contain letters, digits, '.', '-', '_'")]
    Path {
        /// The URL given.
        url: String,
    },
}

/// Derives the `did:web` of a public URL, following the did:web method specification:
/// `https://shirube.example` → `did:web:shirube.example`, a port is percent-encoded
/// (`https://localhost:8443` → `did:web:localhost%3A8443`) and path segments become
/// `:`-separated (`https://host/org/x` → `did:web:host:org:x`). The host is lower-cased.
pub fn did_web_from_url(url: &str) -> Result<String, DidWebError> {
    let err_url = || url.to_string();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| DidWebError::Scheme { url: err_url() })?;
    if rest.contains(['?', '#', '@']) {
        return Err(DidWebError::ExtraParts { url: err_url() });
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && !host.starts_with(['.', '-'])
        && !host.ends_with('-');
    if !host_ok {
        return Err(DidWebError::Host { url: err_url() });
    }
    let mut did = format!("did:web:{}", host.to_ascii_lowercase());
    if let Some(p) = port {
        match p.parse::<u16>() {
            Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => {
                did.push_str("%3A");
                did.push_str(p);
            }
            _ => return Err(DidWebError::Port { url: err_url() }),
        }
    }
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if !seg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        {
            return Err(DidWebError::Path { url: err_url() });
        }
        did.push(':');
        did.push_str(seg);
    }
    Ok(did)
}

/// Where a `did:web` DID document is published: `https://host/.well-known/did.json`
/// without a path, `https://host/a/b/did.json` with one. `None` if `did` is not a did:web.
pub fn did_web_document_url(did: &str) -> Option<String> {
    let rest = did.strip_prefix("did:web:")?;
    let mut parts = rest.split(':');
    let host = parts.next()?.replace("%3A", ":").replace("%3a", ":");
    let path: Vec<&str> = parts.collect();
    if path.is_empty() {
        Some(format!("https://{host}/.well-known/did.json"))
    } else {
        Some(format!("https://{host}/{}/did.json", path.join("/")))
    }
}

/// The DID document of an issuer: every key, current and retired, as an Ed25519 `Multikey`
/// verification method listed in `assertionMethod`, so that credentials signed before a
/// key rotation keep verifying.
pub fn did_document(issuer: &Issuer) -> Value {
    let did = issuer.did();
    let methods: Vec<Value> = issuer
        .verification_keys()
        .map(|(id, key)| {
            json!({
                "id": format!("{did}#{id}"),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.to_multikey(),
            })
        })
        .collect();
    let refs: Vec<Value> = issuer
        .verification_keys()
        .map(|(id, _)| Value::String(format!("{did}#{id}")))
        .collect();
    json!({
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": refs,
    })
}

/// Why a DID document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DidDocumentError {
    /// A required member is missing or has the wrong JSON type.
    #[error("DID document: {field} {problem}")]
    Field {
        /// The JSON path of the member.
        field: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A key could not be decoded.
    #[error("DID document: {field}: {source}")]
    Key {
        /// The JSON path of the verification method.
        field: String,
        /// The decoding error.
        source: KeyError,
    },
}

/// A key that can verify assertions, found through the resolver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedKey {
    /// The DID that controls the key (the issuer a credential must name).
    pub controller: String,
    /// The public key.
    pub key: PublicKey,
}

/// Why a verification method could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The DID is neither a `did:key` nor described by a document the resolver holds.
    #[error("no DID document for {did} was given (only did:key resolves without one)")]
    UnknownDid {
        /// The DID.
        did: String,
    },
    /// The DID document does not list this key for assertions.
    #[error("the DID document of {did} has no assertion key {method}")]
    UnknownKey {
        /// The DID.
        did: String,
        /// The verification method id.
        method: String,
    },
    /// A did:key verification method that is not `did:key:X#X` or whose key is invalid.
    #[error("invalid did:key verification method {method}: {problem}")]
    BadDidKey {
        /// The verification method id.
        method: String,
        /// What is wrong with it.
        problem: String,
    },
}

#[derive(Debug, Clone)]
struct Method {
    id: String,
    controller: String,
    key: PublicKey,
}

/// Resolves verification method ids to keys, offline. It holds the assertion keys of the
/// DID documents it was given (parse them once, reuse for many verifications); `did:key`
/// methods always resolve from the key they contain.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    methods: Vec<Method>,
    dids: Vec<String>,
}

impl Resolver {
    /// A resolver that knows no DID document: only `did:key` resolves.
    pub fn did_key_only() -> Self {
        Resolver::default()
    }

    /// A resolver holding one DID document.
    pub fn from_did_document(document: &Value) -> Result<Self, DidDocumentError> {
        let mut r = Resolver::default();
        r.add_did_document(document)?;
        Ok(r)
    }

    /// Adds a DID document: its `Multikey` (or `Ed25519VerificationKey2020`) verification
    /// methods that `assertionMethod` lists, by reference or embedded.
    pub fn add_did_document(&mut self, document: &Value) -> Result<(), DidDocumentError> {
        let field_err = |field: &str, problem| DidDocumentError::Field {
            field: field.to_string(),
            problem,
        };
        let doc = document
            .as_object()
            .ok_or_else(|| field_err("(document)", "must be a JSON object"))?;
        let did = doc
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| field_err("id", "must be a string"))?;
        if !did.starts_with("did:") {
            return Err(field_err("id", "must be a DID"));
        }
        let absolute = |id: &str| {
            if id.starts_with('#') {
                format!("{did}{id}")
            } else {
                id.to_string()
            }
        };
        let mut declared: Vec<Method> = Vec::new();
        if let Some(vms) = doc.get("verificationMethod") {
            let vms = vms
                .as_array()
                .ok_or_else(|| field_err("verificationMethod", "must be an array"))?;
            for (i, vm) in vms.iter().enumerate() {
                declared.push(parse_method(
                    vm,
                    &format!("verificationMethod[{i}]"),
                    did,
                    &absolute,
                )?);
            }
        }
        let assertion = match doc.get("assertionMethod") {
            None => &[][..],
            Some(Value::Array(a)) => a.as_slice(),
            Some(_) => return Err(field_err("assertionMethod", "must be an array")),
        };
        for (i, entry) in assertion.iter().enumerate() {
            let field = format!("assertionMethod[{i}]");
            match entry {
                Value::String(r) => {
                    let id = absolute(r);
                    // A reference to a method declared elsewhere (possibly in another
                    // document) is simply not usable here; it is not an error.
                    if let Some(m) = declared.iter().find(|m| m.id == id) {
                        self.methods.push(m.clone());
                    }
                }
                Value::Object(_) => self
                    .methods
                    .push(parse_method(entry, &field, did, &absolute)?),
                _ => {
                    return Err(DidDocumentError::Field {
                        field,
                        problem: "must be a string or an object",
                    })
                }
            }
        }
        self.dids.push(did.to_string());
        Ok(())
    }

    /// Finds the assertion key of a verification method id.
    pub fn resolve(&self, method: &str) -> Result<ResolvedKey, ResolveError> {
        let did = method.split('#').next().unwrap_or(method);
        if let Some(mk) = did.strip_prefix("did:key:") {
            let fragment = method.split_once('#').map(|(_, f)| f);
            if fragment.is_some_and(|f| f != mk) {
                return Err(ResolveError::BadDidKey {
                    method: method.to_string(),
                    problem: "fragment must repeat the key".to_string(),
                });
            }
            let key = PublicKey::from_multikey_field("verificationMethod", mk).map_err(|e| {
                ResolveError::BadDidKey {
                    method: method.to_string(),
                    problem: e.to_string(),
                }
            })?;
            return Ok(ResolvedKey {
                controller: did.to_string(),
                key,
            });
        }
        if let Some(m) = self.methods.iter().find(|m| m.id == method) {
            return Ok(ResolvedKey {
                controller: m.controller.clone(),
                key: m.key,
            });
        }
        if self.dids.iter().any(|d| d == did) {
            Err(ResolveError::UnknownKey {
                did: did.to_string(),
                method: method.to_string(),
            })
        } else {
            Err(ResolveError::UnknownDid {
                did: did.to_string(),
            })
        }
    }
}

fn parse_method(
    vm: &Value,
    field: &str,
    did: &str,
    absolute: &dyn Fn(&str) -> String,
) -> Result<Method, DidDocumentError> {
    let err = |sub: &str, problem| DidDocumentError::Field {
        field: format!("{field}.{sub}"),
        problem,
    };
    let obj: &Map<String, Value> = vm.as_object().ok_or_else(|| DidDocumentError::Field {
        field: field.to_string(),
        problem: "must be an object",
    })?;
    let id = obj
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| err("id", "must be a string"))?;
    let ty = obj
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| err("type", "must be a string"))?;
    if ty != "Multikey" && ty != "Ed25519VerificationKey2020" {
        return Err(err("type", "must be Multikey (Ed25519)"));
    }
    let controller = obj.get("controller").and_then(Value::as_str).unwrap_or(did);
    if controller != did {
        // A key controlled by someone else cannot speak for this DID.
        return Err(err("controller", "must be the DID of the document"));
    }
    let mk = obj
        .get("publicKeyMultibase")
        .and_then(Value::as_str)
        .ok_or_else(|| err("publicKeyMultibase", "must be a string"))?;
    let key = PublicKey::from_multikey(mk).map_err(|source| DidDocumentError::Key {
        field: format!("{field}.publicKeyMultibase"),
        source,
    })?;
    let id = absolute(id);
    if !id
        .strip_prefix(did)
        .is_some_and(|rest| rest.starts_with('#'))
    {
        // A document may only speak for its own DID's keys.
        return Err(err(
            "id",
            "must be a DID URL of the document's DID (<did>#…)",
        ));
    }
    Ok(Method {
        id,
        controller: controller.to_string(),
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_is_derived_from_the_host_port_and_path() {
        assert_eq!(
            did_web_from_url("https://shirube.example").as_deref(),
            Ok("did:web:shirube.example")
        );
        assert_eq!(
            did_web_from_url("https://Shirube.Example/").as_deref(),
            Ok("did:web:shirube.example")
        );
        assert_eq!(
            did_web_from_url("https://localhost:8443").as_deref(),
            Ok("did:web:localhost%3A8443")
        );
        assert_eq!(
            did_web_from_url("https://h.example/org/x/").as_deref(),
            Ok("did:web:h.example:org:x")
        );
        assert!(did_web_from_url("ftp://h").is_err());
        assert!(did_web_from_url("https://h.example?q=1").is_err());
        assert!(did_web_from_url("https://h.example:99999").is_err());
        assert!(did_web_from_url("https://").is_err());
    }

    #[test]
    fn the_did_document_url_follows_the_did_web_rules() {
        assert_eq!(
            did_web_document_url("did:web:localhost%3A8443").as_deref(),
            Some("https://localhost:8443/.well-known/did.json")
        );
        assert_eq!(
            did_web_document_url("did:web:h.example:org").as_deref(),
            Some("https://h.example/org/did.json")
        );
    }
}
