//! Reflection: typeOf, typeIs, typeIsLike, kindOf, kindIs, deepEqual.

use super::strings::{arg, arg_str};
use super::{FuncCtx, FuncDef, Sig, Ty};
use crate::value::Value;

const A: Ty = Ty::Any;
const S: Ty = Ty::String;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::new("typeOf", Sig::fixed(&[A]), type_of),
    FuncDef::new("typeIs", Sig::fixed(&[S, A]), type_is),
    FuncDef::new("typeIsLike", Sig::fixed(&[S, A]), type_is_like),
    FuncDef::new("kindOf", Sig::fixed(&[A]), kind_of),
    FuncDef::new("kindIs", Sig::fixed(&[S, A]), kind_is),
    FuncDef::new("deepEqual", Sig::fixed(&[A, A]), deep_equal),
];

fn type_of(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(arg(&args, 0).type_name()))
}

fn type_is(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(arg_str(&args, 0) == arg(&args, 1).type_name()))
}

fn type_is_like(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let (target, t) = (arg_str(&args, 0), arg(&args, 1).type_name());
    Ok(Value::Bool(
        target == t || t.strip_prefix('*') == Some(target),
    ))
}

fn kind_of(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(arg(&args, 0).kind_name()))
}

fn kind_is(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(arg_str(&args, 0) == arg(&args, 1).kind_name()))
}

fn deep_equal(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(arg(&args, 0).deep_equal(arg(&args, 1))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: super::super::NativeFn, args: Vec<Value>) -> String {
        let mut ctx = FuncCtx::default();
        f(&mut ctx, args).map_or_else(|e| e, |v| v.to_go_string())
    }

    // Expected values: Sprig v3.3.0 in Go.
    #[test]
    fn types_and_kinds() {
        assert_eq!(call(type_of, vec![Value::Float(1.0)]), "float64");
        assert_eq!(call(type_of, vec![Value::Nil]), "<nil>");
        assert_eq!(call(kind_of, vec![Value::Nil]), "invalid");
        assert_eq!(call(kind_of, vec![Value::str_list(vec![])]), "slice");
        assert_eq!(
            call(kind_is, vec![Value::str("map"), Value::empty_map()]),
            "true"
        );
        assert_eq!(
            call(type_is_like, vec![Value::str("int"), Value::Int(1)]),
            "true"
        );
        assert_eq!(
            call(deep_equal, vec![Value::Int(1), Value::Float(1.0)]),
            "false"
        );
        assert_eq!(call(deep_equal, vec![Value::Nil, Value::Invalid]), "true");
    }
}
