//! Paths and URLs: base, dir, clean, ext, isAbs (and os variants), urlParse, urlJoin.

use super::FuncDef;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];
