// control-history.js: the history of the selected feature, for signed-in
// accounts: every published change with who, when, why and what changed,
// and for reviewers a revert to any earlier state.
import L from 'leaflet';

const el = (tag, cls, parent, text) => {
  const e = L.DomUtil.create(tag, cls, parent);
  if (text !== undefined) e.textContent = text;
  return e;
};

export const HistoryControl = L.Control.extend({
  options: { position: 'topleft', session: null, api: null, state: null, notify: () => {} },

  onAdd() {
    const root = el('section', 'casmap-history');
    root.setAttribute('aria-label', 'History of the selected feature');
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
    this._root = root;
    this.options.state.on('select', this._refresh, this);
    this.options.session.on('user datachange', this._refresh, this);
    this._refresh();
    return root;
  },

  onRemove() {
    this.options.state.off('select', this._refresh, this);
    this.options.session.off('user datachange', this._refresh, this);
  },

  async _refresh() {
    const root = this._root;
    const { sel } = this.options.state;
    root.replaceChildren();
    root.hidden = !sel || !this.options.session.user;
    if (root.hidden) return;
    el('h2', '', root, `History of ${sel.id}`);
    let h;
    try {
      h = await this.options.api.history(sel.layer, sel.id);
    } catch (err) {
      el('p', '', root, err.status === 404 ? 'No recorded changes.' : err.message);
      return;
    }
    if (!this.options.state.sel || this.options.state.sel.id !== sel.id) return;
    const list = el('ol', 'casmap-history-list', root);
    h.revisions.forEach((r, i) => {
      const item = el('li', 'casmap-revision', list);
      item.dataset.version = r.version;
      const by = r.reviewer && r.reviewer !== r.author ? `${r.author}, published by ${r.reviewer}` : r.author || 'casmap';
      el('strong', '', item, `${r.kind === 'edit' ? r.op : r.kind} · ${r.version}`);
      el('span', '', item, ` by ${by} on ${r.at.slice(0, 10)}`);
      el('p', 'casmap-revision-reason', item, r.reason || '(no reason recorded)');
      const what = [...(r.geometryChanged ? ['geometry'] : []), ...r.changedProperties];
      if (what.length) el('p', 'casmap-revision-changed', item, `Changed: ${what.join(', ')}`);
      if (this.options.session.can('reviewer') && i < h.revisions.length - 1) {
        const b = el('button', 'casmap-revert', item, 'Revert to this');
        b.type = 'button';
        L.DomEvent.on(b, 'click', () => this._revert(sel, r.version));
      }
    });
  },

  async _revert(sel, version) {
    // eslint-disable-next-line no-alert
    const reason = window.prompt(`Why revert ${sel.id} to ${version}?`);
    if (!reason) return;
    try {
      await this.options.api.revert(sel.layer, sel.id, version, reason);
      this.options.notify(`Reverted ${sel.id} to ${version}.`);
      this.options.session.changed({ layer: sel.layer });
    } catch (err) {
      this.options.notify(err.message);
    }
  },
});
