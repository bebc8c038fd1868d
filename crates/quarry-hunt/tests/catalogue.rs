//! The built-in RMM catalogue: it loads, it is large enough, lookups work, and it carries no
//! indicator known to be too generic to identify a tool.

use quarry_hunt::catalog::{self, Catalogue};

#[test]
fn builtin_catalogue_loads_with_at_least_250_tools() {
    let catalogue = Catalogue::from_toml(catalog::BUILTIN_TOML).expect("built-in catalogue parses");
    assert!(catalogue.len() >= 250, "only {} tools", catalogue.len());
    assert_eq!(catalog::builtin().len(), catalogue.len());
}

#[test]
fn lookup_by_name_slug_and_alias_ignores_case() {
    let c = catalog::builtin();
    assert_eq!(c.find("pulseway").map(|t| t.name.as_str()), Some("Pulseway"));
    assert_eq!(c.find("ANYDESK").map(|t| t.slug.as_str()), Some("anydesk"));
    assert_eq!(c.find("ScreenConnect").map(|t| t.name.as_str()), Some("ConnectWise"));
    assert_eq!(c.find("PDQ Connect").map(|t| t.name.as_str()), Some("PDQ"));
    assert_eq!(c.find(" action1 ").map(|t| t.name.as_str()), Some("Action1"));
    assert!(c.find("ScreenConnectX").is_none());
    assert!(c.find("").is_none());
}

#[test]
fn every_tool_has_a_slug_and_a_description() {
    for tool in catalog::builtin().tools() {
        assert!(!tool.slug.is_empty() && !tool.description.is_empty(), "{}", tool.name);
        assert!(!tool.sources.is_empty(), "{} has no source", tool.name);
    }
}

#[test]
fn generic_indicators_are_not_in_the_catalogue() {
    let generic_files = ["setup.exe", "svchost.exe", "mstsc.exe", "msiexec.exe", "explorer.exe", "update.exe"];
    let shared_domains =
        ["amazonaws.com", "*.amazonaws.com", "github.com", "google.com", "*.google.com", "microsoft.com"];
    for tool in catalog::builtin().tools() {
        for exe in &tool.executables {
            let name = exe.file_name.to_ascii_lowercase();
            assert!(!generic_files.contains(&name.as_str()), "{}: {}", tool.name, exe.file_name);
            assert!(
                !exe.company.eq_ignore_ascii_case("Microsoft Corporation") || !exe.product.is_empty(),
                "{}",
                tool.name
            );
        }
        for s in &tool.signers {
            assert!(!s.to_ascii_lowercase().starts_with("microsoft"), "{}: {s}", tool.name);
        }
        for d in &tool.domains {
            assert!(!shared_domains.contains(&d.as_str()), "{}: {d}", tool.name);
        }
    }
}

#[test]
fn duplicate_names_are_rejected() {
    let text = "[[tool]]\nname = 'A'\nslug = 'a'\n[[tool]]\nname = 'a'\nslug = 'b'\n";
    let err = Catalogue::from_toml(text).unwrap_err().to_string();
    assert!(err.contains("`a`"), "{err}");
    let bad_slug = "[[tool]]\nname = 'A'\nslug = 'A B'\n";
    assert!(Catalogue::from_toml(bad_slug).is_err());
    let unknown_field = "[[tool]]\nname = 'A'\nslug = 'a'\ncolour = 'red'\n";
    assert!(Catalogue::from_toml(unknown_field).unwrap_err().to_string().contains("colour"));
}
