-- 0002_cluster_index: what clusters need of a feature, in one narrow index,
-- so counting a million features never reads their wide rows (properties
-- JSON and WKB) nor parses their JSON.
--
-- The columns are VIRTUAL: computed from the row, stored only in the
-- index. ALTER TABLE can add VIRTUAL columns to a filled table.

-- category is the category property when it is a string, else NULL (a
-- number, list or object falls back to the general property filter).
ALTER TABLE features ADD COLUMN category TEXT
	GENERATED ALWAYS AS (CASE json_type(properties, '$.category') WHEN 'text' THEN properties ->> '$.category' END) VIRTUAL;

-- cell_x and cell_y number the cluster cell of the bounding-box centre at
-- zoom 16 (cells 90/2^16 degrees a side from -180/-90), by the very
-- arithmetic of selectClusters, so the cell at zoom z <= 16 is theirs
-- shifted right by 16 - z. Longitudes and latitudes are validated, so
-- they are never negative; cell_x has 19 bits, cell_y 18.
ALTER TABLE features ADD COLUMN cell_x INTEGER
	GENERATED ALWAYS AS (CAST(((minx + maxx) / 2 + 180) / (90.0 / 65536) AS INTEGER)) VIRTUAL;
ALTER TABLE features ADD COLUMN cell_y INTEGER
	GENERATED ALWAYS AS (CAST(((miny + maxy) / 2 + 90) / (90.0 / 65536) AS INTEGER)) VIRTUAL;

-- cell interleaves their bits (a Morton, or Z-order, key: bit i of cell_x
-- at 2i, of cell_y at 2i+1). Every cell at zoom z <= 16 is then one range
-- of keys, [k << 2s, (k + 1) << 2s) for s = 16 - z and k the key of its
-- column and row, so one index range holds a cell's features. SQLite's
-- bit operators share one precedence, hence the parentheses.
ALTER TABLE features ADD COLUMN cell INTEGER GENERATED ALWAYS AS (
		((cell_x & 1) << 0) | ((cell_y & 1) << 1) | ((cell_x & 2) << 1) | ((cell_y & 2) << 2) |
		((cell_x & 4) << 2) | ((cell_y & 4) << 3) | ((cell_x & 8) << 3) | ((cell_y & 8) << 4) |
		((cell_x & 16) << 4) | ((cell_y & 16) << 5) | ((cell_x & 32) << 5) | ((cell_y & 32) << 6) |
		((cell_x & 64) << 6) | ((cell_y & 64) << 7) | ((cell_x & 128) << 7) | ((cell_y & 128) << 8) |
		((cell_x & 256) << 8) | ((cell_y & 256) << 9) | ((cell_x & 512) << 9) | ((cell_y & 512) << 10) |
		((cell_x & 1024) << 10) | ((cell_y & 1024) << 11) | ((cell_x & 2048) << 11) | ((cell_y & 2048) << 12) |
		((cell_x & 4096) << 12) | ((cell_y & 4096) << 13) | ((cell_x & 8192) << 13) | ((cell_y & 8192) << 14) |
		((cell_x & 16384) << 14) | ((cell_y & 16384) << 15) | ((cell_x & 32768) << 15) | ((cell_y & 32768) << 16) |
		((cell_x & 65536) << 16) | ((cell_y & 65536) << 17) | ((cell_x & 131072) << 17) | ((cell_y & 131072) << 18) |
		((cell_x & 262144) << 18)
	) VIRTUAL;

-- One index range per (layer, category, cell) holds everything a cluster
-- sums: the box (exact, for the bbox filter and the cluster's bound) and
-- the dates (for the time filter). Led by category, so the categories of
-- a layer are found by skipping through it.
CREATE INDEX features_cells ON features (layer, category, cell, minx, miny, maxx, maxy, t_start, t_end);
