-- 0008_import_by_chunk: an import keeps the R*Tree, the filter values and
-- the history in step a chunk of features at a time, not a row at a time.
--
-- SQLite writes the rows of an INSERT ... SELECT into a temporary table
-- before it inserts them whenever the table has an insert trigger, so
-- that the trigger cannot see the rows still to come; for an import that
-- is every feature written and read back once more, besides running three
-- trigger programs for each. So an import drops the three insert triggers
-- of features inside its transaction, writes each chunk with one plain
-- INSERT ... SELECT, and then does what the triggers do for the chunk's
-- new rows in one statement each, from the same views the triggers read;
-- it creates the triggers again, from their stored definitions, before it
-- commits (see import_write.go). A failure or a kill rolls the drop back
-- with the rest. Every other write keeps the triggers.

-- The R*Tree row of a feature, for the trigger and the import alike: its
-- box, its layer's number, and its date span (an empty span far in the
-- past when it has none; see 0006). With its layer's id, the rows of a
-- layer past a rid are read from features_list, without the wide rows.
CREATE VIEW features_rtree_of AS
SELECT f.layer AS layer, f.rid AS rid, f.minx AS minx, f.maxx AS maxx, f.miny AS miny, f.maxy AS maxy,
	l.num AS minl, l.num AS maxl, coalesce(f.t_start, -1e30) AS mint, coalesce(f.t_end, -1e30) AS maxt
FROM features AS f JOIN layers AS l ON l.id = f.layer;

DROP TRIGGER features_rtree_insert;
CREATE TRIGGER features_rtree_insert AFTER INSERT ON features BEGIN
	INSERT INTO features_rtree (rid, minx, maxx, miny, maxy, minl, maxl, mint, maxt)
	SELECT rid, minx, maxx, miny, maxy, minl, maxl, mint, maxt FROM features_rtree_of WHERE rid = new.rid;
END;

-- An import no longer needs bulk_write to turn the history trigger off
-- (0007): it drops the trigger instead.
DROP TRIGGER features_history_insert;
CREATE TRIGGER features_history_insert AFTER INSERT ON features BEGIN
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
DROP TABLE bulk_write;
