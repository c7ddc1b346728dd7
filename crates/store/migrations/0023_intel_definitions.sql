-- The marking definitions of a collection, read on every add to classify the new objects'
-- markings. Without an index of their own that read walked every object of the collection
-- (0.9 ms after ATT&CK for ICS, 3 ms a few thousand objects later, growing without bound).
-- Partial, so it holds only the definitions and costs other inserts nothing; `object_type`
-- is a key column so that the planner prefers it to intel_objects_page (SQLite took the
-- page index when both were (collection_id, seq)). Portable SQL.
CREATE INDEX intel_objects_definitions ON intel_objects(collection_id, object_type, seq)
    WHERE object_type = 'marking-definition';
