-- 0003_seed_version: which release of the embedded seed each layer holds.
--
-- seed_version is the seed's content hash for the layer (geodata/seed's
-- Versions), written when the layer's seed features are written. A start
-- that finds it different from the binary's replaces that layer's seed
-- features, keeping imported ones. Databases made before this migration
-- hold '' and so take the current seed once, on their next start.
ALTER TABLE layers ADD COLUMN seed_version TEXT NOT NULL DEFAULT '';
