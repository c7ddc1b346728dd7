//! Ed25519 key pairs and their Multikey, `did:key` and multibase encodings.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand_core::{CryptoRng, RngCore};

/// Multicodec prefix of an Ed25519 public key (`ed25519-pub`, 0xed as a varint).
const ED25519_PUB_CODEC: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix of an Ed25519 private key (`ed25519-priv`, 0x1300 as a varint).
const ED25519_PRIV_CODEC: [u8; 2] = [0x80, 0x26];

/// Why a key could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Multibase values here are base58btc, which multibase marks with a leading `z`.
    #[error("{field}: expected a multibase base58btc value starting with 'z'")]
    NotBase58Btc {
        /// The field or input that held the value.
        field: &'static str,
    },
    /// The characters after `z` are not base58.
    #[error("{field}: not valid base58btc")]
    BadBase58 {
        /// The field or input that held the value.
        field: &'static str,
    },
    /// The decoded bytes do not start with the Ed25519 multicodec prefix.
    #[error("{field}: not an Ed25519 key (expected multicodec prefix {expected})")]
    WrongCodec {
        /// The field or input that held the value.
        field: &'static str,
        /// The expected prefix, in hex.
        expected: &'static str,
    },
    /// The key has the wrong number of bytes.
    #[error("{field}: an Ed25519 key has {expected} bytes after the prefix, got {got}")]
    WrongLength {
        /// The field or input that held the value.
        field: &'static str,
        /// Accepted length(s), in words.
        expected: &'static str,
        /// The length found.
        got: usize,
    },
    /// The bytes are not a valid curve point (or are a weak key).
    #[error("{field}: not a valid Ed25519 public key")]
    InvalidPoint {
        /// The field or input that held the value.
        field: &'static str,
    },
    /// A 64-byte secret key whose second half is not the public key of its first half.
    #[error("{field}: the public half does not match the seed")]
    Mismatch {
        /// The field or input that held the value.
        field: &'static str,
    },
}

fn decode_z(field: &'static str, s: &str) -> Result<Vec<u8>, KeyError> {
    let rest = s
        .strip_prefix('z')
        .ok_or(KeyError::NotBase58Btc { field })?;
    bs58::decode(rest)
        .into_vec()
        .map_err(|_| KeyError::BadBase58 { field })
}

/// An Ed25519 signing key. `Debug` shows only the public key, never the secret.
#[derive(Clone)]
pub struct Keypair {
    signing: SigningKey,
}

impl std::fmt::Debug for Keypair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keypair")
            .field("public", &self.to_multikey())
            .finish_non_exhaustive()
    }
}

impl Keypair {
    /// The key pair of a 32-byte seed (RFC 8032 private key).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Keypair {
            signing: SigningKey::from_bytes(seed),
        }
    }

    /// A fresh key pair drawn from `rng` (the caller supplies OS randomness in production).
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        Keypair {
            signing: SigningKey::generate(rng),
        }
    }

    /// Imports a secret key in multibase form: `z` + base58btc(`0x8026` + key). The key is
    /// either the 32-byte seed (the form the vc-di-eddsa specification shows) or 64 bytes of
    /// seed followed by public key (the form Digital Bazaar exports); both are accepted.
    pub fn from_secret_multibase(s: &str) -> Result<Self, KeyError> {
        const FIELD: &str = "secretKeyMultibase";
        let bytes = decode_z(FIELD, s)?;
        let body = bytes
            .strip_prefix(&ED25519_PRIV_CODEC[..])
            .ok_or(KeyError::WrongCodec {
                field: FIELD,
                expected: "0x8026",
            })?;
        let seed: [u8; 32] = match body.len() {
            32 | 64 => {
                let mut seed = [0u8; 32];
                seed.copy_from_slice(&body[..32]);
                seed
            }
            got => {
                return Err(KeyError::WrongLength {
                    field: FIELD,
                    expected: "32 or 64",
                    got,
                })
            }
        };
        let pair = Keypair::from_seed(&seed);
        if body.len() == 64 && body[32..] != pair.signing.verifying_key().as_bytes()[..] {
            return Err(KeyError::Mismatch { field: FIELD });
        }
        Ok(pair)
    }

    /// The secret key as `z` + base58btc(`0x8026` + 32-byte seed), for the key file.
    pub fn to_secret_multibase(&self) -> String {
        let mut bytes = Vec::with_capacity(34);
        bytes.extend_from_slice(&ED25519_PRIV_CODEC);
        bytes.extend_from_slice(self.signing.as_bytes());
        format!("z{}", bs58::encode(bytes).into_string())
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key())
    }

    /// The public key as a Multikey `publicKeyMultibase` value (`z6Mk…`).
    pub fn to_multikey(&self) -> String {
        self.public_key().to_multikey()
    }

    /// Signs `message` (Ed25519 is deterministic: same key and message, same signature).
    pub(crate) fn sign(&self, message: &[u8]) -> Signature {
        self.signing.sign(message)
    }
}

/// An Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(pub(crate) VerifyingKey);

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.to_multikey())
    }
}

impl PublicKey {
    /// Parses a Multikey `publicKeyMultibase`: `z` + base58btc(`0xed01` + 32 bytes). Weak
    /// (small-order) keys are refused, since anyone could forge signatures for them.
    pub fn from_multikey(s: &str) -> Result<Self, KeyError> {
        Self::from_multikey_field("publicKeyMultibase", s)
    }

    pub(crate) fn from_multikey_field(field: &'static str, s: &str) -> Result<Self, KeyError> {
        let bytes = decode_z(field, s)?;
        let body = bytes
            .strip_prefix(&ED25519_PUB_CODEC[..])
            .ok_or(KeyError::WrongCodec {
                field,
                expected: "0xed01",
            })?;
        let arr: [u8; 32] = body.try_into().map_err(|_| KeyError::WrongLength {
            field,
            expected: "32",
            got: body.len(),
        })?;
        let key = VerifyingKey::from_bytes(&arr).map_err(|_| KeyError::InvalidPoint { field })?;
        if key.is_weak() {
            return Err(KeyError::InvalidPoint { field });
        }
        Ok(PublicKey(key))
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// The Multikey `publicKeyMultibase` form (`z6Mk…`).
    pub fn to_multikey(&self) -> String {
        let mut bytes = Vec::with_capacity(34);
        bytes.extend_from_slice(&ED25519_PUB_CODEC);
        bytes.extend_from_slice(self.0.as_bytes());
        format!("z{}", bs58::encode(bytes).into_string())
    }

    /// The `did:key` DID of this key (`did:key:z6Mk…`).
    pub fn did_key(&self) -> String {
        format!("did:key:{}", self.to_multikey())
    }

    /// The `did:key` verification method id (`did:key:z6Mk…#z6Mk…`).
    pub fn did_key_method(&self) -> String {
        let mk = self.to_multikey();
        format!("did:key:{mk}#{mk}")
    }

    /// Bare Ed25519 verification with the strict rules (no small-order components, canonical
    /// S), exposed so that benchmarks can compare full credential checks against it.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.0
            .verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multikey_round_trips_and_starts_with_z6mk() {
        let pair = Keypair::from_seed(&[7u8; 32]);
        let mk = pair.to_multikey();
        assert!(mk.starts_with("z6Mk"), "{mk}");
        assert_eq!(PublicKey::from_multikey(&mk), Ok(pair.public_key()));
    }

    #[test]
    fn secret_multibase_accepts_the_32_and_64_byte_forms() {
        let pair = Keypair::from_seed(&[9u8; 32]);
        let short = pair.to_secret_multibase();
        assert_eq!(
            Keypair::from_secret_multibase(&short).map(|p| p.to_multikey()),
            Ok(pair.to_multikey())
        );
        let mut long = ED25519_PRIV_CODEC.to_vec();
        long.extend_from_slice(&[9u8; 32]);
        long.extend_from_slice(pair.public_key().as_bytes());
        let long = format!("z{}", bs58::encode(long).into_string());
        assert_eq!(
            Keypair::from_secret_multibase(&long).map(|p| p.to_multikey()),
            Ok(pair.to_multikey())
        );
    }

    #[test]
    fn a_public_key_with_the_wrong_codec_is_refused() {
        let mut bytes = vec![0x12, 0x00];
        bytes.extend_from_slice(&[1u8; 32]);
        let s = format!("z{}", bs58::encode(bytes).into_string());
        assert!(matches!(
            PublicKey::from_multikey(&s),
            Err(KeyError::WrongCodec { .. })
        ));
        assert!(matches!(
            PublicKey::from_multikey("u123"),
            Err(KeyError::NotBase58Btc { .. })
        ));
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let pair = Keypair::from_seed(&[5u8; 32]);
        let dbg = format!("{pair:?}");
        assert!(!dbg.contains(&pair.to_secret_multibase()));
    }
}
