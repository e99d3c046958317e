// citation.js gathers what a print or PNG of the map must say to be cited:
// what it shows in words, the as-of day, when it was made, the data
// version, the permalink, the layers shown with their attribution, and the
// sources of the incidents in view.
import L from 'leaflet';

/** sourcesOf lists the distinct sources (by URL) of features, in order of first use. */
export function sourcesOf(features) {
  const seen = new Map();
  for (const f of features) {
    for (const s of (f.properties && Array.isArray(f.properties.sources) ? f.properties.sources : [])) {
      if (!s || typeof s !== 'object') continue;
      const key = s.url || s.title;
      if (key && !seen.has(key)) seen.set(key, s);
    }
  }
  return [...seen.values()];
}

/** citationOf is the citation of the map as it is now. */
export function citationOf({
  map, state, model, collections, layers, api, summary, permalink = window.location.href,
}) {
  const bounds = map.getBounds();
  const inView = (f) => f.geometry && f.geometry.type === 'Point' && bounds.contains(L.GeoJSON.coordsToLatLng(f.geometry.coordinates));
  let incidents = [];
  if (state.isVisible('incidents')) {
    if (model.local) incidents = ((model.last && model.last.features) || []).filter(inView);
    else incidents = (layers.get('incidents').view && layers.get('incidents').view.features) || [];
  }
  return {
    title: 'casmap: Afghanistan and Central Asia, security and infrastructure',
    filters: summary,
    asOf: state.asOf(),
    made: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    version: api.version(),
    permalink,
    layers: collections.filter((c) => state.isVisible(c.id)).map((c) => ({ title: c.title || c.id, attribution: c.attribution || '' })),
    sources: sourcesOf(incidents),
    more: !model.local,
  };
}
