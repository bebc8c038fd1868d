//! The function catalog: signatures, type rules, default column names, cloud-only functions and
//! the names of all KQL built-ins.

use kql_semantics::Type;
use kql_semantics::functions::{
    self, CallError, FunctionInfo, FunctionKind, ParamType, ResultNaming, ReturnRule, is_builtin_name, lookup,
};

use Type::*;

fn f(name: &str) -> &'static FunctionInfo {
    lookup(name).unwrap_or_else(|| panic!("`{name}` is not in the catalog"))
}

fn ok(name: &str, args: &[Type]) -> Type {
    f(name).check(args).unwrap_or_else(|e| panic!("{name}{args:?}: {e}"))
}

fn err(name: &str, args: &[Type]) -> CallError {
    match f(name).check(args) {
        Ok(ty) => panic!("{name}{args:?} was accepted as {ty}"),
        Err(e) => e,
    }
}

/// Every built-in called five times or more in `../shared/corpus` (1,838 queries; string
/// literals and comments excluded), with its number of calls. This is the coverage target of
/// the catalog: each must have a signature.
const CORPUS_FUNCTIONS: &[(&str, usize)] = &[
    ("tostring", 944),
    ("now", 803),
    ("parse_json", 771),
    ("make_set", 741),
    ("count", 655),
    ("ago", 599),
    ("max", 416),
    ("min", 395),
    ("isnotempty", 239),
    ("dcount", 177),
    ("arg_max", 137),
    ("not", 133),
    ("iff", 130),
    ("extract", 123),
    ("tolower", 119),
    ("materialize", 107),
    ("bin", 100),
    ("isempty", 86),
    ("geo_info_from_ip_address", 80),
    ("split", 76),
    ("array_length", 68),
    ("pack_array", 56),
    ("strcat", 51),
    ("startofday", 41),
    ("countif", 41),
    ("makeset", 40),
    ("todynamic", 37),
    ("substring", 34),
    ("case", 32),
    ("extractjson", 30),
    ("parse_url", 30),
    ("replace_string", 30),
    ("trim", 25),
    ("todatetime", 23),
    ("strlen", 21),
    ("toscalar", 21),
    ("any", 19),
    ("todouble", 19),
    ("base64_decode_tostring", 19),
    ("datetime_diff", 19),
    ("coalesce", 17),
    ("bag_unpack", 15),
    ("replace", 14),
    ("toint", 14),
    ("sum", 14),
    ("ipv4_is_private", 13),
    ("ingestion_time", 12),
    ("indexof", 12),
    ("avg", 11),
    ("round", 11),
    ("series_decompose_anomalies", 10),
    ("iif", 10),
    ("make_set_if", 10),
    ("tobool", 10),
    ("string_size", 10),
    ("abs", 9),
    ("hash", 8),
    ("datetime_add", 8),
    ("dcountif", 8),
    ("column_ifexists", 8),
    ("startofyear", 8),
    ("startofweek", 8),
    ("endofyear", 8),
    ("countof", 7),
    ("ipv4_is_in_range", 7),
    ("arg_min", 7),
    ("tolong", 7),
    ("makelist", 6),
    ("make_list", 6),
    ("count_distinct", 6),
    ("pivot", 5),
    ("pack_dictionary", 5),
];

#[test]
fn every_function_used_five_times_in_the_corpus_has_a_signature() {
    let missing: Vec<&str> = CORPUS_FUNCTIONS
        .iter()
        .map(|&(name, _)| name)
        .filter(|name| lookup(name).is_none_or(|f| f.signatures.is_empty()))
        .collect();
    assert!(missing.is_empty(), "no signature for {missing:?}");
    for &(name, uses) in CORPUS_FUNCTIONS {
        assert!(uses >= 5, "{name}");
        let info = f(name);
        assert_ne!(info.kind, FunctionKind::CloudOnly, "{name}");
        assert!(info.doc.starts_with("https://learn.microsoft.com/en-us/kusto/query/"), "{name}: {}", info.doc);
        assert!(is_builtin_name(name), "{name}");
    }
}

#[test]
fn the_functions_the_brief_names_have_signatures() {
    let names = "count countif dcount dcountif sum sumif avg avgif min max minif maxif make_set make_set_if \
        make_list make_list_if make_bag make_bag_if arg_max arg_min take_any take_anyif any percentile \
        percentiles stdev variance tostring toint tolong toreal todouble tobool todatetime totimespan \
        todynamic parse_json toguid todecimal now ago bin floor startofday startofweek startofmonth endofday \
        datetime_diff datetime_add format_datetime format_timespan dayofweek hourofday getmonth getyear strcat \
        strcat_array split extract extract_all replace_regex replace_string replace trim trim_start trim_end \
        substring tolower toupper indexof strlen parse_url parse_path parse_command_line base64_decode_tostring \
        base64_encode_tostring url_decode iff iif case coalesce isempty isnotempty isnull isnotnull not \
        array_length array_concat array_slice array_index_of bag_keys bag_pack pack pack_all pack_array \
        set_has_element set_union set_intersect set_difference ipv4_is_private ipv4_is_in_range \
        ipv4_is_in_any_range ipv4_is_match parse_ipv4 hash_sha256 hash_md5 hash row_number prev next toscalar \
        materialize round abs log exp pow sqrt countof has_any_index column_ifexists gettype strcat_delim \
        reverse geo_info_from_ip_address zip series_decompose_anomalies dynamic_to_json bag_merge \
        bag_remove_keys array_sort_asc array_sort_desc bag_unpack pivot";
    let missing: Vec<&str> = names.split_whitespace().filter(|n| lookup(n).is_none()).collect();
    assert!(missing.is_empty(), "missing {missing:?}");
}

#[test]
fn arity_errors_say_what_is_expected() {
    assert_eq!(err("strlen", &[]), CallError::Arity { expected: "1".into(), found: 0 });
    assert_eq!(err("tostring", &[String, String]), CallError::Arity { expected: "1".into(), found: 2 });
    assert_eq!(err("substring", &[String]), CallError::Arity { expected: "2 or 3".into(), found: 1 });
    assert_eq!(err("substring", &[String, Long, Long, Long]), CallError::Arity { expected: "2 or 3".into(), found: 4 });
    assert_eq!(err("strcat", &[]), CallError::Arity { expected: "between 1 and 64".into(), found: 0 });
    assert_eq!(err("iff", &[Bool, Long]), CallError::Arity { expected: "3".into(), found: 2 });
    assert_eq!(err("coalesce", &[String]), CallError::Arity { expected: "between 2 and 64".into(), found: 1 });
    assert_eq!(err("pack_array", &[]), CallError::Arity { expected: "at least 1".into(), found: 0 });
    assert_eq!(err("now", &[TimeSpan, TimeSpan]), CallError::Arity { expected: "0 or 1".into(), found: 2 });
    assert_eq!(err("count", &[Bool, Bool]), CallError::Arity { expected: "0 or 1".into(), found: 2 });
    assert_eq!(err("extract", &[String, Long]), CallError::Arity { expected: "3 or 4".into(), found: 2 });
    // `case` takes predicate/value pairs and an else value; `bag_pack` takes key/value pairs.
    assert_eq!(err("case", &[Bool, Long]), CallError::Arity { expected: "3, 5, 7, ...".into(), found: 2 });
    assert_eq!(err("case", &[Bool, Long, Bool, Long]), CallError::Arity { expected: "3, 5, 7, ...".into(), found: 4 });
    assert_eq!(ok("case", &[Bool, Long, Bool, Long, Long]), Long);
    assert_eq!(
        err("bag_pack", &[String, Long, String]),
        CallError::Arity { expected: "2, 4, 6, ...".into(), found: 3 }
    );
    assert_eq!(ok("bag_pack", &[String, Long, String, DateTime]), Dynamic);
    assert_eq!(f("make_set").min_args, 1);
    assert_eq!(f("make_set").max_args, Some(2));
    assert_eq!(f("pack_array").max_args, None);
}

#[test]
fn argument_types_follow_kusto() {
    assert_eq!(
        err("strlen", &[Long]),
        CallError::ArgType { index: 0, expected: "string or dynamic".into(), found: Long }
    );
    assert_eq!(
        err("startofday", &[String]),
        CallError::ArgType { index: 0, expected: "datetime".into(), found: String }
    );
    assert_eq!(err("ago", &[Long]), CallError::ArgType { index: 0, expected: "timespan".into(), found: Long });
    assert_eq!(
        err("substring", &[String, Real]),
        CallError::ArgType { index: 1, expected: "an integer (int or long)".into(), found: Real }
    );
    assert_eq!(err("iff", &[Long, Long, Long]), CallError::ArgType { index: 0, expected: "bool".into(), found: Long });
    assert_eq!(err("not", &[Dynamic]), CallError::ArgType { index: 0, expected: "bool".into(), found: Dynamic });
    assert_eq!(
        err("array_length", &[String]),
        CallError::ArgType { index: 0, expected: "a dynamic array".into(), found: String }
    );
    assert!(matches!(err("sum", &[String]), CallError::ArgType { index: 0, .. }));
    assert!(matches!(err("max", &[Guid]), CallError::ArgType { index: 0, .. }));
    assert!(matches!(err("hash", &[Dynamic]), CallError::ArgType { index: 0, .. }));
    assert!(matches!(err("abs", &[String]), CallError::ArgType { index: 0, .. }));
    assert!(matches!(err("bin", &[DateTime, Long]), CallError::ArgType { index: 1, .. }));
    // No common type between a string and a long.
    assert!(matches!(err("coalesce", &[String, Long]), CallError::ArgType { index: 1, .. }));
}

#[test]
fn implicit_conversions_are_accepted() {
    // dynamic widens to string: functions over strings take dynamic values.
    assert_eq!(ok("strlen", &[Dynamic]), Long);
    assert_eq!(ok("tolower", &[Dynamic]), String);
    assert_eq!(ok("extract", &[String, Long, Dynamic]), String);
    assert_eq!(ok("replace_string", &[Dynamic, Dynamic, Dynamic]), String);
    assert_eq!(ok("todynamic", &[Dynamic]), Dynamic);
    // int widens to long, long to real.
    assert_eq!(ok("substring", &[String, Int, Int]), String);
    assert_eq!(ok("extract", &[String, Int, String]), String);
    assert_eq!(ok("round", &[Real, Int]), Real);
    assert_eq!(ok("startofday", &[DateTime, Int]), DateTime);
    // Conversions take anything.
    for ty in [Bool, Int, Long, Real, Decimal, String, DateTime, TimeSpan, Guid, Dynamic] {
        assert_eq!(ok("tostring", &[ty]), String);
        assert_eq!(ok("todatetime", &[ty]), DateTime);
        assert_eq!(ok("isnotempty", &[ty]), Bool);
    }
    // Unknown (an earlier error) matches everything and never causes a second error.
    assert_eq!(ok("startofday", &[Unknown]), DateTime);
    assert_eq!(ok("substring", &[Unknown, Unknown, Unknown]), String);
    assert_eq!(ok("bin", &[Unknown, TimeSpan]), Unknown);
    assert_eq!(ok("iff", &[Unknown, String, String]), String);
}

#[test]
fn return_types() {
    assert_eq!(ok("max", &[DateTime]), DateTime);
    assert_eq!(ok("min", &[String]), String);
    assert_eq!(ok("count", &[]), Long);
    assert_eq!(ok("countif", &[Bool]), Long);
    assert_eq!(ok("dcount", &[String]), Long);
    assert_eq!(ok("make_set", &[String]), Dynamic);
    assert_eq!(ok("make_list", &[Long, Int]), Dynamic);
    assert_eq!(ok("strcat", &[String, Long, DateTime]), String);
    assert_eq!(ok("bin", &[DateTime, TimeSpan]), DateTime);
    assert_eq!(ok("bin", &[TimeSpan, TimeSpan]), TimeSpan);
    assert_eq!(ok("bin", &[Int, Int]), Long);
    assert_eq!(ok("bin", &[Real, Long]), Real);
    assert_eq!(ok("floor", &[DateTime, TimeSpan]), DateTime);
    // iff and case pick the branch type; mixed branches become dynamic unless one is dynamic.
    assert_eq!(ok("iff", &[Bool, String, String]), String);
    assert_eq!(ok("iff", &[Bool, Long, Real]), Real);
    assert_eq!(ok("iff", &[Bool, String, Dynamic]), String);
    assert_eq!(ok("iff", &[Bool, DateTime, String]), Dynamic);
    assert_eq!(ok("case", &[Bool, Int, Bool, Long, Long]), Long);
    assert_eq!(ok("coalesce", &[Int, Long, Real]), Real);
    assert_eq!(ok("sum", &[Int]), Long);
    assert_eq!(ok("sum", &[Real]), Real);
    assert_eq!(ok("sum", &[TimeSpan]), TimeSpan);
    assert_eq!(ok("avg", &[Int]), Real);
    assert_eq!(ok("avg", &[Decimal]), Decimal);
    assert_eq!(ok("avg", &[DateTime]), DateTime);
    assert_eq!(ok("abs", &[Int]), Long);
    assert_eq!(ok("abs", &[Real]), Real);
    assert_eq!(ok("round", &[Int]), Int);
    assert_eq!(ok("percentile", &[Int, Long]), Long);
    assert_eq!(ok("arg_max", &[DateTime, Unknown]), DateTime);
    assert_eq!(ok("take_any", &[String]), String);
    assert_eq!(ok("column_ifexists", &[String, Long]), Long);
    assert_eq!(ok("prev", &[DateTime]), DateTime);
    assert_eq!(ok("row_number", &[]), Long);
    assert_eq!(ok("dayofweek", &[DateTime]), TimeSpan);
    assert_eq!(ok("hourofday", &[DateTime]), Int);
    assert_eq!(ok("datetime_diff", &[String, DateTime, DateTime]), Long);
    // The trailing typeof() argument gives the type (the binder passes the type it names).
    assert_eq!(ok("extract", &[String, Long, String, Long]), Long);
    assert_eq!(ok("extractjson", &[String, String, Real]), Real);
    assert_eq!(ok("parse_json", &[String]), Dynamic);
    assert_eq!(ok("split", &[String, String]), Dynamic);
}

#[test]
fn a_wrong_call_still_has_a_result_type() {
    let outcome = f("substring").check_call(&[String, Real]);
    assert!(outcome.error.is_some());
    assert_eq!(outcome.ty, String);
    assert_eq!(f("strlen").check_call(&[Long]).ty, Long);
    assert_eq!(f("tostring").check_call(&[]).ty, String);
}

#[test]
fn kinds() {
    assert_eq!(f("count").kind, FunctionKind::Aggregate);
    assert_eq!(f("make_set").kind, FunctionKind::Aggregate);
    assert_eq!(f("tostring").kind, FunctionKind::Scalar);
    assert_eq!(f("row_number").kind, FunctionKind::Window);
    assert_eq!(f("prev").kind, FunctionKind::Window);
    assert_eq!(f("next").kind, FunctionKind::Window);
    assert_eq!(f("bag_unpack").kind, FunctionKind::Plugin);
    assert_eq!(f("pivot").kind, FunctionKind::Plugin);
    assert_eq!(f("narrow").kind, FunctionKind::Plugin);
    // `any` is the deprecated aggregate (the graph-match predicate is not modelled).
    assert_eq!(f("any").kind, FunctionKind::Aggregate);
    assert_eq!(f("any").replaced_by, Some("take_any"));
    assert_eq!(f("makeset").replaced_by, Some("make_set"));
    assert_eq!(f("materialize").signatures[0].returns, ReturnRule::Table);
}

#[test]
fn lookup_is_case_sensitive() {
    assert!(lookup("tostring").is_some());
    assert!(lookup("ToString").is_none());
    assert!(lookup("COUNT").is_none());
    assert!(!is_builtin_name("ToString"));
}

#[test]
fn output_name_prefixes() {
    let prefix = |name: &str| f(name).output_name_prefix();
    assert_eq!(prefix("count"), Some("count"));
    assert_eq!(prefix("countif"), Some("countif"));
    assert_eq!(prefix("dcount"), Some("dcount"));
    assert_eq!(prefix("dcountif"), Some("dcountif"));
    assert_eq!(prefix("count_distinct"), Some("count_distinct"));
    assert_eq!(prefix("max"), Some("max"));
    assert_eq!(prefix("min"), Some("min"));
    assert_eq!(prefix("sum"), Some("sum"));
    assert_eq!(prefix("avg"), Some("avg"));
    assert_eq!(prefix("make_set"), Some("set"));
    assert_eq!(prefix("makeset"), Some("set"));
    assert_eq!(prefix("make_set_if"), Some("set"));
    assert_eq!(prefix("make_list"), Some("list"));
    assert_eq!(prefix("make_list_if"), Some("list"));
    assert_eq!(prefix("make_bag"), Some("bag"));
    assert_eq!(prefix("take_any"), Some("any"));
    assert_eq!(prefix("any"), Some("any"));
    assert_eq!(prefix("arg_max"), Some("max"));
    assert_eq!(prefix("arg_min"), Some("min"));
    assert_eq!(prefix("percentiles"), Some("percentile"));
    assert_eq!(prefix("tostring"), None);

    // Default column names, as Kusto gives them.
    let name = |func: &str, arg: Option<&str>, n: usize| f(func).result_name(arg, n);
    assert_eq!(name("count", None, 0).as_deref(), Some("count_"));
    assert_eq!(name("max", Some("Timestamp"), 1).as_deref(), Some("max_Timestamp"));
    assert_eq!(name("make_set", Some("ReportId"), 1).as_deref(), Some("set_ReportId"));
    assert_eq!(name("make_list", Some("X"), 1).as_deref(), Some("list_X"));
    assert_eq!(name("countif", None, 1).as_deref(), Some("countif_"));
    assert_eq!(name("dcount", Some("strlen_s"), 1).as_deref(), Some("dcount_strlen_s"));
    assert_eq!(name("strlen", Some("Name"), 1).as_deref(), Some("strlen_Name"));
    assert_eq!(name("tostring", Some("Name"), 1).as_deref(), Some("Name"));
    assert_eq!(name("bin", Some("Timestamp"), 2).as_deref(), Some("Timestamp"));
    assert_eq!(name("ingestion_time", None, 0).as_deref(), Some("$IngestionTime"));
    assert_eq!(name("strcat", Some("a"), 2), None);
    assert_eq!(f("take_any").naming, ResultNaming::Custom);
    assert_eq!(f("arg_max").naming, ResultNaming::Custom);
}

#[test]
fn cloud_only_functions() {
    for name in ["FileProfile", "DeviceFromIP", "SeenBy", "AssignedIPAddresses", "_GetWatchlist"] {
        let info = lookup(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(info.kind, FunctionKind::CloudOnly, "{name}");
        assert!(info.cloud_only_reason().is_some_and(|r| !r.is_empty()), "{name}");
        assert!(info.doc.starts_with("https://learn.microsoft.com/"), "{name}");
    }
    assert!(f("FileProfile").accepts_arg_count(0));
    assert!(f("FileProfile").accepts_arg_count(2));
    assert_eq!(f("tostring").cloud_only_reason(), None);
    assert!(lookup("fileprofile").is_none());
}

#[test]
fn unsupported_builtins_are_known_by_name() {
    for name in ["geo_point_to_s2cell", "series_fft", "hll_merge", "tdigest", "ai_embeddings", "__cast"] {
        assert!(is_builtin_name(name), "{name}");
        assert!(lookup(name).is_none(), "{name} should not be modelled");
    }
    assert!(!is_builtin_name("strcatt"));
    assert!(!is_builtin_name("DeviceProcessEvents"));
    // Every modelled function is a KQL built-in except the special forms and the cloud ones.
    for info in functions::catalog() {
        assert!(
            functions::builtin_names().contains(&info.name) || ["materialize", "toscalar"].contains(&info.name),
            "{}",
            info.name
        );
    }
    assert_eq!(functions::builtin_names().len(), 525);
    let all: Vec<&str> = functions::all_names().collect();
    assert!(all.contains(&"geo_point_to_s2cell") && all.contains(&"FileProfile") && all.contains(&"make_set"));
    let mut unique = all.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), all.len());
}

#[test]
fn parameters_are_described() {
    let sub = f("substring");
    let params = sub.signatures[0].arg_params(3).unwrap();
    assert_eq!(params.iter().map(|p| p.name).collect::<Vec<_>>(), ["string", "start", "length"]);
    assert!(params[2].is_optional());
    assert_eq!(params[1].ty, ParamType::Integer);
    let case = f("case").signatures[0].arg_params(5).unwrap();
    assert_eq!(case.iter().map(|p| p.name).collect::<Vec<_>>(), ["predicate", "then", "predicate", "then", "else"]);
    let delim = f("strcat_delim").signatures[0].arg_params(4).unwrap();
    assert_eq!(delim.iter().map(|p| p.name).collect::<Vec<_>>(), ["delimiter", "arg", "arg", "arg"]);
}

/// The differential check's Kusto.Language runner: reads `{"id", "text"}` lines, analyses each
/// query against a table `T` with one column per type, prints `{"id", "errors", "columns"}`.
const ORACLE_RUNNER: &str = r#"
const path = require('path'), fs = require('fs');
const dir = process.argv[2];
require(path.join(dir, 'bridge.min.js'));
require(path.join(dir, 'Kusto.Language.Bridge.min.js'));
const K = Kusto.Language, S = K.Symbols;
const list = (l) => { const o = []; if (l) for (let i = 0; i < l.Count; i++) o.push(l.getItem(i)); return o; };
const t = new S.TableSymbol.$ctor7('T', "(b:bool, i:int, l:long, r:real, m:decimal, s:string, d:datetime, t:timespan, g:guid, y:dynamic)", null);
const globals = K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.ctor('db', [t]));
for (const line of fs.readFileSync(0, 'utf8').split('\n').filter(Boolean)) {
  const q = JSON.parse(line), r = { id: q.id };
  try {
    const code = K.KustoCode.ParseAndAnalyze(q.text, globals);
    r.errors = list(code.GetDiagnostics()).filter((d) => String(d.Severity).toLowerCase() === 'error').map((d) => d.Message);
    const rt = code.ResultType;
    r.columns = rt && rt.Columns ? list(rt.Columns).map((c) => [c.Name, c.Type ? c.Type.Name : null]) : null;
  } catch (e) {
    r.crash = String(e);
  }
  process.stdout.write(JSON.stringify(r) + '\n');
}
"#;

const ALL_TYPES: [Type; 10] = [Bool, Int, Long, Real, Decimal, String, DateTime, TimeSpan, Guid, Dynamic];

fn column_of(ty: Type) -> &'static str {
    match ty {
        Bool => "b",
        Int => "i",
        Long => "l",
        Real => "r",
        Decimal => "m",
        String => "s",
        DateTime => "d",
        TimeSpan => "t",
        Guid => "g",
        _ => "y",
    }
}

fn literal_of(ty: Type) -> &'static str {
    match ty {
        Bool => "true",
        Int => "int(1)",
        Long => "1",
        Real => "1.5",
        Decimal => "decimal(1)",
        String => "\"a\"",
        DateTime => "datetime(2020-01-01)",
        TimeSpan => "1h",
        Guid => "guid(00000000-0000-0000-0000-000000000000)",
        _ => "dynamic(null)",
    }
}

/// A type the parameter accepts.
fn representative(ty: ParamType) -> Type {
    match ty {
        ParamType::OneOf(types) => types[0],
        ParamType::RealOrDecimal => Real,
        ParamType::StringOrDynamic | ParamType::StringOrArray => String,
        ParamType::DynamicArray | ParamType::DynamicBag => Dynamic,
        _ => Long,
    }
}

/// The source text of an argument of type `ty` for `param`: a column of `T`, or a literal
/// where Kusto wants one, or `typeof(...)`.
fn argument_text(param: &functions::Param, ty: Type) -> std::string::String {
    use functions::ArgForm;
    if param.ty == ParamType::TypeLiteral {
        return format!("typeof({})", ty.name());
    }
    match param.form {
        ArgForm::Literal(values) if ty == String && !values.is_empty() => format!("\"{}\"", values[0]),
        ArgForm::LiteralNotEmpty if ty == String && param.name == "format" => "\"yyyy\"".into(),
        ArgForm::Literal(_) | ArgForm::LiteralNotEmpty | ArgForm::Constant => literal_of(ty).into(),
        _ => column_of(ty).into(),
    }
}

/// Calls of every modelled function with arguments of every type: each argument position
/// varied alone, and all combinations for overloaded or common-type functions of up to three
/// arguments; plus one argument too few and one too many.
fn differential_cases() -> Vec<(&'static FunctionInfo, Vec<Type>, std::string::String)> {
    let mut cases = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for info in functions::catalog() {
        if matches!(info.kind, FunctionKind::Plugin | FunctionKind::CloudOnly)
            || ["materialize", "toscalar"].contains(&info.name)
        {
            continue;
        }
        let wrap = |call: std::string::String| match info.kind {
            FunctionKind::Aggregate => format!("T | summarize x={call}"),
            FunctionKind::Window => format!("T | serialize | extend x={call} | project x"),
            _ => format!("T | extend x={call} | project x"),
        };
        let mut push = |args: Vec<Type>, call: std::string::String| {
            let query = wrap(call);
            if seen.insert(query.clone()) {
                cases.push((info, args, query));
            }
        };
        for s in info.signatures {
            let most = s.max_args.unwrap_or(usize::MAX).min(s.min_args + 3);
            for n in s.min_args..=most {
                let Some(params) = s.arg_params(n) else { continue };
                if params.iter().any(|p| matches!(p.form, functions::ArgForm::StarOnly)) {
                    continue;
                }
                let base: Vec<Type> = params.iter().map(|p| representative(p.ty)).collect();
                let mut variants = vec![base.clone()];
                for i in 0..n {
                    for ty in ALL_TYPES {
                        let mut v = base.clone();
                        v[i] = ty;
                        variants.push(v);
                    }
                }
                let overloaded = info.signatures.len() > 1
                    || !matches!(s.returns, ReturnRule::Fixed(_))
                    || params.iter().any(|p| format!("{:?}", p.ty).starts_with("Common"));
                if overloaded && n <= 3 {
                    let mut all = vec![vec![]];
                    for _ in 0..n {
                        all = all
                            .into_iter()
                            .flat_map(|v: Vec<Type>| ALL_TYPES.map(|t| [v.clone(), vec![t]].concat()))
                            .collect();
                    }
                    variants.extend(all);
                }
                for v in variants {
                    let text: Vec<_> = params.iter().zip(&v).map(|(p, &t)| argument_text(p, t)).collect();
                    push(v, format!("{}({})", info.name, text.join(", ")));
                }
            }
        }
        let mut counts = vec![info.min_args.wrapping_sub(1)];
        counts.extend(info.max_args.map(|m| m + 1));
        for n in counts.into_iter().filter(|&n| n <= 70) {
            push(vec![Long; n], format!("{}({})", info.name, vec!["l"; n].join(", ")));
        }
    }
    cases
}

/// Differential check against Microsoft's binder, Kusto.Language (`scripts/oracle`, installed
/// with `npm ci --prefix scripts/oracle`; needs Node): some 35,000 calls, each with typed column
/// arguments; Kusto's verdict (error or not) and result type must match `check_call`'s. Errors
/// Kusto gives about an argument's form (a literal or constant is required) are left out:
/// `check` sees only types. About two minutes:
/// `cargo test -p kql-semantics --test functions -- --ignored`.
#[test]
#[ignore]
fn agrees_with_kusto_language() {
    use std::io::Write;
    let package = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts/oracle/node_modules/@kusto/language-service-next");
    if !package.exists() {
        eprintln!("Kusto.Language is not installed ({}); nothing to compare", package.display());
        return;
    }
    let cases = differential_cases();
    let runner = std::env::temp_dir().join(format!("quarry-function-oracle-{}.js", std::process::id()));
    std::fs::write(&runner, ORACLE_RUNNER).expect("write the runner");
    let mut child = std::process::Command::new("node")
        .arg(&runner)
        .arg(&package)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run node");
    let input: std::string::String = cases
        .iter()
        .enumerate()
        .map(|(i, (_, _, q))| serde_json::json!({"id": i, "text": q}).to_string() + "\n")
        .collect();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("node output");
    writer.join().unwrap().expect("write queries");
    let _ = std::fs::remove_file(&runner);

    let mut mismatches = Vec::new();
    let mut compared = 0;
    for line in std::string::String::from_utf8(output.stdout).unwrap().lines() {
        let result: serde_json::Value = serde_json::from_str(line).unwrap();
        let (info, args, query) = &cases[result["id"].as_u64().unwrap() as usize];
        let Some(errors) = result["errors"].as_array() else { continue }; // Kusto.Language crashed
        let errors: Vec<&str> = errors.iter().filter_map(|e| e.as_str()).collect();
        let form_only = |m: &&str| {
            m.contains("must be a constant")
                || m.contains("must be a literal")
                || m.contains("one of the values")
                || m.contains("does not refer to")
        };
        let kusto_error = errors.iter().any(|m| !m.contains("does not refer to"));
        if kusto_error && errors.iter().all(form_only) {
            continue;
        }
        compared += 1;
        let outcome = info.check_call(args);
        let kusto_type = result["columns"].get(0).and_then(|c| c[1].as_str());
        let typed = info.signatures.iter().all(|s| !matches!(s.returns, ReturnRule::Columns | ReturnRule::Table));
        if outcome.error.is_some() != kusto_error {
            mismatches.push(format!("{query}: ours {:?}, Kusto {errors:?}", outcome.error));
        } else if !kusto_error && typed && kusto_type.is_some_and(|t| t != outcome.ty.name()) {
            mismatches.push(format!("{query}: ours {}, Kusto {}", outcome.ty, kusto_type.unwrap()));
        }
    }
    for m in &mismatches {
        eprintln!("{m}");
    }
    eprintln!("{compared} calls compared, {} disagreements", mismatches.len());
    assert!(compared > 10_000, "only {compared} calls compared");
    assert!(mismatches.is_empty());
}
