//! `shirube admin bench-seed`: fills a database with many organisations for benchmarks.
//!
//! Every organisation gets an owner (all sharing one argon2 hash of [`BENCH_PASSWORD`], so
//! that seeding does not spend a second per account hashing), one open ★3 assessment with
//! 40–81 answers of realistic statuses, and three evidence links. Rows are written in chunks
//! through the store's bulk path, one transaction and one audit entry per chunk.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use shirube_catalog::StarLevel;
use shirube_store::{
    SeedAnswer, SeedAssessment, SeedEvidence, SeedOrganization, SeedRelationship, SeedUser, Store,
};

/// The password of every seeded owner.
pub const BENCH_PASSWORD: &str = "shirube-bench-2026";

/// Organisations per transaction: big enough to amortise the commit, small enough that one
/// transaction stays a few tens of thousands of rows.
const CHUNK: usize = 250;

#[derive(Args)]
pub struct BenchSeedArgs {
    /// How many organisations to add.
    #[arg(long)]
    pub organizations: usize,
    #[arg(long, default_value = "./shirube-data", env = "SHIRUBE_DATA_DIR")]
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://…`; default: the SQLite file in --data-dir (created).
    #[arg(long, env = "SHIRUBE_DATABASE")]
    pub database: Option<String>,
    /// Make the first organisation (by corporate number) a buyer of this many others.
    #[arg(long, default_value_t = 0)]
    pub buyer_suppliers: usize,
    /// Give every organisation this many suppliers picked at random among all of them (a
    /// supply graph for the tier benchmark: organisations × degree relationships).
    #[arg(long, default_value_t = 0)]
    pub graph_degree: usize,
    /// Sign up an approved security expert with the first this many organisations as active
    /// clients (the expert workspace benchmark, bench/experts.sh).
    #[arg(long, default_value_t = 0)]
    pub expert_clients: usize,
    /// Answer every ★3 criterion (81) instead of 40–81.
    #[arg(long)]
    pub all_answers: bool,
}

/// The seeded expert's e-mail address.
pub const BENCH_EXPERT: &str = "expert@bench.example";

/// Signs up an approved expert and makes it the active expert of the first `clients`
/// organisations.
async fn seed_expert(store: &Store, clients: usize, password_hash: &str) -> anyhow::Result<()> {
    let ids = store
        .seed_ids()
        .await
        .context("reading seeded organisations")?;
    anyhow::ensure!(
        clients <= ids.len(),
        "--expert-clients {clients} needs at least that many organisations (there are {})",
        ids.len()
    );
    let created = store
        .create_expert(
            &shirube_store::NewExpert {
                name: "ベンチ 支援士",
                qualification_kind: shirube_store::QualificationKind::Riss,
                qualification_number: "000001",
                prefectures: r#"["13"]"#,
                industries: r#"["E"]"#,
                languages: r#"["ja"]"#,
                accepting: true,
                prefecture: "13",
                industry: "E",
            },
            BENCH_EXPERT,
            password_hash,
        )
        .await
        .context("signing the expert up")?;
    store
        .set_expert_status(
            shirube_store::Actor::system(),
            &created.expert_id,
            shirube_store::ExpertStatus::Approved,
        )
        .await
        .context("approving the expert")?;
    let clients: Vec<_> = ids.into_iter().take(clients).map(|(o, _, _)| o).collect();
    let n = store
        .seed_engagements(&created.expert_id, &clients)
        .await
        .context("seeding engagements")?;
    println!("expert: {BENCH_EXPERT} with {n} active clients");
    Ok(())
}

/// Relationships per transaction when seeding the supply graph.
const EDGE_CHUNK: usize = 20_000;

/// A relationship with a realistic mix of requirements, due dates, dependency and sharing.
fn relationship(buyer: usize, supplier: usize, rng: &mut Rng) -> SeedRelationship {
    let shared = rng.below(100) < 60;
    SeedRelationship {
        buyer,
        supplier,
        required_level: if rng.below(100) < 80 { 3 } else { 4 },
        due_date: if rng.below(100) < 20 {
            "2026-06-30"
        } else {
            "2027-03-31"
        }
        .into(),
        critical: rng.below(100) < 15,
        alternatives: if rng.below(100) < 30 {
            0
        } else {
            1 + rng.below(3) as i64
        },
        shared,
        pass_on: shared && rng.below(100) < 50,
    }
}

/// Seeds relationships: the first organisation buys from the next `buyer_suppliers`, and
/// every organisation buys from `degree` random others. 40% of assessments become declared.
async fn seed_supply(store: &Store, buyer_suppliers: usize, degree: usize) -> anyhow::Result<()> {
    let start = Instant::now();
    let ids = store
        .seed_ids()
        .await
        .context("reading seeded organisations")?;
    anyhow::ensure!(
        buyer_suppliers < ids.len(),
        "--buyer-suppliers {buyer_suppliers} needs more than that many organisations (there are {})",
        ids.len()
    );
    anyhow::ensure!(
        degree < ids.len(),
        "--graph-degree {degree} needs more than that many organisations (there are {})",
        ids.len()
    );
    let mut rng = Rng(0x5EED);
    let mut pending: Vec<SeedRelationship> = Vec::with_capacity(EDGE_CHUNK);
    let mut total = shirube_store::SeedSupplyCounts::default();
    let mut declare: Vec<usize> = (0..ids.len()).filter(|i| i % 5 < 2).collect();
    let mut chosen = std::collections::HashSet::new();
    for buyer in 0..ids.len() {
        chosen.clear();
        if buyer == 0 {
            chosen.extend(1..=buyer_suppliers);
        }
        // Everyone but the buyer itself can be a supplier.
        let wanted = (chosen.len() + degree).min(ids.len() - 1);
        while chosen.len() < wanted {
            let s = rng.below(ids.len() as u64) as usize;
            if s != buyer {
                chosen.insert(s);
            }
        }
        let mut suppliers: Vec<usize> = chosen.iter().copied().collect();
        suppliers.sort_unstable();
        for s in suppliers {
            pending.push(relationship(buyer, s, &mut rng));
        }
        if pending.len() >= EDGE_CHUNK {
            let c = store
                .seed_supply(&ids, &pending, &declare)
                .await
                .context("seeding relationships")?;
            pending.clear();
            declare.clear();
            total.relationships += c.relationships;
            total.shares += c.shares;
            total.declared += c.declared;
        }
    }
    let c = store
        .seed_supply(&ids, &pending, &declare)
        .await
        .context("seeding relationships")?;
    total.relationships += c.relationships;
    total.shares += c.shares;
    total.declared += c.declared;
    println!(
        "seeded {} relationships, {} shares, {} declared assessments in {:.1} s",
        total.relationships,
        total.shares,
        total.declared,
        start.elapsed().as_secs_f64()
    );
    println!("buyer: {}", ids[0].2);
    Ok(())
}

/// Adds the check digit to a 12-digit base (法人番号, as `domain::CorporateNumber` checks it).
fn corporate_number(base: u64) -> String {
    let base = format!("{base:012}");
    let d: Vec<u64> = base.bytes().map(|b| u64::from(b - b'0')).collect();
    let sum: u64 = (1..=12)
        .map(|n| d[12 - n] * if n % 2 == 1 { 1 } else { 2 })
        .sum();
    format!("{}{base}", 9 - sum % 9)
}

/// A small deterministic generator (SplitMix64): the same N gives the same data every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const INDUSTRIES: [&str; 5] = ["E", "G", "D", "H", "I"];
const PREFECTURES: [&str; 6] = ["13", "23", "27", "14", "40", "01"];

fn organization(
    n: u64,
    criteria: &[&str],
    edition: &str,
    password_hash: &str,
    all_answers: bool,
) -> SeedOrganization {
    let mut rng = Rng(n);
    let max = criteria.len().min(81) as u64;
    let min = if all_answers { max } else { 40.min(max) };
    let answered = (min + rng.below(max - min + 1)) as usize;
    let answers = criteria[..answered]
        .iter()
        .map(|c| {
            let roll = rng.below(100);
            let (status, reason) = match roll {
                0..=74 => ("implemented", ""),
                75..=86 => ("partial", ""),
                87..=94 => ("not_implemented", ""),
                _ => (
                    "not_applicable",
                    "該当する業務がないため / Not relevant to our business",
                ),
            };
            let comment = if rng.below(5) == 0 {
                "規程を整備し、年1回見直している。"
            } else {
                ""
            };
            SeedAnswer {
                criterion_id: (*c).to_string(),
                status: status.into(),
                comment: comment.into(),
                not_applicable_reason: reason.into(),
            }
        })
        .collect();
    let evidence = (0..3)
        .map(|k| SeedEvidence {
            criterion_id: criteria[k * 7 % answered.max(1)].to_string(),
            url: format!("https://intranet.example/bench/{n}/evidence-{k}.pdf"),
            evidence_date: format!(
                "{}-{:02}-{:02}",
                // Half the organisations have year-old evidence (stale in the expert's view).
                2025 + (n + k as u64) % 2,
                1 + rng.below(9),
                1 + rng.below(28)
            ),
        })
        .collect();
    SeedOrganization {
        name: format!("ベンチ工業{n}株式会社"),
        corporate_number: corporate_number(900_000_000_000 + n),
        industry: INDUSTRIES[(n % INDUSTRIES.len() as u64) as usize].into(),
        employees: 5 + rng.below(300) as i64,
        prefecture: PREFECTURES[(n % PREFECTURES.len() as u64) as usize].into(),
        owner: SeedUser {
            email: format!("owner{n}@bench.example"),
            name: format!("ベンチ 太郎{n}"),
            role: "owner".into(),
            password_hash: password_hash.into(),
        },
        assessment: SeedAssessment {
            target_level: i64::from(StarLevel::Three.number()),
            catalog_edition: edition.into(),
            answers,
            evidence,
        },
    }
}

pub async fn run(args: BenchSeedArgs) -> anyhow::Result<std::process::ExitCode> {
    let url = match &args.database {
        Some(url) => url.clone(),
        None => {
            std::fs::create_dir_all(&args.data_dir)
                .with_context(|| format!("creating {}", args.data_dir.display()))?;
            shirube_store::sqlite_url_for(&args.data_dir)
        }
    };
    let store = Store::open(&url, &shirube_store::blob_dir_for(&args.data_dir))
        .await
        .context("opening the database")?;
    let catalog = shirube_catalog::scs_2026_03_27().context("loading the catalog")?;
    let criteria: Vec<&str> = catalog
        .criteria_for(StarLevel::Three)
        .map(|c| c.id.as_str())
        .collect();
    let hash = shirube_app::accounts::hash_password(BENCH_PASSWORD)
        .map_err(|e| anyhow::anyhow!("hashing the password: {e:?}"))?;
    // Numbering continues after the organisations already there, so seeding twice adds more
    // instead of colliding on e-mail addresses.
    let first = store
        .count_organizations()
        .await
        .context("counting organisations")? as u64
        + 1;
    let last = first + args.organizations as u64 - 1;

    let start = Instant::now();
    let (mut answers, mut evidence) = (0, 0);
    let mut n = first;
    while n <= last {
        let end = (n + CHUNK as u64 - 1).min(last);
        let chunk: Vec<SeedOrganization> = (n..=end)
            .map(|i| organization(i, &criteria, &catalog.edition, &hash, args.all_answers))
            .collect();
        let counts = store
            .seed_organizations(&chunk)
            .await
            .with_context(|| format!("seeding organisations {n}–{end}"))?;
        answers += counts.answers;
        evidence += counts.evidence;
        n = end + 1;
    }
    println!(
        "seeded {} organisations, {answers} answers, {evidence} evidence links in {:.1} s",
        args.organizations,
        start.elapsed().as_secs_f64()
    );
    if args.organizations > 0 {
        println!("owners: owner{first}@bench.example … owner{last}@bench.example");
    }
    if args.buyer_suppliers > 0 || args.graph_degree > 0 {
        seed_supply(&store, args.buyer_suppliers, args.graph_degree).await?;
    }
    if args.expert_clients > 0 {
        seed_expert(&store, args.expert_clients, &hash).await?;
    }
    // A database filled in seconds has no planner statistics yet (autovacuum would gather
    // them within a minute or so); without them PostgreSQL sorts where it would hash, and the
    // benchmark would measure a state no running system stays in.
    store
        .refresh_statistics()
        .await
        .context("gathering planner statistics")?;
    store.close().await;
    println!("password: {BENCH_PASSWORD}");
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_corporate_numbers_have_valid_check_digits() {
        for n in [1, 42, 10_000, 99_999] {
            let number = corporate_number(900_000_000_000 + n);
            assert!(
                shirube_app::domain::CorporateNumber::parse(&number, "n").is_ok(),
                "{number}"
            );
        }
    }

    #[test]
    fn organisations_get_40_to_81_answers_and_three_evidence_links() {
        let criteria: Vec<String> = (0..90).map(|i| format!("c{i}")).collect();
        let refs: Vec<&str> = criteria.iter().map(String::as_str).collect();
        for n in 1..200 {
            let o = organization(n, &refs, "e", "h", false);
            assert!((40..=81).contains(&o.assessment.answers.len()));
            assert_eq!(o.assessment.evidence.len(), 3);
        }
    }
}
