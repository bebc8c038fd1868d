//! The function catalog: what Quarry knows about KQL's built-in functions.
//!
//! Three sets of names:
//!
//! - the **catalog** ([`lookup`]): functions Quarry models, each with its kind (scalar, aggregate,
//!   window, `evaluate` plugin), its signatures (parameter types, optional and repeated
//!   parameters, return-type rule), the default column name Kusto gives its result, and a link to
//!   its page in the KQL reference. It covers every built-in the rule corpus calls five times or
//!   more, and the common string, date, number, IP, array and aggregate functions beyond them;
//! - the **cloud-only** functions of Defender XDR and Sentinel (`FileProfile`, `DeviceFromIP`,
//!   `_GetWatchlist`...): [`lookup`] returns them with [`FunctionKind::CloudOnly`] and the reason
//!   Quarry cannot run them offline;
//! - **every built-in name** Kusto has ([`is_builtin_name`], from
//!   `data/builtin-function-names.txt`), so that a valid function Quarry does not model is reported
//!   as unsupported rather than unknown.
//!
//! Signatures mirror Microsoft's own binder (Kusto.Language): the same parameter type classes
//! ("a number", "summable", "string or dynamic"...), the same implicit widening
//! (`int` → `long` → `real` → `decimal`, and `dynamic` → `string`), the same result-type rules.
//! Names are case-sensitive, as in Kusto.

mod catalog;
mod cloud;

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use crate::types::Type;

/// What kind of function a name denotes; it decides where a call may appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FunctionKind {
    /// A row-by-row function, usable in any expression.
    Scalar,
    /// An aggregation, usable only in `summarize` (and `make-series`, `top-nested`).
    Aggregate,
    /// A scalar function over serialized input (`row_number`, `prev`, `next`...): the input must
    /// be serialized (`serialize`, `order by`, `sort`, `top`) before it is called.
    Window,
    /// A plugin invoked with `evaluate` (`bag_unpack`, `pivot`...); it returns a table whose
    /// columns depend on the data.
    Plugin,
    /// A function of the hosted Defender XDR or Sentinel service, not of the KQL language.
    CloudOnly,
}

/// The types an argument may have, mirroring Kusto.Language's parameter type classes.
///
/// An argument of type [`Type::Unknown`] matches every class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    /// Anything, including a table.
    Any,
    /// Any scalar.
    Scalar,
    /// One of these types, or a type that widens to one of them (`int` → `long` → `real` →
    /// `decimal`, `dynamic` → `string`).
    OneOf(&'static [Type]),
    /// A type literal, `typeof(long)`: the binder passes the type it names.
    TypeLiteral,
    /// `int` or `long`.
    Integer,
    /// `real` or `decimal`.
    RealOrDecimal,
    /// `string` or `dynamic`.
    StringOrDynamic,
    /// `string` or a dynamic array.
    StringOrArray,
    /// `int`, `long` or a dynamic array.
    IntegerOrArray,
    /// A dynamic array (any `dynamic` value is accepted statically).
    DynamicArray,
    /// A dynamic property bag (any `dynamic` value is accepted statically).
    DynamicBag,
    /// `int`, `long`, `real` or `decimal`.
    Number,
    /// A number or `bool`.
    NumberOrBool,
    /// A number, `datetime` or `timespan`.
    Summable,
    /// A number, `datetime`, `timespan`, `string` or `bool`.
    Orderable,
    /// Any scalar but `real` and `bool`.
    NotRealOrBool,
    /// Any scalar but `dynamic`.
    NotDynamic,
    /// Any scalar but `bool`.
    NotBool,
    /// Any scalar; all `Common*` arguments of a call must share one type (after widening).
    CommonScalar,
    /// A number; all `Common*` arguments share one type.
    CommonNumber,
    /// A summable type; all `Common*` arguments share one type.
    CommonSummable,
    /// An orderable type; all `Common*` arguments share one type.
    CommonOrderable,
    /// Any scalar; arguments of different types are reconciled as `dynamic` (the branches of
    /// `iff` and `case`).
    CommonScalarOrDynamic,
    /// A table.
    Tabular,
}

/// What syntactic form an argument must have, beyond its type. [`FunctionInfo::check`] only
/// sees types; the binder checks forms it cares about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgForm {
    /// Any expression.
    Expression,
    /// Only `*`.
    StarOnly,
    /// An expression or `*` (`arg_max(Timestamp, *)`, `take_any(*)`).
    StarAllowed,
    /// A column reference.
    Column,
    /// A constant (a literal, or a `let` bound to one).
    Constant,
    /// A literal; when the list is not empty, one of these values (`datetime_diff("day", ...)`).
    Literal(&'static [&'static str]),
    /// A non-empty string literal.
    LiteralNotEmpty,
    /// An aggregate call (`pivot`'s second argument).
    Aggregate,
}

/// Upper bound of a parameter's occurrences meaning "as many as wanted".
pub const MANY: u16 = u16::MAX;

/// One parameter of a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    /// The name the KQL reference uses.
    pub name: &'static str,
    /// The accepted types.
    pub ty: ParamType,
    /// The accepted syntactic form.
    pub form: ArgForm,
    /// Minimum occurrences: 0 for an optional parameter.
    pub min: u16,
    /// Maximum occurrences: above 1 for a repeated parameter, [`MANY`] for unbounded.
    pub max: u16,
}

/// How a signature's arguments map to its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// In order; optional parameters come last. A single repeated parameter takes the arguments
    /// between the parameters before it and those after it (`strcat_delim(delim, a, b, c)`).
    Positional,
    /// The repeated parameters form a block that repeats, then the remaining parameters follow:
    /// `case(p1, v1, p2, v2, ..., else)`, `bag_pack(k1, v1, k2, v2, ...)`.
    Block,
}

/// How a call's result type follows from its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnRule {
    /// Always this type.
    Fixed(Type),
    /// The type of the argument given for parameter *i* (`max`, `round`, `column_ifexists`).
    Arg(usize),
    /// The type of the argument for parameter *i*, with `int` widened to `long` (`sum`,
    /// `percentile`).
    PromotedArg(usize),
    /// A percentile of the first argument: its type, with `int` widened to `long` and `decimal`
    /// computed as `real` (`percentile`; also the type of each `percentiles` column).
    Percentile,
    /// The type named by the trailing `typeof(...)` argument (`extract(re, 1, s, typeof(long))`).
    LiteralType,
    /// The common type of the `Common*` arguments (`coalesce`, `min_of`).
    Common,
    /// The common type of the non-`dynamic` `Common*` arguments, `dynamic` when there are none
    /// (`iff`, `case`).
    CommonNonDynamic,
    /// The widest numeric argument type, `int` widened to `long` (`bin` on numbers).
    Widest,
    /// An aggregate whose result is a row of columns (`arg_max`, `take_any`, `percentiles`): the
    /// binder builds the columns; [`FunctionInfo::check`] returns the first argument's type.
    Columns,
    /// A table (plugins, `materialize`): the binder builds it; `check` returns `Unknown`.
    Table,
    /// The first column of a tabular argument (`toscalar`): the binder computes it; `check`
    /// returns `Unknown`.
    FirstColumn,
}

/// One way to call a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The parameters, in order.
    pub params: &'static [Param],
    /// How arguments map to parameters.
    pub layout: Layout,
    /// How the result type is computed.
    pub returns: ReturnRule,
    /// Fewest arguments accepted.
    pub min_args: usize,
    /// Most arguments accepted; `None` when unbounded.
    pub max_args: Option<usize>,
}

/// How Kusto names the column a call produces when the query does not name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultNaming {
    /// No default name: `Column1`, `Column2`... (`strcat(a, b)`, `iff(...)`).
    Unnamed,
    /// The first argument's name (`tostring(Name)` → `Name`, `bin(Timestamp, 1h)` →
    /// `Timestamp`), else `ColumnN`.
    FirstArgument,
    /// The argument's name when there is exactly one argument.
    OnlyArgument,
    /// Prefix, `_`, and the first argument's name, or just prefix and `_` when the argument has
    /// no name: `count()` → `count_`, `max(Timestamp)` → `max_Timestamp`, `make_set(ReportId)` →
    /// `set_ReportId`, `strlen(Name)` → `strlen_Name`.
    PrefixAndFirstArgument,
    /// Prefix, `_`, and the argument's name when there is exactly one argument.
    PrefixAndOnlyArgument,
    /// The prefix alone (`ingestion_time()` → `$IngestionTime`).
    PrefixOnly,
    /// The first argument's value when it names an existing column (`column_ifexists`).
    FirstArgumentValueIfColumn,
    /// Rules of their own, one column per argument: `take_any(A, B)` keeps `A` and `B` (an
    /// unnamed expression becomes `any_arg0`); `arg_max(T, A)` keeps `T` and `A` (unnamed:
    /// `max_`, `max_T_arg1`); `percentiles(X, 50, 95)` gives `percentile_X_50`,
    /// `percentile_X_95`. The prefix is the one used for unnamed expressions.
    Custom,
}

/// A function the catalog knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FunctionInfo {
    /// The name, as written in KQL (case-sensitive).
    pub name: &'static str,
    /// Scalar, aggregate, window, plugin or cloud-only.
    pub kind: FunctionKind,
    /// Fewest arguments any signature accepts.
    pub min_args: usize,
    /// Most arguments any signature accepts; `None` when unbounded (Kusto's limits of 32,767 and
    /// above count as unbounded).
    pub max_args: Option<usize>,
    /// The function's page in the KQL reference (or the Defender / Sentinel documentation).
    pub doc: &'static str,
    /// What the function does, in one line; for a cloud-only function, why Quarry cannot run it.
    pub description: &'static str,
    /// The ways to call it. Kusto picks the best match for the argument types.
    pub signatures: &'static [Signature],
    /// How its result column is named by default.
    pub naming: ResultNaming,
    /// The prefix of the default column name (see [`ResultNaming`]).
    pub prefix: Option<&'static str>,
    /// For a deprecated name, the function that replaces it.
    pub replaced_by: Option<&'static str>,
}

/// Why a call does not type-check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The number of arguments is not one the function accepts; `expected` reads like "1",
    /// "2 or 3", "between 1 and 64", "at least 2", "3, 5, 7, ...".
    Arity { expected: String, found: usize },
    /// Argument `index` (0-based) has a type the function does not accept; `expected` reads like
    /// "string", "a number", "string or dynamic", "summable (a number, timespan or datetime)".
    ArgType { index: usize, expected: String, found: Type },
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Arity { expected, found } => write!(f, "expected {expected} arguments, found {found}"),
            CallError::ArgType { index, expected, found } => {
                write!(f, "argument {} must be {expected}, found {found}", index + 1)
            }
        }
    }
}

impl std::error::Error for CallError {}

/// The outcome of checking a call: the result type Kusto gives it (also when the call is wrong,
/// as Kusto does, so that one mistake does not cascade) and the first error, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallCheck {
    /// The result type.
    pub ty: Type,
    /// The first problem found.
    pub error: Option<CallError>,
}

/// The catalog entry for `name` (case-sensitive), including cloud-only functions.
///
/// `any` is the (deprecated) aggregate; the graph-match predicate of the same name is not
/// modelled.
pub fn lookup(name: &str) -> Option<&'static FunctionInfo> {
    index().get(name).copied()
}

/// Whether `name` is a function Kusto has (all of KQL's built-ins, whether or not Quarry models
/// them) or one the catalog knows (including the cloud-only ones).
pub fn is_builtin_name(name: &str) -> bool {
    builtin_names().contains(&name) || lookup(name).is_some()
}

/// Every function name known: the catalog, the cloud-only functions and all KQL built-ins, each
/// once, in no particular order. For "did you mean" suggestions.
pub fn all_names() -> impl Iterator<Item = &'static str> {
    catalog::FUNCTIONS
        .iter()
        .chain(cloud::CLOUD_ONLY)
        .map(|f| f.name)
        .chain(builtin_names().iter().copied().filter(|n| lookup(n).is_none()))
}

/// The functions the catalog models (not the cloud-only ones), sorted by name.
pub fn catalog() -> &'static [FunctionInfo] {
    catalog::FUNCTIONS
}

/// The cloud-only functions.
pub fn cloud_only() -> &'static [FunctionInfo] {
    cloud::CLOUD_ONLY
}

/// All KQL built-in function names, from `data/builtin-function-names.txt`.
pub fn builtin_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        include_str!("../../data/builtin-function-names.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

fn index() -> &'static HashMap<&'static str, &'static FunctionInfo> {
    static INDEX: OnceLock<HashMap<&'static str, &'static FunctionInfo>> = OnceLock::new();
    INDEX.get_or_init(|| catalog::FUNCTIONS.iter().chain(cloud::CLOUD_ONLY).map(|f| (f.name, f)).collect())
}

// ---------------------------------------------------------------------------------------------
// Construction helpers for the tables in `catalog.rs` and `cloud.rs`.

/// A required parameter.
pub(crate) const fn p(name: &'static str, ty: ParamType) -> Param {
    Param { name, ty, form: ArgForm::Expression, min: 1, max: 1 }
}

/// An optional parameter.
pub(crate) const fn opt(name: &'static str, ty: ParamType) -> Param {
    Param { name, ty, form: ArgForm::Expression, min: 0, max: 1 }
}

/// A parameter repeated between `min` and `max` times.
pub(crate) const fn rep(name: &'static str, ty: ParamType, min: u16, max: u16) -> Param {
    Param { name, ty, form: ArgForm::Expression, min, max }
}

impl Param {
    /// The same parameter with a required syntactic form.
    pub(crate) const fn form(self, form: ArgForm) -> Param {
        Param { form, ..self }
    }

    /// Whether the parameter may be left out.
    pub fn is_optional(&self) -> bool {
        self.min == 0
    }

    /// Whether the parameter may be given more than once.
    pub fn is_repeated(&self) -> bool {
        self.max > 1
    }
}

const fn add_max(total: Option<usize>, max: u16) -> Option<usize> {
    match total {
        None => None,
        Some(_) if max == MANY => None,
        Some(t) => Some(t + max as usize),
    }
}

/// A signature whose arguments map to parameters in order.
pub(crate) const fn sig(params: &'static [Param], returns: ReturnRule) -> Signature {
    let mut min = 0;
    let mut max = Some(0);
    let mut i = 0;
    while i < params.len() {
        min += params[i].min as usize;
        max = add_max(max, params[i].max);
        i += 1;
    }
    // Kusto's limits of 32,767 arguments and more are "unbounded" in practice.
    if let Some(m) = max
        && m >= 32767
    {
        max = None;
    }
    Signature { params, layout: Layout::Positional, returns, min_args: min, max_args: max }
}

/// A signature whose repeated parameters repeat as a block (`case`, `bag_pack`).
pub(crate) const fn block(params: &'static [Param], returns: ReturnRule) -> Signature {
    let mut min = 0;
    let mut i = 0;
    while i < params.len() {
        min += if params[i].max > 1 { 1 } else { params[i].min as usize };
        i += 1;
    }
    Signature { params, layout: Layout::Block, returns, min_args: min, max_args: None }
}

impl FunctionInfo {
    /// A catalog entry; argument-count bounds are derived from the signatures.
    pub(crate) const fn new(
        name: &'static str,
        kind: FunctionKind,
        doc: &'static str,
        description: &'static str,
        signatures: &'static [Signature],
    ) -> FunctionInfo {
        let mut min = usize::MAX;
        let mut max = Some(0);
        let mut i = 0;
        while i < signatures.len() {
            let s = &signatures[i];
            if s.min_args < min {
                min = s.min_args;
            }
            max = match (max, s.max_args) {
                (Some(a), Some(b)) => Some(if a > b { a } else { b }),
                _ => None,
            };
            i += 1;
        }
        if signatures.is_empty() {
            min = 0;
        }
        FunctionInfo {
            name,
            kind,
            min_args: min,
            max_args: max,
            doc,
            description,
            signatures,
            naming: ResultNaming::Unnamed,
            prefix: None,
            replaced_by: None,
        }
    }

    /// Sets the default-name rule and its prefix.
    pub(crate) const fn named(self, naming: ResultNaming, prefix: Option<&'static str>) -> FunctionInfo {
        FunctionInfo { naming, prefix, ..self }
    }

    /// Marks the name as deprecated in favour of another.
    pub(crate) const fn replaced_by(self, name: &'static str) -> FunctionInfo {
        FunctionInfo { replaced_by: Some(name), ..self }
    }

    /// For an aggregate (or a function named like one), the prefix of the default name of its
    /// result column: `count` → `count` (`count_`), `max` → `max` (`max_Timestamp`), `make_set`
    /// → `set`, `make_list` → `list`, `make_bag` → `bag`, `take_any` → `any`, `arg_max` → `max`,
    /// `percentiles` → `percentile`; also scalar functions named that way (`strlen` →
    /// `strlen_Name`, `gettype` → `type_X`). `None` when the function names its result some
    /// other way (see [`FunctionInfo::naming`]).
    pub fn output_name_prefix(&self) -> Option<&'static str> {
        match self.naming {
            ResultNaming::PrefixAndFirstArgument | ResultNaming::PrefixAndOnlyArgument | ResultNaming::Custom => {
                self.prefix
            }
            _ => None,
        }
    }

    /// The name Kusto gives the result of a call, given the name of its first argument (a column
    /// name, a dotted path flattened with `_`, or the default name of a nested call) and the
    /// number of arguments. `None` means Kusto names it `ColumnN`. Not for
    /// [`ResultNaming::Custom`] functions, whose names are per argument, nor for
    /// [`ResultNaming::FirstArgumentValueIfColumn`].
    pub fn result_name(&self, first_arg_name: Option<&str>, arg_count: usize) -> Option<String> {
        let first = first_arg_name.filter(|n| !n.is_empty());
        let prefixed = |arg: Option<&str>| {
            let prefix = self.prefix.unwrap_or(self.name);
            Some(format!("{prefix}_{}", arg.unwrap_or("")))
        };
        match self.naming {
            ResultNaming::Unnamed | ResultNaming::Custom | ResultNaming::FirstArgumentValueIfColumn => None,
            ResultNaming::FirstArgument => first.map(str::to_string),
            ResultNaming::OnlyArgument => first.filter(|_| arg_count == 1).map(str::to_string),
            ResultNaming::PrefixAndFirstArgument => prefixed(first),
            ResultNaming::PrefixAndOnlyArgument => prefixed(first.filter(|_| arg_count == 1)),
            ResultNaming::PrefixOnly => self.prefix.map(str::to_string),
        }
    }

    /// For a cloud-only function, why Quarry cannot run it.
    pub fn cloud_only_reason(&self) -> Option<&'static str> {
        (self.kind == FunctionKind::CloudOnly).then_some(self.description)
    }

    /// Whether `count` arguments is an accepted number for some signature.
    pub fn accepts_arg_count(&self, count: usize) -> bool {
        self.signatures.iter().any(|s| s.accepts_count(count))
    }

    /// The accepted argument counts, in words: "1", "2 or 3", "between 1 and 64", "at least 2",
    /// "3, 5, 7, ...".
    pub fn arity_text(&self) -> String {
        if let Some(text) = self.block_arity_text() {
            return text;
        }
        let Some(max) = self.max_args else {
            return format!("at least {}", self.min_args);
        };
        let counts: Vec<usize> = (self.min_args..=max).filter(|&n| self.accepts_arg_count(n)).collect();
        match counts.as_slice() {
            [] => "0".to_string(),
            [one] => one.to_string(),
            [a, b] => format!("{a} or {b}"),
            [first, .., last] if counts.len() == last - first + 1 => format!("between {first} and {last}"),
            [init @ .., last] => {
                let init: Vec<String> = init.iter().map(usize::to_string).collect();
                format!("{} or {last}", init.join(", "))
            }
        }
    }

    fn block_arity_text(&self) -> Option<String> {
        let [only] = self.signatures else { return None };
        if only.layout != Layout::Block {
            return None;
        }
        let step = only.params.iter().filter(|p| p.is_repeated()).count();
        let first = only.min_args;
        Some(format!("{first}, {}, {}, ...", first + step, first + 2 * step))
    }

    /// Checks a call's arguments: their number and their types (`Type::Unknown` matches
    /// anything; pass `Unknown` for `*` and for tabular arguments, and for a `typeof(T)` argument
    /// pass `T`). Returns the result type.
    ///
    /// The rules are Kusto.Language's: implicit widening `int` → `long` → `real` → `decimal` and
    /// `dynamic` → `string` for declared types; the parameter classes of [`ParamType`]; the best
    /// matching signature when there are several.
    pub fn check(&self, args: &[Type]) -> Result<Type, CallError> {
        let outcome = self.check_call(args);
        match outcome.error {
            None => Ok(outcome.ty),
            Some(e) => Err(e),
        }
    }

    /// Like [`FunctionInfo::check`], but also gives the result type Kusto assigns to a wrong
    /// call (for example `substring(1.5, "x")` is still a `string`).
    pub fn check_call(&self, args: &[Type]) -> CallCheck {
        if self.kind == FunctionKind::CloudOnly {
            return CallCheck { ty: Type::Unknown, error: None };
        }
        let candidates: Vec<&Signature> = self.signatures.iter().filter(|s| s.accepts_count(args.len())).collect();
        if candidates.is_empty() {
            let ty = self.fallback_type(args);
            return CallCheck { ty, error: Some(CallError::Arity { expected: self.arity_text(), found: args.len() }) };
        }
        let evals: Vec<Eval<'_>> = candidates.iter().map(|s| Eval::new(s, args)).collect();
        let chosen = choose(&evals, args);
        if let [one] = chosen.as_slice() {
            let eval = &evals[*one];
            return CallCheck { ty: eval.result_type(args), error: eval.first_error(args) };
        }
        // Several signatures fit equally well (Kusto: "not compatible with arguments"). The
        // result type is theirs if they agree. The error is the one of the signatures that get
        // furthest, naming every type they would accept there.
        let types: Vec<Type> = chosen.iter().map(|&i| evals[i].result_type(args)).collect();
        let ty = if types.iter().all(|&t| t == types[0]) { types[0] } else { Type::Unknown };
        let errors: Vec<Option<CallError>> = chosen.iter().map(|&i| evals[i].first_error(args)).collect();
        if errors.iter().any(Option::is_none) {
            return CallCheck { ty, error: None };
        }
        let at = |e: &Option<CallError>| match e {
            Some(CallError::ArgType { index, .. }) => *index,
            _ => 0,
        };
        let furthest = errors.iter().map(at).max().unwrap_or(0);
        let mut expected: Vec<String> = Vec::new();
        let mut found = Type::Unknown;
        for e in errors.iter().filter(|e| at(e) == furthest) {
            if let Some(CallError::ArgType { expected: words, found: t, .. }) = e {
                found = *t;
                if !expected.contains(words) {
                    expected.push(words.clone());
                }
            }
        }
        let expected = match expected.as_slice() {
            [init @ .., last] if !init.is_empty() => format!("{} or {last}", init.join(", ")),
            _ => expected.join(""),
        };
        CallCheck { ty, error: Some(CallError::ArgType { index: furthest, expected, found }) }
    }

    /// The result type to assume when no signature takes this many arguments: the common result
    /// of the signatures when they agree, else `Unknown`.
    fn fallback_type(&self, args: &[Type]) -> Type {
        let mut found: Option<Type> = None;
        for s in self.signatures {
            let ty = match s.returns {
                ReturnRule::Fixed(t) => t,
                ReturnRule::Arg(0) | ReturnRule::Columns => args.first().copied().unwrap_or(Type::Unknown),
                _ => return Type::Unknown,
            };
            match found {
                None => found = Some(ty),
                Some(t) if t == ty => {}
                Some(_) => return Type::Unknown,
            }
        }
        found.unwrap_or(Type::Unknown)
    }
}

impl Signature {
    /// Whether this signature takes `count` arguments.
    pub fn accepts_count(&self, count: usize) -> bool {
        if count < self.min_args || self.max_args.is_some_and(|m| count > m) {
            return false;
        }
        match self.layout {
            Layout::Positional => true,
            Layout::Block => {
                let step = self.params.iter().filter(|p| p.is_repeated()).count();
                let fixed = self.params.len() - step;
                count >= fixed + step && (count - fixed).is_multiple_of(step)
            }
        }
    }

    /// The parameter each of `count` arguments binds to, or `None` when this signature does not
    /// take `count` arguments.
    pub fn arg_params(&self, count: usize) -> Option<Vec<&'static Param>> {
        if !self.accepts_count(count) {
            return None;
        }
        let params = self.params;
        let mut out = Vec::with_capacity(count);
        match self.layout {
            Layout::Block => {
                let block: Vec<&'static Param> = params.iter().filter(|p| p.is_repeated()).collect();
                let rest: Vec<&'static Param> = params.iter().filter(|p| !p.is_repeated()).collect();
                let repeated = count - rest.len();
                for i in 0..repeated {
                    out.push(block[i % block.len()]);
                }
                out.extend(rest);
            }
            Layout::Positional => match params.iter().position(Param::is_repeated) {
                None => out.extend(params.iter().take(count)),
                Some(r) => {
                    let after = &params[r + 1..];
                    let before = &params[..r];
                    let tail = after.len().min(count.saturating_sub(before.len() + params[r].min as usize));
                    let middle = count - before.len().min(count) - tail;
                    out.extend(before.iter().take(count));
                    out.extend(std::iter::repeat_n(&params[r], middle));
                    out.extend(after.iter().take(tail));
                }
            },
        }
        Some(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Type rules.

/// How well an argument matches a parameter; higher is better (Kusto's `ParameterMatchKind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Match {
    None,
    Unknown,
    Promoted,
    NotType,
    OneOfMany,
    Scalar,
    Summable,
    Orderable,
    Number,
    Integer,
    Exact,
}

/// Whether a value of type `from` is accepted where `to` is declared: the same type, or an
/// implicit widening.
fn widens_to(from: Type, to: Type) -> bool {
    use Type::*;
    from == to
        || matches!(
            (from, to),
            (Int, Long | Real | Decimal) | (Long, Real | Decimal) | (Real, Decimal) | (Dynamic, String)
        )
}

fn is_summable(t: Type) -> bool {
    t.is_numeric() || matches!(t, Type::DateTime | Type::TimeSpan)
}

fn is_orderable(t: Type) -> bool {
    is_summable(t) || matches!(t, Type::String | Type::Bool)
}

/// The common type of two types when every value of one can be held by the other (or by
/// `dynamic` when `via_dynamic`).
fn common_pair(a: Type, b: Type, via_dynamic: bool) -> Option<Type> {
    if a == b {
        Some(a)
    } else if a.is_unknown() || b.is_unknown() {
        Some(Type::Unknown)
    } else if a == Type::Dynamic || b == Type::Dynamic {
        Some(Type::Dynamic)
    } else if widens_to(a, b) {
        Some(b)
    } else if widens_to(b, a) {
        Some(a)
    } else if via_dynamic {
        Some(Type::Dynamic)
    } else {
        None
    }
}

/// Whether `ty` takes part in the common type of a `Common*` parameter.
fn joins_common(kind: ParamType, ty: Type) -> bool {
    match kind {
        ParamType::CommonScalar | ParamType::CommonScalarOrDynamic => true,
        ParamType::CommonNumber => ty.is_numeric() || ty.is_unknown(),
        ParamType::CommonSummable => is_summable(ty) || ty.is_unknown(),
        ParamType::CommonOrderable => is_orderable(ty) || ty.is_unknown(),
        _ => false,
    }
}

/// The common type of the arguments bound to `Common*` parameters. `Err(index)` when argument
/// `index` has no common type with the ones before it. `Ok(None)` when there are none.
fn common_type(params: &[&Param], args: &[Type], ignore_dynamic: bool) -> Result<Option<Type>, usize> {
    let mut common: Option<Type> = None;
    for (i, (param, &ty)) in params.iter().zip(args).enumerate() {
        if !joins_common(param.ty, ty) || (ignore_dynamic && ty == Type::Dynamic) {
            continue;
        }
        let via_dynamic = param.ty == ParamType::CommonScalarOrDynamic;
        common = match common {
            None => Some(ty),
            Some(c) => Some(common_pair(c, ty, via_dynamic).ok_or(i)?),
        };
    }
    if common.is_none() && ignore_dynamic {
        return common_type(params, args, false);
    }
    Ok(common)
}

impl ParamType {
    /// How well an argument of type `ty` matches, given the call's common type for `Common*`
    /// parameters.
    fn match_kind(self, ty: Type, common: Option<Type>) -> Match {
        use ParamType as P;
        if ty.is_unknown() {
            return Match::Unknown;
        }
        let yes = |ok: bool, m: Match| if ok { m } else { Match::None };
        match self {
            P::Any => Match::Unknown,
            P::Scalar => Match::Scalar,
            P::TypeLiteral => Match::Exact,
            P::OneOf(types) => {
                if types.contains(&ty) {
                    if types.len() == 1 { Match::Exact } else { Match::OneOfMany }
                } else if types.iter().any(|&t| widens_to(ty, t)) {
                    Match::Promoted
                } else {
                    Match::None
                }
            }
            P::Integer => yes(ty.is_integer(), Match::Integer),
            P::RealOrDecimal => yes(matches!(ty, Type::Real | Type::Decimal), Match::OneOfMany),
            P::StringOrDynamic | P::StringOrArray => yes(matches!(ty, Type::String | Type::Dynamic), Match::OneOfMany),
            P::IntegerOrArray => yes(ty.is_integer() || ty == Type::Dynamic, Match::OneOfMany),
            P::DynamicArray | P::DynamicBag => yes(ty == Type::Dynamic, Match::OneOfMany),
            P::Number => yes(ty.is_numeric(), Match::Number),
            P::NumberOrBool => yes(ty.is_numeric() || ty == Type::Bool, Match::Number),
            P::Summable => yes(is_summable(ty), Match::Summable),
            P::Orderable => yes(is_orderable(ty), Match::Orderable),
            P::NotRealOrBool => yes(!matches!(ty, Type::Real | Type::Bool), Match::NotType),
            P::NotDynamic => yes(ty != Type::Dynamic, Match::NotType),
            P::NotBool => yes(ty != Type::Bool, Match::NotType),
            P::CommonScalar | P::CommonNumber | P::CommonSummable | P::CommonOrderable | P::CommonScalarOrDynamic => {
                match common {
                    None => Match::None,
                    Some(c) if c == ty || c.is_unknown() => Match::Exact,
                    Some(c) if widens_to(ty, c) => Match::Promoted,
                    Some(Type::Dynamic) if self == P::CommonScalarOrDynamic => Match::Exact,
                    Some(_) if ty == Type::Dynamic && self == P::CommonScalarOrDynamic => Match::Exact,
                    Some(_) if self == P::CommonScalarOrDynamic => Match::Promoted,
                    Some(_) => Match::None,
                }
            }
            P::Tabular => Match::None,
        }
    }

    /// The error for an argument of type `ty`, if it is not accepted: the words for what was
    /// expected.
    fn error(self, ty: Type, common: Option<Type>) -> Option<String> {
        use ParamType as P;
        if ty.is_unknown() {
            return None;
        }
        let ok = match self {
            P::Any | P::Scalar | P::TypeLiteral | P::CommonScalarOrDynamic => true,
            P::Tabular => false,
            P::CommonScalar => common.is_none_or(|c| widens_to(ty, c) || c.is_unknown()),
            P::CommonNumber | P::CommonSummable | P::CommonOrderable => {
                let kind = match self {
                    P::CommonNumber => P::Number,
                    P::CommonSummable => P::Summable,
                    _ => P::Orderable,
                };
                if kind.match_kind(ty, None) == Match::None {
                    return Some(kind.describe());
                }
                common.is_none_or(|c| widens_to(ty, c) || c.is_unknown())
            }
            _ => self.match_kind(ty, common) != Match::None,
        };
        if ok {
            None
        } else if let (true, Some(c)) = (self.is_common(), common) {
            Some(c.name().to_string())
        } else {
            Some(self.describe())
        }
    }

    fn is_common(self) -> bool {
        use ParamType as P;
        matches!(
            self,
            P::CommonScalar | P::CommonNumber | P::CommonSummable | P::CommonOrderable | P::CommonScalarOrDynamic
        )
    }

    /// What this class accepts, in words fit for "must be ...".
    pub fn describe(self) -> String {
        use ParamType as P;
        match self {
            P::Any => "any value".into(),
            P::Scalar | P::CommonScalar | P::CommonScalarOrDynamic => "a scalar".into(),
            P::OneOf(types) => {
                let names: Vec<&str> = types.iter().map(|t| t.name()).collect();
                match names.as_slice() {
                    [] => "a value".into(),
                    [one] => (*one).into(),
                    [init @ .., last] => format!("{} or {last}", init.join(", ")),
                }
            }
            P::TypeLiteral => "a type literal such as typeof(long)".into(),
            P::Integer => "an integer (int or long)".into(),
            P::RealOrDecimal => "real or decimal".into(),
            P::StringOrDynamic => "string or dynamic".into(),
            P::StringOrArray => "a string or a dynamic array".into(),
            P::IntegerOrArray => "an integer or a dynamic array".into(),
            P::DynamicArray => "a dynamic array".into(),
            P::DynamicBag => "a dynamic property bag".into(),
            P::Number | P::CommonNumber => "a number".into(),
            P::NumberOrBool => "a number or bool".into(),
            P::Summable | P::CommonSummable => "summable (a number, timespan or datetime)".into(),
            P::Orderable | P::CommonOrderable => "orderable (a number, timespan, datetime, string or bool)".into(),
            P::NotRealOrBool => "a scalar other than real or bool".into(),
            P::NotDynamic => "a scalar other than dynamic".into(),
            P::NotBool => "a scalar other than bool".into(),
            P::Tabular => "a table".into(),
        }
    }
}

/// One candidate signature, evaluated against the argument types.
struct Eval<'s> {
    sig: &'s Signature,
    params: Vec<&'static Param>,
    common: Result<Option<Type>, usize>,
    matches: Vec<Match>,
}

impl<'s> Eval<'s> {
    fn new(sig: &'s Signature, args: &[Type]) -> Eval<'s> {
        let params = sig.arg_params(args.len()).expect("candidate signatures accept the argument count");
        let common = common_type(&params, args, false);
        let c = common.ok().flatten();
        let matches = params.iter().zip(args).map(|(p, &t)| p.ty.match_kind(t, c)).collect();
        Eval { sig, params, common, matches }
    }

    fn match_count(&self) -> usize {
        self.matches.iter().filter(|&&m| m != Match::None).count()
    }

    fn worst(&self) -> Match {
        self.matches.iter().copied().min().unwrap_or(Match::Exact)
    }

    fn best(&self) -> Match {
        self.matches.iter().copied().max().unwrap_or(Match::None)
    }

    fn first_error(&self, args: &[Type]) -> Option<CallError> {
        let common = self.common.ok().flatten();
        for (index, (param, &found)) in self.params.iter().zip(args).enumerate() {
            if let Some(expected) = param.ty.error(found, common) {
                return Some(CallError::ArgType { index, expected, found });
            }
        }
        if let Err(index) = self.common {
            let before = common_type(&self.params[..index], &args[..index], false).ok().flatten();
            let expected = before.map_or_else(|| self.params[index].ty.describe(), |t| t.name().to_string());
            return Some(CallError::ArgType { index, expected, found: args[index] });
        }
        None
    }

    fn arg_for(&self, param_index: usize, args: &[Type]) -> Type {
        let param = &self.sig.params[param_index];
        self.params
            .iter()
            .position(|p| std::ptr::eq(*p, param))
            .and_then(|i| args.get(i).copied())
            .unwrap_or(Type::Unknown)
    }

    fn result_type(&self, args: &[Type]) -> Type {
        match self.sig.returns {
            ReturnRule::Fixed(t) => t,
            ReturnRule::Arg(i) => self.arg_for(i, args),
            ReturnRule::PromotedArg(i) => match self.arg_for(i, args) {
                Type::Int => Type::Long,
                t => t,
            },
            ReturnRule::Percentile => match args.first().copied().unwrap_or(Type::Unknown) {
                Type::Int => Type::Long,
                Type::Decimal => Type::Real,
                t => t,
            },
            ReturnRule::LiteralType => args.last().copied().unwrap_or(Type::Unknown),
            ReturnRule::Common => self.common.ok().flatten().unwrap_or(Type::Unknown),
            ReturnRule::CommonNonDynamic => {
                common_type(&self.params, args, true).ok().flatten().unwrap_or(Type::Unknown)
            }
            ReturnRule::Widest => widest(args),
            ReturnRule::Columns => args.first().copied().unwrap_or(Type::Unknown),
            ReturnRule::Table | ReturnRule::FirstColumn => Type::Unknown,
        }
    }
}

/// The widest numeric type among `args`, `int` widened to `long`.
fn widest(args: &[Type]) -> Type {
    if args.iter().any(|t| t.is_unknown()) {
        return Type::Unknown;
    }
    let rank = |t: &Type| match t {
        Type::Int => 1,
        Type::Long => 2,
        Type::Real => 3,
        Type::Decimal => 4,
        _ => 0,
    };
    match args.iter().filter(|t| t.is_numeric()).max_by_key(|t| rank(t)) {
        Some(Type::Int) => Type::Long,
        Some(&t) => t,
        None => Type::Unknown,
    }
}

/// Picks the signature Kusto would bind, following Kusto.Language's overload resolution: the
/// candidates matching the most arguments; among those, one that matches every argument, then
/// the best worst-argument match, then the best best-argument match. Several indexes when that
/// leaves a tie.
fn choose(evals: &[Eval<'_>], args: &[Type]) -> Vec<usize> {
    let most = evals.iter().map(Eval::match_count).max().unwrap_or(0);
    let remaining: Vec<usize> = (0..evals.len()).filter(|&i| evals[i].match_count() == most).collect();
    if remaining.len() <= 1 {
        return remaining;
    }
    let n = args.len();
    let compare = |a: &Eval<'_>, b: &Eval<'_>| -> std::cmp::Ordering {
        let (ca, cb) = (a.match_count(), b.match_count());
        if ca == n && cb < n {
            return std::cmp::Ordering::Greater;
        }
        if cb == n && ca < n {
            return std::cmp::Ordering::Less;
        }
        a.worst().cmp(&b.worst()).then(a.best().cmp(&b.best())).then(ca.cmp(&cb))
    };
    let best = remaining
        .iter()
        .copied()
        .reduce(|best, i| if compare(&evals[i], &evals[best]).is_gt() { i } else { best })
        .unwrap_or(0);
    let tied: Vec<usize> = remaining.into_iter().filter(|&i| compare(&evals[i], &evals[best]).is_eq()).collect();
    tied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_sorted_and_unique() {
        let names: Vec<&str> = catalog::FUNCTIONS.iter().map(|f| f.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        for f in cloud::CLOUD_ONLY {
            assert!(!names.contains(&f.name), "{} is both cloud-only and in the catalog", f.name);
        }
    }

    #[test]
    fn every_signature_is_well_formed() {
        for f in catalog::FUNCTIONS.iter().chain(cloud::CLOUD_ONLY) {
            assert!(f.doc.starts_with("https://learn.microsoft.com/"), "{}: {}", f.name, f.doc);
            assert!(!f.description.is_empty(), "{}", f.name);
            for s in f.signatures {
                let repeated = s.params.iter().filter(|p| p.is_repeated()).count();
                match s.layout {
                    Layout::Positional => assert!(repeated <= 1, "{}", f.name),
                    Layout::Block => assert!(repeated >= 2, "{}", f.name),
                }
                // Optional parameters come after the required ones (of the same signature).
                let first_optional = s.params.iter().position(|p| p.min == 0 && p.max == 1);
                if let Some(i) = first_optional {
                    assert!(s.params[i..].iter().all(|p| p.min == 0), "{}: required after optional", f.name);
                }
                for n in s.min_args..=s.max_args.unwrap_or(s.min_args + 6) {
                    if let Some(params) = s.arg_params(n) {
                        assert_eq!(params.len(), n, "{} with {n} arguments", f.name);
                    }
                }
            }
        }
    }

    #[test]
    fn widening_follows_kusto() {
        assert!(widens_to(Type::Int, Type::Real));
        assert!(widens_to(Type::Dynamic, Type::String));
        assert!(!widens_to(Type::String, Type::Dynamic));
        assert!(!widens_to(Type::Real, Type::Long));
        assert_eq!(common_pair(Type::Int, Type::Real, false), Some(Type::Real));
        assert_eq!(common_pair(Type::String, Type::Long, false), None);
        assert_eq!(common_pair(Type::String, Type::Long, true), Some(Type::Dynamic));
    }
}
