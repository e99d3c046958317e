// layer-labels.js draws names on the map: country, province and river
// names placed for the zoom (each name has the zoom range it shows in),
// optionally turned along a line, optionally clickable to open the feature
// it names. Only the names near the view are made, so a river named every
// few hundred pixels costs what the view shows; names placed per zoom (a
// river's) are only placed for the zooms the map is shown at. Names sit in
// their own pane, under the incidents, and follow the map in the frame
// after it moves, not in the task that moved it.
import L from 'leaflet';
import { ensurePane } from './layer-common.js';

/**
 * LabelLayer shows labels [{latlng, text, minZoom, maxZoom, className,
 * angle, onClick, title}] whose zoom range holds the map's zoom.
 */
export const LabelLayer = L.Layer.extend({
  options: { pane: 'names', labels: [] },

  initialize(options) {
    L.setOptions(this, options);
    this._labels = this.options.labels;
    this._atZoom = null;
    this._byZoom = new Map();
    this._markers = new Map();
    this._frame = null;
  },

  /**
   * setLabels replaces the labels. atZoom(z), if given, places more labels
   * for the whole zoom z (from maxAtZoom on, for all closer zooms): asked
   * once per zoom the map is shown at.
   */
  setLabels(labels, { atZoom = null, maxAtZoom = 99 } = {}) {
    this._labels = labels;
    this._atZoom = atZoom;
    this._maxAtZoom = maxAtZoom;
    this._byZoom.clear();
    if (this._map) {
      this._clear();
      this._update();
    }
  },

  onAdd(map) {
    ensurePane(map, this.options.pane);
    this._group = L.layerGroup().addTo(map);
    this._update();
  },

  onRemove(map) {
    L.Util.cancelAnimFrame(this._frame);
    this._frame = null;
    this._clear();
    map.removeLayer(this._group);
    this._group = null;
  },

  getEvents() {
    return { zoomend: this._schedule, moveend: this._schedule };
  },

  _schedule() {
    if (this._frame === null) {
      this._frame = L.Util.requestAnimFrame(() => {
        this._frame = null;
        if (this._map) this._update();
      });
    }
  },

  _clear() {
    this._group.clearLayers();
    this._markers.clear();
  },

  // placedAt is the labels placed for zoom z by atZoom, placed once.
  _placedAt(z) {
    if (!this._atZoom) return [];
    const k = Math.min(Math.floor(z), this._maxAtZoom);
    if (!this._byZoom.has(k)) this._byZoom.set(k, this._atZoom(k).map((l) => ({ ...l, minZoom: k, maxZoom: k === this._maxAtZoom ? 99 : k + 1 })));
    return this._byZoom.get(k);
  },

  _update() {
    const z = this._map.getZoom();
    const near = this._map.getBounds().pad(0.25);
    const want = new Set();
    for (const list of [this._labels, this._placedAt(z)]) {
      for (const label of list) {
        if (z >= (label.minZoom ?? 0) && z < (label.maxZoom ?? 99) && near.contains(label.latlng)) want.add(label);
      }
    }
    for (const [label, m] of this._markers) {
      if (want.has(label)) continue;
      this._group.removeLayer(m);
      this._markers.delete(label);
    }
    for (const label of want) {
      if (this._markers.has(label)) continue;
      const m = this._marker(label);
      this._markers.set(label, m);
      this._group.addLayer(m);
    }
  },

  _marker(label) {
    const html = L.DomUtil.create(label.onClick ? 'button' : 'span', `casmap-name-text`);
    html.textContent = label.text;
    if (label.onClick) {
      html.type = 'button';
      html.title = label.title || label.text;
    }
    if (label.angle) html.style.transform = `translate(-50%, -50%) rotate(${label.angle}deg)`;
    const icon = L.divIcon({ html, className: `casmap-name ${label.className || ''}`, iconSize: null });
    const m = L.marker(label.latlng, {
      icon, pane: this.options.pane, interactive: Boolean(label.onClick), keyboard: false, title: '',
    });
    if (label.onClick) {
      m.on('click', (e) => {
        L.DomEvent.stop(e);
        label.onClick();
      });
    }
    return m;
  },
});
