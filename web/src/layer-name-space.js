// layer-name-space.js keeps the map's names out of each other's way and
// out from under what covers the map: once the names of every layer are
// placed for a settled view (each label layer fires 'namesplaced' on the
// map), once the incident marks have settled (the state's 'marks') and
// when a control or panel over the map changes size, it takes all names
// on the map, in priority order (name-collide.js), and moves each that
// would run into one placed before it, sit under a control or a panel
// over the map (placed first), sit under incident marks (a place's name)
// or clusters (an area's name), or leave the map, to another place near
// its own, or hides it at that view. One pass per settled view, in an
// animation frame, all reads before all writes: positions come from
// where Leaflet put each name (no layout), the covers' and marks' boxes
// are read once per pass, and a name's box around its point is measured
// once and cached until its own offset changes (a place's name making
// way for a cluster) or the map is resized. The name the keyboard is on
// is never hidden.
import L from 'leaflet';
import { SETTLE_MS } from './layer-labels.js';
import { avoidsOf, placeNames, rankOf } from './name-collide.js';

/** HIDDEN is the class of a name not shown at this view. */
const HIDDEN = 'casmap-name-hidden';

/** CONTROLS selects Leaflet's controls in the map's corners (a panel's parts lie inside it). */
const CONTROLS = '.leaflet-top > .leaflet-control, .leaflet-bottom > .leaflet-control';

/**
 * NameSpaceLayer places the names (.casmap-name markers) of all layers
 * on its map. Options: avoid, a selector of the incident marks place
 * names must not be moved under; clusters, those of them area names must
 * not be moved under either; covers, a selector of the controls in the
 * map (Leaflet's own by default); panels, a selector of page elements
 * that may lie over the map (the details); state, whose 'marks' event
 * says the incident marks changed.
 */
export const NameSpaceLayer = L.Layer.extend({
  options: {
    avoid: null, clusters: null, covers: CONTROLS, panels: null, state: null,
  },

  initialize(options) {
    L.setOptions(this, options);
    this._frame = null;
    this._settle = null;
    this._sizes = new WeakMap();
    this._moves = new WeakMap();
    this._observer = null;
  },

  onAdd(map) {
    if (this.options.state) this.options.state.on('marks', this._marksMoved, this);
    // A control or panel that opens, folds or grows changes what is covered.
    this._observer = new ResizeObserver(() => this.place());
    for (const el of this._watched(map)) this._observer.observe(el);
    L.DomEvent.on(map.getContainer(), 'transitionend', this._slid, this);
    this.place();
  },

  onRemove(map) {
    if (this.options.state) this.options.state.off('marks', this._marksMoved, this);
    this._observer.disconnect();
    this._observer = null;
    L.DomEvent.off(map.getContainer(), 'transitionend', this._slid, this);
    clearTimeout(this._settle);
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

  // watched is what may cover the map and change size: the corners that
  // hold the controls, and the panels.
  _watched(map) {
    const corners = [...map.getContainer().querySelectorAll('.leaflet-control-container > div')];
    return this.options.panels ? [...corners, ...document.querySelectorAll(this.options.panels)] : corners;
  },

  // slid places the names again once the controls have slid aside (for
  // the details panel).
  _slid(e) {
    if (e.target.parentElement && e.target.parentElement.classList.contains('leaflet-control-container')) this.place();
  },

  // marksMoved places the names again once the incident marks have
  // settled, a frame after the place names have stepped aside from them
  // (their layer waits as long), so both read the same marks.
  _marksMoved() {
    clearTimeout(this._settle);
    this._settle = setTimeout(() => L.Util.requestAnimFrame(() => this.place()), SETTLE_MS);
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
    const bounds = { left: 0, top: 0, right: size.x, bottom: size.y };
    const icons = this._icons().filter((icon) => icon.firstChild);
    // All reads first (the boxes not yet measured, the covers, the marks), then all writes.
    const origin = map.getContainer().getBoundingClientRect();
    const names = icons.map((icon) => this._name(icon, origin));
    const covers = this._boxes(map.getContainer(), this.options.covers, origin, bounds, true);
    if (this.options.panels) covers.push(...this._boxes(document, this.options.panels, origin, bounds, true));
    const marks = this._boxes(map.getContainer(), this.options.avoid, origin, bounds, false);
    const moves = placeNames(names, bounds, marks, covers);
    icons.forEach((icon, i) => {
      const move = moves[i];
      const text = icon.firstChild;
      L.DomUtil[move ? 'removeClass' : 'addClass'](icon, HIDDEN);
      const m = move || { dx: 0, dy: 0 };
      this._moves.set(text, m);
      text.style.translate = m.dx || m.dy ? `${Math.round(m.dx)}px ${Math.round(m.dy)}px` : '';
    });
  },

  // boxes is the boxes of the shown elements under root that selector
  // picks, in map container pixels, cut to the map (bounds); a mark the
  // clusters option picks is {cluster: true}. styled: an element made
  // invisible by its style is not shown (asked of the few covers only,
  // not of thousands of marks).
  _boxes(root, selector, origin, bounds, styled) {
    if (!selector) return [];
    const { clusters } = this.options;
    return [...root.querySelectorAll(selector)].map((el) => {
      const r = el.getBoundingClientRect();
      return {
        left: Math.max(bounds.left, r.left - origin.left),
        right: Math.min(bounds.right, r.right - origin.left),
        top: Math.max(bounds.top, r.top - origin.top),
        bottom: Math.min(bounds.bottom, r.bottom - origin.top),
        cluster: Boolean(clusters && el.matches(clusters)),
        hidden: r.width === 0 || r.height === 0 || (styled && getComputedStyle(el).visibility === 'hidden'),
      };
    }).filter((b) => !b.hidden && b.right > b.left && b.bottom > b.top);
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
    return {
      box: { left: at.x + size.left, right: at.x + size.right, top: at.y + size.top, bottom: at.y + size.bottom },
      anchorX: at.x,
      rank: rankOf(icon.classList),
      place: icon.classList.contains('casmap-place-name'),
      turned: Boolean(text.style.transform && text.style.transform.includes('rotate')),
      kept: icon.contains(document.activeElement),
      avoids: avoidsOf(icon.classList),
    };
  },
});
