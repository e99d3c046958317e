// control-legend.js is the legend: what each mark means, one visual
// variable per meaning. Incidents: hue is the category (with how many are
// shown), fill the confidence, size the fatalities, a grey dashed ring the
// area the location is known within, a numbered circle a cluster. Lines:
// dashes are the status on the as-of day. It prints with the map.
import L from 'leaflet';
import {
  CATEGORIES, CONFIDENCE, FATALITY_SIZES, PRECISION, STATUS_STYLE, circleSwatch, lineSwatch,
} from './style.js';
import { STATUSES } from './status.js';

function list(parent, className) {
  return L.DomUtil.create('ul', `legend-list ${className}`, parent);
}

function item(ul, className, symbol, text) {
  const li = L.DomUtil.create('li', `legend-item ${className}`, ul);
  li.append(symbol);
  L.DomUtil.create('span', 'legend-label', li).textContent = text;
  return li;
}

function heading(parent, text) {
  L.DomUtil.create('h3', 'legend-subheading', parent).textContent = text;
}

/** LegendControl is the legend section. Options: state, model (the incidents' model). */
export const LegendControl = L.Control.extend({
  options: { position: 'panel', state: null, model: null },

  onAdd() {
    const root = L.DomUtil.create('section', 'legend');
    root.id = 'legend';
    root.setAttribute('aria-labelledby', 'legend-heading');
    const h = L.DomUtil.create('h2', 'casmap-panel-heading', root);
    h.id = 'legend-heading';
    h.textContent = 'Legend';
    heading(root, 'Incidents: colour is the type');
    const cats = list(root, 'legend-categories');
    this._counts = new Map();
    for (const [key, c] of Object.entries(CATEGORIES)) {
      const li = item(cats, `legend-${key}`, circleSwatch(c.color, { stroke: key === 'infrastructure' || key === 'diplomacy' ? '#333' : c.color }), c.label);
      li.dataset.category = key;
      const n = L.DomUtil.create('span', 'legend-count', li);
      this._counts.set(key, { li, n, label: c.label });
    }
    heading(root, 'Fill is the confidence');
    const confs = list(root, 'legend-confidence');
    for (const [key, c] of Object.entries(CONFIDENCE)) {
      item(confs, `legend-${key}`, circleSwatch('#333333', { fillOpacity: c.fillOpacity }), c.label).title = c.note;
    }
    heading(root, 'Size is the number killed');
    const sizes = list(root, 'legend-fatalities');
    for (const s of FATALITY_SIZES) item(sizes, 'legend-size', circleSwatch('#777777', { radius: s.radius, fillOpacity: 0.5 }), s.label);
    heading(root, 'Grey dashed ring: where the location is known');
    const rings = list(root, 'legend-precision');
    for (const [key, p] of Object.entries(PRECISION)) {
      if (!p.m) continue;
      item(rings, `legend-precision-${key}`, circleSwatch('#4d4d4d', { fillOpacity: 0.08, dash: '2 2' }), `${p.label}: within ${p.m / 1000} km`);
    }
    L.DomUtil.create('p', 'legend-note', root).textContent = 'No ring: the exact spot is known. A dark numbered circle stands for that many incidents close together; select it to zoom in.';
    const infra = L.DomUtil.create('div', 'infra-legend', root);
    this._asOf = L.DomUtil.create('h3', 'legend-subheading infra-asof', infra);
    const lines = list(infra, 'legend-status');
    for (const key of STATUSES) {
      const st = STATUS_STYLE[key];
      item(lines, `legend-status-${key}`, lineSwatch(st.color || '#34495e', st.dashArray, st.opacity), st.label);
    }
    L.DomUtil.create('p', 'legend-note', infra).textContent = 'TAPI, railways and power lines as they stood on that day: the “as of” day under the filters, else the end of the date range, else today.';
    this.options.state.on('filter', this._onFilter, this);
    this.options.model.on('change', this._onChange, this);
    this._onFilter();
    if (this.options.model.last) this._onChange(this.options.model.last);
    return root;
  },

  onRemove() {
    this.options.state.off('filter', this._onFilter, this);
    this.options.model.off('change', this._onChange, this);
  },

  _onFilter() {
    this._asOf.textContent = `Infrastructure as of ${this.options.state.asOf()}`;
  },

  _onChange({ facets }) {
    const chosen = this.options.state.filter.category;
    for (const [key, { li, n, label }] of this._counts) {
      const c = facets && (!chosen.length || chosen.includes(key)) ? facets.category[key] || 0 : facets ? 0 : null;
      n.textContent = c === null ? '' : String(c);
      n.dataset.count = String(c ?? '');
      L.DomUtil[c === 0 ? 'addClass' : 'removeClass'](li, 'is-empty');
      li.setAttribute('aria-label', c === null ? label : `${label}: ${c} shown`);
    }
  },
});
