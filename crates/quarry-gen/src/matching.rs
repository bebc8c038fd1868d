//! An independent model of how the built-in rules recognise a tool, used to keep background
//! and decoy rows clear of every tool and to compute the ground truth of planted rows.
//!
//! It follows the operators the rule generator uses (see `quarry_hunt`'s rule generator):
//! - `has` / `has_any`: the value occurs as whole terms, case-insensitively
//!   (<https://learn.microsoft.com/kusto/query/datatypes-string-operators>): `Pulseway Agent`
//!   has `Pulseway`, `Pulseways` does not;
//! - `in~`: case-insensitive equality (<https://learn.microsoft.com/kusto/query/in-cs-operator>);
//! - domains: the URL's host is the domain or one of its subdomains;
//! - install paths and registry keys: the path is the indicator (wildcards allowed) or below it.

use quarry_hunt::catalog::Tool;
use quarry_hunt::generate::kql;
use regex::bytes::{Regex, RegexBuilder};

/// `haystack has needle` with Kusto's whole-term, case-insensitive semantics.
pub fn has(haystack: &str, needle: &str) -> bool {
    let needle = needle.trim();
    if needle.is_empty() {
        return false;
    }
    has_needle(&haystack.to_lowercase(), &Needle::new(&needle.to_lowercase()))
}

/// A lower-case, trimmed, non-empty term searched for with a prebuilt substring searcher (the
/// ground truth matches every planted row against every catalogue tool: building a searcher
/// per comparison was most of the generator's set-up).
struct Needle {
    finder: memchr::memmem::Finder<'static>,
}

impl Needle {
    fn new(lower: &str) -> Needle {
        Needle { finder: memchr::memmem::Finder::new(lower.as_bytes()).into_owned() }
    }

    /// The needle, or none for an empty one (an empty indicator matches nothing).
    fn of(text: &str) -> Option<Needle> {
        let lower = text.trim().to_lowercase();
        (!lower.is_empty()).then(|| Needle::new(&lower))
    }
}

/// [`has`] of a lower-cased haystack.
fn has_needle(h: &str, needle: &Needle) -> bool {
    let hb = h.as_bytes();
    let nb = needle.finder.needle();
    if nb.is_empty() || hb.len() < nb.len() {
        return false;
    }
    // Term characters are ASCII letters and digits, as quarry's engine implements `has`.
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    let mut from = 0;
    while let Some(pos) = needle.finder.find(&hb[from..]) {
        let start = from + pos;
        let end = start + nb.len();
        let left_ok = !alnum(nb[0]) || start == 0 || !alnum(hb[start - 1]);
        let right_ok = !alnum(nb[nb.len() - 1]) || end == hb.len() || !alnum(hb[end]);
        if left_ok && right_ok {
            return true;
        }
        from = start + 1;
    }
    false
}

/// The host of a `RemoteUrl` (scheme, user info, port and path removed), lower case.
pub fn url_host(url: &str) -> String {
    let mut s = url.trim();
    if let Some(i) = s.find("://") {
        s = &s[i + 3..];
    }
    let s = s.split(['/', '?', '#']).next().unwrap_or("");
    let s = s.rsplit('@').next().unwrap_or("");
    let s = s.split(':').next().unwrap_or("");
    s.trim_end_matches('.').to_ascii_lowercase()
}

/// Whether `host` is the catalogue domain `domain` (`*.x.com` or `x.com`) or below it.
pub fn host_matches(host: &str, domain: &str) -> bool {
    let d = domain.trim().to_ascii_lowercase();
    let (wild, base) = match d.strip_prefix("*.") {
        Some(rest) => (true, rest.to_string()),
        None => (false, d),
    };
    !base.is_empty() && host_in(host, wild, &base)
}

/// Whether `host` is `base` (unless only subdomains count: `wild`) or a subdomain of it; both
/// lower case.
fn host_in(host: &str, wild: bool, base: &str) -> bool {
    if host == base {
        return !wild;
    }
    host.ends_with(base) && host.as_bytes()[host.len() - base.len() - 1] == b'.'
}

/// Expands `%ProgramFiles%`-style variables of an install path for a user's profile, and
/// leading `*\` to that profile.
pub fn expand_path(path: &str, user: &str) -> String {
    let lower = path.to_ascii_lowercase();
    let profile = format!(r"C:\Users\{user}");
    let table: [(&str, String); 9] = [
        ("%appdata%", format!(r"{profile}\AppData\Roaming")),
        ("%localappdata%", format!(r"{profile}\AppData\Local")),
        ("%programdata%", r"C:\ProgramData".into()),
        ("%programfiles(x86)%", r"C:\Program Files (x86)".into()),
        ("%programfiles%", r"C:\Program Files".into()),
        ("%userprofile%", profile.clone()),
        ("%temp%", format!(r"{profile}\AppData\Local\Temp")),
        ("%windir%", r"C:\Windows".into()),
        ("%systemroot%", r"C:\Windows".into()),
    ];
    for (var, value) in &table {
        if lower.starts_with(var) {
            return format!("{value}{}", &path[var.len()..]);
        }
    }
    if let Some(rest) = path.strip_prefix("*\\") {
        return format!(r"{profile}\AppData\Local\{rest}");
    }
    path.to_string()
}

/// A registry key in Defender's spelling: full hive names, a user's keys under their SID,
/// `CurrentControlSet` as `ControlSet001`.
pub fn defender_key(key: &str, user_sid: &str) -> String {
    let key = key.trim().trim_end_matches('\\').trim_end_matches("\\*");
    let (hive, rest) = key.split_once('\\').unwrap_or((key, ""));
    let hive = match hive.to_ascii_uppercase().as_str() {
        "HKLM" | "HKEY_LOCAL_MACHINE" => "HKEY_LOCAL_MACHINE".to_string(),
        "HKCU" | "HKEY_CURRENT_USER" => format!(r"HKEY_CURRENT_USER\{user_sid}"),
        "HKU" | "HKEY_USERS" => "HKEY_USERS".to_string(),
        "HKCR" | "HKEY_CLASSES_ROOT" => r"HKEY_LOCAL_MACHINE\SOFTWARE\Classes".to_string(),
        other => other.to_string(),
    };
    let rest = rest
        .split('\\')
        .map(|s| if s.eq_ignore_ascii_case("CurrentControlSet") { "ControlSet001" } else { s })
        .collect::<Vec<_>>()
        .join("\\");
    if rest.is_empty() { hive } else { format!(r"{hive}\{rest}") }
}

/// The indicator fields of one generated row, as the rules see them.
#[derive(Default, Debug, Clone)]
pub struct RowView<'a> {
    /// PE company of the process (process rows) or initiating process (network rows).
    pub company: &'a str,
    /// PE product.
    pub product: &'a str,
    /// File name (process and file rows).
    pub file_name: &'a str,
    /// PE original file name.
    pub original: &'a str,
    /// Full path (process and file rows).
    pub folder_path: &'a str,
    /// Certificate signer.
    pub signer: &'a str,
    /// Remote URL.
    pub remote_url: &'a str,
    /// Registry key.
    pub registry_key: &'a str,
}

/// A row's texts as the matchers compare them (lower case, the URL's host), worked out once
/// per row rather than once per tool: the ground truth matches every planted row against
/// every tool of the catalogue.
pub struct Prepared {
    company: String,
    product: String,
    pub(crate) signer: String,
    pub(crate) host: String,
    /// The path and key in ASCII lower case, for the patterns' literal pre-filter.
    folder_path: String,
    registry_key: String,
}

impl Prepared {
    /// The lower-case texts of `row`.
    pub fn new(row: &RowView) -> Prepared {
        Prepared {
            company: row.company.to_lowercase(),
            product: row.product.to_lowercase(),
            signer: row.signer.to_lowercase(),
            host: if row.remote_url.is_empty() { String::new() } else { url_host(row.remote_url) },
            folder_path: row.folder_path.to_ascii_lowercase(),
            registry_key: row.registry_key.to_ascii_lowercase(),
        }
    }
}

/// An executable's indicators: company and product as terms (none: no such indicator), file
/// names trimmed (empty: none).
struct ExeNeedles {
    company: Option<Needle>,
    product: Option<Needle>,
    file_name: String,
    original: String,
}

/// A tool's indicators, ready to match rows the way its generated rules do.
pub struct ToolMatcher {
    /// The tool.
    pub tool: Tool,
    /// `FolderPath matches regex` of the file rule, when the tool has one.
    file: Option<Pattern>,
    /// `RegistryKey matches regex` of the registry rule, when the tool has one.
    key: Option<Pattern>,
    executables: Vec<ExeNeedles>,
    /// Signers, as terms; empty ones left out.
    signers: Vec<Needle>,
    /// Domains: whether only subdomains match (`*.x.com`), and the lower-case base.
    domains: Vec<(bool, String)>,
}

/// A tool's path or key patterns as one case-insensitive regex, compiled on first use and
/// tried only on texts that hold one of its alternatives' literal parts. The set-up matches
/// every tool against many texts; most share nothing with a tool, and compiling all 150-odd
/// patterns up front was a third of it.
pub struct Pattern {
    source: String,
    /// Per alternative, its longest literal part in lower case: a text the alternative matches
    /// holds it (ignoring ASCII case). `None`: some alternative has no literal part (or the
    /// pattern is not ASCII, so case folding goes beyond ASCII): every text is tried.
    literals: Option<Vec<memchr::memmem::Finder<'static>>>,
    regex: std::sync::OnceLock<Option<Regex>>,
}

impl Pattern {
    fn new(patterns: Vec<String>) -> Option<Pattern> {
        let mut unique: Vec<String> = Vec::new();
        for p in patterns {
            if !unique.contains(&p) {
                unique.push(p);
            }
        }
        if unique.is_empty() {
            return None;
        }
        let source = format!("(?i)(?:{})", unique.join("|"));
        let literals = if source.is_ascii() {
            unique
                .iter()
                .map(|p| {
                    let lit = required_literal(p)?;
                    Some(memchr::memmem::Finder::new(lit.to_ascii_lowercase().as_bytes()).into_owned())
                })
                .collect()
        } else {
            None
        };
        Some(Pattern { source, literals, regex: std::sync::OnceLock::new() })
    }

    /// Whether the pattern matches `text` (`lower`: its ASCII lower case).
    fn is_match(&self, text: &str, lower: &str) -> bool {
        if let Some(literals) = &self.literals {
            if !literals.iter().any(|f| f.find(lower.as_bytes()).is_some()) {
                return false;
            }
        }
        // Without Unicode an ASCII pattern compiles several times faster (its `[^\\]*` is one
        // byte class, not a UTF-8 automaton) and matches the same paths and keys; a pattern with
        // other characters keeps Unicode case folding.
        self.regex
            .get_or_init(|| RegexBuilder::new(&self.source).unicode(!self.source.is_ascii()).build().ok())
            .as_ref()
            .is_some_and(|re| re.is_match(text.as_bytes()))
    }
}

/// The longest run of literal characters at the top level of `pattern` (outside groups and
/// classes, and not made optional by a quantifier): any text the pattern matches holds it.
/// `None` when there is none. Understands the syntax the rule generator writes (escaped
/// punctuation, `[...]` classes, `(...)` groups, `*`, `+`, `?`, `{n}`, `^`, `$`, `.`); any other
/// escape ends the run, so the result is never more than the pattern requires.
///
/// Written here because regex-syntax's literal extractor gives a pattern's prefixes or
/// suffixes only, and these patterns start with a class (`^[a-z]:`) or a wildcard: the
/// literal that every match holds is inside.
fn required_literal(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let (mut best, mut run) = (String::new(), String::new());
    let mut depth = 0usize;
    let mut i = 0;
    let quantified = |at: usize| matches!(chars.get(at), Some('*' | '+' | '?' | '{'));
    let end_run = |run: &mut String, best: &mut String| {
        if run.len() > best.len() {
            *best = std::mem::take(run);
        }
        run.clear();
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let next = chars.get(i + 1).copied();
                match next {
                    // The characters the rule generator escapes (`regex_escape`): each stands for
                    // itself. (Others may not: `\<` is a word boundary.)
                    Some(n) if r"\.+*?()|[]{}^$#&-~".contains(n) && depth == 0 => {
                        if quantified(i + 2) {
                            end_run(&mut run, &mut best);
                        } else {
                            run.push(n);
                        }
                    }
                    _ => end_run(&mut run, &mut best),
                }
                i += 2;
                continue;
            }
            '[' => {
                end_run(&mut run, &mut best);
                // Skip the class: `]` right after `[` or `[^` is a member, `\\x` is escaped.
                i += 1;
                if chars.get(i) == Some(&'^') {
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    i += 1;
                }
                while i < chars.len() && chars[i] != ']' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
            }
            '(' => {
                end_run(&mut run, &mut best);
                depth += 1;
            }
            ')' => {
                end_run(&mut run, &mut best);
                depth = depth.saturating_sub(1);
            }
            '|' if depth == 0 => return None,
            '{' => {
                // A repetition count: skip it.
                end_run(&mut run, &mut best);
                while i < chars.len() && chars[i] != '}' {
                    i += 1;
                }
            }
            '*' | '+' | '?' | '}' | ']' | '^' | '$' | '.' | '|' => end_run(&mut run, &mut best),
            _ if depth == 0 => {
                if quantified(i + 1) {
                    end_run(&mut run, &mut best);
                } else {
                    run.push(c);
                }
            }
            _ => {}
        }
        i += 1;
    }
    end_run(&mut run, &mut best);
    (!best.is_empty()).then_some(best)
}

/// Whether no tool of `matchers` matches `row` by `rule` (the row's texts prepared once for
/// all of them).
pub fn none_match(
    matchers: &[ToolMatcher],
    row: &RowView,
    rule: impl Fn(&ToolMatcher, &RowView, &Prepared) -> bool,
) -> bool {
    let prepared = Prepared::new(row);
    !matchers.iter().any(|m| rule(m, row, &prepared))
}

impl ToolMatcher {
    /// Compiles the tool's path and key patterns with the rule generator's own functions.
    pub fn new(tool: &Tool) -> ToolMatcher {
        let file = Pattern::new(tool.install_paths.iter().filter_map(|p| kql::path_regex(p)).collect());
        let key = Pattern::new(tool.registry_keys.iter().filter_map(|k| kql::key_regex(k)).collect());
        let executables = tool
            .executables
            .iter()
            .map(|e| ExeNeedles {
                company: Needle::of(&e.company),
                product: Needle::of(&e.product),
                file_name: e.file_name.trim().to_string(),
                original: e.original_file_name.trim().to_string(),
            })
            .collect();
        let signers = tool.signers.iter().filter_map(|s| Needle::of(s)).collect();
        let domains = tool
            .domains
            .iter()
            .filter_map(|d| {
                let d = d.trim().to_ascii_lowercase();
                let (wild, base) = match d.strip_prefix("*.") {
                    Some(rest) => (true, rest.to_string()),
                    None => (false, d),
                };
                (!base.is_empty()).then_some((wild, base))
            })
            .collect();
        ToolMatcher { tool: tool.clone(), file, key, executables, signers, domains }
    }

    /// The process rule, for a row whose texts are prepared.
    pub fn process_prepared(&self, row: &RowView, p: &Prepared) -> bool {
        self.executables.iter().any(|e| {
            let meta = match (&e.company, &e.product) {
                (Some(c), Some(pr)) => has_needle(&p.company, c) && has_needle(&p.product, pr),
                (Some(c), None) => has_needle(&p.company, c),
                (None, Some(pr)) => has_needle(&p.product, pr),
                (None, None) => false,
            };
            meta || (!e.file_name.is_empty() && row.file_name.eq_ignore_ascii_case(&e.file_name))
                || (!e.original.is_empty() && row.original.eq_ignore_ascii_case(&e.original))
        })
    }

    /// The signature rule, for a lower-case signer.
    pub fn signer_lower(&self, signer: &str) -> bool {
        !signer.is_empty() && self.signers.iter().any(|s| has_needle(signer, s))
    }

    /// The network rule.
    pub fn url(&self, url: &str) -> bool {
        !url.is_empty() && self.host(&url_host(url))
    }

    /// The network rule, for a URL's host ([`url_host`]).
    pub fn host(&self, host: &str) -> bool {
        !host.is_empty() && self.domains.iter().any(|(wild, base)| host_in(host, *wild, base))
    }

    /// The file rule.
    pub fn path(&self, row: &RowView, p: &Prepared) -> bool {
        !row.folder_path.is_empty() && self.file.as_ref().is_some_and(|re| re.is_match(row.folder_path, &p.folder_path))
    }

    /// The registry rule.
    pub fn key(&self, row: &RowView, p: &Prepared) -> bool {
        !row.registry_key.is_empty()
            && self.key.as_ref().is_some_and(|re| re.is_match(row.registry_key, &p.registry_key))
    }

    /// Whether any indicator of the tool is in the row, whatever the table.
    pub fn any(&self, row: &RowView, p: &Prepared) -> bool {
        self.process_prepared(row, p)
            || self.signer_lower(&p.signer)
            || self.host(&p.host)
            || self.path(row, p)
            || self.key(row, p)
    }
}

/// Whether a catalogue install path yields a file rule.
pub fn usable_path(path: &str) -> bool {
    kql::path_regex(path).is_some()
}

/// Whether a catalogue registry key yields a registry rule.
pub fn usable_key(key: &str) -> bool {
    kql::key_regex(key).is_some()
}

/// Whether a catalogue domain yields a network rule.
pub fn usable_domain(domain: &str) -> bool {
    kql::parse_domain(domain).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ASCII patterns compile without Unicode but still fold ASCII case and let `[^\\]*`
    /// cross non-ASCII text; a pattern with other letters keeps Unicode case folding.
    #[test]
    fn tool_patterns_match_case_insensitively_with_and_without_unicode() {
        let ascii = Pattern::new(vec![r"^[a-z]:\\program files\\[^\\]*desk\\".into()]).unwrap();
        let is_match = |p: &Pattern, text: &str| p.is_match(text, &text.to_ascii_lowercase());
        assert!(is_match(&ascii, r"C:\Program Files\AnyDesk\AnyDesk.exe"));
        assert!(is_match(&ascii, r"c:\PROGRAM FILES\ÜberDesk\x.exe"));
        assert!(!is_match(&ascii, r"C:\Program Files\Any\Desk\x.exe"));
        let unicode = Pattern::new(vec![r"\\überwachung\\".into()]).unwrap();
        assert!(is_match(&unicode, r"C:\ÜBERWACHUNG\agent.exe"));
        assert!(Pattern::new(Vec::new()).is_none());
    }

    #[test]
    fn required_literals_are_what_every_match_holds() {
        let lit = |p: &str| required_literal(p);
        assert_eq!(lit(r"^[a-z]:\\program files\\[^\\]*desk\\x(?:\\.*)?$").as_deref(), Some(r":\program files\"));
        // Alternatives at the top level, or only inside groups: nothing is required.
        assert_eq!(lit("abc|abd"), None);
        assert_eq!(lit("(?:abc|abd)"), None);
        // A quantified character is optional; a repetition count is not text.
        assert_eq!(lit("abcd?").as_deref(), Some("abc"));
        assert_eq!(lit(r"ab\.*cd").as_deref(), Some("ab"));
        assert_eq!(lit("x{12}").as_deref(), None);
        assert_eq!(lit("[0-9]{3}ab").as_deref(), Some("ab"));
        // Escapes the generator does not write end the run (`\<` is a word boundary).
        assert_eq!(lit(r"ab\<cd\de").as_deref(), Some("ab"));
        assert_eq!(lit(r"[\]x]yz").as_deref(), Some("yz"));
    }

    /// The literal pre-filter only skips texts the regex would not match: every tool of the
    /// built-in catalogue, against planted-style and background paths and keys.
    #[test]
    fn the_prefilter_never_hides_a_match() {
        let catalogue = quarry_hunt::catalog::builtin();
        let mut texts: Vec<String> = Vec::new();
        for tool in catalogue.tools() {
            for p in &tool.install_paths {
                let concrete = p.replace('*', "A1").replace("%ProgramFiles%", r"C:\Program Files");
                texts.push(concrete.clone());
                texts.push(concrete.to_uppercase());
                texts.push(format!(r"{concrete}\agent.exe"));
            }
            for k in &tool.registry_keys {
                texts.push(defender_key(&k.replace('*', "A1"), "S-1-5-21-1-2-3-1001"));
            }
        }
        texts.extend(crate::vocab::FILE_PLACES.iter().map(|p| p.0.replace("{user}", "ann").replace("{r}", "ab12")));
        texts.extend(
            crate::vocab::REGISTRY_PLACES.iter().map(|p| p.0.replace("{sid}", "S-1-5-21-1").replace("{R}", "AB")),
        );
        let mut matched = 0;
        for tool in catalogue.tools() {
            let patterns = [
                tool.install_paths.iter().filter_map(|p| kql::path_regex(p)).collect::<Vec<_>>(),
                tool.registry_keys.iter().filter_map(|k| kql::key_regex(k)).collect::<Vec<_>>(),
            ];
            for patterns in patterns {
                let Some(pattern) = Pattern::new(patterns) else { continue };
                let plain = RegexBuilder::new(&pattern.source).build().unwrap();
                for t in &texts {
                    let want = plain.is_match(t.as_bytes());
                    assert_eq!(pattern.is_match(t, &t.to_ascii_lowercase()), want, "{} on {t}", pattern.source);
                    matched += usize::from(want);
                }
            }
        }
        assert!(matched > 100, "the texts exercise matches too ({matched})");
    }

    #[test]
    fn has_is_whole_terms_case_insensitive() {
        assert!(has("Pulseway Agent", "Pulseway"));
        assert!(has("MMSoft Design, Ltd.", "mmsoft design"));
        assert!(!has("Pulseways", "Pulseway"));
        assert!(!has("MMSoftDesign", "MMSoft Design"));
        assert!(has("server.action1.com.example.net", "server.action1.com"));
        assert!(!has("notaction1.com", "action1.com"));
        assert!(!has("anything", ""));
        // Around non-ASCII text there are no term boundaries to respect: a substring matches.
        assert!(has("上海贝锐信息科技股份有限公司ly", "上海贝锐信息科技股份有限公司"));
        assert!(!has("上海贝锐信息科技股份有限公", "上海贝锐信息科技股份有限公司"));
    }

    #[test]
    fn hosts_match_domains_and_subdomains_only() {
        assert!(host_matches("server.action1.com", "action1.com"));
        assert!(host_matches("action1.com", "action1.com"));
        assert!(!host_matches("action1.com", "*.action1.com"));
        assert!(!host_matches("notaction1.com", "action1.com"));
        assert!(!host_matches("action1.com.example.net", "action1.com"));
        assert_eq!(url_host("https://user@Relay.Example.com:443/x?y"), "relay.example.com");
    }

    #[test]
    fn paths_and_keys_match_with_the_rule_generators_patterns() {
        let tools = crate::plant::fallback_tools();
        let pulseway = ToolMatcher::new(&tools[0]);
        let screenconnect = ToolMatcher::new(&tools[1]);
        let path = |m: &ToolMatcher, folder_path: &str| {
            let row = RowView { folder_path, ..RowView::default() };
            m.path(&row, &Prepared::new(&row))
        };
        let key = |m: &ToolMatcher, registry_key: &str| {
            let row = RowView { registry_key, ..RowView::default() };
            m.key(&row, &Prepared::new(&row))
        };
        assert!(path(&pulseway, r"C:\Program Files\Pulseway\PCMonitorSrv.exe"));
        assert!(!path(&pulseway, r"C:\Program Files\Pulseways\PCMonitorSrv.exe"));
        assert!(path(&screenconnect, r"C:\Program Files (x86)\ScreenConnect Client (ab12)\x.exe"));
        assert!(key(&pulseway, r"HKEY_LOCAL_MACHINE\SOFTWARE\MMSOFT Design\PC Monitor\Agent"));
        assert!(!key(&pulseway, r"HKEY_LOCAL_MACHINE\SOFTWARE\MMSOFTDesign\PC Monitor"));
        assert!(key(&screenconnect, r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\ScreenConnect Client (x)"));
        assert_eq!(defender_key(r"HKCU\Software\X", "S-1-5-21-1"), r"HKEY_CURRENT_USER\S-1-5-21-1\Software\X");
    }
}
