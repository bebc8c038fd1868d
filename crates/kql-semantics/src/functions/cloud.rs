//! Functions of the hosted Defender XDR and Sentinel services. They are not part of KQL: they
//! read data only the cloud service holds, so Quarry cannot run them offline. Queries call them
//! as `| invoke FileProfile(SHA1, 1000)` or `_GetWatchlist('alias')`.

use super::FunctionKind::CloudOnly;
use super::ParamType::Any;
use super::ReturnRule::Table;
use super::{FunctionInfo as F, opt, p, sig};

/// Sorted by name.
pub(super) static CLOUD_ONLY: &[F] = &[
    F::new(
        "AssignedIPAddresses",
        CloudOnly,
        "https://learn.microsoft.com/en-us/defender-xdr/advanced-hunting-assignedipaddresses-function",
        "Defender XDR looks up a device's IP addresses in its device inventory, which exports do not contain.",
        &[sig(&[opt("x", Any), opt("y", Any)], Table)],
    ),
    F::new(
        "DeviceFromIP",
        CloudOnly,
        "https://learn.microsoft.com/en-us/defender-xdr/advanced-hunting-devicefromip-function",
        "Defender XDR maps an IP address to the devices that held it using its inventory, not in exports.",
        &[sig(&[opt("x", Any), opt("y", Any)], Table)],
    ),
    F::new(
        "FileProfile",
        CloudOnly,
        "https://learn.microsoft.com/en-us/defender-xdr/advanced-hunting-fileprofile-function",
        "Defender XDR enriches file hashes with prevalence, signer and threat data from Microsoft's cloud.",
        &[sig(&[opt("x", Any), opt("y", Any)], Table)],
    ),
    F::new(
        "SeenBy",
        CloudOnly,
        "https://learn.microsoft.com/en-us/defender-xdr/advanced-hunting-seenby-function",
        "Defender XDR lists the onboarded devices that discovered a device, from its device-discovery service.",
        &[sig(&[opt("x", Any), opt("y", Any)], Table)],
    ),
    F::new(
        "_GetWatchlist",
        CloudOnly,
        "https://learn.microsoft.com/en-us/azure/sentinel/watchlists-queries",
        "Sentinel reads a watchlist stored in the workspace; Quarry has no workspace to read it from.",
        &[sig(&[p("alias", Any)], Table)],
    ),
];
