// search.js is the search box: it finds features by any of their names
// (English, Russian, local script, alternatives), ignoring case and
// diacritics, in a keyboard-navigable listbox, and hands the choice back.
import L from 'leaflet';

/** fold lowers case and strips diacritics so "Khorugh" finds "Khoróg". */
export function fold(text) {
  return String(text ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

const NAME_KEYS = ['name', 'title', 'name_ru', 'name_local', 'alt_names', 'location', 'iso_a3', 'name_en'];

// Where a name is found in several layers, places come first, then
// countries, rivers and provinces, then the rest.
const LAYER_RANK = { places: 0, borders: 1, rivers: 1, provinces: 2, gbao: 2 };

/** indexEntry makes the search entry of one feature of a layer. */
export function indexEntry(collection, feature, label) {
  const p = feature.properties || {};
  const names = [];
  for (const k of NAME_KEYS) {
    const v = p[k];
    if (Array.isArray(v)) names.push(...v.filter((x) => typeof x === 'string'));
    else if (typeof v === 'string' && v) names.push(v);
  }
  return {
    layer: collection.id,
    id: String(feature.id),
    label,
    layerTitle: collection.title || collection.id,
    detail: p.kind || p.date || p.status || '',
    keys: names.map(fold),
  };
}

/** rank orders matches: whole-word starts first, then substrings; places before others. */
export function searchIndex(entries, query, limit = 8) {
  const q = fold(query);
  if (q.length < 2) return [];
  const scored = [];
  for (const e of entries) {
    let best = Infinity;
    for (const k of e.keys) {
      if (k === q) best = Math.min(best, 0);
      else if (k.startsWith(q)) best = Math.min(best, 1);
      else if (k.split(/[\s\-–(),/]+/).some((w) => w.startsWith(q))) best = Math.min(best, 2);
      else if (k.includes(q)) best = Math.min(best, 3);
    }
    if (best < Infinity) scored.push({ e, score: best * 10 + (LAYER_RANK[e.layer] ?? 3) });
  }
  scored.sort((a, b) => a.score - b.score || a.e.label.localeCompare(b.e.label));
  return scored.slice(0, limit).map((s) => s.e);
}

/**
 * SearchBox is an L.Control with a combobox input and a listbox of results.
 * Options: onChoose(entry). Call setEntries(list) as layers load.
 */
export const SearchBox = L.Control.extend({
  options: { position: 'topleft', onChoose: null, placeholder: 'Search places and features' },

  initialize(options) {
    L.setOptions(this, options);
    this._entries = [];
    this._results = [];
    this._active = -1;
  },

  onAdd() {
    const root = L.DomUtil.create('div');
    root.className = 'casmap-search leaflet-bar';
    root.setAttribute('role', 'search');
    const label = L.DomUtil.create('label');
    label.className = 'visually-hidden';
    label.htmlFor = 'search-input';
    label.textContent = 'Search places and features';
    const input = L.DomUtil.create('input');
    input.id = 'search-input';
    input.type = 'search';
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.placeholder = this.options.placeholder;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', 'search-results');
    const list = L.DomUtil.create('ul');
    list.id = 'search-results';
    list.className = 'search-results';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Search results');
    list.hidden = true;
    root.append(label, input, list);
    this._input = input;
    this._list = list;

    this._onInput = () => this._update();
    this._onKey = (e) => this._key(e);
    // Close on blur, but late enough for a click on an option to land, and
    // not if focus came back to the box in the meantime.
    this._onBlur = () => setTimeout(() => {
      if (document.activeElement !== this._input) this._close();
    }, 150);
    L.DomEvent.on(input, 'input', this._onInput);
    L.DomEvent.on(input, 'keydown', this._onKey);
    L.DomEvent.on(input, 'blur', this._onBlur);
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
    return root;
  },

  onRemove() {
    L.DomEvent.off(this._input, 'input', this._onInput);
    L.DomEvent.off(this._input, 'keydown', this._onKey);
    L.DomEvent.off(this._input, 'blur', this._onBlur);
  },

  /** setEntries replaces what the box searches. */
  setEntries(entries) {
    this._entries = entries;
    if (this._input && this._input.value) this._update();
  },

  _update() {
    this._results = searchIndex(this._entries, this._input.value);
    this._active = this._results.length ? 0 : -1;
    this._render();
  },

  _render() {
    const items = this._results.map((r, i) => {
      const li = L.DomUtil.create('li');
      li.id = `search-option-${i}`;
      li.className = 'search-option';
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === this._active));
      const name = L.DomUtil.create('span');
      name.className = 'search-option-name';
      name.textContent = r.label;
      const meta = L.DomUtil.create('span');
      meta.className = 'search-option-meta';
      meta.textContent = [r.layerTitle, r.detail].filter(Boolean).join(' · ');
      li.append(name, meta);
      // The option is gone once chosen, so Leaflet could not tell the click
      // came from this control and would take it for a click on the map
      // (closing the details it opened): stop it here.
      L.DomEvent.on(li, 'mousedown', L.DomEvent.preventDefault);
      L.DomEvent.on(li, 'click', (e) => {
        L.DomEvent.stop(e);
        this._choose(i);
      });
      return li;
    });
    if (this._input.value && fold(this._input.value).length >= 2 && items.length === 0) {
      const li = L.DomUtil.create('li');
      li.className = 'search-empty';
      li.textContent = 'No matches';
      items.push(li);
    }
    this._list.replaceChildren(...items);
    const open = items.length > 0;
    this._list.hidden = !open;
    this._input.setAttribute('aria-expanded', String(open));
    if (this._active >= 0) {
      this._input.setAttribute('aria-activedescendant', `search-option-${this._active}`);
      const node = this._list.children[this._active];
      if (node && node.scrollIntoView) node.scrollIntoView({ block: 'nearest' });
    } else {
      this._input.removeAttribute('aria-activedescendant');
    }
  },

  _key(e) {
    const n = this._results.length;
    if (e.key === 'ArrowDown' && n) {
      this._active = (this._active + 1) % n;
      this._render();
      e.preventDefault();
    } else if (e.key === 'ArrowUp' && n) {
      this._active = (this._active - 1 + n) % n;
      this._render();
      e.preventDefault();
    } else if (e.key === 'Enter' && this._active >= 0) {
      this._choose(this._active);
      e.preventDefault();
    } else if (e.key === 'Escape') {
      if (!this._list.hidden) {
        this._close();
        e.preventDefault();
      } else {
        this._input.value = '';
      }
    }
  },

  _choose(i) {
    const r = this._results[i];
    if (!r) return;
    this._input.value = r.label;
    this._close();
    if (this.options.onChoose) this.options.onChoose(r);
  },

  _close() {
    this._results = [];
    this._active = -1;
    this._list.hidden = true;
    this._list.replaceChildren();
    this._input.setAttribute('aria-expanded', 'false');
    this._input.removeAttribute('aria-activedescendant');
  },
});
