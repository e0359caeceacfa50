//! Reflection: typeOf, typeIs, typeIsLike, kindOf, kindIs, deepEqual.

use super::FuncDef;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];
