//! The buyer's level decision (SCS three-question model): which star a supplier must reach,
//! and why. The reasons are generated from the answers so that the supplier can be told
//! (the fair-dealing guidance asks buyers to explain why they require a level).

use shirube_catalog::StarLevel;

/// How an interruption of the supplier would hit the buyer (question 2's angles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InterruptionAngles {
    /// The stoppage would spread widely inside the buyer (many lines, products or sites).
    pub wide_impact: bool,
    /// No alternative source can supply the same item or service.
    pub no_alternative: bool,
    /// Holding stock to bridge an outage is hard (perishable, custom, just-in-time).
    pub hard_to_stock: bool,
}

/// Factors beyond the three questions that may warrant ★4 even when all answers are no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtraFactor {
    SingleSource,
    PrivilegedRemoteAccess,
    ReSubcontracting,
    PastIncidents,
    RegulatedPersonalData,
}

impl ExtraFactor {
    pub const ALL: [ExtraFactor; 5] = [
        ExtraFactor::SingleSource,
        ExtraFactor::PrivilegedRemoteAccess,
        ExtraFactor::ReSubcontracting,
        ExtraFactor::PastIncidents,
        ExtraFactor::RegulatedPersonalData,
    ];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExtraFactor::SingleSource => "single_source",
            ExtraFactor::PrivilegedRemoteAccess => "privileged_remote_access",
            ExtraFactor::ReSubcontracting => "re_subcontracting",
            ExtraFactor::PastIncidents => "past_incidents",
            ExtraFactor::RegulatedPersonalData => "regulated_personal_data",
        }
    }

    pub fn parse(s: &str) -> Option<ExtraFactor> {
        ExtraFactor::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// The buyer's answers about one supplier.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecisionInput {
    /// Q1: the buyer's important confidential information is handled on the supplier's IT.
    pub confidential_info: bool,
    /// Q2: an interruption of the supplier would cause the buyer an unacceptable delay.
    pub business_interruption: bool,
    pub angles: InterruptionAngles,
    /// Q3: the supplier's environment can reach the buyer's internal systems.
    pub network_access: bool,
    pub extra_factors: Vec<ExtraFactor>,
}

/// One reason, as a message key with the facts it rests on (rendered in ja/en elsewhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// e.g. `decision-confidential-info`.
    pub key: &'static str,
}

/// The outcome: the level required, whether ★4 is suggested on top, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub required: StarLevel,
    /// All three answers were no, but extra factors point to ★4.
    pub suggest_level_4: bool,
    pub reasons: Vec<Reason>,
}

/// Any yes → ★4 required; all no → ★3, with ★4 suggested when extra factors apply.
pub fn decide(input: &DecisionInput) -> Decision {
    let mut reasons = Vec::new();
    if input.confidential_info {
        reasons.push(Reason {
            key: "decision-confidential-info",
        });
    }
    if input.business_interruption {
        reasons.push(Reason {
            key: "decision-business-interruption",
        });
        let a = input.angles;
        for (on, key) in [
            (a.wide_impact, "decision-angle-wide-impact"),
            (a.no_alternative, "decision-angle-no-alternative"),
            (a.hard_to_stock, "decision-angle-hard-to-stock"),
        ] {
            if on {
                reasons.push(Reason { key });
            }
        }
    }
    if input.network_access {
        reasons.push(Reason {
            key: "decision-network-access",
        });
    }
    let any_yes = input.confidential_info || input.business_interruption || input.network_access;
    if !any_yes {
        reasons.push(Reason {
            key: "decision-all-no",
        });
    }
    let mut extra: Vec<ExtraFactor> = ExtraFactor::ALL
        .into_iter()
        .filter(|f| input.extra_factors.contains(f))
        .collect();
    extra.dedup();
    for f in &extra {
        reasons.push(Reason {
            key: match f {
                ExtraFactor::SingleSource => "decision-extra-single-source",
                ExtraFactor::PrivilegedRemoteAccess => "decision-extra-privileged-remote-access",
                ExtraFactor::ReSubcontracting => "decision-extra-re-subcontracting",
                ExtraFactor::PastIncidents => "decision-extra-past-incidents",
                ExtraFactor::RegulatedPersonalData => "decision-extra-regulated-personal-data",
            },
        });
    }
    Decision {
        required: if any_yes {
            StarLevel::Four
        } else {
            StarLevel::Three
        },
        suggest_level_4: !any_yes && !extra.is_empty(),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn all_no_requires_level_3_and_explains_why() {
        let d = decide(&DecisionInput::default());
        assert_eq!(d.required, StarLevel::Three);
        assert!(!d.suggest_level_4);
        assert_eq!(
            d.reasons,
            vec![Reason {
                key: "decision-all-no"
            }]
        );
    }

    #[test]
    fn network_access_alone_requires_level_4() {
        let d = decide(&DecisionInput {
            network_access: true,
            ..Default::default()
        });
        assert_eq!(d.required, StarLevel::Four);
        assert_eq!(d.reasons[0].key, "decision-network-access");
    }

    #[test]
    fn interruption_reasons_carry_the_angles_that_apply() {
        let d = decide(&DecisionInput {
            business_interruption: true,
            angles: InterruptionAngles {
                no_alternative: true,
                hard_to_stock: true,
                ..Default::default()
            },
            ..Default::default()
        });
        let keys: Vec<&str> = d.reasons.iter().map(|r| r.key).collect();
        assert_eq!(
            keys,
            [
                "decision-business-interruption",
                "decision-angle-no-alternative",
                "decision-angle-hard-to-stock"
            ]
        );
    }

    #[test]
    fn extra_factors_suggest_level_4_only_when_every_answer_is_no() {
        let d = decide(&DecisionInput {
            extra_factors: vec![ExtraFactor::SingleSource],
            ..Default::default()
        });
        assert_eq!((d.required, d.suggest_level_4), (StarLevel::Three, true));
        let d = decide(&DecisionInput {
            confidential_info: true,
            extra_factors: vec![ExtraFactor::SingleSource],
            ..Default::default()
        });
        assert_eq!((d.required, d.suggest_level_4), (StarLevel::Four, false));
    }

    proptest! {
        #[test]
        fn any_yes_means_level_4_and_every_decision_has_a_reason(q1: bool, q2: bool, q3: bool, extra in proptest::collection::vec(0usize..5, 0..5)) {
            let input = DecisionInput {
                confidential_info: q1, business_interruption: q2, network_access: q3,
                extra_factors: extra.into_iter().map(|i| ExtraFactor::ALL[i]).collect(),
                ..Default::default()
            };
            let d = decide(&input);
            prop_assert_eq!(d.required == StarLevel::Four, q1 || q2 || q3);
            prop_assert!(!d.reasons.is_empty());
            prop_assert!(!(d.suggest_level_4 && d.required == StarLevel::Four));
        }

        #[test]
        fn adding_a_yes_or_an_extra_factor_never_lowers_the_required_level(
            q in proptest::array::uniform3(any::<bool>()), which in 0usize..4, extra in proptest::collection::vec(0usize..5, 0..3), add in 0usize..5,
        ) {
            let base = DecisionInput {
                confidential_info: q[0], business_interruption: q[1], network_access: q[2],
                extra_factors: extra.into_iter().map(|i| ExtraFactor::ALL[i]).collect(),
                ..Default::default()
            };
            let mut more = base.clone();
            match which {
                0 => more.confidential_info = true,
                1 => more.business_interruption = true,
                2 => more.network_access = true,
                _ => more.extra_factors.push(ExtraFactor::ALL[add]),
            }
            let (before, after) = (decide(&base), decide(&more));
            prop_assert!(after.required >= before.required);
            // Nor does it withdraw a ★4 suggestion without requiring ★4.
            prop_assert!(!(before.suggest_level_4 && after.required == StarLevel::Three && !after.suggest_level_4));
        }
    }
}
