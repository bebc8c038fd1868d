//! `quarry.toml`: settings a team keeps beside its data or rules.
//!
//! ```toml
//! # RMM tools this organisation approved: their rules are skipped.
//! allow = ["AnyDesk", "ConnectWise"]
//! # An exclusions file, relative to this file.
//! exclusions = "exclusions.yaml"
//! # Apply the rules' own false-positive scenarios that translate to KQL.
//! scenario_exclusions = false
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The settings of a `quarry.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HuntConfig {
    /// Approved tools, as for `--allow`.
    #[serde(default)]
    pub allow: Vec<String>,
    /// An exclusions file, relative to the config file.
    #[serde(default)]
    pub exclusions: Option<PathBuf>,
    /// Whether to apply the rules' scenario exclusions.
    #[serde(default)]
    pub scenario_exclusions: bool,
}

/// A `quarry.toml` that could not be read, placed in the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", path.display())]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

impl HuntConfig {
    /// Reads `path`; relative paths inside it are made relative to its folder.
    pub fn load(path: &Path) -> Result<HuntConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!("cannot read: {e}"),
        })?;
        let mut config = HuntConfig::parse(path, &text)?;
        if let (Some(file), Some(dir)) = (&config.exclusions, path.parent()) {
            if file.is_relative() {
                config.exclusions = Some(dir.join(file));
            }
        }
        Ok(config)
    }

    /// Parses the text of a `quarry.toml`; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<HuntConfig, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX))
            });
            ConfigError { path: path.to_path_buf(), line, column, message: e.message().to_string() }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_places_errors() {
        let config = HuntConfig::parse(Path::new("quarry.toml"), "allow = [\"AnyDesk\"]\n").unwrap();
        assert_eq!(config.allow, ["AnyDesk"]);
        let err = HuntConfig::parse(Path::new("quarry.toml"), "allow = [\"AnyDesk\"]\nalow = 1\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
        assert!(err.to_string().starts_with("quarry.toml:2:1: unknown field `alow`"), "{err}");
        let err = HuntConfig::parse(Path::new("q.toml"), "allow = \"AnyDesk\"\n").unwrap_err();
        assert_eq!(err.line, 1);
    }
}
