//! `shirube catalog list|export`: the SCS catalog as a table, JSON or OSCAL.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use serde_json::json;
use shirube_catalog::{oscal, scs_2026_03_27, Lang, StarLevel};

#[derive(Subcommand)]
pub enum CatalogCommand {
    /// List criteria (all 153, or those a level requires).
    List {
        /// Only the criteria this level requires (3: 81 criteria, 4: all 153).
        #[arg(long, value_parser = ["3", "4"])]
        level: Option<String>,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// Language of titles in the table.
        #[arg(long, value_enum, default_value_t = LangArg::Ja)]
        lang: LangArg,
    },
    /// Export the catalog in a standard format.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Language of the exported texts.
        #[arg(long, value_enum, default_value_t = LangArg::Ja)]
        lang: LangArg,
        /// Write the catalog and one profile per level into this directory; without it, the
        /// catalog is printed to standard output.
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// Print only the profile of this level instead of the catalog.
        #[arg(long, value_parser = ["3", "4"], conflicts_with = "out_dir")]
        profile: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Oscal,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    Ja,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Ja => Lang::Ja,
            LangArg::En => Lang::En,
        }
    }
}

fn parse_level(s: &Option<String>) -> anyhow::Result<Option<StarLevel>> {
    s.as_deref()
        .map(|v| v.parse::<StarLevel>().context("--level"))
        .transpose()
}

pub fn run(command: CatalogCommand) -> anyhow::Result<ExitCode> {
    let catalog = scs_2026_03_27().context("loading the embedded catalog")?;
    let mut out = std::io::stdout().lock();
    match command {
        CatalogCommand::List {
            level,
            format,
            lang,
        } => {
            let level = parse_level(&level)?;
            let lang: Lang = lang.into();
            let criteria: Vec<_> = match level {
                Some(l) => catalog.criteria_for(l).collect(),
                None => catalog.criteria.iter().collect(),
            };
            match format {
                ListFormat::Json => {
                    let items: Vec<_> = criteria
                        .iter()
                        .map(|c| {
                            json!({
                                "id": c.id.as_str(),
                                "requirement_id": c.requirement_id.as_str(),
                                "level": c.level.number(),
                                "category": c.category,
                                "csf_function": c.csf_function.code(),
                                "title": { "ja": c.title.ja, "en": c.title.en },
                                "edition": catalog.edition,
                            })
                        })
                        .collect();
                    serde_json::to_writer_pretty(&mut out, &items)?;
                    writeln!(out)?;
                }
                ListFormat::Table => {
                    writeln!(
                        out,
                        "{:<9} {:<6} {:<3} {:<3} TITLE",
                        "ID", "REQ", "LVL", "CSF"
                    )?;
                    for c in &criteria {
                        writeln!(
                            out,
                            "{:<9} {:<6} ★{:<2} {:<3} {}",
                            c.id.as_str(),
                            c.requirement_id.as_str(),
                            c.level.number(),
                            c.csf_function.code(),
                            c.title.get(lang)
                        )?;
                    }
                    writeln!(
                        out,
                        "{} criteria (edition {})",
                        criteria.len(),
                        catalog.edition
                    )?;
                }
            }
        }
        CatalogCommand::Export {
            format: ExportFormat::Oscal,
            lang,
            out_dir,
            profile,
        } => {
            let lang: Lang = lang.into();
            let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
            if let Some(dir) = out_dir {
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                let mut files = vec![(
                    oscal::catalog_file_name(&catalog),
                    oscal::catalog_document(&catalog, lang, &now),
                )];
                for level in StarLevel::ALL {
                    files.push((
                        format!(
                            "scs-{}-profile-level{}.json",
                            catalog.edition,
                            level.number()
                        ),
                        oscal::profile_document(&catalog, level, lang, &now),
                    ));
                }
                for (name, doc) in files {
                    let path = dir.join(&name);
                    let text = serde_json::to_string_pretty(&doc)?;
                    std::fs::write(&path, text + "\n")
                        .with_context(|| format!("writing {}", path.display()))?;
                    writeln!(out, "wrote {}", path.display())?;
                }
            } else {
                let doc = match parse_level(&profile)? {
                    Some(level) => oscal::profile_document(&catalog, level, lang, &now),
                    None => oscal::catalog_document(&catalog, lang, &now),
                };
                serde_json::to_writer_pretty(&mut out, &doc)?;
                writeln!(out)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
