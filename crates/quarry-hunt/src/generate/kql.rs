//! KQL predicates built from catalogue indicators.
//!
//! Operator choices, checked against the KQL reference:
//! - `has` / `has_any` match whole terms, case-insensitively
//!   (<https://learn.microsoft.com/kusto/query/has-anyoperator>,
//!   <https://learn.microsoft.com/kusto/query/datatypes-string-operators>): `'ScreenConnect'`
//!   matches the company `ScreenConnect Software` but not `ScreenConnectX Ltd`. Used for PE
//!   company and product names and for certificate signers, as the seed rules do.
//! - `in~` is case-insensitive equality with any of a list
//!   (<https://learn.microsoft.com/kusto/query/in-cs-operator>). Used for file names.
//! - `matches regex` uses RE2 syntax (<https://learn.microsoft.com/kusto/query/re2>), where
//!   `(?i)` makes the match case-insensitive. Used where the indicator has a structure terms
//!   cannot express: a domain and its subdomains, paths with wildcards, registry keys under
//!   any control set.

use crate::catalog::Tool;

/// A KQL string literal: single-quoted, with `\` and `'` escaped
/// (<https://learn.microsoft.com/kusto/query/scalar-data-types/string>).
pub fn string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A verbatim KQL string literal `@'...'`, for regular expressions: backslashes stay as they
/// are, a `'` is doubled.
pub fn verbatim(value: &str) -> String {
    format!("@'{}'", value.replace('\'', "''"))
}

/// `column has 'v'` for one value, `column has_any ('a', 'b')` for several.
pub fn has_any(column: &str, values: &[&str]) -> Option<String> {
    match values {
        [] => None,
        [one] => Some(format!("{column} has {}", string(one))),
        many => Some(format!("{column} has_any ({})", list(many))),
    }
}

/// `column in~ ('a', 'b')`.
pub fn in_ci(column: &str, values: &[&str]) -> Option<String> {
    (!values.is_empty()).then(|| format!("{column} in~ ({})", list(values)))
}

fn list(values: &[&str]) -> String {
    values.iter().map(|v| string(v)).collect::<Vec<_>>().join(", ")
}

fn push_unique<'a>(into: &mut Vec<&'a str>, value: &'a str) {
    let value = value.trim();
    if !value.is_empty() && !into.iter().any(|v| v.eq_ignore_ascii_case(value)) {
        into.push(value);
    }
}

/// The process predicate of a tool over `DeviceProcessEvents`.
///
/// A process is the tool's when its version information names the tool's company and product
/// (both, where the catalogue gives both), or when its file name or original file name is one of
/// the tool's. `None` when the tool has no usable executable.
pub fn process(tool: &Tool) -> Option<String> {
    const COMPANY: &str = "ProcessVersionInfoCompanyName";
    const PRODUCT: &str = "ProcessVersionInfoProductName";
    // Pairs sharing a product are folded into one `has_any` over their companies.
    let mut by_product: Vec<(&str, Vec<&str>)> = Vec::new();
    let (mut companies, mut products, mut files, mut originals) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for exe in &tool.executables {
        let (company, product) = (exe.company.trim(), exe.product.trim());
        match (company.is_empty(), product.is_empty()) {
            (false, false) => match by_product.iter_mut().find(|(p, _)| p.eq_ignore_ascii_case(product)) {
                Some((_, cs)) => push_unique(cs, company),
                None => by_product.push((product, vec![company])),
            },
            (false, true) => push_unique(&mut companies, company),
            (true, false) => push_unique(&mut products, product),
            (true, true) => {}
        }
        push_unique(&mut files, &exe.file_name);
        push_unique(&mut originals, &exe.original_file_name);
    }
    let mut terms: Vec<String> = Vec::new();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (product, cs) in &by_product {
        if let (Some(c), Some(p)) = (has_any(COMPANY, cs), has_any(PRODUCT, &[product])) {
            pairs.push((c, p));
        }
    }
    let alone =
        pairs.len() == 1 && companies.is_empty() && products.is_empty() && files.is_empty() && originals.is_empty();
    if alone {
        // One company-and-product pair alone needs no parentheses: the seed rules' own shape.
        let (c, p) = &pairs[0];
        return Some(format!("{c}\n    and {p}"));
    }
    terms.extend(pairs.iter().map(|(c, p)| format!("({c}\n        and {p})")));
    terms.extend(has_any(COMPANY, &companies));
    terms.extend(has_any(PRODUCT, &products));
    terms.extend(in_ci("FileName", &files));
    terms.extend(in_ci("ProcessVersionInfoOriginalFileName", &originals));
    (!terms.is_empty()).then(|| terms.join("\n    or "))
}

/// The signer predicate: `Signer has_any (...)`.
pub fn signers(tool: &Tool) -> Option<String> {
    let mut values = Vec::new();
    for s in &tool.signers {
        push_unique(&mut values, s);
    }
    has_any("Signer", &values)
}

/// A catalogue domain, checked: lower-case host labels of letters, digits, `-` and `_`, at
/// least two labels, optionally after `*.`. `None` for anything else (wildcards elsewhere,
/// regular expressions, URLs), which the generator skips.
pub fn parse_domain(domain: &str) -> Option<(bool, String)> {
    let d = domain.trim().to_ascii_lowercase();
    let (wildcard, host) = match d.strip_prefix("*.") {
        Some(rest) => (true, rest.to_string()),
        None => (false, d),
    };
    let labels: Vec<&str> = host.split('.').collect();
    let ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    ok.then_some((wildcard, host))
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The domain predicate over `RemoteUrl`: a term pre-filter (`has_any` on the registered part,
/// cheap in Kusto's term index) and a regular expression that anchors the domain to the whole
/// host, so `x.example.com` matches `*.example.com` while `example.com.evil.net`,
/// `notexample.com` and `myexample.com` do not. The URL may carry a scheme, user info, a port
/// and a path: `RemoteUrl` holds a host name or a full URL depending on the connection.
pub fn domains(tool: &Tool) -> Option<String> {
    let mut exact: Vec<String> = Vec::new();
    let mut wild: Vec<String> = Vec::new();
    let mut terms: Vec<String> = Vec::new();
    for d in &tool.domains {
        let Some((wildcard, host)) = parse_domain(d) else { continue };
        let list = if wildcard { &mut wild } else { &mut exact };
        if !list.contains(&host) {
            list.push(host.clone());
        }
        if !terms.contains(&host) {
            terms.push(host);
        }
    }
    if terms.is_empty() {
        return None;
    }
    // `example.com` already covers `*.example.com`.
    wild.retain(|w| !exact.contains(w));
    let label = r"[a-z0-9_\-]+\.";
    let mut alternatives = Vec::new();
    if !exact.is_empty() {
        let hosts: Vec<String> = exact.iter().map(|h| regex_escape(h)).collect();
        alternatives.push(format!("(?:{label})*(?:{})", hosts.join("|")));
    }
    if !wild.is_empty() {
        let hosts: Vec<String> = wild.iter().map(|h| regex_escape(h)).collect();
        alternatives.push(format!("(?:{label})+(?:{})", hosts.join("|")));
    }
    let pattern =
        format!(r"(?i)^(?:[a-z][a-z0-9+.\-]*://)?(?:[^/@]*@)?(?:{})\.?(?::[0-9]+)?(?:[/?#]|$)", alternatives.join("|"));
    let term_refs: Vec<&str> = terms.iter().map(String::as_str).collect();
    let prefilter = has_any("RemoteUrl", &term_refs)?;
    Some(format!("{prefilter}\n    and RemoteUrl matches regex {}", verbatim(&pattern)))
}

/// Path segments too common to identify a tool on their own; a path made only of these (and
/// wildcards) is skipped.
const GENERIC_SEGMENTS: &[&str] = &[
    "c:",
    "program files",
    "program files (x86)",
    "programdata",
    "windows",
    "system32",
    "syswow64",
    "users",
    "appdata",
    "local",
    "roaming",
    "locallow",
    "temp",
    "tmp",
    "public",
    "desktop",
    "downloads",
    "documents",
    "common files",
    "default",
    "all users",
    "config",
    "systemprofile",
    "logs",
    "log",
    "bin",
    "microsoft",
    "start menu",
    "programs",
    "startup",
    "google",
    "yandex",
];

/// Registry key segments too common to identify a tool on their own.
const GENERIC_KEY_SEGMENTS: &[&str] = &[
    "software",
    "wow6432node",
    "microsoft",
    "windows",
    "windows nt",
    "currentversion",
    "run",
    "runonce",
    "uninstall",
    "services",
    "currentcontrolset",
    "controlset001",
    "controlset",
    "system",
    "classes",
    "policies",
    "explorer",
    "eventlog",
    "application",
    "shell",
    "open",
    "command",
    "tracing",
    "drivers",
    "control",
];

fn specific(segment: &str, generic: &[&str]) -> bool {
    let s = segment.trim().to_ascii_lowercase();
    let literal: String = s.chars().filter(|&c| c != '*').collect();
    !generic.contains(&s.as_str()) && literal.trim().len() >= 3 && !(s.starts_with('%') && s.ends_with('%'))
}

/// A path glob turned into a regular expression over a full path (folder and file name, as
/// Defender's `FolderPath` gives it). `None` when the path is not usable (see
/// [`Tool::install_paths`]).
pub fn path_regex(path: &str) -> Option<String> {
    let path = path.trim();
    let lower = path.to_ascii_lowercase();
    // Environment variables, as Windows expands them for a typical install.
    let replacements: &[(&str, &str)] = &[
        ("%appdata%", r"*\AppData\Roaming"),
        ("%localappdata%", r"*\AppData\Local"),
        ("%programdata%", r"C:\ProgramData"),
        ("%programfiles(x86)%", r"C:\Program Files (x86)"),
        ("%programfiles%", r"C:\Program Files"),
        ("%userprofile%", r"C:\Users\*"),
        ("%temp%", r"*\Temp"),
        ("%windir%", r"C:\Windows"),
    ];
    let mut expanded = path.to_string();
    for (var, value) in replacements {
        if lower.starts_with(var) {
            expanded = format!("{value}{}", &path[var.len()..]);
            break;
        }
    }
    // `%` inside a name is literal (event logs: `...-Status%4Operational.evtx`); at the start it
    // is a variable not expanded above.
    if expanded.starts_with('%') || expanded.contains('/') || expanded.contains('?') {
        return None;
    }
    let segments: Vec<&str> = expanded.split('\\').filter(|s| !s.is_empty()).collect();
    if !segments.iter().any(|s| specific(s, GENERIC_SEGMENTS)) {
        return None;
    }
    let anywhere = segments.first() == Some(&"*");
    let drive = segments.first().is_some_and(|s| s.len() == 2 && s.ends_with(':'));
    if !anywhere && !drive {
        return None;
    }
    // A trailing `\*` or `\` means the folder and anything below it.
    let star = segments.last() == Some(&"*");
    let folder = expanded.ends_with('\\') || star;
    let body = &segments[1..segments.len() - usize::from(star)];
    if body.is_empty() {
        return None;
    }
    let parts: Vec<String> =
        body.iter().map(|s| s.split('*').map(regex_escape).collect::<Vec<_>>().join(r"[^\\]*")).collect();
    let start = if anywhere { r"(?:^|\\)".to_string() } else { r"^[a-z]:\\".to_string() };
    let end = if folder { r"(?:\\.*)?$" } else { "$" };
    Some(format!(r"{start}{}{end}", parts.join(r"\\")))
}

/// The file predicate: `FolderPath matches regex` over all of a tool's usable install paths.
pub fn paths(tool: &Tool) -> Option<(String, Vec<String>)> {
    let mut used = Vec::new();
    let mut patterns: Vec<String> = Vec::new();
    for p in &tool.install_paths {
        if let Some(re) = path_regex(p)
            && !patterns.contains(&re)
        {
            patterns.push(re);
            used.push(p.clone());
        }
    }
    if patterns.is_empty() {
        return None;
    }
    let pattern = format!("(?i)(?:{})", patterns.join("|"));
    Some((format!("FolderPath matches regex {}", verbatim(&pattern)), used))
}

/// A registry key turned into a regular expression over Defender's `RegistryKey`, which spells
/// hives in full (`HKEY_LOCAL_MACHINE`), shows a user's keys under their SID, and shows
/// `CurrentControlSet` as `ControlSet001`. The key and its subkeys match.
pub fn key_regex(key: &str) -> Option<String> {
    let key = key.trim().trim_end_matches('\\');
    let (hive, rest) = key.split_once('\\')?;
    let hive = match hive.to_ascii_uppercase().as_str() {
        "HKLM" | "HKEY_LOCAL_MACHINE" => r"(?:HKEY_LOCAL_MACHINE|HKLM)\\",
        "HKCU" | "HKEY_CURRENT_USER" | "HKU" | "HKEY_USERS" => {
            r"(?:HKEY_CURRENT_USER|HKCU|HKEY_USERS|HKU)(?:\\[^\\]+)?\\"
        }
        "HKCR" | "HKEY_CLASSES_ROOT" => r"(?:HKEY_CLASSES_ROOT|HKCR|(?:HKEY_LOCAL_MACHINE|HKLM)\\SOFTWARE\\Classes)\\",
        _ => return None,
    };
    let rest = rest.strip_suffix("\\*").unwrap_or(rest);
    let segments: Vec<&str> = rest.split('\\').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() || !segments.iter().any(|s| specific(s, GENERIC_KEY_SEGMENTS)) {
        return None;
    }
    let parts: Vec<String> = segments
        .iter()
        .map(|s| {
            let lower = s.to_ascii_lowercase();
            if lower == "currentcontrolset" || lower == "controlset001" || lower == "controlset" {
                r"(?:CurrentControlSet|ControlSet[0-9]{3})".to_string()
            } else {
                s.split('*').map(regex_escape).collect::<Vec<_>>().join(r"[^\\]*")
            }
        })
        .collect();
    Some(format!(r"^{hive}{}(?:\\.*)?$", parts.join(r"\\")))
}

/// The registry predicate: `RegistryKey matches regex` over all of a tool's usable keys.
pub fn keys(tool: &Tool) -> Option<(String, Vec<String>)> {
    let mut used = Vec::new();
    let mut patterns: Vec<String> = Vec::new();
    for k in &tool.registry_keys {
        if let Some(re) = key_regex(k)
            && !patterns.contains(&re)
        {
            patterns.push(re);
            used.push(k.clone());
        }
    }
    if patterns.is_empty() {
        return None;
    }
    let pattern = format!("(?i)(?:{})", patterns.join("|"));
    Some((format!("RegistryKey matches regex {}", verbatim(&pattern)), used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(string(r"C:\a'b"), r"'C:\\a\'b'");
        assert_eq!(verbatim(r"a\b'c"), r"@'a\b''c'");
    }

    #[test]
    fn unusable_indicators_are_skipped() {
        assert_eq!(path_regex(r"C:\Program Files\*"), None);
        assert_eq!(path_regex(r"%CD%\conf.json"), None);
        assert_eq!(key_regex(r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run"), None);
        assert_eq!(parse_domain("relay-[a-f0-9]{8}.net.anydesk.com"), None);
        assert_eq!(parse_domain("*.anydesk.com"), Some((true, "anydesk.com".to_string())));
        assert_eq!(parse_domain("localhost"), None);
    }
}
