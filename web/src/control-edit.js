// control-edit.js: the editing toolbar for signed-in accounts. Points and
// lines are drawn and moved with leaflet-geoman on a working copy of the
// feature, then saved through the property form (edit-form.js): for an
// editor the save is a proposal, for a reviewer it is published.
import L from 'leaflet';
import '@geoman-io/leaflet-geoman-free';

const el = (tag, cls, parent, text) => {
  const e = L.DomUtil.create(tag, cls, parent);
  if (text !== undefined) e.textContent = text;
  return e;
};

const kindOf = (c) => String(c.geometryKind || c.geometry || '');
// The working copy is drawn in a pane of its own, above every layer.
const PANE = 'casmapEdit';
const WORKING = { color: '#d0021b', weight: 4, radius: 8, fillOpacity: 0.6, pane: PANE };

/**
 * EditControl options: session (EditSession), api (the edit API), state
 * (AppState: the selected feature), form (EditForm), collections (the
 * layers, to choose where a new feature goes), notify(text) to tell the
 * person what happened.
 */
export const EditControl = L.Control.extend({
  options: { position: 'topleft', session: null, api: null, state: null, form: null, collections: [], notify: () => {} },

  onAdd(map) {
    const root = el('div', 'leaflet-bar casmap-edit');
    root.setAttribute('role', 'toolbar');
    root.setAttribute('aria-label', 'Edit the map');
    L.DomEvent.disableClickPropagation(root);
    this._root = root;
    if (!map.getPane(PANE)) map.createPane(PANE).style.zIndex = 640;
    map.pm.setGlobalOptions({
      snappable: false, pathOptions: WORKING, templineStyle: WORKING, hintlineStyle: { ...WORKING, dashArray: '5,5' },
      panes: { layerPane: PANE, vertexPane: 'markerPane', markerPane: 'markerPane' },
    });
    const targets = el('select', 'casmap-edit-layer', root);
    targets.setAttribute('aria-label', 'Layer of the new feature');
    for (const c of this.options.collections) {
      if (/Point|LineString/.test(kindOf(c))) el('option', '', targets, c.title || c.id).value = c.id;
    }
    this._targets = targets;
    this._button('Add a point', () => this._draw('CircleMarker'));
    this._button('Add a line', () => this._draw('Line'));
    this._editBtn = this._button('Edit the selected feature', () => this._editSelected());
    this._deleteBtn = this._button('Delete the selected feature', () => this._deleteSelected());
    map.on('pm:create', this._created, this);
    this.options.session.on('user', this._show, this);
    this.options.state.on('select', this._show, this);
    this._show();
    return root;
  },

  onRemove(map) {
    map.off('pm:create', this._created, this);
    this.options.session.off('user', this._show, this);
    this.options.state.off('select', this._show, this);
    this._clearWorking();
  },

  _button(label, fn) {
    const b = el('button', 'casmap-edit-btn', this._root, label);
    b.type = 'button';
    L.DomEvent.on(b, 'click', fn);
    return b;
  },

  _show() {
    this._root.hidden = !this.options.session.user;
    const sel = this.options.state.sel;
    this._editBtn.disabled = !sel;
    this._deleteBtn.disabled = !sel;
  },

  _draw(shape) {
    this._clearWorking();
    const c = this.options.collections.find((x) => x.id === this._targets.value);
    const want = shape === 'Line' ? 'LineString' : 'Point';
    if (!c || !kindOf(c).includes(want)) {
      this.options.notify(`Layer ${c ? c.title : '?'} holds no ${want === 'Point' ? 'points' : 'lines'}: choose another.`);
      return;
    }
    this._map.pm.enableDraw(shape, { continueDrawing: false });
  },

  _created({ layer }) {
    this._map.pm.disableDraw();
    this._working = layer;
    const target = this._targets.value;
    this.options.form.open({ layer: target, title: `New feature in ${target}` }, {
      onCancel: () => this._clearWorking(),
      onSubmit: async ({ properties, reason }) => {
        const feature = { type: 'Feature', geometry: layer.toGeoJSON().geometry, properties };
        const r = await this.options.api.create(target, feature, reason);
        this._done(r, target);
      },
    });
  },

  async _editSelected() {
    const { sel } = this.options.state;
    if (!sel) return;
    const { feature, etag } = await this.options.api.feature(sel.layer, sel.id);
    this._clearWorking();
    const copy = L.geoJSON(feature, { pointToLayer: (f, ll) => L.circleMarker(ll, WORKING), style: () => WORKING }).addTo(this._map);
    copy.eachLayer((l) => l.pm.enable({ draggable: true }));
    this._working = copy;
    this.options.form.open({ layer: sel.layer, properties: feature.properties, title: `Edit ${sel.id}` }, {
      onCancel: () => this._clearWorking(),
      onSubmit: async ({ properties, reason }) => {
        let geometry = feature.geometry;
        copy.eachLayer((l) => { geometry = l.toGeoJSON().geometry; });
        const body = { type: 'Feature', id: sel.id, geometry, properties };
        const r = await this.options.api.replace(sel.layer, sel.id, body, etag, reason);
        this._done(r, sel.layer);
      },
    });
  },

  async _deleteSelected() {
    const { sel } = this.options.state;
    if (!sel) return;
    // eslint-disable-next-line no-alert
    const reason = window.prompt(`Why delete ${sel.id}?`);
    if (!reason) return;
    try {
      const { etag } = await this.options.api.feature(sel.layer, sel.id);
      this._done(await this.options.api.remove(sel.layer, sel.id, etag, reason), sel.layer);
    } catch (err) {
      this.options.notify(err.message);
    }
  },

  _done(r, layer) {
    this._clearWorking();
    if (r.status === 202) {
      this.options.notify('Proposed: a reviewer will check it before it is on the map.');
      this.options.session.fire('proposed', { layer });
    } else {
      this.options.notify('Published.');
      this.options.session.changed({ layer });
    }
  },

  _clearWorking() {
    if (this._working && this._map) {
      if (this._working.pm) this._working.pm.disable();
      this._map.removeLayer(this._working);
    }
    this._working = null;
  },
});
