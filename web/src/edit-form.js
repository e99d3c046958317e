// edit-form.js: the form for a feature's properties: its name, its sources
// (at least one, each with title, publisher, URL and the date it was
// published, or for a source that says when it was read, that), where its
// coordinates come from, any other properties as JSON, and the reason for
// the change. The server checks everything again with the import's rules
// and its refusal is shown here.
import L from 'leaflet';

const el = (tag, cls, parent, text) => {
  const e = L.DomUtil.create(tag, cls, parent);
  if (text !== undefined) e.textContent = text;
  return e;
};

const SOURCE_FIELDS = [['title', 'Title', 'text'], ['publisher', 'Publisher', 'text'], ['url', 'URL', 'url'], ['date', 'Date', 'date']];
const OWN = new Set(['name', 'title', 'sources', 'coord_source']);

/** nameKey is the property a layer names its features by. */
export const nameKey = (layer, props = {}) => ('title' in props || layer === 'incidents' ? 'title' : 'name');

function input(parent, label, type, value, name) {
  const l = el('label', 'casmap-form-field', parent);
  el('span', '', l, label);
  const i = el(type === 'textarea' ? 'textarea' : 'input', '', l);
  if (type !== 'textarea') i.type = type;
  i.name = name;
  i.value = value ?? '';
  return i;
}

/**
 * EditForm is a dialog over the map. open({layer, properties, title}) shows
 * it for a feature; onSubmit({properties, reason}) must return a promise
 * and rejects with an error whose message the form shows.
 */
export const EditForm = L.Control.extend({
  options: { position: 'topright' }, // after the layer panel, so it is drawn over it

  onAdd() {
    const root = el('section', 'casmap-edit-form');
    root.hidden = true;
    root.setAttribute('aria-label', 'Feature properties');
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
    this._root = root;
    return root;
  },

  onRemove() {
    this.close();
  },

  close() {
    if (this._root) {
      this._root.hidden = true;
      this._root.replaceChildren();
    }
    if (this._onCancel) this._onCancel();
    this._onCancel = null;
  },

  /** open shows the form; onSubmit saves, onCancel runs when it closes unsaved. */
  open({ layer, properties = {}, title = 'New feature' }, { onSubmit, onCancel = null }) {
    this.close();
    this._onCancel = onCancel;
    const root = this._root;
    root.hidden = false;
    el('h2', '', root, title);
    const form = el('form', '', root);
    const key = nameKey(layer, properties);
    const name = input(form, key === 'title' ? 'Title' : 'Name', 'text', properties[key], key);
    name.required = true;
    const sources = el('fieldset', 'casmap-form-sources', form);
    el('legend', '', sources, 'Sources (at least one)');
    const list = el('div', '', sources);
    // Each row keeps the source it shows, so what the form has no field
    // for (when it was read, a note) is saved as it was.
    const kept = new WeakMap();
    const addSource = (s = {}) => {
      const row = el('div', 'casmap-form-source', list);
      kept.set(row, s);
      for (const [k, label, type] of SOURCE_FIELDS) {
        // A source that says when it was read needs no publication date.
        input(row, label, type, s[k], `source-${k}`).required = !(k === 'date' && s.accessed);
      }
    };
    for (const s of Array.isArray(properties.sources) && properties.sources.length ? properties.sources : [{}]) addSource(s);
    const more = el('button', '', sources, 'Add a source');
    more.type = 'button';
    L.DomEvent.on(more, 'click', () => addSource());
    const cs = properties.coord_source || {};
    const where = input(form, 'Where the coordinates come from', 'text', cs.note || cs.title || 'placed by casmap on ', 'coord-note');
    where.required = true;
    const rest = Object.fromEntries(Object.entries(properties).filter(([k]) => !OWN.has(k)));
    const other = input(form, 'Other properties (JSON)', 'textarea', JSON.stringify(rest, null, 1), 'other');
    const reason = input(form, 'Reason for the change', 'text', '', 'reason');
    reason.required = true;
    const msg = el('p', 'casmap-form-msg', form);
    msg.setAttribute('role', 'alert');
    const save = el('button', 'casmap-form-save', form, 'Save');
    save.type = 'submit';
    const cancel = el('button', '', form, 'Cancel');
    cancel.type = 'button';
    L.DomEvent.on(cancel, 'click', () => this.close());
    L.DomEvent.on(form, 'submit', async (e) => {
      L.DomEvent.preventDefault(e);
      msg.textContent = '';
      let props;
      try {
        props = this._collect({ key, name, list, kept, where, other, cs });
      } catch (err) {
        msg.textContent = err.message;
        return;
      }
      save.disabled = true;
      try {
        await onSubmit({ properties: props, reason: reason.value.trim() });
        this._onCancel = null;
        this.close();
      } catch (err) {
        msg.textContent = err.message;
      } finally {
        save.disabled = false;
      }
    });
    name.focus();
  },

  _collect({ key, name, list, kept, where, other, cs }) {
    let rest = {};
    if (other.value.trim()) {
      try { rest = JSON.parse(other.value); } catch { throw new Error('Other properties are not valid JSON.'); }
      if (!rest || typeof rest !== 'object' || Array.isArray(rest)) throw new Error('Other properties must be a JSON object.');
    }
    const sources = [...list.querySelectorAll('.casmap-form-source')].map((row) => {
      const s = { ...kept.get(row) };
      for (const [k] of SOURCE_FIELDS) {
        const v = row.querySelector(`[name="source-${k}"]`).value.trim();
        if (v) s[k] = v;
        else delete s[k];
      }
      return s;
    }).filter((s) => SOURCE_FIELDS.some(([k]) => s[k]));
    if (!sources.length || sources.some((s) => !s.title || !s.publisher || !s.url || !(s.date || s.accessed))) {
      throw new Error('Every source needs a title, a publisher, a URL and a date (published, or read).');
    }
    const note = where.value.trim();
    const coord = note.startsWith('placed by casmap on ')
      ? { kind: 'placed', note }
      : { ...cs, kind: 'source', title: note, publisher: cs.publisher || sources[0].publisher, url: cs.url || sources[0].url, date: cs.date || sources[0].date };
    return { ...rest, [key]: name.value.trim(), sources, coord_source: coord };
  },
});
