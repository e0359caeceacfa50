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

/// Runs the simple cases of `tests/helm-cases/sprig-b.json` (one-line actions of function
/// calls on literals, parentheses and pipes, with no variables or fields) straight through
/// this crate's function table and compares with what Helm printed. The template engine
/// runs every case; this keeps the functions honest before it exists.
#[cfg(test)]
mod oracle_cases {
    use super::super::{lookup, FuncCtx, Ty};
    use crate::value::Value;

    #[derive(Debug, Clone, PartialEq)]
    enum Tok {
        Str(String),
        Int(i64),
        Float(f64),
        Ident(String),
        Open,
        Close,
        Pipe,
    }

    fn lex(s: &str) -> Option<Vec<Tok>> {
        let b: Vec<char> = s.chars().collect();
        let mut i = 0;
        let mut out = Vec::new();
        while let Some(&c) = b.get(i) {
            match c {
                ' ' => i += 1,
                '(' => {
                    out.push(Tok::Open);
                    i += 1;
                }
                ')' => {
                    out.push(Tok::Close);
                    i += 1;
                }
                '|' => {
                    out.push(Tok::Pipe);
                    i += 1;
                }
                '"' => {
                    let mut text = String::new();
                    i += 1;
                    loop {
                        match b.get(i)? {
                            '"' => break,
                            '\\' => {
                                i += 1;
                                text.push(match b.get(i)? {
                                    'n' => '\n',
                                    other => *other,
                                });
                            }
                            other => text.push(*other),
                        }
                        i += 1;
                    }
                    i += 1;
                    out.push(Tok::Str(text));
                }
                c if c == '-' || c.is_ascii_digit() => {
                    let start = i;
                    i += 1;
                    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                        i += 1;
                    }
                    let text: String = b.get(start..i)?.iter().collect();
                    out.push(if text.contains('.') {
                        Tok::Float(text.parse().ok()?)
                    } else {
                        Tok::Int(text.parse().ok()?)
                    });
                }
                c if c.is_ascii_alphabetic() || c == '_' => {
                    let start = i;
                    while b
                        .get(i)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                    {
                        i += 1;
                    }
                    out.push(Tok::Ident(b.get(start..i)?.iter().collect()));
                }
                _ => return None,
            }
        }
        Some(out)
    }

    /// `Err(None)`: not supported here; `Err(Some((fn, msg)))`: a function's error.
    type Eval = Result<Value, Option<(String, String)>>;

    fn operand(toks: &[Tok], pos: &mut usize, ctx: &mut FuncCtx) -> Eval {
        let tok = toks.get(*pos).cloned().ok_or(None)?;
        *pos += 1;
        Ok(match tok {
            Tok::Str(s) => Value::str(s),
            Tok::Int(i) => Value::Int(i),
            Tok::Float(f) => Value::Float(f),
            Tok::Ident(name) if name == "nil" => Value::Nil,
            Tok::Ident(name) if name == "true" => Value::Bool(true),
            Tok::Ident(name) if name == "false" => Value::Bool(false),
            Tok::Ident(name) => call(&name, Vec::new(), ctx)?,
            Tok::Open => {
                let v = pipeline(toks, pos, ctx)?;
                if toks.get(*pos) != Some(&Tok::Close) {
                    return Err(None);
                }
                *pos += 1;
                v
            }
            Tok::Close | Tok::Pipe => return Err(None),
        })
    }

    fn command(toks: &[Tok], pos: &mut usize, ctx: &mut FuncCtx, piped: Option<Value>) -> Eval {
        if let Some(Tok::Ident(name)) = toks.get(*pos).cloned() {
            if !matches!(name.as_str(), "nil" | "true" | "false") {
                *pos += 1;
                let mut args = Vec::new();
                while !matches!(toks.get(*pos), None | Some(Tok::Close | Tok::Pipe)) {
                    args.push(operand(toks, pos, ctx)?);
                }
                args.extend(piped);
                return call(&name, args, ctx);
            }
        }
        if piped.is_some() {
            return Err(None);
        }
        operand(toks, pos, ctx)
    }

    fn pipeline(toks: &[Tok], pos: &mut usize, ctx: &mut FuncCtx) -> Eval {
        let mut v = command(toks, pos, ctx, None)?;
        while toks.get(*pos) == Some(&Tok::Pipe) {
            *pos += 1;
            v = command(toks, pos, ctx, Some(v))?;
        }
        Ok(v)
    }

    fn call(name: &str, args: Vec<Value>, ctx: &mut FuncCtx) -> Eval {
        let def = lookup(name).ok_or(None)?;
        let f = def.call.ok_or(None)?;
        let n = def.sig.params.len();
        if args.len() < n || (def.sig.variadic.is_none() && args.len() != n) {
            return Err(None);
        }
        let mut converted = Vec::with_capacity(args.len());
        for (i, a) in args.into_iter().enumerate() {
            let ty = def
                .sig
                .params
                .get(i)
                .copied()
                .or(def.sig.variadic)
                .ok_or(None)?;
            converted.push(match (ty, a) {
                (Ty::Int64, Value::Int(i)) => Value::Int64(i),
                (Ty::Float64, Value::Int(i)) => Value::Float(i as f64),
                (Ty::Any, v) => v,
                (Ty::String, v @ Value::String(_))
                | (Ty::Int | Ty::Int64, v @ (Value::Int(_) | Value::Int64(_)))
                | (Ty::Bool, v @ Value::Bool(_))
                | (Ty::Map, v @ (Value::Map(_) | Value::Nil))
                | (Ty::List, v @ (Value::List(_) | Value::Nil)) => v,
                _ => return Err(None),
            });
        }
        f(ctx, converted).map_err(|e| Some((name.to_string(), e)))
    }

    fn render(template: &str) -> Option<Result<String, (String, String)>> {
        let mut ctx = FuncCtx::default();
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            out.push_str(rest.get(..start)?);
            let after = rest.get(start + 2..)?;
            let end = after.find("}}")?;
            let action = after.get(..end)?.trim();
            rest = after.get(end + 2..)?;
            let toks = lex(action)?;
            let mut pos = 0;
            match pipeline(&toks, &mut pos, &mut ctx) {
                Ok(v) => {
                    if pos != toks.len() {
                        return None;
                    }
                    out.push_str(&v.to_go_string());
                }
                Err(None) => return None,
                Err(Some(e)) => return Some(Err(e)),
            }
        }
        out.push_str(rest);
        Some(Ok(out))
    }

    #[test]
    fn simple_cases_match_helm() {
        let cases: serde_json::Value =
            serde_json::from_str(include_str!("../../../../tests/helm-cases/sprig-b.json"))
                .unwrap_or_default();
        let mut checked = 0;
        let mut failures = Vec::new();
        for case in cases.as_array().into_iter().flatten() {
            let template = case["template"].as_str().unwrap_or_default();
            if case.get("values").is_some()
                || ["{{-", "-}}", "`"].iter().any(|m| template.contains(m))
                // scrypt (N = 32768) is too slow unoptimised; the crypto tests cover it.
                || template.contains("derivePassword 1 \"long\"")
                || template.contains("derivePassword 1 \"pin\"")
            {
                continue;
            }
            let Some(got) = render(template) else {
                continue;
            };
            let name = case["name"].as_str().unwrap_or_default();
            match (got, case.get("output"), case.get("error")) {
                (Ok(out), Some(want), _) => {
                    checked += 1;
                    if want.as_str() != Some(out.as_str()) {
                        failures.push(format!("{name}: got {out:?}, Helm {want}"));
                    }
                }
                (Err((f, msg)), _, Some(want)) => {
                    let want = want.as_str().unwrap_or_default();
                    if want.contains("error calling") {
                        checked += 1;
                        if !want.ends_with(&format!("error calling {f}: {msg}")) {
                            failures.push(format!("{name}: got error {msg:?}, Helm {want}"));
                        }
                    }
                }
                (got, _, _) => failures.push(format!("{name}: got {got:?}, Helm {case}")),
            }
        }
        eprintln!("{checked} oracle cases checked");
        assert!(
            failures.is_empty(),
            "{checked} checked:\n{}",
            failures.join("\n")
        );
        assert!(checked > 100, "only {checked} cases checked");
    }
}

#[cfg(test)]
mod registered {
    /// Every function this helper's modules own is in the function table.
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
