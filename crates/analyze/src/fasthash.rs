//! A hasher for maps keyed by term hashes and story keys: those keys are
//! already well mixed (xxh3) or small integers, so one multiply is enough, and
//! SipHash would dominate the cost of clustering a headline.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-rotate hasher for `u64`/`u32` keys (other input is folded in 8 bytes at a time).
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(buf));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// A map keyed by hashes or small integers.
pub type KeyMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;
/// A set of hashes or small integers.
pub type KeySet<K> = HashSet<K, BuildHasherDefault<KeyHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_small_keys_hash_apart() {
        let mut seen = KeySet::default();
        for k in 0u64..10_000 {
            seen.insert(k);
        }
        assert_eq!(seen.len(), 10_000);
        let mut a = KeyHasher::default();
        a.write_u64(1);
        let mut b = KeyHasher::default();
        b.write_u64(2);
        assert_ne!(a.finish(), b.finish());
    }
}
