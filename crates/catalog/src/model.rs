//! The catalog model and its loader from the embedded TOML files.

use std::collections::HashMap;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::ids::{CriterionId, IdError, RequirementId, StarLevel};

/// A user-facing language. Japanese first, English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// Parses a language code such as `ja`, `en`, `en-US`; anything else is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A text in Japanese and English.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    pub ja: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }
}

/// NIST CSF 2.0 function, as the SCS sheet tags each criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum CsfFunction {
    GV,
    ID,
    PR,
    DE,
    RS,
    RC,
}

impl CsfFunction {
    pub fn code(self) -> &'static str {
        match self {
            CsfFunction::GV => "GV",
            CsfFunction::ID => "ID",
            CsfFunction::PR => "PR",
            CsfFunction::DE => "DE",
            CsfFunction::RS => "RS",
            CsfFunction::RC => "RC",
        }
    }
}

/// One of the seven SCS categories.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub csf_function: CsfFunction,
    pub name: Localized,
}

/// A requirement (要求事項), e.g. `4-4-4` patch management.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub id: RequirementId,
    pub category: String,
    pub csf_category: String,
    /// The lowest level at which any of its criteria applies.
    pub level: StarLevel,
    pub title: Localized,
    pub summary: Localized,
}

/// An evaluation criterion (評価基準), e.g. `4-4-4-2`.
#[derive(Debug, Clone)]
pub struct Criterion {
    pub id: CriterionId,
    pub requirement_id: RequirementId,
    pub category: String,
    pub csf_function: CsfFunction,
    /// The lowest star level that requires this criterion; ★4 requires every criterion.
    pub level: StarLevel,
    pub title: Localized,
    /// What the criterion asks, in plain words.
    pub meaning: Localized,
    /// A cheap, realistic way for a small firm to meet it.
    pub how: Localized,
    /// What evidence an evaluator would accept.
    pub evidence: Localized,
    /// One concrete first action, used by the action plan.
    pub next_step: Localized,
}

impl Criterion {
    /// Whether a target level requires this criterion.
    pub fn required_for(&self, target: StarLevel) -> bool {
        self.level <= target
    }
}

/// Why the embedded catalog could not be loaded. Only a broken edition produces these; the
/// tests load every shipped edition.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{file}: invalid TOML: {source}")]
    Toml {
        file: String,
        #[source]
        source: toml::de::Error,
    },
    #[error("{file}: {source}")]
    Id {
        file: String,
        #[source]
        source: IdError,
    },
    #[error(
        "{file}: criterion {criterion} refers to requirement {requirement}, which no file defines"
    )]
    MissingRequirement {
        file: String,
        criterion: String,
        requirement: String,
    },
    #[error("{file}: {what} {id} is defined twice")]
    Duplicate {
        file: String,
        what: &'static str,
        id: String,
    },
    #[error("{file}: requirement {requirement} names category {category}, which edition.toml does not define")]
    UnknownCategory {
        file: String,
        requirement: String,
        category: String,
    },
    #[error("{file}: requirement {requirement} has no criteria")]
    EmptyRequirement { file: String, requirement: String },
    #[error("edition.toml lists {listed} files but {given} were embedded")]
    FileList { listed: usize, given: usize },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditionFile {
    edition: String,
    source: String,
    files: Vec<String>,
    categories: Vec<CategoryRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryRow {
    id: String,
    csf_function: CsfFunction,
    name: Localized,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ContentFile {
    #[serde(default)]
    requirements: Vec<RequirementRow>,
    #[serde(default)]
    criteria: Vec<CriterionRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequirementRow {
    id: String,
    csf_category: String,
    title: Localized,
    summary: Localized,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionRow {
    id: String,
    level: i64,
    title: Localized,
    meaning: Localized,
    how: Localized,
    evidence: Localized,
    next_step: Localized,
}

/// One immutable edition of a requirement catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub edition: String,
    pub source: String,
    /// SHA-256 (hex) over the edition's files, in the order edition.toml lists them.
    pub content_hash: String,
    pub categories: Vec<Category>,
    pub requirements: Vec<Requirement>,
    /// All criteria in id order.
    pub criteria: Vec<Criterion>,
    by_id: HashMap<String, usize>,
    requirement_by_id: HashMap<String, usize>,
}

impl Catalog {
    /// Builds a catalog from `edition.toml` followed by the content files it lists.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Catalog, CatalogError> {
        let toml_err = |file: &str| {
            let file = file.to_string();
            move |source| CatalogError::Toml {
                file: file.clone(),
                source,
            }
        };
        let (head_name, head_text) = files.first().copied().unwrap_or(("edition.toml", ""));
        let head: EditionFile = toml::from_str(head_text).map_err(toml_err(head_name))?;
        if head.files.len() + 1 != files.len() {
            return Err(CatalogError::FileList {
                listed: head.files.len(),
                given: files.len() - 1,
            });
        }
        let mut hasher = Sha256::new();
        for (_, text) in files {
            hasher.update(text.as_bytes());
        }
        let content_hash = hex::encode(hasher.finalize());

        let categories: Vec<Category> = head
            .categories
            .into_iter()
            .map(|c| Category {
                id: c.id,
                csf_function: c.csf_function,
                name: c.name,
            })
            .collect();

        let mut req_rows = Vec::new();
        let mut crit_rows = Vec::new();
        for (name, text) in &files[1..] {
            let content: ContentFile = toml::from_str(text).map_err(toml_err(name))?;
            req_rows.extend(
                content
                    .requirements
                    .into_iter()
                    .map(|r| (name.to_string(), r)),
            );
            crit_rows.extend(content.criteria.into_iter().map(|c| (name.to_string(), c)));
        }

        let mut criteria = Vec::with_capacity(crit_rows.len());
        let mut by_id = HashMap::new();
        for (file, row) in crit_rows {
            let id: CriterionId = row.id.parse().map_err(|source| CatalogError::Id {
                file: file.clone(),
                source,
            })?;
            let level = StarLevel::from_number(row.level).map_err(|source| CatalogError::Id {
                file: file.clone(),
                source,
            })?;
            if by_id
                .insert(id.as_str().to_string(), criteria.len())
                .is_some()
            {
                return Err(CatalogError::Duplicate {
                    file,
                    what: "criterion",
                    id: row.id,
                });
            }
            let category = id.category().to_string();
            let csf_function = categories
                .iter()
                .find(|c| c.id == category)
                .map(|c| c.csf_function)
                .ok_or_else(|| CatalogError::UnknownCategory {
                    file: file.clone(),
                    requirement: id.requirement().to_string(),
                    category: category.clone(),
                })?;
            criteria.push(Criterion {
                requirement_id: id.requirement(),
                id,
                category,
                csf_function,
                level,
                title: row.title,
                meaning: row.meaning,
                how: row.how,
                evidence: row.evidence,
                next_step: row.next_step,
            });
        }
        criteria.sort_by_key(|c| c.id.sort_key());
        let by_id: HashMap<String, usize> = criteria
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str().to_string(), i))
            .collect();

        let mut requirements = Vec::with_capacity(req_rows.len());
        for (file, row) in req_rows {
            let id: RequirementId = row.id.parse().map_err(|source| CatalogError::Id {
                file: file.clone(),
                source,
            })?;
            if requirements.iter().any(|r: &Requirement| r.id == id) {
                return Err(CatalogError::Duplicate {
                    file,
                    what: "requirement",
                    id: row.id,
                });
            }
            let category = id.category().to_string();
            if !categories.iter().any(|c| c.id == category) {
                return Err(CatalogError::UnknownCategory {
                    file,
                    requirement: row.id,
                    category,
                });
            }
            let level = criteria
                .iter()
                .filter(|c| c.requirement_id == id)
                .map(|c| c.level)
                .min()
                .ok_or_else(|| CatalogError::EmptyRequirement {
                    file: file.clone(),
                    requirement: row.id.clone(),
                })?;
            requirements.push(Requirement {
                id,
                category,
                csf_category: row.csf_category,
                level,
                title: row.title,
                summary: row.summary,
            });
        }
        requirements.sort_by_key(|r| r.id.sort_key());
        for c in &criteria {
            if !requirements.iter().any(|r| r.id == c.requirement_id) {
                return Err(CatalogError::MissingRequirement {
                    file: "edition".to_string(),
                    criterion: c.id.to_string(),
                    requirement: c.requirement_id.to_string(),
                });
            }
        }
        let requirement_by_id = requirements
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str().to_string(), i))
            .collect();

        Ok(Catalog {
            edition: head.edition,
            source: head.source,
            content_hash,
            categories,
            requirements,
            criteria,
            by_id,
            requirement_by_id,
        })
    }

    /// Looks a criterion up by its id string.
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.by_id.get(id).map(|&i| &self.criteria[i])
    }

    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirement_by_id
            .get(id)
            .map(|&i| &self.requirements[i])
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The criteria a target level requires (★3: 81, ★4: all 153), in id order.
    pub fn criteria_for(&self, target: StarLevel) -> impl Iterator<Item = &Criterion> {
        self.criteria.iter().filter(move |c| c.required_for(target))
    }

    /// The requirements that apply at a target level.
    pub fn requirements_for(&self, target: StarLevel) -> impl Iterator<Item = &Requirement> {
        self.requirements.iter().filter(move |r| r.level <= target)
    }

    /// Position of a criterion in id order, for stable sorting elsewhere.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }
}
