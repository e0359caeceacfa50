//! Lists: list, append, prepend, first, rest, last, initial, reverse, uniq, without, has, slice, concat, chunk, compact and the must variants.

use super::FuncDef;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];
