//! The records use cases hand to the faces. They are the store's row types, re-exported so
//! that the faces name them through the application (the web crate has no dependency on the
//! store).

pub use shirube_store::{
    ApiTokenRow, AssessmentRow, BcpFacts, CredentialRow, EvaluationRow, InvitationRow,
    MembershipRow, NavFacts, NotificationRow, OrganizationRow, RegisterRow, ShareRow, UserRow,
};

/// The typed ids of those records (text on the wire; `Id<K>` derefs to `str`).
pub use shirube_store::{
    AssessmentId, CredentialId, EvaluationId, EvidenceId, Id, InvitationId, MembershipId,
    NotificationId, OrganizationId, RelationshipId, ScanId, SessionId, ShareId, UserId,
};

/// The states those records carry, each with its label (`i18n::Labelled`).
pub use shirube_store::{
    AssessmentStatus, EvaluationStatus, MembershipStatus, NotificationKind, Role, ShareDetail,
    Verdict,
};
