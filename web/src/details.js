// details.js is the details panel (a bottom sheet on a phone): it follows
// the state's selection, shows the selected feature's summary, properties,
// statements, milestones, where its position comes from and its sources,
// and clears the selection when the user closes it.
import L from 'leaflet';
import { titleOf } from './layer-common.js';
import { INFRA_LAYERS } from './style.js';
import { hasHistory, statusLabel, statusOn } from './status.js';
import {
  coordSection, milestonesSection, propertyList, sourcesSection, statementsSection,
} from './details-parts.js';

/**
 * DetailsPanel drives the #details element. Options: state, layers (id ->
 * map layer with feature(id), reveal(id), anchor(id)), collections (id ->
 * collection), api (for a feature the map has not loaded), map.
 */
export const DetailsPanel = L.Class.extend({
  options: { root: null, state: null, layers: null, collections: null, api: null, map: null },

  initialize(options) {
    L.setOptions(this, options);
    const root = this.options.root;
    this._title = root.querySelector('.details-title');
    this._layerLine = root.querySelector('.details-layer');
    this._body = root.querySelector('.details-body');
    L.DomEvent.on(root.querySelector('.details-close'), 'click', this._userClose, this);
    L.DomEvent.on(root, 'keydown', (e) => {
      if (e.key === 'Escape') this._userClose();
    });
    this._returnFocus = null;
    this._run = 0;
    this.options.state.on('select', this._onSelect, this);
    this.options.state.on('filter', this._onFilter, this);
  },

  /** current is {layer, id} of what the panel shows, or null. */
  current() {
    return this._current || null;
  },

  async _onSelect({ sel, reveal, focus }) {
    const run = ++this._run;
    if (!sel) {
      this._hide();
      return;
    }
    const opener = document.activeElement;
    const { layers, api, state, map } = this.options;
    const layer = layers.get(sel.layer);
    const collection = this.options.collections.get(sel.layer);
    if (!layer || !collection) {
      state.clearSelection({ push: false });
      return;
    }
    let feature = layer.feature(sel.id);
    if (!feature) {
      try {
        feature = await api.feature(sel.layer, sel.id);
      } catch {
        feature = null;
      }
      if (run !== this._run) return;
    }
    if (!feature) {
      state.clearSelection({ push: false });
      return;
    }
    if (reveal) {
      state.setVisible(sel.layer, true, { push: false });
      map.once('moveend', () => this._keepClear(layer.anchor(sel.id)));
      layer.reveal(sel.id, feature);
    }
    this._show(collection, feature, { focus, opener });
    if (!reveal && focus && feature.geometry && feature.geometry.type === 'Point') this._keepClear(layer.anchor(sel.id));
  },

  _onFilter() {
    const cur = this._current;
    if (cur && INFRA_LAYERS.includes(cur.collection.id)) this._show(cur.collection, cur.feature, { focus: false });
  },

  _show(collection, feature, { focus = true, opener = null } = {}) {
    const root = this.options.root;
    const props = feature.properties || {};
    const asOf = this.options.state.asOf();
    this._current = { layer: collection.id, id: String(feature.id), collection, feature };
    root.dataset.layer = collection.id;
    root.dataset.feature = String(feature.id);
    this._layerLine.textContent = collection.title || collection.id;
    this._title.textContent = titleOf(feature);
    const parts = [];
    if (INFRA_LAYERS.includes(collection.id) && hasHistory(props)) {
      const status = statusOn(props, asOf);
      const p = L.DomUtil.create('p', `details-asof details-asof-${status}`);
      p.textContent = `Status on ${asOf}: ${statusLabel(status)}`;
      parts.push(p);
    }
    if (props.summary) {
      const p = L.DomUtil.create('p', 'details-summary');
      p.textContent = props.summary;
      parts.push(p);
    }
    parts.push(propertyList(collection.id, props));
    if (props.note) {
      const p = L.DomUtil.create('p', 'details-note');
      p.textContent = props.note;
      parts.push(p);
    }
    if (Array.isArray(props.statements) && props.statements.length) parts.push(statementsSection(props.statements));
    if (Array.isArray(props.milestones) && props.milestones.length) parts.push(milestonesSection(props.milestones, asOf));
    const coords = coordSection(props.coord_source);
    if (coords) parts.push(coords);
    parts.push(sourcesSection(props.sources));
    this._body.replaceChildren(...parts);
    this._body.scrollTop = 0;
    root.hidden = false;
    L.DomUtil.addClass(document.body, 'details-open');
    if (focus) {
      if (opener && opener !== document.body && !root.contains(opener)) this._returnFocus = opener;
      this._title.focus({ preventScroll: true });
    }
  },

  _hide() {
    const root = this.options.root;
    this._current = null;
    if (root.hidden) return;
    root.hidden = true;
    L.DomUtil.removeClass(document.body, 'details-open');
  },

  // Closed by the user: focus goes back where it was before the panel opened.
  _userClose() {
    const back = this._returnFocus;
    this._returnFocus = null;
    this.options.state.clearSelection();
    this._hide();
    if (back && back.isConnected) back.focus({ preventScroll: true });
  },

  // keepClear pans the map when a selected point sits under the panel (the
  // side panel, or the bottom sheet on a phone).
  _keepClear(latlng) {
    const { map, root } = this.options;
    if (!latlng || root.hidden) return;
    const panel = root.getBoundingClientRect();
    const box = map.getContainer().getBoundingClientRect();
    const p = map.latLngToContainerPoint(latlng);
    const pad = 40;
    if (panel.width >= box.width - 1) {
      const top = panel.top - box.top;
      if (p.y > top - pad || p.y < pad) map.panBy([0, p.y - top / 2]);
    } else {
      const right = panel.right - box.left;
      if (p.x < right + pad || p.x > box.width - pad) map.panBy([p.x - (right + (box.width - right) / 2), 0]);
    }
  },
});
