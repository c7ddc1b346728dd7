//! The states Shirube's records move through, as closed enums parsed once where a row is
//! read: assessment, evaluation and finding, share detail, industry membership, notification
//! kind and role. A value the database holds that is not one of them is a decoding error,
//! never a silent default. Their labels (Japanese and English) live in the application's
//! i18n module, which a test walks variant by variant.

/// A stored text that is not one of a state's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a known {state}")]
pub struct UnknownState {
    pub state: &'static str,
    pub value: String,
}

macro_rules! states {
    ($(
        $(#[$meta:meta])*
        $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    )+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every value, in a stable order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as stored and as the API spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownState;
            fn from_str(s: &str) -> Result<Self, UnknownState> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(UnknownState { state: $what, value: other.to_string() }),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownState;
            fn try_from(s: String) -> Result<Self, UnknownState> {
                s.parse()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )+};
}

states! {
    /// Where an assessment stands. ★3 ends in `Declared` (self-conformity declaration);
    /// ★4 goes `Submitted` to an evaluation body, then `Certified` (or back to `InProgress`
    /// when refused). A copy for the next round supersedes the old one.
    AssessmentStatus ("assessment status") {
        InProgress = "in_progress",
        Submitted = "submitted",
        Declared = "declared",
        Certified = "certified",
        Superseded = "superseded",
    }

    /// Where a ★4 evaluation stands.
    EvaluationStatus ("evaluation status") {
        Submitted = "submitted",
        Certified = "certified",
        Refused = "refused",
    }

    /// The evaluation body's verdict on one criterion.
    Verdict ("finding verdict") {
        Conform = "conform",
        Nonconform = "nonconform",
        MoreEvidence = "more_evidence",
    }

    /// How much of an assessment a share shows the buyer.
    ShareDetail ("share detail") {
        /// The level and its state only.
        Level = "level",
        /// Every answer and piece of evidence.
        Full = "full",
    }

    /// An industry group's membership: invited until an owner of the member accepts.
    MembershipStatus ("membership status") {
        Invited = "invited",
        Active = "active",
    }

    /// What a notification is about.
    NotificationKind ("notification kind") {
        RequestNew = "request.new",
        RequestDueSoon = "request.due_soon",
        RequestOverdue = "request.overdue",
        ShareNew = "share.new",
        ShareRevoked = "share.revoked",
        LevelAchieved = "level.achieved",
        LevelLost = "level.lost",
        IndustryInvite = "industry.invite",
        IndustryJoined = "industry.joined",
        IndustryRemoved = "industry.removed",
        IndustryLeft = "industry.left",
        IndustryDeclined = "industry.declined",
        ScanNewFindings = "scan.new_findings",
        EngagementRequested = "engagement.requested",
        EngagementAccepted = "engagement.accepted",
        EngagementDeclined = "engagement.declined",
        EngagementEnded = "engagement.ended",
        ExpertConfirmed = "expert.confirmed",
        SharedAdviserNamed = "shared_adviser.named",
        SharedAdviserOptedIn = "shared_adviser.opted_in",
        VerificationInvited = "verification.invited",
        IntelExposure = "intel.exposure",
        EvaluationSubmitted = "evaluation.submitted",
    }

    /// Where a security expert stands with the operator: pending until the qualification
    /// is checked, approved, or withdrawn (open engagements end, no new confirmations).
    ExpertStatus ("expert status") {
        Pending = "pending",
        Approved = "approved",
        Withdrawn = "withdrawn",
    }

    /// An engagement between a company and an expert: requested by the company, active once
    /// the expert accepts, declined by the expert, or ended by either side (or by the
    /// expert's withdrawal).
    EngagementStatus ("engagement status") {
        Requested = "requested",
        Active = "active",
        Declined = "declined",
        Ended = "ended",
    }

    /// The qualification an expert holds.
    QualificationKind ("qualification kind") {
        /// 情報処理安全確保支援士 (Registered Information Security Specialist).
        Riss = "riss",
        /// The scheme's own expert training.
        ScsTraining = "scs_training",
    }

    /// What active members of an industry group may do in one of its intelligence
    /// collections (the group's own users read and write them all).
    MemberAccess ("member access") {
        Read = "read",
        ReadWrite = "read_write",
        /// A drop box: members add, only the group reads.
        Write = "write",
    }

    /// A member's role in an organisation, lowest first.
    Role ("role") {
        Viewer = "viewer",
        Member = "member",
        Owner = "owner",
    }

    /// How a member dealt with intelligence that named a component of its scan.
    ExposureResolution ("exposure resolution") {
        /// The component was updated or removed.
        Fixed = "fixed",
        /// The component is present but the weakness cannot be reached (unused feature...).
        NotAffected = "not_affected",
        /// Other measures reduce the risk until the component can be changed.
        Mitigated = "mitigated",
    }

    /// What a roadmap revision decided about its measure (行政事業レビュー's decisions).
    MeasureDecision ("measure decision") {
        /// The measure is recorded for the first time.
        Adopt = "adopt",
        Continue = "continue",
        Revise = "revise",
        Shrink = "shrink",
        Abolish = "abolish",
    }
}

impl AssessmentStatus {
    /// Answers can still change.
    pub fn is_open(self) -> bool {
        self == AssessmentStatus::InProgress
    }

    /// The level stands on its own: declared (★3) or certified (★4).
    pub fn is_achieved(self) -> bool {
        matches!(
            self,
            AssessmentStatus::Declared | AssessmentStatus::Certified
        )
    }
}

impl EngagementStatus {
    /// Requested or active: not yet declined or ended.
    pub fn is_open(self) -> bool {
        matches!(self, EngagementStatus::Requested | EngagementStatus::Active)
    }
}

impl Role {
    /// Can change assessments, evidence and tokens.
    pub fn can_edit(self) -> bool {
        self >= Role::Member
    }

    /// Can manage members, settings and sign declarations.
    pub fn is_owner(self) -> bool {
        self == Role::Owner
    }
}

/// Decodes a stored state, turning an unknown value into a decoding error.
pub(crate) fn decode<T>(s: String) -> Result<T, sqlx::Error>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    s.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_what_it_writes_and_refuses_the_rest() {
        fn round_trip<T>(all: &[T])
        where
            T: Copy
                + PartialEq
                + std::fmt::Debug
                + std::str::FromStr<Err = UnknownState>
                + std::fmt::Display,
        {
            for v in all {
                assert_eq!(v.to_string().parse::<T>(), Ok(*v));
            }
            assert!("nonsense".parse::<T>().is_err());
        }
        round_trip(AssessmentStatus::ALL);
        round_trip(EvaluationStatus::ALL);
        round_trip(Verdict::ALL);
        round_trip(ShareDetail::ALL);
        round_trip(MembershipStatus::ALL);
        round_trip(NotificationKind::ALL);
        round_trip(Role::ALL);
        round_trip(ExpertStatus::ALL);
        round_trip(EngagementStatus::ALL);
        round_trip(QualificationKind::ALL);
        round_trip(MeasureDecision::ALL);
        round_trip(MemberAccess::ALL);
        round_trip(ExposureResolution::ALL);
    }

    #[test]
    fn roles_are_ordered_by_what_they_may_do() {
        assert!(Role::Owner.can_edit() && Role::Member.can_edit() && !Role::Viewer.can_edit());
        assert!(Role::Owner.is_owner() && !Role::Member.is_owner());
    }
}
