//! Dates: ago, date, dateInZone, dateModify, duration, durationRound, htmlDate, now, toDate, unixEpoch and their aliases.

use super::FuncDef;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];
