//! Vulnerability checks in the platform: the advisory index the server scans with, uploads
//! of SBOMs and lockfiles scanned by `shirube-vuln` and attached as dated evidence, and the
//! background re-scan that fills the inbox when new advisories apply to a stored file.
//!
//! The index is `<data-dir>/advisories.idx`, written by `shirube advisories import` (temp
//! file + rename, so it is never read half-written). The server notices a new file on each
//! scan request and every `SHIRUBE_ADVISORIES_CHECK_SECS` seconds (default 300, 0 = never)
//! by its size and modification time, then compares the SHA-256 of its content (the
//! fingerprint stored with each scan) before swapping it in.

use crate::views::{AssessmentId, EvidenceId, NotificationId, ScanId};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use shirube_catalog::StarLevel;
use shirube_store::{
    NewScan, NotificationKind, NotificationRow, ScanEvidence, ScanRow, ScanUpdate,
};
use shirube_vuln::{AdvisoryIndex, ScanReport};

use crate::accounts::Principal;
use crate::error::AppError;
use crate::{App, Clock};

/// File name of the advisory index inside the data directory (as `shirube advisories import` writes it).
pub const INDEX_FILE: &str = "advisories.idx";

/// Criteria a scan result is evidence for: software inventory (3-1-1-1), vulnerability
/// management (3-2-1-1, ★4 only) and patching (4-4-4-1, 4-4-4-2). Only those in the
/// assessment's target level are used.
pub const SCAN_CRITERIA: [&str; 4] = ["3-1-1-1", "3-2-1-1", "4-4-4-1", "4-4-4-2"];

/// A loaded advisory index and what identifies it.
pub struct LoadedIndex {
    pub index: AdvisoryIndex,
    /// SHA-256 (hex) of the index file.
    pub fingerprint: String,
    /// When this server loaded it (RFC 3339).
    pub loaded_at: String,
}

/// The server's current advisory index, swapped at run time when the file changes.
pub struct Advisories {
    path: PathBuf,
    current: RwLock<Option<Arc<LoadedIndex>>>,
    /// Size and modification time of the file last looked at, to skip re-reading it.
    stamp: Mutex<Option<(u64, SystemTime)>>,
    /// One re-scan sweep at a time.
    sweep: tokio::sync::Mutex<()>,
    /// Dates each loaded index.
    clock: Clock,
}

/// What a refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    Unchanged,
    /// A new index (another fingerprint) is now in use.
    Loaded,
    /// The file is gone; scanning is refused until advisories are imported again.
    Removed,
    /// The file could not be read or decoded; the previous index stays in use.
    Failed,
}

fn stamp_of(path: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

fn read_index(path: &Path, clock: &Clock) -> Result<Option<LoadedIndex>, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let fingerprint = hex::encode(Sha256::digest(&bytes));
    let index = AdvisoryIndex::from_vec(bytes).map_err(|e| e.to_string())?;
    Ok(Some(LoadedIndex {
        index,
        fingerprint,
        loaded_at: clock.now_string(),
    }))
}

impl Advisories {
    /// Loads `<data_dir>/advisories.idx` when present. A broken file is logged and treated
    /// as absent, so the server still starts.
    pub fn load(data_dir: &Path, clock: Clock) -> Advisories {
        let path = data_dir.join(INDEX_FILE);
        let stamp = stamp_of(&path);
        let current = match read_index(&path, &clock) {
            Ok(i) => i.map(Arc::new),
            Err(e) => {
                tracing::error!(path = %path.display(), error = %e, "cannot load the advisory index");
                None
            }
        };
        Advisories {
            path,
            current: RwLock::new(current),
            stamp: Mutex::new(stamp),
            sweep: tokio::sync::Mutex::new(()),
            clock,
        }
    }

    /// The index in use, if any.
    pub fn current(&self) -> Option<Arc<LoadedIndex>> {
        self.current
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    fn set(&self, value: Option<Arc<LoadedIndex>>) {
        match self.current.write() {
            Ok(mut g) => *g = value,
            Err(p) => *p.into_inner() = value,
        }
    }

    /// Looks at the file and swaps in a new index when its content changed.
    pub async fn refresh(&self) -> Refresh {
        let stamp = stamp_of(&self.path);
        {
            let mut last = self.stamp.lock().unwrap_or_else(|p| p.into_inner());
            if *last == stamp {
                return Refresh::Unchanged;
            }
            *last = stamp;
        }
        if stamp.is_none() {
            let had = self.current().is_some();
            self.set(None);
            return if had {
                Refresh::Removed
            } else {
                Refresh::Unchanged
            };
        }
        let path = self.path.clone();
        let loaded = tokio::task::spawn_blocking({
            let clock = self.clock.clone();
            move || read_index(&path, &clock)
        })
        .await
        .unwrap_or_else(|e| Err(e.to_string()));
        match loaded {
            Ok(Some(new)) => {
                if self
                    .current()
                    .is_some_and(|c| c.fingerprint == new.fingerprint)
                {
                    return Refresh::Unchanged;
                }
                tracing::info!(fingerprint = %new.fingerprint, advisories = new.index.len(), "advisory index loaded");
                self.set(Some(Arc::new(new)));
                Refresh::Loaded
            }
            Ok(None) => {
                self.set(None);
                Refresh::Removed
            }
            Err(e) => {
                tracing::error!(path = %self.path.display(), error = %e, "cannot load the new advisory index; keeping the previous one");
                Refresh::Failed
            }
        }
    }
}

/// An uploaded file to check.
pub struct UploadInput {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A stored scan with its report decoded.
pub struct ScanView {
    pub row: ScanRow,
    pub report: ScanReport,
    /// Evidence created by this request (empty when reading a stored scan).
    pub evidence_ids: Vec<EvidenceId>,
}

fn decode(row: ScanRow) -> Result<ScanView, AppError> {
    let report: ScanReport = serde_json::from_str(&row.report).map_err(AppError::internal)?;
    Ok(ScanView {
        row,
        report,
        evidence_ids: Vec::new(),
    })
}

fn clean_name(name: &str) -> String {
    let name: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(200)
        .collect();
    if name.trim().is_empty() {
        "upload".to_string()
    } else {
        name
    }
}

/// The index to scan with, after looking for a newer file; a new one starts a background
/// re-scan of the stored files. No index is a 409 telling the operator to import advisories.
async fn index_for_scan(state: &App) -> Result<Arc<LoadedIndex>, AppError> {
    if state.advisories.refresh().await == Refresh::Loaded {
        spawn_sweep(state.clone());
    }
    state.advisories.current().ok_or(AppError::Conflict {
        key: "err-advisories-missing",
        field: None,
    })
}

/// Counts stored with a scan.
fn counts(report: &ScanReport) -> (i64, i64, i64) {
    let s = &report.summary;
    (s.components as i64, s.findings as i64, s.advisories as i64)
}

async fn run_scan(
    index: Arc<LoadedIndex>,
    name: String,
    bytes: Vec<u8>,
) -> Result<Result<(String, ScanReport), shirube_vuln::ParseError>, AppError> {
    // Parsing and matching are CPU-bound (a 50,000-component SBOM takes a noticeable
    // fraction of a second), so they run off the async workers.
    tokio::task::spawn_blocking(move || {
        let inventory = shirube_vuln::detect_and_parse(Some(&name), &bytes)?;
        let format = inventory.format.to_string();
        Ok((format, index.index.scan(&inventory)))
    })
    .await
    .map_err(AppError::internal)
}

/// Scans an uploaded SBOM or lockfile, stores the file and the result, and — with an
/// assessment — attaches the dated result as evidence to the scan criteria in its level.
pub async fn upload(
    state: &App,
    p: &Principal,
    input: UploadInput,
    assessment_id: Option<&str>,
) -> Result<ScanView, AppError> {
    p.require_edit()?;
    if input.bytes.is_empty() {
        return Err(AppError::field("file", "err-file-empty"));
    }
    let assessment = match assessment_id.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(id) => {
            let a = state
                .store
                .assessment(p.org_id(), &AssessmentId::from(id))
                .await
                .map_err(|e| match e {
                    shirube_store::StoreError::NotFound => {
                        AppError::field("assessment_id", "err-not-found-field")
                    }
                    other => other.into(),
                })?;
            if !a.status.is_open() {
                return Err(AppError::Conflict {
                    key: "err-frozen",
                    field: Some("assessment_id".into()),
                });
            }
            Some(a)
        }
    };
    let index = index_for_scan(state).await?;
    let name = clean_name(&input.file_name);
    let size = input.bytes.len() as i64;
    let (format, report) = match run_scan(index.clone(), name.clone(), input.bytes.clone()).await? {
        Ok(r) => r,
        Err(e) => {
            return Err(AppError::Unreadable {
                field: "file".into(),
                key: "err-scan-unreadable",
                reason: e.to_string(),
            })
        }
    };
    // Kept so that the file can be re-scanned when the advisories change.
    let sha = state
        .store
        .blobs()
        .put(&input.bytes)
        .await
        .map_err(AppError::internal)?;
    let report_json = serde_json::to_string(&report).map_err(AppError::internal)?;
    let (components, findings, advisories) = counts(&report);
    let scan = NewScan {
        file_name: &name,
        input_format: &format,
        blob_sha256: &sha,
        size,
        index_fingerprint: &index.fingerprint,
        components,
        findings,
        advisories,
        report: &report_json,
    };
    let date = state.clock.today_string();
    let criteria: Vec<&str> = match &assessment {
        Some(a) => {
            let level = StarLevel::from_number(a.target_level).unwrap_or(StarLevel::Four);
            SCAN_CRITERIA
                .iter()
                .copied()
                .filter(|c| {
                    state
                        .catalog
                        .criterion(c)
                        .is_some_and(|x| x.required_for(level))
                })
                .collect()
        }
        None => Vec::new(),
    };
    let evidence = assessment.as_ref().map(|a| ScanEvidence {
        assessment_id: &a.id,
        criteria: &criteria,
        evidence_date: &date,
    });
    let (id, evidence_ids) = state
        .store
        .create_scan(p.actor(), p.org_id(), &scan, evidence.as_ref())
        .await?
        .ok_or(AppError::Conflict {
            key: "err-frozen",
            field: Some("assessment_id".into()),
        })?;
    let row = state.store.scan(p.org_id(), &id).await?;
    // A new inventory is matched against the intelligence its organisation may read.
    if let Err(e) = crate::intel_match::match_new_upload(state, p.org_id()).await {
        tracing::warn!(error = ?e, "matching a new upload against intelligence failed");
    }
    Ok(ScanView {
        row,
        report,
        evidence_ids,
    })
}

/// One scan of the caller's organisation, or of a client while the caller is its engaged
/// security expert.
pub async fn scan(state: &App, p: &Principal, id: &ScanId) -> Result<ScanView, AppError> {
    match state.store.scan(p.org_id(), id).await {
        // The client's security expert reads it too, while engaged (and the client's log
        // says so).
        Err(shirube_store::StoreError::NotFound) => match state.store.scan_owner(id).await? {
            Some(client)
                if crate::assessments::expert_reads_client(state, p, &client, "scan", id)
                    .await? =>
            {
                decode(state.store.scan(&client, id).await?)
            }
            _ => Err(AppError::NotFound),
        },
        other => decode(other?),
    }
}

/// The caller's organisation's scans, newest first (reports not decoded).
pub async fn scans(state: &App, p: &Principal) -> Result<Vec<ScanRow>, AppError> {
    Ok(state.store.scans(p.org_id()).await?)
}

/// The caller's organisation's inbox, newest first.
pub async fn notifications(state: &App, p: &Principal) -> Result<Vec<NotificationRow>, AppError> {
    Ok(state.store.notifications(p.org_id()).await?)
}

/// Marks a notification of the caller's organisation read. Any member may.
pub async fn mark_read(state: &App, p: &Principal, id: &NotificationId) -> Result<(), AppError> {
    Ok(state
        .store
        .mark_notification_read(p.actor(), p.org_id(), id)
        .await?)
}

/// What a re-scan sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepOutcome {
    /// Stored files scanned again.
    pub rescanned: usize,
    /// Notifications added (one per file with advisories it did not have before).
    pub notified: usize,
}

/// Looks for a new advisory index, then re-scans every stored file whose result was
/// computed with another index. The background task and the tests call this.
pub async fn check_advisories(state: &App) -> Result<SweepOutcome, AppError> {
    state.advisories.refresh().await;
    sweep(state).await
}

/// Re-scans stored files whose result comes from another index than the current one, and
/// notifies the organisation of advisories a file did not have before.
pub async fn sweep(state: &App) -> Result<SweepOutcome, AppError> {
    let _one_at_a_time = state.advisories.sweep.lock().await;
    let Some(index) = state.advisories.current() else {
        return Ok(SweepOutcome::default());
    };
    let mut out = SweepOutcome::default();
    for (id, org) in state.store.scans_needing_rescan(&index.fingerprint).await? {
        let row = match state.store.scan(&org, &id).await {
            Ok(r) => r,
            Err(shirube_store::StoreError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        let Some(bytes) = state
            .store
            .blobs()
            .get(&row.blob_sha256)
            .await
            .map_err(AppError::internal)?
        else {
            tracing::warn!(scan_id = %row.id, "stored file of a scan is missing; not re-scanned");
            continue;
        };
        let report = match run_scan(index.clone(), row.file_name.clone(), bytes).await? {
            Ok((_, r)) => r,
            Err(e) => {
                tracing::warn!(scan_id = %row.id, error = %e, "stored file no longer parses; not re-scanned");
                continue;
            }
        };
        let before: BTreeSet<String> = serde_json::from_str::<ScanReport>(&row.report)
            .map(|r| r.findings.into_iter().map(|f| f.advisory_id).collect())
            .unwrap_or_default();
        let new_ids: BTreeSet<&str> = report
            .findings
            .iter()
            .map(|f| f.advisory_id.as_str())
            .filter(|a| !before.contains(*a))
            .collect();
        let report_json = serde_json::to_string(&report).map_err(AppError::internal)?;
        let (components, findings, advisories) = counts(&report);
        let update = ScanUpdate {
            index_fingerprint: &index.fingerprint,
            components,
            findings,
            advisories,
            report: &report_json,
        };
        let texts = (!new_ids.is_empty()).then(|| {
            let ids = new_ids.iter().copied().collect::<Vec<_>>().join(", ");
            [
                ("file", row.file_name.clone()),
                ("n", new_ids.len().to_string()),
                ("ids", ids),
            ]
        });
        let link = format!("/checks/{}", row.id);
        let notices: Vec<_> = texts
            .map(|args| {
                crate::notifications::to_org(
                    state,
                    &org,
                    NotificationKind::ScanNewFindings,
                    "inbox-new-findings-title",
                    "inbox-new-findings-body",
                    &args,
                    &link,
                )
            })
            .into_iter()
            .collect();
        state
            .store
            .update_scan(&org, &row.id, &update, &notices)
            .await?;
        out.rescanned += 1;
        out.notified += usize::from(!notices.is_empty());
        crate::notifications::kick(state);
    }
    if out.rescanned > 0 {
        tracing::info!(
            rescanned = out.rescanned,
            notified = out.notified,
            "re-scan after new advisories"
        );
    }
    Ok(out)
}

fn spawn_sweep(state: App) {
    tokio::spawn(async move {
        if let Err(e) = sweep(&state).await {
            tracing::error!(error = ?e, "background re-scan failed");
        }
    });
}

/// Seconds between checks of the advisory index file, from `SHIRUBE_ADVISORIES_CHECK_SECS`
/// (default 300; 0 turns the periodic check off — scan requests still check).
pub fn check_interval() -> Option<Duration> {
    let secs = std::env::var("SHIRUBE_ADVISORIES_CHECK_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(300);
    (secs > 0).then(|| Duration::from_secs(secs))
}

/// Starts the periodic check (and one at start-up, which catches an import made while the
/// server was down).
pub fn spawn_watcher(state: &App) {
    let Some(every) = check_interval() else {
        return;
    };
    let state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = check_advisories(&state).await {
                tracing::error!(error = ?e, "advisory check failed");
            }
        }
    });
}
