-- 0001_init: layers, their features, the R*Tree over feature bounding boxes
-- and the meta row behind Version.
--
-- Tables are STRICT so a wrong type is an error, not a silent conversion.
-- Features carry their layer's id rather than a numeric key: ids are the
-- API contract and stable, and it keeps every query readable.

-- num is a small integer name for the layer, used only inside the R*Tree
-- (see below); id is the name everything else uses.
CREATE TABLE layers (
	num           INTEGER PRIMARY KEY,
	id            TEXT NOT NULL UNIQUE,
	title         TEXT NOT NULL DEFAULT '',
	description   TEXT NOT NULL DEFAULT '',
	geometry_kind TEXT NOT NULL DEFAULT '',
	style         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(style)),
	attribution   TEXT NOT NULL DEFAULT '',
	license       TEXT NOT NULL DEFAULT '',
	queryables    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(queryables)),
	updated       TEXT NOT NULL -- RFC 3339, UTC
) STRICT;

-- rid is the rowid: the R*Tree is keyed on it and list queries order by it,
-- so pages come out in insertion (seed file) order. origin tells a re-seed
-- which rows it may replace ('seed') and which a person imported.
-- t_start/t_end are unix seconds of the feature's date span (date and
-- date_end), both NULL when the feature is undated.
CREATE TABLE features (
	rid        INTEGER PRIMARY KEY,
	layer      TEXT NOT NULL REFERENCES layers (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	origin     TEXT NOT NULL CHECK (origin IN ('seed', 'import')),
	properties TEXT NOT NULL CHECK (json_valid(properties)),
	geometry   BLOB NOT NULL, -- WKB
	minx       REAL NOT NULL,
	miny       REAL NOT NULL,
	maxx       REAL NOT NULL,
	maxy       REAL NOT NULL,
	t_start    INTEGER,
	t_end      INTEGER,
	UNIQUE (layer, id),
	CHECK ((t_start IS NULL) = (t_end IS NULL))
) STRICT;

CREATE INDEX features_layer_time ON features (layer, t_start, t_end);

-- The R*Tree has a third dimension besides x and y: the layer's num (min =
-- max). One index serves every layer, yet a box search in a small layer
-- never walks a big layer's entries that fall in the same box, so a bbox
-- query can always be driven from the R*Tree. It stores 32-bit floats
-- rounded outwards, so it can only narrow a search; queries recheck the
-- exact REAL columns of features.
CREATE VIRTUAL TABLE features_rtree USING rtree (rid, minx, maxx, miny, maxy, minl, maxl);

-- Triggers keep the R*Tree in step with features inside whatever statement
-- changes them, including upserts and deletes cascading from layers, so no
-- write path can forget it.
CREATE TRIGGER features_rtree_insert AFTER INSERT ON features BEGIN
	INSERT INTO features_rtree (rid, minx, maxx, miny, maxy, minl, maxl)
	SELECT new.rid, new.minx, new.maxx, new.miny, new.maxy, num, num
	FROM layers WHERE id = new.layer;
END;

-- A feature never moves to another layer; an upsert only changes its box.
CREATE TRIGGER features_rtree_update AFTER UPDATE OF minx, miny, maxx, maxy ON features BEGIN
	UPDATE features_rtree
	SET minx = new.minx, maxx = new.maxx, miny = new.miny, maxy = new.maxy
	WHERE rid = new.rid;
END;

CREATE TRIGGER features_rtree_delete AFTER DELETE ON features BEGIN
	DELETE FROM features_rtree WHERE rid = old.rid;
END;

-- meta has exactly one row: a random id for this database file and a
-- generation counter bumped by every write transaction. Together they make
-- Version, which changes whenever the data does and never repeats across
-- databases.
CREATE TABLE meta (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	dbid       TEXT NOT NULL,
	generation INTEGER NOT NULL DEFAULT 0
) STRICT;
