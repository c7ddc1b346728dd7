//! pip `requirements.txt`: pinned `name==version` lines are scanned, others are noted.

use super::ParseError;
use crate::ecosystem::Ecosystem;
use crate::inventory::{InputFormat, Inventory};

pub(super) fn parse(name_hint: Option<&str>, text: &str) -> Result<Inventory, ParseError> {
    let mut inv = Inventory::new(InputFormat::Requirements, name_hint);
    let mut recognised = 0usize;
    let mut logical = String::new();
    let mut start_line = 0usize;
    for (i, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            start_line = i + 1;
        }
        // A trailing backslash continues the requirement on the next line.
        if let Some(head) = raw.strip_suffix('\\') {
            logical.push_str(head);
            logical.push(' ');
            continue;
        }
        logical.push_str(raw);
        let line = std::mem::take(&mut logical);
        match read_line(&line) {
            Line::Blank => {}
            Line::Option => recognised += 1,
            Line::Pinned { name, version } => {
                recognised += 1;
                inv.push_known(Ecosystem::PyPI, name, version);
            }
            Line::Unpinned { name } => {
                recognised += 1;
                inv.notes.push(format!(
                    "line {start_line}: {name:?} is not pinned with ==; not scanned"
                ));
            }
            Line::Bad(reason) => {
                if recognised == 0 {
                    return Err(ParseError::Unrecognized {
                        reason: format!(
                            "not CycloneDX/SPDX/package-lock JSON, not a TOML lockfile, and \
                             line {start_line} is not a requirement: {reason}"
                        ),
                    });
                }
                return Err(ParseError::Requirements {
                    line: start_line,
                    reason,
                });
            }
        }
    }
    Ok(inv)
}

enum Line<'a> {
    Blank,
    Option,
    Pinned { name: &'a str, version: &'a str },
    Unpinned { name: &'a str },
    Bad(String),
}

fn read_line(line: &str) -> Line<'_> {
    // pip treats `#` as a comment start at the beginning or after whitespace.
    let line = match line.find(" #").or_else(|| line.find("\t#")) {
        Some(i) => &line[..i],
        None => line,
    };
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Line::Blank;
    }
    if line.starts_with('-') {
        return Line::Option;
    }
    // Environment markers and per-requirement options (`--hash=…`) follow the specifier.
    let spec = line.split(';').next().unwrap_or(line);
    let spec = spec.split(" --").next().unwrap_or(spec).trim();
    let name_end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let name = &spec[..name_end];
    if name.is_empty() {
        return Line::Bad(format!("{line:?} does not start with a package name"));
    }
    let mut rest = spec[name_end..].trim_start();
    if let Some(after) = rest.strip_prefix('[') {
        match after.find(']') {
            Some(end) => rest = after[end + 1..].trim_start(),
            None => return Line::Bad(format!("{line:?} has an unclosed extras list")),
        }
    }
    if rest.is_empty() || rest.starts_with('@') {
        return Line::Unpinned { name };
    }
    let version = rest
        .strip_prefix("===")
        .or_else(|| rest.strip_prefix("=="))
        .map(str::trim);
    match version {
        Some(v) if !v.is_empty() && !v.contains(['*', ',', ' ']) => {
            Line::Pinned { name, version: v }
        }
        _ if rest.starts_with(['<', '>', '=', '~', '!']) => Line::Unpinned { name },
        _ => Line::Bad(format!(
            "{line:?} is not NAME==VERSION or another PEP 508 requirement"
        )),
    }
}
