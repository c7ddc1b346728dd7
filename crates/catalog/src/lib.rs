//! SCS requirement catalogs: typed, bilingual, immutable editions embedded in the binary.
#![doc = include_str!("../README.md")]

mod ids;
mod model;
pub mod oscal;

pub use ids::{CriterionId, IdError, RequirementId, StarLevel};
pub use model::{
    Catalog, CatalogError, Category, Criterion, CsfFunction, Lang, Localized, Requirement,
};

/// The edition this build ships and assesses against by default.
pub const CURRENT_EDITION: &str = "2026-03-27";

/// SHA-256 over the published files of edition 2026-03-27, in the order `edition.toml` lists
/// them (edition.toml first). Editing a published edition breaks this on purpose.
pub const EDITION_2026_03_27_SHA256: &str =
    "cbc47dd616439ff094beb1f1151e15613a793cde159bcd740cabf6b13ca5ee72";

/// The raw files of edition 2026-03-27, embedded at compile time.
const EDITION_2026_03_27: &[(&str, &str)] = &[
    (
        "edition.toml",
        include_str!("../data/scs-2026-03-27/edition.toml"),
    ),
    ("c1.toml", include_str!("../data/scs-2026-03-27/c1.toml")),
    ("c2.toml", include_str!("../data/scs-2026-03-27/c2.toml")),
    ("c3.toml", include_str!("../data/scs-2026-03-27/c3.toml")),
    ("c4a.toml", include_str!("../data/scs-2026-03-27/c4a.toml")),
    ("c4b.toml", include_str!("../data/scs-2026-03-27/c4b.toml")),
    ("c5.toml", include_str!("../data/scs-2026-03-27/c5.toml")),
    ("c6.toml", include_str!("../data/scs-2026-03-27/c6.toml")),
    ("c7.toml", include_str!("../data/scs-2026-03-27/c7.toml")),
];

/// Loads the embedded SCS catalog, edition 2026-03-27.
pub fn scs_2026_03_27() -> Result<Catalog, CatalogError> {
    Catalog::from_files(EDITION_2026_03_27)
}
