//! The table catalog as a user meets it: the built-in Defender XDR and Sentinel tables, user
//! schema files that add or override tables, errors for malformed files, and "did you mean".

use std::collections::HashSet;
use std::path::PathBuf;

use kql_semantics::catalog::{SchemaErrorKind, suggest};
use kql_semantics::{Catalog, Column, SchemaCatalog, TableSchema, Type};

const DATA_FILE: &str = include_str!("../data/defender-tables.json");

fn defender() -> &'static SchemaCatalog {
    SchemaCatalog::defender_ref()
}

fn column_type(table: &str, column: &str) -> Option<Type> {
    defender().table(table)?.column(column).map(|c| c.ty)
}

/// A file in the system temp directory that is removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, text: &str) -> Self {
        let path = std::env::temp_dir().join(format!("quarry-catalog-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn device_network_events_has_remote_url_but_no_account_upn() {
    assert_eq!(column_type("DeviceNetworkEvents", "RemoteUrl"), Some(Type::String));
    assert_eq!(column_type("DeviceNetworkEvents", "RemotePort"), Some(Type::Int));
    assert_eq!(column_type("DeviceNetworkEvents", "InitiatingProcessAccountUpn"), Some(Type::String));
    assert_eq!(column_type("DeviceNetworkEvents", "AccountUpn"), None);
}

#[test]
fn device_process_events_has_account_upn() {
    assert_eq!(column_type("DeviceProcessEvents", "AccountUpn"), Some(Type::String));
    assert_eq!(column_type("DeviceProcessEvents", "ProcessCommandLine"), Some(Type::String));
    assert_eq!(column_type("DeviceProcessEvents", "ProcessId"), Some(Type::Long));
}

#[test]
fn account_upn_on_network_events_suggests_the_initiating_process_column() {
    let table = defender().table("DeviceNetworkEvents").unwrap();
    assert_eq!(suggest("AccountUpn", table.column_names()), Some("InitiatingProcessAccountUpn"));
    // A typo of a column that exists is fixed by edit distance.
    assert_eq!(suggest("RemoteURL", table.column_names()), Some("RemoteUrl"));
    assert_eq!(suggest("RemoteIp", table.column_names()), Some("RemoteIP"));
    assert_eq!(suggest("InitiatingProcesFileName", table.column_names()), Some("InitiatingProcessFileName"));
}

#[test]
fn unknown_table_names_get_a_suggestion() {
    let names = defender().table_names();
    assert_eq!(suggest("DeviceProcesEvents", names.iter().copied()), Some("DeviceProcessEvents"));
    assert_eq!(suggest("deviceprocessevents", names.iter().copied()), Some("DeviceProcessEvents"));
    assert_eq!(suggest("SignInLogs", names.iter().copied()), Some("SigninLogs"));
}

#[test]
fn column_lookup_is_case_sensitive_like_kusto() {
    assert!(column_type("DeviceProcessEvents", "accountupn").is_none());
    assert!(defender().table("deviceprocessevents").is_none());
    // IdentityInfo has both spellings: AccountUpn (Defender) and AccountUPN (Sentinel).
    assert_eq!(column_type("IdentityInfo", "AccountUpn"), Some(Type::String));
    assert_eq!(column_type("IdentityInfo", "AccountUPN"), Some(Type::String));
}

#[test]
fn defender_tables_have_their_timestamp_and_the_sentinel_columns() {
    for table in [
        "DeviceProcessEvents",
        "DeviceNetworkEvents",
        "DeviceFileEvents",
        "DeviceRegistryEvents",
        "DeviceLogonEvents",
        "DeviceImageLoadEvents",
        "DeviceEvents",
        "DeviceFileCertificateInfo",
        "DeviceInfo",
        "DeviceNetworkInfo",
        "EmailEvents",
        "EmailAttachmentInfo",
        "EmailUrlInfo",
        "IdentityLogonEvents",
        "AlertInfo",
        "AlertEvidence",
        "CloudAppEvents",
    ] {
        assert_eq!(column_type(table, "Timestamp"), Some(Type::DateTime), "{table}.Timestamp");
        assert_eq!(column_type(table, "TimeGenerated"), Some(Type::DateTime), "{table}.TimeGenerated");
        for column in ["TenantId", "SourceSystem", "Type", "MachineGroup"] {
            assert_eq!(column_type(table, column), Some(Type::String), "{table}.{column}");
        }
    }
}

#[test]
fn additional_fields_is_dynamic() {
    for table in [
        "DeviceEvents",
        "DeviceNetworkEvents",
        "DeviceProcessEvents",
        "DeviceFileEvents",
        "IdentityLogonEvents",
        "CloudAppEvents",
    ] {
        assert_eq!(column_type(table, "AdditionalFields"), Some(Type::Dynamic), "{table}");
    }
    let not_dynamic: Vec<&str> = defender()
        .tables()
        .filter(|t| t.column("AdditionalFields").is_some_and(|c| c.ty != Type::Dynamic))
        .map(|t| t.name.as_str())
        .collect();
    assert!(not_dynamic.is_empty(), "AdditionalFields is not dynamic in {not_dynamic:?}");
}

#[test]
fn the_catalog_covers_defender_and_sentinel_hunting_tables() {
    let required = [
        // Defender XDR advanced hunting.
        "AADSignInEventsBeta",
        "AADSpnSignInEventsBeta",
        "AlertEvidence",
        "AlertInfo",
        "BehaviorEntities",
        "BehaviorInfo",
        "CloudAppEvents",
        "DeviceEvents",
        "DeviceFileCertificateInfo",
        "DeviceFileEvents",
        "DeviceImageLoadEvents",
        "DeviceInfo",
        "DeviceLogonEvents",
        "DeviceNetworkEvents",
        "DeviceNetworkInfo",
        "DeviceProcessEvents",
        "DeviceRegistryEvents",
        "DeviceTvmInfoGathering",
        "DeviceTvmSecureConfigurationAssessment",
        "DeviceTvmSoftwareInventory",
        "DeviceTvmSoftwareVulnerabilities",
        "DeviceTvmSoftwareVulnerabilitiesKB",
        "EmailAttachmentInfo",
        "EmailEvents",
        "EmailPostDeliveryEvents",
        "EmailUrlInfo",
        "EntraIdSignInEvents",
        "ExposureGraphEdges",
        "ExposureGraphNodes",
        "GraphAPIAuditEvents",
        "IdentityDirectoryEvents",
        "IdentityInfo",
        "IdentityLogonEvents",
        "IdentityQueryEvents",
        "OAuthAppInfo",
        "UrlClickEvents",
        // Sentinel (Log Analytics).
        "AADNonInteractiveUserSignInLogs",
        "AADRiskyUsers",
        "AuditLogs",
        "AzureActivity",
        "BehaviorAnalytics",
        "CommonSecurityLog",
        "Heartbeat",
        "MicrosoftGraphActivityLogs",
        "OfficeActivity",
        "SecurityAlert",
        "SecurityEvent",
        "SecurityIncident",
        "SigninLogs",
        "Syslog",
        "ThreatIntelligenceIndicator",
        "Watchlist",
    ];
    let missing: Vec<&str> = required.iter().copied().filter(|t| defender().table(t).is_none()).collect();
    assert!(missing.is_empty(), "missing tables: {missing:?}");
}

#[test]
fn sentinel_tables_have_log_analytics_standard_columns() {
    for table in [
        "SigninLogs",
        "AuditLogs",
        "SecurityEvent",
        "OfficeActivity",
        "CommonSecurityLog",
        "Syslog",
        "SecurityIncident",
    ] {
        assert_eq!(column_type(table, "TimeGenerated"), Some(Type::DateTime), "{table}");
        assert_eq!(column_type(table, "TenantId"), Some(Type::String), "{table}");
        assert_eq!(column_type(table, "Type"), Some(Type::String), "{table}");
    }
    assert_eq!(column_type("SecurityEvent", "EventID"), Some(Type::Int));
    assert_eq!(column_type("SigninLogs", "ResultType"), Some(Type::String));
    assert_eq!(column_type("SigninLogs", "LocationDetails"), Some(Type::Dynamic));
    assert_eq!(column_type("SecurityIncident", "IncidentNumber"), Some(Type::Int));
}

#[test]
fn every_table_in_the_data_file_is_well_formed() {
    // Checked on the raw JSON, independently of the catalog's own parser.
    let value: serde_json::Value = serde_json::from_str(DATA_FILE).expect("the data file is JSON");
    let tables = value.as_object().expect("the data file is an object");
    assert!(tables.len() >= 70, "only {} tables", tables.len());
    for (table, columns) in tables {
        let columns = columns.as_array().unwrap_or_else(|| panic!("{table}: columns are not a list"));
        assert!(!columns.is_empty(), "{table} has no columns");
        let mut seen = HashSet::new();
        for pair in columns {
            let pair = pair.as_array().unwrap_or_else(|| panic!("{table}: {pair} is not a pair"));
            assert_eq!(pair.len(), 2, "{table}: {pair:?}");
            let name = pair[0].as_str().unwrap_or_else(|| panic!("{table}: {pair:?}"));
            let ty = pair[1].as_str().unwrap_or_else(|| panic!("{table}: {pair:?}"));
            assert!(!name.is_empty(), "{table} has an empty column name");
            assert!(seen.insert(name), "{table} has column {name} twice");
            // The built-in file uses canonical KQL type names only.
            let parsed = Type::from_name(ty).unwrap_or_else(|| panic!("{table}.{name}: unknown type {ty}"));
            assert_eq!(parsed.name(), ty, "{table}.{name}: write `{}`, not `{ty}`", parsed.name());
        }
    }
    // The catalog's parser agrees (it also rejects a table defined twice, which a JSON map
    // would hide).
    let catalog = SchemaCatalog::from_json(DATA_FILE).unwrap();
    assert_eq!(catalog.len(), tables.len());
    assert_eq!(&catalog, defender());
}

#[test]
fn a_user_schema_overrides_a_built_in_table_and_adds_a_new_one() {
    let user = SchemaCatalog::from_json(
        r#"{
            "DeviceNetworkEvents": [["Timestamp", "datetime"], ["AccountUpn", "string"]],
            "MyWatchlist": [["Domain", "string"], ["Added", "datetime"], ["Score", "double"]]
        }"#,
    )
    .unwrap();
    let mut catalog = SchemaCatalog::defender();
    let before = catalog.len();
    catalog.merge(user);

    assert_eq!(catalog.len(), before + 1);
    let network = catalog.table("DeviceNetworkEvents").unwrap();
    assert_eq!(network.column_names().collect::<Vec<_>>(), ["Timestamp", "AccountUpn"]);
    assert!(network.column("RemoteUrl").is_none(), "the user's table replaces the built-in one");
    let watchlist = catalog.table("MyWatchlist").unwrap();
    assert_eq!(watchlist.column("Score").map(|c| c.ty), Some(Type::Real));
    // Other built-in tables are untouched, and the built-in catalog itself is unchanged.
    assert!(catalog.table("DeviceProcessEvents").is_some());
    assert!(SchemaCatalog::defender().table("MyWatchlist").is_none());
    assert!(catalog.table_names().contains(&"MyWatchlist"));
}

#[test]
fn insert_adds_or_replaces_a_table() {
    let mut catalog = SchemaCatalog::empty();
    assert!(catalog.is_empty());
    catalog.insert(TableSchema::new("T", vec![Column::new("a", Type::Long)]));
    catalog.insert(TableSchema::new("S", vec![Column::new("b", Type::String)]));
    catalog.insert(TableSchema::new("T", vec![Column::new("c", Type::Bool)]));
    assert_eq!(catalog.table_names(), ["S", "T"]);
    assert_eq!(catalog.table("T").unwrap().column_names().collect::<Vec<_>>(), ["c"]);
}

#[test]
fn a_schema_file_is_loaded_from_disk() {
    let file =
        TempFile::new("ok.json", "{\"Custom_CL\": [[\"TimeGenerated\", \"datetime\"], [\"Message\", \"string\"]]}");
    let catalog = SchemaCatalog::load(&file.0).unwrap();
    assert_eq!(catalog.table("Custom_CL").unwrap().column("Message").map(|c| c.ty), Some(Type::String));
}

#[test]
fn malformed_json_reports_file_line_and_column() {
    let text = "{\n  \"T\": [\n    [\"a\", \"string\"]\n    [\"b\", \"long\"]\n  ]\n}\n";
    let file = TempFile::new("missing-comma.json", text);
    let err = SchemaCatalog::load(&file.0).unwrap_err();
    assert!(matches!(err.kind(), SchemaErrorKind::Syntax { .. }), "{err:?}");
    assert_eq!(err.location(), Some((4, 5)));
    let message = err.to_string();
    assert!(message.starts_with(&format!("{}:4:5: ", file.0.display())), "{message}");
    assert!(message.contains("expected `,` or `]`"), "{message}");
}

#[test]
fn a_schema_of_the_wrong_shape_says_what_was_expected() {
    let err = SchemaCatalog::from_json("[[\"a\", \"string\"]]").unwrap_err();
    assert_eq!(err.location(), Some((1, 1)));
    assert!(
        err.to_string().contains("expected an object mapping table names to lists of [column, type] pairs"),
        "{err}"
    );

    let err = SchemaCatalog::from_json("{\n  \"T\": [\"a\", \"string\"]\n}").unwrap_err();
    assert_eq!(err.location().map(|(line, _)| line), Some(2));
    assert!(err.to_string().contains("expected a [column, type] pair in table `T`"), "{err}");

    let err = SchemaCatalog::from_json("{\"T\": [[\"a\"]]}").unwrap_err();
    assert!(err.to_string().contains("expected a [column, type] pair in table `T`"), "{err}");

    let err = SchemaCatalog::from_json("{\"T\": []}").unwrap_err();
    assert!(matches!(err.kind(), SchemaErrorKind::EmptyTable { table } if table == "T"), "{err}");
}

#[test]
fn an_unknown_type_names_the_table_the_column_and_the_valid_types() {
    let text = "{\n  \"Inventory\": [\n    [\"Host\", \"string\"],\n    [\"Owner\", \"varchar\"]\n  ]\n}\n";
    let file = TempFile::new("varchar.json", text);
    let err = SchemaCatalog::load(&file.0).unwrap_err();
    match err.kind() {
        SchemaErrorKind::UnknownType { table, column, type_name, suggestion } => {
            assert_eq!((table.as_str(), column.as_str(), type_name.as_str()), ("Inventory", "Owner", "varchar"));
            assert_eq!(suggestion, &None);
        }
        other => panic!("expected UnknownType, got {other:?}"),
    }
    // Line 4, at the opening quote of "varchar".
    assert_eq!(err.location(), Some((4, 15)));
    assert_eq!(err.file(), file.0.display().to_string());
    let message = err.to_string();
    assert_eq!(
        message,
        format!(
            "{}:4:15: table `Inventory`, column `Owner`: unknown type `varchar`; expected one of bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic",
            file.0.display()
        )
    );

    // A near miss gets a suggestion.
    let err = SchemaCatalog::from_json(r#"{"T": [["When", "datetme"]]}"#).unwrap_err();
    assert!(err.to_string().ends_with("(did you mean `datetime`?)"), "{err}");
}

#[test]
fn duplicate_columns_and_tables_are_errors() {
    let err = SchemaCatalog::from_json(r#"{"T": [["a", "string"], ["a", "long"]]}"#).unwrap_err();
    assert!(
        matches!(err.kind(), SchemaErrorKind::DuplicateColumn { table, column } if table == "T" && column == "a"),
        "{err}"
    );
    let err = SchemaCatalog::from_json(r#"{"T": [["a", "string"]], "T": [["b", "string"]]}"#).unwrap_err();
    assert!(matches!(err.kind(), SchemaErrorKind::DuplicateTable { table } if table == "T"), "{err}");
}

#[test]
fn api_type_spellings_and_a_byte_order_mark_are_accepted() {
    let catalog = SchemaCatalog::from_json(
        "\u{feff}{\"T\": [[\"a\", \"String\"], [\"b\", \"DateTime\"], [\"c\", \"Int64\"], [\"d\", \"System.Object\"]]}",
    )
    .unwrap();
    let t = catalog.table("T").unwrap();
    let types: Vec<Type> = t.columns.iter().map(|c| c.ty).collect();
    assert_eq!(types, [Type::String, Type::DateTime, Type::Long, Type::Dynamic]);
}

#[test]
fn a_missing_file_is_an_io_error_naming_the_file() {
    let path = std::env::temp_dir().join("quarry-catalog-does-not-exist.json");
    let err = SchemaCatalog::load(&path).unwrap_err();
    assert!(matches!(err.kind(), SchemaErrorKind::Io(e) if e.kind() == std::io::ErrorKind::NotFound));
    assert!(err.to_string().starts_with(&path.display().to_string()), "{err}");
    assert_eq!(err.location(), None);
}
