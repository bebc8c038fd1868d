//! Planting RMM tool activity, and decoys that must not match, on chosen devices.

use std::path::Path;

use quarry_hunt::catalog::{Executable, Tool};
use serde::{Deserialize, Serialize};

use crate::GenError;
use crate::fleet::Fleet;
use crate::matching::{self, Prepared, RowView, ToolMatcher};
use crate::model::{Cert, Model, Proc};
use crate::rng::Rng;
use crate::table::Table;
use crate::time::{HOUR, SECOND};
use crate::vocab::{Cmd, Runs};

/// How much to plant. Read from `--plant FILE` (JSON; every field optional).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlantSpec {
    /// Tools to plant, by name, slug or alias (case-insensitive); empty: the whole catalogue.
    pub tools: Vec<String>,
    /// Fraction of devices that get real tool activity.
    pub device_fraction: f64,
    /// Fewest devices with tool activity (when there are enough devices).
    pub min_devices: usize,
    /// Tools per planted device: fewest and most.
    pub tools_per_device: [usize; 2],
    /// Fraction of devices, other than planted ones, that get only decoys.
    pub decoy_device_fraction: f64,
    /// Fewest decoy-only devices (when there are enough devices).
    pub min_decoy_devices: usize,
    /// Share of plantings whose activity lies entirely before the lookback window.
    pub stale_fraction: f64,
    /// The rules' lookback in days (the seed rules use `now(-5d)`).
    pub lookback_days: f64,
    /// Process creations per planting: fewest and most.
    pub process_events: [usize; 2],
    /// Network connections per planting: fewest and most.
    pub network_events: [usize; 2],
}

impl Default for PlantSpec {
    fn default() -> Self {
        PlantSpec {
            tools: Vec::new(),
            device_fraction: 0.05,
            min_devices: 2,
            tools_per_device: [1, 3],
            decoy_device_fraction: 0.05,
            min_decoy_devices: 1,
            stale_fraction: 0.2,
            lookback_days: 5.0,
            process_events: [2, 30],
            network_events: [3, 40],
        }
    }
}

impl PlantSpec {
    /// Reads a plant file.
    pub fn load(path: &Path) -> Result<PlantSpec, GenError> {
        let text = std::fs::read_to_string(path).map_err(|e| GenError::Io(path.to_path_buf(), e))?;
        let spec: PlantSpec = serde_json::from_str(&text).map_err(|e| GenError::PlantFile {
            file: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        spec.validate().map_err(|message| GenError::PlantFile {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            message,
        })?;
        Ok(spec)
    }

    /// Checks ranges.
    pub fn validate(&self) -> Result<(), String> {
        let frac = |name: &str, v: f64| {
            if (0.0..=1.0).contains(&v) { Ok(()) } else { Err(format!("{name} must be between 0 and 1, not {v}")) }
        };
        frac("device_fraction", self.device_fraction)?;
        frac("decoy_device_fraction", self.decoy_device_fraction)?;
        frac("stale_fraction", self.stale_fraction)?;
        if !(self.lookback_days > 0.0 && self.lookback_days < 3650.0) {
            return Err(format!("lookback_days must be a positive number of days, not {}", self.lookback_days));
        }
        for (name, [lo, hi]) in [
            ("tools_per_device", self.tools_per_device),
            ("process_events", self.process_events),
            ("network_events", self.network_events),
        ] {
            if lo > hi || hi > 100_000 {
                return Err(format!("{name} must be [fewest, most] with fewest <= most <= 100000, not [{lo}, {hi}]"));
            }
        }
        if self.tools_per_device[0] == 0 {
            return Err("tools_per_device must start at 1 or more".into());
        }
        Ok(())
    }
}

/// A small built-in tool list, used when the catalogue has no tools (and by tests).
pub fn fallback_tools() -> Vec<Tool> {
    let exe = |file: &str, original: &str, company: &str, product: &str| Executable {
        file_name: file.into(),
        original_file_name: original.into(),
        company: company.into(),
        product: product.into(),
    };
    let tool = |name: &str,
                slug: &str,
                exes: Vec<Executable>,
                signers: &[&str],
                domains: &[&str],
                paths: &[&str],
                keys: &[&str]| Tool {
        name: name.into(),
        slug: slug.into(),
        aliases: Vec::new(),
        description: String::new(),
        executables: exes,
        signers: signers.iter().map(|s| s.to_string()).collect(),
        domains: domains.iter().map(|s| s.to_string()).collect(),
        install_paths: paths.iter().map(|s| s.to_string()).collect(),
        registry_keys: keys.iter().map(|s| s.to_string()).collect(),
        ..Tool::default()
    };
    vec![
        tool(
            "Pulseway",
            "pulseway",
            vec![exe("PCMonitorSrv.exe", "PCMonitorSrv.exe", "MMSoft Design", "Pulseway")],
            &["MMSoft Design Ltd."],
            &["*.pulseway.com"],
            &[r"C:\Program Files\Pulseway\"],
            &[r"HKLM\SOFTWARE\MMSOFT Design\PC Monitor"],
        ),
        tool(
            "ScreenConnect",
            "screenconnect",
            vec![exe(
                "ScreenConnect.ClientService.exe",
                "ScreenConnect.ClientService.exe",
                "ScreenConnect Software",
                "ScreenConnect",
            )],
            &["ConnectWise, LLC"],
            &["*.screenconnect.com"],
            &[r"C:\Program Files (x86)\ScreenConnect Client*\"],
            &[r"HKLM\SYSTEM\CurrentControlSet\Services\ScreenConnect Client*"],
        ),
        tool(
            "Action1",
            "action1",
            vec![exe("action1_agent.exe", "action1_agent.exe", "Action1 Corporation", "Action1 RMM")],
            &["Action1 Corporation"],
            &["server.action1.com", "*.action1.com"],
            &[r"C:\Windows\Action1\"],
            &[r"HKLM\SOFTWARE\Action1"],
        ),
        tool(
            "PDQ Connect",
            "pdq-connect",
            vec![exe("pdq-connect-agent.exe", "pdq-connect-agent.exe", "PDQ.com", "PDQConnectAgent")],
            &["PDQ.com Corporation"],
            &["app.pdq.com", "*.pdqinstaller.com"],
            &[r"C:\Program Files\PDQ\PDQConnectAgent\"],
            &[r"HKLM\SOFTWARE\Admin Arsenal\PDQ Connect Agent"],
        ),
        tool(
            "AnyDesk",
            "anydesk",
            vec![exe("AnyDesk.exe", "AnyDesk.exe", "AnyDesk Software GmbH", "AnyDesk")],
            &["AnyDesk Software GmbH", "philandro Software GmbH"],
            &["*.net.anydesk.com", "boot.net.anydesk.com"],
            &[r"C:\Program Files (x86)\AnyDesk\", r"%ProgramData%\AnyDesk\"],
            &[r"HKLM\SOFTWARE\Clients\Media\AnyDesk"],
        ),
    ]
}

/// The tools to plant, as indices into `all`: every tool, or those the spec names.
pub fn select_tools(all: &[Tool], wanted: &[String]) -> Result<Vec<usize>, GenError> {
    if wanted.is_empty() {
        return Ok((0..all.len()).collect());
    }
    let mut out: Vec<usize> = Vec::new();
    for name in wanted {
        let n = name.trim();
        let found = all.iter().position(|t| {
            t.name.eq_ignore_ascii_case(n)
                || t.slug.eq_ignore_ascii_case(n)
                || t.aliases.iter().any(|a| a.eq_ignore_ascii_case(n))
        });
        match found {
            Some(i) if !out.contains(&i) => out.push(i),
            Some(_) => {}
            None => return Err(GenError::UnknownTool(n.to_string())),
        }
    }
    Ok(out)
}

/// What a planted row holds. `proc` indexes [`Model::procs`], `cert` [`Model::certs`].
#[allow(missing_docs)]
#[derive(Clone, Debug)]
pub enum PlantKind {
    /// A process creation of `proc`.
    Process { proc: usize },
    /// A connection by `proc` to `url`.
    Network { proc: usize, url: String },
    /// A certificate record of `proc`'s file.
    Certificate { proc: usize, cert: usize },
    /// `proc` writing the file at `path`.
    File { proc: usize, path: String, action: &'static str },
    /// `proc` setting a value under `key`.
    Registry { proc: usize, key: String, value: String },
}

impl PlantKind {
    /// The table the row goes to.
    pub fn table(&self) -> Table {
        match self {
            PlantKind::Process { .. } => Table::Process,
            PlantKind::Network { .. } => Table::Network,
            PlantKind::Certificate { .. } => Table::Certificate,
            PlantKind::File { .. } => Table::File,
            PlantKind::Registry { .. } => Table::Registry,
        }
    }
}

/// One planted row (real or decoy).
#[derive(Clone, Debug)]
pub struct PlantedRow {
    /// Event time.
    pub ts: i64,
    /// Device index.
    pub device: usize,
    /// What it holds.
    pub kind: PlantKind,
    /// The tool it imitates, by index into the planted tool list.
    pub tool: usize,
    /// A near miss that no rule may match.
    pub decoy: bool,
}

/// A (device, tool) planting.
#[derive(Clone, Debug)]
pub struct Planting {
    /// Device index.
    pub device: usize,
    /// Tool index.
    pub tool: usize,
    /// All activity lies before the lookback window.
    pub stale: bool,
}

/// The whole plan.
pub struct Plan {
    /// Every tool (the catalogue); plantings index it.
    pub tools: Vec<Tool>,
    /// Their indicators, compiled.
    pub matchers: Vec<ToolMatcher>,
    /// Real plantings.
    pub plantings: Vec<Planting>,
    /// Devices that have only decoys, with the tools their decoys imitate.
    pub decoy_devices: Vec<(usize, Vec<usize>)>,
    /// Every planted row, sorted by time.
    pub rows: Vec<PlantedRow>,
    /// For each row, the tools (by index in `matchers`) whose rule for its table matches it;
    /// none for a decoy.
    pub row_tools: Vec<Vec<usize>>,
    /// Start of the lookback window.
    pub window_start: i64,
}

fn has_exe(tool: &Tool) -> bool {
    tool.executables
        .iter()
        .any(|e| !e.company.trim().is_empty() || !e.product.trim().is_empty() || !e.file_name.trim().is_empty())
}

/// Tools whose rows can be planted at all: some indicator a generated rule looks for.
fn usable(tool: &Tool) -> bool {
    has_exe(tool)
        || tool.signers.iter().any(|s| !s.trim().is_empty())
        || tool.domains.iter().any(|d| matching::usable_domain(d))
        || tool.install_paths.iter().any(|p| matching::usable_path(p))
        || tool.registry_keys.iter().any(|k| matching::usable_key(k))
}

/// Breaks every term of a value so that `has` finds none of them: several terms are joined
/// into one (`MMSoft Design` -> `MMSoftDesign`), a single term gets a suffix
/// (`Pulseway` -> `Pulseways`).
pub fn near_miss(value: &str, salt: u64) -> String {
    if !value.is_ascii() {
        // Terms are ASCII; around other letters `has` is a substring test, so the near miss
        // drops the last character instead.
        let mut chars: Vec<char> = value.trim().chars().collect();
        chars.pop();
        let cut: String = chars.into_iter().collect();
        return if cut.trim().is_empty() { "Xq".into() } else { cut };
    }
    let joined: String = value.chars().filter(|c| c.is_alphanumeric()).collect();
    let terms = value.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).count();
    if joined.is_empty() {
        return "Xq".into();
    }
    if terms >= 2 {
        joined
    } else {
        let suffix = ["s", "X", "Pro", "ly"][(salt % 4) as usize];
        format!("{joined}{suffix}")
    }
}

fn near_miss_file(file: &str, salt: u64) -> String {
    let (stem, ext) = file.rsplit_once('.').unwrap_or((file, "exe"));
    let suffix = ["X", "2", "Svc", "Helper"][(salt % 4) as usize];
    format!("{stem}{suffix}.{ext}")
}

/// A host name near a catalogue domain that is not it: the registered label gets a prefix
/// (`server.action1.com` -> `server.getaction1.com`), or the domain is followed by another
/// (`server.action1.com.example.net`, which `has` matches but the host does not).
fn near_miss_host(domain: &str, salt: u64) -> Option<String> {
    let base = domain.trim().trim_start_matches("*.").to_ascii_lowercase();
    let labels: Vec<&str> = base.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty() || l.contains('*')) {
        return None;
    }
    if salt % 2 == 0 {
        let mut l: Vec<String> = labels.iter().map(|s| s.to_string()).collect();
        let n = l.len();
        l[n - 2] = format!("{}{}", ["get", "my", "not", "secure"][(salt / 2 % 4) as usize], l[n - 2]);
        let host = l.join(".");
        Some(if domain.trim().starts_with("*.") { format!("relay.{host}") } else { host })
    } else {
        Some(format!("{}.example.net", if domain.trim().starts_with("*.") { format!("relay.{base}") } else { base }))
    }
}

/// A concrete host for a catalogue domain.
fn host_for(domain: &str, rng: &mut Rng) -> Option<String> {
    let d = domain.trim().to_ascii_lowercase();
    if d.is_empty() || d.contains(['/', '[', '(', '\\', ' ']) {
        return None;
    }
    let (wild, base) = match d.strip_prefix("*.") {
        Some(rest) => (true, rest.to_string()),
        None => (false, d.clone()),
    };
    if base.contains('*') || !base.contains('.') {
        return None;
    }
    Some(if wild {
        format!("{}.{base}", rng.pick(&["relay", "agent", "api", "instance-7", "eu1", "control"]))
    } else {
        base
    })
}

/// A concrete folder for an install path, for `user`: wildcards filled, variables expanded.
fn folder_for(path: &str, user: &str, rng: &mut Rng) -> Option<(String, Option<String>)> {
    let trimmed = path.trim();
    let trimmed = trimmed.strip_suffix("\\*").map(|s| format!("{s}\\")).unwrap_or_else(|| trimmed.to_string());
    let expanded = matching::expand_path(&trimmed, user);
    if expanded.len() < 3 || expanded.as_bytes()[1] != b':' || expanded.contains(['%', '/', '?']) {
        return None;
    }
    let filled = expanded.replace('*', &format!("{:x}", rng.bits() & 0xffff_ffff));
    let is_folder = filled.ends_with('\\') || !filled.rsplit('\\').next().unwrap_or("").contains('.');
    let trimmed = filled.trim_end_matches('\\').to_string();
    if is_folder {
        Some((trimmed, None))
    } else {
        let (folder, file) = trimmed.rsplit_once('\\')?;
        Some((folder.to_string(), Some(file.to_string())))
    }
}

const TOOL_ISSUERS: &[(&str, &str)] = &[
    (
        "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1",
        "http://crl3.digicert.com/DigiCertTrustedG4CodeSigningRSA4096SHA3842021CA1.crl",
    ),
    ("Sectigo Public Code Signing CA R36", "http://crl.sectigo.com/SectigoPublicCodeSigningCAR36.crl"),
    ("GlobalSign GCC R45 EV CodeSigning CA 2020", "http://crl.globalsign.com/gsgccr45evcodesignca2020.crl"),
    (
        "SSL.com EV Code Signing Intermediate CA RSA R3",
        "http://crls.ssl.com/SSLcom-SubCA-EV-CodeSigning-RSA-4096-R3.crl",
    ),
];

struct Builder<'a> {
    seed: u64,
    fleet: &'a Fleet,
    model: &'a mut Model,
    tools: &'a [Tool],
    rows: Vec<PlantedRow>,
    start: i64,
    end: i64,
    window_start: i64,
}

impl Builder<'_> {
    fn add_cert(&mut self, signer: &str, rng: &mut Rng) -> usize {
        let (issuer, crl) = *rng.pick(TOOL_ISSUERS);
        self.model.certs.push(Cert::new(self.seed, signer, issuer, crl, false, "Embedded", self.end));
        self.model.certs.len() - 1
    }

    /// A process for one of the tool's executables (or its near miss) on `device`.
    fn tool_proc(&mut self, tool: usize, device: usize, decoy: bool, rng: &mut Rng) -> (usize, Option<String>) {
        let t = &self.tools[tool];
        let exes: Vec<&Executable> = t
            .executables
            .iter()
            .filter(|e| !e.company.trim().is_empty() || !e.product.trim().is_empty() || !e.file_name.trim().is_empty())
            .collect();
        // A tool known only by its domains, signers or paths still runs some binary.
        let none = Executable::default();
        let exe = if exes.is_empty() { &none } else { *rng.pick(&exes) };
        let user = &self.fleet.devices[device].user;
        let salt = rng.bits();
        let mut file = exe.file_name.trim().to_string();
        if file.is_empty() {
            file = if exe.original_file_name.trim().is_empty() {
                format!("{}.exe", t.slug.replace(' ', ""))
            } else {
                exe.original_file_name.trim().to_string()
            };
        }
        let original = if exe.original_file_name.trim().is_empty() {
            file.clone()
        } else {
            exe.original_file_name.trim().to_string()
        };
        let (mut folder, path_file) = t
            .install_paths
            .iter()
            .filter(|p| matching::usable_path(p))
            .find_map(|p| folder_for(p, user, rng))
            .unwrap_or_else(|| {
                (
                    format!(r"C:\Program Files\{}", t.name.replace(['\\', '/', ':', '*', '?', '"', '<', '>', '|'], "")),
                    None,
                )
            });
        // An executable the catalogue knows only by file name still has version information:
        // that of the tool's other executables (Action1's agent is "Action1" by "Action1").
        let known = t.executables.iter().find(|e| !e.company.trim().is_empty() && !e.product.trim().is_empty());
        let mut company = exe.company.trim().to_string();
        let mut product = exe.product.trim().to_string();
        if company.is_empty() && product.is_empty() {
            if let Some(k) = known {
                company = k.company.trim().to_string();
                product = k.product.trim().to_string();
            }
        }
        let version = format!("{}.{}.{}.{}", 1 + salt % 23, (salt >> 8) % 10, (salt >> 16) % 100, (salt >> 24) % 9000);
        let (mut file, mut original) = (file, original);
        if decoy {
            company = if company.is_empty() { String::new() } else { near_miss(&company, salt) };
            product = if product.is_empty() { near_miss(&t.name, salt) } else { near_miss(&product, salt >> 3) };
            file = near_miss_file(&file, salt >> 5);
            original = near_miss_file(&original, salt >> 5);
            folder = format!(r"C:\Program Files\{}", near_miss(&t.name, salt >> 7));
        }
        let description = if product.is_empty() { t.name.clone() } else { format!("{product} Service") };
        let signer =
            if decoy { t.signers.first().map(|s| near_miss(s, salt >> 9)) } else { t.signers.first().cloned() };
        let cert = match signer {
            Some(s) => self.add_cert(&s, rng),
            None => 1,
        };
        let size = 500_000 + (salt % 40_000_000) as i64;
        let mut proc = Proc::new(
            self.seed ^ tool as u64,
            &file,
            &folder,
            &company,
            &product,
            &version,
            &description,
            &original,
            size,
            cert,
            Runs::System,
            Cmd::Bare,
        );
        proc.os_vendor = false;
        proc.parent = self.model.services;
        proc.args = (*rng.pick(&["", "", "-service", "/run", "--mode=agent", "-Embedding"])).to_string();
        self.model.procs.push(proc);
        let path_file = if decoy { None } else { path_file };
        (self.model.procs.len() - 1, path_file)
    }

    fn push(&mut self, ts: i64, device: usize, tool: usize, decoy: bool, kind: PlantKind) {
        self.rows.push(PlantedRow { ts, device, kind, tool, decoy });
    }

    /// A time inside `[lo, hi]` that keeps a second away from the window start, so that the
    /// `between` bound never decides on rounding.
    fn time_in(&self, lo: i64, hi: i64, rng: &mut Rng) -> i64 {
        let mut t = rng.range(lo, hi.max(lo)) / 100 * 100;
        if (t - self.window_start).abs() < SECOND {
            t = if t < self.window_start { self.window_start - 2 * SECOND } else { self.window_start + 2 * SECOND };
        }
        t.clamp(self.start, self.end - 1)
    }

    /// Rows of one planting (or one decoy set) on `device`.
    fn plant(&mut self, spec: &PlantSpec, device: usize, tool: usize, stale: bool, decoy: bool, rng: &mut Rng) {
        let margin = HOUR.min((self.end - self.start) / 10).max(SECOND);
        let (lo, hi) = if stale {
            (self.start, self.window_start - margin)
        } else {
            let w = self.window_start.max(self.start);
            let hi = self.end - margin;
            // Most plantings began before the window and carry on into it.
            let lo = if rng.chance(0.6) { self.start } else { w + (hi - w) / 3 };
            (lo, hi)
        };
        let (lo, hi) = (lo.min(hi), hi.max(lo));
        // The last process row of a live planting is inside the window.
        let in_window_lo = self.window_start.max(self.start) + margin;
        let (proc, path_file) = self.tool_proc(tool, device, decoy, rng);
        let t = self.tools[tool].clone();
        let scale = if decoy { 0.3 } else { 1.0 };
        let count = |range: [usize; 2], rng: &mut Rng| -> usize {
            let n = range[0] as i64 + rng.exp(((range[1] - range[0]) as f64) / 4.0) as i64;
            ((n.min(range[1] as i64) as f64 * scale).ceil() as usize).max(1)
        };
        let n = if has_exe(&t) { count(spec.process_events, rng) } else { 0 };
        for i in 0..n {
            let ts = if i == 0 && !stale && !decoy {
                self.time_in(in_window_lo.min(hi), hi, rng)
            } else {
                self.time_in(lo, hi, rng)
            };
            self.push(ts, device, tool, decoy, PlantKind::Process { proc });
        }
        let hosts: Vec<String> = t
            .domains
            .iter()
            .filter(|d| matching::usable_domain(d))
            .filter_map(|d| if decoy { near_miss_host(d, rng.bits()) } else { host_for(d, rng) })
            .collect();
        if !hosts.is_empty() {
            for _ in 0..count(spec.network_events, rng) {
                let url = rng.pick(&hosts).clone();
                let ts = self.time_in(lo, hi, rng);
                self.push(ts, device, tool, decoy, PlantKind::Network { proc, url });
            }
        }
        if !t.signers.is_empty() {
            let cert = self.model.procs[proc].cert;
            for _ in 0..rng.range(1, 3) {
                let ts = self.time_in(lo, hi, rng);
                self.push(ts, device, tool, decoy, PlantKind::Certificate { proc, cert });
            }
        }
        let has_path = t.install_paths.iter().any(|p| matching::usable_path(p));
        if has_path {
            let p = &self.model.procs[proc];
            let path = match &path_file {
                Some(f) => format!("{}\\{f}", p.folder),
                None => p.path.clone(),
            };
            for _ in 0..rng.range(1, 4) {
                let action = *rng.pick(&["FileCreated", "FileCreated", "FileModified"]);
                let ts = self.time_in(lo, hi, rng);
                self.push(ts, device, tool, decoy, PlantKind::File { proc, path: path.clone(), action });
            }
        }
        let user_sid = self.fleet.devices[device].user_sid.clone();
        let keys: Vec<String> = t
            .registry_keys
            .iter()
            .filter(|k| matching::usable_key(k))
            .map(|k| {
                let concrete = matching::defender_key(&k.replace('*', "A1"), &user_sid);
                if decoy {
                    let parts: Vec<&str> = concrete.split('\\').collect();
                    let keep = if parts.first() == Some(&"HKEY_CURRENT_USER") { 3 } else { 2 };
                    parts
                        .iter()
                        .enumerate()
                        .map(|(i, s)| if i < keep { s.to_string() } else { near_miss(s, i as u64) })
                        .collect::<Vec<_>>()
                        .join("\\")
                } else {
                    concrete
                }
            })
            .collect();
        if !keys.is_empty() {
            for _ in 0..rng.range(1, 4) {
                let key = rng.pick(&keys).clone();
                let value = (*rng.pick(&["ImagePath", "InstallDir", "Version", "DeviceId", "ServerUrl"])).to_string();
                let ts = self.time_in(lo, hi, rng);
                self.push(ts, device, tool, decoy, PlantKind::Registry { proc, key, value });
            }
        }
    }
}

/// The indicator view of a planted row.
pub fn view<'a>(row: &'a PlantedRow, model: &'a Model) -> RowView<'a> {
    let p = |i: usize| &model.procs[i];
    match &row.kind {
        PlantKind::Process { proc } => {
            let p = p(*proc);
            RowView {
                company: &p.company,
                product: &p.product,
                file_name: &p.file,
                original: &p.original,
                folder_path: &p.path,
                ..RowView::default()
            }
        }
        PlantKind::Network { proc, url } => {
            let p = p(*proc);
            RowView { company: &p.company, product: &p.product, remote_url: url, ..RowView::default() }
        }
        PlantKind::Certificate { cert, .. } => RowView { signer: &model.certs[*cert].signer, ..RowView::default() },
        PlantKind::File { path, .. } => {
            let file = path.rsplit('\\').next().unwrap_or("");
            RowView { file_name: file, folder_path: path, ..RowView::default() }
        }
        PlantKind::Registry { key, .. } => RowView { registry_key: key, ..RowView::default() },
    }
}

/// Whether the tool's rule for the row's table matches the row.
pub fn table_match(m: &ToolMatcher, row: &PlantedRow, model: &Model) -> bool {
    let v = view(row, model);
    table_match_prepared(m, row.kind.table(), &v, &Prepared::new(&v))
}

/// [`table_match`] for a row of `table` whose view and texts are worked out.
pub fn table_match_prepared(m: &ToolMatcher, table: Table, v: &RowView, p: &Prepared) -> bool {
    match table {
        Table::Process => m.process_prepared(v, p),
        Table::Network => m.host(&p.host),
        Table::Certificate => m.signer_lower(&p.signer),
        Table::File => m.path(v, p),
        Table::Registry => m.key(v, p),
        Table::Logon | Table::Info => false,
    }
}

/// What a planted row shows the tools' rules: the row's view ([`view`]) is a function of it.
#[derive(Clone, PartialEq, Eq, Hash)]
enum ViewKey {
    Process(usize),
    Network(usize, String),
    Certificate(usize),
    File(String),
    Registry(String),
}

impl ViewKey {
    fn of(row: &PlantedRow) -> ViewKey {
        match &row.kind {
            PlantKind::Process { proc } => ViewKey::Process(*proc),
            PlantKind::Network { proc, url } => ViewKey::Network(*proc, url.clone()),
            PlantKind::Certificate { cert, .. } => ViewKey::Certificate(*cert),
            PlantKind::File { path, .. } => ViewKey::File(path.clone()),
            PlantKind::Registry { key, .. } => ViewKey::Registry(key.clone()),
        }
    }
}

/// The tools matching each distinct row view, worked out once: planted rows show a few views
/// (a tool's process, URL, path or key) many times over, and matching one against every
/// tool's indicators was most of the set-up at thousands of devices.
#[derive(Default)]
struct MatchMemo {
    by_view: std::collections::HashMap<ViewKey, Vec<usize>>,
}

impl MatchMemo {
    /// The tools whose rule for the row's table matches the row, by index in `matchers`.
    fn tools(&mut self, matchers: &[ToolMatcher], row: &PlantedRow, model: &Model) -> &[usize] {
        self.by_view.entry(ViewKey::of(row)).or_insert_with(|| matching_tools(matchers, row, model))
    }
}

/// The tools whose rule for the row's table matches the row, by index in `matchers`.
fn matching_tools(matchers: &[ToolMatcher], row: &PlantedRow, model: &Model) -> Vec<usize> {
    let v = view(row, model);
    let p = Prepared::new(&v);
    let table = row.kind.table();
    matchers.iter().enumerate().filter(|(_, m)| table_match_prepared(m, table, &v, &p)).map(|(i, _)| i).collect()
}

/// Makes the plan.
#[allow(clippy::too_many_arguments)]
pub fn plan(
    seed: u64,
    spec: &PlantSpec,
    tools: Vec<Tool>,
    selected: &[usize],
    fleet: &Fleet,
    model: &mut Model,
    start: i64,
    end: i64,
) -> Plan {
    let mut rng = Rng::new(seed, 0x91A47);
    let window_start = end - (spec.lookback_days * 86_400.0 * 1e9) as i64;
    // Only the selected tools are planted, but every tool's rules are matched against the rows
    // (two tools may share a signer).
    let candidates: Vec<usize> = selected.iter().copied().filter(|&i| i < tools.len() && usable(&tools[i])).collect();
    let n = fleet.devices.len();
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..order.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    let want = |frac: f64, min: usize| ((n as f64 * frac).ceil() as usize).max(min.min(n / 4)).min(n);
    let planted_n = if candidates.is_empty() || spec.device_fraction == 0.0 {
        0
    } else {
        want(spec.device_fraction, spec.min_devices)
    };
    let decoy_n = if candidates.is_empty() || spec.decoy_device_fraction == 0.0 {
        0
    } else {
        want(spec.decoy_device_fraction, spec.min_decoy_devices).min(n - planted_n)
    };
    let mut tool_order = candidates.clone();
    for i in (1..tool_order.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        tool_order.swap(i, j);
    }
    let can_stale = window_start - start > 2 * HOUR;
    let mut b = Builder { seed, fleet, model, tools: &tools, rows: Vec::new(), start, end, window_start };
    let mut plantings = Vec::new();
    let mut next_tool = 0usize;
    for &device in order.iter().take(planted_n) {
        let k = rng.range(spec.tools_per_device[0] as i64, spec.tools_per_device[1] as i64) as usize;
        let mut mine: Vec<usize> = Vec::new();
        for _ in 0..k.min(tool_order.len()) {
            // Round-robin over a shuffled catalogue, so that many distinct tools are planted.
            let tool = tool_order[next_tool % tool_order.len()];
            next_tool += 1;
            if mine.contains(&tool) {
                continue;
            }
            mine.push(tool);
            let stale = can_stale && rng.chance(spec.stale_fraction);
            plantings.push(Planting { device, tool, stale });
            b.plant(spec, device, tool, stale, false, &mut rng);
            // Near misses of the same tool on the same device must not be counted.
            if rng.chance(0.5) {
                b.plant(spec, device, tool, false, true, &mut rng);
            }
        }
    }
    let mut decoy_devices = Vec::new();
    for &device in order.iter().skip(planted_n).take(decoy_n) {
        let mut mine = Vec::new();
        for _ in 0..rng.range(1, 3) {
            let tool = tool_order[rng.below(tool_order.len() as u64) as usize];
            if !mine.contains(&tool) {
                mine.push(tool);
                b.plant(spec, device, tool, false, true, &mut rng);
            }
        }
        decoy_devices.push((device, mine));
    }
    let mut rows = std::mem::take(&mut b.rows);
    // A decoy that some tool's rule would match after all is not a decoy: drop it.
    let matchers: Vec<ToolMatcher> = tools.iter().map(ToolMatcher::new).collect();
    let mut memo = MatchMemo::default();
    rows.retain(|r| !r.decoy || memo.tools(&matchers, r, model).is_empty());
    rows.sort_by_key(|r| (r.ts, r.device));
    let row_tools =
        rows.iter().map(|r| if r.decoy { Vec::new() } else { memo.tools(&matchers, r, model).to_vec() }).collect();
    Plan { tools, matchers, plantings, decoy_devices, rows, row_tools, window_start }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_break_every_term() {
        assert_eq!(near_miss("MMSoft Design", 0), "MMSoftDesign");
        assert_eq!(near_miss("Pulseway", 0), "Pulseways");
        assert_eq!(near_miss("上海贝锐信息科技股份有限公司", 1), "上海贝锐信息科技股份有限公");
        for salt in 0..8 {
            for v in ["Pulseway", "MMSoft Design", "ConnectWise, LLC", "Action1"] {
                let m = near_miss(v, salt);
                assert!(!matching::has(&m, v), "{m} has {v}");
                for term in v.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()) {
                    assert!(!matching::has(&m, term), "{m} has {term}");
                }
            }
        }
    }

    #[test]
    fn near_miss_hosts_are_not_the_domain() {
        for salt in 0..8 {
            for d in ["server.action1.com", "*.pulseway.com"] {
                let h = near_miss_host(d, salt).unwrap();
                assert!(!matching::host_matches(&h, d), "{h} vs {d}");
            }
        }
    }

    #[test]
    fn spec_ranges_are_checked() {
        let bad = PlantSpec { device_fraction: 1.5, ..PlantSpec::default() };
        assert!(bad.validate().unwrap_err().contains("device_fraction"));
        assert!(PlantSpec::default().validate().is_ok());
    }
}
