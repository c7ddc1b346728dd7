-- Every organisation's record key for the statistics' cell-key perturbation: a random number
-- 0–255, drawn when the organisation is created and never shown or exported by any API. Rows
-- that existed before get theirs from the one-time back-fill the store runs after migrating
-- (`Store::open`), since SQLite and PostgreSQL draw random numbers with different SQL.
ALTER TABLE organizations ADD COLUMN record_key BIGINT;
