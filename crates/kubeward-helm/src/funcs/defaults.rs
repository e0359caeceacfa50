//! Defaults and flow: default, empty, coalesce, all, any, compact, ternary, fail, deepCopy, required.

use super::FuncDef;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];
