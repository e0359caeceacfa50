//! Encodings and hashes: b64enc, b64dec, b32enc, b32dec, sha1sum, sha256sum, sha512sum,
//! adler32sum.
//!
//! The decoders are written after Go's `encoding/base64` and `encoding/base32` so that a
//! bad input gives the same `illegal base64 data at input byte N` text, which Sprig returns
//! as the result instead of an error. Every function works on Go's bytes of its argument
//! (see [`super::strings::go_bytes`]).

use super::strings::{arg_str, bytes_value, go_bytes};
use super::{FuncCtx, FuncDef, Sig, Ty};
use crate::value::Value;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use std::fmt::Write as _;

const S: Ty = Ty::String;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::new("b64enc", Sig::fixed(&[S]), b64enc),
    FuncDef::new("b64dec", Sig::fixed(&[S]), b64dec),
    FuncDef::new("b32enc", Sig::fixed(&[S]), b32enc),
    FuncDef::new("b32dec", Sig::fixed(&[S]), b32dec),
    FuncDef::new("sha1sum", Sig::fixed(&[S]), sha1sum),
    FuncDef::new("sha256sum", Sig::fixed(&[S]), sha256sum),
    FuncDef::new("sha512sum", Sig::fixed(&[S]), sha512sum),
    FuncDef::new("adler32sum", Sig::fixed(&[S]), adler32sum),
];

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The value of an alphabet character, or `None`.
fn lookup(alphabet: &[u8], c: u8) -> Option<u8> {
    alphabet
        .iter()
        .position(|&a| a == c)
        .and_then(|i| u8::try_from(i).ok())
}

/// Base64 (standard alphabet, padded).
#[must_use]
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let idx = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
                out.push(char::from(B64.get(idx).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's `base64.StdEncoding.DecodeString`: `Err(offset)` for `illegal base64 data at
/// input byte offset`.
pub fn base64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut trailing_error = None;
        let mut j = 0;
        while j < 4 {
            let Some(&c) = src.get(si) else {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            };
            si += 1;
            if let Some(v) = lookup(B64, c) {
                if let Some(slot) = dbuf.get_mut(j) {
                    *slot = v;
                }
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while matches!(src.get(si), Some(b'\n' | b'\r')) {
                        si += 1;
                    }
                    match src.get(si) {
                        None => return Err(src.len()),
                        Some(b'=') => si += 1,
                        Some(_) => return Err(si - 1),
                    }
                }
                _ => {}
            }
            while matches!(src.get(si), Some(b'\n' | b'\r')) {
                si += 1;
            }
            if si < src.len() {
                trailing_error = Some(si);
            }
            dlen = j;
            break;
        }
        let val = u32::from(dbuf[0]) << 18
            | u32::from(dbuf[1]) << 12
            | u32::from(dbuf[2]) << 6
            | u32::from(dbuf[3]);
        let bytes = val.to_be_bytes();
        out.extend_from_slice(bytes.get(1..dlen).unwrap_or_default());
        if let Some(at) = trailing_error {
            return Err(at);
        }
    }
    Ok(out)
}

/// Base32 (standard alphabet, padded).
#[must_use]
pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut block = [0u8; 5];
        for (dst, src) in block.iter_mut().zip(chunk) {
            *dst = *src;
        }
        let n = block.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b));
        // Output characters carrying data: 2, 4, 5, 7 or 8 for 1..=5 input bytes.
        let used = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < used {
                let idx = usize::try_from((n >> (35 - 5 * i)) & 31).unwrap_or(0);
                out.push(char::from(B32.get(idx).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's `base32.StdEncoding.DecodeString` (newlines removed first): `Err(offset)` for
/// `illegal base32 data at input byte offset`.
pub fn base32_decode(input: &[u8]) -> Result<Vec<u8>, usize> {
    let src: Vec<u8> = input
        .iter()
        .copied()
        .filter(|&c| c != b'\n' && c != b'\r')
        .collect();
    let olen = src.len();
    let mut rest: &[u8] = &src;
    let mut out = Vec::with_capacity(olen / 8 * 5);
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut dbuf = [0u8; 8];
        let mut dlen = 8;
        let mut j = 0;
        while j < 8 {
            let Some((&c, tail)) = rest.split_first() else {
                return Err(olen - rest.len() - j);
            };
            rest = tail;
            if c == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 7 {
                    return Err(olen);
                }
                for k in 0..(7 - j) {
                    if let Some(&p) = rest.get(k) {
                        if p != b'=' {
                            return Err(olen - rest.len() + k - 1);
                        }
                    }
                }
                dlen = j;
                end = true;
                if matches!(dlen, 1 | 3 | 6) {
                    return Err(olen - rest.len() - 1);
                }
                break;
            }
            match lookup(B32, c) {
                Some(v) => {
                    if let Some(slot) = dbuf.get_mut(j) {
                        *slot = v;
                    }
                }
                None => return Err(olen - rest.len() - 1),
            }
            j += 1;
        }
        let n = dbuf.iter().fold(0u64, |acc, &b| acc << 5 | u64::from(b));
        let bytes = n.to_be_bytes();
        let count = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(bytes.get(3..3 + count).unwrap_or_default());
    }
    Ok(out)
}

fn b64enc(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(base64_encode(&go_bytes(arg_str(&args, 0)))))
}

fn b64dec(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    match base64_decode(&go_bytes(arg_str(&args, 0))) {
        Ok(bytes) => Ok(bytes_value(&bytes)),
        Err(at) => Ok(Value::str(format!(
            "illegal base64 data at input byte {at}"
        ))),
    }
}

fn b32enc(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(base32_encode(&go_bytes(arg_str(&args, 0)))))
}

fn b32dec(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    match base32_decode(&go_bytes(arg_str(&args, 0))) {
        Ok(bytes) => Ok(bytes_value(&bytes)),
        Err(at) => Ok(Value::str(format!(
            "illegal base32 data at input byte {at}"
        ))),
    }
}

/// Lowercase hexadecimal.
fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn sha1sum(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(hex(&Sha1::digest(go_bytes(arg_str(&args, 0))))))
}

fn sha256sum(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(hex(&Sha256::digest(go_bytes(arg_str(
        &args, 0,
    ))))))
}

fn sha512sum(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(hex(&Sha512::digest(go_bytes(arg_str(
        &args, 0,
    ))))))
}

/// Adler-32 (RFC 1950).
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    b << 16 | a
}

fn adler32sum(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(
        adler32(&go_bytes(arg_str(&args, 0))).to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: super::super::NativeFn, input: &str) -> String {
        let mut ctx = FuncCtx::default();
        match f(&mut ctx, vec![Value::str(input)]) {
            Ok(v) => v.as_str().unwrap_or_default().to_string(),
            Err(e) => format!("ERR {e}"),
        }
    }

    // Expected values: Go's encoding/base64, encoding/base32 and hashes on the same input.
    #[test]
    fn round_trips_and_errors() {
        for s in ["", "a", "ab", "abc", "abcd", "hello world", "é"] {
            assert_eq!(call(b64dec, &call(b64enc, s)), s);
            assert_eq!(call(b32dec, &call(b32enc, s)), s);
        }
        assert_eq!(call(b64enc, "hello"), "aGVsbG8=");
        assert_eq!(call(b32enc, "hello"), "NBSWY3DP");
        assert_eq!(call(b64dec, "aGVs\nbG8="), "hello");
        assert_eq!(
            call(b64dec, "aGVsbG8"),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(call(b64dec, "a!"), "illegal base64 data at input byte 1");
        assert_eq!(
            call(b64dec, "aGVsbG8=x"),
            "illegal base64 data at input byte 8"
        );
        assert_eq!(
            call(b32dec, "NBSWY3D"),
            "illegal base32 data at input byte 0"
        );
        assert_eq!(
            call(sha256sum, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            call(sha1sum, "abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(call(adler32sum, "Wikipedia"), "300286872");
    }
}
