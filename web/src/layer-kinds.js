// layer-kinds.js picks the map layer class for a collection: the large-
// layer cluster layer for point layers too big to load, the incident layer
// for incidents, then area, line or point layers by geometry kind.
import { AreaLayer } from './layer-area.js';
import { ClusterLayer, isLarge } from './layer-clusters.js';
import { IncidentLayer } from './layer-incidents.js';
import { LineLayer } from './layer-line.js';
import { PointLayer } from './layer-point.js';

/** kindOf names the kind of layer a collection is drawn as. */
export function kindOf(collection) {
  const kind = String(collection.geometryKind || collection.geometry || '');
  if (isLarge(collection)) return 'clusters';
  if (collection.id === 'incidents') return 'incidents';
  const kinds = kind.split(',').map((k) => k.trim()).filter(Boolean);
  if (kinds.length && kinds.every((k) => /Polygon/.test(k))) return 'area';
  if (kinds.some((k) => /LineString/.test(k))) return 'line';
  return 'point';
}

/** layerFor makes the map layer of a collection. */
export function layerFor(collection, { state, api, model }) {
  const options = { collection, state, api };
  switch (kindOf(collection)) {
    case 'clusters': return new ClusterLayer(options);
    case 'incidents': return new IncidentLayer({ ...options, model });
    case 'area': return new AreaLayer(options);
    case 'line': return new LineLayer(options);
    default: return new PointLayer(options);
  }
}
