//! Helm's own functions (`pkg/engine/funcs.go`, `engine.go`): `include` and `tpl` (run by
//! the executor, which owns the template set), `required` and `fail` (their messages are
//! wrapped in Helm's `HELM_ERR_START…HELM_ERR_END` markers, which Helm's engine turns into
//! `execution error at (file:line:col): msg`), `lookup` (an empty map: `helm template`
//! talks to no cluster), `getHostByName` (empty without `--enable-dns`).

use super::{FuncCtx, FuncDef, Sig, Ty};
use crate::value::Value;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::special("include", Sig::fixed(&[Ty::String, Ty::Any])),
    FuncDef::special("tpl", Sig::fixed(&[Ty::String, Ty::Any])),
    FuncDef::new("required", Sig::fixed(&[Ty::String, Ty::Any]), required),
    FuncDef::new("fail", Sig::fixed(&[Ty::String]), fail),
    FuncDef::new(
        "lookup",
        Sig::fixed(&[Ty::String, Ty::String, Ty::String, Ty::String]),
        lookup,
    ),
    FuncDef::new("getHostByName", Sig::fixed(&[Ty::String]), get_host_by_name),
];

fn warn_wrap(msg: &str) -> String {
    format!("HELM_ERR_START{msg}HELM_ERR_END")
}

fn arg_str(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

/// `required MSG VAL`: fails when VAL is nil or the empty string.
fn required(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let val = args.get(1).cloned().unwrap_or(Value::Nil);
    match &val {
        Value::Nil | Value::Invalid => Err(warn_wrap(arg_str(&args, 0))),
        Value::String(s) if s.as_str().is_empty() => Err(warn_wrap(arg_str(&args, 0))),
        _ => Ok(val),
    }
}

/// `fail MSG`: always fails.
fn fail(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Err(warn_wrap(arg_str(&args, 0)))
}

/// `lookup`: an empty `map[string]interface {}` without a cluster.
fn lookup(_: &mut FuncCtx, _: Vec<Value>) -> Result<Value, String> {
    Ok(Value::empty_map())
}

/// `getHostByName`: `""` without `--enable-dns`.
fn get_host_by_name(_: &mut FuncCtx, _: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(""))
}
