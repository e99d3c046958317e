// layer-common.js holds what every map layer kind shares: a feature's
// title, panes, keyboard access to features, safe attribution text, and
// the canvas area fills are painted on.
import L from 'leaflet';
import { paneZ } from './style.js';

/** titleOf is the heading of a feature: its title, name or id. */
export function titleOf(feature) {
  const p = (feature && feature.properties) || {};
  return String(p.title || p.name || p.name_en || feature.id || 'Untitled');
}

/** escapeHtml makes text safe for the few Leaflet options that take HTML (attribution). */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** attributionOf is a collection's attribution as Leaflet takes it (HTML), escaped. */
export function attributionOf(collection) {
  return collection.attribution ? escapeHtml(collection.attribution) : undefined;
}

/** ensurePane makes (once) the named pane at its z-index and returns its name. */
export function ensurePane(map, name, { interactive = true } = {}) {
  const pane = map.getPane(name) || map.createPane(name);
  pane.style.zIndex = String(paneZ(name));
  if (!interactive) pane.style.pointerEvents = 'none';
  return name;
}

/** textSpan is a span holding text, for tooltips. */
export function textSpan(text, className = '') {
  const span = L.DomUtil.create('span', className);
  span.textContent = text;
  return span;
}

/**
 * makeFocusable lets a vector feature be reached with Tab and opened with
 * Enter or Space. Leaflet makes a new SVG element each time a layer is
 * added (as clusters split and merge), so this runs on every add.
 */
export function makeFocusable(layer, label, open) {
  layer.on('add', () => {
    const node = layer.getElement && layer.getElement();
    if (!node) return;
    node.setAttribute('tabindex', '0');
    node.setAttribute('role', 'button');
    node.setAttribute('aria-label', label);
    L.DomEvent.on(node, 'keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        L.DomEvent.stop(e);
        open();
      }
    });
  });
}

/** isSelected reports whether state's selection is feature fid of layer id. */
export function isSelected(state, id, fid) {
  return Boolean(state.sel && state.sel.layer === id && state.sel.id === String(fid));
}

/**
 * FillCanvas is Leaflet's canvas renderer, made safe to take off the map
 * and put back. L.Canvas redraws at once after a zoom, forgetting (not
 * cancelling) the frame it had asked to redraw in; that frame could run
 * after removal, on a canvas gone. And the frame it cancels on removal
 * stayed noted as pending, so once back it never painted again.
 */
export const FillCanvas = L.Canvas.extend({
  onRemove() {
    L.Canvas.prototype.onRemove.call(this);
    this._redrawRequest = null;
  },

  _redraw() {
    if (this._ctx) L.Canvas.prototype._redraw.call(this);
  },
});
