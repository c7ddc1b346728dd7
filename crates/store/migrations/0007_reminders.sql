-- Due-date reminders are sent once per relationship and kind.
ALTER TABLE relationships ADD COLUMN due_soon_notified BIGINT NOT NULL DEFAULT 0;
ALTER TABLE relationships ADD COLUMN overdue_notified BIGINT NOT NULL DEFAULT 0;
