// layer-labels.js draws names on the map: country, province and river
// names placed for the zoom (each name has the zoom range it shows in),
// optionally turned along a line, optionally clickable to open the feature
// it names. Only the names near the view are made, so a river named every
// few hundred pixels costs what the view shows; names placed per zoom (a
// river's) are only placed for the zooms the map is shown at. Names sit in
// their own pane, under the incidents, and follow the map in the frame
// after it moves, not in the task that moved it. With the avoid option
// (a selector of marks drawn above them), names step aside from those
// marks (make-way.js) when placed and when told the marks changed.
import L from 'leaflet';
import { ensurePane } from './layer-common.js';
import { wayFor } from './make-way.js';

/** SETTLE_MS is how long after the last change of marks or names that names make way. */
export const SETTLE_MS = 300;

/**
 * LabelLayer shows labels [{latlng, text, minZoom, maxZoom, className,
 * angle, onClick, title}] whose zoom range holds the map's zoom.
 */
export const LabelLayer = L.Layer.extend({
  options: { pane: 'names', labels: [], avoid: null },

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
    // The names that stay keep their elements (and the keyboard's focus).
    if (this._map) this._update();
  },

  onAdd(map) {
    ensurePane(map, this.options.pane);
    this._group = L.layerGroup().addTo(map);
    this._update();
  },

  onRemove(map) {
    L.Util.cancelAnimFrame(this._frame);
    L.Util.cancelAnimFrame(this._wayFrame);
    clearTimeout(this._wayTimer);
    this._frame = null;
    this._wayFrame = null;
    this._clear();
    map.removeLayer(this._group);
    this._group = null;
    // The other layers' names may have room now.
    map.fire('namesplaced');
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

  /**
   * makeWay moves the names out from under the marks options.avoid
   * selects (if any) and says the names are placed, once marks and names
   * have stopped moving: SETTLE_MS after
   * the last call (a cluster's or a zoom's animation is over by then),
   * in an animation frame. One read of the boxes per settled view, not
   * one per event: at a million incidents each read lays out the page.
   */
  makeWay() {
    clearTimeout(this._wayTimer);
    this._wayTimer = setTimeout(() => {
      L.Util.cancelAnimFrame(this._wayFrame);
      this._wayFrame = L.Util.requestAnimFrame(() => {
        this._wayFrame = null;
        if (!this._map) return;
        if (this.options.avoid) this._makeWay();
        this._map.fire('namesplaced');
      });
    }, SETTLE_MS);
  },

  _makeWay() {
    if (!this._markers.size) return;
    const marks = [...this._map.getContainer().querySelectorAll(this.options.avoid)]
      .map((el) => el.getBoundingClientRect()).filter((r) => r.width > 0);
    // The names' places are all read, then all written: one layout.
    const names = [...this._markers.values()].filter((m) => !m.label.angle && m.getElement()).map((m) => m.getElement())
      .map((el) => ({ text: el.firstChild, at: el.getBoundingClientRect(), size: el.firstChild.getBoundingClientRect() }));
    for (const { text, at, size } of names) {
      const dx = wayFor({ x: at.left, y: at.top }, { w: size.width, h: size.height }, marks);
      text.style.transform = dx === null ? '' : `translate(${Math.round(dx)}px, -50%)`;
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
    const want = new Map();
    for (const list of [this._labels, this._placedAt(z)]) {
      for (const label of list) {
        if (z >= (label.minZoom ?? 0) && z < (label.maxZoom ?? 99) && near.contains(label.latlng)) want.set(labelKey(label), label);
      }
    }
    for (const [key, m] of this._markers) {
      // A name that has the keyboard's focus stays until it loses it:
      // removing it would drop the focus to the page.
      if (want.has(key) || m.getElement()?.contains(document.activeElement)) continue;
      this._group.removeLayer(m);
      this._markers.delete(key);
    }
    for (const [key, label] of want) {
      const kept = this._markers.get(key);
      if (kept) {
        kept.label = label;
        continue;
      }
      const m = this._marker(label);
      this._markers.set(key, m);
      this._group.addLayer(m);
    }
    this.makeWay();
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
    m.label = label;
    if (label.onClick) {
      m.on('click', (e) => {
        L.DomEvent.stop(e);
        m.label.onClick();
      });
    }
    return m;
  },
});

// labelKey is what makes two labels the same mark on the map.
function labelKey(l) {
  const { lat, lng } = L.latLng(l.latlng);
  return [l.text, lat, lng, l.className || '', l.angle || 0, l.title || '', Boolean(l.onClick), l.minZoom ?? 0, l.maxZoom ?? 99].join('|');
}
