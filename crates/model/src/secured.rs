//! The `secured` envelope: a record's private part ([`Provenance`]) sealed with AES-256-GCM.
//!
//! A sealed value is written `base64(ciphertext);base64(nonce)` (standard base64 with padding),
//! the form the seed records use. The record's id is bound as associated data, so a value copied
//! into another record does not open there.
//!
//! Nonces are 16 bytes, like the seeds': the first 4 are the *key check* of the sealing key (a
//! fixed GMAC tag of that key, which reveals nothing usable about it) and the last 12 are random.
//! The key check lets [`open`] tell "sealed under a key we do not hold"
//! ([`SecuredError::NotOurKey`]) from "sealed under our key, then altered or moved to another
//! record" ([`SecuredError::Tampered`]). Values with 12-byte nonces (written by other tools) open
//! too; a failure on those is reported as `NotOurKey`, as the two cases cannot be told apart.
//!
//! A [`Keyring`] holds one or more keys, newest first: it seals with the newest and opens with
//! whichever key fits, so records sealed before a rotation ([`Keyring::with_fresh_key`]) still
//! open after it. Keys are given as base64 lines ([`Keyring::from_base64_lines`]; the binary
//! reads them from `STORYLINE_KEY` or its key file: this crate does no I/O), and never appear in
//! `Debug` output or errors.

use std::fmt;

use aes_gcm::aead::{Aead, Generate, KeyInit, Payload};
use aes_gcm::aes::Aes256;
use aes_gcm::aes::cipher::array::Array;
use aes_gcm::aes::cipher::consts::{U12, U16};
use aes_gcm::{Aes256Gcm, AesGcm};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::Provenance;

/// Length of a key check at the start of our nonces.
const KEY_CHECK_LEN: usize = 4;
/// Largest `secured` value we try to decode (a provenance is a few hundred bytes).
const MAX_SECURED_LEN: usize = 1 << 20;

/// AES-256-GCM with the 16-byte nonces we write.
type Aes256Gcm16 = AesGcm<Aes256, U16>;

/// Why a `secured` value could not be sealed or opened, or a keyring not loaded.
#[derive(Debug, thiserror::Error)]
pub enum SecuredError {
    /// The value is not `base64;base64` with a 12- or 16-byte nonce.
    #[error("malformed secured value: {0}")]
    Malformed(String),
    /// No key of the keyring sealed this value.
    #[error("secured value was sealed under a key this keyring does not hold")]
    NotOurKey,
    /// Sealed under one of our keys, but it fails authentication: altered, or bound to another
    /// record id.
    #[error(
        "secured value fails authentication for record {id}: altered, or moved from another record"
    )]
    Tampered { id: String },
    /// Opened, but the plaintext is not a provenance.
    #[error("secured value opened but holds no valid provenance: {0}")]
    BadPlaintext(String),
    /// Encryption itself failed (input too long).
    #[error("could not seal the provenance of record {id}")]
    Seal { id: String },
    /// The operating system's random number generator failed.
    #[error("no randomness available: {0}")]
    Random(String),
    /// A key (from a key file or an environment variable) is not base64 of 32 bytes.
    #[error("{source_name}: key {index} is not base64 of 32 bytes")]
    BadKey { source_name: String, index: usize },
    /// A keyring needs at least one key.
    #[error("{source_name}: holds no key")]
    NoKey { source_name: String },
}

/// One 32-byte key and its key check.
#[derive(Clone)]
struct SealingKey {
    bytes: [u8; 32],
    check: [u8; KEY_CHECK_LEN],
}

impl SealingKey {
    fn new(bytes: [u8; 32]) -> Result<Self, SecuredError> {
        let check = key_check(&bytes)?;
        Ok(Self { bytes, check })
    }
}

/// The key check of a key: the first bytes of the GMAC tag of a fixed label under a fixed
/// 12-byte nonce. Our data nonces are 16 bytes, so this tag never coincides with data use.
fn key_check(key: &[u8; 32]) -> Result<[u8; KEY_CHECK_LEN], SecuredError> {
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| SecuredError::BadKey {
        source_name: "key".into(),
        index: 0,
    })?;
    let nonce = Array::<u8, U12>::default();
    let tag = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: b"",
                aad: b"storyline key check v1",
            },
        )
        .map_err(|_| SecuredError::Seal { id: String::new() })?;
    let mut check = [0u8; KEY_CHECK_LEN];
    check.copy_from_slice(&tag[..KEY_CHECK_LEN]);
    Ok(check)
}

/// One or more 32-byte keys, newest first. Seals with the newest, opens with any.
#[derive(Clone)]
pub struct Keyring {
    keys: Vec<SealingKey>,
    /// Where the keys came from (a key file's path, an environment variable), for messages.
    source_name: String,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("keys", &self.keys.len())
            .field("source", &self.source_name)
            .finish()
    }
}

impl Keyring {
    /// A keyring of the given keys, newest first.
    pub fn new(keys: &[[u8; 32]]) -> Result<Self, SecuredError> {
        Self::from_keys(keys.to_vec(), "keyring")
    }

    /// A keyring holding one fresh random key (nothing is written anywhere).
    pub fn generate() -> Result<Self, SecuredError> {
        Self::new(&[random_key()?])
    }

    fn from_keys(keys: Vec<[u8; 32]>, source_name: &str) -> Result<Self, SecuredError> {
        if keys.is_empty() {
            return Err(SecuredError::NoKey {
                source_name: source_name.to_owned(),
            });
        }
        let keys = keys
            .into_iter()
            .map(SealingKey::new)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            keys,
            source_name: source_name.to_owned(),
        })
    }

    /// Parses keys written one base64 key per line (or separated by commas), newest first.
    /// Blank lines and lines starting with `#` are ignored.
    pub fn from_base64_lines(text: &str, source_name: &str) -> Result<Self, SecuredError> {
        let mut keys = Vec::new();
        let entries = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .flat_map(|l| l.split(',').map(str::trim).filter(|k| !k.is_empty()));
        for (index, entry) in entries.enumerate() {
            let bad = || SecuredError::BadKey {
                source_name: source_name.to_owned(),
                index: index + 1,
            };
            let bytes = BASE64.decode(entry).map_err(|_| bad())?;
            let key: [u8; 32] = bytes.try_into().map_err(|_| bad())?;
            keys.push(key);
        }
        Self::from_keys(keys, source_name)
    }

    /// The same keys with a fresh one in front: it seals from now on, and values sealed under
    /// the older keys still open.
    pub fn with_fresh_key(&self, source_name: &str) -> Result<Self, SecuredError> {
        let mut keys = vec![random_key()?];
        keys.extend(self.keys.iter().map(|k| k.bytes));
        Self::from_keys(keys, source_name)
    }

    /// The keys, newest first, one base64 line each: what [`Keyring::from_base64_lines`]
    /// reads. Secret: for a file only its owner can read.
    pub fn to_base64_lines(&self) -> String {
        self.keys
            .iter()
            .map(|k| BASE64.encode(k.bytes) + "\n")
            .collect()
    }

    /// Where the keys came from (a key file's path, an environment variable's name), or
    /// `keyring` for keys made in memory.
    pub fn source(&self) -> &str {
        &self.source_name
    }

    /// How many keys the keyring holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always false: a keyring holds at least one key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Seals `provenance` for the record `id` under the newest key.
    pub fn seal(&self, provenance: &Provenance, id: &str) -> Result<String, SecuredError> {
        let key = self.keys.first().ok_or_else(|| SecuredError::NoKey {
            source_name: self.source_name.clone(),
        })?;
        let plaintext = serde_json::to_vec(provenance)
            .map_err(|e| SecuredError::BadPlaintext(e.to_string()))?;
        let random = <[u8; 12]>::try_generate().map_err(|e| SecuredError::Random(e.to_string()))?;
        let mut nonce = Array::<u8, U16>::default();
        nonce[..KEY_CHECK_LEN].copy_from_slice(&key.check);
        nonce[KEY_CHECK_LEN..].copy_from_slice(&random);
        let cipher = Aes256Gcm16::new_from_slice(&key.bytes)
            .map_err(|_| SecuredError::Seal { id: id.to_owned() })?;
        let ciphertext = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &plaintext,
                    aad: id.as_bytes(),
                },
            )
            .map_err(|_| SecuredError::Seal { id: id.to_owned() })?;
        Ok(format!(
            "{};{}",
            BASE64.encode(ciphertext),
            BASE64.encode(nonce.as_slice())
        ))
    }

    /// Opens a `secured` value of the record `id`.
    pub fn open(&self, secured: &str, id: &str) -> Result<Provenance, SecuredError> {
        if secured.len() > MAX_SECURED_LEN {
            return Err(SecuredError::Malformed(format!(
                "{} bytes, more than the {MAX_SECURED_LEN} accepted",
                secured.len()
            )));
        }
        let (ct_text, nonce_text) = secured
            .trim()
            .split_once(';')
            .ok_or_else(|| SecuredError::Malformed("no `;` between ciphertext and nonce".into()))?;
        let ciphertext = BASE64
            .decode(ct_text)
            .map_err(|e| SecuredError::Malformed(format!("ciphertext: {e}")))?;
        let nonce = BASE64
            .decode(nonce_text)
            .map_err(|e| SecuredError::Malformed(format!("nonce: {e}")))?;
        if ciphertext.len() < 16 {
            return Err(SecuredError::Malformed(format!(
                "ciphertext of {} bytes is shorter than a tag",
                ciphertext.len()
            )));
        }
        let payload = || Payload {
            msg: &ciphertext,
            aad: id.as_bytes(),
        };
        let plaintext = match nonce.len() {
            16 => {
                let nonce = Array::<u8, U16>::try_from(nonce.as_slice())
                    .map_err(|_| SecuredError::Malformed("nonce length".into()))?;
                let mut checked_by_ours = false;
                let mut opened = None;
                for key in &self.keys {
                    checked_by_ours |= nonce[..KEY_CHECK_LEN] == key.check;
                    let Ok(cipher) = Aes256Gcm16::new_from_slice(&key.bytes) else {
                        continue;
                    };
                    if let Ok(p) = cipher.decrypt(&nonce, payload()) {
                        opened = Some(p);
                        break;
                    }
                }
                match opened {
                    Some(p) => p,
                    None if checked_by_ours => {
                        return Err(SecuredError::Tampered { id: id.to_owned() });
                    }
                    None => return Err(SecuredError::NotOurKey),
                }
            }
            12 => {
                let nonce = Array::<u8, U12>::try_from(nonce.as_slice())
                    .map_err(|_| SecuredError::Malformed("nonce length".into()))?;
                self.keys
                    .iter()
                    .filter_map(|key| Aes256Gcm::new_from_slice(&key.bytes).ok())
                    .find_map(|cipher| cipher.decrypt(&nonce, payload()).ok())
                    .ok_or(SecuredError::NotOurKey)?
            }
            n => {
                return Err(SecuredError::Malformed(format!(
                    "nonce of {n} bytes (expected 12 or 16)"
                )));
            }
        };
        serde_json::from_slice(&plaintext).map_err(|e| SecuredError::BadPlaintext(e.to_string()))
    }
}

/// Seals `provenance` for the record `id` under the newest key of `keyring`.
pub fn seal(provenance: &Provenance, id: &str, keyring: &Keyring) -> Result<String, SecuredError> {
    keyring.seal(provenance, id)
}

/// Opens the `secured` value of the record `id` with `keyring`.
pub fn open(secured: &str, id: &str, keyring: &Keyring) -> Result<Provenance, SecuredError> {
    keyring.open(secured, id)
}

fn random_key() -> Result<[u8; 32], SecuredError> {
    <[u8; 32]>::try_generate().map_err(|e| SecuredError::Random(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn provenance() -> Provenance {
        Provenance {
            source_url: Some("https://news.example/a?utm_source=x".into()),
            feed_url: Some("https://news.example/feed?token=s3cret".into()),
            fetched_at: chrono::Utc.with_ymd_and_hms(2024, 3, 5, 8, 0, 0).single(),
            content_hash: Some("0123abcd".into()),
        }
    }

    #[test]
    fn sealed_provenance_opens_to_the_same_value() {
        let ring = Keyring::generate().unwrap();
        let sealed = ring.seal(&provenance(), "df95efcbddd7638d").unwrap();
        let (ct, nonce) = sealed.split_once(';').unwrap();
        assert!(BASE64.decode(ct).is_ok());
        assert_eq!(BASE64.decode(nonce).unwrap().len(), 16);
        assert!(!sealed.contains("s3cret"));
        assert_eq!(
            ring.open(&sealed, "df95efcbddd7638d").unwrap(),
            provenance()
        );
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let ring = Keyring::generate().unwrap();
        let a = ring.seal(&provenance(), "id").unwrap();
        let b = ring.seal(&provenance(), "id").unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn another_key_is_not_our_key() {
        let sealed = Keyring::generate()
            .unwrap()
            .seal(&provenance(), "id")
            .unwrap();
        let other = Keyring::generate().unwrap();
        assert!(matches!(
            other.open(&sealed, "id"),
            Err(SecuredError::NotOurKey)
        ));
    }

    #[test]
    fn altered_ciphertext_is_tampered() {
        let ring = Keyring::generate().unwrap();
        let sealed = ring.seal(&provenance(), "id").unwrap();
        let (ct, nonce) = sealed.split_once(';').unwrap();
        let mut bytes = BASE64.decode(ct).unwrap();
        bytes[3] ^= 0x01;
        let altered = format!("{};{nonce}", BASE64.encode(bytes));
        assert!(matches!(
            ring.open(&altered, "id"),
            Err(SecuredError::Tampered { .. })
        ));
    }

    #[test]
    fn value_moved_to_another_record_is_tampered() {
        let ring = Keyring::generate().unwrap();
        let sealed = ring.seal(&provenance(), "aaaaaaaaaaaaaaaa").unwrap();
        let err = ring.open(&sealed, "bbbbbbbbbbbbbbbb").unwrap_err();
        assert!(matches!(err, SecuredError::Tampered { ref id } if id == "bbbbbbbbbbbbbbbb"));
    }

    #[test]
    fn malformed_values_are_rejected() {
        let ring = Keyring::generate().unwrap();
        for bad in [
            "",
            "no-separator",
            "!!!;AAAA",
            "AAAA;AAAA",
            "\u{0}\u{1};\u{2}",
        ] {
            assert!(
                matches!(ring.open(bad, "id"), Err(SecuredError::Malformed(_))),
                "{bad:?}"
            );
        }
        let huge = "A".repeat(MAX_SECURED_LEN + 1);
        assert!(matches!(
            ring.open(&huge, "id"),
            Err(SecuredError::Malformed(_))
        ));
    }

    #[test]
    fn seed_value_sealed_under_a_foreign_key_is_not_our_key() {
        let seed = "VYSCuk4he0h1O3lrcDKC//rrVOmSuJFaM/iXKLRPLAf5U4pPEKxUin0n3kXH9wGwvY+QqEU0Vw7dvG+h4ibW6hZpjOX4pI8GBMYPmM6tF2QRbaDAPPh36ektkN0oLXUUBp57Cqy0s7q6KGccS84j+cuN+XEBwtPlXLbx+d8Eu6c3hDSqmGy3DNnnaBFggdFk+VQiASZG8baigl1s/mooOJOInqZy4kNGAAmvOaTNEW27CUkFGDyjzZUNTExReA7mM1MPiscQUaXHpfB/GEu92q9NGt8jDA4b3tmtjFfbrkWtYdFT4zS1zeQvd4j/r34Hc7LIqJMuXKY05luRSKRQMjXMqeC/IYFrxp4xkTABTvU=;MUzgCuLneYJ0xn0VMncH9A==";
        let ring = Keyring::generate().unwrap();
        assert!(matches!(
            ring.open(seed, "e722a3e74ef0c0ec"),
            Err(SecuredError::NotOurKey)
        ));
    }

    #[test]
    fn a_fresh_key_seals_and_the_old_ones_still_open() {
        let old = Keyring::generate().unwrap();
        let old_sealed = old.seal(&provenance(), "id").unwrap();
        let rotated = old.with_fresh_key("rotated").unwrap();
        assert_eq!((rotated.len(), rotated.source()), (2, "rotated"));
        assert_eq!(rotated.open(&old_sealed, "id").unwrap(), provenance());
        let new_sealed = rotated.seal(&provenance(), "id").unwrap();
        assert!(matches!(
            old.open(&new_sealed, "id"),
            Err(SecuredError::NotOurKey)
        ));
        let reread = Keyring::from_base64_lines(&rotated.to_base64_lines(), "file").unwrap();
        assert_eq!(reread.open(&new_sealed, "id").unwrap(), provenance());
        assert_eq!(reread.open(&old_sealed, "id").unwrap(), provenance());
    }

    #[test]
    fn bad_and_missing_keys_are_errors_that_do_not_show_the_key() {
        let short = BASE64.encode([7u8; 16]);
        let err = Keyring::from_base64_lines(&short, "STORYLINE_KEY").unwrap_err();
        assert!(matches!(err, SecuredError::BadKey { .. }));
        assert!(!err.to_string().contains(&short));
        assert!(matches!(
            Keyring::from_base64_lines("\n# no keys\n", "file"),
            Err(SecuredError::NoKey { .. })
        ));
    }

    #[test]
    fn keys_never_show_in_debug_output() {
        let key = [42u8; 32];
        let ring = Keyring::new(&[key]).unwrap();
        let debug = format!("{ring:?}");
        assert!(!debug.contains(&BASE64.encode(key)));
        assert!(!debug.contains("42, 42"));
    }
}
