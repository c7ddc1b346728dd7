//! Typed record ids. Every id is a UUIDv7 in text form in the database and on the wire, but
//! in code an assessment's id is an [`AssessmentId`] and an organisation's an
//! [`OrganizationId`]: a function that takes one cannot be handed the other. Rows decode
//! them directly, the web face deserialises path parameters into them, and the app mints
//! new ones from its clock (`shirube_app::clock::new_id`).
//!
//! `Id<K>` derefs to `str`, so reading an id (formatting, hashing into a map, comparing with
//! text) needs no conversion; making one from text is explicit (`Id::from`), which is where
//! the type is chosen.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// The id of a record of kind `K` (one of the marker types in [`kind`]).
pub struct Id<K> {
    value: String,
    kind: PhantomData<fn() -> K>,
}

/// The kinds of records that have ids. Empty enums: they exist only as type parameters.
pub mod kind {
    macro_rules! kinds {
        ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
            $(#[$meta])*
            #[derive(Debug)]
            pub enum $name {}
        )+};
    }
    kinds! {
        /// An organisation (supplier, buyer, evaluation body, industry group).
        Organization,
        /// A person's account.
        User,
        /// A signed-in session or an API token.
        Session,
        /// A self-assessment (★3) or a submission for evaluation (★4).
        Assessment,
        /// A piece of evidence attached to an answer.
        Evidence,
        /// An issued credential.
        Credential,
        /// A ★4 evaluation by an evaluation body.
        Evaluation,
        /// A message in an evaluation's thread.
        EvaluationMessage,
        /// A buyer's relationship with a supplier (and its request).
        Relationship,
        /// A message in a request's thread.
        RequestMessage,
        /// A supplier's share of an assessment with a buyer.
        Share,
        /// A vulnerability check (SBOM or lockfile scan).
        Scan,
        /// An inbox notification.
        Notification,
        /// A member invitation.
        Invitation,
        /// An industry group's membership of an organisation.
        Membership,
        /// A mail waiting in the outbox.
        OutboxMail,
        /// A security expert.
        Expert,
        /// An engagement between a company and a security expert.
        Engagement,
        /// A security expert's confirmation of an assessment.
        ExpertConfirmation,
        /// A measure of the public roadmap.
        RoadmapMeasure,
        /// A security vendor in the self-sufficiency registry.
        SecurityVendor,
        /// A security product in the self-sufficiency registry.
        SecurityProduct,
        /// An industry group's threat-intelligence collection (a TAXII collection).
        IntelCollection,
        /// The status resource of a TAXII add request.
        IntelStatus,
    }
}

pub type OrganizationId = Id<kind::Organization>;
pub type UserId = Id<kind::User>;
pub type SessionId = Id<kind::Session>;
pub type AssessmentId = Id<kind::Assessment>;
pub type EvidenceId = Id<kind::Evidence>;
pub type CredentialId = Id<kind::Credential>;
pub type EvaluationId = Id<kind::Evaluation>;
pub type EvaluationMessageId = Id<kind::EvaluationMessage>;
pub type RelationshipId = Id<kind::Relationship>;
pub type ShareId = Id<kind::Share>;
pub type ScanId = Id<kind::Scan>;
pub type NotificationId = Id<kind::Notification>;
pub type InvitationId = Id<kind::Invitation>;
pub type MembershipId = Id<kind::Membership>;
pub type ExpertId = Id<kind::Expert>;
pub type EngagementId = Id<kind::Engagement>;
pub type ExpertConfirmationId = Id<kind::ExpertConfirmation>;
pub type OutboxMailId = Id<kind::OutboxMail>;
pub type IntelCollectionId = Id<kind::IntelCollection>;
pub type IntelStatusId = Id<kind::IntelStatus>;

impl<K> Id<K> {
    /// The id as text, as stored and as the API spells it.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The text, giving up the type.
    pub fn into_string(self) -> String {
        self.value
    }
}

impl<K> From<String> for Id<K> {
    fn from(value: String) -> Self {
        Id {
            value,
            kind: PhantomData,
        }
    }
}

impl<K> From<&str> for Id<K> {
    fn from(value: &str) -> Self {
        Id::from(value.to_string())
    }
}

impl<K> From<Id<K>> for String {
    fn from(id: Id<K>) -> String {
        id.value
    }
}

impl<K> std::ops::Deref for Id<K> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.value
    }
}

impl<K> AsRef<str> for Id<K> {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

/// Consistent with `Hash` and `Eq` (both are the text's), so maps keyed by ids can be
/// looked up with a `&str`.
impl<K> Borrow<str> for Id<K> {
    fn borrow(&self) -> &str {
        &self.value
    }
}

// The derives would demand `K: Clone` etc. of the marker types; the id is only its text.
impl<K> Clone for Id<K> {
    fn clone(&self) -> Self {
        Id::from(self.value.clone())
    }
}

impl<K> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<K> Eq for Id<K> {}

impl<K> PartialEq<str> for Id<K> {
    fn eq(&self, other: &str) -> bool {
        self.value == other
    }
}

impl<K> PartialEq<&str> for Id<K> {
    fn eq(&self, other: &&str) -> bool {
        self.value == *other
    }
}

impl<K> PartialEq<String> for Id<K> {
    fn eq(&self, other: &String) -> bool {
        &self.value == other
    }
}

impl<K> PartialEq<&Id<K>> for Id<K> {
    fn eq(&self, other: &&Id<K>) -> bool {
        self.value == other.value
    }
}

impl<K> PartialEq<Id<K>> for str {
    fn eq(&self, other: &Id<K>) -> bool {
        self == other.value
    }
}

impl<K> PartialEq<Id<K>> for &str {
    fn eq(&self, other: &Id<K>) -> bool {
        *self == other.value
    }
}

impl<K> PartialEq<Id<K>> for String {
    fn eq(&self, other: &Id<K>) -> bool {
        *self == other.value
    }
}

impl<K> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<K> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<K> Hash for Id<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state)
    }
}

impl<K> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl<K> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl<K> serde::Serialize for Id<K> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value)
    }
}

impl<'de, K> serde::Deserialize<'de> for Id<K> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Id::from)
    }
}

impl<K, DB: sqlx::Database> sqlx::Type<DB> for Id<K>
where
    String: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as sqlx::Type<DB>>::type_info()
    }
    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'q, K, DB: sqlx::Database> sqlx::Encode<'q, DB> for Id<K>
where
    String: sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as sqlx::Encode<'q, DB>>::encode_by_ref(&self.value, buf)
    }
}

impl<'r, K, DB: sqlx::Database> sqlx::Decode<'r, DB> for Id<K>
where
    String: sqlx::Decode<'r, DB>,
{
    fn decode(
        value: <DB as sqlx::Database>::ValueRef<'r>,
    ) -> Result<Self, sqlx::error::BoxDynError> {
        <String as sqlx::Decode<'r, DB>>::decode(value).map(Id::from)
    }
}

/// Lets a slice of ids bind as one PostgreSQL text array (`= ANY($1)`).
impl<K> sqlx::postgres::PgHasArrayType for Id<K> {
    fn array_type_info() -> sqlx::postgres::PgTypeInfo {
        <String as sqlx::postgres::PgHasArrayType>::array_type_info()
    }
    fn array_compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
        <String as sqlx::postgres::PgHasArrayType>::array_compatible(ty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn an_id_reads_as_its_text_and_looks_up_by_text() {
        let id = AssessmentId::from("0193-abc");
        assert_eq!(id.as_str(), "0193-abc");
        assert_eq!(id.to_string(), "0193-abc");
        assert!(id == "0193-abc");
        let mut map = HashMap::new();
        map.insert(id.clone(), 1);
        assert_eq!(map.get("0193-abc"), Some(&1));
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"0193-abc\"");
        let back: AssessmentId = serde_json::from_str("\"0193-abc\"").unwrap();
        assert_eq!(back, id);
    }
}
