-- 0005_history: every change to a feature is kept, and editors' changes
-- wait as proposals until a reviewer publishes them.
--
-- The history holds before-images only: the feature as it was before
-- each change, keyed by the generation the change made. The state after
-- a change is the before-image of the next one, or the current row. So
-- the state of a feature at generation V is: the before-image of its
-- first change after V, if it has one, else its current row. Answering
-- for an old version costs the changes made since, never the layer.
--
-- Triggers keep it, like the R*Tree, inside whatever statement changes
-- features, so no write path (seed, import, an API write, a cascade) can
-- forget it. Every write transaction bumps meta.generation once, after
-- its changes; the triggers record generation + 1, the one it will make.

-- history_since is the first generation the history covers: versions
-- before it (made before this migration) cannot be rebuilt.
ALTER TABLE meta ADD COLUMN history_since INTEGER NOT NULL DEFAULT 0;
UPDATE meta SET history_since = generation;

-- One row per generation that changed features: what kind of write it
-- was, who asked, who published it, why, when.
CREATE TABLE revisions (
	gen       INTEGER PRIMARY KEY,
	kind      TEXT NOT NULL,
	author    TEXT NOT NULL DEFAULT '',
	reviewer  TEXT NOT NULL DEFAULT '',
	reason    TEXT NOT NULL DEFAULT '',
	at        TEXT NOT NULL, -- RFC 3339, UTC
	revert_to INTEGER,
	proposal  INTEGER
) STRICT;

-- One row per feature per generation that changed it. Before-image NULL:
-- the feature did not exist before. A feature changed twice in one
-- generation keeps its first before-image.
CREATE TABLE feature_history (
	layer             TEXT NOT NULL,
	id                TEXT NOT NULL,
	gen               INTEGER NOT NULL,
	op                TEXT NOT NULL CHECK (op IN ('create', 'replace', 'delete')),
	before_properties TEXT,
	before_geometry   BLOB,
	PRIMARY KEY (layer, id, gen),
	CHECK ((before_properties IS NULL) = (before_geometry IS NULL))
) STRICT, WITHOUT ROWID;

-- The changes of a layer since a generation, for versions of a layer.
CREATE INDEX feature_history_gen ON feature_history (layer, gen, id);

-- write_context tells the triggers who is writing and why: a write
-- transaction sets its one row first and deletes it before it commits.
-- Without it (seed, import) the kind is the row's origin.
CREATE TABLE write_context (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	kind      TEXT NOT NULL,
	author    TEXT NOT NULL,
	reviewer  TEXT NOT NULL,
	reason    TEXT NOT NULL,
	revert_to INTEGER,
	proposal  INTEGER
) STRICT;

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

CREATE TRIGGER features_history_update AFTER UPDATE OF properties, geometry ON features
WHEN old.properties IS NOT new.properties OR old.geometry IS NOT new.geometry BEGIN
	INSERT INTO revisions (gen, kind, author, reviewer, reason, at, revert_to, proposal)
	SELECT m.generation + 1, coalesce(w.kind, new.origin), coalesce(w.author, ''), coalesce(w.reviewer, ''),
		coalesce(w.reason, ''), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), w.revert_to, w.proposal
	FROM meta AS m LEFT JOIN write_context AS w ON w.id = 1 WHERE m.id = 1
	ON CONFLICT (gen) DO NOTHING;
	INSERT INTO feature_history (layer, id, gen, op, before_properties, before_geometry)
	SELECT old.layer, old.id, generation + 1, 'replace', old.properties, old.geometry FROM meta WHERE id = 1
	ON CONFLICT (layer, id, gen) DO NOTHING;
END;

CREATE TRIGGER features_history_delete AFTER DELETE ON features BEGIN
	INSERT INTO revisions (gen, kind, author, reviewer, reason, at, revert_to, proposal)
	SELECT m.generation + 1, coalesce(w.kind, old.origin), coalesce(w.author, ''), coalesce(w.reviewer, ''),
		coalesce(w.reason, ''), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), w.revert_to, w.proposal
	FROM meta AS m LEFT JOIN write_context AS w ON w.id = 1 WHERE m.id = 1
	ON CONFLICT (gen) DO NOTHING;
	INSERT INTO feature_history (layer, id, gen, op, before_properties, before_geometry)
	SELECT old.layer, old.id, generation + 1, 'delete', old.properties, old.geometry FROM meta WHERE id = 1
	ON CONFLICT (layer, id, gen) DO UPDATE SET op = 'delete';
END;

-- An editor's change waiting for review. base_gen is the generation the
-- editor saw the feature at (NULL for a create); properties and geometry
-- the proposed feature (NULL for a delete).
CREATE TABLE proposals (
	id            INTEGER PRIMARY KEY,
	layer         TEXT NOT NULL,
	feature_id    TEXT NOT NULL,
	op            TEXT NOT NULL CHECK (op IN ('create', 'replace', 'delete')),
	kind          TEXT NOT NULL,
	revert_to     INTEGER,
	base_gen      INTEGER,
	properties    TEXT,
	geometry      BLOB,
	author        TEXT NOT NULL,
	reason        TEXT NOT NULL,
	created       TEXT NOT NULL,
	status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'rejected', 'withdrawn')),
	reviewer      TEXT NOT NULL DEFAULT '',
	note          TEXT NOT NULL DEFAULT '',
	closed        TEXT,
	published_gen INTEGER,
	CHECK ((properties IS NULL) = (geometry IS NULL))
) STRICT;

CREATE INDEX proposals_status ON proposals (status, id);
CREATE INDEX proposals_feature ON proposals (layer, feature_id, id);
CREATE INDEX proposals_author ON proposals (author, id);
