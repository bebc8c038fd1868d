//! The RMM catalogue: remote monitoring and management tools and the indicators that identify
//! them on an endpoint (PE metadata, code-signing signers, network domains, install paths,
//! registry keys).
//!
//! The built-in catalogue is `data/rmm-catalogue.toml`, compiled into the binary. It is made by
//! `scripts/build-catalogue.py` from public facts (LOLRMM and the jischell-msft RMM list) and
//! reviewed; `notes/catalogue.md` says what was left out and why.
//!
//! ```
//! let catalogue = quarry_hunt::catalog::builtin();
//! let tool = catalogue.find("screenconnect").unwrap(); // an alias
//! assert_eq!(tool.name, "ConnectWise");
//! ```

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// The catalogue file compiled into the binary.
pub const BUILTIN_TOML: &str = include_str!("../../data/rmm-catalogue.toml");

/// One RMM tool and its indicators.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tool {
    /// Display name, e.g. `Pulseway`. Unique in the catalogue (case-insensitively).
    pub name: String,
    /// Lower-case identifier used on the command line and in rule file names, e.g. `pulseway`.
    pub slug: String,
    /// Other names the tool is known by.
    pub aliases: Vec<String>,
    /// One line on what the tool is.
    pub description: String,
    /// Executables of the tool, by the version information in their PE headers.
    pub executables: Vec<Executable>,
    /// Subjects of the certificates the tool's binaries are signed with.
    pub signers: Vec<String>,
    /// Network domains the tool contacts. `example.com` means the host and all its
    /// subdomains; `*.example.com` only its subdomains.
    pub domains: Vec<String>,
    /// Folders or files the tool installs, Windows form, e.g. `C:\Program Files\Pulseway\*`.
    /// `*` stands for any run of characters within one path segment; a leading `*\` for any
    /// folder; a trailing `\*` for anything below the folder.
    pub install_paths: Vec<String>,
    /// Registry keys the tool creates, e.g. `HKLM\SOFTWARE\MMSOFT Design\PC Monitor`.
    pub registry_keys: Vec<String>,
    /// Where the facts came from: `lolrmm`, `jischell`.
    pub sources: Vec<String>,
}

/// An executable of a tool, as its PE version information names it. Any field may be empty.
///
/// A process is the executable's when its file name or its original file name is the one given,
/// or when its version information has the given company and product (both, when both are
/// given; `has` term matching).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Executable {
    /// The file name on disk, e.g. `PCMonitorSrv.exe`.
    pub file_name: String,
    /// `OriginalFileName` of the version information.
    pub original_file_name: String,
    /// `CompanyName`, e.g. `MMSoft Design`.
    pub company: String,
    /// `ProductName`, e.g. `Pulseway`.
    pub product: String,
}

impl Tool {
    /// Every name the tool answers to: its name, slug and aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [self.name.as_str(), self.slug.as_str()].into_iter().chain(self.aliases.iter().map(String::as_str))
    }
}

/// The catalogue: tools in name order, with lookup by name, slug or alias.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    tools: Vec<Tool>,
    by_name: HashMap<String, usize>,
}

/// Why a catalogue file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// The file is not valid TOML, or a field has the wrong type.
    #[error("catalogue is not valid: {0}")]
    Toml(#[from] toml::de::Error),
    /// A tool has no name or slug, or a slug that is not lower-case letters, digits and `-`.
    #[error("catalogue tool {index}: {message}")]
    Tool {
        /// 0-based position of the tool in the file.
        index: usize,
        /// What is wrong.
        message: String,
    },
    /// Two tools share a name, slug or alias.
    #[error("catalogue: `{name}` names both {first} and {second}")]
    Duplicate {
        /// The shared name, lower-cased.
        name: String,
        /// The first tool's name.
        first: String,
        /// The second tool's name.
        second: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    #[serde(default)]
    tool: Vec<Tool>,
}

impl Catalogue {
    /// Reads a catalogue in the format of `data/rmm-catalogue.toml`.
    ///
    /// A name, slug or alias shared by two tools is an error, except an alias that repeats
    /// another tool's alias: such an alias is dropped from lookup (it cannot say which tool).
    pub fn from_toml(text: &str) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile = toml::from_str(text)?;
        Catalogue::new(file.tool)
    }

    /// A catalogue of `tools`, checked as for [`Catalogue::from_toml`].
    pub fn new(mut tools: Vec<Tool>) -> Result<Catalogue, CatalogueError> {
        tools.sort_by_key(|t| t.name.to_lowercase());
        let mut by_name: HashMap<String, usize> = HashMap::new();
        // Primary names (name, slug) first, so an alias never shadows a tool's own name.
        for (index, tool) in tools.iter().enumerate() {
            if tool.name.trim().is_empty() {
                return Err(CatalogueError::Tool { index, message: "has no name".into() });
            }
            if tool.slug.is_empty()
                || !tool.slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(CatalogueError::Tool {
                    index,
                    message: format!("slug `{}` must be lower-case letters, digits and `-`", tool.slug),
                });
            }
            for key in [tool.name.to_lowercase(), tool.slug.clone()] {
                match by_name.get(&key) {
                    Some(&other) if other != index => {
                        return Err(CatalogueError::Duplicate {
                            name: key,
                            first: tools[other].name.clone(),
                            second: tool.name.clone(),
                        });
                    }
                    _ => {
                        by_name.insert(key, index);
                    }
                }
            }
        }
        let primary: Vec<String> = by_name.keys().cloned().collect();
        let mut ambiguous = Vec::new();
        for (index, tool) in tools.iter().enumerate() {
            for alias in &tool.aliases {
                let key = alias.to_lowercase();
                if primary.contains(&key) {
                    continue;
                }
                match by_name.get(&key) {
                    Some(&other) if other != index => ambiguous.push(key),
                    _ => {
                        by_name.insert(key, index);
                    }
                }
            }
        }
        for key in ambiguous {
            by_name.remove(&key);
        }
        Ok(Catalogue { tools, by_name })
    }

    /// All tools, in name order (case-insensitive).
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// Number of tools.
    pub fn len(&self) -> usize {
        self.tools.len()
    }

    /// Whether the catalogue has no tools.
    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }

    /// The tool with this name, slug or alias, compared case-insensitively.
    pub fn find(&self, name: &str) -> Option<&Tool> {
        self.by_name.get(&name.trim().to_lowercase()).map(|&i| &self.tools[i])
    }
}

/// The built-in catalogue, parsed once.
///
/// # Panics
///
/// Never for a released build: the embedded file is checked by the crate's tests
/// (`tests/catalogue.rs`), so a broken file cannot ship.
pub fn builtin() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| match Catalogue::from_toml(BUILTIN_TOML) {
        Ok(catalogue) => catalogue,
        Err(err) => panic!("the built-in RMM catalogue is broken: {err}"),
    })
}
