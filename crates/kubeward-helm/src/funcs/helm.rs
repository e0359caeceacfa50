//! Helm's own functions (`pkg/engine/funcs.go`): `include` and `tpl` (run by the executor,
//! which owns the template set), `required`, `lookup` (an empty map: `helm template` talks
//! to no cluster), `getHostByName` (empty without `--enable-dns`).

use super::{FuncDef, Sig, Ty};

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::special("include", Sig::fixed(&[Ty::String, Ty::Any])),
    FuncDef::special("tpl", Sig::fixed(&[Ty::String, Ty::Any])),
];
