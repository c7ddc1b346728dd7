//! The records use cases hand to the faces. They are the store's row types, re-exported so
//! that the faces name them through the application (the web crate has no dependency on the
//! store).

pub use shirube_store::{
    ApiTokenRow, AssessmentRow, BcpFacts, CredentialRow, EvaluationRow, InvitationRow,
    MembershipRow, NavFacts, NotificationRow, OrganizationRow, RegisterRow, ShareRow, UserRow,
    STATUS_DECLARED, STATUS_IN_PROGRESS, STATUS_SUPERSEDED,
};
