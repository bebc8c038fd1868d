//! Row writers: one function per table fills one row of a [`Batch`], for background activity
//! and for planted rows alike.

#![allow(clippy::explicit_auto_deref)] // `*rng.pick(..)` picks the `&str` out of a `&[&str]`.

use crate::fleet::{Device, Fleet};
use crate::model::{Model, Proc};
use crate::plant::{PlantKind, PlantedRow};
use crate::rng::{Rng, Weighted, mix};
use crate::table::{Batch, ImageCols, Ix, Shared, TableSpec};
use crate::time::{self, DAY, HOUR};
use crate::vocab::{self, Cmd, Runs};

/// What the row writers share.
pub struct Ctx<'a> {
    /// The run's seed.
    pub seed: u64,
    /// The fleet.
    pub fleet: &'a Fleet,
    /// Processes and certificates.
    pub model: &'a Model,
    /// Next ReportId counter of each device (see [`Ctx::next_report`]).
    pub report: Vec<i64>,
    /// Where each device's spans of each [`Lifetime`] start (see [`Ctx::instance`]): worked
    /// out once per device, not per row.
    instance_offsets: Vec<[i64; 3]>,
    /// The table the rows are for (its ReportIds are the ones congruent to it modulo 7).
    table: crate::table::Table,
    /// Background programs allowed for file and registry places, by file name.
    pub file_places: Weighted,
    /// Background domains, by group, that match no tool.
    pub domains: Vec<Vec<&'static str>>,
    /// Registry places usable for background rows (they match no tool's key).
    pub registry_places: Vec<usize>,
    /// Process indices of each file place's writers.
    file_writers: Vec<Vec<usize>>,
    /// Process indices of each registry place's writers.
    registry_writers: Vec<Vec<usize>>,
    /// The file and registry places' templates, split at their placeholders.
    file_templates: Vec<Vec<Piece>>,
    registry_templates: Vec<Vec<Piece>>,
    /// Whether each registry place's key has a random part (`{R}`), and whether it names the
    /// device's user (`{sid}`): read off its template.
    registry_random: Vec<bool>,
    registry_per_user: Vec<bool>,
    lsass: usize,
    winlogon: usize,
    s1: String,
    s2: String,
    num: String,
    s3: String,
}

impl<'a> Ctx<'a> {
    /// A context; `domains` are the background domain groups already cleared of tool domains.
    pub fn new(
        seed: u64,
        fleet: &'a Fleet,
        model: &'a Model,
        table: crate::table::Table,
        domains: Vec<Vec<&'static str>>,
        file_ok: &[bool],
        registry_ok: &[bool],
    ) -> Ctx<'a> {
        let registry_templates: Vec<Vec<Piece>> = vocab::REGISTRY_PLACES.iter().map(|p| pieces(p.0)).collect();
        let with = |slot| registry_templates.iter().map(|t| t.contains(&Piece::Slot(slot))).collect();
        Ctx {
            seed,
            fleet,
            model,
            report: fleet.devices.iter().map(|d| d.first_report_id).collect(),
            instance_offsets: fleet.devices.iter().map(|d| Lifetime::offsets(seed, d.index)).collect(),
            table,
            file_places: Weighted::new(
                vocab::FILE_PLACES
                    .iter()
                    .enumerate()
                    .map(|(i, p)| if file_ok.get(i) == Some(&true) { p.1 as u64 } else { 0 }),
            ),
            domains,
            registry_places: (0..vocab::REGISTRY_PLACES.len()).filter(|&i| registry_ok.get(i) == Some(&true)).collect(),
            file_writers: vocab::FILE_PLACES.iter().map(|p| p.3.iter().map(|w| find(model, w)).collect()).collect(),
            file_templates: vocab::FILE_PLACES.iter().map(|p| pieces(p.0)).collect(),
            registry_random: with(Slot::RandomUpper),
            registry_per_user: with(Slot::Sid),
            registry_templates,
            registry_writers: vocab::REGISTRY_PLACES
                .iter()
                .map(|p| p.3.iter().map(|w| find(model, w)).collect())
                .collect(),
            lsass: find(model, "lsass.exe"),
            winlogon: find(model, "winlogon.exe"),
            s1: String::with_capacity(512),
            num: String::with_capacity(32),
            s3: String::with_capacity(256),
            s2: String::with_capacity(512),
        }
    }

    /// The device's next ReportId for this context's table. Tables are generated apart (in
    /// parallel), yet a device's ReportIds must not repeat across its tables: each table takes
    /// the ids congruent to its index modulo the number of tables, from its own counter.
    fn next_report(&mut self, dev: usize, rng: &mut Rng) -> i64 {
        let r = self.report[dev];
        self.report[dev] += 1 + (rng.bits() & 1) as i64;
        r * crate::table::Table::ALL.len() as i64 + self.table.index() as i64
    }

    /// Sets the columns every row has; returns the ReportId.
    fn head(&mut self, b: &mut Batch<'a>, ix: &Ix, ts: i64, dev: &'a Device, rng: &mut Rng) -> i64 {
        b.t(ix.Timestamp, ts);
        b.group(5 << 60 | dev.index as u64, &[ix.DeviceId, ix.DeviceName, ix.MachineGroup], || {
            [&dev.id, &dev.name, dev.machine_group]
        });
        let r = self.next_report(dev.index, rng);
        b.l(ix.ReportId, r);
        r
    }

    /// The instance of `proc` running on `dev` at `ts`. Spans are as long as the program's
    /// [`Lifetime`], and each device starts them at its own offset (devices do not all reboot
    /// or log on at the same instant).
    fn instance(&self, dev: usize, proc: usize, ts: i64) -> Instance {
        // One constant divisor per lifetime: a division by a variable costs tens of cycles,
        // and a row takes several instances.
        let lifetime = self.model.procs.get(proc).map_or(Lifetime::Helper, Lifetime::of);
        let offset = self.instance_offsets[dev][lifetime as usize];
        match lifetime {
            Lifetime::Helper => Instance::at::<{ Lifetime::HELPER }>(offset, ts),
            Lifetime::Session => Instance::at::<{ Lifetime::SESSION }>(offset, ts),
            Lifetime::Service => Instance::at::<{ Lifetime::SERVICE }>(offset, ts),
        }
    }

    /// A stable process id for instance `at` of `proc` on `dev`.
    fn pid(&self, dev: usize, proc: usize, at: Instance, salt: u64) -> i64 {
        let k = mix(self.seed ^ (dev as u64) << 20 ^ (proc as u64) << 4 ^ at.n as u64 ^ salt);
        ((k % 16_000) as i64 + 1) * 4
    }

    /// When instance `at` of `proc` (running at `ts`) started: before its span began (so the
    /// same instance is valid for all of it), by `back` and up to a few hours more.
    fn started(&self, dev: usize, proc: usize, at: Instance, ts: i64, back: i64) -> i64 {
        let k = mix(self.seed ^ 0x5157 ^ (dev as u64) << 24 ^ (proc as u64) ^ at.n as u64);
        let t = at.begun - back - (k % (6 * HOUR) as u64) as i64;
        (t.min(ts - 100) / 100) * 100
    }

    /// The account `runs` names on `dev`: domain, name, SID, UPN and object id.
    fn account(&self, runs: Runs, dev: &'a Device) -> (&'a str, &'a str, &'a str, &'a str, &'a str) {
        match runs {
            Runs::System => ("nt authority", "system", "S-1-5-18", "", ""),
            Runs::LocalService => ("nt authority", "local service", "S-1-5-19", "", ""),
            Runs::NetworkService => ("nt authority", "network service", "S-1-5-20", "", ""),
            Runs::User => (self.fleet.domain, &dev.user, &dev.user_sid, &dev.user_upn, &dev.user_object_id),
        }
    }

    /// The logon session id of the account `runs` names on `dev`.
    fn logon_id(&self, runs: Runs, dev: &Device) -> i64 {
        match runs {
            Runs::System => 999,
            Runs::LocalService => 997,
            Runs::NetworkService => 996,
            Runs::User => (mix(dev.index as u64 ^ self.seed) % 90_000_000) as i64 + 300_000,
        }
    }

    /// Sets a process image's columns (file, hashes, version information) and its
    /// account's, for the created process or the initiating one (`cols`).
    /// `extra`: the values of the image's extra columns ([`ImageCols::EXTRA`]), a function of
    /// the program alone; called only when the batch does not have them yet.
    #[allow(clippy::too_many_arguments)]
    fn image(
        &self,
        b: &mut Batch<'a>,
        cols: &ImageCols,
        dev: &'a Device,
        proc: usize,
        runs: Runs,
        kind: u64,
        extra: impl FnOnce() -> [&'a str; ImageCols::EXTRA],
    ) {
        let p = &self.model.procs[proc];
        // Group keys: the kind of column set in the top bits, then what the values depend on.
        b.group(kind << 60 | proc as u64, if p.per_user { &cols.image_per_user } else { &cols.image }, || {
            let [e0, e1, e2, e3, e4] = extra();
            [
                &p.file,
                &p.sha1,
                &p.sha256,
                &p.md5,
                &p.company,
                &p.product,
                &p.version,
                &p.internal,
                &p.original,
                &p.description,
                e0,
                e1,
                e2,
                e3,
                e4,
            ]
        });
        b.l(cols.file_size, p.size);
        let user = runs == Runs::User;
        let who = if user { dev.index as u64 + 1 } else { 0 } * 4 + runs as u64;
        b.group((kind + 1) << 60 | who, &cols.account, || {
            let (domain, name, sid, upn, oid) = self.account(runs, dev);
            [
                domain,
                name,
                sid,
                upn,
                oid,
                if user { "Medium" } else { "System" },
                if user { "TokenElevationTypeLimited" } else { "TokenElevationTypeDefault" },
            ]
        });
        b.l(cols.logon_id, self.logon_id(runs, dev));
    }

    /// Sets a folder path column to `p`'s path on `dev`; returns the path as written in
    /// command lines (for a per-user program: "", the path is left in `s1`).
    fn folder_path(&mut self, b: &mut Batch<'a>, col: usize, dev: &'a Device, proc: usize) -> &'a str {
        let p = &self.model.procs[proc];
        if !p.per_user {
            b.v(col, &p.path);
            return &p.path;
        }
        let mut path = std::mem::take(&mut self.s1);
        path.clear();
        p.write_path(&mut path, &dev.user);
        // The same (device, program) always gives the same path.
        b.k(col, (dev.index as u64) << 32 | proc as u64, &path);
        self.s1 = path;
        ""
    }

    /// Sets the `InitiatingProcess*` columns for `proc` running on `dev` at `ts`.
    fn initiating(&mut self, b: &mut Batch<'a>, spec: &TableSpec, dev: &'a Device, proc: usize, ts: i64) {
        let ix = &spec.ix;
        let model = self.model;
        let p = &model.procs[proc];
        // A per-user program's folder path depends on the device too: it is set below (the
        // image's columns for it leave the path out).
        self.image(b, &spec.initiating, dev, proc, p.runs, 1, || {
            [
                model.procs[p.parent].file.as_str(),
                if p.os_vendor { "OsVendor" } else { "ThirdParty" },
                "Valid",
                "",
                p.path_lower.as_str(),
            ]
        });
        let user_proc = p.runs == Runs::User;
        let at = self.instance(dev.index, proc, ts);
        let pid = self.pid(dev.index, proc, at, 0);
        b.l(ix.InitiatingProcessId, pid);
        let created = self.started(dev.index, proc, at, ts, 0);
        b.t(ix.InitiatingProcessCreationTime, created);
        // The instance (device, program, span of its lifetime) identifies its folder path, command
        // line and unique id: they are written out only when the batch does not have them yet
        // (each is a function of the instance, so it is the same text in every batch).
        let span = at.n;
        let instance = (dev.index as u64) << 40 | (proc as u64) << 20 | (span as u64 & 0xF_FFFF);
        if p.per_user {
            b.k_with(ix.InitiatingProcessFolderPath, (dev.index as u64) << 32 | proc as u64, |out| {
                // `out` may hold other values before this one (it is the column's buffer).
                let at = out.len();
                p.write_path(out, &dev.user);
                out[at..].make_ascii_lowercase();
            });
        }
        let seed = self.seed;
        let mut path = std::mem::take(&mut self.s1);
        b.k_group(
            instance,
            &[ix.InitiatingProcessCommandLine, ix.InitiatingProcessUniqueId],
            [command_sharing(p, proc, dev), Shared::No],
            |n, out| {
                if n == 0 {
                    let key = seed ^ 0xC0DE ^ (dev.index as u64) << 40 ^ (proc as u64) << 24 ^ span as u64;
                    path.clear();
                    if p.per_user {
                        p.write_path(&mut path, &dev.user);
                    }
                    command_line(out, &mut Rng::keyed(key), p, if p.per_user { &path } else { &p.path }, dev);
                } else {
                    let unique = (mix(pid as u64 ^ (dev.index as u64) << 17 ^ created as u64) % 90_000_000_000_000_000)
                        as i64
                        + 10_000_000_000_000_000;
                    push_int(out, unique);
                }
            },
        );
        self.s1 = path;
        let parent_at = self.instance(dev.index, p.parent, ts);
        b.l(ix.InitiatingProcessParentId, self.pid(dev.index, p.parent, parent_at, 1));
        let parent_created = self.started(dev.index, p.parent, parent_at, ts, 3 * DAY);
        b.t(ix.InitiatingProcessParentCreationTime, parent_created.min(created));
        b.l(ix.InitiatingProcessSessionId, if user_proc { 1 } else { 0 });
        b.b(ix.IsInitiatingProcessRemoteSession, false);
    }

    /// A `DeviceProcessEvents` row: `proc` created by its parent.
    pub fn process(
        &mut self,
        spec: &TableSpec,
        b: &mut Batch<'a>,
        rng: &mut Rng,
        dev: &'a Device,
        ts: i64,
        proc: usize,
    ) -> i64 {
        let ix = &spec.ix;
        let model = self.model;
        let p: &Proc = &model.procs[proc];
        let r = self.head(b, ix, ts, dev, rng);
        b.v(ix.ActionType, "ProcessCreated");
        let stable = self.folder_path(b, ix.FolderPath, dev, proc);
        let pid = ((rng.below(16_000) + 1) * 4) as i64;
        b.l(ix.ProcessId, pid);
        let mut scratch = std::mem::take(&mut self.s2);
        let path = if p.per_user { self.s1.as_str() } else { stable };
        b.w(ix.ProcessCommandLine, &mut scratch, |out| command_line(out, rng, p, path, dev));
        // A child of a user's process runs as that user (conhost under the user's cmd).
        let runs = if model.procs[p.parent].runs == Runs::User { Runs::User } else { p.runs };
        self.image(b, &spec.process, dev, proc, runs, 3, || [""; ImageCols::EXTRA]);
        let user_proc = runs == Runs::User;
        b.t(ix.ProcessCreationTime, ts);
        self.initiating(b, spec, dev, p.parent, ts);
        b.l(ix.CreatedProcessSessionId, if user_proc { 1 } else { 0 });
        b.b(ix.IsProcessRemoteSession, false);
        let unique = (rng.bits() % 90_000_000_000_000_000) as i64 + 10_000_000_000_000_000;
        b.w(ix.ProcessUniqueId, &mut scratch, |out| push_int(out, unique));
        self.s2 = scratch;
        b.end_row();
        r
    }

    /// A `DeviceNetworkEvents` row: `proc` connecting to `url` (or to an address alone).
    #[allow(clippy::too_many_arguments)]
    pub fn network(
        &mut self,
        spec: &TableSpec,
        b: &mut Batch<'a>,
        rng: &mut Rng,
        dev: &'a Device,
        ts: i64,
        proc: usize,
        url: Option<&'a str>,
    ) -> i64 {
        let ix = &spec.ix;
        let r = self.head(b, ix, ts, dev, rng);
        let roll = rng.below(100);
        let (action, inbound) = match roll {
            0..=61 => ("ConnectionSuccess", false),
            62..=79 => ("ConnectionRequest", false),
            80..=85 => ("ConnectionFailed", false),
            86..=90 => ("InboundConnectionAccepted", true),
            91..=93 => ("ListeningConnectionCreated", true),
            _ => ("HttpConnectionInspected", false),
        };
        let action = if url.is_some() && inbound { "ConnectionSuccess" } else { action };
        b.v(ix.ActionType, action);
        let host_key = url.map(|u| crate::rng::mix_str(self.seed, u)).unwrap_or_else(|| rng.bits());
        let mut ip = std::mem::take(&mut self.num);
        // A public address is a function of the host key, so it is written out once a batch.
        let public = |b: &mut Batch<'a>| b.k_with(ix.RemoteIP, host_key, |o| public_ip(o, host_key));
        let (port, proto, remote_type) = if url.is_some() {
            public(b);
            (if rng.chance(0.9) { 443 } else { 80 }, "Tcp", "Public")
        } else if inbound {
            ip.clear();
            private_ip(&mut ip, rng);
            b.s(ix.RemoteIP, &ip);
            (*rng.pick(&[445, 135, 3389, 5985, 139]), "Tcp", "Private")
        } else {
            match rng.below(10) {
                0 | 1 => {
                    b.v(ix.RemoteIP, &self.fleet.dcs[rng.below(2) as usize].1);
                    (*rng.pick(&[53, 88, 389, 445, 135]), if rng.chance(0.5) { "Udp" } else { "Tcp" }, "Private")
                }
                2 => {
                    b.v(ix.RemoteIP, "224.0.0.251");
                    (5353, "Udp", "Multicast")
                }
                _ => {
                    public(b);
                    (*rng.pick(&[443, 443, 443, 80, 443, 8443]), "Tcp", "Public")
                }
            }
        };
        self.num = ip;
        let local_port = rng.range(49_152, 65_535);
        if inbound {
            b.l(ix.RemotePort, rng.range(49_152, 65_535));
            b.l(ix.LocalPort, port);
        } else {
            b.l(ix.RemotePort, port);
            b.l(ix.LocalPort, local_port);
        }
        if let Some(u) = url {
            // Background URLs come from a fixed list, planted ones from the plan: both outlive
            // the batch, so the dictionary finds them by address instead of hashing the text.
            b.v(ix.RemoteUrl, u);
        }
        b.v(ix.LocalIP, &dev.local_ip);
        b.v(ix.Protocol, proto);
        b.v(ix.LocalIPType, "Private");
        b.v(ix.RemoteIPType, remote_type);
        self.initiating(b, spec, dev, proc, ts);
        if action == "HttpConnectionInspected" {
            let host = url.unwrap_or("");
            let mut s = String::with_capacity(160);
            s.push_str("{\"direction\":\"Out\",\"host\":\"");
            s.push_str(host);
            s.push_str("\",\"method\":\"GET\",\"status_code\":\"200\",\"uri\":\"/");
            rng.hex(&mut s, 12);
            s.push_str("\",\"user_agent\":\"Microsoft-CryptoAPI/10.0\",\"version\":\"1.1\"}");
            b.s(ix.AdditionalFields, &s);
        }
        b.end_row();
        r
    }

    /// A `DeviceFileEvents` row: `proc` writing `path`.
    #[allow(clippy::too_many_arguments)]
    pub fn file(
        &mut self,
        spec: &TableSpec,
        b: &mut Batch<'a>,
        rng: &mut Rng,
        dev: &'a Device,
        ts: i64,
        proc: usize,
        path: &str,
        action: &'static str,
        hashes: Option<&'a Proc>,
    ) -> i64 {
        let ix = &spec.ix;
        let r = self.head(b, ix, ts, dev, rng);
        b.v(ix.ActionType, action);
        let (folder, file) = path.rsplit_once('\\').unwrap_or(("", path));
        b.s(ix.FileName, file);
        b.s(ix.FolderPath, path);
        let ext = file.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
        if action != "FileDeleted" {
            // The DeviceFileEvents schema reference says SHA256 "is usually not populated" (use
            // SHA1): one row in ten has it.
            let sha256 = rng.chance(0.1);
            match hashes {
                Some(p) => {
                    b.v(ix.SHA1, &p.sha1);
                    if sha256 {
                        b.v(ix.SHA256, &p.sha256);
                    }
                    b.v(ix.MD5, &p.md5);
                    b.l(ix.FileSize, p.size);
                }
                None => {
                    let mut h = std::mem::take(&mut self.num);
                    for (col, n) in [(ix.SHA1, 40), (ix.SHA256, 64), (ix.MD5, 32)] {
                        if (n == 32 && !rng.chance(0.3)) || (n == 64 && !sha256) {
                            continue;
                        }
                        b.w(col, &mut h, |out| rng.hex(out, n));
                    }
                    self.num = h;
                    b.l(ix.FileSize, (rng.exp(200_000.0) as i64).max(12));
                }
            }
        }
        if action == "FileRenamed" {
            b.s(ix.PreviousFolderPath, folder);
            let mut prev = std::mem::take(&mut self.num);
            prev.clear();
            // The first (up to) eight characters, cut on a character boundary.
            let cut = file.char_indices().nth(8).map_or(file.len(), |(i, _)| i);
            prev.push_str(&file[..cut]);
            prev.push_str(".tmp");
            b.s(ix.PreviousFileName, &prev);
            self.num = prev;
        }
        let download = folder.ends_with("\\Downloads");
        if download && action == "FileCreated" {
            let site = self.domains.get(1).and_then(|d| d.first().copied()).unwrap_or("download.example.org");
            let mut u = String::from("https://");
            u.push_str(site);
            u.push_str("/download/");
            u.push_str(file);
            b.s(ix.FileOriginUrl, &u);
            b.s(ix.FileOriginReferrerUrl, &format!("https://{site}/"));
            let key = crate::rng::mix_str(self.seed, site);
            b.k_with(ix.FileOriginIP, key, |o| public_ip(o, key));
        }
        self.initiating(b, spec, dev, proc, ts);
        if rng.chance(0.04) {
            b.v(ix.RequestProtocol, "Smb");
            b.v(ix.ShareName, "C$");
            let mut ip = std::mem::take(&mut self.num);
            ip.clear();
            private_ip(&mut ip, rng);
            b.s(ix.RequestSourceIP, &ip);
            self.num = ip;
            b.l(ix.RequestSourcePort, rng.range(49_152, 65_535));
        } else {
            b.v(ix.RequestProtocol, "Local");
        }
        let p = &self.model.procs[proc];
        let (domain, name, sid, ..) = self.account(p.runs, dev);
        b.v(ix.RequestAccountName, name);
        b.v(ix.RequestAccountDomain, domain);
        b.v(ix.RequestAccountSid, sid);
        b.b(ix.IsAzureInfoProtectionApplied, false);
        let is = |e: &str| ext.eq_ignore_ascii_case(e);
        let file_type = if is("exe") || is("dll") || is("sys") {
            r#"{"FileType":"PortableExecutable"}"#
        } else if is("pdf") {
            r#"{"FileType":"Pdf"}"#
        } else if is("docx") || is("xlsx") || is("pptx") || is("zip") {
            r#"{"FileType":"Zip"}"#
        } else if is("png") {
            r#"{"FileType":"Png"}"#
        } else if is("lnk") {
            r#"{"FileType":"Lnk"}"#
        } else if is("cab") {
            r#"{"FileType":"Cab"}"#
        } else if is("msi") {
            r#"{"FileType":"Msi"}"#
        } else {
            r#"{"FileType":"Unknown"}"#
        };
        b.v(ix.AdditionalFields, file_type);
        b.end_row();
        r
    }

    /// A `DeviceRegistryEvents` row.
    #[allow(clippy::too_many_arguments)]
    pub fn registry(
        &mut self,
        spec: &TableSpec,
        b: &mut Batch<'a>,
        rng: &mut Rng,
        dev: &'a Device,
        ts: i64,
        proc: usize,
        key: &str,
        key_id: Option<u64>,
        value_name: &'a str,
        value_type: &'static str,
    ) -> i64 {
        let ix = &spec.ix;
        let r = self.head(b, ix, ts, dev, rng);
        let action = match rng.below(20) {
            0..=14 => "RegistryValueSet",
            15..=17 => "RegistryKeyCreated",
            18 => "RegistryValueDeleted",
            _ => "RegistryKeyDeleted",
        };
        b.v(ix.ActionType, action);
        match key_id {
            // A key the caller identifies (a place on a device) is found without hashing it.
            Some(id) => b.k(ix.RegistryKey, id, key),
            None => b.s(ix.RegistryKey, key),
        }
        if action.starts_with("RegistryValue") {
            b.v(ix.RegistryValueName, value_name);
            b.v(ix.RegistryValueType, value_type);
            let mut data = std::mem::take(&mut self.s3);
            data.clear();
            match value_type {
                "Dword" | "Qword" => push_int(&mut data, rng.range(0, 1 << 20)),
                "Binary" => {
                    let n = 2 * rng.range(8, 64) as usize;
                    rng.hex(&mut data, n)
                }
                _ => {
                    // (Byte windows: `str::contains` sets up a substring searcher per call.)
                    let has = |part: &[u8]| value_name.as_bytes().windows(part.len()).any(|w| w == part);
                    if has(b"Path") || has(b"Dir") {
                        data.push_str(&self.model.procs[proc].path);
                    } else {
                        rng.guid_into(&mut data, false);
                    }
                }
            }
            if action == "RegistryValueSet" {
                b.s(ix.RegistryValueData, &data);
                if rng.chance(0.5) {
                    b.v(ix.PreviousRegistryValueName, value_name);
                    data.clear();
                    if value_type == "Dword" {
                        push_int(&mut data, rng.range(0, 1 << 20));
                    } else {
                        rng.guid_into(&mut data, false);
                    }
                    b.s(ix.PreviousRegistryValueData, &data);
                }
            } else {
                b.v(ix.PreviousRegistryValueName, value_name);
            }
            self.s3 = data;
        }
        if action == "RegistryKeyDeleted" {
            b.s(ix.PreviousRegistryKey, key);
        }
        self.initiating(b, spec, dev, proc, ts);
        b.end_row();
        r
    }

    /// A `DeviceFileCertificateInfo` row for `proc`'s file, signed with `cert`.
    #[allow(clippy::too_many_arguments)]
    pub fn certificate(
        &mut self,
        spec: &TableSpec,
        b: &mut Batch<'a>,
        rng: &mut Rng,
        dev: &'a Device,
        ts: i64,
        proc: usize,
        cert: usize,
    ) -> i64 {
        let ix = &spec.ix;
        let model = self.model;
        let r = self.head(b, ix, ts, dev, rng);
        let c = &model.certs[cert];
        b.v(ix.SHA1, &model.procs[proc].sha1);
        b.b(ix.IsSigned, true);
        b.v(ix.SignatureType, c.sig_type);
        b.v(ix.Signer, &c.signer);
        b.v(ix.SignerHash, &c.signer_hash);
        b.v(ix.Issuer, &c.issuer);
        b.v(ix.IssuerHash, &c.issuer_hash);
        b.v(ix.CertificateSerialNumber, &c.serial);
        b.v(ix.CrlDistributionPointUrls, &c.crl);
        b.t(ix.CertificateCreationTime, c.created);
        b.t(ix.CertificateExpirationTime, c.expires);
        if c.sig_type == "Embedded" {
            b.t(ix.CertificateCountersignatureTime, c.created + (mix(c.created as u64) % 300) as i64 * DAY);
        }
        b.b(ix.IsTrusted, true);
        b.b(ix.IsRootSignerMicrosoft, c.root_ms);
        b.end_row();
        r
    }

    /// A `DeviceLogonEvents` row.
    pub fn logon(&mut self, spec: &TableSpec, b: &mut Batch<'a>, rng: &mut Rng, dev: &'a Device, ts: i64) -> i64 {
        let ix = &spec.ix;
        let r = self.head(b, ix, ts, dev, rng);
        let roll = rng.below(100);
        let action = match roll {
            0..=84 => "LogonSuccess",
            85..=95 => "LogonFailed",
            _ => "LogonAttempted",
        };
        b.v(ix.ActionType, action);
        let logon_type = if dev.server {
            *rng.pick(&["Network", "Network", "Network", "Service", "Batch", "RemoteInteractive"])
        } else {
            *rng.pick(&["Interactive", "Unlock", "Network", "Service", "CachedInteractive", "Network", "Interactive"])
        };
        b.v(ix.LogonType, logon_type);
        let system = logon_type == "Service" || logon_type == "Batch";
        if system {
            b.v(ix.AccountDomain, "nt authority");
            b.v(ix.AccountName, if rng.chance(0.5) { "system" } else { "local service" });
            b.v(ix.AccountSid, "S-1-5-18");
        } else {
            b.v(ix.AccountDomain, self.fleet.domain);
            b.v(ix.AccountName, &dev.user);
            b.v(ix.AccountSid, &dev.user_sid);
        }
        b.v(
            ix.Protocol,
            if logon_type == "Network" { if rng.chance(0.7) { "Kerberos" } else { "NTLM" } } else { "Negotiate" },
        );
        if action == "LogonFailed" {
            b.v(
                ix.FailureReason,
                *rng.pick(&["InvalidUserNameOrPassword", "UnknownUser", "AccountLocked", "AccountRestriction"]),
            );
        }
        b.b(ix.IsLocalAdmin, dev.server || rng.chance(0.1));
        b.l(ix.LogonId, rng.range(100_000, 2_000_000_000));
        let remote = matches!(logon_type, "Network" | "RemoteInteractive");
        if remote {
            let peer = self.fleet.devices[rng.below(self.fleet.devices.len() as u64) as usize].clone_ref();
            b.v(ix.RemoteDeviceName, peer.0);
            b.v(ix.RemoteIP, peer.1);
            b.v(ix.RemoteIPType, "Private");
            b.l(ix.RemotePort, rng.range(49_152, 65_535));
        } else {
            b.v(ix.RemoteIP, "");
        }
        let init = if remote || system { self.lsass } else { self.winlogon };
        self.initiating(b, spec, dev, init, ts);
        let af = if remote { "{\"IsLocalLogon\":false}" } else { "{\"IsLocalLogon\":true}" };
        b.v(ix.AdditionalFields, af);
        b.end_row();
        r
    }

    /// A `DeviceInfo` row.
    pub fn info(&mut self, spec: &TableSpec, b: &mut Batch<'a>, rng: &mut Rng, dev: &'a Device, ts: i64) -> i64 {
        let ix = &spec.ix;
        b.t(ix.Timestamp, ts);
        b.v(ix.DeviceId, &dev.id);
        b.v(ix.DeviceName, &dev.name);
        b.v(ix.MachineGroup, dev.machine_group);
        // DeviceInfo ReportIds are 18-digit numbers in real exports: ticks of the report time.
        let r = time::ticks(ts) + (dev.index as i64 % 97);
        b.l(ix.ReportId, r);
        b.v(ix.ClientVersion, if dev.os_build >= 22000 { "10.8760.22631.1260" } else { "10.8760.19045.5011" });
        b.v(ix.PublicIP, &dev.public_ip);
        b.v(ix.OSArchitecture, "64-bit");
        b.v(ix.OSPlatform, dev.os_platform);
        b.l(ix.OSBuild, dev.os_build);
        let hybrid = !dev.server && dev.index % 3 != 0;
        b.b(ix.IsAzureADJoined, hybrid);
        b.v(
            ix.JoinType,
            if dev.server {
                "Domain Joined"
            } else if hybrid {
                "Hybrid Azure AD Join"
            } else {
                "Domain Joined"
            },
        );
        if hybrid {
            b.v(ix.AadDeviceId, &dev.aad_device_id);
        }
        let users = format!(
            "[{{\"UserName\":\"{}\",\"DomainName\":\"{}\",\"Sid\":\"{}\"}}]",
            dev.user,
            self.fleet.domain.to_ascii_uppercase(),
            dev.user_sid
        );
        b.k(ix.LoggedOnUsers, dev.index as u64, &users);
        b.v(ix.RegistryDeviceTag, "");
        b.v(ix.OSVersion, "10.0");
        b.v(ix.OnboardingStatus, "Onboarded");
        b.v(ix.DeviceCategory, "Endpoint");
        b.v(ix.DeviceType, if dev.server { "Server" } else { "Workstation" });
        b.v(ix.DeviceSubtype, "");
        b.v(ix.Model, dev.model);
        b.v(ix.Vendor, dev.vendor);
        b.v(ix.OSDistribution, "");
        b.v(ix.OSVersionInfo, dev.os_version_info);
        b.v(ix.MergedDeviceIds, "");
        b.v(ix.MergedToDeviceId, "");
        b.b(ix.IsInternetFacing, false);
        b.v(ix.SensorHealthState, if rng.chance(0.97) { "Active" } else { "Inactive" });
        b.b(ix.IsExcluded, false);
        b.v(ix.ExposureLevel, *rng.pick(&["Low", "Medium", "Medium", "High"]));
        b.v(ix.AssetValue, if dev.server { "High" } else { "Normal" });
        b.v(ix.ConnectivityType, "Streamlined");
        b.v(ix.HardwareUuid, &dev.hardware_uuid);
        b.b(ix.IsTransient, false);
        b.v(ix.OsBuildRevision, &dev.os_revision);
        b.end_row();
        r
    }

    /// A background row of `table`'s kind at `ts` on `dev`.
    pub fn background(
        &mut self,
        spec: &TableSpec,
        b: &mut Batch<'a>,
        rng: &mut Rng,
        dev: &'a Device,
        ts: i64,
        ok: &BackgroundPools,
    ) {
        use crate::table::Table;
        let model = self.model;
        match spec.table {
            Table::Process => {
                let w = if dev.server { &ok.programs_srv } else { &ok.programs_ws };
                let p = w.draw(rng);
                self.process(spec, b, rng, dev, ts, p);
            }
            Table::Network => {
                let w = if dev.server { &ok.net_srv } else { &ok.net_ws };
                let p = w.draw(rng);
                let group = vocab::PROGRAMS.get(p).map(|x| x.domains).unwrap_or(0);
                let url = if rng.chance(0.6) {
                    let pool = &self.domains[group.min(self.domains.len() - 1)];
                    if pool.is_empty() { None } else { Some(*rng.pick(pool)) }
                } else {
                    None
                };
                self.network(spec, b, rng, dev, ts, p, url);
            }
            Table::File => {
                if self.file_places.is_empty() {
                    return;
                }
                let place_index = self.file_places.draw(rng);
                let place = &vocab::FILE_PLACES[place_index];
                let proc = *rng.pick(&self.file_writers[place_index]);
                let mut path = std::mem::take(&mut self.s1);
                path.clear();
                let ext = *rng.pick(place.2);
                for piece in &self.file_templates[place_index] {
                    match *piece {
                        Piece::Text(text) => path.push_str(text),
                        Piece::Slot(Slot::User) => path.push_str(&dev.user),
                        Piece::Slot(Slot::Random) => rng.hex(&mut path, 8),
                        Piece::Slot(Slot::RandomUpper) => {
                            let p = rng.pick(&vocab::PROGRAMS[..20]).file;
                            let at = path.len();
                            path.push_str(p);
                            path.push('-');
                            rng.hex(&mut path, 8);
                            path[at..].make_ascii_uppercase();
                        }
                        Piece::Slot(Slot::Document) => path.push_str(*rng.pick(vocab::DOC_NAMES)),
                        Piece::Slot(Slot::Sid | Slot::Other(_)) => {}
                    }
                }
                if !ext.is_empty() {
                    path.push('.');
                    path.push_str(ext);
                }
                let action = match rng.below(20) {
                    0..=9 => "FileCreated",
                    10..=16 => "FileModified",
                    17..=18 => "FileDeleted",
                    _ => "FileRenamed",
                };
                self.file(spec, b, rng, dev, ts, proc, &path, action, None);
                self.s1 = path;
            }
            Table::Registry => {
                if self.registry_places.is_empty() {
                    return;
                }
                let place_index = *rng.pick(&self.registry_places);
                let place = &vocab::REGISTRY_PLACES[place_index];
                let mut key = std::mem::take(&mut self.s2);
                key.clear();
                for piece in &self.registry_templates[place_index] {
                    match *piece {
                        Piece::Text(text) => key.push_str(text),
                        Piece::Slot(Slot::Sid) => key.push_str(&dev.user_sid),
                        Piece::Slot(Slot::RandomUpper) => {
                            let at = key.len();
                            rng.hex(&mut key, 40);
                            key[at..].make_ascii_uppercase();
                        }
                        // Kept as written (a `{CLSID}` in a key).
                        Piece::Slot(slot) => {
                            key.push('{');
                            key.push_str(slot.name());
                            key.push('}');
                        }
                    }
                }
                let proc = *rng.pick(&self.registry_writers[place_index]);
                let value = *rng.pick(place.1);
                // Without a random part, the key is a function of the place (and of the device,
                // for a key under the user's SID).
                let device = if self.registry_per_user[place_index] { dev.index as u64 } else { u32::MAX as u64 };
                let key_id = (!self.registry_random[place_index]).then_some((place_index as u64) << 32 | device);
                self.registry(spec, b, rng, dev, ts, proc, &key, key_id, value, place.2);
                self.s2 = key;
            }
            Table::Logon => {
                self.logon(spec, b, rng, dev, ts);
            }
            Table::Certificate => {
                let w = if dev.server { &ok.programs_srv } else { &ok.programs_ws };
                let p = w.draw(rng);
                let cert = model.procs[p].cert;
                self.certificate(spec, b, rng, dev, ts, p, cert);
            }
            Table::Info => {
                self.info(spec, b, rng, dev, ts);
            }
        }
    }

    /// A planted row.
    pub fn planted(&mut self, spec: &TableSpec, b: &mut Batch<'a>, rng: &mut Rng, row: &'a PlantedRow) -> i64 {
        let fleet = self.fleet;
        let dev = &fleet.devices[row.device];
        let model = self.model;
        match &row.kind {
            PlantKind::Process { proc } => self.process(spec, b, rng, dev, row.ts, *proc),
            PlantKind::Network { proc, url } => self.network(spec, b, rng, dev, row.ts, *proc, Some(url)),
            PlantKind::Certificate { proc, cert } => self.certificate(spec, b, rng, dev, row.ts, *proc, *cert),
            PlantKind::File { proc, path, action } => {
                let p = &model.procs[*proc];
                self.file(spec, b, rng, dev, row.ts, *proc, path, action, Some(p))
            }
            PlantKind::Registry { proc, key, value } => {
                self.registry(spec, b, rng, dev, row.ts, *proc, key, None, value, "String")
            }
        }
    }
}

/// A part of a vocabulary template: text, or a `{placeholder}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece {
    Text(&'static str),
    Slot(Slot),
}

/// A template's placeholder, named once when the template is split (rows then match an enum,
/// not a string). What a random part looks like depends on the table: see [`Ctx::background`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// `{user}`: the device's user name.
    User,
    /// `{sid}`: the device's user SID.
    Sid,
    /// `{r}`: a short random lower-case part.
    Random,
    /// `{R}`: a random upper-case part.
    RandomUpper,
    /// `{d}`: a document name.
    Document,
    /// Any other name: kept as written, braces included (registry keys hold `{CLSID}`s).
    Other(&'static str),
}

impl Slot {
    fn named(name: &'static str) -> Slot {
        match name {
            "user" => Slot::User,
            "sid" => Slot::Sid,
            "r" => Slot::Random,
            "R" => Slot::RandomUpper,
            "d" => Slot::Document,
            other => Slot::Other(other),
        }
    }

    /// The name the template gave it.
    fn name(self) -> &'static str {
        match self {
            Slot::User => "user",
            Slot::Sid => "sid",
            Slot::Random => "r",
            Slot::RandomUpper => "R",
            Slot::Document => "d",
            Slot::Other(name) => name,
        }
    }
}

/// A template split at its placeholders once (rows fill it in without searching it).
fn pieces(template: &'static str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        if i > 0 {
            out.push(Piece::Text(&rest[..i]));
        }
        let end = rest[i..].find('}').map(|e| i + e).unwrap_or(rest.len() - 1);
        out.push(Piece::Slot(Slot::named(&rest[i + 1..end])));
        rest = &rest[end + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Draw tables for background programs, with every program that matches a tool removed.
pub struct BackgroundPools {
    /// Process creations on workstations.
    pub programs_ws: Weighted,
    /// On servers.
    pub programs_srv: Weighted,
    /// Network initiators on workstations.
    pub net_ws: Weighted,
    /// On servers.
    pub net_srv: Weighted,
}

trait CloneRef {
    fn clone_ref(&self) -> (&str, &str);
}

impl CloneRef for Device {
    fn clone_ref(&self) -> (&str, &str) {
        (&self.name, &self.local_ip)
    }
}

/// The background program called `file` (the first one when the vocabulary misses it).
fn find(model: &Model, file: &str) -> usize {
    model.procs[..model.background].iter().position(|p| p.file.eq_ignore_ascii_case(file)).unwrap_or(0)
}

/// A running process: the number of its span of the program's [`Lifetime`] on its device,
/// and when that span began.
#[derive(Clone, Copy)]
struct Instance {
    n: i64,
    begun: i64,
}

impl Instance {
    /// The span of `LIFE` nanoseconds that `ts` falls in, on a device whose spans start
    /// `offset` before the epoch's.
    #[inline]
    fn at<const LIFE: i64>(offset: i64, ts: i64) -> Instance {
        let n = (ts + offset).div_euclid(LIFE);
        Instance { n, begun: n * LIFE - offset }
    }
}

/// How long an instance of a program runs. Services and agents run from one reboot (the
/// weekly patch day) to the next, a user's applications from logon to the end of the working
/// day. The helpers that scripts and shells start (cmd, PowerShell, rundll32, dllhost) live
/// far shorter in real fleets; they are kept as six-hour instances, as all programs were
/// before, since an instance per event would give nearly every one of their rows its own
/// process id and command line.
#[derive(Clone, Copy)]
enum Lifetime {
    /// Six hours.
    Helper,
    /// A day.
    Session,
    /// A week.
    Service,
}

impl Lifetime {
    const HELPER: i64 = 6 * HOUR;
    const SESSION: i64 = DAY;
    const SERVICE: i64 = 7 * DAY;

    /// Where device `dev`'s spans start, by lifetime (indexed by `Lifetime as usize`).
    fn offsets(seed: u64, dev: usize) -> [i64; 3] {
        let k = mix(seed ^ 0x0FF5E7 ^ dev as u64);
        [Self::HELPER, Self::SESSION, Self::SERVICE].map(|life| (k % life as u64) as i64)
    }

    fn of(p: &Proc) -> Lifetime {
        match (p.cmd, p.runs) {
            (Cmd::CmdExe | Cmd::PowerShell | Cmd::Rundll32 | Cmd::DllHost, _) => Lifetime::Helper,
            (_, Runs::User) => Lifetime::Session,
            _ => Lifetime::Service,
        }
    }
}

/// How an instance's command line may be shared with other instances' (see [`Shared`]): a
/// fixed line is a function of the program (and of the device, for a program under the user's
/// profile), a line from a short list is looked up by its text, and the others are the
/// instance's own.
fn command_sharing(p: &Proc, proc: usize, dev: &Device) -> Shared {
    match p.cmd {
        Cmd::Bare | Cmd::Args(_) => {
            let device = if p.per_user { dev.index as u64 } else { u32::MAX as u64 };
            Shared::ByKey((proc as u64) << 32 | device)
        }
        cmd if cmd.few_texts() => Shared::ByText,
        _ => Shared::No,
    }
}

/// Appends `v` in decimal (itoa: two digits per step, no UTF-8 check).
fn push_int(out: &mut String, v: i64) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// Appends a public IPv4 address stable for a key (a host name).
fn public_ip(out: &mut String, key: u64) {
    const NETS: &[(u8, u8)] =
        &[(13, 107), (20, 42), (40, 126), (52, 96), (104, 18), (142, 250), (151, 101), (172, 217), (23, 55), (34, 117)];
    let (a, b) = NETS[(key % NETS.len() as u64) as usize];
    for (n, part) in
        [a as i64, b as i64, ((key >> 8) % 256) as i64, 1 + ((key >> 16) % 253) as i64].into_iter().enumerate()
    {
        if n > 0 {
            out.push('.');
        }
        push_int(out, part);
    }
}

/// Appends a random private address `10.x.y.z` (a peer on the corporate network).
fn private_ip(out: &mut String, rng: &mut Rng) {
    out.push_str("10.");
    push_int(out, rng.range(0, 40));
    out.push('.');
    push_int(out, rng.range(0, 255));
    out.push('.');
    push_int(out, rng.range(2, 254));
}

/// Appends a command line for `p` at `path`.
pub fn command_line(out: &mut String, rng: &mut Rng, p: &Proc, path: &str, dev: &Device) {
    let quoted = |out: &mut String| {
        out.push('"');
        out.push_str(path);
        out.push('"');
    };
    match p.cmd {
        Cmd::Bare => {
            quoted(out);
            if !p.args.is_empty() {
                out.push(' ');
                out.push_str(&p.args);
            }
        }
        Cmd::Args(a) => {
            quoted(out);
            out.push(' ');
            out.push_str(a);
        }
        Cmd::Svchost => {
            out.push_str(r"C:\WINDOWS\system32\svchost.exe -k ");
            let (group, svc) = *rng.pick(&[
                ("netsvcs", "Schedule"),
                ("netsvcs", "gpsvc"),
                ("netsvcs", "BITS"),
                ("LocalServiceNetworkRestricted", "Dhcp"),
                ("NetworkService", "Dnscache"),
                ("LocalSystemNetworkRestricted", "SysMain"),
                ("UnistackSvcGroup", "CDPUserSvc"),
                ("wsappx", "AppXSvc"),
                ("DcomLaunch", "BrokerInfrastructure"),
                ("RPCSS", "RpcSs"),
            ]);
            out.push_str(group);
            out.push_str(" -p -s ");
            out.push_str(svc);
        }
        Cmd::Chromium => {
            quoted(out);
            let kind = *rng.pick(&["renderer", "renderer", "renderer", "utility", "gpu-process", "crashpad-handler"]);
            out.push_str(" --type=");
            out.push_str(kind);
            match kind {
                "renderer" => {
                    out.push_str(" --lang=en-US --device-scale-factor=1 --num-raster-threads=4 --enable-main-frame-before-activation --renderer-client-id=");
                    push_int(out, rng.range(5, 400));
                    out.push_str(" --time-ticks-at-unix-epoch=-");
                    push_int(out, rng.range(1_700_000_000_000_000, 1_732_000_000_000_000));
                    out.push_str(" --launch-time-ticks=");
                    push_int(out, rng.range(10_000_000, 9_000_000_000));
                    out.push_str(" --field-trial-handle=");
                    push_int(out, rng.range(1800, 2400));
                    out.push_str(",i,");
                    push_int(out, rng.range(1_000_000_000_000_000, 9_000_000_000_000_000));
                    out.push(',');
                    push_int(out, rng.range(1_000_000_000_000_000, 9_000_000_000_000_000));
                    out.push_str(",262144 --variations-seed-version --mojo-platform-channel-handle=");
                    push_int(out, rng.range(3000, 9000));
                    out.push_str(" /prefetch:1");
                }
                "utility" => {
                    out.push_str(" --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none --mojo-platform-channel-handle=");
                    push_int(out, rng.range(2000, 4000));
                    out.push_str(" /prefetch:8");
                }
                "crashpad-handler" => {
                    out.push_str(r" --user-data-dir=C:\Users\");
                    out.push_str(&dev.user);
                    out.push_str(r"\AppData\Local\Google\Chrome\User Data /prefetch:4 --monitor-self-annotation=ptype=crashpad-handler --database=C:\Users\");
                    out.push_str(&dev.user);
                    out.push_str(r"\AppData\Local\Google\Chrome\User Data\Crashpad");
                }
                _ => {
                    out.push_str(" --gpu-preferences=UAAAAAAAAADgAAAEAAAAAAAAAAAAAAAAAABgAAEAAAAAAAAAAAAAAAAAAAACAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA --mojo-platform-channel-handle=");
                    push_int(out, rng.range(1500, 3000));
                    out.push_str(" /prefetch:2");
                }
            }
        }
        Cmd::PowerShell => match rng.below(10) {
            0..=4 => {
                out.push_str("powershell.exe -NoProfile -ExecutionPolicy Bypass -File \"C:\\ProgramData\\Microsoft\\Windows Defender Advanced Threat Protection\\DataCollection\\");
                rng.hex(out, 8);
                out.push_str("\\script.ps1\"");
            }
            5..=7 => {
                out.push_str("\"powershell.exe\" -Command \"Get-");
                out.push_str(*rng.pick(&[
                    "Service",
                    "Process",
                    "ScheduledTask",
                    "NetAdapter",
                    "WmiObject Win32_OperatingSystem",
                    "ItemProperty HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*",
                ]));
                out.push_str(" | ConvertTo-Json -Compress\"");
            }
            _ => {
                // A long encoded command: the tail of the length distribution.
                out.push_str("powershell.exe -NonInteractive -WindowStyle Hidden -EncodedCommand ");
                let n = rng.range(200, 2400) as usize;
                const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                // Ten base64 digits (6 bits each) from each 64 random bits.
                let mut chunk = [0u8; 10];
                let mut left = n;
                while left > 0 {
                    let mut bits = rng.bits();
                    let k = left.min(10);
                    for c in &mut chunk[..k] {
                        *c = B64[(bits & 63) as usize];
                        bits >>= 6;
                    }
                    crate::rng::push_ascii(out, &chunk[..k]);
                    left -= k;
                }
                out.push_str("==");
            }
        },
        Cmd::CmdExe => {
            out.push_str(r#""C:\WINDOWS\system32\cmd.exe" /c "#);
            out.push_str(*rng.pick(&[
                "ver",
                "echo %PROCESSOR_ARCHITECTURE%",
                "\"C:\\Program Files\\Git\\cmd\\git.exe\" status --porcelain",
                "ipconfig /all > %TEMP%\\net.txt",
                "whoami /groups",
                "net use Z: \\\\fs01\\shared /persistent:no",
                "\"npm run build\"",
                "schtasks /query /fo CSV",
            ]));
        }
        Cmd::Rundll32 => {
            out.push_str(r"C:\WINDOWS\system32\rundll32.exe ");
            out.push_str(*rng.pick(&[
                r"C:\WINDOWS\system32\PcaSvc.dll,PcaPatchSdbTask",
                r"C:\Windows\System32\shell32.dll,SHCreateLocalServerRunDll {9aa46009-3ce0-458a-a354-715610a075e6} -Embedding",
                r"C:\WINDOWS\System32\LogiLDA.dll,LogiFetch",
                r"C:\Windows\system32\inetcpl.cpl,ClearMyTracksByProcess Flags:9 WinX:0 WinY:0 IEFrame:0000000000000000",
            ]));
        }
        Cmd::Office => {
            quoted(out);
            out.push_str(" /n \"C:\\Users\\");
            out.push_str(&dev.user);
            out.push_str("\\Documents\\");
            out.push_str(*rng.pick(vocab::DOC_NAMES));
            out.push_str(*rng.pick(&[".docx\"", ".xlsx\"", ".pdf\"", ".txt\""]));
        }
        Cmd::DllHost => {
            out.push_str(r"C:\WINDOWS\system32\DllHost.exe /Processid:{");
            rng.guid_into(out, true);
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_at_their_placeholders() {
        use Piece::Text;
        assert_eq!(
            pieces(r"C:\Users\{user}\Temp\{r}"),
            [Text(r"C:\Users\"), Piece::Slot(Slot::User), Text(r"\Temp\"), Piece::Slot(Slot::Random)]
        );
        assert_eq!(pieces("{a}{R}x"), [Piece::Slot(Slot::Other("a")), Piece::Slot(Slot::RandomUpper), Text("x")]);
        assert_eq!(pieces("plain"), [Text("plain")]);
        for name in ["user", "sid", "r", "R", "d", "GUID"] {
            assert_eq!(Slot::named(name).name(), name);
        }
        assert_eq!(pieces(""), []);
    }

    /// A placeholder a table does not fill would vanish from a file path, or stay as written
    /// in a registry key: a typo in the vocabulary must not pass unnoticed.
    #[test]
    fn templates_use_only_the_placeholders_their_table_fills() {
        for (template, ..) in vocab::FILE_PLACES {
            for piece in pieces(template) {
                assert!(!matches!(piece, Piece::Slot(Slot::Sid | Slot::Other(_))), "{template}: {piece:?}");
            }
        }
        for (template, ..) in vocab::REGISTRY_PLACES {
            for piece in pieces(template) {
                // Braces that are not a placeholder: a `{CLSID}`, kept as written.
                let clsid = |name: &str| name.len() == 36 && name.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
                let ok = match piece {
                    Piece::Text(_) | Piece::Slot(Slot::Sid | Slot::RandomUpper) => true,
                    Piece::Slot(Slot::Other(name)) => clsid(name),
                    Piece::Slot(_) => false,
                };
                assert!(ok, "{template}: {piece:?}");
            }
        }
    }
}
