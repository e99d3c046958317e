// control-filters.js is the incident filter section: dates (committed when
// settled, not per keystroke), infrastructure "as of" (its own day,
// following the end of the range until set), multi-choice type,
// confidence, country, actor group and actor, a fatalities range and a
// distance. It keeps no filter of its own: it shows the state's and
// patches it.
import L from 'leaflet';
import { CATEGORIES, CONFIDENCE } from './style.js';
import {
  DEFAULT_KM, MAX_KM, NEAR_TARGETS, describeFilter, isEmpty,
} from './filters.js';
import { MultiSelect, commitOnChange } from './multiselect.js';

/** ACTOR_GROUPS are the actor groups of SCHEMA.md, in the order listed. */
export const ACTOR_GROUPS = ['ISKP', 'Taliban', 'TTP', 'Other militants', 'Anti-Taliban resistance', 'Government', 'Protesters', 'Unknown'];

const labelsOf = (obj) => Object.fromEntries(Object.entries(obj).map(([k, c]) => [k, c.label]));

function field(parent, text, input) {
  const wrap = L.DomUtil.create('div', 'filter-field', parent);
  const label = L.DomUtil.create('label', '', wrap);
  label.textContent = text;
  label.htmlFor = input.id;
  wrap.append(input);
  return wrap;
}

function input(type, id, className = 'filter-input') {
  const el = L.DomUtil.create('input', className);
  el.type = type;
  el.id = id;
  return el;
}

/** FilterControl. Options: state, model, countryNames {ISO3: name}. */
export const FilterControl = L.Control.extend({
  options: { position: 'panel', state: null, model: null, countryNames: {} },

  onAdd() {
    const { state } = this.options;
    const root = L.DomUtil.create('section', 'filters');
    root.setAttribute('aria-labelledby', 'filters-heading');
    const h = L.DomUtil.create('h2', 'casmap-panel-heading', root);
    h.id = 'filters-heading';
    h.textContent = 'Filter incidents';
    const dates = L.DomUtil.create('div', 'filter-dates', root);
    const from = input('date', 'filter-from', 'filter-date');
    const to = input('date', 'filter-to', 'filter-date');
    field(dates, 'From', from);
    field(dates, 'To', to);
    const asof = input('date', 'filter-asof', 'filter-date');
    field(L.DomUtil.create('div', 'filter-asof-row', root), 'Infrastructure as of', asof);
    this._asofNote = L.DomUtil.create('p', 'legend-note filter-asof-note', root);
    this._dates = {
      from: commitOnChange(from, (v) => state.patchFilter({ from: v })),
      to: commitOnChange(to, (v) => state.patchFilter({ to: v })),
      asof: commitOnChange(asof, (v) => state.patchFilter({ asof: v })),
    };
    this._multi = {};
    const labels = { category: labelsOf(CATEGORIES), confidence: labelsOf(CONFIDENCE), country: this.options.countryNames };
    const specs = [
      ['category', 'Type', Object.keys(CATEGORIES)], ['confidence', 'Confidence', Object.keys(CONFIDENCE)],
      ['actor_group', 'Actor group', ACTOR_GROUPS], ['country', 'Country', []], ['actor', 'Actor', [], true],
    ];
    for (const [key, label, order, search] of specs) {
      const m = new MultiSelect({ key, label, labels: labels[key] || {}, order, search, onChange: (v) => state.patchFilter({ [key]: v }) });
      this._multi[key] = m;
      root.append(m.element);
    }
    const fat = L.DomUtil.create('fieldset', 'filter-fatalities', root);
    L.DomUtil.create('legend', 'filter-multi-legend', fat).textContent = 'Killed';
    const fmin = input('number', 'filter-fmin');
    const fmax = input('number', 'filter-fmax');
    for (const el of [fmin, fmax]) {
      el.min = '0';
      el.step = '1';
      el.inputMode = 'numeric';
    }
    field(fat, 'at least', fmin);
    field(fat, 'at most', fmax);
    this._fat = {
      fmin: commitOnChange(fmin, (v) => state.patchFilter({ fmin: v })),
      fmax: commitOnChange(fmax, (v) => state.patchFilter({ fmax: v })),
    };
    this._near = this._nearRow(root);
    const foot = L.DomUtil.create('div', 'filter-foot', root);
    this._summary = L.DomUtil.create('p', 'filter-summary', foot);
    this._summary.setAttribute('aria-live', 'polite');
    this._reset = L.DomUtil.create('button', 'filter-reset', foot);
    this._reset.type = 'button';
    this._reset.textContent = 'Clear filters';
    L.DomEvent.on(this._reset, 'click', () => state.setFilter({ asof: state.filter.asof }));
    this._description = L.DomUtil.create('p', 'filter-description', root);
    this._description.id = 'filter-description';
    this._root = root;
    state.on('filter', this._show, this);
    this.options.model.on('change', this._onChange, this);
    this.options.model.on('busy', this._onBusy, this);
    this._show();
    if (this.options.model.last) this._onChange(this.options.model.last);
    return root;
  },

  onRemove() {
    this.options.state.off('filter', this._show, this);
    this.options.model.off('change', this._onChange, this);
    this.options.model.off('busy', this._onBusy, this);
  },

  /** describe says the filter in words, with the page's labels. */
  describe(f) {
    return describeFilter(f, { category: labelsOf(CATEGORIES), confidence: labelsOf(CONFIDENCE), country: this.options.countryNames });
  },

  _nearRow(root) {
    const { state } = this.options;
    const row = L.DomUtil.create('fieldset', 'filter-near', root);
    L.DomUtil.create('legend', 'filter-near-legend', row).textContent = 'Near';
    const km = input('number', 'filter-km', 'filter-km');
    km.min = '1';
    km.max = String(MAX_KM);
    km.step = '1';
    km.inputMode = 'numeric';
    const kmLabel = L.DomUtil.create('label', '', row);
    kmLabel.textContent = 'Incidents within';
    kmLabel.htmlFor = km.id;
    row.append(km);
    const target = L.DomUtil.create('select', 'filter-select filter-near-target');
    target.id = 'filter-near';
    target.append(new Option('anything (no distance filter)', ''));
    for (const [value, label] of Object.entries(NEAR_TARGETS)) target.append(new Option(label, value));
    const tLabel = L.DomUtil.create('label', '', row);
    tLabel.textContent = 'km of';
    tLabel.htmlFor = target.id;
    row.append(target);
    L.DomEvent.on(target, 'change', () => state.patchFilter({ near: target.value, km: target.value ? km.value : '' }));
    const kmField = commitOnChange(km, (v) => {
      const n = Number(v);
      const clean = !Number.isFinite(n) || n <= 0 ? String(DEFAULT_KM) : String(Math.min(n, MAX_KM));
      kmField.show(clean);
      if (target.value) state.patchFilter({ km: clean });
    });
    return { target, km: kmField };
  },

  _show() {
    const f = this.options.state.filter;
    for (const k of ['from', 'to', 'asof']) this._dates[k].show(f[k]);
    this._asofNote.textContent = f.asof ? '' : `Follows the end of the date range: ${this.options.state.asOf()}.`;
    this._fat.fmin.show(f.fmin);
    this._fat.fmax.show(f.fmax);
    this._near.target.value = f.near;
    this._near.km.show(f.km || String(DEFAULT_KM));
    for (const [k, m] of Object.entries(this._multi)) m.set(f[k]);
    this._reset.disabled = isEmpty(f);
    this._description.textContent = this.describe(f);
  },

  _onChange({ matched, total, facets }) {
    const f = this.options.state.filter;
    for (const [k, m] of Object.entries(this._multi)) m.set(f[k], facets ? facets[k] : null);
    this._summary.textContent = isEmpty(f) ? `${total} incidents` : `${matched ?? '?'} of ${total} incidents`;
  },

  _onBusy({ busy }) {
    this._root.setAttribute('aria-busy', String(busy));
  },
});
