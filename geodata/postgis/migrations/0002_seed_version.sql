-- 0002_seed_version: the release of the seed each layer was last seeded
-- with (a content hash; '' before versions were kept), so a start writes
-- only the layers whose seed changed.
ALTER TABLE layers ADD COLUMN seed_version text NOT NULL DEFAULT '';
