//! W3C Bitstring Status List: the revocation list, its entries in credentials, random index
//! allocation, and the signed `BitstringStatusListCredential`.

use std::io::{Read, Write};

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{DateTime, Utc};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use rand_core::RngCore;
use serde_json::{json, Value};

use crate::credential::VC_V2_CONTEXT;
use crate::proof::{add_proof, format_datetime, SignError};
use crate::Issuer;

/// The minimum list length the specification sets (16 KiB of bits), for herd privacy.
pub const MIN_STATUS_LIST_SIZE: u32 = 131_072;
/// The largest list this crate decodes (16 MiB of bits); bigger `encodedList` values are
/// refused so that a hostile list cannot make the verifier inflate gigabytes.
pub const MAX_STATUS_LIST_SIZE: u32 = 128 * 1024 * 1024;

/// Why a status list operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusListError {
    /// The size is below the specification's minimum or above this crate's maximum.
    #[error("status list size {size}: must be a multiple of 8 from {MIN_STATUS_LIST_SIZE} to {MAX_STATUS_LIST_SIZE}")]
    Size {
        /// The size asked for.
        size: u64,
    },
    /// The index is past the end of the list.
    #[error("statusListIndex {index}: outside the list of {size} entries")]
    IndexOutOfRange {
        /// The index.
        index: u64,
        /// The list size.
        size: u32,
    },
    /// Every index is taken.
    #[error("status list: no free index left among {size} entries")]
    Full {
        /// The list size.
        size: u32,
    },
    /// `encodedList` is not multibase base64url GZIP.
    #[error("credentialSubject.encodedList: {problem}")]
    Encoding {
        /// What is wrong.
        problem: &'static str,
    },
}

/// A revocation bitstring; index 0 is the most significant bit of the first byte, as the
/// specification orders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: Vec<u8>,
}

impl StatusList {
    /// A list of `size` unrevoked entries; `size` must be a multiple of 8 and at least
    /// [`MIN_STATUS_LIST_SIZE`].
    pub fn new(size: u32) -> Result<Self, StatusListError> {
        if !(MIN_STATUS_LIST_SIZE..=MAX_STATUS_LIST_SIZE).contains(&size) || !size.is_multiple_of(8)
        {
            return Err(StatusListError::Size {
                size: u64::from(size),
            });
        }
        Ok(StatusList {
            bits: vec![0; (size / 8) as usize],
        })
    }

    /// The number of entries.
    pub fn size(&self) -> u32 {
        // Bounded by MAX_STATUS_LIST_SIZE at construction, so this cannot truncate.
        (self.bits.len() * 8) as u32
    }

    fn locate(&self, index: u32) -> Result<(usize, u8), StatusListError> {
        if index >= self.size() {
            return Err(StatusListError::IndexOutOfRange {
                index: u64::from(index),
                size: self.size(),
            });
        }
        Ok(((index / 8) as usize, 0x80 >> (index % 8)))
    }

    /// Marks an entry revoked (revocation is final: there is no way back in this list).
    pub fn set_revoked(&mut self, index: u32) -> Result<(), StatusListError> {
        let (byte, mask) = self.locate(index)?;
        if let Some(b) = self.bits.get_mut(byte) {
            *b |= mask;
        }
        Ok(())
    }

    /// Whether an entry is revoked.
    pub fn is_revoked(&self, index: u32) -> Result<bool, StatusListError> {
        let (byte, mask) = self.locate(index)?;
        Ok(self.bits.get(byte).is_some_and(|b| b & mask != 0))
    }

    /// The `encodedList` value: multibase base64url without padding (`u…`) of the GZIP of
    /// the bitstring. The GZIP header has no time stamp, so the output is deterministic.
    pub fn encode(&self) -> String {
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        // Writing into a Vec cannot fail; should it ever, the empty list below is refused by
        // every verifier, which is safer than a panic.
        let compressed = gz
            .write_all(&self.bits)
            .and_then(|()| gz.finish())
            .unwrap_or_default();
        format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
    }

    /// Decodes an `encodedList` value. Padding is tolerated; the bit count must be a
    /// multiple of 8 within the size limits.
    pub fn decode(encoded: &str) -> Result<Self, StatusListError> {
        let b64 = encoded.strip_prefix('u').ok_or(StatusListError::Encoding {
            problem: "must be multibase base64url ('u…')",
        })?;
        let b64 = b64.trim_end_matches('=');
        let compressed = URL_SAFE_NO_PAD
            .decode(b64)
            .or_else(|_| URL_SAFE.decode(b64))
            .map_err(|_| StatusListError::Encoding {
                problem: "not valid base64url",
            })?;
        let mut bits = Vec::new();
        let limit = u64::from(MAX_STATUS_LIST_SIZE / 8) + 1;
        GzDecoder::new(compressed.as_slice())
            .take(limit)
            .read_to_end(&mut bits)
            .map_err(|_| StatusListError::Encoding {
                problem: "not valid GZIP",
            })?;
        let size = bits.len() as u64 * 8;
        if size < u64::from(MIN_STATUS_LIST_SIZE) || size > u64::from(MAX_STATUS_LIST_SIZE) {
            return Err(StatusListError::Size { size });
        }
        Ok(StatusList { bits })
    }

    /// The signed `BitstringStatusListCredential` for this list, published at `url`,
    /// valid from `now` and signed at `now` by the issuer's signing key.
    pub fn to_credential(
        &self,
        issuer: &Issuer,
        url: &str,
        now: DateTime<Utc>,
    ) -> Result<Value, SignError> {
        let unsigned = json!({
            "@context": [VC_V2_CONTEXT],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer.did(),
            "validFrom": format_datetime(now),
            "credentialSubject": {
                "id": format!("{url}#list"),
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": self.encode(),
            },
        });
        add_proof(
            &unsigned,
            issuer.signing_key(),
            &issuer.signing_method(),
            now,
        )
    }
}

/// Picks a free index at random, as the specification recommends (sequential indexes would
/// let anyone correlate issuance order). `used` says whether an index is taken. After 64
/// random misses it scans from a random start, so it terminates and finds the last free
/// entry of a nearly full list.
pub fn allocate_index<R: RngCore + ?Sized>(
    rng: &mut R,
    size: u32,
    used: &impl Fn(u32) -> bool,
) -> Result<u32, StatusListError> {
    if size == 0 {
        return Err(StatusListError::Full { size });
    }
    for _ in 0..64 {
        let i = rng.next_u32() % size;
        if !used(i) {
            return Ok(i);
        }
    }
    let start = rng.next_u32() % size;
    // u64 so that start + k cannot overflow for lists near u32::MAX entries.
    (0..u64::from(size))
        .map(|k| ((u64::from(start) + k) % u64::from(size)) as u32)
        .find(|&i| !used(i))
        .ok_or(StatusListError::Full { size })
}

/// A credential's `credentialStatus`: a revocation entry in a Bitstring Status List.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// The URL of the status list credential.
    pub list_url: String,
    /// The entry's index in the list.
    pub index: u32,
}

impl StatusEntry {
    /// The `BitstringStatusListEntry` object (the index is a string, as the specification
    /// requires).
    pub fn to_json(&self) -> Value {
        json!({
            "id": format!("{}#{}", self.list_url, self.index),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": self.index.to_string(),
            "statusListCredential": self.list_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn index_zero_is_the_leftmost_bit_of_the_first_byte() -> Result<(), StatusListError> {
        let mut l = StatusList::new(MIN_STATUS_LIST_SIZE)?;
        l.set_revoked(0)?;
        l.set_revoked(9)?;
        assert_eq!(&l.bits[..2], &[0x80, 0x40]);
        assert!(l.is_revoked(9)?);
        assert!(!l.is_revoked(8)?);
        Ok(())
    }

    #[test]
    fn a_list_round_trips_through_its_encoding() -> Result<(), StatusListError> {
        let mut l = StatusList::new(MIN_STATUS_LIST_SIZE)?;
        l.set_revoked(42)?;
        l.set_revoked(MIN_STATUS_LIST_SIZE - 1)?;
        let enc = l.encode();
        assert!(enc.starts_with("uH4sI"), "{enc}");
        assert_eq!(StatusList::decode(&enc)?, l);
        Ok(())
    }

    #[test]
    fn lists_below_the_minimum_size_and_indexes_past_the_end_are_refused(
    ) -> Result<(), StatusListError> {
        assert!(matches!(
            StatusList::new(1024),
            Err(StatusListError::Size { .. })
        ));
        let mut l = StatusList::new(MIN_STATUS_LIST_SIZE)?;
        assert!(matches!(
            l.set_revoked(MIN_STATUS_LIST_SIZE),
            Err(StatusListError::IndexOutOfRange { .. })
        ));
        Ok(())
    }

    #[test]
    fn allocation_skips_used_indexes_and_reports_a_full_list() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let got = allocate_index(&mut rng, 16, &|i| i != 11);
        assert_eq!(got, Ok(11));
        assert_eq!(
            allocate_index(&mut rng, 16, &|_| true),
            Err(StatusListError::Full { size: 16 })
        );
        let a = allocate_index(&mut rng, MIN_STATUS_LIST_SIZE, &|_| false);
        let b = allocate_index(&mut rng, MIN_STATUS_LIST_SIZE, &|_| false);
        assert_ne!(a, b, "random indexes should differ");
    }

    #[test]
    fn a_gzip_bomb_is_refused() {
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..20 {
            let _ = gz.write_all(&zeros);
        }
        let data = gz.finish().unwrap_or_default();
        let enc = format!("u{}", URL_SAFE_NO_PAD.encode(data));
        assert!(matches!(
            StatusList::decode(&enc),
            Err(StatusListError::Size { .. })
        ));
    }
}
