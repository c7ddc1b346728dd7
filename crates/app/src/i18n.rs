//! Translations: one Fluent bundle per language (every `locales/{ja,en}/*.ftl`), and the
//! translator handle every page and error carries.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, Loader};
use shirube_catalog::Lang;
use unic_langid::{langid, LanguageIdentifier};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "ja",
        // Bidi isolation marks would show up as stray characters in plain-text contexts.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static JA: LanguageIdentifier = langid!("ja");
static EN: LanguageIdentifier = langid!("en");

fn id(lang: Lang) -> &'static LanguageIdentifier {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// Looks a message up; a missing key shows as the key itself (a test keeps that from
/// happening in either language).
pub fn text(lang: Lang, key: &str) -> String {
    LOCALES
        .try_lookup(id(lang), key)
        .unwrap_or_else(|| key.to_string())
}

/// Looks a message up; `None` when the key does not exist.
pub fn lookup(lang: Lang, key: &str) -> Option<String> {
    LOCALES.try_lookup(id(lang), key)
}

/// Looks a message up with named arguments.
pub fn text_with(lang: Lang, key: &str, args: &[(&'static str, String)]) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| {
            // `n` is the count that plural variants (`[one]`, `*[other]`) select on, so it
            // goes in as a number when it is one; every other argument stays text.
            let value = if *k == "n" {
                FluentValue::try_number(v.as_str()).into_owned()
            } else {
                FluentValue::from(v.clone())
            };
            (Cow::Borrowed(*k), value)
        })
        .collect();
    LOCALES
        .try_lookup_with_args(id(lang), key, &map)
        .unwrap_or_else(|| key.to_string())
}

/// The translator handle on every page struct.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    /// A message in the page's language.
    pub fn t(&self, key: &str) -> String {
        text(self.lang, key)
    }

    /// A message with one argument `{ $n }`.
    pub fn tn(&self, key: &str, n: impl ToString) -> String {
        text_with(self.lang, key, &[("n", n.to_string())])
    }

    /// A message with named arguments.
    pub fn targs(&self, key: &str, args: &[(&'static str, String)]) -> String {
        text_with(self.lang, key, args)
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// The other language, for the switch link.
    pub fn other(&self) -> &'static str {
        match self.lang {
            Lang::Ja => "en",
            Lang::En => "ja",
        }
    }

    pub fn other_name(&self) -> &'static str {
        match self.lang {
            Lang::Ja => "English",
            Lang::En => "日本語",
        }
    }

    pub fn is_ja(&self) -> bool {
        self.lang == Lang::Ja
    }

    /// A stored RFC 3339 instant as a person reads it: Japan time on Japanese pages, and
    /// Japan time with its zone named on English ones. Text that is not an instant (a bare
    /// date, an empty value) is shown as it is.
    pub fn datetime(&self, instant: &str) -> String {
        // Japan has kept UTC+9 without daylight saving since 1951, so a fixed offset is
        // exact and spares the whole time-zone database.
        let Ok(t) = chrono::DateTime::parse_from_rfc3339(instant) else {
            return instant.to_string();
        };
        let tokyo = chrono::FixedOffset::east_opt(9 * 3600).map(|z| t.with_timezone(&z));
        match (tokyo, self.lang) {
            (Some(t), Lang::Ja) => t.format("%Y-%m-%d %H:%M").to_string(),
            (Some(t), Lang::En) => t.format("%Y-%m-%d %H:%M JST").to_string(),
            (None, _) => instant.to_string(),
        }
    }

    /// The calendar day in Japan of a stored instant (`YYYY-MM-DD`); a bare date is kept.
    pub fn date(&self, instant: &str) -> String {
        match chrono::DateTime::parse_from_rfc3339(instant) {
            Ok(t) => chrono::FixedOffset::east_opt(9 * 3600)
                .map(|z| t.with_timezone(&z).format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| instant.chars().take(10).collect()),
            Err(_) => instant.chars().take(10).collect(),
        }
    }
}

/// A state with a label in both languages. Every state enum implements it with an
/// exhaustive match, and a test renders every variant of every one in both languages, so a
/// state without a label cannot exist.
pub trait Labelled: Copy {
    /// The message key of the label.
    fn label_key(self) -> &'static str;

    /// The label in a language.
    fn label(self, lang: Lang) -> String {
        text(lang, self.label_key())
    }
}

impl Labelled for shirube_store::AssessmentStatus {
    fn label_key(self) -> &'static str {
        use shirube_store::AssessmentStatus::*;
        match self {
            InProgress => "status-in-progress",
            Submitted => "status-submitted",
            Declared => "status-declared",
            Certified => "status-certified",
            Superseded => "status-superseded",
        }
    }
}

impl Labelled for shirube_store::EvaluationStatus {
    fn label_key(self) -> &'static str {
        use shirube_store::EvaluationStatus::*;
        match self {
            Submitted => "status-submitted",
            Certified => "status-certified",
            Refused => "status-refused",
        }
    }
}

impl Labelled for shirube_store::Verdict {
    fn label_key(self) -> &'static str {
        use shirube_store::Verdict::*;
        match self {
            Conform => "status-conform",
            Nonconform => "status-nonconform",
            MoreEvidence => "status-more-evidence",
        }
    }
}

impl Labelled for shirube_store::ShareDetail {
    fn label_key(self) -> &'static str {
        match self {
            shirube_store::ShareDetail::Level => "label-share-level",
            shirube_store::ShareDetail::Full => "label-share-full",
        }
    }
}

impl Labelled for shirube_store::MembershipStatus {
    fn label_key(self) -> &'static str {
        match self {
            shirube_store::MembershipStatus::Invited => "status-industry-invited",
            shirube_store::MembershipStatus::Active => "status-industry-active",
        }
    }
}

impl Labelled for shirube_store::NotificationKind {
    fn label_key(self) -> &'static str {
        use shirube_store::NotificationKind::*;
        match self {
            RequestNew => "notif-kind-request-new",
            RequestDueSoon => "notif-kind-request-due-soon",
            RequestOverdue => "notif-kind-request-overdue",
            ShareNew => "notif-kind-share-new",
            ShareRevoked => "notif-kind-share-revoked",
            LevelAchieved => "notif-kind-level-achieved",
            LevelLost => "notif-kind-level-lost",
            IndustryInvite => "notif-kind-industry-invite",
            IndustryJoined => "notif-kind-industry-joined",
            IndustryRemoved => "notif-kind-industry-removed",
            IndustryLeft => "notif-kind-industry-left",
            IndustryDeclined => "notif-kind-industry-declined",
            ScanNewFindings => "notif-kind-scan-new-findings",
            EngagementRequested => "engagement-kind-requested",
            EngagementAccepted => "engagement-kind-accepted",
            EngagementDeclined => "engagement-kind-declined",
            EngagementEnded => "engagement-kind-ended",
            ExpertConfirmed => "expert-kind-confirmed",
            SharedAdviserNamed => "expert2-kind-named",
            SharedAdviserOptedIn => "expert2-kind-opted-in",
            VerificationInvited => "verify2-kind-invited",
            IntelExposure => "intel-kind-exposure",
            EvaluationSubmitted => "review-kind-submitted",
        }
    }
}

impl Labelled for shirube_store::ExpertStatus {
    fn label_key(self) -> &'static str {
        use shirube_store::ExpertStatus::*;
        match self {
            Pending => "expert-status-pending",
            Approved => "expert-status-approved",
            Withdrawn => "expert-status-withdrawn",
        }
    }
}

impl Labelled for shirube_store::EngagementStatus {
    fn label_key(self) -> &'static str {
        use shirube_store::EngagementStatus::*;
        match self {
            Requested => "engagement-status-requested",
            Active => "engagement-status-active",
            Declined => "engagement-status-declined",
            Ended => "engagement-status-ended",
        }
    }
}

impl Labelled for shirube_store::QualificationKind {
    fn label_key(self) -> &'static str {
        use shirube_store::QualificationKind::*;
        match self {
            Riss => "expert-qualification-riss",
            ScsTraining => "expert-qualification-scs-training",
        }
    }
}

impl Labelled for shirube_store::MemberAccess {
    fn label_key(self) -> &'static str {
        use shirube_store::MemberAccess::*;
        match self {
            Read => "intel-access-read",
            ReadWrite => "intel-access-read-write",
            Write => "intel-access-write",
        }
    }
}

impl Labelled for shirube_store::ExposureResolution {
    fn label_key(self) -> &'static str {
        use shirube_store::ExposureResolution::*;
        match self {
            Fixed => "intel-resolution-fixed",
            NotAffected => "intel-resolution-not-affected",
            Mitigated => "intel-resolution-mitigated",
        }
    }
}

impl Labelled for shirube_store::Role {
    fn label_key(self) -> &'static str {
        use shirube_store::Role::*;
        match self {
            Owner => "role-owner",
            Member => "role-member",
            Viewer => "role-viewer",
        }
    }
}

impl Labelled for shirube_store::MeasureDecision {
    fn label_key(self) -> &'static str {
        use shirube_store::MeasureDecision::*;
        match self {
            Adopt => "roadmap-decision-adopt",
            Continue => "roadmap-decision-continue",
            Revise => "roadmap-decision-revise",
            Shrink => "roadmap-decision-shrink",
            Abolish => "roadmap-decision-abolish",
        }
    }
}

impl Labelled for shirube_stats::trajectory::KpiStatus {
    fn label_key(self) -> &'static str {
        use shirube_stats::trajectory::KpiStatus::*;
        match self {
            OnPace => "roadmap-status-on-pace",
            Behind => "roadmap-status-behind",
            NoData => "roadmap-status-no-data",
        }
    }
}

impl Labelled for shirube_assess::AnswerStatus {
    fn label_key(self) -> &'static str {
        use shirube_assess::AnswerStatus::*;
        match self {
            Implemented => "status-implemented",
            Partial => "status-partial",
            NotImplemented => "status-not-implemented",
            NotApplicable => "status-not-applicable",
        }
    }
}

impl Tr {
    /// A state's label in the page's language.
    pub fn label(&self, state: impl Labelled) -> String {
        state.label(self.lang)
    }
}

/// Picks the language: an explicit `lang` cookie wins, then the browser's Accept-Language,
/// then Japanese.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    if let Some(l) = cookie.and_then(Lang::from_code) {
        return l;
    }
    if let Some(header) = accept_language {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if let Some(l) = Lang::from_code(tag) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        if let Some((_, l)) = best {
            return l;
        }
    }
    Lang::Ja
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every `.ftl` file of a language, in name order: the bundle loads them all.
    fn ftl(lang: &str) -> String {
        let dir = format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn keys(lang: &str) -> BTreeSet<String> {
        let text = ftl(lang);
        text.lines()
            .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && l.contains(" ="))
            .map(|l| l.split(" =").next().unwrap_or("").trim().to_string())
            .collect()
    }

    #[test]
    fn counts_select_english_plurals_and_other_arguments_stay_text() {
        let one = text_with(Lang::En, "msg-weak-points", &[("n", "1".into())]);
        let many = text_with(Lang::En, "msg-weak-points", &[("n", "12".into())]);
        assert_eq!(one, "1 single point of failure.");
        assert_eq!(many, "12 single points of failure.");
        let date = Tr::new(Lang::En).tn("msg-revoked-on", "2026-11-27");
        assert!(date.contains("2026-11-27"), "{date}");
    }

    #[test]
    fn every_message_exists_in_japanese_and_english() {
        let ja = keys("ja");
        let en = keys("en");
        let only_ja: Vec<_> = ja.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&ja).collect();
        assert!(
            only_ja.is_empty() && only_en.is_empty(),
            "only in ja: {only_ja:?}; only in en: {only_en:?}"
        );
        assert!(ja.len() > 50);
        // Every message resolves in both languages (placeholders other than `$n` are
        // filled with sample values taken from the message itself).
        for k in &ja {
            let mut args = vec![("n", "1".to_string())];
            for lang in ["ja", "en"] {
                let text = ftl(lang);
                for var in text
                    .split("{ $")
                    .skip(1)
                    .filter_map(|r| r.split(' ').next())
                {
                    let name: &'static str =
                        Box::leak(var.trim_end_matches('}').to_string().into_boxed_str());
                    args.push((name, "x".to_string()));
                }
            }
            assert_ne!(text_with(Lang::Ja, k, &args), *k, "ja {k} does not resolve");
            assert_ne!(text_with(Lang::En, k, &args), *k, "en {k} does not resolve");
        }
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        let ja = keys("ja");
        let root = env!("CARGO_MANIFEST_DIR");
        let mut missing = BTreeSet::new();
        let mut files = Vec::new();
        // The application's own texts and the web face's handlers and templates.
        let mut dirs: Vec<std::path::PathBuf> = ["src", "../web/src", "../web/templates"]
            .iter()
            .map(|d| std::path::Path::new(root).join(d))
            .collect();
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else {
                    files.push(p);
                }
            }
        }
        for p in files {
            let text = std::fs::read_to_string(&p).unwrap();
            for (i, _) in text.match_indices("\"") {
                let rest = &text[i + 1..];
                let Some(end) = rest.find('"') else { continue };
                let candidate = &rest[..end];
                let prefixed = [
                    "err-", "nav-", "page-", "label-", "btn-", "msg-", "status-", "help-",
                ]
                .iter()
                .any(|p| candidate.starts_with(p));
                if prefixed
                    && !candidate.ends_with('-')
                    && candidate
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !ja.contains(candidate)
                {
                    missing.insert(format!(
                        "{}: {candidate}",
                        p.file_name().unwrap().to_string_lossy()
                    ));
                }
            }
        }
        assert!(missing.is_empty(), "keys used but not defined: {missing:?}");
    }

    /// Every variant of every state enum has a label in both languages.
    #[test]
    fn every_state_has_a_label_in_both_languages() {
        pub(crate) fn check<T: Labelled + std::fmt::Debug>(all: &[T], missing: &mut Vec<String>) {
            for v in all {
                for lang in [Lang::Ja, Lang::En] {
                    let label = v.label(lang);
                    if label.is_empty() || label == v.label_key() {
                        missing.push(format!("{v:?} in {lang:?}"));
                    }
                }
            }
        }
        let mut missing = Vec::new();
        check(shirube_store::AssessmentStatus::ALL, &mut missing);
        check(shirube_store::EvaluationStatus::ALL, &mut missing);
        check(shirube_store::Verdict::ALL, &mut missing);
        check(shirube_store::ShareDetail::ALL, &mut missing);
        check(shirube_store::MembershipStatus::ALL, &mut missing);
        check(shirube_store::NotificationKind::ALL, &mut missing);
        check(shirube_store::Role::ALL, &mut missing);
        check(shirube_store::ExpertStatus::ALL, &mut missing);
        check(shirube_store::EngagementStatus::ALL, &mut missing);
        check(shirube_store::QualificationKind::ALL, &mut missing);
        check(shirube_store::MemberAccess::ALL, &mut missing);
        check(shirube_store::ExposureResolution::ALL, &mut missing);
        check(&shirube_assess::AnswerStatus::ALL, &mut missing);
        check(shirube_store::MeasureDecision::ALL, &mut missing);
        check(
            &[
                shirube_stats::trajectory::KpiStatus::OnPace,
                shirube_stats::trajectory::KpiStatus::Behind,
                shirube_stats::trajectory::KpiStatus::NoData,
            ],
            &mut missing,
        );
        assert!(missing.is_empty(), "states without a label: {missing:?}");
    }

    #[test]
    fn language_follows_cookie_then_browser_then_japanese() {
        assert_eq!(negotiate(Some("en"), Some("ja")), Lang::En);
        assert_eq!(negotiate(None, Some("en-US,en;q=0.9,ja;q=0.8")), Lang::En);
        assert_eq!(negotiate(None, Some("fr, ja;q=0.5")), Lang::Ja);
        assert_eq!(negotiate(None, None), Lang::Ja);
    }
}
