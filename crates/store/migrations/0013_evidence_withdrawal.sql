-- Evidence uploaded by mistake can be withdrawn while its assessment is open: the row and
-- its file stay (the audit log names them), but a withdrawn item is no longer evidence: it
-- is not shown, counted, downloadable or part of an expert's confirmation digest. Both
-- columns are NULL for evidence in force, so earlier uploads read exactly as before.
ALTER TABLE evidence ADD COLUMN withdrawn_at TEXT;
ALTER TABLE evidence ADD COLUMN withdrawn_by TEXT;
