//! STIX 2.1 patterning (STIX 2.1 section 9): a parser for the whole grammar — observation
//! expressions joined by `AND`, `OR` and `FOLLOWEDBY`, their qualifiers, comparison
//! expressions with every operator and literal kind — and an evaluator over the software
//! components of an inventory, each seen as a `software` cyber-observable.
//!
//! Evaluation is three-valued. A comparison on an object path Shirube cannot observe in an
//! inventory (an `ipv4-addr`, a file hash, a `software` property it does not hold) is
//! *unknown*, and so is anything that depends on time (`FOLLOWEDBY`, `WITHIN`,
//! `START … STOP`, `REPEATS`): `unknown OR true` is a match, `unknown AND false` is not, and
//! a pattern that stays unknown is "not evaluable" — never a match.

use std::fmt;

/// Properties of a `software` observable the evaluator knows. `purl`/`x_purl` (a package
/// URL, a custom property many producers use) compare as package URLs, `cpe` as a CPE name.
const SOFTWARE_PROPERTIES: &[&str] =
    &["name", "vendor", "version", "cpe", "swid", "purl", "x_purl"];

/// Largest compiled size of a `MATCHES` expression (the regex engine is linear-time, so this
/// only bounds memory).
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Deepest nesting of parentheses and brackets a pattern may use (the parser recurses).
const MAX_DEPTH: usize = 64;
/// Most comparisons and observation expressions in one pattern: chains of `AND`/`OR` become
/// trees as deep as they are long, which evaluation (and dropping them) walks recursively.
const MAX_TERMS: usize = 500;

/// Why a pattern is not valid STIX patterning.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the pattern is not valid STIX patterning at character {at}: {reason}")]
pub struct PatternError {
    /// Character offset where the parser stopped.
    pub at: usize,
    pub reason: &'static str,
}

/// A parsed STIX pattern (equal to another when their texts are equal).
#[derive(Debug, Clone)]
pub struct Pattern {
    text: String,
    root: Observation,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

#[derive(Debug, Clone)]
enum Observation {
    Simple(Comparison),
    And(Box<Observation>, Box<Observation>),
    Or(Box<Observation>, Box<Observation>),
    FollowedBy(Box<Observation>, Box<Observation>),
    Qualified(Box<Observation>, Qualifier),
}

#[derive(Debug, Clone)]
enum Qualifier {
    Within,
    StartStop,
    Repeats(u64),
}

#[derive(Debug, Clone)]
enum Comparison {
    And(Box<Comparison>, Box<Comparison>),
    Or(Box<Comparison>, Box<Comparison>),
    Test(Box<Test>),
}

#[derive(Debug, Clone)]
struct Test {
    path: ObjectPath,
    negated: bool,
    op: Op,
    value: Literal,
    /// The compiled expression of a `MATCHES` test; `None` when the engine cannot run it
    /// (look-around and back-references: the test is then unknown).
    regex: Option<regex::Regex>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    In,
    Like,
    Matches,
    IsSubset,
    IsSuperset,
}

/// An object path: `type:property(.property | [index] | [*])*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectPath {
    pub object_type: String,
    pub steps: Vec<Step>,
}

/// One step of an object path after the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Property(String),
    /// A list index; `None` is `*` (any element).
    Index(Option<u64>),
}

impl fmt::Display for ObjectPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.object_type)?;
        for (i, s) in self.steps.iter().enumerate() {
            match s {
                Step::Property(p) if i == 0 => write!(f, "{p}")?,
                Step::Property(p) => write!(f, ".{p}")?,
                Step::Index(Some(n)) => write!(f, "[{n}]")?,
                Step::Index(None) => write!(f, "[*]")?,
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Timestamp(String),
    Binary(String),
    Hex(String),
    Set(Vec<Literal>),
}

/// A `software` cyber-observable: one component of an inventory. Absent properties are
/// `None` (comparisons on them are false, as STIX says).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Software {
    pub name: Option<String>,
    pub vendor: Option<String>,
    pub version: Option<String>,
    pub cpe: Option<String>,
    pub swid: Option<String>,
    /// A package URL (`purl` and `x_purl` in patterns).
    pub purl: Option<String>,
}

/// What a pattern says about an inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The pattern matches; the indexes of the components that satisfied an observation.
    Match(Vec<usize>),
    NoMatch,
    /// The outcome depends on what an inventory cannot show (other object types, time).
    NotEvaluable,
}

/// Kleene's three truth values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum T {
    True,
    False,
    Unknown,
}

impl T {
    fn and(self, o: T) -> T {
        match (self, o) {
            (T::False, _) | (_, T::False) => T::False,
            (T::True, T::True) => T::True,
            _ => T::Unknown,
        }
    }
    fn or(self, o: T) -> T {
        match (self, o) {
            (T::True, _) | (_, T::True) => T::True,
            (T::False, T::False) => T::False,
            _ => T::Unknown,
        }
    }
    fn not(self) -> T {
        match self {
            T::True => T::False,
            T::False => T::True,
            T::Unknown => T::Unknown,
        }
    }
    fn of(b: bool) -> T {
        if b {
            T::True
        } else {
            T::False
        }
    }
}

impl Pattern {
    /// Parses a pattern (`pattern_type` `stix`).
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
            depth: 0,
            terms: 0,
        };
        let root = p.observations()?;
        p.ws();
        if p.i != p.s.len() {
            return Err(p.err("unexpected text after the pattern"));
        }
        Ok(Pattern {
            text: text.to_string(),
            root,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Every object path the pattern compares.
    pub fn paths(&self) -> Vec<&ObjectPath> {
        fn comparison<'a>(c: &'a Comparison, out: &mut Vec<&'a ObjectPath>) {
            match c {
                Comparison::And(a, b) | Comparison::Or(a, b) => {
                    comparison(a, out);
                    comparison(b, out);
                }
                Comparison::Test(t) => out.push(&t.path),
            }
        }
        fn observation<'a>(o: &'a Observation, out: &mut Vec<&'a ObjectPath>) {
            match o {
                Observation::Simple(c) => comparison(c, out),
                Observation::And(a, b) | Observation::Or(a, b) | Observation::FollowedBy(a, b) => {
                    observation(a, out);
                    observation(b, out);
                }
                Observation::Qualified(o, _) => observation(o, out),
            }
        }
        let mut out = Vec::new();
        observation(&self.root, &mut out);
        out
    }

    /// Whether any comparison is on a `software` property the evaluator knows: only such
    /// patterns can ever match an inventory.
    pub fn mentions_software(&self) -> bool {
        self.paths().iter().any(|p| supported(p).is_some())
    }

    /// The object paths an inventory cannot show (for logs and counts).
    pub fn unsupported_paths(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .paths()
            .into_iter()
            .filter(|p| supported(p).is_none())
            .map(ToString::to_string)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Evaluates the pattern against the components of one inventory.
    pub fn evaluate(&self, components: &[Software]) -> Verdict {
        let mut hits = Vec::new();
        match observe(&self.root, components, &mut hits) {
            T::True => {
                hits.sort_unstable();
                hits.dedup();
                Verdict::Match(hits)
            }
            T::False => Verdict::NoMatch,
            T::Unknown => Verdict::NotEvaluable,
        }
    }
}

/// The property a supported path reads: `software:<one known property>`.
fn supported(path: &ObjectPath) -> Option<&str> {
    match (path.object_type.as_str(), path.steps.as_slice()) {
        ("software", [Step::Property(p)]) if SOFTWARE_PROPERTIES.contains(&p.as_str()) => {
            Some(p.as_str())
        }
        _ => None,
    }
}

fn observe(o: &Observation, components: &[Software], hits: &mut Vec<usize>) -> T {
    match o {
        Observation::Simple(c) => {
            let mut result = if components.is_empty() && has_unsupported(c) {
                T::Unknown
            } else {
                T::False
            };
            for (i, s) in components.iter().enumerate() {
                let r = compare(c, s);
                if r == T::True {
                    hits.push(i);
                }
                result = result.or(r);
            }
            result
        }
        Observation::And(a, b) => {
            let mut mine = Vec::new();
            let r = observe(a, components, &mut mine).and(observe(b, components, &mut mine));
            if r == T::True {
                hits.extend(mine);
            }
            r
        }
        Observation::Or(a, b) => {
            let mut mine = Vec::new();
            let left = observe(a, components, &mut mine);
            let mut theirs = Vec::new();
            let right = observe(b, components, &mut theirs);
            if left == T::True {
                hits.extend(mine);
            }
            if right == T::True {
                hits.extend(theirs);
            }
            left.or(right)
        }
        // An inventory is a snapshot: which came first cannot be told, so at best unknown.
        Observation::FollowedBy(a, b) => {
            let r = observe(a, components, &mut Vec::new()).and(observe(
                b,
                components,
                &mut Vec::new(),
            ));
            if r == T::False {
                T::False
            } else {
                T::Unknown
            }
        }
        Observation::Qualified(inner, q) => {
            let mut mine = Vec::new();
            let r = observe(inner, components, &mut mine);
            match (r, q) {
                (T::False, _) => T::False,
                (T::True, Qualifier::Repeats(n)) if *n <= 1 => {
                    hits.extend(mine);
                    T::True
                }
                _ => T::Unknown,
            }
        }
    }
}

fn has_unsupported(c: &Comparison) -> bool {
    match c {
        Comparison::And(a, b) | Comparison::Or(a, b) => has_unsupported(a) || has_unsupported(b),
        Comparison::Test(t) => supported(&t.path).is_none(),
    }
}

fn compare(c: &Comparison, s: &Software) -> T {
    match c {
        Comparison::And(a, b) => compare(a, s).and(compare(b, s)),
        Comparison::Or(a, b) => compare(a, s).or(compare(b, s)),
        Comparison::Test(t) => test(t, s),
    }
}

fn test(t: &Test, s: &Software) -> T {
    let Some(property) = supported(&t.path) else {
        return T::Unknown;
    };
    let value = match property {
        "name" => &s.name,
        "vendor" => &s.vendor,
        "version" => &s.version,
        "cpe" => &s.cpe,
        "swid" => &s.swid,
        _ => &s.purl,
    };
    // STIX: a comparison on a property the object does not have is false, negated or not.
    let Some(value) = value.as_deref() else {
        return T::False;
    };
    let equal = |lit: &Literal| match lit {
        Literal::Str(w) => match property {
            "purl" | "x_purl" => purl_eq(w, value),
            "cpe" => cpe_matches(w, value),
            _ => w == value,
        },
        _ => false,
    };
    let r = match t.op {
        Op::Eq => T::of(equal(&t.value)),
        Op::Ne => T::of(!equal(&t.value)),
        Op::In => match &t.value {
            Literal::Set(items) => T::of(items.iter().any(equal)),
            _ => T::False,
        },
        Op::Gt | Op::Lt | Op::Ge | Op::Le => match &t.value {
            // Strings order by code point (STIX 2.1 section 9.5); numbers never equal text.
            Literal::Str(w) => {
                let o = value.cmp(w.as_str());
                T::of(match t.op {
                    Op::Gt => o.is_gt(),
                    Op::Lt => o.is_lt(),
                    Op::Ge => o.is_ge(),
                    _ => o.is_le(),
                })
            }
            _ => T::False,
        },
        Op::Like => match &t.value {
            Literal::Str(w) => T::of(like(w, value)),
            _ => T::False,
        },
        Op::Matches => match &t.regex {
            Some(r) => T::of(r.is_match(value)),
            None => T::Unknown,
        },
        // Subnet tests apply to addresses, which an inventory does not hold.
        Op::IsSubset | Op::IsSuperset => T::Unknown,
    };
    if t.negated {
        r.not()
    } else {
        r
    }
}

/// `pkg:type/namespace/name` in lower case and the version, qualifiers and subpath dropped.
fn purl_parts(purl: &str) -> (String, Option<&str>) {
    let no_sub = purl.split('#').next().unwrap_or("");
    let no_qual = no_sub.split('?').next().unwrap_or("");
    match no_qual.rsplit_once('@') {
        // An `@` of an npm scope comes before a `/`; the version's is the last one.
        Some((base, v)) if !v.contains('/') && !v.is_empty() => {
            (base.to_ascii_lowercase(), Some(v))
        }
        _ => (no_qual.to_ascii_lowercase(), None),
    }
}

/// Package URLs are equal when they name the same package; a pattern's purl without a
/// version names every version.
fn purl_eq(want: &str, have: &str) -> bool {
    let (w, wv) = purl_parts(want);
    let (h, hv) = purl_parts(have);
    w == h && (wv.is_none() || wv == hv)
}

/// The fields of a CPE 2.3 formatted string, escapes removed (`\\:` is a colon in a field).
fn cpe_fields(cpe: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = cpe.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(f)) = (chars.next(), fields.last_mut()) {
                    f.push(next);
                }
            }
            ':' => fields.push(String::new()),
            c => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}

/// CPE 2.3 name matching, field by field after `cpe:2.3:`: equal ignoring case, or either
/// side any (`*`); the pattern's not-applicable (`-`) is taken as any, as feeds use it for
/// "every version".
fn cpe_matches(want: &str, have: &str) -> bool {
    let (w, h) = (cpe_fields(want), cpe_fields(have));
    if w.len() < 5
        || w[0] != "cpe"
        || w[1] != "2.3"
        || h.len() < 5
        || h[0] != "cpe"
        || h[1] != "2.3"
    {
        return false;
    }
    w.iter()
        .zip(&h)
        .skip(2)
        .all(|(w, h)| w == "*" || w == "-" || w.is_empty() || h == "*" || w.eq_ignore_ascii_case(h))
}

/// The CPE 2.3 name of a component that has none of its own: an application with the given
/// vendor (any when unknown), its name's last path part as the product, and its version.
pub fn derived_cpe(vendor: Option<&str>, name: &str, version: Option<&str>) -> String {
    let escape = |s: &str| -> String {
        s.chars()
            .flat_map(|c| {
                let escaped = !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
                escaped
                    .then_some('\\')
                    .into_iter()
                    .chain(std::iter::once(c))
            })
            .collect()
    };
    let product = name.rsplit(['/', ':']).next().unwrap_or(name);
    format!(
        "cpe:2.3:a:{}:{}:{}:*:*:*:*:*:*:*",
        vendor.map_or("*".to_string(), |v| escape(&v.to_ascii_lowercase())),
        escape(&product.to_ascii_lowercase()),
        version.map_or("*".to_string(), escape)
    )
}

/// SQL `LIKE`: `%` any run of characters, `_` one character, everything else itself.
fn like(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Row-by-row dynamic programming: linear memory, no backtracking blow-up.
    let mut row = vec![false; t.len() + 1];
    row[0] = true;
    for &pc in &p {
        let mut next = vec![false; t.len() + 1];
        if pc == '%' {
            let mut any = false;
            for j in 0..=t.len() {
                any |= row[j];
                next[j] = any;
            }
        } else {
            for j in 1..=t.len() {
                next[j] = row[j - 1] && (pc == '_' || pc == t[j - 1]);
            }
        }
        row = next;
    }
    row[t.len()]
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
    terms: usize,
}

impl Parser<'_> {
    fn err(&self, reason: &'static str) -> PatternError {
        PatternError { at: self.i, reason }
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Takes a keyword (upper case, as STIX writes them) when it is the next word.
    fn keyword(&mut self, k: &str) -> bool {
        self.ws();
        let end = self.i + k.len();
        if self.s.get(self.i..end) == Some(k.as_bytes())
            && !self
                .s
                .get(end)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            self.i = end;
            true
        } else {
            false
        }
    }

    fn term(&mut self) -> Result<(), PatternError> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(self.err("too many comparisons (at most 500)"));
        }
        Ok(())
    }

    fn enter(&mut self) -> Result<(), PatternError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        Ok(())
    }

    fn observations(&mut self) -> Result<Observation, PatternError> {
        let mut left = self.observation_or()?;
        while self.keyword("FOLLOWEDBY") {
            let right = self.observation_or()?;
            left = Observation::FollowedBy(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn observation_or(&mut self) -> Result<Observation, PatternError> {
        let mut left = self.observation_and()?;
        while self.keyword("OR") {
            let right = self.observation_and()?;
            left = Observation::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn observation_and(&mut self) -> Result<Observation, PatternError> {
        let mut left = self.observation()?;
        while self.keyword("AND") {
            let right = self.observation()?;
            left = Observation::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn observation(&mut self) -> Result<Observation, PatternError> {
        self.term()?;
        self.enter()?;
        let mut o = if self.eat(b'[') {
            let c = self.comparison_or()?;
            if !self.eat(b']') {
                return Err(self.err("expected `]` closing the observation expression"));
            }
            Observation::Simple(c)
        } else if self.eat(b'(') {
            let o = self.observations()?;
            if !self.eat(b')') {
                return Err(self.err("expected `)`"));
            }
            o
        } else {
            return Err(self.err("expected `[` opening an observation expression"));
        };
        self.depth -= 1;
        loop {
            let q = if self.keyword("WITHIN") {
                match self.number()? {
                    Literal::Int(n) if n > 0 => {}
                    Literal::Float(f) if f > 0.0 => {}
                    _ => return Err(self.err("WITHIN needs a positive number of seconds")),
                }
                if !self.keyword("SECONDS") {
                    return Err(self.err("expected SECONDS"));
                }
                Qualifier::Within
            } else if self.keyword("START") {
                self.timestamp()?;
                if !self.keyword("STOP") {
                    return Err(self.err("expected STOP"));
                }
                self.timestamp()?;
                Qualifier::StartStop
            } else if self.keyword("REPEATS") {
                let Literal::Int(n) = self.number()? else {
                    return Err(self.err("REPEATS needs a whole number"));
                };
                if n < 1 || !self.keyword("TIMES") {
                    return Err(self.err("expected a positive number and TIMES"));
                }
                Qualifier::Repeats(n.unsigned_abs())
            } else {
                return Ok(o);
            };
            self.term()?;
            o = Observation::Qualified(Box::new(o), q);
        }
    }

    fn timestamp(&mut self) -> Result<(), PatternError> {
        match self.literal()? {
            Literal::Timestamp(_) => Ok(()),
            _ => Err(self.err("expected a timestamp literal t'…'")),
        }
    }

    fn comparison_or(&mut self) -> Result<Comparison, PatternError> {
        let mut left = self.comparison_and()?;
        while self.keyword("OR") {
            let right = self.comparison_and()?;
            left = Comparison::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn comparison_and(&mut self) -> Result<Comparison, PatternError> {
        let mut left = self.prop_test()?;
        while self.keyword("AND") {
            let right = self.prop_test()?;
            left = Comparison::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn prop_test(&mut self) -> Result<Comparison, PatternError> {
        if self.eat(b'(') {
            self.enter()?;
            let c = self.comparison_or()?;
            if !self.eat(b')') {
                return Err(self.err("expected `)`"));
            }
            self.depth -= 1;
            return Ok(c);
        }
        self.term()?;
        let path = self.object_path()?;
        let negated = self.keyword("NOT");
        let op = if self.eat(b'=') {
            self.eat(b'=');
            Op::Eq
        } else if self.s[self.i..].starts_with(b"!=") || self.s[self.i..].starts_with(b"<>") {
            self.i += 2;
            Op::Ne
        } else if self.s[self.i..].starts_with(b">=") {
            self.i += 2;
            Op::Ge
        } else if self.s[self.i..].starts_with(b"<=") {
            self.i += 2;
            Op::Le
        } else if self.eat(b'>') {
            Op::Gt
        } else if self.eat(b'<') {
            Op::Lt
        } else if self.keyword("IN") {
            Op::In
        } else if self.keyword("LIKE") {
            Op::Like
        } else if self.keyword("MATCHES") {
            Op::Matches
        } else if self.keyword("ISSUBSET") {
            Op::IsSubset
        } else if self.keyword("ISSUPERSET") {
            Op::IsSuperset
        } else {
            return Err(self.err("expected a comparison operator"));
        };
        let value = if op == Op::In {
            self.set()?
        } else {
            self.literal()?
        };
        let fits = match op {
            Op::Eq | Op::Ne => !matches!(value, Literal::Set(_)),
            Op::Gt | Op::Lt | Op::Ge | Op::Le => {
                !matches!(value, Literal::Set(_) | Literal::Bool(_))
            }
            Op::In => true,
            Op::Like | Op::Matches | Op::IsSubset | Op::IsSuperset => {
                matches!(value, Literal::Str(_))
            }
        };
        if !fits {
            return Err(self.err("this operator cannot take that kind of value"));
        }
        let regex = match (&op, &value) {
            (Op::Matches, Literal::Str(r)) => regex::RegexBuilder::new(r)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .ok(),
            _ => None,
        };
        Ok(Comparison::Test(Box::new(Test {
            path,
            negated,
            op,
            value,
            regex,
        })))
    }

    fn identifier(&mut self, hyphen: bool) -> Option<String> {
        let start = self.i;
        while let Some(&c) = self.s.get(self.i) {
            let ok = c.is_ascii_alphanumeric() || c == b'_' || (hyphen && c == b'-');
            let first_ok = c.is_ascii_alphabetic() || c == b'_';
            if !(ok && (self.i > start || first_ok)) {
                break;
            }
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    /// A property name: an identifier, or a quoted string (`hashes.'SHA-256'`).
    fn property(&mut self) -> Result<String, PatternError> {
        if self.s.get(self.i) == Some(&b'\'') {
            return match self.string()? {
                s if !s.is_empty() => Ok(s),
                _ => Err(self.err("a property name cannot be empty")),
            };
        }
        self.identifier(false)
            .ok_or_else(|| self.err("expected a property name"))
    }

    fn object_path(&mut self) -> Result<ObjectPath, PatternError> {
        self.ws();
        let object_type = self
            .identifier(true)
            .ok_or_else(|| self.err("expected an object path such as software:name"))?;
        if !self.eat(b':') {
            return Err(self.err("expected `:` after the object type"));
        }
        self.ws();
        let mut steps = vec![Step::Property(self.property()?)];
        loop {
            match self.peek() {
                Some(b'.') => {
                    self.i += 1;
                    self.ws();
                    steps.push(Step::Property(self.property()?));
                }
                Some(b'[') => {
                    self.i += 1;
                    self.ws();
                    let index = if self.s.get(self.i) == Some(&b'*') {
                        self.i += 1;
                        None
                    } else {
                        let start = self.i;
                        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                            self.i += 1;
                        }
                        let digits = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
                        Some(
                            digits
                                .parse::<u64>()
                                .map_err(|_| self.err("expected a list index or *"))?,
                        )
                    };
                    if !self.eat(b']') {
                        return Err(self.err("expected `]` after the list index"));
                    }
                    steps.push(Step::Index(index));
                }
                _ => break,
            }
        }
        Ok(ObjectPath { object_type, steps })
    }

    fn set(&mut self) -> Result<Literal, PatternError> {
        if !self.eat(b'(') {
            return Err(self.err("IN needs a list in parentheses"));
        }
        let mut items = Vec::new();
        if self.eat(b')') {
            return Ok(Literal::Set(items));
        }
        loop {
            let item = self.literal()?;
            if matches!(item, Literal::Set(_)) {
                return Err(self.err("a list cannot hold a list"));
            }
            items.push(item);
            if self.eat(b')') {
                return Ok(Literal::Set(items));
            }
            if !self.eat(b',') {
                return Err(self.err("expected `,` or `)` in the list"));
            }
        }
    }

    /// A quoted string (the cursor on its quote): `\'` and `\\` are the only escapes.
    fn string(&mut self) -> Result<String, PatternError> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.s.get(self.i) {
                None => return Err(self.err("a string is not closed")),
                Some(b'\'') => {
                    self.i += 1;
                    return String::from_utf8(out).map_err(|_| self.err("invalid UTF-8"));
                }
                Some(b'\\') => match self.s.get(self.i + 1) {
                    Some(&c @ (b'\'' | b'\\')) => {
                        out.push(c);
                        self.i += 2;
                    }
                    _ => return Err(self.err("only \\' and \\\\ may be escaped in a string")),
                },
                Some(&c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    fn number(&mut self) -> Result<Literal, PatternError> {
        self.ws();
        let start = self.i;
        if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
            self.i += 1;
        }
        let digits = |p: &mut Self| {
            let from = p.i;
            while p.s.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i - from
        };
        let whole = digits(self);
        let text = |p: &Self| {
            std::str::from_utf8(&p.s[start..p.i])
                .unwrap_or("")
                .to_string()
        };
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(self.err("expected digits after the decimal point"));
            }
            return text(self)
                .parse::<f64>()
                .map(Literal::Float)
                .map_err(|_| self.err("not a number"));
        }
        if whole == 0 {
            return Err(self.err("expected a value"));
        }
        text(self)
            .parse::<i64>()
            .map(Literal::Int)
            .map_err(|_| self.err("the number is too large"))
    }

    fn literal(&mut self) -> Result<Literal, PatternError> {
        match self.peek() {
            Some(b'\'') => self.string().map(Literal::Str),
            Some(p @ (b't' | b'b' | b'h')) if self.s.get(self.i + 1) == Some(&b'\'') => {
                self.i += 1;
                let s = self.string()?;
                match p {
                    b't' if crate::timestamp_key(&s).is_some() => Ok(Literal::Timestamp(s)),
                    b't' => Err(self.err("not a STIX timestamp")),
                    b'b' if s.len() % 4 == 0
                        && s.trim_end_matches('=')
                            .bytes()
                            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/') =>
                    {
                        Ok(Literal::Binary(s))
                    }
                    b'b' => Err(self.err("not base64")),
                    _ if s.len() % 2 == 0 && s.bytes().all(|c| c.is_ascii_hexdigit()) => {
                        Ok(Literal::Hex(s))
                    }
                    _ => Err(self.err("not hexadecimal")),
                }
            }
            Some(b'(') => self.set(),
            _ if self.keyword("true") => Ok(Literal::Bool(true)),
            _ if self.keyword("false") => Ok(Literal::Bool(false)),
            _ => self.number(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sw(name: &str, version: &str, purl: Option<&str>) -> Software {
        Software {
            name: Some(name.into()),
            version: Some(version.into()),
            cpe: Some(derived_cpe(None, name, Some(version))),
            purl: purl.map(str::to_string),
            ..Software::default()
        }
    }

    fn inventory() -> Vec<Software> {
        vec![
            sw("lodash", "4.17.20", Some("pkg:npm/lodash@4.17.20")),
            sw("requests", "2.31.0", Some("pkg:pypi/requests@2.31.0")),
            Software {
                vendor: Some("apache".into()),
                cpe: Some(derived_cpe(Some("apache"), "log4j-core", Some("2.14.1"))),
                ..sw(
                    "log4j-core",
                    "2.14.1",
                    Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
                )
            },
        ]
    }

    fn check(pattern: &str, expected: Verdict) {
        let p = Pattern::parse(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        assert_eq!(p.evaluate(&inventory()), expected, "{pattern}");
    }

    #[test]
    fn every_oasis_example_pattern_parses() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/stix/oasis-examples"
        );
        let Ok(entries) = std::fs::read_dir(dir) else {
            return; // The shared data is outside the repository; CI without it skips.
        };
        let mut seen = 0;
        for e in entries.flatten() {
            let Ok(text) = std::fs::read(e.path()) else {
                continue;
            };
            let Ok(v) = serde_json::from_slice::<serde_json::Value>(&text) else {
                continue;
            };
            let objects = v
                .get("objects")
                .and_then(|o| o.as_array())
                .cloned()
                .unwrap_or_default();
            for o in objects {
                if let Some(p) = o.get("pattern").and_then(|p| p.as_str()) {
                    let parsed = Pattern::parse(p).unwrap_or_else(|e| panic!("{p}: {e}"));
                    // None of them names software: against an inventory they are unknown.
                    assert!(!parsed.mentions_software(), "{p}");
                    assert_eq!(parsed.evaluate(&inventory()), Verdict::NotEvaluable, "{p}");
                    seen += 1;
                }
            }
        }
        assert!(seen >= 40, "only {seen} patterns found");
    }

    #[test]
    fn the_specifications_example_patterns_parse() {
        for p in [
            "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
            "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
            "[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128']",
            "[domain-name:value = 'example.com'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'] WITHIN 300 SECONDS",
            "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) WITHIN 300 SECONDS",
            "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 180 SECONDS",
            "[file:name = 'foo.dll'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
            "[file:mime_type = 'application/x-pdf' AND file:parent_directory_ref.path MATCHES '^C:\\\\\\\\Windows']",
            "[network-traffic:src_port > 1023 AND network-traffic:dst_port IN (80, 443, 8080)]",
            "[x509-certificate:issuer LIKE '%Example%' AND x509-certificate:version <= 2]",
            "[artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
            "[file:hashes.MD5 = h'79054025255fb1a26e4bc422aef54eb4' OR file:content_ref.payload_bin = b'aGVsbG8=']",
            "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
            "[user-account:is_privileged = true]",
            "[process:pid NOT IN (1, 2.5)]",
        ] {
            Pattern::parse(p).unwrap_or_else(|e| panic!("{p}: {e}"));
        }
    }

    #[test]
    fn malformed_patterns_are_refused_with_the_place() {
        for p in [
            "",
            "software:name = 'x'",
            "[software:name = 'x'",
            "[software:name 'x']",
            "[software:name = x]",
            "[software:name = 'x] ",
            "[software:name = 'x'] AND",
            "[software:name IN 'x']",
            "[software:name LIKE 5]",
            "[software:name = 'x'] WITHIN -1 SECONDS",
            "[software:name = 'x'] START '2016' STOP t'2016-07-01T00:00:00Z'",
            "[software:name = 'a\\n']",
            "[file:hashes.'' = 'x']",
            "[software:name = 'x'] REPEATS 0 TIMES",
            "[software:name = 'x'] and [software:name = 'y']",
        ] {
            assert!(Pattern::parse(p).is_err(), "{p}");
        }
        assert!(Pattern::parse("[ software : name = 'x' ]").is_ok());
        let long = vec!["[software:name = 'x']"; 600].join(" AND ");
        assert_eq!(
            Pattern::parse(&long).unwrap_err().reason,
            "too many comparisons (at most 500)"
        );
        let deep = format!(
            "{}[software:name = 'x']{}",
            "(".repeat(100),
            ")".repeat(100)
        );
        assert_eq!(
            Pattern::parse(&deep).unwrap_err().reason,
            "nested too deeply"
        );
        let e = Pattern::parse("[software:name = 'x' AND]").unwrap_err();
        assert_eq!(e.at, 24);
    }

    #[test]
    fn software_comparisons_match_the_components_they_describe() {
        check(
            "[software:name = 'lodash' AND software:version = '4.17.20']",
            Verdict::Match(vec![0]),
        );
        check(
            "[software:name = 'lodash' AND software:version = '4.17.21']",
            Verdict::NoMatch,
        );
        check(
            "[software:x_purl = 'pkg:npm/lodash@4.17.20']",
            Verdict::Match(vec![0]),
        );
        check(
            "[software:purl = 'pkg:NPM/lodash']",
            Verdict::Match(vec![0]),
        );
        check(
            "[software:x_purl = 'pkg:npm/lodash@4.17.21']",
            Verdict::NoMatch,
        );
        check(
            "[software:cpe = 'cpe:2.3:a:apache:log4j-core:2.14.1:*:*:*:*:*:*:*']",
            Verdict::Match(vec![2]),
        );
        check(
            "[software:cpe = 'cpe:2.3:a:apache:log4j-core:*:*:*:*:*:*:*:*']",
            Verdict::Match(vec![2]),
        );
        check(
            "[software:cpe = 'cpe:2.3:a:apache:log4j-core:2.17.0:*:*:*:*:*:*:*']",
            Verdict::NoMatch,
        );
        check(
            "[software:name IN ('requests', 'urllib3')]",
            Verdict::Match(vec![1]),
        );
        check(
            "[software:name NOT IN ('requests', 'lodash')]",
            Verdict::Match(vec![2]),
        );
        check(
            "[software:name LIKE 'log4j-%' AND software:version < '2.15']",
            Verdict::Match(vec![2]),
        );
        check(
            "[software:version MATCHES '^2\\\\.1[0-4]\\\\.']",
            Verdict::Match(vec![2]),
        );
        check("[software:vendor = 'apache']", Verdict::Match(vec![2]));
        check(
            "[software:cpe LIKE 'cpe:2.3:a:%:requests:%']",
            Verdict::Match(vec![1]),
        );
        check(
            "[software:cpe = 'cpe:2.3:a:python:requests:2.31.0']",
            Verdict::Match(vec![1]),
        );
        check(
            "[software:cpe = 'cpe:2.3:a:other:log4j-core:2.14.1:*:*:*:*:*:*:*']",
            Verdict::NoMatch,
        );
        // Absent properties are false whatever the operator.
        check("[software:swid != 'x']", Verdict::NoMatch);
        check(
            "[software:name = 'lodash'] AND [software:name = 'requests']",
            Verdict::Match(vec![0, 1]),
        );
        check(
            "[software:name = 'lodash'] AND [software:name = 'left-pad']",
            Verdict::NoMatch,
        );
        check(
            "[software:name = 'left-pad'] OR ([software:name = 'requests'])",
            Verdict::Match(vec![1]),
        );
        check(
            "[software:name = 'lodash'] REPEATS 1 TIMES",
            Verdict::Match(vec![0]),
        );
    }

    #[test]
    fn what_an_inventory_cannot_show_is_never_a_match() {
        // Other object types and software properties the inventory does not hold.
        check("[ipv4-addr:value = '198.51.100.23']", Verdict::NotEvaluable);
        check("[software:languages[*] = 'en']", Verdict::NotEvaluable);
        check(
            "[software:name = 'lodash' AND ipv4-addr:value = '198.51.100.23']",
            Verdict::NotEvaluable,
        );
        check(
            "[software:name = 'nothing' AND ipv4-addr:value = '198.51.100.23']",
            Verdict::NoMatch,
        );
        check(
            "[software:name = 'lodash' OR ipv4-addr:value = '198.51.100.23']",
            Verdict::Match(vec![0]),
        );
        check(
            "[software:name = 'lodash'] AND [ipv4-addr:value = '198.51.100.23']",
            Verdict::NotEvaluable,
        );
        // Time: the order of observations and their windows.
        check(
            "[software:name = 'lodash'] FOLLOWEDBY [software:name = 'requests']",
            Verdict::NotEvaluable,
        );
        check(
            "[software:name = 'nothing'] FOLLOWEDBY [software:name = 'requests']",
            Verdict::NoMatch,
        );
        check(
            "[software:name = 'lodash'] WITHIN 60 SECONDS",
            Verdict::NotEvaluable,
        );
        check(
            "[software:name = 'lodash'] REPEATS 2 TIMES",
            Verdict::NotEvaluable,
        );
        // A regular expression the engine cannot run (look-ahead) is unknown, not false.
        check(
            "[software:name MATCHES '^lod(?=ash)']",
            Verdict::NotEvaluable,
        );
        let p = Pattern::parse("[software:name = 'x' OR file:hashes.MD5 = 'y']").unwrap();
        assert!(p.mentions_software());
        assert_eq!(p.unsupported_paths(), vec!["file:hashes.MD5".to_string()]);
        assert_eq!(p.evaluate(&[]), Verdict::NotEvaluable);
        let only_software = Pattern::parse("[software:name = 'x']").unwrap();
        assert_eq!(only_software.evaluate(&[]), Verdict::NoMatch);
    }

    #[test]
    fn like_handles_percent_and_underscore() {
        assert!(like("log4j-%", "log4j-core"));
        assert!(like("%", ""));
        assert!(like("a_c", "abc"));
        assert!(!like("a_c", "ac"));
        assert!(like("%4j%", "log4j-core"));
        assert!(!like("log4j", "log4j-core"));
        assert!(like("あ%", "あいう"));
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in ".{0,80}") {
            let _ = Pattern::parse(&s);
        }

        #[test]
        fn patterns_built_from_the_grammar_parse(
            name in "[a-z][a-z0-9_-]{0,12}",
            value in "[a-zA-Z0-9 %_.'\\\\]{0,12}",
            op in prop::sample::select(vec!["=", "!=", "<", ">=", "LIKE", "NOT =", "MATCHES"]),
            join in prop::sample::select(vec!["AND", "OR", "FOLLOWEDBY"]),
        ) {
            let quoted = value.replace('\\', "\\\\").replace('\'', "\\'");
            let p = format!("[software:name {op} '{quoted}' OR x-{name}:x_{} = 1] {join} ([software:version = '{quoted}'])", name.replace('-', "_"));
            let parsed = Pattern::parse(&p);
            prop_assert!(parsed.is_ok(), "{}: {:?}", p, parsed.err());
        }

        #[test]
        fn a_pattern_naming_a_components_name_matches_it(name in "[a-z][a-z0-9.-]{0,20}") {
            let p = Pattern::parse(&format!("[software:name = '{name}']")).unwrap();
            let inv = vec![sw("other", "1", None), sw(&name, "1", None)];
            let v = p.evaluate(&inv);
            if name == "other" {
                prop_assert_eq!(v, Verdict::Match(vec![0, 1]));
            } else {
                prop_assert_eq!(v, Verdict::Match(vec![1]));
            }
        }
    }
}
