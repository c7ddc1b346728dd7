//! The rules an evidence upload must meet before it is stored: an allow-list of document
//! and image types, checked by the file name's extension and by the content, and an
//! evidence date that is not in the future in Japan.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use crate::domain::FieldError;

/// A kind of file accepted as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Word,
    WordLegacy,
    Excel,
    ExcelLegacy,
    PowerPoint,
    PowerPointLegacy,
    OpenDocumentText,
    OpenDocumentSpreadsheet,
    OpenDocumentPresentation,
    Text,
    Markdown,
    Csv,
    Png,
    Jpeg,
    Zip,
}

/// How the content of a kind is recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    /// `%PDF-`.
    Pdf,
    /// A ZIP archive: OOXML and OpenDocument files are ZIP archives, and a ZIP may hold
    /// either, so any of them passes for any ZIP-based name.
    Zip,
    /// An OLE compound file (Word, Excel and PowerPoint 97–2003).
    Ole,
    /// Plain text in any encoding that has no NUL byte (UTF-8, Shift_JIS…): there is no
    /// signature to look for, so the content must not be recognised as anything else.
    Text,
    Png,
    Jpeg,
}

impl FileKind {
    /// The accepted extensions (lower case, without the dot) and their kinds.
    const BY_EXTENSION: [(&'static str, FileKind); 17] = [
        ("pdf", FileKind::Pdf),
        ("docx", FileKind::Word),
        ("doc", FileKind::WordLegacy),
        ("xlsx", FileKind::Excel),
        ("xls", FileKind::ExcelLegacy),
        ("pptx", FileKind::PowerPoint),
        ("ppt", FileKind::PowerPointLegacy),
        ("odt", FileKind::OpenDocumentText),
        ("ods", FileKind::OpenDocumentSpreadsheet),
        ("odp", FileKind::OpenDocumentPresentation),
        ("txt", FileKind::Text),
        ("md", FileKind::Markdown),
        ("csv", FileKind::Csv),
        ("png", FileKind::Png),
        ("jpg", FileKind::Jpeg),
        ("jpeg", FileKind::Jpeg),
        ("zip", FileKind::Zip),
    ];

    /// The kind a file name claims, from its extension.
    pub fn from_name(file_name: &str) -> Option<FileKind> {
        let (_, ext) = file_name.rsplit_once('.')?;
        let ext = ext.trim().to_ascii_lowercase();
        Self::BY_EXTENSION
            .iter()
            .find(|(e, _)| *e == ext)
            .map(|(_, k)| *k)
    }

    /// The media type stored with the file (ours, not the one the browser sent).
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Word => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::WordLegacy => "application/msword",
            FileKind::Excel => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::ExcelLegacy => "application/vnd.ms-excel",
            FileKind::PowerPoint => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileKind::PowerPointLegacy => "application/vnd.ms-powerpoint",
            FileKind::OpenDocumentText => "application/vnd.oasis.opendocument.text",
            FileKind::OpenDocumentSpreadsheet => "application/vnd.oasis.opendocument.spreadsheet",
            FileKind::OpenDocumentPresentation => "application/vnd.oasis.opendocument.presentation",
            FileKind::Text => "text/plain",
            FileKind::Markdown => "text/markdown",
            FileKind::Csv => "text/csv",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Zip => "application/zip",
        }
    }

    fn container(self) -> Container {
        match self {
            FileKind::Pdf => Container::Pdf,
            FileKind::Word
            | FileKind::Excel
            | FileKind::PowerPoint
            | FileKind::OpenDocumentText
            | FileKind::OpenDocumentSpreadsheet
            | FileKind::OpenDocumentPresentation
            | FileKind::Zip => Container::Zip,
            FileKind::WordLegacy | FileKind::ExcelLegacy | FileKind::PowerPointLegacy => {
                Container::Ole
            }
            FileKind::Text | FileKind::Markdown | FileKind::Csv => Container::Text,
            FileKind::Png => Container::Png,
            FileKind::Jpeg => Container::Jpeg,
        }
    }
}

/// What the content is, as far as evidence cares.
fn container_of(bytes: &[u8]) -> Option<Container> {
    use infer::{archive, doc, image, odf};
    if archive::is_pdf(bytes) {
        return Some(Container::Pdf);
    }
    if image::is_png(bytes) {
        return Some(Container::Png);
    }
    if image::is_jpeg(bytes) {
        return Some(Container::Jpeg);
    }
    if archive::is_zip(bytes)
        || doc::is_docx(bytes)
        || doc::is_xlsx(bytes)
        || doc::is_pptx(bytes)
        || odf::is_odt(bytes)
        || odf::is_ods(bytes)
        || odf::is_odp(bytes)
    {
        return Some(Container::Zip);
    }
    // Every OLE compound file starts with this signature; `infer` tells Word, Excel and
    // PowerPoint apart only when the directory names the application, which older writers
    // do not always do, so the container is enough here.
    const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(&OLE) {
        return Some(Container::Ole);
    }
    // Text: no NUL byte in the first 8 KiB, and no known binary signature (an executable
    // or an image renamed to .txt is recognised by `infer` and refused).
    let head = &bytes[..bytes.len().min(8192)];
    let binary = infer::get(bytes).is_some_and(|t| t.matcher_type() != infer::MatcherType::Text);
    if !head.contains(&0) && !binary {
        return Some(Container::Text);
    }
    None
}

/// Checks an uploaded file's name and content against the allow-list; returns its kind.
pub fn check_file(file_name: &str, bytes: &[u8]) -> Result<FileKind, FieldError> {
    let kind = FileKind::from_name(file_name)
        .ok_or_else(|| FieldError::new("file", "evidence-err-file-type"))?;
    if container_of(bytes) != Some(kind.container()) {
        return Err(FieldError::new("file", "evidence-err-file-content"));
    }
    Ok(kind)
}

/// Today's date in Japan (UTC+9; Japan has no daylight saving time).
pub fn today_in_japan(now: DateTime<Utc>) -> NaiveDate {
    FixedOffset::east_opt(9 * 3600)
        .map(|z| now.with_timezone(&z).date_naive())
        .unwrap_or_else(|| now.date_naive())
}

/// Parses an evidence date: `YYYY-MM-DD`, not after today in Japan.
pub fn parse_evidence_date(input: &str, now: DateTime<Utc>) -> Result<String, FieldError> {
    let date = crate::domain::parse_date(input, "evidence_date")?;
    let today = today_in_japan(now);
    match NaiveDate::parse_from_str(&date, "%Y-%m-%d") {
        Ok(d) if d > today => Err(FieldError::new("evidence_date", "evidence-err-future")
            .arg("today", today.format("%Y-%m-%d"))),
        _ => Ok(date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str, bytes: &[u8]) -> Result<FileKind, &'static str> {
        check_file(name, bytes).map_err(|e| e.key)
    }

    #[test]
    fn documents_and_images_whose_content_matches_their_name_are_accepted() {
        assert_eq!(kind("規程.pdf", b"%PDF-1.7\n..."), Ok(FileKind::Pdf));
        assert_eq!(
            kind("a.PNG", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Ok(FileKind::Png)
        );
        assert_eq!(
            kind("a.jpeg", b"\xFF\xD8\xFF\xE0\0\x10JFIF\0"),
            Ok(FileKind::Jpeg)
        );
        assert_eq!(kind("a.zip", b"PK\x03\x04\x14\0\0\0"), Ok(FileKind::Zip));
        assert_eq!(kind("a.xlsx", b"PK\x03\x04\x14\0\0\0"), Ok(FileKind::Excel));
        let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
        assert_eq!(kind("a.doc", ole), Ok(FileKind::WordLegacy));
        assert_eq!(kind("log.txt", b"backup log"), Ok(FileKind::Text));
        assert_eq!(
            kind("一覧.csv", "名前,日付\n".as_bytes()),
            Ok(FileKind::Csv)
        );
        // Shift_JIS text from Excel has no NUL either.
        assert_eq!(
            kind("sjis.csv", b"\x96\xbc\x91\x4f,1\r\n"),
            Ok(FileKind::Csv)
        );
        assert_eq!(kind("手順.md", b"# title\n"), Ok(FileKind::Markdown));
    }

    #[test]
    fn other_names_and_contents_that_do_not_match_the_name_are_refused() {
        assert_eq!(
            kind("setup.exe", b"MZ\x90\0"),
            Err("evidence-err-file-type")
        );
        assert_eq!(kind("noext", b"text"), Err("evidence-err-file-type"));
        assert_eq!(kind("page.html", b"<html>"), Err("evidence-err-file-type"));
        assert_eq!(
            kind("a.pdf", b"not a pdf"),
            Err("evidence-err-file-content")
        );
        assert_eq!(
            kind("a.txt", b"MZ\x90\0\x03\0\0\0\x04\0"),
            Err("evidence-err-file-content")
        );
        assert_eq!(
            kind("a.txt", b"\x89PNG\r\n\x1a\n\0\0"),
            Err("evidence-err-file-content")
        );
        assert_eq!(kind("a.png", b"%PDF-1.4"), Err("evidence-err-file-content"));
        assert_eq!(
            kind("a.docx", b"%PDF-1.4"),
            Err("evidence-err-file-content")
        );
        assert_eq!(kind("a.csv", b"a,b\0c"), Err("evidence-err-file-content"));
    }

    #[test]
    fn an_evidence_date_may_be_today_in_japan_but_not_later() {
        // 2026-12-04 20:00 UTC is already 12-05 in Japan.
        let now = DateTime::parse_from_rfc3339("2026-12-04T20:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_evidence_date("2026-12-05", now),
            Ok("2026-12-05".into())
        );
        let e = parse_evidence_date("2026-12-06", now).unwrap_err();
        assert_eq!(e.key, "evidence-err-future");
        assert_eq!(e.args, vec![("today", "2026-12-05".to_string())]);
        assert_eq!(
            parse_evidence_date("2099-01-01", now).unwrap_err().key,
            "evidence-err-future"
        );
        assert_eq!(
            parse_evidence_date("yesterday", now).unwrap_err().key,
            "err-date"
        );
    }
}
