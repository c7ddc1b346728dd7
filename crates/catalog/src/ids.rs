//! Identifier newtypes: star levels, requirement ids and criterion ids, parsed at the edge.

use std::fmt;
use std::str::FromStr;

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("star level must be 3 or 4, got {0:?}")]
    Level(String),
    #[error("criterion id must look like 4-4-4-1 (four numbers joined by '-'), got {0:?}")]
    Criterion(String),
    #[error("requirement id must look like 4-4-4 (three numbers joined by '-'), got {0:?}")]
    Requirement(String),
}

/// An SCS star level that Shirube assesses. ★5 is not yet defined by the scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StarLevel {
    Three,
    Four,
}

impl StarLevel {
    pub const ALL: [StarLevel; 2] = [StarLevel::Three, StarLevel::Four];

    /// The level as the scheme writes it: 3 or 4.
    pub fn number(self) -> u8 {
        match self {
            StarLevel::Three => 3,
            StarLevel::Four => 4,
        }
    }

    pub fn from_number(n: i64) -> Result<Self, IdError> {
        match n {
            3 => Ok(StarLevel::Three),
            4 => Ok(StarLevel::Four),
            other => Err(IdError::Level(other.to_string())),
        }
    }
}

impl fmt::Display for StarLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

impl FromStr for StarLevel {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().trim_start_matches('★') {
            "3" => Ok(StarLevel::Three),
            "4" => Ok(StarLevel::Four),
            _ => Err(IdError::Level(s.to_string())),
        }
    }
}

fn numeric_parts(s: &str, n: usize) -> Option<Vec<u16>> {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != n {
        return None;
    }
    parts
        .iter()
        .map(|p| {
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse::<u16>().ok()
            }
        })
        .collect()
}

/// A criterion id such as `4-4-4-1`: category, sub-category, requirement, criterion.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CriterionId(String);

impl CriterionId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The requirement this criterion belongs to (its first three parts).
    pub fn requirement(&self) -> RequirementId {
        let cut = self.0.rfind('-').unwrap_or(self.0.len());
        RequirementId(self.0[..cut].to_string())
    }

    /// The category number (first part), "1" to "7".
    pub fn category(&self) -> &str {
        self.0.split('-').next().unwrap_or("")
    }

    /// A key that sorts ids numerically (`4-1-10-1` after `4-1-9-1`).
    pub fn sort_key(&self) -> Vec<u16> {
        numeric_parts(&self.0, 4).unwrap_or_default()
    }
}

impl FromStr for CriterionId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        numeric_parts(s, 4)
            .map(|_| CriterionId(s.to_string()))
            .ok_or_else(|| IdError::Criterion(s.to_string()))
    }
}

impl fmt::Display for CriterionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A requirement id such as `4-4-4`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequirementId(String);

impl RequirementId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn category(&self) -> &str {
        self.0.split('-').next().unwrap_or("")
    }

    pub fn sort_key(&self) -> Vec<u16> {
        numeric_parts(&self.0, 3).unwrap_or_default()
    }
}

impl FromStr for RequirementId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        numeric_parts(s, 3)
            .map(|_| RequirementId(s.to_string()))
            .ok_or_else(|| IdError::Requirement(s.to_string()))
    }
}

impl fmt::Display for RequirementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criterion_ids_parse_and_know_their_requirement() {
        let id: CriterionId = "4-4-4-2".parse().unwrap();
        assert_eq!(id.requirement().as_str(), "4-4-4");
        assert_eq!(id.category(), "4");
    }

    #[test]
    fn malformed_ids_are_refused() {
        for bad in [
            "",
            "4-4-4",
            "4-4-4-x",
            "4--4-1",
            "4-4-4-1-1",
            " 4-4-4-1",
            "4-4-4-1000",
        ] {
            assert!(bad.parse::<CriterionId>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn star_levels_accept_3_and_4_only() {
        assert_eq!("3".parse::<StarLevel>().unwrap(), StarLevel::Three);
        assert_eq!("★4".parse::<StarLevel>().unwrap(), StarLevel::Four);
        assert!("5".parse::<StarLevel>().is_err());
        assert!(StarLevel::from_number(2).is_err());
    }
}
