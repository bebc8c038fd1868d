//! MITRE ATT&CK names and ids as Sentinel writes them, and the near misses people write.

/// The tactic names Sentinel accepts, with their ATT&CK ids (`None` for Sentinel's own
/// PreAttack).
pub(crate) const TACTICS: &[(&str, Option<&str>)] = &[
    ("Reconnaissance", Some("TA0043")),
    ("ResourceDevelopment", Some("TA0042")),
    ("InitialAccess", Some("TA0001")),
    ("Execution", Some("TA0002")),
    ("Persistence", Some("TA0003")),
    ("PrivilegeEscalation", Some("TA0004")),
    ("DefenseEvasion", Some("TA0005")),
    ("CredentialAccess", Some("TA0006")),
    ("Discovery", Some("TA0007")),
    ("LateralMovement", Some("TA0008")),
    ("Collection", Some("TA0009")),
    ("CommandAndControl", Some("TA0011")),
    ("Exfiltration", Some("TA0010")),
    ("Impact", Some("TA0040")),
    ("PreAttack", None),
    ("ImpairProcessControl", Some("TA0106")),
    ("InhibitResponseFunction", Some("TA0107")),
];

/// Other spellings that mean one tactic, normalised as by [`normalise`].
const TACTIC_ALIASES: &[(&str, &str)] = &[
    ("c2", "CommandAndControl"),
    ("commandcontrol", "CommandAndControl"),
    ("privesc", "PrivilegeEscalation"),
    ("exfil", "Exfiltration"),
    ("recon", "Reconnaissance"),
];

/// Whether `name` is a tactic name exactly as Sentinel spells it.
pub(crate) fn is_tactic(name: &str) -> bool {
    TACTICS.iter().any(|&(tactic, _)| tactic == name)
}

/// The tactic that `name` most likely means: the same letters in other case or with spaces
/// (`Command and Control`), its ATT&CK id (`TA0011`), a known abbreviation (`C2`), or a name at
/// most two edits away (`Persistance`).
pub(crate) fn suggest_tactic(name: &str) -> Option<&'static str> {
    let wanted = normalise(name);
    if wanted.is_empty() {
        return None;
    }
    if let Some(&(tactic, _)) = TACTICS
        .iter()
        .find(|(tactic, id)| normalise(tactic) == wanted || id.is_some_and(|id| id.eq_ignore_ascii_case(name.trim())))
    {
        return Some(tactic);
    }
    if let Some(&(_, tactic)) = TACTIC_ALIASES.iter().find(|(alias, _)| *alias == wanted) {
        return Some(tactic);
    }
    nearest(&wanted, TACTICS.iter().map(|&(tactic, _)| tactic))
}

/// The tactic names, comma-separated, for help texts.
pub(crate) fn tactic_list() -> String {
    TACTICS.iter().map(|&(tactic, _)| tactic).collect::<Vec<_>>().join(", ")
}

/// Whether `id` is an ATT&CK technique id: `T` and four digits, optionally `.` and three more.
pub(crate) fn is_technique(id: &str) -> bool {
    let Some(digits) = id.strip_prefix('T') else { return false };
    let (main, sub) = match digits.split_once('.') {
        Some((main, sub)) => (main, Some(sub)),
        None => (digits, None),
    };
    let all_digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(main, 4) && sub.is_none_or(|sub| all_digits(sub, 3))
}

/// What a malformed technique entry most likely means, as a help text.
pub(crate) fn technique_help(entry: &str) -> String {
    let trimmed = entry.trim();
    let upper = trimmed.to_ascii_uppercase();
    if upper.starts_with("TA") && upper.len() == 6 && upper[2..].bytes().all(|b| b.is_ascii_digit()) {
        let tactic = suggest_tactic(&upper).map_or(String::new(), |t| format!(" ({t})"));
        return format!("`{trimmed}` is a tactic's ATT&CK id{tactic}; tactics go in `tactics`, by name");
    }
    // A technique id with other separators or case, possibly followed by its name.
    let squeezed: String = upper.chars().take_while(|c| c.is_ascii_alphanumeric() || ".-_/ ".contains(*c)).collect();
    let with_t = if squeezed.starts_with(|c: char| c.is_ascii_digit()) { format!("T{squeezed}") } else { squeezed };
    let digits: String = with_t.chars().skip(1).take_while(char::is_ascii_digit).collect();
    if with_t.starts_with('T') && digits.len() == 4 {
        let rest = &with_t[1 + digits.len()..];
        let sub: String = rest
            .strip_prefix(['.', '-', '_', '/'])
            .map(|r| r.chars().take_while(char::is_ascii_digit).collect())
            .unwrap_or_default();
        let candidate = match sub.len() {
            1..=3 => format!("T{digits}.{sub:0>3}"),
            _ => format!("T{digits}"),
        };
        return format!("did you mean `{candidate}`?");
    }
    "write a technique as `T` and four digits, or `T1234.001` for a sub-technique".to_string()
}

/// The severities Sentinel accepts.
pub(crate) const SEVERITIES: &[&str] = &["Informational", "Low", "Medium", "High"];

/// The severity that `value` most likely means: the same word in other case, or an
/// abbreviation (`Info`).
pub(crate) fn suggest_severity(value: &str) -> Option<&'static str> {
    let wanted = normalise(value);
    if wanted.is_empty() {
        return None;
    }
    SEVERITIES.iter().copied().find(|s| normalise(s) == wanted).or_else(|| {
        (wanted.len() >= 3).then(|| SEVERITIES.iter().copied().find(|s| normalise(s).starts_with(&wanted))).flatten()
    })
}

/// Lower-case letters and digits only: `Command and Control` and `command-and-control` both
/// become `commandandcontrol`.
fn normalise(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// The candidate nearest to `wanted` (already normalised), if at most two edits away and not
/// too short to tell apart.
fn nearest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    if wanted.len() < 5 {
        return None;
    }
    candidates
        .map(|c| (edit_distance(wanted, &normalise(c)), c))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance between two ASCII strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tactics_and_near_misses() {
        assert!(is_tactic("CommandAndControl"));
        assert!(!is_tactic("Command and Control"));
        assert_eq!(suggest_tactic("Command and Control"), Some("CommandAndControl"));
        assert_eq!(suggest_tactic("command-and-control"), Some("CommandAndControl"));
        assert_eq!(suggest_tactic("TA0011"), Some("CommandAndControl"));
        assert_eq!(suggest_tactic("C2"), Some("CommandAndControl"));
        assert_eq!(suggest_tactic("Persistance"), Some("Persistence"));
        assert_eq!(suggest_tactic("Lateral Movment"), Some("LateralMovement"));
        assert_eq!(suggest_tactic("Pre-Attack"), Some("PreAttack"));
        assert_eq!(suggest_tactic("Hunting"), None);
        assert_eq!(suggest_tactic(""), None);
    }

    #[test]
    fn technique_ids() {
        for good in ["T1219", "T1059.001"] {
            assert!(is_technique(good), "{good}");
        }
        for bad in ["t1219", "T121", "T12190", "T1219.1", "T1219.", "TA0011", "1219", "T1219 "] {
            assert!(!is_technique(bad), "{bad}");
        }
        assert_eq!(technique_help("t1219"), "did you mean `T1219`?");
        assert_eq!(technique_help("T1219/001"), "did you mean `T1219.001`?");
        assert_eq!(technique_help("1219"), "did you mean `T1219`?");
        assert_eq!(technique_help("T1219.1"), "did you mean `T1219.001`?");
        assert_eq!(technique_help("T1219.0001"), "did you mean `T1219`?");
        assert_eq!(technique_help("T1219 - Remote Access Software"), "did you mean `T1219`?");
        assert!(technique_help("TA0011").contains("CommandAndControl"));
        assert!(technique_help("Remote Access Software").starts_with("write a technique"));
    }

    #[test]
    fn severities() {
        assert_eq!(suggest_severity("medium"), Some("Medium"));
        assert_eq!(suggest_severity("Info"), Some("Informational"));
        assert_eq!(suggest_severity("Critical"), None);
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
