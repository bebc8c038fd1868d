//! Processes and certificates as the generator uses them: the background programs and the
//! planted tools' executables share one shape, so one set of row writers serves both.

use crate::rng::{hex_of, mix, mix_str};
use crate::time::DAY;
use crate::vocab::{Cmd, PROGRAMS, Runs, SIGNERS};

/// A code-signing certificate.
#[derive(Clone, Debug)]
pub struct Cert {
    /// Subject.
    pub signer: String,
    /// Issuer.
    pub issuer: String,
    /// CRL distribution points as JSON text.
    pub crl: String,
    /// Whether the chain ends at a Microsoft root.
    pub root_ms: bool,
    /// `Embedded` or `Catalog`.
    pub sig_type: &'static str,
    /// SHA1 of the signer certificate.
    pub signer_hash: String,
    /// SHA1 of the issuer certificate.
    pub issuer_hash: String,
    /// Serial number, hex.
    pub serial: String,
    /// Validity start.
    pub created: i64,
    /// Validity end.
    pub expires: i64,
}

impl Cert {
    /// A certificate, its hashes and dates derived from `key`.
    pub fn new(
        key: u64,
        signer: &str,
        issuer: &str,
        crl: &str,
        root_ms: bool,
        sig_type: &'static str,
        around: i64,
    ) -> Cert {
        let k = mix_str(key, signer) ^ mix_str(key, issuer);
        let created = around - (200 + (mix(k) % 700) as i64) * DAY;
        Cert {
            signer: signer.to_string(),
            issuer: issuer.to_string(),
            crl: if crl.is_empty() { "[]".into() } else { format!("[\"{crl}\"]") },
            root_ms,
            sig_type,
            signer_hash: hex_of(k ^ 1, 40),
            issuer_hash: hex_of(mix_str(key, issuer), 40),
            serial: hex_of(k ^ 2, if root_ms { 38 } else { 32 }),
            created,
            expires: created + (365 + (mix(k ^ 3) % 730) as i64) * DAY,
        }
    }
}

/// A process image and its version information.
#[derive(Clone, Debug)]
pub struct Proc {
    /// File name.
    pub file: String,
    /// Folder without the trailing separator; may hold `{user}`.
    pub folder: String,
    /// `folder` split at each `{user}`.
    folder_parts: Vec<String>,
    /// Whether `folder` holds `{user}`.
    pub per_user: bool,
    /// Full path, when not per user.
    pub path: String,
    /// Lower-case full path (Defender lower-cases `InitiatingProcessFolderPath`).
    pub path_lower: String,
    /// PE CompanyName.
    pub company: String,
    /// PE ProductName.
    pub product: String,
    /// PE ProductVersion.
    pub version: String,
    /// PE FileDescription.
    pub description: String,
    /// PE OriginalFileName.
    pub original: String,
    /// PE InternalName.
    pub internal: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA1.
    pub sha1: String,
    /// SHA256.
    pub sha256: String,
    /// MD5.
    pub md5: String,
    /// Index of its certificate in [`Model::certs`].
    pub cert: usize,
    /// Account it runs as.
    pub runs: Runs,
    /// Index of its usual parent in [`Model::procs`].
    pub parent: usize,
    /// Command-line shape.
    pub cmd: Cmd,
    /// Extra command-line text for planted tools.
    pub args: String,
    /// Whether the image is a Microsoft OS binary (signer type `OsVendor`).
    pub os_vendor: bool,
}

impl Proc {
    /// A process with hashes derived from its identity.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        seed: u64,
        file: &str,
        folder: &str,
        company: &str,
        product: &str,
        version: &str,
        description: &str,
        original: &str,
        size: i64,
        cert: usize,
        runs: Runs,
        cmd: Cmd,
    ) -> Proc {
        let key = mix_str(seed, file) ^ mix_str(seed, version) ^ mix_str(seed, company);
        let folder = folder.trim_end_matches('\\').to_string();
        let per_user = folder.contains("{user}");
        let path = format!("{folder}\\{file}");
        Proc {
            file: file.to_string(),
            per_user,
            path_lower: path.to_lowercase(),
            path,
            folder_parts: folder.split("{user}").map(str::to_string).collect(),
            folder,
            company: company.to_string(),
            product: product.to_string(),
            version: version.to_string(),
            description: description.to_string(),
            original: original.to_string(),
            internal: original.trim_end_matches(".exe").trim_end_matches(".EXE").to_string(),
            size,
            sha1: hex_of(key ^ 11, 40),
            sha256: hex_of(key ^ 12, 64),
            md5: hex_of(key ^ 13, 32),
            cert,
            runs,
            parent: 0,
            cmd,
            args: String::new(),
            os_vendor: company == "Microsoft Corporation",
        }
    }

    /// Appends the full path for `user` to `out`.
    pub fn write_path(&self, out: &mut String, user: &str) {
        if self.per_user {
            // As `replace("{user}", user)`, without a new string or a search.
            for (n, part) in self.folder_parts.iter().enumerate() {
                if n > 0 {
                    out.push_str(user);
                }
                out.push_str(part);
            }
            out.push('\\');
            out.push_str(&self.file);
        } else {
            out.push_str(&self.path);
        }
    }
}

/// All processes and certificates: the background programs first, then planted ones.
pub struct Model {
    /// Processes.
    pub procs: Vec<Proc>,
    /// Certificates.
    pub certs: Vec<Cert>,
    /// Index of `services.exe`.
    pub services: usize,
    /// Index of `explorer.exe`.
    pub explorer: usize,
    /// Number of background programs (the first entries of `procs`).
    pub background: usize,
}

impl Model {
    /// The background programs and their certificates.
    pub fn new(seed: u64, around: i64) -> Model {
        let certs: Vec<Cert> =
            SIGNERS.iter().map(|(s, i, crl, root, ty)| Cert::new(seed, s, i, crl, *root, ty, around)).collect();
        let mut procs: Vec<Proc> = PROGRAMS
            .iter()
            .map(|p| {
                Proc::new(
                    seed,
                    p.file,
                    p.folder,
                    p.company,
                    p.product,
                    p.version,
                    p.description,
                    p.original,
                    p.size,
                    p.signer,
                    p.runs,
                    p.cmd,
                )
            })
            .collect();
        let find = |name: &str| PROGRAMS.iter().position(|p| p.file.eq_ignore_ascii_case(name));
        let services = find("services.exe").unwrap_or(0);
        let explorer = find("explorer.exe").unwrap_or(0);
        for (i, p) in PROGRAMS.iter().enumerate() {
            procs[i].parent = find(p.parent).unwrap_or(services);
        }
        let background = procs.len();
        Model { procs, certs, services, explorer, background }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_per_user_path_names_the_user_at_every_placeholder() {
        let proc = |folder: &str| {
            Proc::new(1, "a.exe", folder, "Co", "Prod", "1.0", "A", "a.exe", 10, 0, Runs::User, Cmd::Bare)
        };
        let mut out = String::from("x:");
        proc(r"C:\Users\{user}\AppData\{user}\Bin\").write_path(&mut out, "ann");
        assert_eq!(out, r"x:C:\Users\ann\AppData\ann\Bin\a.exe");
        out.clear();
        proc(r"{user}").write_path(&mut out, "bo");
        assert_eq!(out, r"bo\a.exe");
        out.clear();
        let fixed = proc(r"C:\Program Files\A");
        assert!(!fixed.per_user);
        fixed.write_path(&mut out, "ann");
        assert_eq!(out, r"C:\Program Files\A\a.exe");
    }
}
