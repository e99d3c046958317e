-- 0005_history: every change to a feature is kept, and editors' changes
-- wait as proposals until a reviewer publishes them, as in SQLite's 0005.
--
-- The history holds before-images only: the feature as it was before
-- each change, keyed by the generation the change made. The state after
-- a change is the before-image of the next one, or the current row. So
-- the state of a feature at generation V is the before-image of its
-- first change after V, if it has one, else its current row. Answering
-- for an old version costs the changes made since, never the layer.
--
-- Statement triggers with transition tables keep it inside whatever
-- statement changes features, so no write path (seed, import, an API
-- write, a cascade) can forget it, at the cost of one INSERT ... SELECT
-- per statement rather than one per row (an import of a million rows
-- stays one statement). Every write transaction bumps meta.generation
-- first (it is the writers' lock), so the triggers record the generation
-- the transaction makes; they refuse a change made without a bump.
--
-- Ids compare byte by byte (COLLATE "C"), as in SQLite, whatever the
-- database's collation: pages of a layer at a version go in id order.
ALTER TABLE features ALTER COLUMN id TYPE text COLLATE "C";

-- history_since is the first generation the history covers: versions
-- before it (made before this migration) cannot be rebuilt.
ALTER TABLE meta ADD COLUMN history_since bigint NOT NULL DEFAULT 0;
UPDATE meta SET history_since = generation;

-- One row per generation that changed features: what kind of write it
-- was, who asked, who published it, why, when.
CREATE TABLE revisions (
	gen       bigint PRIMARY KEY,
	kind      text NOT NULL,
	author    text NOT NULL DEFAULT '',
	reviewer  text NOT NULL DEFAULT '',
	reason    text NOT NULL DEFAULT '',
	at        timestamptz NOT NULL,
	revert_to bigint,
	proposal  bigint
);

-- One row per feature per generation that changed it. Before-image NULL:
-- the feature did not exist before. A feature changed twice in one
-- generation keeps its first before-image.
CREATE TABLE feature_history (
	layer             text NOT NULL,
	id                text COLLATE "C" NOT NULL,
	gen               bigint NOT NULL,
	op                text NOT NULL CHECK (op IN ('create', 'replace', 'delete')),
	before_properties jsonb,
	before_geometry   geometry(Geometry, 4326),
	PRIMARY KEY (layer, id, gen),
	CHECK ((before_properties IS NULL) = (before_geometry IS NULL))
);

-- The changes of a layer since a generation, for versions of a layer.
CREATE INDEX feature_history_gen ON feature_history (layer, gen, id);

-- The write context tells the triggers who is writing and why, in
-- settings local to the transaction (set_config(..., true)):
-- casmap.kind, casmap.author, casmap.reviewer, casmap.reason,
-- casmap.revert_to, casmap.proposal. Without them (seed, import) the
-- kind is the rows' origin. casmap.history = 'off' (a copy, which brings
-- the history of its source) records nothing.

-- casmap_writing_gen is the generation the current transaction makes; it
-- fails when the transaction has not bumped it.
CREATE FUNCTION casmap_writing_gen() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	g bigint;
	mine boolean;
BEGIN
	SELECT generation, xmin = pg_current_xact_id()::xid INTO g, mine FROM meta WHERE id = 1;
	IF NOT mine THEN
		RAISE EXCEPTION 'casmap: features changed in a transaction that did not bump the generation';
	END IF;
	RETURN g;
END $$;

-- casmap_revision records generation g's revision, once.
CREATE FUNCTION casmap_revision(g bigint, origin text) RETURNS void LANGUAGE sql AS $$
	INSERT INTO revisions (gen, kind, author, reviewer, reason, at, revert_to, proposal)
	VALUES (g, coalesce(nullif(current_setting('casmap.kind', true), ''), origin),
		coalesce(current_setting('casmap.author', true), ''), coalesce(current_setting('casmap.reviewer', true), ''),
		coalesce(current_setting('casmap.reason', true), ''), now(),
		nullif(current_setting('casmap.revert_to', true), '')::bigint,
		nullif(current_setting('casmap.proposal', true), '')::bigint)
	ON CONFLICT (gen) DO NOTHING
$$;

CREATE FUNCTION casmap_history_off() RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT coalesce(current_setting('casmap.history', true), '') = 'off'
$$;

CREATE FUNCTION casmap_history_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	g bigint;
	origin text;
BEGIN
	SELECT n.origin INTO origin FROM new_rows AS n LIMIT 1;
	IF origin IS NULL OR casmap_history_off() THEN
		RETURN NULL;
	END IF;
	g := casmap_writing_gen();
	PERFORM casmap_revision(g, origin);
	INSERT INTO feature_history AS h (layer, id, gen, op)
	SELECT n.layer, n.id, g, 'create' FROM new_rows AS n
	ON CONFLICT (layer, id, gen) DO UPDATE
	SET op = CASE WHEN h.before_geometry IS NULL THEN 'create' ELSE 'replace' END;
	RETURN NULL;
END $$;

CREATE FUNCTION casmap_history_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	g bigint;
	n bigint;
BEGIN
	IF casmap_history_off() THEN
		RETURN NULL;
	END IF;
	g := casmap_writing_gen();
	-- Only rows whose properties or geometry changed are changes (an
	-- update of the queryable values alone is not).
	WITH changed AS (
		SELECT o.layer, o.id, o.properties, o.geom
		FROM old_rows AS o JOIN new_rows AS nr ON nr.rid = o.rid
		WHERE o.properties IS DISTINCT FROM nr.properties OR NOT (o.geom = nr.geom)
	), recorded AS (
		INSERT INTO feature_history (layer, id, gen, op, before_properties, before_geometry)
		SELECT c.layer, c.id, g, 'replace', c.properties, c.geom FROM changed AS c
		ON CONFLICT (layer, id, gen) DO NOTHING
	)
	SELECT count(*) INTO n FROM changed;
	IF n > 0 THEN
		PERFORM casmap_revision(g, (SELECT nr.origin FROM new_rows AS nr LIMIT 1));
	END IF;
	RETURN NULL;
END $$;

CREATE FUNCTION casmap_history_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	g bigint;
	origin text;
BEGIN
	SELECT o.origin INTO origin FROM old_rows AS o LIMIT 1;
	IF origin IS NULL OR casmap_history_off() THEN
		RETURN NULL;
	END IF;
	g := casmap_writing_gen();
	PERFORM casmap_revision(g, origin);
	INSERT INTO feature_history AS h (layer, id, gen, op, before_properties, before_geometry)
	SELECT o.layer, o.id, g, 'delete', o.properties, o.geom FROM old_rows AS o
	ON CONFLICT (layer, id, gen) DO UPDATE SET op = 'delete';
	RETURN NULL;
END $$;

CREATE TRIGGER features_history_insert AFTER INSERT ON features
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION casmap_history_insert();
CREATE TRIGGER features_history_update AFTER UPDATE ON features
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION casmap_history_update();
CREATE TRIGGER features_history_delete AFTER DELETE ON features
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION casmap_history_delete();

-- An editor's change waiting for review. base_gen is the generation the
-- editor saw the feature at (NULL for a create); properties and geometry
-- the proposed feature (NULL for a delete).
CREATE TABLE proposals (
	id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	layer         text NOT NULL,
	feature_id    text COLLATE "C" NOT NULL,
	op            text NOT NULL CHECK (op IN ('create', 'replace', 'delete')),
	kind          text NOT NULL,
	revert_to     bigint,
	base_gen      bigint,
	properties    jsonb,
	geometry      geometry(Geometry, 4326),
	author        text NOT NULL,
	reason        text NOT NULL,
	created       timestamptz NOT NULL,
	status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'rejected', 'withdrawn')),
	reviewer      text NOT NULL DEFAULT '',
	note          text NOT NULL DEFAULT '',
	closed        timestamptz,
	published_gen bigint,
	CHECK ((properties IS NULL) = (geometry IS NULL))
);

CREATE INDEX proposals_status ON proposals (status, id);
CREATE INDEX proposals_feature ON proposals (layer, feature_id, id);
CREATE INDEX proposals_author ON proposals (author, id);
