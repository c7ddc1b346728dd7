//! Values with rules, parsed at the edge: corporate numbers, e-mail addresses, roles,
//! industries (JSIC divisions), prefectures, passwords.

use shirube_catalog::Lang;

/// A file name as stored and shown: no control characters or path separators, at most 200
/// characters (an uploaded name is only a label; files are stored by their hash).
pub fn safe_file_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(200)
        .collect()
}

/// Keeps a parsed value, or records its field error so that every problem of a form is
/// reported at once.
pub fn collect<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// A problem with one input field: the field's API name and a message key with arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    /// Fluent message key, e.g. `err-corporate-number-check-digit`.
    pub key: &'static str,
    /// The message's arguments, e.g. `max` for a length limit: a person is told the limit,
    /// not only that it was passed.
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, key: &'static str) -> Self {
        FieldError {
            field: field.into(),
            key,
            args: Vec::new(),
        }
    }

    /// Adds a named argument to the message.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// A text longer than `max` characters.
    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        FieldError::new(field, "err-too-long").arg("max", max)
    }

    /// A list with more than `max` items.
    pub fn too_many(field: impl Into<String>, max: usize) -> Self {
        FieldError::new(field, "err-too-many").arg("max", max)
    }
}

/// A 13-digit Japanese corporate number (法人番号) with a valid check digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorporateNumber(String);

impl CorporateNumber {
    /// Parses a corporate number. Full-width digits, spaces and hyphens are accepted and
    /// removed, since people copy numbers from Japanese documents.
    pub fn parse(input: &str, field: &str) -> Result<Self, FieldError> {
        let digits: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '　' | '-' | 'ー' | '－'))
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                other => other,
            })
            .collect();
        if digits.is_empty() {
            return Err(FieldError::new(field, "err-required"));
        }
        if digits.len() != 13 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(field, "err-corporate-number-format"));
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        // The check digit is the first digit: 9 - (Σ P_n·Q_n mod 9), where P_n is the n-th of
        // the 12 base digits counted from the right and Q_n is 1 for odd n and 2 for even n
        // (National Tax Agency, 法人番号の指定等に関する省令).
        let sum: u32 = (1..=12)
            .map(|n| d[13 - n] * if n % 2 == 1 { 1 } else { 2 })
            .sum();
        if d[0] != 9 - sum % 9 {
            return Err(FieldError::new(field, "err-corporate-number-check-digit"));
        }
        Ok(CorporateNumber(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, trimmed and lower-cased; only its shape is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str, field: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_lowercase();
        if s.is_empty() {
            return Err(FieldError::new(field, "err-required"));
        }
        let ok = s.len() <= 254
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            })
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && s.matches('@').count() == 1;
        if !ok {
            return Err(FieldError::new(field, "err-email"));
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Minimum password length. Long passphrases beat composition rules (NIST SP 800-63B).
pub const MIN_PASSWORD_LEN: usize = 10;

/// Checks a new password's length; returns it unchanged.
pub fn check_password<'a>(input: &'a str, field: &str) -> Result<&'a str, FieldError> {
    let n = input.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(FieldError::new(field, "err-password-short"));
    }
    if n > 1024 {
        return Err(FieldError::too_long(field, 1024));
    }
    Ok(input)
}

/// A required, trimmed, bounded text such as a name.
pub fn required_text(input: &str, field: &str, max: usize) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "err-required"));
    }
    if s.contains('\0') {
        return Err(FieldError::new(field, "err-control-chars"));
    }
    if s.chars().count() > max {
        return Err(FieldError::too_long(field, max));
    }
    Ok(s.to_string())
}

pub use shirube_store::Role;

/// Parses a role field (`owner`, `member`, `viewer`).
pub fn parse_role(input: &str, field: &str) -> Result<Role, FieldError> {
    input
        .parse()
        .map_err(|_| FieldError::new(field, "err-role"))
}

/// JSIC (日本標準産業分類) divisions A–T, with Japanese and English names.
pub const INDUSTRIES: &[(&str, &str, &str)] = &[
    ("A", "農業，林業", "Agriculture and forestry"),
    ("B", "漁業", "Fisheries"),
    (
        "C",
        "鉱業，採石業，砂利採取業",
        "Mining and quarrying of stone and gravel",
    ),
    ("D", "建設業", "Construction"),
    ("E", "製造業", "Manufacturing"),
    (
        "F",
        "電気・ガス・熱供給・水道業",
        "Electricity, gas, heat supply and water",
    ),
    ("G", "情報通信業", "Information and communications"),
    ("H", "運輸業，郵便業", "Transport and postal activities"),
    ("I", "卸売業，小売業", "Wholesale and retail trade"),
    ("J", "金融業，保険業", "Finance and insurance"),
    (
        "K",
        "不動産業，物品賃貸業",
        "Real estate and goods rental and leasing",
    ),
    (
        "L",
        "学術研究，専門・技術サービス業",
        "Scientific research, professional and technical services",
    ),
    (
        "M",
        "宿泊業，飲食サービス業",
        "Accommodations, eating and drinking services",
    ),
    (
        "N",
        "生活関連サービス業，娯楽業",
        "Living-related and personal services and amusement services",
    ),
    ("O", "教育，学習支援業", "Education, learning support"),
    ("P", "医療，福祉", "Medical, health care and welfare"),
    ("Q", "複合サービス事業", "Compound services"),
    (
        "R",
        "サービス業（他に分類されないもの）",
        "Services, n.e.c.",
    ),
    (
        "S",
        "公務（他に分類されるものを除く）",
        "Government, except elsewhere classified",
    ),
    ("T", "分類不能の産業", "Industries unable to classify"),
];

/// A JSIC division letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Industry(&'static str);

impl Industry {
    pub fn parse(input: &str, field: &str) -> Result<Self, FieldError> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(FieldError::new(field, "err-required"));
        }
        INDUSTRIES
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(c, _, _)| Industry(c))
            .ok_or_else(|| FieldError::new(field, "err-industry"))
    }
    pub fn code(self) -> &'static str {
        self.0
    }
}

/// Display name of a JSIC division code.
pub fn industry_name(code: &str, lang: Lang) -> String {
    INDUSTRIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(c, ja, en)| format!("{c}: {}", if lang == Lang::Ja { ja } else { en }))
        .unwrap_or_else(|| code.to_string())
}

/// The 47 prefectures by JIS X 0401 code order.
pub const PREFECTURES: &[(&str, &str)] = &[
    ("北海道", "Hokkaido"),
    ("青森県", "Aomori"),
    ("岩手県", "Iwate"),
    ("宮城県", "Miyagi"),
    ("秋田県", "Akita"),
    ("山形県", "Yamagata"),
    ("福島県", "Fukushima"),
    ("茨城県", "Ibaraki"),
    ("栃木県", "Tochigi"),
    ("群馬県", "Gunma"),
    ("埼玉県", "Saitama"),
    ("千葉県", "Chiba"),
    ("東京都", "Tokyo"),
    ("神奈川県", "Kanagawa"),
    ("新潟県", "Niigata"),
    ("富山県", "Toyama"),
    ("石川県", "Ishikawa"),
    ("福井県", "Fukui"),
    ("山梨県", "Yamanashi"),
    ("長野県", "Nagano"),
    ("岐阜県", "Gifu"),
    ("静岡県", "Shizuoka"),
    ("愛知県", "Aichi"),
    ("三重県", "Mie"),
    ("滋賀県", "Shiga"),
    ("京都府", "Kyoto"),
    ("大阪府", "Osaka"),
    ("兵庫県", "Hyogo"),
    ("奈良県", "Nara"),
    ("和歌山県", "Wakayama"),
    ("鳥取県", "Tottori"),
    ("島根県", "Shimane"),
    ("岡山県", "Okayama"),
    ("広島県", "Hiroshima"),
    ("山口県", "Yamaguchi"),
    ("徳島県", "Tokushima"),
    ("香川県", "Kagawa"),
    ("愛媛県", "Ehime"),
    ("高知県", "Kochi"),
    ("福岡県", "Fukuoka"),
    ("佐賀県", "Saga"),
    ("長崎県", "Nagasaki"),
    ("熊本県", "Kumamoto"),
    ("大分県", "Oita"),
    ("宮崎県", "Miyazaki"),
    ("鹿児島県", "Kagoshima"),
    ("沖縄県", "Okinawa"),
];

/// A prefecture, stored by its JIS code "01".."47". Accepts the code, the Japanese name or
/// the English name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefecture(usize);

impl Prefecture {
    pub fn parse(input: &str, field: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "err-required"));
        }
        if let Ok(n) = s.parse::<usize>() {
            if (1..=47).contains(&n) {
                return Ok(Prefecture(n - 1));
            }
        }
        PREFECTURES
            .iter()
            .position(|(ja, en)| *ja == s || en.eq_ignore_ascii_case(s))
            .map(Prefecture)
            .ok_or_else(|| FieldError::new(field, "err-prefecture"))
    }
    pub fn code(self) -> String {
        format!("{:02}", self.0 + 1)
    }
}

/// Display name of a stored prefecture code.
pub fn prefecture_name(code: &str, lang: Lang) -> String {
    code.parse::<usize>()
        .ok()
        .and_then(|n| PREFECTURES.get(n.wrapping_sub(1)))
        .map(|(ja, en)| {
            if lang == Lang::Ja {
                ja.to_string()
            } else {
                en.to_string()
            }
        })
        .unwrap_or_else(|| code.to_string())
}

/// Employee head count: 1 to 10,000,000.
pub fn parse_employees(input: &str, field: &str) -> Result<i64, FieldError> {
    let s = input.trim().replace([',', '，'], "");
    if s.is_empty() {
        return Err(FieldError::new(field, "err-required"));
    }
    match s.parse::<i64>() {
        Ok(n) if (1..=10_000_000).contains(&n) => Ok(n),
        _ => Err(FieldError::new(field, "err-employees")),
    }
}

/// Largest paid-in capital accepted: ¥100 trillion, above any company's.
pub const MAX_CAPITAL_YEN: i64 = 100_000_000_000_000;

/// An optional paid-in capital in yen (see [`parse_yen`]).
pub fn parse_capital(input: &str, field: &str) -> Result<Option<i64>, FieldError> {
    parse_yen(input, field, MAX_CAPITAL_YEN, "err-capital")
}

/// An optional whole amount of yen from 0 to `max`: empty is "not given"; digits with `,` or
/// `，` separators, full-width digits, and a trailing 円 are accepted, as people type them.
/// Anything else, or a value out of range, is `key` on `field`.
pub fn parse_yen(
    input: &str,
    field: &str,
    max: i64,
    key: &'static str,
) -> Result<Option<i64>, FieldError> {
    let s: String = input
        .trim()
        .trim_end_matches('円')
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '　'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            other => other,
        })
        .collect();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Ok(Some(n)),
        _ => Err(FieldError::new(field, key)),
    }
}

/// A calendar date `YYYY-MM-DD`.
pub fn parse_date(input: &str, field: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "err-required"));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| FieldError::new(field, "err-date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corporate_numbers_with_a_valid_check_digit_are_accepted() {
        // The National Tax Agency's own corporate number.
        assert_eq!(
            CorporateNumber::parse("7000012050002", "n")
                .unwrap()
                .as_str(),
            "7000012050002"
        );
        assert_eq!(
            CorporateNumber::parse("７０００ ０１２０ ５０００２", "n")
                .unwrap()
                .as_str(),
            "7000012050002"
        );
    }

    #[test]
    fn corporate_numbers_with_a_wrong_check_digit_or_shape_are_refused() {
        assert_eq!(
            CorporateNumber::parse("8000012050002", "n")
                .unwrap_err()
                .key,
            "err-corporate-number-check-digit"
        );
        assert_eq!(
            CorporateNumber::parse("700001205000", "n").unwrap_err().key,
            "err-corporate-number-format"
        );
        assert_eq!(
            CorporateNumber::parse("70000120500a2", "n")
                .unwrap_err()
                .key,
            "err-corporate-number-format"
        );
        assert_eq!(
            CorporateNumber::parse("", "n").unwrap_err().key,
            "err-required"
        );
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Taro@Example.JP ", "e").unwrap().as_str(),
            "taro@example.jp"
        );
        for bad in [
            "taro",
            "taro@",
            "@example.jp",
            "a@b",
            "a b@example.jp",
            "a@@example.jp",
        ] {
            assert!(Email::parse(bad, "e").is_err(), "{bad}");
        }
    }

    #[test]
    fn prefectures_parse_from_code_or_name() {
        assert_eq!(Prefecture::parse("13", "p").unwrap().code(), "13");
        assert_eq!(Prefecture::parse("愛知県", "p").unwrap().code(), "23");
        assert_eq!(Prefecture::parse("osaka", "p").unwrap().code(), "27");
        assert!(Prefecture::parse("48", "p").is_err());
        assert_eq!(prefecture_name("13", Lang::Ja), "東京都");
    }
}
