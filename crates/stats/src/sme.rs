//! Size classes under 中小企業基本法 Art. 2: an organisation is an SME (中小企業者) when its
//! capital *or* its regular employees are at or under its sector's limit, and a small
//! enterprise (小規模企業者) when its employees are at or under the small limit.
//!
//! Shirube records the JSIC division (a letter) and the number of regular employees, not
//! the capital nor the medium division. So:
//! - the employee test alone is applied (a firm that passes only the capital test counts as
//!   large: SME counts are never overstated);
//! - a division whose medium divisions fall into different sectors of the Act takes the
//!   sector of most of its medium divisions (G information and communications: services;
//!   I wholesale and retail: retail; K real estate and leasing: other; M accommodation,
//!   eating and drinking: retail; N living-related services: services).
//!
//! `size_class_detailed` applies the full rule where the capital and the sector are known.

/// The Act's four sectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sector {
    /// 製造業、建設業、運輸業その他: ¥300m / 300 employees, small ≤ 20.
    ManufacturingOther,
    /// 卸売業: ¥100m / 100, small ≤ 5.
    Wholesale,
    /// 小売業 (including eating and drinking places): ¥50m / 50, small ≤ 5.
    Retail,
    /// サービス業: ¥50m / 100, small ≤ 5.
    Services,
}

impl Sector {
    /// (capital limit in yen, employee limit, small-enterprise employee limit), all inclusive.
    pub fn limits(self) -> (u64, u64, u64) {
        match self {
            Sector::ManufacturingOther => (300_000_000, 300, 20),
            Sector::Wholesale => (100_000_000, 100, 5),
            Sector::Retail => (50_000_000, 50, 5),
            Sector::Services => (50_000_000, 100, 5),
        }
    }
}

/// Small (小規模企業者), medium (SME but not small) or large.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SizeClass {
    Small,
    Medium,
    Large,
}

impl SizeClass {
    pub const ALL: [SizeClass; 3] = [SizeClass::Small, SizeClass::Medium, SizeClass::Large];

    /// The code used in published files.
    pub fn code(self) -> &'static str {
        match self {
            SizeClass::Small => "small",
            SizeClass::Medium => "medium",
            SizeClass::Large => "large",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// The sector of the Act for a JSIC division letter (see the module note for divisions that
/// span sectors). An unknown letter is "other".
pub fn sector_of_division(division: &str) -> Sector {
    match division {
        "G" | "L" | "N" | "O" | "P" | "Q" | "R" => Sector::Services,
        "I" | "M" => Sector::Retail,
        _ => Sector::ManufacturingOther,
    }
}

/// The size class from the JSIC division and the regular employees (employee test only).
pub fn size_class(division: &str, employees: u64) -> SizeClass {
    size_class_detailed(sector_of_division(division), None, employees)
}

/// The size class from the JSIC division, the paid-in capital when known, and the regular
/// employees: the full Art. 2 rule at division level.
pub fn size_class_with_capital(
    division: &str,
    capital_yen: Option<u64>,
    employees: u64,
) -> SizeClass {
    size_class_detailed(sector_of_division(division), capital_yen, employees)
}

/// The full Art. 2 rule: SME when capital ≤ the sector's limit or employees ≤ its limit
/// (either suffices; an individual has no capital, pass `None`); small when employees ≤ the
/// small limit.
pub fn size_class_detailed(sector: Sector, capital_yen: Option<u64>, employees: u64) -> SizeClass {
    let (cap_limit, emp_limit, small_limit) = sector.limits();
    if employees <= small_limit {
        SizeClass::Small
    } else if employees <= emp_limit || capital_yen.is_some_and(|c| c <= cap_limit) {
        SizeClass::Medium
    } else {
        SizeClass::Large
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_inclusive_and_differ_by_sector() {
        assert_eq!(size_class("E", 20), SizeClass::Small);
        assert_eq!(size_class("E", 21), SizeClass::Medium);
        assert_eq!(size_class("E", 300), SizeClass::Medium);
        assert_eq!(size_class("E", 301), SizeClass::Large);
        // A restaurant or shop (retail): 50 employees.
        assert_eq!(size_class("M", 5), SizeClass::Small);
        assert_eq!(size_class("M", 6), SizeClass::Medium);
        assert_eq!(size_class("M", 51), SizeClass::Large);
        // Services: 100 employees, small at 5.
        assert_eq!(size_class("R", 100), SizeClass::Medium);
        assert_eq!(size_class("R", 101), SizeClass::Large);
        // A telecom or ISP would be "other" by its medium division, but G as a whole is
        // services: the division-level default.
        assert_eq!(size_class("G", 150), SizeClass::Large);
        assert_eq!(size_class("H", 150), SizeClass::Medium);
    }

    #[test]
    fn either_test_suffices_when_the_capital_is_known() {
        // The textbook case: a services company with ¥100m capital and 80 employees is an SME.
        assert_eq!(
            size_class_detailed(Sector::Services, Some(100_000_000), 80),
            SizeClass::Medium
        );
        // Capital alone also suffices.
        assert_eq!(
            size_class_detailed(Sector::Wholesale, Some(100_000_000), 500),
            SizeClass::Medium
        );
        assert_eq!(
            size_class_detailed(Sector::Wholesale, Some(100_000_001), 500),
            SizeClass::Large
        );
        // An individual: employees only.
        assert_eq!(
            size_class_detailed(Sector::Retail, None, 51),
            SizeClass::Large
        );
    }
}
