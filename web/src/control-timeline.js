// control-timeline.js is the brushable timeline: incidents per month with
// every filter but the dates. Drag across it to choose a range (it commits
// once, when you let go); a click chooses one month, a click on the only
// chosen month clears the range. The From/To fields are its keyboard twin.
import L from 'leaflet';
import { bins, monthOf, monthRange } from './histogram.js';

/** TimelineControl is the panel's timeline. Options: state, model. */
export const TimelineControl = L.Control.extend({
  options: { position: 'panel', state: null, model: null },

  onAdd() {
    const root = L.DomUtil.create('section', 'timeline');
    root.setAttribute('aria-labelledby', 'timeline-heading');
    const h = L.DomUtil.create('h2', 'casmap-panel-heading', root);
    h.id = 'timeline-heading';
    h.textContent = 'Incidents per month';
    this._bars = L.DomUtil.create('div', 'histogram', root);
    this._bars.setAttribute('role', 'img');
    this._axis = L.DomUtil.create('div', 'histogram-axis', root);
    this._hint = L.DomUtil.create('p', 'legend-note timeline-hint', root);
    this._hint.textContent = 'Drag across the bars to choose a range; click a month to choose it alone.';
    this._months = [];
    L.DomEvent.on(this._bars, 'pointerdown', this._down, this);
    L.DomEvent.on(this._bars, 'pointermove', this._move, this);
    L.DomEvent.on(this._bars, 'pointerup', this._up, this);
    L.DomEvent.on(this._bars, 'pointercancel', this._cancel, this);
    this.options.model.on('change', this._onChange, this);
    this.options.state.on('filter', this._paint, this);
    if (this.options.model.last) this._onChange(this.options.model.last);
    return root;
  },

  onRemove() {
    this.options.model.off('change', this._onChange, this);
    this.options.state.off('filter', this._paint, this);
  },

  _onChange({ months }) {
    if (!months) {
      this._months = [];
      this._bars.replaceChildren();
      this._hint.textContent = 'This server gives no monthly counts for a layer this large; use the From and To fields.';
      return;
    }
    this._months = bins(months);
    const max = Math.max(1, ...this._months.map((b) => b.count));
    const bars = this._months.map((b, i) => {
      const bar = L.DomUtil.create('div', 'histogram-bar');
      bar.dataset.index = String(i);
      bar.dataset.month = b.month;
      bar.title = `${b.month}: ${b.count} incident${b.count === 1 ? '' : 's'}`;
      L.DomUtil.create('span', 'histogram-fill', bar).style.height = `${Math.round((b.count / max) * 100)}%`;
      return bar;
    });
    this._bars.replaceChildren(...bars);
    const first = this._months[0];
    const last = this._months[this._months.length - 1];
    this._axis.replaceChildren();
    for (const m of [first, last]) L.DomUtil.create('span', '', this._axis).textContent = m ? m.month : '';
    const total = this._months.reduce((n, b) => n + b.count, 0);
    this._bars.setAttribute('aria-label', first ? `Timeline: ${total} incidents from ${first.month} to ${last.month}` : 'Timeline: no incidents');
    this._paint();
  },

  _indexAt(e) {
    const r = this._bars.getBoundingClientRect();
    if (!this._months.length || r.width <= 0) return -1;
    return Math.max(0, Math.min(this._months.length - 1, Math.floor(((e.clientX - r.left) / r.width) * this._months.length)));
  },

  _down(e) {
    const i = this._indexAt(e);
    if (i < 0) return;
    L.DomEvent.preventDefault(e);
    this._bars.setPointerCapture(e.pointerId);
    this._brush = { start: i, end: i };
    this._paint();
  },

  _move(e) {
    if (!this._brush) return;
    this._brush.end = this._indexAt(e);
    this._paint();
  },

  _up(e) {
    if (!this._brush) return;
    this._brush.end = this._indexAt(e);
    const { start, end } = this._brush;
    this._brush = null;
    const [from, to] = monthRange(this._months[start].month, this._months[end].month);
    const f = this.options.state.filter;
    const same = start === end && f.from === from && f.to === to;
    if (!this.options.state.patchFilter(same ? { from: '', to: '' } : { from, to })) this._paint();
  },

  _cancel() {
    this._brush = null;
    this._paint();
  },

  // The chosen range (or the brush being dragged) is dark, the rest grey.
  _paint() {
    const f = this.options.state.filter;
    let lo = f.from ? monthOf(f.from) : '';
    let hi = f.to ? monthOf(f.to) : '';
    if (this._brush) {
      const a = this._months[Math.min(this._brush.start, this._brush.end)];
      const b = this._months[Math.max(this._brush.start, this._brush.end)];
      lo = a.month;
      hi = b.month;
    }
    for (const bar of this._bars.children) {
      const m = bar.dataset.month;
      const inRange = (!lo || m >= lo) && (!hi || m <= hi);
      L.DomUtil[inRange ? 'removeClass' : 'addClass'](bar, 'is-out');
      L.DomUtil[this._brush && inRange ? 'addClass' : 'removeClass'](bar, 'is-brushed');
    }
  },
});
