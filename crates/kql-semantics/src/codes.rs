//! Semantic diagnostic codes. `KB0xx` are errors Kusto would give; `KB1xx` are warnings a
//! careful reviewer would give. Numbers are never reused.

/// A table name that is neither in the catalog nor bound by `let`.
/// Example: `DeviceProcesEvents | take 1`.
pub const UNKNOWN_TABLE: &str = "KB001";
/// A column the input does not have. Example: `DeviceNetworkEvents | project AccountUpn`.
pub const UNKNOWN_COLUMN: &str = "KB002";
/// A function that is not built in and not bound by `let`. Example: `strcatt(a, b)`.
pub const UNKNOWN_FUNCTION: &str = "KB003";
/// A built-in function Kusto has and Quarry does not model yet. Valid KQL; reported so that a
/// user knows Quarry cannot check (or run) it. Warning.
pub const UNSUPPORTED_FUNCTION: &str = "KB004";
/// Too few or too many arguments. Example: `substring()`.
pub const ARGUMENT_COUNT: &str = "KB005";
/// An argument of the wrong type. Example: `strlen(Timestamp)`.
pub const ARGUMENT_TYPE: &str = "KB006";
/// An operator applied to operands of the wrong type. Example: `FileSize has "x"`,
/// `count_ > "5"`.
pub const OPERAND_TYPE: &str = "KB007";
/// An aggregate function outside `summarize` (or `make-series`, `top-nested`).
/// Example: `extend n = count()`.
pub const AGGREGATE_OUTSIDE_SUMMARIZE: &str = "KB008";
/// A function or source that exists only in Defender XDR's or Sentinel's cloud
/// (`FileProfile`, `DeviceFromIP`, `_GetWatchlist`, `externaldata` over a URL).
pub const CLOUD_ONLY: &str = "KB009";
/// A table where a scalar is needed, or a scalar where a table is needed.
pub const EXPECTED_TABLE_OR_SCALAR: &str = "KB010";
/// A `where` predicate (or other condition) that is not a bool.
pub const NOT_A_BOOL: &str = "KB011";
/// A join key that one side does not have, or a malformed `on` condition.
pub const JOIN_KEY: &str = "KB012";
/// A type name that KQL does not have. Example: `to typeof(varchar)`.
pub const UNKNOWN_TYPE: &str = "KB013";
/// A literal that cannot be what its type says. Example: `datetime(2024-13-45)`.
pub const INVALID_LITERAL: &str = "KB014";
/// A `let` name declared twice in the same scope.
/// Example: `let window = 1d; let window = 2d;`.
pub const DUPLICATE_LET: &str = "KB015";
/// The same output column named twice (`project a, a`, `project-reorder a, a`).
pub const DUPLICATE_COLUMN: &str = "KB016";
/// A table passed to a function whose tabular parameter requires columns the table lacks.
pub const MISSING_REQUIRED_COLUMNS: &str = "KB017";

/// A `has` needle that can never match a whole term (empty, or only spaces and punctuation).
pub const HAS_NEVER_MATCHES: &str = "KB101";
/// `==`/`!=`/`in` on a file, path, command line or URL column with a mixed-case literal:
/// Windows names are case-insensitive, so the comparison misses other spellings; use `=~`,
/// `!~` or `in~`.
pub const CASE_SENSITIVE_COMPARE: &str = "KB102";
