//! Numbers and conversions: atoi, int, int64, float64, toDecimal, add, sub, mul, div, mod, max, min, the float variants, ceil, floor, round, until, untilStep, randInt.

use super::FuncDef;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];
