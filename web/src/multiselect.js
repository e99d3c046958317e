// multiselect.js is one multi-choice filter: a fieldset of checkboxes, one
// per value with how many incidents it would give, and for long lists a
// box that narrows the choices as you type. Ticking commits at once.
import L from 'leaflet';

/**
 * MultiSelect builds the fieldset for filter key (e.g. 'category').
 * Options: label, labels {value: text}, order (values always listed),
 * search (show the narrowing box), onChange(values).
 */
export const MultiSelect = L.Class.extend({
  options: { key: '', label: '', labels: {}, order: [], search: false, onChange: null },

  initialize(options) {
    L.setOptions(this, options);
    const { key, label } = this.options;
    this.element = L.DomUtil.create('fieldset', `filter-multi filter-multi-${key}`);
    this.element.id = `filter-${key.replace('_', '-')}`;
    const legend = L.DomUtil.create('legend', 'filter-multi-legend', this.element);
    legend.textContent = label;
    this._summary = L.DomUtil.create('span', 'filter-multi-summary', legend);
    if (this.options.search) {
      this._find = L.DomUtil.create('input', 'filter-multi-find', this.element);
      this._find.type = 'search';
      this._find.placeholder = `Find ${label.toLowerCase()}`;
      this._find.setAttribute('aria-label', `Find ${label.toLowerCase()}`);
      L.DomEvent.on(this._find, 'input', this._narrow, this);
    }
    this._list = L.DomUtil.create('ul', 'filter-multi-list', this.element);
    this._values = [];
    this._counts = {};
    this._chosen = [];
  },

  /** set shows the chosen values and the counts per value ({value: n}, or null when unknown). */
  set(chosen, counts) {
    this._chosen = chosen;
    if (counts !== undefined) this._counts = counts;
    const present = Object.keys(this._counts || {}).filter((v) => v !== '');
    const values = [...new Set([...this.options.order, ...present.sort((a, b) => this._label(a).localeCompare(this._label(b))), ...chosen])];
    this._values = values;
    this._render();
  },

  _label(v) {
    return this.options.labels[v] || v;
  },

  _render() {
    const key = this.options.key;
    const items = this._values.map((v, i) => {
      const li = L.DomUtil.create('li', 'filter-multi-item');
      const box = L.DomUtil.create('input', 'filter-multi-box', li);
      box.type = 'checkbox';
      box.id = `filter-${key}-${i}`;
      box.name = key;
      box.value = v;
      box.checked = this._chosen.includes(v);
      const label = L.DomUtil.create('label', 'filter-multi-label', li);
      label.htmlFor = box.id;
      label.textContent = this._label(v);
      const n = this._counts ? this._counts[v] || 0 : null;
      if (n !== null) {
        const c = L.DomUtil.create('span', 'filter-multi-count', label);
        c.textContent = String(n);
        if (n === 0 && !box.checked) L.DomUtil.addClass(li, 'is-empty');
      }
      L.DomEvent.on(box, 'change', this._emit, this);
      return li;
    });
    this._list.replaceChildren(...items);
    this._summary.textContent = this._chosen.length ? ` (${this._chosen.length} chosen)` : '';
    this._narrow();
  },

  _narrow() {
    if (!this._find) return;
    const q = this._find.value.trim().toLowerCase();
    for (const li of this._list.children) {
      const box = li.querySelector('input');
      li.hidden = Boolean(q) && !box.checked && !li.textContent.toLowerCase().includes(q);
    }
  },

  _emit() {
    const values = [...this._list.querySelectorAll('input:checked')].map((b) => b.value);
    if (this.options.onChange) this.options.onChange(values);
  },
});

/**
 * commitOnChange calls commit when a field's value is settled: at once when
 * it was picked (a date picker, a spinner), but after typing only on Enter
 * or on leaving the field, so each keystroke is not a filter of its own.
 */
export function commitOnChange(input, commit) {
  let typed = false;
  let last = input.value;
  const settle = () => {
    typed = false;
    if (input.value === last) return;
    last = input.value;
    commit(input.value);
  };
  L.DomEvent.on(input, 'keydown', (e) => {
    if (e.key === 'Enter') settle();
    else if (e.key.length === 1 || e.key === 'Backspace' || e.key === 'Delete' || e.key.startsWith('Arrow')) typed = true;
  });
  L.DomEvent.on(input, 'change', () => {
    if (!typed) settle();
  });
  L.DomEvent.on(input, 'blur', settle);
  return {
    /** show sets the value from the state without committing it. */
    show(value) {
      input.value = value;
      last = input.value;
    },
  };
}
