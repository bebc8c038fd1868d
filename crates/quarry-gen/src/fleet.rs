//! The fleet: devices, their users and their addresses.

use crate::rng::{Rng, Weighted, guid_from, hex_of};
use crate::vocab::{self, PROGRAMS};

/// One device.
#[derive(Clone, Debug)]
pub struct Device {
    /// Position in the fleet.
    pub index: usize,
    /// 40 hex digits, as Defender's DeviceId.
    pub id: String,
    /// Fully qualified, lower case.
    pub name: String,
    /// Host part of the name.
    pub host: String,
    /// A server rather than a workstation.
    pub server: bool,
    /// `Windows11`, `Windows10`, `WindowsServer2022`, ...
    pub os_platform: &'static str,
    /// OS build, e.g. 22631.
    pub os_build: i64,
    /// Build revision, e.g. `4460`.
    pub os_revision: String,
    /// Release, e.g. `23H2`.
    pub os_version_info: &'static str,
    /// Hardware vendor and model.
    pub vendor: &'static str,
    /// Model.
    pub model: &'static str,
    /// The signed-in user's account name (`anna.smith`), or `svc-...` on servers.
    pub user: String,
    /// The user's SID.
    pub user_sid: String,
    /// The user's UPN.
    pub user_upn: String,
    /// The user's Entra object id.
    pub user_object_id: String,
    /// Private IPv4 address.
    pub local_ip: String,
    /// The site's public IPv4 address.
    pub public_ip: String,
    /// Entra device id.
    pub aad_device_id: String,
    /// SMBIOS UUID.
    pub hardware_uuid: String,
    /// Defender device group.
    pub machine_group: &'static str,
    /// How chatty the device is, relative to others.
    pub activity: u64,
    /// First ReportId the device uses.
    pub first_report_id: i64,
}

/// The whole fleet and what is shared by its devices.
pub struct Fleet {
    /// Devices, in index order.
    pub devices: Vec<Device>,
    /// NetBIOS domain, lower case (`contoso`).
    pub domain: &'static str,
    /// DNS domain (`contoso.com`).
    pub dns_domain: &'static str,
    /// The domain SID prefix `S-1-5-21-a-b-c`.
    pub domain_sid: String,
    /// Tenant id for the streaming export.
    pub tenant_id: String,
    /// Draws a device, weighted by activity.
    pub by_activity: Weighted,
    /// Domain controllers: (name, ip).
    pub dcs: Vec<(String, String)>,
}

fn server_only(file: &str) -> bool {
    matches!(file, "sqlservr.exe" | "w3wp.exe")
}

impl Fleet {
    /// Builds a fleet of `n` devices.
    pub fn new(seed: u64, n: usize) -> Fleet {
        let mut rng = Rng::new(seed, 0xF1EE7);
        let (domain, dns_domain) = *rng.pick(vocab::ORGS);
        let domain_sid = format!(
            "S-1-5-21-{}-{}-{}",
            rng.range(1_000_000_000, 4_000_000_000),
            rng.range(1_000_000_000, 4_000_000_000),
            rng.range(100_000_000, 4_000_000_000)
        );
        let tenant_id = rng.guid();
        let sites: Vec<String> = (0..3)
            .map(|_| {
                format!("{}.{}.{}.{}", rng.range(20, 220), rng.range(0, 255), rng.range(0, 255), rng.range(1, 254))
            })
            .collect();
        let groups = ["Workstations", "Workstations - Finance", "Workstations - Engineering", "Servers"];
        let mut devices = Vec::with_capacity(n);
        let mut taken = std::collections::HashSet::new();
        for index in 0..n {
            // About one device in twelve is a server.
            let server = n > 1 && rng.below(12) == 0;
            let mut tries = 0u32;
            let host = loop {
                tries += 1;
                let h = if server && tries > 3 {
                    // Large fleets run out of short server names.
                    let mut h = format!("srv-{}", rng.pick(&["fs", "sql", "app", "web", "print", "dc", "rds"]));
                    rng.hex(&mut h, 6);
                    h
                } else if server {
                    let role = *rng.pick(&["fs", "sql", "app", "web", "print", "dc", "rds"]);
                    format!("srv-{role}{:02}", rng.range(1, 99))
                } else {
                    let mut h = String::from(*rng.pick(&["desktop-", "laptop-", "ws-"]));
                    for _ in 0..7 {
                        h.push(*rng.pick(&b"abcdefghjkmnpqrstuvwxyz0123456789".map(|b| b as char)));
                    }
                    h
                };
                if taken.insert(h.clone()) {
                    break h;
                }
            };
            let (os_platform, os_build, os_version_info) = if server {
                *rng.pick(&[
                    ("WindowsServer2022", 20348, "21H2"),
                    ("WindowsServer2019", 17763, "1809"),
                    ("WindowsServer2025", 26100, "24H2"),
                ])
            } else {
                *rng.pick(&[
                    ("Windows11", 22631, "23H2"),
                    ("Windows11", 22631, "23H2"),
                    ("Windows10", 19045, "22H2"),
                    ("Windows11", 26100, "24H2"),
                ])
            };
            let (vendor, model) = if server { *rng.pick(vocab::SERVER_HARDWARE) } else { *rng.pick(vocab::HARDWARE) };
            let first = *rng.pick(vocab::FIRST_NAMES);
            let last = *rng.pick(vocab::LAST_NAMES);
            let user = if server { format!("adm-{first}") } else { format!("{first}.{last}") };
            let rid = rng.range(1100, 98_000);
            // Activity: log-normal-ish, so a few devices are much busier than most.
            let activity = (rng.exp(1.0) * rng.exp(1.0) * 1000.0) as u64 + if server { 3000 } else { 200 };
            devices.push(Device {
                index,
                id: hex_of(rng.bits(), 40),
                name: format!("{host}.{dns_domain}"),
                host,
                server,
                os_platform,
                os_build,
                os_revision: rng.range(1000, 5200).to_string(),
                os_version_info,
                vendor,
                model,
                user_upn: format!("{user}@{dns_domain}"),
                user_sid: format!("{domain_sid}-{rid}"),
                user_object_id: guid_from(rng.bits(), rng.bits()),
                user,
                local_ip: format!("10.{}.{}.{}", rng.range(0, 40), rng.range(0, 255), rng.range(2, 254)),
                public_ip: rng.pick(&sites).clone(),
                aad_device_id: guid_from(rng.bits(), rng.bits()),
                hardware_uuid: guid_from(rng.bits(), rng.bits()),
                machine_group: if server { groups[3] } else { groups[rng.below(3) as usize] },
                activity,
                first_report_id: rng.range(1_000, 60_000),
            });
        }
        let dcs = (1..=2).map(|i| (format!("dc{i:02}.{dns_domain}"), format!("10.0.0.{}", 9 + i))).collect();
        let by_activity = Weighted::new(devices.iter().map(|d| d.activity));
        Fleet { devices, domain, dns_domain, domain_sid, tenant_id, by_activity, dcs }
    }
}

/// Background program draw tables; programs not `allowed` (they match a tool) are never drawn.
pub fn pools(allowed: &[bool]) -> crate::rows::BackgroundPools {
    let ok = |i: usize| allowed.get(i).copied().unwrap_or(false);
    let programs_ws = Weighted::new(
        PROGRAMS
            .iter()
            .enumerate()
            .map(|(i, p)| if server_only(p.file) || !ok(i) { 0 } else { p.weight as u64 * 1000 }),
    );
    let programs_srv = Weighted::new(PROGRAMS.iter().enumerate().map(|(i, p)| {
        let w = p.weight as u64 * 1000;
        if !ok(i) {
            0
        } else if server_only(p.file) {
            40_000
        } else if p.runs == vocab::Runs::User {
            w / 20
        } else {
            w
        }
    }));
    let net_ws = Weighted::new(
        PROGRAMS.iter().enumerate().map(|(i, p)| if server_only(p.file) || !ok(i) { 0 } else { p.net as u64 }),
    );
    let net_srv = Weighted::new(PROGRAMS.iter().enumerate().map(|(i, p)| {
        if !ok(i) {
            0
        } else if server_only(p.file) {
            200
        } else if p.runs == vocab::Runs::User {
            p.net as u64 / 20
        } else {
            p.net as u64
        }
    }));
    crate::rows::BackgroundPools { programs_ws, programs_srv, net_ws, net_srv }
}
