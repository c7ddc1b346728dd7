//! Assessment scoring: achieved level, progress, gaps by requirement, action plan, and diffs.
#![doc = include_str!("../README.md")]

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

pub mod decision;
pub mod graph;

use shirube_catalog::{Catalog, CriterionId, RequirementId, StarLevel};

/// The answer to one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnswerStatus {
    Implemented,
    Partial,
    NotImplemented,
    NotApplicable,
}

impl AnswerStatus {
    pub const ALL: [AnswerStatus; 4] = [
        AnswerStatus::Implemented,
        AnswerStatus::Partial,
        AnswerStatus::NotImplemented,
        AnswerStatus::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AnswerStatus::Implemented => "implemented",
            AnswerStatus::Partial => "partial",
            AnswerStatus::NotImplemented => "not_implemented",
            AnswerStatus::NotApplicable => "not_applicable",
        }
    }

    /// Whether this answer meets the criterion. N/A answers only exist with a reason (see
    /// [`Answer::new`]), so N/A counts as met.
    pub fn is_met(self) -> bool {
        matches!(
            self,
            AnswerStatus::Implemented | AnswerStatus::NotApplicable
        )
    }
}

impl fmt::Display for AnswerStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an answer was refused; each variant names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error(
        "status: must be one of implemented, partial, not_implemented, not_applicable (got {0:?})"
    )]
    Status(String),
    #[error("not_applicable_reason: a reason is required when the status is not_applicable")]
    MissingReason,
    #[error("{field}: at most {max} characters")]
    TooLong { field: &'static str, max: usize },
}

impl AnswerError {
    /// The request field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            AnswerError::Status(_) => "status",
            AnswerError::MissingReason => "not_applicable_reason",
            AnswerError::TooLong { field, .. } => field,
        }
    }
}

impl FromStr for AnswerStatus {
    type Err = AnswerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AnswerStatus::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| AnswerError::Status(s.to_string()))
    }
}

/// Longest comment or reason accepted, in characters.
pub const MAX_TEXT: usize = 10_000;

/// A validated answer: N/A always carries a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    status: AnswerStatus,
    comment: String,
    not_applicable_reason: String,
}

impl Answer {
    pub fn new(
        status: AnswerStatus,
        comment: Option<&str>,
        not_applicable_reason: Option<&str>,
    ) -> Result<Answer, AnswerError> {
        let comment = comment.unwrap_or("").trim().to_string();
        let reason = not_applicable_reason.unwrap_or("").trim().to_string();
        if comment.chars().count() > MAX_TEXT {
            return Err(AnswerError::TooLong {
                field: "comment",
                max: MAX_TEXT,
            });
        }
        if reason.chars().count() > MAX_TEXT {
            return Err(AnswerError::TooLong {
                field: "not_applicable_reason",
                max: MAX_TEXT,
            });
        }
        if status == AnswerStatus::NotApplicable && reason.is_empty() {
            return Err(AnswerError::MissingReason);
        }
        // A reason only means something for N/A; drop it otherwise so a stale reason never
        // justifies a later status.
        let not_applicable_reason = if status == AnswerStatus::NotApplicable {
            reason
        } else {
            String::new()
        };
        Ok(Answer {
            status,
            comment,
            not_applicable_reason,
        })
    }

    pub fn status(&self) -> AnswerStatus {
        self.status
    }
    pub fn comment(&self) -> &str {
        &self.comment
    }
    pub fn not_applicable_reason(&self) -> &str {
        &self.not_applicable_reason
    }
}

/// Progress toward the target level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Criteria the target level requires.
    pub total: usize,
    /// Of those, how many have an answer.
    pub answered: usize,
    /// Of those, how many are met.
    pub met: usize,
}

impl Progress {
    /// Met criteria as a whole percentage of the required ones (rounded down).
    pub fn percent(&self) -> u8 {
        if self.total == 0 {
            return 0;
        }
        ((self.met * 100) / self.total) as u8
    }
}

/// Unmet criteria of one requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementGap {
    pub requirement_id: RequirementId,
    pub unmet: Vec<CriterionId>,
}

/// One step of the action plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub criterion_id: CriterionId,
    pub requirement_id: RequirementId,
    pub level: StarLevel,
    /// The current answer, `None` when unanswered.
    pub status: Option<AnswerStatus>,
}

/// Everything computed from a set of answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub target: StarLevel,
    pub achieved: Option<StarLevel>,
    pub progress: Progress,
    pub gaps: Vec<RequirementGap>,
    pub action_plan: Vec<Action>,
}

/// Scores `answers` (criterion id → status) against the catalog for a target level.
pub fn evaluate(
    catalog: &Catalog,
    target: StarLevel,
    answers: &HashMap<String, AnswerStatus>,
) -> Evaluation {
    let met = |id: &str| answers.get(id).is_some_and(|a| a.is_met());
    let all_met = |level: StarLevel| catalog.criteria_for(level).all(|c| met(c.id.as_str()));
    let achieved = if all_met(StarLevel::Four) {
        Some(StarLevel::Four)
    } else if all_met(StarLevel::Three) {
        Some(StarLevel::Three)
    } else {
        None
    };

    let mut progress = Progress::default();
    let mut gaps: Vec<RequirementGap> = Vec::new();
    let mut plan: Vec<(usize, Action)> = Vec::new();
    for (position, c) in catalog.criteria_for(target).enumerate() {
        progress.total += 1;
        let status = answers.get(c.id.as_str()).copied();
        if status.is_some() {
            progress.answered += 1;
        }
        if status.is_some_and(|s| s.is_met()) {
            progress.met += 1;
            continue;
        }
        match gaps.last_mut() {
            Some(g) if g.requirement_id == c.requirement_id => g.unmet.push(c.id.clone()),
            _ => gaps.push(RequirementGap {
                requirement_id: c.requirement_id.clone(),
                unmet: vec![c.id.clone()],
            }),
        }
        plan.push((
            position,
            Action {
                criterion_id: c.id.clone(),
                requirement_id: c.requirement_id.clone(),
                level: c.level,
                status,
            },
        ));
    }
    // Lower-level gaps block every level above them, so they come first; then finish what
    // was started; then catalog order.
    let started_rank = |s: Option<AnswerStatus>| match s {
        Some(AnswerStatus::Partial) => 0,
        Some(_) => 1,
        None => 2,
    };
    plan.sort_by_key(|(pos, a)| (a.level, started_rank(a.status), *pos));
    Evaluation {
        target,
        achieved,
        progress,
        gaps,
        action_plan: plan.into_iter().map(|(_, a)| a).collect(),
    }
}

/// How one criterion's answer changed between two assessments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub criterion_id: CriterionId,
    pub before: Option<AnswerStatus>,
    pub after: Option<AnswerStatus>,
}

/// The criteria whose answer differs between `before` and `after`, in catalog order.
pub fn diff(
    catalog: &Catalog,
    before: &HashMap<String, AnswerStatus>,
    after: &HashMap<String, AnswerStatus>,
) -> Vec<Change> {
    catalog
        .criteria
        .iter()
        .filter_map(|c| {
            let b = before.get(c.id.as_str()).copied();
            let a = after.get(c.id.as_str()).copied();
            (b != a).then(|| Change {
                criterion_id: c.id.clone(),
                before: b,
                after: a,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
