//! The issuer: a DID and its Ed25519 keys, the newest one signing, older ones kept so that
//! earlier credentials still verify after a rotation.

use crate::keys::{Keypair, PublicKey};

/// Why an issuer could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssuerError {
    /// The DID is not a DID.
    #[error("issuer DID {did:?}: must start with did:web: or did:key:")]
    Did {
        /// The value given.
        did: String,
    },
    /// Key ids become DID URL fragments.
    #[error("key id {id:?}: must be 1-64 letters, digits, '-' or '_'")]
    KeyId {
        /// The value given.
        id: String,
    },
    /// Two keys with one id would make the DID document ambiguous.
    #[error("key id {id:?}: used twice")]
    DuplicateKeyId {
        /// The id.
        id: String,
    },
}

fn check_key_id(id: &str) -> Result<(), IssuerError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(IssuerError::KeyId { id: id.to_string() })
    }
}

/// A credential issuer: its DID, the key that signs now, and retired public keys.
#[derive(Debug, Clone)]
pub struct Issuer {
    did: String,
    signing_id: String,
    signing: Keypair,
    retired: Vec<(String, PublicKey)>,
}

impl Issuer {
    /// A `did:web` issuer (see [`crate::did_web_from_url`]) signing with `key`, published in
    /// its DID document as `<did>#<key_id>`.
    pub fn new(did: &str, key_id: &str, key: Keypair) -> Result<Self, IssuerError> {
        if !did.starts_with("did:web:") || did.len() <= "did:web:".len() {
            return Err(IssuerError::Did {
                did: did.to_string(),
            });
        }
        check_key_id(key_id)?;
        Ok(Issuer {
            did: did.to_string(),
            signing_id: key_id.to_string(),
            signing: key,
            retired: Vec::new(),
        })
    }

    /// A `did:key` issuer: the DID is the key itself, and verifiers need no DID document.
    pub fn did_key(key: Keypair) -> Self {
        let public = key.public_key();
        Issuer {
            did: public.did_key(),
            signing_id: public.to_multikey(),
            signing: key,
            retired: Vec::new(),
        }
    }

    /// Adds a retired key that no longer signs but stays in the DID document.
    pub fn with_retired_key(mut self, key_id: &str, key: PublicKey) -> Result<Self, IssuerError> {
        check_key_id(key_id)?;
        if key_id == self.signing_id || self.retired.iter().any(|(id, _)| id == key_id) {
            return Err(IssuerError::DuplicateKeyId {
                id: key_id.to_string(),
            });
        }
        self.retired.push((key_id.to_string(), key));
        Ok(self)
    }

    /// The issuer's DID.
    pub fn did(&self) -> &str {
        &self.did
    }

    /// The verification method id of the signing key (`<did>#<key id>`).
    pub fn signing_method(&self) -> String {
        format!("{}#{}", self.did, self.signing_id)
    }

    /// The signing key.
    pub(crate) fn signing_key(&self) -> &Keypair {
        &self.signing
    }

    /// Every key the DID document lists, retired ones first (in the order added), then the
    /// signing key, each with its id.
    pub fn verification_keys(&self) -> impl Iterator<Item = (&str, PublicKey)> + '_ {
        self.retired
            .iter()
            .map(|(id, k)| (id.as_str(), *k))
            .chain(std::iter::once((
                self.signing_id.as_str(),
                self.signing.public_key(),
            )))
    }
}
