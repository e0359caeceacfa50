//! Dictionaries: dict, get, set, unset, hasKey, pluck, keys, pick, omit, merge, mergeOverwrite, values, dig.

use super::FuncDef;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];
