-- 0003_layer_properties: the names of the properties a layer's features
-- have held, so a CSV of the layer can write its header before its rows.
-- Every write adds to it in its transaction; names are never removed (a
-- column nobody fills is harmless).
CREATE TABLE layer_properties (
	layer text NOT NULL REFERENCES layers (id) ON DELETE CASCADE,
	name  text NOT NULL,
	PRIMARY KEY (layer, name)
);

INSERT INTO layer_properties (layer, name)
SELECT DISTINCT f.layer, k FROM features AS f, jsonb_object_keys(f.properties) AS k
ON CONFLICT DO NOTHING;
