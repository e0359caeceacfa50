//! The template functions: Sprig v3.3 as Helm exposes it, and Helm's own functions.
//!
//! Every function carries its Go signature ([`Sig`]) so the executor can apply Go's argument
//! rules: an ideal constant (`4`, `"x"`) converts to the parameter type, anything else must
//! already have it (`trunc .Values.n` fails with `wrong type for value; expected int; got
//! float64` because values files give `float64`).
//!
//! Functions that need the executing template set (`include`, `tpl`) and the lazy `and`/`or`
//! are handled by the executor; they are listed here with [`FuncDef::special`] so that
//! parse-time name checks know them.

use crate::value::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

pub mod crypto;
pub mod dates;
pub mod defaults;
pub mod dicts;
pub mod encoding;
pub mod helm;
pub mod lists;
pub mod numeric;
pub mod paths;
pub mod reflect;
pub mod regex;
pub mod semver;
pub mod serial;
pub mod strings;

/// A Go parameter type, as far as argument checking needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `interface {}`: accepts anything, including nil.
    Any,
    /// `string`.
    String,
    /// `int`.
    Int,
    /// `int64`.
    Int64,
    /// `float64`.
    Float64,
    /// `bool`.
    Bool,
    /// `map[string]interface {}` (also accepts `chartutil.Values`; nil becomes a nil map).
    Map,
    /// `[]interface {}` (nil becomes a nil slice).
    List,
    /// `[]string`.
    StrList,
    /// `[]byte`.
    Bytes,
}

impl Ty {
    /// Go's spelling of the type, for error messages.
    #[must_use]
    pub fn go_name(self) -> &'static str {
        match self {
            Ty::Any => "interface {}",
            Ty::String => "string",
            Ty::Int => "int",
            Ty::Int64 => "int64",
            Ty::Float64 => "float64",
            Ty::Bool => "bool",
            Ty::Map => "map[string]interface {}",
            Ty::List => "[]interface {}",
            Ty::StrList => "[]string",
            Ty::Bytes => "[]uint8",
        }
    }
}

/// A Go function signature: fixed parameters, then optionally a variadic one.
#[derive(Clone, Copy, Debug)]
pub struct Sig {
    /// The fixed parameters.
    pub params: &'static [Ty],
    /// The element type of a final `...T` parameter.
    pub variadic: Option<Ty>,
}

impl Sig {
    /// A signature with fixed parameters only.
    #[must_use]
    pub const fn fixed(params: &'static [Ty]) -> Sig {
        Sig {
            params,
            variadic: None,
        }
    }

    /// A signature with fixed parameters and a final `...T`.
    #[must_use]
    pub const fn variadic(params: &'static [Ty], rest: Ty) -> Sig {
        Sig {
            params,
            variadic: Some(rest),
        }
    }
}

/// Per-render state a function may use.
#[derive(Debug, Clone)]
pub struct FuncCtx {
    /// State of the deterministic generator behind the random stand-ins (`randAlphaNum`,
    /// `uuidv4`, keys and certificates): a scan must not change from run to run.
    pub rng: u64,
    /// Seconds since the Unix epoch that `now` returns (fixed, for reproducible output).
    pub now_unix: i64,
    /// The longest string a function may build, in bytes (`repeat`, `indent`, `join`…).
    pub max_string_bytes: usize,
    /// The longest list a function may build (`until`, `untilStep`, `seq`…).
    pub max_list_len: usize,
}

impl Default for FuncCtx {
    fn default() -> Self {
        FuncCtx {
            rng: 0x6b75_6265_7761_7264,
            now_unix: 0,
            max_string_bytes: 16 << 20,
            max_list_len: 1 << 20,
        }
    }
}

impl FuncCtx {
    /// The next number of the deterministic generator (SplitMix64).
    pub fn next_u64(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Fails when a string of `len` bytes would exceed [`FuncCtx::max_string_bytes`].
    ///
    /// # Errors
    ///
    /// The limit's name and value.
    pub fn check_string_len(&self, len: usize) -> Result<(), String> {
        if len > self.max_string_bytes {
            return Err(format!(
                "string of {len} bytes exceeds the limit of {} bytes (limit max-string-bytes={})",
                self.max_string_bytes, self.max_string_bytes
            ));
        }
        Ok(())
    }

    /// Fails when a list of `len` items would exceed [`FuncCtx::max_list_len`].
    ///
    /// # Errors
    ///
    /// The limit's name and value.
    pub fn check_list_len(&self, len: usize) -> Result<(), String> {
        if len > self.max_list_len {
            return Err(format!(
                "list of {len} items exceeds the limit of {} items (limit max-list-len={})",
                self.max_list_len, self.max_list_len
            ));
        }
        Ok(())
    }
}

/// A function implemented in Rust: it gets its arguments already checked and converted
/// against its [`Sig`], and returns a value or the error Go's function would return (or
/// the message of the panic Go would recover).
pub type NativeFn = fn(&mut FuncCtx, Vec<Value>) -> Result<Value, String>;

/// One entry of the function table.
#[derive(Clone, Copy)]
pub struct FuncDef {
    /// The name templates call.
    pub name: &'static str,
    /// The Go signature.
    pub sig: Sig,
    /// The implementation; `None` for [`FuncDef::special`] functions.
    pub call: Option<NativeFn>,
}

impl FuncDef {
    /// A function implemented in Rust.
    #[must_use]
    pub const fn new(name: &'static str, sig: Sig, call: NativeFn) -> FuncDef {
        FuncDef {
            name,
            sig,
            call: Some(call),
        }
    }

    /// A function the executor implements itself (`and`, `or`, `include`, `tpl`, `call`…).
    #[must_use]
    pub const fn special(name: &'static str, sig: Sig) -> FuncDef {
        FuncDef {
            name,
            sig,
            call: None,
        }
    }
}

impl std::fmt::Debug for FuncDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FuncDef")
            .field("name", &self.name)
            .field("sig", &self.sig)
            .finish_non_exhaustive()
    }
}

/// Every function table of the crate, in registration order: a later table overrides an
/// earlier one (Helm's functions override Sprig's, as in Helm's `funcMap`).
const TABLES: &[&[FuncDef]] = &[
    strings::FUNCS,
    encoding::FUNCS,
    numeric::FUNCS,
    regex::FUNCS,
    paths::FUNCS,
    reflect::FUNCS,
    defaults::FUNCS,
    lists::FUNCS,
    dicts::FUNCS,
    semver::FUNCS,
    dates::FUNCS,
    crypto::FUNCS,
    serial::FUNCS,
    helm::FUNCS,
];

/// The function map of Helm 3 (Sprig v3.3 without `env`/`expandenv`, plus Helm's
/// functions). Go's built-in functions (`and`, `len`, `printf`…) are the executor's.
pub fn table() -> &'static HashMap<&'static str, FuncDef> {
    static TABLE: OnceLock<HashMap<&'static str, FuncDef>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for table in TABLES {
            for def in *table {
                map.insert(def.name, *def);
            }
        }
        map
    })
}

/// Looks a function up by name.
#[must_use]
pub fn lookup(name: &str) -> Option<&'static FuncDef> {
    table().get(name)
}
