// control-near.js is the proximity part of the incident filters: "Incidents
// within [N] km of [TAPI route | railways | the Afghan border]". It only
// holds its two inputs; the server computes which incidents are near.
import { DEFAULT_KM, MAX_KM, NEAR_TARGETS } from './filters.js';

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

/**
 * createNearControl builds the proximity row. value() is {near, km};
 * set(f) mirrors a filter; onChange(fn) is called when either input changes.
 */
export function createNearControl() {
  const root = el('fieldset', 'filter-near');
  const legend = el('legend', 'filter-near-legend', 'Near');
  const km = el('input', 'filter-km');
  km.type = 'number';
  km.id = 'filter-km';
  km.min = '1';
  km.max = String(MAX_KM);
  km.step = '1';
  km.inputMode = 'numeric';
  km.value = String(DEFAULT_KM);
  const kmLabel = el('label', '', 'Incidents within');
  kmLabel.htmlFor = km.id;
  const target = el('select', 'filter-select filter-near-target');
  target.id = 'filter-near';
  target.append(new Option('anything (no distance filter)', ''));
  for (const [value, label] of Object.entries(NEAR_TARGETS)) target.append(new Option(label, value));
  const targetLabel = el('label', '', 'km of');
  targetLabel.htmlFor = target.id;
  root.append(legend, kmLabel, km, targetLabel, target);

  return {
    element: root,
    value: () => ({ near: target.value, km: target.value ? km.value : '' }),
    set(f) {
      target.value = Object.hasOwn(NEAR_TARGETS, f.near || '') ? f.near : '';
      km.value = f.km || String(DEFAULT_KM);
    },
    clear() {
      target.value = '';
      km.value = String(DEFAULT_KM);
    },
    onChange(fn) {
      target.addEventListener('change', fn);
      km.addEventListener('change', () => {
        const n = Number(km.value);
        if (!Number.isFinite(n) || n <= 0) km.value = String(DEFAULT_KM);
        else if (n > MAX_KM) km.value = String(MAX_KM);
        fn();
      });
    },
  };
}
