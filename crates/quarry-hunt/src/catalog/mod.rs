//! The RMM catalogue: remote monitoring and management tools and the indicators that identify
//! them on an endpoint (PE metadata, code-signing signers, network domains, install paths,
//! registry keys).

/// One RMM tool and its indicators.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
    /// Network domains the tool contacts; may start with `*.` for any subdomain.
    pub domains: Vec<String>,
    /// Folders or files the tool installs, Windows form, e.g. `C:\Program Files\Pulseway\`.
    pub install_paths: Vec<String>,
    /// Registry keys the tool creates, e.g. `HKLM\SOFTWARE\MMSOFT Design\PC Monitor`.
    pub registry_keys: Vec<String>,
}

/// An executable of a tool, as its PE version information names it. Any field may be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
