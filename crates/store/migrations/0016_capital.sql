-- The organisation's paid-in capital in yen, when it gave one: with the employees, it decides
-- the SME size class under 中小企業基本法 Art. 2 (either test suffices). Empty for
-- organisations that signed up before it was asked, for sole proprietors, and for anyone who
-- left it blank. Portable SQL.
ALTER TABLE organizations ADD COLUMN capital_yen BIGINT;
