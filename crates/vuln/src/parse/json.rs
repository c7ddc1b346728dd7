//! CycloneDX JSON, SPDX JSON and package-lock.json, read in one pass.
//!
//! The three formats are told apart by their marker fields (`bomFormat`, `spdxVersion`,
//! `lockfileVersion`). One struct holding the union of the fields we need lets serde read a
//! large SBOM once instead of probing it first and parsing it again.
//!
//! The official `cyclonedx-bom` crate is not used here: it models and validates the whole
//! document (licences, hashes, services…) per specification version, while matching needs
//! four fields per component; reading only those keeps the 50,000-component case fast and
//! accepts 1.4, 1.5 and 1.6 alike.

use std::fmt;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::ParseError;
use crate::ecosystem::Ecosystem;
use crate::inventory::{component_from_purl, Component, InputFormat, Inventory};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonDoc {
    bom_format: Option<String>,
    spec_version: Option<String>,
    #[serde(default)]
    components: Vec<CdxComponent>,
    spdx_version: Option<String>,
    lockfile_version: Option<u64>,
    packages: Option<Packages>,
}

#[derive(Deserialize)]
struct CdxComponent {
    #[serde(default)]
    name: String,
    group: Option<String>,
    version: Option<String>,
    purl: Option<String>,
    #[serde(default)]
    components: Vec<CdxComponent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage {
    #[serde(default)]
    name: String,
    version_info: Option<String>,
    #[serde(default)]
    external_refs: Vec<SpdxRef>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpdxRef {
    #[serde(default)]
    reference_type: String,
    #[serde(default)]
    reference_locator: String,
}

#[derive(Deserialize)]
struct NpmPackage {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    link: bool,
}

/// `packages` is an array in SPDX and an object keyed by install path in package-lock.
enum Packages {
    Spdx(Vec<SpdxPackage>),
    Npm(Vec<(String, NpmPackage)>),
}

impl<'de> Deserialize<'de> for Packages {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Packages;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of SPDX packages or a package-lock `packages` object")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Packages, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(p) = seq.next_element()? {
                    out.push(p);
                }
                Ok(Packages::Spdx(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Packages, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(Packages::Npm(out))
            }
        }
        d.deserialize_any(V)
    }
}

pub(super) fn parse(name_hint: Option<&str>, bytes: &[u8]) -> Result<Inventory, ParseError> {
    let doc: JsonDoc = serde_json::from_slice(bytes).map_err(|e| ParseError::Json {
        format: "JSON document",
        reason: e.to_string(),
    })?;
    if let Some(bom_format) = &doc.bom_format {
        if bom_format != "CycloneDX" {
            return Err(ParseError::Unrecognized {
                reason: format!("`bomFormat` is {bom_format:?}, expected \"CycloneDX\""),
            });
        }
        return cyclonedx(name_hint, doc);
    }
    if let Some(version) = &doc.spdx_version {
        if !version.starts_with("SPDX-2.") {
            return Err(ParseError::Unsupported {
                reason: format!("`spdxVersion` is {version:?}; SPDX 2.x JSON is read"),
            });
        }
        return spdx(name_hint, doc);
    }
    if let Some(lockfile_version) = doc.lockfile_version {
        return package_lock(name_hint, lockfile_version, doc);
    }
    Err(ParseError::Unrecognized {
        reason: "JSON document has none of `bomFormat` (CycloneDX), `spdxVersion` (SPDX) \
                 or `lockfileVersion` (package-lock.json)"
            .into(),
    })
}

fn cyclonedx(name_hint: Option<&str>, doc: JsonDoc) -> Result<Inventory, ParseError> {
    let mut inv = Inventory::new(InputFormat::CycloneDx, name_hint);
    match doc.spec_version.as_deref() {
        Some("1.4" | "1.5" | "1.6") => {}
        Some(other) => inv.notes.push(format!(
            "CycloneDX specVersion {other} is outside 1.4–1.6; components were read anyway"
        )),
        None => inv
            .notes
            .push("CycloneDX document has no specVersion".into()),
    }
    // Nested components (assemblies) are flattened with an explicit stack; serde's
    // recursion limit already bounds their depth.
    let mut stack: Vec<CdxComponent> = doc.components.into_iter().rev().collect();
    inv.components.reserve(stack.len());
    while let Some(mut c) = stack.pop() {
        let children = std::mem::take(&mut c.components);
        stack.extend(children.into_iter().rev());
        match c.purl.as_deref() {
            Some(purl) => match component_from_purl(purl, c.version.as_deref()) {
                Ok(component) => inv.components.push(component),
                Err(note) => {
                    inv.notes.push(format!("component {:?}: {note}", c.name));
                    inv.components.push(unscanned(c.group, c.name, c.version));
                }
            },
            None => inv.components.push(unscanned(c.group, c.name, c.version)),
        }
    }
    Ok(inv)
}

fn unscanned(group: Option<String>, name: String, version: Option<String>) -> Component {
    let name = match group {
        Some(g) if !g.is_empty() => format!("{g}/{name}"),
        _ => name,
    };
    Component {
        ecosystem: None,
        name,
        version,
        purl: None,
    }
}

fn spdx(name_hint: Option<&str>, doc: JsonDoc) -> Result<Inventory, ParseError> {
    let mut inv = Inventory::new(InputFormat::Spdx, name_hint);
    let packages = match doc.packages {
        Some(Packages::Spdx(p)) => p,
        Some(Packages::Npm(_)) => {
            return Err(ParseError::Json {
                format: "SPDX JSON",
                reason: "`packages` must be an array".into(),
            })
        }
        None => Vec::new(),
    };
    for p in packages {
        let purl = p
            .external_refs
            .iter()
            .find(|r| r.reference_type.eq_ignore_ascii_case("purl"))
            .map(|r| r.reference_locator.as_str());
        match purl {
            Some(purl) => match component_from_purl(purl, p.version_info.as_deref()) {
                Ok(component) => inv.components.push(component),
                Err(note) => {
                    inv.notes.push(format!("package {:?}: {note}", p.name));
                    inv.components.push(unscanned(None, p.name, p.version_info));
                }
            },
            None => inv.components.push(unscanned(None, p.name, p.version_info)),
        }
    }
    Ok(inv)
}

fn package_lock(
    name_hint: Option<&str>,
    lockfile_version: u64,
    doc: JsonDoc,
) -> Result<Inventory, ParseError> {
    if lockfile_version < 2 {
        return Err(ParseError::Unsupported {
            reason: format!(
                "package-lock.json lockfileVersion {lockfile_version} is not read; \
                 versions 2 and 3 are (run `npm install` with npm 7 or later to upgrade it)"
            ),
        });
    }
    let mut inv = Inventory::new(InputFormat::PackageLock, name_hint);
    let packages = match doc.packages {
        Some(Packages::Npm(p)) => p,
        Some(Packages::Spdx(_)) => {
            return Err(ParseError::Json {
                format: "package-lock.json",
                reason: "`packages` must be an object".into(),
            })
        }
        None => {
            return Err(ParseError::Json {
                format: "package-lock.json",
                reason: "`packages` is missing".into(),
            })
        }
    };
    for (path, p) in packages {
        // Only installed dependencies live under node_modules; the root ("") and
        // workspace folders are the project itself, and links point at those folders.
        let Some(idx) = path.rfind("node_modules/") else {
            continue;
        };
        if p.link {
            continue;
        }
        let installed_as = &path[idx + "node_modules/".len()..];
        let name = p.name.as_deref().unwrap_or(installed_as);
        match p.version.as_deref() {
            Some(version) => inv.push_known(Ecosystem::Npm, name, version),
            None => inv
                .notes
                .push(format!("package {path:?} has no version; not scanned")),
        }
    }
    Ok(inv)
}
