//! Codes of the rule-metadata checks, `QH1xx`. Numbers are never reused. The loader's own
//! codes, `QH0xx`, are in [`crate::codes`].

/// **Error.** The rule has no `id`, or an empty one.
///
/// Why: Sentinel identifies a rule by its `id`; deployment tools reject a rule without one,
/// and a rule pack cannot refer to it.
///
/// Example: a YAML rule that starts with `name:` and has no `id:` line; `id: ""`.
pub const MISSING_ID: &str = "QH101";

/// **Error.** The rule's `id` is not a GUID (`8-4-4-4-12` hexadecimal digits).
///
/// Why: Sentinel rule ids are GUIDs; ARM templates built from the rule use it as the resource
/// name and fail on anything else.
///
/// Example: `id: zetadesk-process-rule`, `id: 3f1c9a7e-2222-4d6b-8e1f-00000000a0` (one group
/// too short).
pub const ID_NOT_GUID: &str = "QH102";

/// **Warning.** Two or more of the checked files give their rule the same `id`. Each one is
/// reported, naming the other files.
///
/// Why: deploying both makes one rule silently replace the other. It usually comes from
/// copying a rule file as the start of a new one.
///
/// Example: `rules/zetadesk_process.yaml` and `rules/zetadesk_network.yaml` both with
/// `id: 3f1c9a7e-2222-4d6b-8e1f-00000000a001`.
pub const DUPLICATE_ID: &str = "QH103";

/// **Error.** A `tactics` entry is not the name of a MITRE ATT&CK tactic as Sentinel spells it:
/// Reconnaissance, ResourceDevelopment, InitialAccess, Execution, Persistence,
/// PrivilegeEscalation, DefenseEvasion, CredentialAccess, Discovery, LateralMovement,
/// Collection, CommandAndControl, Exfiltration, Impact, and Sentinel's PreAttack,
/// ImpairProcessControl and InhibitResponseFunction. Near misses get a suggestion.
///
/// Why: Sentinel rejects a rule whose tactics it does not know, and incidents are mapped to
/// ATT&CK by these names.
///
/// Example: `tactics: Command and Control` (did you mean `CommandAndControl`?),
/// `- TA0011` (the tactic's ATT&CK id, not its name), `- Persistance`.
pub const UNKNOWN_TACTIC: &str = "QH104";

/// **Error.** A `relevantTechniques` entry is not an ATT&CK technique id, `T` and four digits,
/// optionally followed by `.` and three digits for a sub-technique.
///
/// Why: Sentinel and ATT&CK mappings read these ids; a name or a malformed id maps to nothing.
///
/// Example: `- Remote Access Software` (use `T1219`), `- t1219`, `- T1219/001` (use
/// `T1219.001`).
pub const INVALID_TECHNIQUE: &str = "QH105";

/// **Warning.** The query reads a table that no `requiredDataConnectors` entry lists in its
/// `dataTypes`.
///
/// Why: Sentinel uses `dataTypes` to tell whether a workspace has the data a rule needs; a
/// table missing there means the rule is offered to workspaces where it can only fail.
///
/// Example: a query over `DeviceNetworkEvents` whose only connector lists
/// `DeviceProcessEvents`.
pub const TABLE_NOT_LISTED: &str = "QH106";

/// **Warning.** A `requiredDataConnectors` entry lists a table in `dataTypes` that the query
/// does not read.
///
/// Why: the rule claims to need data it never uses, often left over from the rule it was
/// copied from, or a sign the query reads the wrong table.
///
/// Example: `dataTypes: [DeviceProcessEvents, DeviceFileEvents]` for a query that reads only
/// `DeviceProcessEvents`.
pub const DATA_TYPE_NOT_READ: &str = "QH107";

/// **Warning.** `severity` is present but not one of `Informational`, `Low`, `Medium`, `High`.
///
/// Why: Sentinel accepts only these four, spelled this way.
///
/// Example: `severity: Critical`, `severity: medium`.
pub const INVALID_SEVERITY: &str = "QH108";
