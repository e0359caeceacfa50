//! Strings: trunc, trim, upper, lower, title, substr, repeat, replace, quote, squote, indent, nindent, split, join, contains, the case conversions, random strings and the rest of Sprig's string functions.

use super::FuncDef;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];
