//! Crypto and random stand-ins: bcrypt, htpasswd, genPrivateKey, derivePassword, buildCustomCert, genCA, genSelfSignedCert, genSignedCert (and WithKey variants), encryptAES, decryptAES, randBytes, uuidv4.

use super::FuncDef;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];
