// control-review.js: the review queue, for reviewers: each pending
// proposal with its author, reason, what it changes (before and after),
// and its sources to check; publish it, or reject it with a note.
import L from 'leaflet';

const el = (tag, cls, parent, text) => {
  const e = L.DomUtil.create(tag, cls, parent);
  if (text !== undefined) e.textContent = text;
  return e;
};

const show = (v) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

export const ReviewControl = L.Control.extend({
  options: { position: 'topleft', session: null, api: null, notify: () => {} },

  onAdd() {
    const root = el('section', 'leaflet-bar casmap-review');
    root.setAttribute('aria-label', 'Review queue');
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
    this._root = root;
    this._toggle = el('button', 'casmap-review-toggle', root, 'Review queue');
    this._toggle.type = 'button';
    this._toggle.setAttribute('aria-expanded', 'false');
    this._list = el('div', 'casmap-review-list', root);
    this._list.hidden = true;
    L.DomEvent.on(this._toggle, 'click', () => {
      this._list.hidden = !this._list.hidden;
      this._toggle.setAttribute('aria-expanded', String(!this._list.hidden));
      if (!this._list.hidden) this._refresh();
    });
    this.options.session.on('user proposed datachange', this._refresh, this);
    this._refresh();
    return root;
  },

  onRemove() {
    this.options.session.off('user proposed datachange', this._refresh, this);
  },

  async _refresh() {
    const s = this.options.session;
    this._root.hidden = !s.user;
    if (!s.user) return;
    let list;
    try {
      list = await this.options.api.proposals('pending');
    } catch (err) {
      this.options.notify(err.message);
      return;
    }
    this._toggle.textContent = `${s.can('reviewer') ? 'Review queue' : 'My proposals'} (${list.length})`;
    this._list.replaceChildren();
    if (!list.length) el('p', '', this._list, 'Nothing waits for review.');
    for (const p of list) this._proposal(p);
  },

  _proposal(p) {
    const item = el('article', 'casmap-proposal', this._list);
    item.dataset.proposal = String(p.id);
    el('h3', '', item, `#${p.id} ${p.op} ${p.layer}/${p.featureId}`);
    el('p', '', item, `by ${p.author}: ${p.reason}`);
    const table = el('table', 'casmap-diff', item);
    const head = el('tr', '', table);
    for (const h of ['', 'before', 'after']) el('th', '', head, h);
    const before = (p.before && p.before.properties) || {};
    const after = (p.after && p.after.properties) || {};
    for (const k of p.changedProperties.filter((x) => x !== 'sources')) {
      const row = el('tr', '', table);
      el('th', '', row, k);
      el('td', '', row, show(before[k]));
      el('td', '', row, show(after[k]));
    }
    if (p.geometryChanged) el('p', '', item, 'The geometry changes.');
    const src = el('ul', 'casmap-proposal-sources', item);
    for (const s of p.sources) {
      const li = el('li', '', src);
      const a = el('a', '', li, s.title || s.url || 'source');
      if (/^https?:\/\//.test(s.url || '')) a.href = s.url;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      el('span', '', li, ` ${[s.publisher, s.date].filter(Boolean).join(', ')}`);
    }
    if (!this.options.session.can('reviewer')) return;
    const note = el('input', 'casmap-review-note', item);
    note.type = 'text';
    note.placeholder = 'Note (needed to reject)';
    note.setAttribute('aria-label', `Note on proposal ${p.id}`);
    const pub = el('button', 'casmap-publish', item, 'Publish');
    pub.type = 'button';
    const rej = el('button', 'casmap-reject', item, 'Reject');
    rej.type = 'button';
    L.DomEvent.on(pub, 'click', () => this._decide(p, 'publish', note.value.trim()));
    L.DomEvent.on(rej, 'click', () => this._decide(p, 'reject', note.value.trim()));
  },

  async _decide(p, what, note) {
    try {
      await this.options.api[what](p.id, note);
      this.options.notify(what === 'publish' ? `Published #${p.id}.` : `Rejected #${p.id}.`);
      if (what === 'publish') this.options.session.changed({ layer: p.layer });
      else this._refresh();
    } catch (err) {
      this.options.notify(err.message);
    }
  },
});
