//! Encodings and hashes: b64enc, b64dec, b32enc, b32dec, sha1sum, sha256sum, sha512sum, adler32sum.

use super::FuncDef;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];
