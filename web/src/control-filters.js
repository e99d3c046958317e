// control-filters.js is the incidents section of the layer panel: the
// legend of categories and confidence, and the filters (date range with a
// quarterly histogram, category, confidence, actor, proximity). It holds no
// filter state of its own beyond its inputs: onChange gets the whole filter.
import { CATEGORIES, CONFIDENCE, circleSwatch } from './style.js';
import { describeFilter, emptyFilter, histogram, isEmpty } from './filters.js';
import { createNearControl } from './control-near.js';

const LABELS = {
  category: Object.fromEntries(Object.entries(CATEGORIES).map(([k, c]) => [k, c.label])),
  confidence: Object.fromEntries(Object.entries(CONFIDENCE).map(([k, c]) => [k, c.label])),
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function field(labelText, input) {
  const wrap = el('div', 'filter-field');
  const label = el('label', '', labelText);
  label.htmlFor = input.id;
  wrap.append(label, input);
  return wrap;
}

function select(id, anyLabel, options) {
  const s = el('select', 'filter-select');
  s.id = id;
  s.append(new Option(anyLabel, ''));
  for (const [value, label] of options) s.append(new Option(label, value));
  return s;
}

// legend lists categories with how many incidents of each are shown
// (setCategoryCounts), and how confidence is drawn.
function legend(counts) {
  const section = el('section', 'legend');
  section.setAttribute('aria-labelledby', 'legend-heading');
  const h = el('h2', 'casmap-panel-heading', 'Incident legend');
  h.id = 'legend-heading';
  const cats = el('ul', 'legend-list legend-categories');
  for (const [key, c] of Object.entries(CATEGORIES)) {
    const li = el('li', `legend-item legend-${key}`);
    li.dataset.category = key;
    const n = el('span', 'legend-count', '');
    counts.set(key, { li, n, label: c.label });
    li.append(circleSwatch(c.color, 'confirmed'), el('span', 'legend-label', c.label), n);
    cats.append(li);
  }
  const confs = el('ul', 'legend-list legend-confidence');
  for (const [key, c] of Object.entries(CONFIDENCE)) {
    const li = el('li', `legend-item legend-${key}`);
    li.append(circleSwatch('#444444', key), el('span', '', c.label));
    confs.append(li);
  }
  const note = el('p', 'legend-note', 'Dashed circles: how far the location is known (town, district, region).');
  section.append(h, cats, confs, note);
  return section;
}

/**
 * createIncidentFilters builds the legend and filter section. Call
 * setData(features) once incidents load, setFilter(f) to mirror a filter
 * set elsewhere (the URL), setSummary(shown, total) after filtering.
 */
export function createIncidentFilters({ onChange }) {
  const root = el('div', 'incident-tools');
  const section = el('section', 'filters');
  section.setAttribute('aria-labelledby', 'filters-heading');
  const h = el('h2', 'casmap-panel-heading', 'Filter incidents');
  h.id = 'filters-heading';

  const from = el('input', 'filter-date');
  from.type = 'date';
  from.id = 'filter-from';
  const to = el('input', 'filter-date');
  to.type = 'date';
  to.id = 'filter-to';
  const dates = el('div', 'filter-dates');
  dates.append(field('From', from), field('To', to));

  const hist = el('div', 'histogram');
  hist.setAttribute('role', 'group');
  hist.setAttribute('aria-label', 'Incidents per quarter; choose a quarter to filter to it');
  const histAxis = el('div', 'histogram-axis');

  const category = select('filter-category', 'All types', Object.entries(CATEGORIES).map(([k, c]) => [k, c.label]));
  const confidence = select('filter-confidence', 'Any confidence', Object.entries(CONFIDENCE).map(([k, c]) => [k, c.label]));
  const actor = select('filter-actor', 'Any actor', []);
  const selects = el('div', 'filter-selects');
  selects.append(field('Type', category), field('Confidence', confidence), field('Actor', actor));

  const near = createNearControl();
  const summary = el('p', 'filter-summary');
  summary.setAttribute('aria-live', 'polite');
  const reset = el('button', 'filter-reset', 'Clear filters');
  reset.type = 'button';
  const foot = el('div', 'filter-foot');
  foot.append(summary, reset);

  const description = el('p', 'filter-description');
  description.id = 'filter-description';

  section.append(h, dates, hist, histAxis, selects, near.element, foot, description);
  const counts = new Map();
  root.append(legend(counts), section);

  let features = [];
  let allowed = null;
  const current = () => ({
    from: from.value, to: to.value, category: category.value, confidence: confidence.value, actor: actor.value,
    ...near.value(),
  });
  const emit = () => {
    drawHistogram();
    onChange(current());
  };

  function drawHistogram() {
    const f = current();
    const bins = histogram(features, f, allowed);
    const max = Math.max(1, ...bins.map((b) => b.count));
    const bars = bins.map((b) => {
      const bar = el('button', 'histogram-bar');
      bar.type = 'button';
      const inRange = (!f.from || b.end >= f.from) && (!f.to || b.start <= f.to);
      bar.classList.toggle('is-out', !inRange);
      const label = `${b.key.replace('-', ' ')}: ${b.count} incident${b.count === 1 ? '' : 's'}`;
      bar.setAttribute('aria-label', label);
      bar.title = label;
      const fill = el('span', 'histogram-fill');
      fill.style.height = `${Math.round((b.count / max) * 100)}%`;
      bar.append(fill);
      bar.addEventListener('click', () => {
        const same = f.from === b.start && f.to === b.end;
        from.value = same ? '' : b.start;
        to.value = same ? '' : b.end;
        emit();
      });
      return bar;
    });
    hist.replaceChildren(...bars);
    histAxis.replaceChildren(
      el('span', '', bins.length ? bins[0].key.slice(0, 4) : ''),
      el('span', '', bins.length ? bins[bins.length - 1].key.slice(0, 4) : ''),
    );
  }

  from.addEventListener('change', emit);
  to.addEventListener('change', emit);
  for (const s of [category, confidence, actor]) s.addEventListener('change', emit);
  near.onChange(emit);
  reset.addEventListener('click', () => {
    for (const i of [from, to, category, confidence, actor]) i.value = '';
    near.clear();
    emit();
  });

  return {
    element: root,
    /** setData takes the incidents and fills the actor list and histogram. */
    setData(list) {
      features = list;
      const keep = actor.value;
      const actors = [...new Set(list.map((f) => f.properties && f.properties.actor).filter((a) => typeof a === 'string' && a))]
        .sort((a, b) => a.localeCompare(b));
      actor.replaceChildren(new Option('Any actor', ''), ...actors.map((a) => new Option(a, a)));
      actor.value = actors.includes(keep) ? keep : '';
      const days = list.map((f) => String((f.properties && f.properties.date) || '').slice(0, 10)).filter(Boolean).sort();
      if (days.length) {
        for (const i of [from, to]) {
          i.min = days[0];
          i.max = days[days.length - 1].slice(0, 4) + '-12-31';
        }
      }
      drawHistogram();
    },
    /** setFilter shows f in the inputs without calling onChange. */
    setFilter(f = emptyFilter()) {
      from.value = f.from || '';
      to.value = f.to || '';
      category.value = f.category || '';
      confidence.value = f.confidence || '';
      if (f.actor && ![...actor.options].some((o) => o.value === f.actor)) actor.append(new Option(f.actor, f.actor));
      actor.value = f.actor || '';
      near.set(f);
      drawHistogram();
    },
    /** setAllowed takes the ids the proximity filter keeps (or null) for the histogram. */
    setAllowed(set) {
      allowed = set;
      drawHistogram();
    },
    /** setSummary shows how many incidents are shown and what the filter is. */
    setSummary(shown, total, f) {
      summary.textContent = isEmpty(f) ? `${total} incidents` : `${shown} of ${total} incidents`;
      description.textContent = describeFilter(f, LABELS);
      reset.disabled = isEmpty(f);
    },
    /** setBusy marks the section while the server computes a proximity filter. */
    setBusy(busy) {
      section.setAttribute('aria-busy', String(busy));
    },
    /** setCategoryCounts shows, per category, how many incidents are shown. */
    setCategoryCounts(byCategory) {
      for (const [key, { li, n, label }] of counts) {
        const c = byCategory[key] || 0;
        n.textContent = String(c);
        n.dataset.count = String(c);
        li.classList.toggle('is-empty', c === 0);
        li.setAttribute('aria-label', `${label}: ${c} shown`);
      }
    },
    describe: (f) => describeFilter(f, LABELS),
  };
}
