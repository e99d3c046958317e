// control-download-view.js is the "Download view" section of the layer
// panel: the incidents that pass the filters and lie in the map's current
// view, as GeoJSON or CSV. main.js keeps the links' addresses current.

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

const FORMATS = [
  { f: 'geojson', label: 'GeoJSON' },
  { f: 'csv', label: 'CSV' },
];

/**
 * createDownloadView builds the section. setHref(f => url) points each
 * link at the current query.
 */
export function createDownloadView() {
  const section = el('section', 'download-view');
  section.setAttribute('aria-labelledby', 'download-view-heading');
  const h = el('h2', 'casmap-panel-heading', 'Download view');
  h.id = 'download-view-heading';
  const note = el('p', 'legend-note', 'The incidents shown, with the filters, inside the map’s current view.');
  const row = el('div', 'download-view-links');
  const links = FORMATS.map(({ f, label }) => {
    const a = el('a', `download-view-link download-view-${f}`, label);
    a.setAttribute('download', `incidents-view.${f}`);
    a.setAttribute('aria-label', `Download the incidents in view as ${label}`);
    a.dataset.format = f;
    row.append(a);
    return a;
  });
  section.append(h, row, note);
  return {
    element: section,
    setHref(hrefOf) {
      for (const a of links) a.href = hrefOf(a.dataset.format);
    },
  };
}
