//! Format detection and the readers for SBOMs and lockfiles.
//!
//! Every reader takes bytes and returns an [`Inventory`]; none touches the file system.

mod json;
mod requirements;
mod toml_locks;

use crate::inventory::{InputFormat, Inventory};

/// Largest input accepted, in bytes. A 50,000-component CycloneDX SBOM is about 10 MB;
/// the cap keeps memory bounded when a hostile or mistaken file is offered.
pub const MAX_INPUT_BYTES: usize = 256 * 1024 * 1024;

/// Why an input could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The input exceeds [`MAX_INPUT_BYTES`].
    #[error("input is {size} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The input is empty or only whitespace.
    #[error("input is empty")]
    Empty,
    /// A text format with bytes that are not UTF-8.
    #[error("input is not valid UTF-8 (first bad byte at offset {offset})")]
    InvalidUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// JSON that does not parse or does not have the format's shape.
    #[error("{format}: {reason}")]
    Json {
        /// The format being read.
        format: &'static str,
        /// The parser's message, with line and column.
        reason: String,
    },
    /// A TOML lockfile that does not parse or does not have the format's shape.
    #[error("{format}: {reason}")]
    Toml {
        /// The format being read.
        format: InputFormat,
        /// The parser's message.
        reason: String,
    },
    /// A requirements file line that is not a requirement.
    #[error("requirements.txt line {line}: {reason}")]
    Requirements {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A recognised format in a variant Shirube does not read.
    #[error("unsupported input: {reason}")]
    Unsupported {
        /// Which variant and what to use instead.
        reason: String,
    },
    /// The content matches none of the supported formats.
    #[error("unrecognised input: {reason}")]
    Unrecognized {
        /// What was looked for.
        reason: String,
    },
}

/// Detects the format of `bytes` from its content and reads it.
///
/// `name_hint` (a file name or path) is only used to break ties between TOML lockfiles
/// whose content does not say which tool wrote them, and is kept as the inventory's
/// source for reports.
pub fn detect_and_parse(name_hint: Option<&str>, bytes: &[u8]) -> Result<Inventory, ParseError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
        .ok_or(ParseError::Empty)?;
    match first {
        b'{' => return json::parse(name_hint, bytes),
        // `[` opens a JSON array or a TOML table header (an old Cargo.lock starts with
        // `[[package]]`); none of the JSON formats is an array, so only TOML-looking
        // headers leave the JSON path.
        b'[' if !starts_with_toml_header(bytes) => return json::parse(name_hint, bytes),
        b'<' => {
            return Err(ParseError::Unsupported {
                reason: "XML documents (CycloneDX XML, SPDX RDF) are not read; \
                         use the JSON form of the SBOM"
                    .into(),
            })
        }
        _ => {}
    }
    let text = std::str::from_utf8(bytes).map_err(|e| ParseError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    if text.lines().any(|l| l.trim() == "[[package]]") {
        let format = toml_locks::detect(name_hint, text);
        return toml_locks::parse(format, name_hint, text);
    }
    if text.lines().any(|l| l.starts_with("SPDXVersion:")) {
        return Err(ParseError::Unsupported {
            reason: "SPDX tag-value documents are not read; use SPDX 2.3 JSON".into(),
        });
    }
    requirements::parse(name_hint, text)
}

fn starts_with_toml_header(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let line = bytes[start..].split(|&b| b == b'\n').next().unwrap_or(&[]);
    let line = line.trim_ascii();
    let inner = line.strip_prefix(b"[[").and_then(|l| l.strip_suffix(b"]]"));
    let inner = inner.or_else(|| line.strip_prefix(b"[").and_then(|l| l.strip_suffix(b"]")));
    inner.is_some_and(|name| {
        !name.is_empty()
            && name
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    })
}

/// The file-name part of a hint, for tie-breaking.
fn base_name(name_hint: Option<&str>) -> &str {
    name_hint
        .and_then(|h| h.rsplit(['/', '\\']).next())
        .unwrap_or("")
}
