//! Defaults and flow: default, empty, coalesce, all, any, compact, ternary, fail, deepCopy.
//!
//! Semantics follow Sprig v3.3.0 `defaults.go` (emptiness as in [`Value::is_empty`]) and
//! `github.com/mitchellh/copystructure` for `deepCopy`. `required` is Helm's and lives in
//! [`super::helm`].

use super::lists::list_items;
use super::{FuncCtx, FuncDef, Sig, Ty};
use crate::value::Value;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::new("default", Sig::variadic(&[Ty::Any], Ty::Any), default),
    FuncDef::new("empty", Sig::fixed(&[Ty::Any]), empty),
    FuncDef::new("coalesce", Sig::variadic(&[], Ty::Any), coalesce),
    FuncDef::new("all", Sig::variadic(&[], Ty::Any), all),
    FuncDef::new("any", Sig::variadic(&[], Ty::Any), any),
    FuncDef::new("compact", Sig::fixed(&[Ty::Any]), compact),
    FuncDef::new("mustCompact", Sig::fixed(&[Ty::Any]), compact),
    FuncDef::new(
        "ternary",
        Sig::fixed(&[Ty::Any, Ty::Any, Ty::Bool]),
        ternary,
    ),
    FuncDef::new("fail", Sig::fixed(&[Ty::String]), fail),
    FuncDef::new("deepCopy", Sig::fixed(&[Ty::Any]), deep_copy),
    FuncDef::new("mustDeepCopy", Sig::fixed(&[Ty::Any]), deep_copy),
];

/// `default d given...`: `given[0]` unless it is missing or empty.
fn default(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut args = args.into_iter();
    let d = args.next().unwrap_or(Value::Nil);
    match args.next() {
        Some(given) if !given.is_empty() => Ok(given),
        _ => Ok(d),
    }
}

fn empty(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(args.first().is_none_or(Value::is_empty)))
}

/// The first non-empty argument, or nil.
fn coalesce(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(args
        .into_iter()
        .find(|v| !v.is_empty())
        .unwrap_or(Value::Nil))
}

fn all(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(args.iter().all(|v| !v.is_empty())))
}

fn any(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(args.iter().any(|v| !v.is_empty())))
}

/// `compact` and `mustCompact`: the non-empty items, as a new `[]interface {}` (Sprig's
/// non-must form panics with the same message, which Go's template recovers as an error).
fn compact(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let items = list_items(args.first(), |kind| {
        format!("Cannot compact on type {kind}")
    })?;
    Ok(Value::list(
        items.into_iter().filter(|v| !v.is_empty()).collect(),
    ))
}

/// `ternary vt vf cond` (`cond` is checked as a `bool` by the executor).
fn ternary(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut args = args.into_iter();
    let vt = args.next().unwrap_or(Value::Nil);
    let vf = args.next().unwrap_or(Value::Nil);
    let cond = matches!(args.next(), Some(Value::Bool(true)));
    Ok(if cond { vt } else { vf })
}

/// `fail msg`: always an error whose text is `msg`.
fn fail(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Err(args
        .first()
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string())
}

/// `deepCopy` and `mustDeepCopy` (copystructure): maps and lists are copied and keep their
/// Go types; a nil argument fails as `reflect.ValueOf(nil).Type()` panics in Go.
fn deep_copy(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    match args.first() {
        None | Some(Value::Nil | Value::Invalid) => {
            Err("reflect: call of reflect.Value.Type on zero Value".into())
        }
        Some(v) => Ok(v.deep_copy()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::lists::NIL_DEREF;
    use super::*;

    fn call(f: super::super::NativeFn, args: Vec<Value>) -> Result<Value, String> {
        f(&mut FuncCtx::default(), args)
    }

    // Expected values below come from Helm 3.17.3 (tests/helm-cases/sprig-b.json).
    #[test]
    fn default_uses_emptiness() {
        let d = Value::str("d");
        for given in [
            Value::str(""),
            Value::Float(0.0),
            Value::Bool(false),
            Value::Nil,
            Value::list(vec![]),
            Value::empty_map(),
        ] {
            let got = call(default, vec![d.clone(), given]).map(|v| v.to_go_string());
            assert_eq!(got.as_deref(), Ok("d"));
        }
        let got = call(default, vec![d.clone()]).map(|v| v.to_go_string());
        assert_eq!(got.as_deref(), Ok("d"));
        let got = call(default, vec![d, Value::Int(3)]).map(|v| v.to_go_string());
        assert_eq!(got.as_deref(), Ok("3"));
    }

    #[test]
    fn coalesce_all_any() {
        let got = call(
            coalesce,
            vec![Value::str(""), Value::Int(0), Value::str("x")],
        );
        assert_eq!(got.map(|v| v.to_go_string()).as_deref(), Ok("x"));
        assert!(matches!(call(coalesce, vec![]), Ok(Value::Nil)));
        assert!(matches!(call(all, vec![]), Ok(Value::Bool(true))));
        assert!(matches!(call(any, vec![]), Ok(Value::Bool(false))));
        assert!(matches!(
            call(all, vec![Value::Int(1), Value::str("")]),
            Ok(Value::Bool(false))
        ));
    }

    #[test]
    fn compact_errors_like_sprig() {
        let l = Value::list(vec![
            Value::Int(1),
            Value::Int(0),
            Value::str(""),
            Value::str("a"),
            Value::Nil,
            Value::Bool(false),
            Value::Bool(true),
        ]);
        let got = call(compact, vec![l]).map(|v| v.to_go_string());
        assert_eq!(got.as_deref(), Ok("[1 a true]"));
        assert_eq!(
            call(compact, vec![Value::empty_map()]).err().as_deref(),
            Some("Cannot compact on type map")
        );
        assert_eq!(
            call(compact, vec![Value::Nil]).err().as_deref(),
            Some(NIL_DEREF)
        );
    }

    #[test]
    fn ternary_fail_deep_copy() {
        let got = call(
            ternary,
            vec![Value::str("a"), Value::str("b"), Value::Bool(false)],
        );
        assert_eq!(got.map(|v| v.to_go_string()).as_deref(), Ok("b"));
        assert_eq!(
            call(fail, vec![Value::str("boom")]).err().as_deref(),
            Some("boom")
        );
        assert_eq!(
            call(deep_copy, vec![Value::Nil]).err().as_deref(),
            Some("reflect: call of reflect.Value.Type on zero Value")
        );
    }
}

#[cfg(test)]
mod registered {
    /// Every Sprig function of the defaults, lists, dicts, semver, dates and crypto modules
    /// is in the function table.
    #[test]
    fn all_names_are_registered() {
        let names = "default empty coalesce all any compact mustCompact ternary fail deepCopy \
            mustDeepCopy list tuple append push mustAppend mustPush prepend mustPrepend first \
            mustFirst rest mustRest last mustLast initial mustInitial reverse mustReverse uniq \
            mustUniq without mustWithout has mustHas slice mustSlice concat chunk mustChunk dict \
            get set unset hasKey pluck keys pick omit merge mustMerge mergeOverwrite \
            mustMergeOverwrite values dig semver semverCompare now date dateInZone date_in_zone \
            dateModify date_modify mustDateModify must_date_modify ago duration durationRound \
            htmlDate htmlDateInZone toDate mustToDate unixEpoch genPrivateKey genCA genCAWithKey \
            genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey \
            buildCustomCert bcrypt htpasswd derivePassword encryptAES decryptAES randBytes uuidv4";
        for name in names.split_whitespace() {
            let def = super::super::lookup(name);
            assert!(
                def.is_some_and(|d| d.call.is_some()),
                "{name} is not registered"
            );
        }
    }
}
