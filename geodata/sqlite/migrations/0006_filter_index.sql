-- 0006_filter_index: an index for every filter, in listing order, so that a
-- page costs what its rows cost however large the layer.
--
-- Pages list a layer's features in rid order and continue after the last
-- rid of the previous page (a keyset cursor). Each filter below can either
-- hand out its matches in that order (the property values), or find its
-- matches without scanning the layer (the R*Tree, for boxes and dates);
-- the store picks the one that matches least and checks the others on the
-- rows it finds.

-- feature_values holds the scalar values of each queryable property of
-- every feature, one row per value (a list property gives one row per
-- scalar in it): the layer's number, the property, the value as text as
-- equality filters compare it ('true', '3', 'Kabul'), the value as a
-- number when it is one, and the feature. Its key lists one value's
-- features in rid order, so an equality filter pages by walking one range
-- of it from the cursor.
CREATE TABLE feature_values (
	layer_num INTEGER NOT NULL,
	name      TEXT NOT NULL,
	value     TEXT NOT NULL,
	num       REAL,
	rid       INTEGER NOT NULL,
	PRIMARY KEY (layer_num, name, value, rid)
) STRICT, WITHOUT ROWID;

-- Numeric ranges (fatalities=5/..) find their matches here.
CREATE INDEX feature_values_num ON feature_values (layer_num, name, num) WHERE num IS NOT NULL;

-- A feature's own values, to check a filter on a row another index found
-- (without reading the table: the key's value rides along) and to delete
-- them with the row.
CREATE INDEX feature_values_rid ON feature_values (rid, name, num);

-- The text and number of a JSON scalar as filters see them. Booleans read
-- as 'true'/'false'; numbers as SQLite prints them (integers, which is how
-- JSON written by Go holds whole numbers, without a decimal point).
CREATE VIEW feature_values_of AS
SELECT f.rid AS rid, l.num AS layer_num, q.value AS name,
	CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(j.value AS TEXT) END AS value,
	CASE WHEN j.type IN ('integer', 'real') THEN j.value END AS num
FROM features AS f
JOIN layers AS l ON l.id = f.layer
JOIN json_each(l.queryables) AS q
JOIN json_each(f.properties, '$.' || q.value) AS j
WHERE j.type NOT IN ('object', 'array', 'null');

-- Triggers keep feature_values in step with features and with a layer's
-- list of queryables, whatever statement changes them.
CREATE TRIGGER feature_values_insert AFTER INSERT ON features BEGIN
	INSERT OR IGNORE INTO feature_values (layer_num, name, value, num, rid)
	SELECT layer_num, name, value, num, rid FROM feature_values_of WHERE rid = new.rid;
END;

CREATE TRIGGER feature_values_update AFTER UPDATE OF properties, layer ON features BEGIN
	DELETE FROM feature_values WHERE rid = old.rid;
	INSERT OR IGNORE INTO feature_values (layer_num, name, value, num, rid)
	SELECT layer_num, name, value, num, rid FROM feature_values_of WHERE rid = new.rid;
END;

CREATE TRIGGER feature_values_delete AFTER DELETE ON features BEGIN
	DELETE FROM feature_values WHERE rid = old.rid;
END;

CREATE TRIGGER feature_values_queryables AFTER UPDATE OF queryables ON layers
WHEN old.queryables IS NOT new.queryables BEGIN
	DELETE FROM feature_values WHERE layer_num = new.num;
	INSERT OR IGNORE INTO feature_values (layer_num, name, value, num, rid)
	SELECT v.layer_num, v.name, v.value, v.num, v.rid
	FROM features AS f JOIN feature_values_of AS v ON v.rid = f.rid WHERE f.layer = new.id;
END;

INSERT OR IGNORE INTO feature_values (layer_num, name, value, num, rid)
SELECT layer_num, name, value, num, rid FROM feature_values_of;

-- features_list is a layer's features in listing order with what the box
-- and date filters read, so walking a layer, checking a box or a date, and
-- counting never read the wide rows (properties and WKB).
CREATE INDEX features_list ON features (layer, rid, minx, miny, maxx, maxy, t_start, t_end);

-- The R*Tree gains a time dimension, so boxes and dates are searched
-- together, and dates alone without scanning: unix seconds as 32-bit
-- floats, rounded outwards like the box (so to about two minutes), rechecked
-- against the exact columns. Undated features get an empty span far in the
-- past: any date filter drops them on the recheck.
DROP TRIGGER features_rtree_insert;
DROP TRIGGER features_rtree_update;
DROP TRIGGER features_rtree_delete;
DROP TABLE features_rtree;
CREATE VIRTUAL TABLE features_rtree USING rtree (rid, minx, maxx, miny, maxy, minl, maxl, mint, maxt);

CREATE TRIGGER features_rtree_insert AFTER INSERT ON features BEGIN
	INSERT INTO features_rtree (rid, minx, maxx, miny, maxy, minl, maxl, mint, maxt)
	SELECT new.rid, new.minx, new.maxx, new.miny, new.maxy, num, num,
		coalesce(new.t_start, -1e30), coalesce(new.t_end, -1e30)
	FROM layers WHERE id = new.layer;
END;

CREATE TRIGGER features_rtree_update AFTER UPDATE OF minx, miny, maxx, maxy, t_start, t_end ON features BEGIN
	UPDATE features_rtree
	SET minx = new.minx, maxx = new.maxx, miny = new.miny, maxy = new.maxy,
		mint = coalesce(new.t_start, -1e30), maxt = coalesce(new.t_end, -1e30)
	WHERE rid = new.rid;
END;

CREATE TRIGGER features_rtree_delete AFTER DELETE ON features BEGIN
	DELETE FROM features_rtree WHERE rid = old.rid;
END;

INSERT INTO features_rtree (rid, minx, maxx, miny, maxy, minl, maxl, mint, maxt)
SELECT f.rid, f.minx, f.maxx, f.miny, f.maxy, l.num, l.num,
	coalesce(f.t_start, -1e30), coalesce(f.t_end, -1e30)
FROM features AS f JOIN layers AS l ON l.id = f.layer ORDER BY f.rid;

-- Clusters are counted from an aggregate in memory now (see aggregate.go),
-- so the cell index and the columns only it used go.
DROP INDEX features_cells;
ALTER TABLE features DROP COLUMN cell;
ALTER TABLE features DROP COLUMN cell_x;
ALTER TABLE features DROP COLUMN cell_y;
ALTER TABLE features DROP COLUMN category;

-- layer_properties names every property a layer's features have held, so
-- a CSV of the layer can write its header before its rows. The store adds
-- to it in each write transaction; names are never removed (a column
-- nobody fills is harmless).
CREATE TABLE layer_properties (
	layer_num INTEGER NOT NULL REFERENCES layers (num) ON DELETE CASCADE,
	name      TEXT NOT NULL,
	PRIMARY KEY (layer_num, name)
) STRICT, WITHOUT ROWID;

INSERT OR IGNORE INTO layer_properties (layer_num, name)
SELECT l.num, j.key FROM features AS f JOIN layers AS l ON l.id = f.layer, json_each(f.properties) AS j;
