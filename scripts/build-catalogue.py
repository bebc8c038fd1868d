#!/usr/bin/env python3
"""Build Quarry's RMM catalogue (crates/quarry-hunt/data/rmm-catalogue.toml) from public facts.

Usage: scripts/build-catalogue.py RMM_DIR [OUT]

RMM_DIR holds two public collections:
  lolrmm/yaml/*.yaml      LOLRMM tool descriptions (one per tool)
  jischell/RMM/<Tool>/    jischell-msft hunting rules (createproc / filesig / netconn)

Only facts are taken: tool names, web sites, PE company/product/file names, code-signing
signer names, network domains, install paths and registry keys. Rule text, descriptions and
prose are not copied; each tool's one-line description is written here from its facts.

The output is deterministic (sorted), so re-running it on the same input gives the same file.
Indicators too generic to identify a tool on their own (Microsoft binaries, CDN and cloud
storage domains, generic installer names, shared vendor signers) are left out; the lists
below say which, and notes/catalogue.md says why.
"""

import glob
import os
import re
import sys

import yaml

# --- Curation -------------------------------------------------------------------------------

# LOLRMM entries that describe the same product, folded into one catalogue tool (key: the
# catalogue name; values: LOLRMM names, compared case-insensitively).
MERGE = {
    "ConnectWise": [
        "ConnectWise", "ConnectWise Control", "ScreenConnect", "Connectwise Automate (LabTech)",
        "LabTeach (Connectwise Automate)", "LabTech RMM (Now ConnectWise Automate)",
        "ITSupport247 (ConnectWise)", "247ithelp.com (ConnectWise)",
    ],
    "PDQ": ["PDQ Connect"],
    "BeyondTrust": ["BeyondTrust", "BeyondTrust (Bomgar)"],
    "Level": ["Level", "Level.io"],
    "LiteManager": ["LiteManager", "Lite Manager"],
    "NinjaOne": ["NinjaOne (formerly NinjaRMM)", "NinjaRMM"],
    "N-able": ["N-Able Advanced Monitoring Agent", "N-ABLE Remote Access Software"],
    "Remote Utilities": ["Remote Utilities", "RemoteUtilities"],
    "Splashtop": ["Splashtop", "Splashtop Remote", "Splashtop (Beta)"],
    "Netop Remote Control": ["Netop", "Netop Remote Control (aka Impero Connect)",
                             "Netop Remote Control (Impero Connect)"],
    "MioNet": ["MioNet (Also known as WD Anywhere Access)", "MioNet (WD Anywhere Access)"],
    "Pocket Controller": ["Pocket Controller", "Pocket Controller (Soti Xsight)"],
    "Netviewer": ["Netviewer", "Netviewer (GoToMeet)"],
    "GoToAssist": ["GoToAssist", "GoToAssist (GoTo Resolve)"],
    "Quick Assist": ["Quick Assist", "Microsoft Quick Assist"],
    "Dev Tunnels": ["Dev Tunnels (aka Visual Studio Dev Tunnel)", "Visual Studio Dev Tunnel"],
    "Remote Desktop Manager": ["Devolutions Remote Desktop Manager", "Remote Desktop Manager (Devolutions)"],
    "UltraVNC": ["UltraVNC", "Ultra VNC"],
    "Datto RMM": ["CentraStage (Now Datto)"],
    "Kaseya VSA": ["Kaseya (VSA)"],
    "eHorus": ["eHorus", "Pandora RC (eHorus)"],
}

# jischell folder name -> catalogue name, where the names differ.
JISCHELL_NAMES = {
    "AnyplaceControl": "Anyplace Control", "AweSun": "AweRay", "BarracudaRMM": "Barracuda",
    "BlueTrait.io": "Bluetrait", "ChromeRDP": "Chrome Remote Desktop", "DWService": "DW Service",
    "DattoRMM": "Datto RMM", "EHorus": "eHorus", "ElectricAI": "Electric AI (Kaseya)",
    "FleetDeck": "FleetDeck.io", "ISLOnline": "ISL Online", "IperiusRemote": "Iperius Remote",
    "JumpCloud": "Jump Cloud", "Kaseya": "Kaseya VSA", "MSP360_CloudBerry": "MSP360", "NAble": "N-able",
    "NinjaRMM": "NinjaOne", "PcVisit": "Pcvisit", "RemoteDesktopPlus": "Remote Desktop Plus",
    "RemoteUtilities": "Remote Utilities", "SupRemo": "Supremo", "SyncroMSP": "Syncro",
    "TacticalRMM": "Tactical RMM", "ZohoAssist": "Zoho Assist", "parsec.app": "Parsec",
    "Ammyy": "Ammyy Admin", "CrossTec": "CrossTec Remote Control", "DistantDesktop": "Distant Desktop",
    "NetSupport": "NetSupport Manager", "BeAnywhere": "BeAnyWhere", "TSPlus": "TSplus",
    "TechInline": "TechInline", "XMReality": "XMReality",
}

# Extra names users know the tools by.
EXTRA_ALIASES = {
    "ConnectWise": ["ScreenConnect", "ConnectWise Control", "ConnectWise Automate", "LabTech",
                    "Continuum", "ITSupport247"],
    "PDQ": ["PDQ Connect", "PDQ Deploy"],
    "Datto RMM": ["CentraStage", "Datto"],
    "NinjaOne": ["NinjaRMM", "Ninja RMM"],
    "AweRay": ["AweSun"],
    "Kaseya VSA": ["Kaseya"],
    "BeyondTrust": ["Bomgar"],
    "Level": ["Level.io"],
    "N-able": ["N-Able", "SolarWinds MSP", "N-central"],
    "Splashtop": ["Splashtop Remote"],
    "Netop Remote Control": ["Netop", "Impero Connect"],
    "Chrome Remote Desktop": ["ChromeRDP"],
    "Parsec": ["parsec.app"],
    "MSP360": ["CloudBerry"],
    "Syncro": ["SyncroMSP"],
}

# The four seed rules of the user. For the kind a seed covers, the catalogue keeps exactly the
# seed's indicators, so the generated rule equals the seed (see notes/catalogue.md).
SEED_PROCESS = {
    "Pulseway": [{"company": "MMSoft Design", "product": "Pulseway"}],
    "ConnectWise": [{"company": "ConnectWise"}, {"company": "Continuum Managed"}, {"company": "ScreenConnect"}],
    "PDQ": [{"product": "PDQConnectAgent"}, {"file_name": "pdq-connect-agent.exe"}],
}
SEED_SIGNERS = {"Pulseway": ["MMSoft Design"]}

# Signers and domains the sources attach to a tool that belong to another product (found by
# listing indicators shared between tools): PuTTY's and WinSCP's authors under NetSupport,
# Pcvisit and Tactical RMM, PDQ's certificate under ISL Online, RealVNC's under UltraVNC, ...
WRONG_SIGNERS = {
    "NetSupport Manager": ["Simon Tatham"], "mRemoteNG": ["Simon Tatham"], "Pcvisit": ["Martin Prikryl"],
    "Tactical RMM": ["Christopher West"], "ISL Online": ["PDQ.com Corporation"], "ISL Light": ["PDQ.com Corporation"],
    "SuperOps": ["ISL Online Ltd."], "LiteManager": ["REMOTE UTILITIES PTE. LTD."], "UltraVNC": ["RealVNC Ltd"],
    "RPort": ["RealVNC Ltd"], "TightVNC": ["深圳市玩物科技有限公司"], "AweRay": ["DUC FABULOUS CO.,LTD"],
    "Remote Desktop Plus": ["Plooto Star Inc"], "PSEXEC (Clone)": ["ZOHO Corporation Private Limited"],
    "Site24x7": ["ZOHO Corporation Private Limited"], "BeAnyWhere": ["N-ABLE TECHNOLOGIES LTD"],
    "Adobe Connect": ["The Anti-Cloud Corporation"], "SpyAnywhere": ["北京火绒网络科技有限公司"],
    "rdpwrap": ["中移动信息技术有限公司"], "FreeNX": ["NoMachine S.à r.l", "NoMachine S.a.r.l."],
    "Pocket Controller": ["Wyse Technology Inc"], "WinSCP": ["RARE IDEAS, LLC"],
}
WRONG_DOMAINS = {"Barracuda": ["islonline.net"], "DameWare": ["beanywhere.com"], "N-able": ["beanywhere.com"]}

# Tools that are parts of Windows: their files, keys and Microsoft signature are on every
# machine, so only their network indicators are kept.
WINDOWS_COMPONENTS = {"mstsc.exe (Microsoft Remote Desktop Connection)", "Quick Assist"}

GENERIC_FILE_NAMES = {
    "setup.exe", "install.exe", "installer.exe", "update.exe", "updater.exe", "agent.exe", "client.exe",
    "server.exe", "service.exe", "launcher.exe", "uninstall.exe", "uninst.exe", "unins000.exe", "msiexec.exe",
    "rundll32.exe", "cmd.exe", "powershell.exe", "pwsh.exe", "svchost.exe", "explorer.exe", "conhost.exe",
    "mstsc.exe", "msra.exe", "quickassist.exe", "rdpclip.exe", "java.exe", "javaw.exe", "python.exe",
    "pythonw.exe", "node.exe", "electron.exe", "chrome.exe", "msedge.exe", "firefox.exe", "ssh.exe",
    "sshd.exe", "scp.exe", "sftp.exe", "telnet.exe", "viewer.exe", "remote.exe", "helper.exe", "support.exe",
    "connect.exe", "host.exe", "runner.exe", "bootstrapper.exe", "app.exe", "main.exe", "start.exe", "run.exe",
    "tray.exe", "notifier.exe", "monitor.exe", "console.exe", "wscript.exe", "cscript.exe", "dllhost.exe",
    "autoupdate.exe", "appcore.exe", "avcore.exe", "installcore.exe", "notificationhelper.exe", "recycler.exe",
    "selfupdater.exe", "closeapp.exe", "cpuchk.exe", "regapps.exe", "upload.exe", "update-shim.exe", "httpget.exe",
    "httppush.exe", "iprangecalculator.exe", "prep64.exe", "pidupdater.exe", "modulesupgrademgr.exe",
    "uninstallstatusupdater.exe", "studentsvc.exe", "agent-installer-any.exe", "dashboard-windows-amd64.exe",
    "teams.exe", "nssm.exe", "osqueryi.exe", "tsh.exe",
    "agent32.exe", "agent64.exe", "winagent.exe", "remote access.exe", "remote desktop.exe", "remote_host.exe",
    "remoteconsole.exe", "installshield setup.exe", "vhost.exe", "rhost.exe", "simpleservice.exe", "sysdiag.exe",
    "qqpcmgr.exe", "qqprotect.exe", "rdesktop.exe", "tsclient.exe", "winpty-agent.exe", "winpty-agent64.exe",
    "online backup.exe", "windowslauncher.exe", "manuallauncher.exe", "monitoringagent.exe",
    "serverproxyservice.exe", "serviceproxylocalsys.exe", "hsloader.exe", "einstaller.exe", "supporttool.exe",
    "pservice.exe", "srservice.exe", "spsrv.exe", "baseclient.exe", "rcservice.exe", "rcclient.exe",
    "pcstarter.exe", "issuser.exe", "mgntsvc.exe", "routernt.exe", "rdpcheck.exe", "rdpconf.exe",
    "taskhost.exe", "taskhostw.exe", "winlogon.exe", "services.exe", "lsass.exe", "wmic.exe", "regsvr32.exe",
    "mshta.exe", "curl.exe", "wget.exe", "7z.exe", "vc_redist.x64.exe", "vc_redist.x86.exe", "dotnet.exe",
}

# Company names that say nothing about the tool on their own (a process of Microsoft's).
GENERIC_COMPANIES = re.compile(r"^(microsoft( corporation)?|google( llc| inc\.?)?|apple( inc\.?)?|oracle.*|"
                               r"mozilla.*|adobe.*|the qt company.*|python software foundation|remote monitoring)$", re.I)
GENERIC_PRODUCTS = {"remote", "viewer", "connect", "rmm", "agent", "client", "launch", "service", "server",
                    "setup", "installer", "update", "support", "host", "desktop", "remote desktop", "vnc"}

# Signers shared by unrelated software, or wrongly attached to a tool in the sources.
GENERIC_SIGNERS = re.compile(
    r"^(microsoft.*|google.*|apple.*|adobe.*|symantec.*|openvpn.*|win\.rar.*|unity technologies.*|oculus.*|"
    r"tuxera.*|outbyte.*|gametop.*|\.net|certification authority|globalsigningdig|codesigningmico|"
    r"mozilla.*|oracle.*|amazon.*|yandex.*|tencent.*|alibaba.*|taobao.*|electronic team.*|"
    r"python software foundation|the qt company.*|intel.*|dell.*|hp inc.*|lenovo.*|vmware.*|"
    r"sectigo.*|digicert.*|globalsign.*)$", re.I)

# Domains shared by everyone (cloud storage, CDNs, big platforms). A host below one of these
# (`tenant.blob.core.windows.net`) is specific and kept; the base itself, or a wildcard over
# it, is dropped.
SHARED_DOMAINS = {
    "amazonaws.com", "s3.amazonaws.com", "cloudfront.net", "azurewebsites.net", "windows.net",
    "core.windows.net", "blob.core.windows.net", "servicebus.windows.net", "azureedge.net", "azurefd.net",
    "trafficmanager.net", "cloudapp.net", "cloudapp.azure.com", "akamaized.net", "akamai.net", "akamaiedge.net",
    "edgekey.net", "edgesuite.net", "cloudflare.com", "cloudflare.net", "cloudflarestorage.com",
    "r2.cloudflarestorage.com", "r2.dev", "workers.dev", "pages.dev", "github.com", "githubusercontent.com",
    "raw.githubusercontent.com", "objects.githubusercontent.com", "github.io", "google.com", "googleapis.com",
    "gstatic.com", "googleusercontent.com", "appspot.com", "firebaseio.com", "microsoft.com", "live.com",
    "office.com", "office365.com", "microsoftonline.com", "msftauth.net", "apple.com", "icloud.com",
    "dropbox.com", "herokuapp.com", "pubnub.com", "pndsn.com", "pubnubapi.com", "twilio.com", "sentry.io",
    "digicert.com", "sectigo.com", "letsencrypt.org", "msedge.net", "azure.com", "visualstudio.com",
    "fastly.net", "fastlylb.net", "bunnycdn.com", "b-cdn.net", "jsdelivr.net", "unpkg.com", "sourceforge.net",
    "wordpress.com", "zendesk.com", "hubspot.com", "intercom.io", "stripe.com", "paypal.com", "youtube.com",
    "facebook.com", "twitter.com", "linkedin.com", "mozilla.org", "mozilla.net", "ubuntu.com", "debian.org",
    "ghcr.io", "downloads.io", "stunserver.stunprotocol.org", "zoho.com", "zoho.eu", "zoho.in", "zoho.com.au",
    "zoho.com.cn", "zohocdn.com", "zohostatic.in", "zohowebstatic.com", "zohopublic.com", "zohopublic.eu",
    "sophos.com", "sophosupd.com", "sophosupd.net", "freshchat.com", "freshworks.com", "myfreshworks.com",
    "freshworksapi.com", "in-freshbots.ai", "freshdev.io", "softonic.com", "software.informer.com",
}

GENERIC_SEGMENTS = {
    "c:", "program files", "program files (x86)", "programdata", "windows", "system32", "syswow64", "users",
    "appdata", "local", "roaming", "locallow", "temp", "tmp", "public", "desktop", "downloads", "documents",
    "common files", "default", "all users", "application data", "local settings", "*", "%appdata%",
    "%localappdata%", "%programdata%", "%programfiles%", "%programfiles(x86)%", "%temp%", "%userprofile%",
    "%windir%", "%systemroot%", "config", "systemprofile", "logs", "log", "bin", "microsoft", "drivers",
    "tasks", "prefetch", "inf", "installer", "package cache", "startup", "start menu", "programs",
    "yandex", "google", "mozilla", "adobe", "apple", "oracle", "java", "python",
}

GENERIC_KEY_SEGMENTS = {
    "hklm", "hkcu", "hku", "hkcr", "hkey_local_machine", "hkey_current_user", "hkey_users", "hkey_classes_root",
    "software", "wow6432node", "microsoft", "windows", "windows nt", "currentversion", "run", "runonce",
    "uninstall", "services", "currentcontrolset", "controlset001", "controlset", "system", "classes", "policies",
    "explorer", "eventlog", "application", "*", "shell", "open", "command", "tracing", "drivers",
    "driverdatabase", "deviceids", "print", "printers", "environments", "monitors", "session manager",
    "appcompatflags", "compatibility assistant", "store", "bam", "state", "usersettings", "muicache",
    "shell\\muicache", "local settings", "firewallpolicy", "firewallrules", "sharedaccess", "parameters",
    "localdumps", "windows error reporting", "image file execution options", "userassist", "recentdocs",
    ".default", "s-1-5-18", "sid", "<sid>", "{sid}", "%sid%", "enum", "root", "legacy_", "security", "sam",
}


def norm(name):
    return re.sub(r"[^a-z0-9]", "", name.lower())


def slugify(name):
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", name.lower())).strip("-")


def as_list(value):
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def text(value):
    return value.strip() if isinstance(value, str) else ""


# --- Facts ----------------------------------------------------------------------------------

class Tool:
    def __init__(self, name):
        self.name = name
        self.aliases = []
        self.websites = []
        self.executables = []  # dicts: file_name, original_file_name, company, product
        self.signers = []
        self.domains = []
        self.install_paths = []
        self.registry_keys = []
        self.sources = set()

    def add_alias(self, alias):
        alias = alias.strip()
        if alias and norm(alias) != norm(self.name) and all(norm(a) != norm(alias) for a in self.aliases):
            self.aliases.append(alias)


def load_lolrmm(root):
    entries = []
    for path in sorted(glob.glob(os.path.join(root, "lolrmm", "yaml", "*.y*ml"))):
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        details = doc.get("Details") or {}
        artifacts = doc.get("Artifacts") or {}
        e = {"name": text(doc.get("Name")), "website": text(details.get("Website")), "executables": [],
             "signers": [], "domains": [], "paths": [], "keys": []}
        for pe in as_list(details.get("PEMetadata")):
            if not isinstance(pe, dict):
                continue
            exe = {"file_name": text(pe.get("Filename")), "original_file_name": text(pe.get("OriginalFileName")),
                   "company": text(pe.get("Company")), "product": text(pe.get("Product"))}
            if any(exe.values()):
                e["executables"].append(exe)
        for p in as_list(details.get("InstallationPaths")) + as_list(doc.get("InstallationPaths")):
            if isinstance(p, str):
                e["paths"].append(p)
                # A bare file name among the install paths names one of the tool's programs.
                if "\\" not in p and "/" not in p:
                    e["executables"].append({"file_name": p.strip(), "original_file_name": "", "company": "",
                                             "product": ""})
        for d in as_list(artifacts.get("Disk")):
            if isinstance(d, dict) and isinstance(d.get("File"), str) and d.get("OS", "Windows") in ("Windows", None):
                e["paths"].append(d["File"])
        for r in as_list(artifacts.get("Registry")):
            if isinstance(r, dict) and isinstance(r.get("Path"), str):
                e["keys"].append(r["Path"])
        for n in as_list(artifacts.get("Network")):
            if isinstance(n, dict):
                e["domains"].extend(d for d in as_list(n.get("Domains")) if isinstance(d, str))
        for c in as_list((doc.get("CodeSigning") or {}).get("certificates")):
            if isinstance(c, dict) and isinstance(c.get("signer_name"), str):
                e["signers"].append(c["signer_name"])
        entries.append(e)
    return entries


QUOTED = r"""['"]([^'"]*)['"]"""


def values_after(query, column, ops=("has_any", "has", "=~", "in~")):
    """The string values a jischell query compares `column` with (has / has_any / =~ / in~)."""
    out = []
    for m in re.finditer(r"(?<![A-Za-z])" + column + r"\s+(has_any|has|=~|in~)\s*(\([^)]*\)|" + QUOTED + ")", query):
        if m.group(1) not in ops:
            continue
        arg = m.group(2)
        arg = re.sub(r"//[^\n]*", "", arg)
        out.extend(v.strip() for v in re.findall(QUOTED, arg))
    return [v for v in out if v]


def load_jischell(root):
    tools = {}
    for folder in sorted(glob.glob(os.path.join(root, "jischell", "RMM", "*"))):
        if not os.path.isdir(folder):
            continue
        name = os.path.basename(folder)
        facts = {"companies_products": [], "file_names": [], "signers": [], "domains": [], "website": ""}
        for path in sorted(glob.glob(os.path.join(folder, "rmm_*.yaml"))):
            with open(path, encoding="utf-8") as f:
                body = f.read()
            if "between (Time_start..Time_end)" not in body:
                continue
            query = body.split("between (Time_start..Time_end)", 1)[1].split("| summarize")[0]
            query = re.sub(r"//[^\n]*", "", query)
            if path.endswith("_createproc.yaml") and "DeviceFileCertificateInfo" not in body:
                companies = values_after(query, "ProcessVersionInfoCompanyName")
                products = values_after(query, "ProcessVersionInfoProductName")
                joined = re.search(r"ProcessVersionInfoCompanyName[\s\S]*\band\b[\s\S]*ProcessVersionInfoProductName",
                                   query)
                if companies and products and joined:
                    facts["companies_products"] += [(c, p) for c in companies for p in products]
                else:
                    facts["companies_products"] += [(c, "") for c in companies] + [("", p) for p in products]
                facts["file_names"] += values_after(query, "FileName", ("=~", "in~"))
            elif path.endswith("_filesig.yaml"):
                facts["signers"] += values_after(query, "Signer")
            elif path.endswith("_netconn.yaml"):
                facts["domains"] += values_after(query, "RemoteUrl")
        summary = glob.glob(os.path.join(folder, "RMM_Summary_*.md"))
        if summary:
            with open(summary[0], encoding="utf-8") as f:
                m = re.search(r"https?://[^\s)]+", f.read())
            if m:
                facts["website"] = m.group(0)
        tools[name] = facts
    return tools


# --- Cleaning -------------------------------------------------------------------------------

def clean_file_name(name):
    name = name.strip().strip('"')
    if not re.fullmatch(r"[A-Za-z0-9 _.()+\-]+\.exe", name, re.I):
        return ""
    if name.lower() in GENERIC_FILE_NAMES or len(name) - 4 < 4:
        return ""
    return name


def clean_domain(raw):
    d = raw.strip().strip("'\"").lower()
    d = re.sub(r"^[a-z]+://", "", d)
    d = d.split("/")[0].split("?")[0]
    d = re.sub(r":\d+$", "", d)
    wildcard = False
    if d.startswith("*."):
        wildcard, d = True, d[2:]
    elif d.startswith("*"):
        d = d[1:]  # `*example.com`: kept as example.com and its subdomains (narrower, never wider)
    d = d.strip(".")
    if not re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)+", d) or re.fullmatch(r"[0-9.]+", d):
        return ""
    if any(label.startswith("-") or label.endswith("-") for label in d.split(".")):
        return ""
    if any(d == s or d.endswith("." + s) for s in ("softonic.com", "software.informer.com")):
        return ""
    if d in SHARED_DOMAINS or not re.search(r"[a-z]", d.split(".")[-1]):
        return ""
    return ("*." if wildcard else "") + d


def clean_signer(raw):
    # A trailing `.` is dropped: `has 'Splashtop Inc'` matches both `Splashtop Inc.` and
    # `Splashtop Inc`, while `has 'Splashtop Inc.'` needs the dot.
    s = raw.strip().rstrip("\\").strip().rstrip(".").strip()
    if len(s) < 4 or GENERIC_SIGNERS.match(s):
        return ""
    return s


def has_specific_segment(parts, generic):
    for part in parts:
        p = part.strip().lower()
        literal = p.replace("*", "").strip()
        if p in generic or len(literal) < 3 or re.fullmatch(r"%[a-z()_0-9]+%", p):
            continue
        return True
    return False


def clean_path(raw):
    p = raw.strip().strip('"').strip()
    known_env = r"%(appdata|localappdata|programdata|programfiles|programfiles\(x86\)|userprofile|temp|windir)%"
    if not re.match(r"^([A-Za-z]:\\|" + known_env + r"\\|\*\\)", p, re.I):
        return ""
    if "/" in p or "<" in p or "{" in p or "?" in p or "\\\\" in p:
        return ""
    # After the leading variable, a segment ending in `%` is a broken variable (`(x86)%`).
    rest = re.sub(r"^%[^%\\]+%", "", p)
    if any(seg.endswith("%") for seg in rest.split("\\")):
        return ""
    parts = [s for s in p.split("\\") if s]
    # A one-letter folder is a regular expression escaped by mistake (`\d`), not a path.
    if any(len(s) == 1 and s != "*" for s in parts[1:]) or parts[-1].lower() in GENERIC_FILE_NAMES:
        return ""
    if not has_specific_segment(parts, GENERIC_SEGMENTS):
        return ""
    return p


def clean_key(raw):
    k = raw.strip().strip('"').strip()
    if not re.match(r"^(HKLM|HKCU|HKU|HKCR|HKEY_[A-Z_]+)\\", k, re.I):
        return ""
    if "<" in k or "{sid}" in k.lower():
        return ""
    parts = [s for s in k.split("\\") if s]
    if not has_specific_segment(parts, GENERIC_KEY_SEGMENTS):
        return ""
    return k


def add_unique(items, value, key=lambda v: v.lower()):
    if value and all(key(v) != key(value) for v in items):
        items.append(value)


# --- Build ----------------------------------------------------------------------------------

def build(root):
    lol = load_lolrmm(root)
    jis = load_jischell(root)

    merge_of = {}
    for target, names in MERGE.items():
        for n in names:
            merge_of[n.lower()] = target

    tools = {}

    def tool(name):
        key = norm(name)
        if key not in tools:
            tools[key] = Tool(name)
        return tools[key]

    for e in lol:
        if not e["name"]:
            continue
        t = tool(merge_of.get(e["name"].lower(), e["name"]))
        t.sources.add("lolrmm")
        t.add_alias(e["name"])
        add_unique(t.websites, e["website"])
        for exe in e["executables"]:
            exe = dict(exe)
            exe["file_name"] = clean_file_name(exe["file_name"])
            exe["original_file_name"] = clean_file_name(exe["original_file_name"])
            if GENERIC_COMPANIES.match(exe["company"]):
                exe["company"] = ""
            if exe["product"].lower() in GENERIC_PRODUCTS:
                exe["product"] = ""
            if any(exe.values()) and exe not in t.executables:
                t.executables.append(exe)
        for s in e["signers"]:
            add_unique(t.signers, clean_signer(s))
        for d in e["domains"]:
            add_unique(t.domains, clean_domain(d))
        for p in e["paths"]:
            add_unique(t.install_paths, clean_path(p))
        for k in e["keys"]:
            add_unique(t.registry_keys, clean_key(k))

    for folder, facts in jis.items():
        name = JISCHELL_NAMES.get(folder, folder)
        # Match an existing tool by normalised name before creating one.
        t = tools.get(norm(name)) or tool(name)
        t.sources.add("jischell")
        t.add_alias(folder)
        add_unique(t.websites, facts["website"])
        for c, p in facts["companies_products"]:
            if not p and GENERIC_COMPANIES.match(c):
                continue
            if not c and p.lower() in GENERIC_PRODUCTS:
                continue
            exe = {"file_name": "", "original_file_name": "", "company": c, "product": p}
            if exe not in t.executables:
                t.executables.append(exe)
        for fn in facts["file_names"]:
            fn = clean_file_name(fn)
            exe = {"file_name": fn, "original_file_name": "", "company": "", "product": ""}
            if fn and exe not in t.executables:
                t.executables.append(exe)
        for s in facts["signers"]:
            add_unique(t.signers, clean_signer(s))
        for d in facts["domains"]:
            add_unique(t.domains, clean_domain(d))

    for name, aliases in EXTRA_ALIASES.items():
        for a in aliases:
            tools[norm(name)].add_alias(a)

    for name, wrong in WRONG_SIGNERS.items():
        t = tools[norm(name)]
        wrong_keys = {clean_signer(w).lower() for w in wrong}
        t.signers = [x for x in t.signers if x.lower() not in wrong_keys]
    for name, wrong in WRONG_DOMAINS.items():
        t = tools[norm(name)]
        t.domains = [x for x in t.domains if x.lstrip("*.") not in wrong]
    for name in WINDOWS_COMPONENTS:
        t = tools[norm(name)]
        t.executables, t.signers, t.install_paths, t.registry_keys = [], [], [], []

    # The seed tools' seeded kinds carry exactly the seed's indicators.
    for name, exes in SEED_PROCESS.items():
        t = tools[norm(name)]
        t.executables = [{"file_name": e.get("file_name", ""), "original_file_name": "",
                          "company": e.get("company", ""), "product": e.get("product", "")} for e in exes]
    for name, signers in SEED_SIGNERS.items():
        tools[norm(name)].signers = list(signers)
    # Action1's network seed: server.action1.com, from a process of Action1's.
    a1 = tools[norm("Action1")]
    a1.domains = ["server.action1.com"]
    a1.executables = [e for e in a1.executables if e["company"] != "Action1"]
    a1.executables.insert(0, {"file_name": "", "original_file_name": "", "company": "Action1", "product": "Action1"})
    return sorted(tools.values(), key=lambda t: t.name.lower())


def describe(t):
    site = t.websites[0] if t.websites else ""
    kinds = []
    if t.executables:
        kinds.append("process")
    if t.signers:
        kinds.append("signer")
    if t.domains:
        kinds.append("network")
    if t.install_paths:
        kinds.append("file")
    if t.registry_keys:
        kinds.append("registry")
    base = f"{t.name}, remote access / RMM software"
    if site:
        base += f" ({site})"
    return base + "; indicators: " + (", ".join(kinds) if kinds else "none usable") + "."


def toml_str(s):
    if "'" not in s and "\n" not in s and all(ord(c) >= 0x20 for c in s):
        return "'" + s + "'"
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_list(items):
    if not items:
        return "[]"
    if sum(len(i) + 4 for i in items) < 90:
        return "[" + ", ".join(toml_str(i) for i in items) + "]"
    return "[\n" + "".join(f"    {toml_str(i)},\n" for i in items) + "]"


def render(tools):
    out = [
        "# Quarry's RMM catalogue: remote monitoring and management tools and their indicators.",
        "# Generated by scripts/build-catalogue.py from public facts (LOLRMM, jischell-msft RMM list),",
        "# then reviewed. Field meanings: crates/quarry-hunt/src/catalog/mod.rs; curation rules:",
        "# notes/catalogue.md. Domains: `example.com` is the host and its subdomains, `*.example.com`",
        "# only its subdomains.",
        "",
    ]
    slugs = set()
    for t in tools:
        slug = slugify(t.name)
        assert slug not in slugs, slug
        slugs.add(slug)
        out.append("[[tool]]")
        out.append(f"name = {toml_str(t.name)}")
        out.append(f"slug = {toml_str(slug)}")
        out.append(f"aliases = {toml_list(t.aliases)}")
        out.append(f"description = {toml_str(describe(t))}")
        out.append(f"sources = {toml_list(sorted(t.sources))}")
        out.append(f"signers = {toml_list(t.signers)}")
        out.append(f"domains = {toml_list(t.domains)}")
        out.append(f"install_paths = {toml_list(t.install_paths)}")
        out.append(f"registry_keys = {toml_list(t.registry_keys)}")
        for e in t.executables:
            out.append("[[tool.executables]]")
            for k in ("file_name", "original_file_name", "company", "product"):
                if e[k]:
                    out.append(f"{k} = {toml_str(e[k])}")
        out.append("")
    return "\n".join(out)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "crates", "quarry-hunt", "data",
                                                             "rmm-catalogue.toml")
    tools = build(root)
    text_out = render(tools)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text_out)
    both = sum(1 for t in tools if t.sources == {"lolrmm", "jischell"})
    only_l = sum(1 for t in tools if t.sources == {"lolrmm"})
    only_j = sum(1 for t in tools if t.sources == {"jischell"})
    print(f"{len(tools)} tools ({only_l} LOLRMM only, {only_j} jischell only, {both} both) -> {out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
