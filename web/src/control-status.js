// control-status.js is the infrastructure part of the layer panel: the day
// TAPI and railway sections are drawn as of (the end of the incidents' date
// range, else today) and the legend of how each status is drawn.
import { STATUSES } from './status.js';
import { STATUS_STYLE, lineSwatch } from './style.js';

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

/** createStatusLegend builds the section; setAsOf(day) updates its heading. */
export function createStatusLegend() {
  const section = el('section', 'infra-legend');
  section.setAttribute('aria-labelledby', 'infra-heading');
  const h = el('h2', 'casmap-panel-heading infra-asof', '');
  h.id = 'infra-heading';
  const list = el('ul', 'legend-list legend-status');
  for (const key of STATUSES) {
    const st = STATUS_STYLE[key];
    const li = el('li', `legend-item legend-status-${key}`);
    li.append(lineSwatch(st.color || '#34495e', st.dashArray, st.opacity), el('span', '', st.label));
    list.append(li);
  }
  const note = el('p', 'legend-note', 'TAPI and railway sections as they stood on that day: the end of the date range below, or today.');
  section.append(h, list, note);
  return {
    element: section,
    setAsOf(day) {
      h.textContent = `Infrastructure as of ${day}`;
    },
  };
}
