//! Semantic versions with Masterminds/semver v3 rules: semver, semverCompare.

use super::FuncDef;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];
