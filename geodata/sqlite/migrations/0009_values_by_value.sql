-- 0009_values_by_value: the index of each feature's own values keeps its
-- numbers only.
--
-- feature_values_rid (0006) held every filter value a second time, by
-- rid: a million incidents have some 6.75 million values, whose copy
-- took 206 MB of the file and 9 of the 109 seconds a profiled import of
-- them took (casmap import of bench/scale.sh's export). Numbers are 0.75
-- million of them. The copy served three things, which now go as follows.
-- - Checking an equality filter on a row another index found: the key
--   of feature_values names the layer, the property, the value and the
--   rid, so each value the filter lists is one lookup of the key.
-- - Checking a range (fatalities=5/..) or a number given as text ("3.0"
--   matches 3) on such a row: the rows with a number, by rid, below.
-- - Deleting a feature's values with it: the rows with a number by rid,
--   and the others, whose text is the JSON string itself or 'true' or
--   'false', by their key, read from feature_values_of before the row
--   changes. Numbers are deleted by rid so that no change in how SQLite
--   prints a real can leave one behind.
DROP TRIGGER feature_values_update;
DROP TRIGGER feature_values_delete;
DROP INDEX feature_values_rid;

CREATE INDEX feature_values_rid_num ON feature_values (rid, name, num) WHERE num IS NOT NULL;

CREATE TRIGGER feature_values_update_old BEFORE UPDATE OF properties, layer ON features BEGIN
	DELETE FROM feature_values WHERE rid = old.rid AND num IS NOT NULL;
	DELETE FROM feature_values WHERE (layer_num, name, value, rid) IN
		(SELECT layer_num, name, value, rid FROM feature_values_of WHERE rid = old.rid AND num IS NULL);
END;

CREATE TRIGGER feature_values_update AFTER UPDATE OF properties, layer ON features BEGIN
	INSERT OR IGNORE INTO feature_values (layer_num, name, value, num, rid)
	SELECT layer_num, name, value, num, rid FROM feature_values_of WHERE rid = new.rid;
END;

CREATE TRIGGER feature_values_delete BEFORE DELETE ON features BEGIN
	DELETE FROM feature_values WHERE rid = old.rid AND num IS NOT NULL;
	DELETE FROM feature_values WHERE (layer_num, name, value, rid) IN
		(SELECT layer_num, name, value, rid FROM feature_values_of WHERE rid = old.rid AND num IS NULL);
END;
