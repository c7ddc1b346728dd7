-- A roadmap revision's reason in English, optional: English pages show it, Japanese pages
-- (and English ones without it) the reason as written.
ALTER TABLE roadmap_revisions ADD COLUMN reason_en TEXT;
