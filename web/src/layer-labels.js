// layer-labels.js draws names on the map: country, province and river
// names placed for the zoom (each name has the zoom range it shows in),
// optionally turned along a line, optionally clickable to open the feature
// it names. Only the names near the view are made, so a river named every
// few hundred pixels costs what the view shows. Names sit in their own
// pane, under the incidents.
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
    this._markers = new Map();
  },

  /** setLabels replaces the labels. */
  setLabels(labels) {
    this._labels = labels;
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
    this._clear();
    map.removeLayer(this._group);
    this._group = null;
  },

  getEvents() {
    return { zoomend: this._update, moveend: this._update };
  },

  _clear() {
    this._group.clearLayers();
    this._markers.clear();
  },

  _update() {
    const z = this._map.getZoom();
    const near = this._map.getBounds().pad(0.25);
    this._labels.forEach((label, i) => {
      const want = z >= (label.minZoom ?? 0) && z < (label.maxZoom ?? 99) && near.contains(label.latlng);
      const have = this._markers.get(i);
      if (want && !have) {
        const m = this._marker(label);
        this._markers.set(i, m);
        this._group.addLayer(m);
      } else if (!want && have) {
        this._group.removeLayer(have);
        this._markers.delete(i);
      }
    });
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
