-- 0007_bulk_import: an import of a million features costs what writing
-- them costs, not what keeping each index in step one row at a time does.
--
-- 1. feature_values_of reads each queryable with json_each on the
-- feature's properties. Given the JSON as text, json_each parses the whole
-- text for each queryable: seven parses of every incident, most of the
-- cost of writing one. Given the binary form (jsonb), it walks it without
-- parsing; jsonb() of the same text within a statement comes from SQLite's
-- cache of recent parses, so the text is parsed once. The rows are the
-- same: the binary form keeps each value's type and text, and the
-- triggers, which select from the view by name, read the new definition.
DROP VIEW feature_values_of;
CREATE VIEW feature_values_of AS
SELECT f.rid AS rid, l.num AS layer_num, q.value AS name,
	CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(j.value AS TEXT) END AS value,
	CASE WHEN j.type IN ('integer', 'real') THEN j.value END AS num
FROM features AS f
JOIN layers AS l ON l.id = f.layer
JOIN json_each(l.queryables) AS q
JOIN json_each(jsonb(f.properties), '$.' || q.value) AS j
WHERE j.type NOT IN ('object', 'array', 'null');

-- 2. The history of an import's new features is written by the import
-- in one statement, in key order, after they are in: row by row, in the
-- map's order they go in, a million history rows land at random places
-- of two large indexes, and each insert reads a page the cache no longer
-- holds. An import sets bulk_write's one row for the time of that
-- statement, inside its transaction, so no other writer ever sees it;
-- every other write, and the replacements an import makes, keep the
-- trigger.
CREATE TABLE bulk_write (id INTEGER PRIMARY KEY CHECK (id = 1)) STRICT;

DROP TRIGGER features_history_insert;
CREATE TRIGGER features_history_insert AFTER INSERT ON features
WHEN NOT EXISTS (SELECT 1 FROM bulk_write) BEGIN
	INSERT INTO revisions (gen, kind, author, reviewer, reason, at, revert_to, proposal)
	SELECT m.generation + 1, coalesce(w.kind, new.origin), coalesce(w.author, ''), coalesce(w.reviewer, ''),
		coalesce(w.reason, ''), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), w.revert_to, w.proposal
	FROM meta AS m LEFT JOIN write_context AS w ON w.id = 1 WHERE m.id = 1
	ON CONFLICT (gen) DO NOTHING;
	INSERT INTO feature_history (layer, id, gen, op)
	SELECT new.layer, new.id, generation + 1, 'create' FROM meta WHERE id = 1
	ON CONFLICT (layer, id, gen) DO UPDATE
	SET op = CASE WHEN before_geometry IS NULL THEN 'create' ELSE 'replace' END;
END;

-- 3. Dates are searched in the R*Tree since 0006 (alone or with a box),
-- and no query reads features_layer_time any more: every write paid for
-- it, at a random place of the index, for nothing.
DROP INDEX features_layer_time;
