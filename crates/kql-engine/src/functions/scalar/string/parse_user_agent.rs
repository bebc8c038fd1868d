//! `parse_user_agent(user_agent, look_for)`: the browser, operating system and device a
//! user-agent string names, as a dynamic bag
//! (<https://learn.microsoft.com/kusto/query/parse-user-agent-function>).
//!
//! `look_for` is `"browser"`, `"os"` or `"device"`, or a dynamic array of them (case ignored);
//! the bag holds the requested parts in the order `Browser`, `OperatingSystem`, `Device`, with the
//! documented members:
//!
//! - `Browser`: `Family`, `MajorVersion`, `MinorVersion`, `Patch`
//! - `OperatingSystem`: `Family`, `MajorVersion`, `MinorVersion`, `Patch`, `PatchMinor`
//! - `Device`: `Family`, `Brand`, `Model`
//!
//! Kusto matches the string against the large pattern set of the ua-parser project. Quarry has a
//! small hand-written parser instead, for the agents that matter most in practice: Edge, Opera,
//! Firefox, Chrome (desktop, Android, iOS), Internet Explorer, Safari (desktop and mobile), curl
//! and python-requests; Windows (NT versions named as ua-parser names them: `10`, `8.1`, `8`,
//! `7`, `Vista`, `XP`, `2000`), iOS, Mac OS X, Android, Ubuntu and Linux; iPhone, iPad, Mac,
//! Samsung and Pixel phones, other Android phones, and crawlers. Anything else gets ua-parser's
//! values for an unknown agent: family `"Other"` and empty versions (device brand and model
//! empty). Version parts are strings, `""` when absent, as in the page's examples.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};

use super::common::{KqlFunction, Param, finish_dynamic, result_len, strs};
use crate::functions::scalar::dynamic::json::{Json, parse_dynamic_text};

/// Up to three version parts following `marker` in `ua` (digits separated by `.` or `_`).
fn version_after<'a>(ua: &'a str, marker: &str) -> Option<[&'a str; 4]> {
    let start = ua.find(marker)? + marker.len();
    let rest = &ua[start..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_')).unwrap_or(rest.len());
    let mut parts = [""; 4];
    for (k, p) in rest[..end].split(['.', '_']).take(4).enumerate() {
        parts[k] = p;
    }
    Some(parts)
}

fn str_member(name: &str, value: &str) -> (String, Json) {
    (name.to_string(), Json::Str(value.to_string()))
}

fn browser(ua: &str) -> Json {
    let found = |family: &str, marker: &str| version_after(ua, marker).map(|v| (family.to_string(), v));
    let mobile = ua.contains("Mobile");
    let detected = if ua.contains("Edg/") || ua.contains("Edge/") || ua.contains("EdgA/") || ua.contains("EdgiOS/") {
        ["Edg/", "Edge/", "EdgA/", "EdgiOS/"].iter().find_map(|m| found("Edge", m))
    } else if ua.contains("OPR/") {
        found("Opera", "OPR/")
    } else if ua.contains("FxiOS/") {
        found("Firefox iOS", "FxiOS/")
    } else if ua.contains("Firefox/") {
        found(if mobile && ua.contains("Android") { "Firefox Mobile" } else { "Firefox" }, "Firefox/")
    } else if ua.contains("CriOS/") {
        found("Chrome Mobile iOS", "CriOS/")
    } else if ua.contains("HeadlessChrome/") {
        found("HeadlessChrome", "HeadlessChrome/")
    } else if ua.contains("Chrome/") {
        found(if mobile && ua.contains("Android") { "Chrome Mobile" } else { "Chrome" }, "Chrome/")
    } else if ua.contains("MSIE ") {
        found("IE", "MSIE ")
    } else if ua.contains("Trident/") && ua.contains("rv:") {
        found("IE", "rv:")
    } else if ua.contains("Safari/") && ua.contains("Version/") {
        let family = if mobile && (ua.contains("iPhone") || ua.contains("iPad") || ua.contains("iPod")) {
            "Mobile Safari"
        } else {
            "Safari"
        };
        found(family, "Version/")
    } else if ua.starts_with("curl/") {
        found("curl", "curl/")
    } else if ua.starts_with("python-requests/") {
        found("Python Requests", "python-requests/")
    } else {
        None
    };
    let (family, v) = detected.unwrap_or_else(|| ("Other".to_string(), [""; 4]));
    Json::Obj(vec![
        str_member("Family", &family),
        str_member("MajorVersion", v[0]),
        str_member("MinorVersion", v[1]),
        str_member("Patch", v[2]),
    ])
}

fn operating_system(ua: &str) -> Json {
    // ua-parser's names for the Windows NT versions.
    let windows = |major: &str, minor: &str| -> Option<(&'static str, &'static str)> {
        Some(match (major, minor) {
            ("10", "0") => ("10", ""),
            ("6", "3") => ("8", "1"),
            ("6", "2") => ("8", ""),
            ("6", "1") => ("7", ""),
            ("6", "0") => ("Vista", ""),
            ("5", "1" | "2") => ("XP", ""),
            ("5", "0") => ("2000", ""),
            _ => return None,
        })
    };
    let mut parts = [""; 4];
    let family = if let Some(v) = version_after(ua, "Windows NT ") {
        if let Some((major, minor)) = windows(v[0], v[1]) {
            parts[0] = major;
            parts[1] = minor;
        }
        "Windows"
    } else if ua.contains("iPhone") || ua.contains("iPad") || ua.contains("iPod") {
        if let Some(v) = version_after(ua, "iPhone OS ").or_else(|| version_after(ua, "CPU OS ")) {
            parts = v;
        }
        "iOS"
    } else if let Some(v) = version_after(ua, "Mac OS X ") {
        parts = v;
        "Mac OS X"
    } else if ua.contains("Macintosh") {
        "Mac OS X"
    } else if let Some(v) = version_after(ua, "Android ") {
        parts = v;
        "Android"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("Ubuntu") {
        if let Some(v) = version_after(ua, "Ubuntu/") {
            parts = v;
        }
        "Ubuntu"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        "Other"
    };
    Json::Obj(vec![
        str_member("Family", family),
        str_member("MajorVersion", parts[0]),
        str_member("MinorVersion", parts[1]),
        str_member("Patch", parts[2]),
        str_member("PatchMinor", parts[3]),
    ])
}

/// The Android device model: the `;`-separated part of the parenthesised platform that follows
/// the Android version, without a trailing ` Build/...`.
fn android_model(ua: &str) -> Option<&str> {
    let start = ua.find("Android")?;
    let platform = &ua[start..ua[start..].find(')').map_or(ua.len(), |e| start + e)];
    let model = platform.split(';').map(str::trim).skip(1).find(|p| {
        !p.is_empty() && *p != "U" && *p != "K" && !p.starts_with("wv") && !(p.len() == 5 && p.as_bytes()[2] == b'-')
    })?;
    Some(model.split(" Build/").next().unwrap_or(model).trim())
}

fn device(ua: &str) -> Json {
    let lower = ua.to_ascii_lowercase();
    let (family, brand, model): (String, &str, String) =
        if lower.contains("bot") || lower.contains("spider") || lower.contains("crawl") {
            ("Spider".into(), "Spider", "Desktop".into())
        } else if ua.contains("iPhone") {
            ("iPhone".into(), "Apple", "iPhone".into())
        } else if ua.contains("iPad") {
            ("iPad".into(), "Apple", "iPad".into())
        } else if ua.contains("Macintosh") {
            ("Mac".into(), "Apple", "Mac".into())
        } else if ua.contains("Android") {
            match android_model(ua) {
                Some(m) if m.starts_with("SM-") => (format!("Samsung {m}"), "Samsung", m.to_string()),
                Some(m) if m.starts_with("Pixel") => (m.to_string(), "Google", m.to_string()),
                _ => ("Generic Smartphone".into(), "Generic", "Smartphone".into()),
            }
        } else {
            ("Other".into(), "", String::new())
        };
    Json::Obj(vec![str_member("Family", &family), str_member("Brand", brand), str_member("Model", &model)])
}

/// Which parts `look_for` asks for: browser, os, device.
fn targets(look_for: &str) -> Result<[bool; 3]> {
    let names: Vec<String> = match parse_dynamic_text(look_for) {
        Json::Arr(items) => items.into_iter().map(|v| v.to_kusto_string()).collect(),
        _ => vec![look_for.to_string()],
    };
    let mut want = [false; 3];
    for name in names {
        match name.trim().to_ascii_lowercase().as_str() {
            "browser" => want[0] = true,
            "os" => want[1] = true,
            "device" => want[2] = true,
            other => {
                return exec_err!(
                    "parse_user_agent(): look_for must be \"browser\", \"os\" or \"device\", got {other:?}"
                );
            }
        }
    }
    Ok(want)
}

fn parse_user_agent(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let ua = strs(&args[0])?;
    let look_for = strs(&args[1])?;
    let constant = look_for.scalar().map(targets).transpose()?;
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let want = match constant {
            Some(w) => w,
            None => targets(look_for.get(i))?,
        };
        let u = ua.get(i);
        let mut bag = Vec::new();
        if want[0] {
            bag.push(("Browser".to_string(), browser(u)));
        }
        if want[1] {
            bag.push(("OperatingSystem".to_string(), operating_system(u)));
        }
        if want[2] {
            bag.push(("Device".to_string(), device(u)));
        }
        out.push(Some(Json::Obj(bag).to_text()));
    }
    finish_dynamic(out.into_iter(), scalar)
}

pub(crate) fn functions() -> Vec<ScalarUDF> {
    // https://learn.microsoft.com/kusto/query/parse-user-agent-function
    vec![
        KqlFunction::new("kql_parse_user_agent", &[Param::Str, Param::Str], 2, DataType::LargeUtf8, parse_user_agent)
            .udf(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn parse(ua: &str, look_for: ColumnarValue) -> String {
        let f = functions().remove(0);
        call_str(&f, vec![s(ua), look_for]).unwrap()
    }

    fn all3() -> ColumnarValue {
        dynamic(r#"["browser","os","device"]"#)
    }

    const CHROME_WIN: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36";

    #[test]
    fn desktop_browsers() {
        assert_eq!(
            parse(CHROME_WIN, all3()),
            concat!(
                r#"{"Browser":{"Family":"Chrome","MajorVersion":"120","MinorVersion":"0","Patch":"6099"},"#,
                r#""OperatingSystem":{"Family":"Windows","MajorVersion":"10","MinorVersion":"","Patch":"","PatchMinor":""},"#,
                r#""Device":{"Family":"Other","Brand":"","Model":""}}"#
            )
        );
        let edge = "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91";
        assert_eq!(
            parse(edge, s("browser")),
            r#"{"Browser":{"Family":"Edge","MajorVersion":"120","MinorVersion":"0","Patch":"2210"}}"#
        );
        assert!(parse(edge, s("OS")).contains(r#""Family":"Windows","MajorVersion":"7""#));
        let firefox = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
        assert_eq!(
            parse(firefox, s("browser")),
            r#"{"Browser":{"Family":"Firefox","MajorVersion":"121","MinorVersion":"0","Patch":""}}"#
        );
        assert!(parse(firefox, s("os")).contains(r#""Family":"Ubuntu""#));
        let safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15";
        assert_eq!(
            parse(safari, all3()),
            concat!(
                r#"{"Browser":{"Family":"Safari","MajorVersion":"17","MinorVersion":"1","Patch":""},"#,
                r#""OperatingSystem":{"Family":"Mac OS X","MajorVersion":"10","MinorVersion":"15","Patch":"7","PatchMinor":""},"#,
                r#""Device":{"Family":"Mac","Brand":"Apple","Model":"Mac"}}"#
            )
        );
        let ie = "Mozilla/5.0 (Windows NT 6.3; Trident/7.0; rv:11.0) like Gecko";
        assert!(parse(ie, s("browser")).contains(r#""Family":"IE","MajorVersion":"11","MinorVersion":"0""#));
        assert!(parse(ie, s("os")).contains(r#""MajorVersion":"8","MinorVersion":"1""#));
        assert!(
            parse("curl/8.4.0", s("browser"))
                .contains(r#""Family":"curl","MajorVersion":"8","MinorVersion":"4","Patch":"0""#)
        );
    }

    #[test]
    fn mobile_agents() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1";
        assert_eq!(
            parse(iphone, all3()),
            concat!(
                r#"{"Browser":{"Family":"Mobile Safari","MajorVersion":"17","MinorVersion":"1","Patch":"2"},"#,
                r#""OperatingSystem":{"Family":"iOS","MajorVersion":"17","MinorVersion":"1","Patch":"2","PatchMinor":""},"#,
                r#""Device":{"Family":"iPhone","Brand":"Apple","Model":"iPhone"}}"#
            )
        );
        let android = "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36";
        assert_eq!(
            parse(android, all3()),
            concat!(
                r#"{"Browser":{"Family":"Chrome Mobile","MajorVersion":"119","MinorVersion":"0","Patch":"6045"},"#,
                r#""OperatingSystem":{"Family":"Android","MajorVersion":"13","MinorVersion":"","Patch":"","PatchMinor":""},"#,
                r#""Device":{"Family":"Samsung SM-S918B","Brand":"Samsung","Model":"SM-S918B"}}"#
            )
        );
        let pixel = "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UD1A.230803.041) AppleWebKit/537.36";
        assert!(parse(pixel, s("device")).contains(r#""Family":"Pixel 8","Brand":"Google","Model":"Pixel 8""#));
        let bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
        assert_eq!(parse(bot, s("device")), r#"{"Device":{"Family":"Spider","Brand":"Spider","Model":"Desktop"}}"#);
    }

    #[test]
    fn unknown_empty_and_arrays() {
        let other = concat!(
            r#"{"Browser":{"Family":"Other","MajorVersion":"","MinorVersion":"","Patch":""},"#,
            r#""OperatingSystem":{"Family":"Other","MajorVersion":"","MinorVersion":"","Patch":"","PatchMinor":""},"#,
            r#""Device":{"Family":"Other","Brand":"","Model":""}}"#
        );
        assert_eq!(parse("", all3()), other);
        assert_eq!(parse("something else", all3()), other);
        let f = functions().remove(0);
        assert_eq!(call_str(&f, vec![null_str(), all3()]).unwrap(), other);
        assert!(invoke(&f, vec![s("x"), s("nonsense")]).is_err());
        let r = invoke(&f, vec![str_col(&[Some(CHROME_WIN), None]), s("browser")]).unwrap();
        let v = strings_of(r);
        assert!(v[0].as_deref().unwrap().contains("Chrome"));
        assert!(v[1].as_deref().unwrap().contains("Other"));
        let r = invoke(&f, vec![s(CHROME_WIN), str_col(&[Some("os"), Some("device")])]).unwrap();
        let v = strings_of(r);
        assert!(v[0].as_deref().unwrap().starts_with(r#"{"OperatingSystem""#));
        assert!(v[1].as_deref().unwrap().starts_with(r#"{"Device""#));
    }
}
