// layer-name-space.js keeps the map's names out of each other's way: once
// the names of every layer are placed for a settled view (each label
// layer fires 'namesplaced' on the map), it takes all names on the map,
// in priority order (name-collide.js), and moves each that would run into
// one placed before it or off the map's edge to another place near its
// own, or hides it at that view. One pass per settled view, in an
// animation frame: positions come from where Leaflet put each name (no
// layout), and a name's box around its point is measured once and cached
// until its own offset changes (a place's name making way for a cluster)
// or the map is resized. The name the keyboard is on is never hidden.
import L from 'leaflet';
import { placeNames, rankOf } from './name-collide.js';

/** HIDDEN is the class of a name not shown at this view. */
const HIDDEN = 'casmap-name-hidden';

/**
 * NameSpaceLayer places the names (.casmap-name markers) of all layers
 * on its map. Options: avoid, a selector of marks that place names
 * (.casmap-place-name) must not be moved under.
 */
export const NameSpaceLayer = L.Layer.extend({
  options: { avoid: null },

  initialize(options) {
    L.setOptions(this, options);
    this._frame = null;
    this._sizes = new WeakMap();
    this._moves = new WeakMap();
  },

  onAdd() {
    this.place();
  },

  onRemove() {
    L.Util.cancelAnimFrame(this._frame);
    this._frame = null;
    for (const icon of this._icons()) {
      L.DomUtil.removeClass(icon, HIDDEN);
      if (icon.firstChild) icon.firstChild.style.translate = '';
    }
  },

  getEvents() {
    return { namesplaced: this.place, resize: this._resized };
  },

  /** place schedules one pass over the names, in the next animation frame. */
  place() {
    if (this._frame !== null) return;
    this._frame = L.Util.requestAnimFrame(() => {
      this._frame = null;
      if (this._map) this._place();
    });
  },

  _resized() {
    this._sizes = new WeakMap();
    this.place();
  },

  _icons() {
    return this._map ? [...this._map.getContainer().querySelectorAll('.leaflet-marker-icon.casmap-name')] : [];
  },

  _place() {
    const map = this._map;
    const size = map.getSize();
    const icons = this._icons().filter((icon) => icon.firstChild);
    // All reads first (the boxes not yet measured, the marks), then all writes.
    const origin = map.getContainer().getBoundingClientRect();
    const names = icons.map((icon) => this._name(icon, origin));
    const marks = this.options.avoid ? [...map.getContainer().querySelectorAll(this.options.avoid)]
      .map((el) => el.getBoundingClientRect()).filter((r) => r.width > 0)
      .map((r) => ({ left: r.left - origin.left, right: r.right - origin.left, top: r.top - origin.top, bottom: r.bottom - origin.top })) : [];
    const moves = placeNames(names, { left: 0, top: 0, right: size.x, bottom: size.y }, marks);
    icons.forEach((icon, i) => {
      const move = moves[i];
      const text = icon.firstChild;
      L.DomUtil[move ? 'removeClass' : 'addClass'](icon, HIDDEN);
      const m = move || { dx: 0, dy: 0 };
      this._moves.set(text, m);
      text.style.translate = m.dx || m.dy ? `${Math.round(m.dx)}px ${Math.round(m.dy)}px` : '';
    });
  },

  // name is what placeNames needs of one name: its unmoved box in map
  // container pixels, from where Leaflet put its marker and its cached
  // box around that point.
  _name(icon, origin) {
    const text = icon.firstChild;
    const at = this._map.layerPointToContainerPoint(L.DomUtil.getPosition(icon));
    let size = this._sizes.get(text);
    if (!size || size.transform !== text.style.transform) {
      const r = text.getBoundingClientRect();
      const moved = this._moves.get(text) || { dx: 0, dy: 0 };
      const x = r.left - origin.left - at.x - Math.round(moved.dx);
      const y = r.top - origin.top - at.y - Math.round(moved.dy);
      size = { transform: text.style.transform, left: x, top: y, right: x + r.width, bottom: y + r.height };
      this._sizes.set(text, size);
    }
    const place = icon.classList.contains('casmap-place-name');
    return {
      box: { left: at.x + size.left, right: at.x + size.right, top: at.y + size.top, bottom: at.y + size.bottom },
      anchorX: at.x,
      rank: rankOf(icon.classList),
      place,
      turned: Boolean(text.style.transform && text.style.transform.includes('rotate')),
      kept: icon.contains(document.activeElement),
      avoidMarks: place,
    };
  },
});
