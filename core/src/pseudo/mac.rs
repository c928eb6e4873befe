//! HMAC-SHA-256 with the key's pads absorbed once, for millions of short messages.
//!
//! HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)). Both `K ^ pad` blocks are
//! exactly one SHA-256 block (the keys here are 32-byte subkeys), so their
//! compressed states can be kept: a message of up to 55 bytes then costs two
//! compressions and no buffering. The result is checked against the `hmac`
//! crate for every message length up to 300 bytes (tests below), and through
//! it against RFC 4231 (tests/pseudo.rs).

use sha2::block_api::compress256;
use zeroize::Zeroize;

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const H0: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];

/// A keyed HMAC-SHA-256 (key of at most 64 bytes). Wiped on drop.
#[derive(Clone)]
pub(crate) struct FastMac {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl FastMac {
    /// Absorbs the pads of `key` (at most one block long).
    pub(crate) fn new(key: &[u8; 32]) -> FastMac {
        let mut ipad = [0x36u8; 64];
        let mut opad = [0x5cu8; 64];
        for (i, &k) in key.iter().enumerate() {
            ipad[i] ^= k;
            opad[i] ^= k;
        }
        let mut inner = H0;
        let mut outer = H0;
        compress256(&mut inner, &[ipad]);
        compress256(&mut outer, &[opad]);
        ipad.zeroize();
        opad.zeroize();
        FastMac { inner, outer }
    }

    /// HMAC-SHA-256 of `message`.
    pub(crate) fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut state = self.inner;
        finish(&mut state, message, 64 + message.len());
        let mut inner_digest = [0u8; 32];
        write_state(&state, &mut inner_digest);
        let mut state = self.outer;
        finish(&mut state, &inner_digest, 64 + 32);
        let mut out = [0u8; 32];
        write_state(&state, &mut out);
        out
    }
}

impl Drop for FastMac {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

/// Compresses the rest of a message whose whole length (the blocks already
/// absorbed included) is `total` bytes, with SHA-256's padding.
fn finish(state: &mut [u32; 8], message: &[u8], total: usize) {
    let (blocks, rest) = message.as_chunks::<64>();
    if !blocks.is_empty() {
        compress256(state, blocks);
    }
    let mut tail = [[0u8; 64]; 2];
    let n = if rest.len() < 56 { 1 } else { 2 };
    let flat = tail.as_flattened_mut();
    flat[..rest.len()].copy_from_slice(rest);
    flat[rest.len()] = 0x80;
    let bits = (total as u64).wrapping_mul(8);
    flat[n * 64 - 8..n * 64].copy_from_slice(&bits.to_be_bytes());
    compress256(state, &tail[..n]);
}

fn write_state(state: &[u32; 8], out: &mut [u8; 32]) {
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pseudo::hmac_sha256;

    #[test]
    fn matches_the_hmac_crate_for_every_length() {
        for seed in 0u8..4 {
            let key: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(31).wrapping_add(seed));
            let mac = FastMac::new(&key);
            let message: Vec<u8> = (0..300u32).map(|i| (i * 7 + u32::from(seed)) as u8).collect();
            for len in 0..=message.len() {
                assert_eq!(mac.mac(&message[..len]), hmac_sha256(&key, &message[..len]), "length {len}");
            }
        }
    }
}
