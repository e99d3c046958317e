// control-export.js makes the map citable: Print and PNG buttons, and the
// sheet both carry under the map (the legend, the filters in words, the
// day, the data version, the permalink and the sources of what is shown).
// Before every print (the browser's own Ctrl+P included) the map takes the
// size it has on paper, keeping its centre, and the sheet is filled for
// what that map shows; after it, the map gets its screen size back. The
// PNG is drawn by html-to-image from the page itself, the map as it is on
// screen.
import L from 'leaflet';
import { toPng } from 'html-to-image';
import { downloadName } from './download-name.js';
import { safeHref } from './details-parts.js';

const MAX_SOURCES = 40;

/**
 * ExportControl. Options: state, sheet (the #print-sheet element), app
 * (what the PNG shows), citation() -> {title, filters, asOf, version,
 * permalink, layers: [{title, attribution}], sources: [{title, publisher,
 * url, date}], more}.
 */
export const ExportControl = L.Control.extend({
  options: { position: 'topleft', state: null, sheet: null, app: null, citation: null },

  onAdd(map) {
    this._map = map;
    const bar = L.DomUtil.create('div', 'casmap-tools leaflet-bar');
    const print = L.DomUtil.create('button', 'casmap-tool casmap-print', bar);
    print.type = 'button';
    print.textContent = 'Print';
    print.title = 'Print the map with its legend, filters and sources';
    const png = L.DomUtil.create('button', 'casmap-tool casmap-png', bar);
    png.type = 'button';
    png.textContent = 'PNG';
    png.title = 'Save the map with its legend, filters and sources as a PNG image';
    L.DomEvent.disableClickPropagation(bar);
    L.DomEvent.on(print, 'click', () => window.print());
    L.DomEvent.on(png, 'click', this.savePng, this);
    L.DomEvent.on(window, 'beforeprint', this._beforePrint, this);
    L.DomEvent.on(window, 'afterprint', this._afterPrint, this);
    this._png = png;
    return bar;
  },

  onRemove() {
    L.DomEvent.off(window, 'beforeprint', this._beforePrint, this);
    L.DomEvent.off(window, 'afterprint', this._afterPrint, this);
  },

  // The map is given its paper size (print.css: .printing) and told so
  // before the browser lays the page out for print, so what is printed is
  // drawn for that size around the same centre, and the sheet lists the
  // sources of what it shows.
  _beforePrint() {
    L.DomUtil.addClass(document.body, 'printing');
    this._map.invalidateSize({ animate: false, pan: true });
    this.fill();
  },

  _afterPrint() {
    L.DomUtil.removeClass(document.body, 'printing');
    this._map.invalidateSize({ animate: false, pan: true });
  },

  /** fill writes the citation sheet for what the map shows now. */
  fill() {
    const c = this.options.citation();
    const sheet = this.options.sheet;
    sheet.replaceChildren();
    L.DomUtil.create('h2', 'sheet-title', sheet).textContent = c.title;
    const dl = L.DomUtil.create('dl', 'sheet-facts', sheet);
    const fact = (k, v, href) => {
      L.DomUtil.create('dt', '', dl).textContent = k;
      const dd = L.DomUtil.create('dd', '', dl);
      if (href) {
        const a = L.DomUtil.create('a', '', dd);
        a.href = href;
        a.textContent = v;
      } else {
        dd.textContent = v;
      }
    };
    fact('Shows', c.filters);
    fact('Infrastructure as of', c.asOf);
    fact('Made', c.made);
    fact('Data version', c.version || 'unknown');
    fact('Permalink', c.permalink, c.permalink);
    const columns = L.DomUtil.create('div', 'sheet-columns', sheet);
    const legend = document.getElementById('legend');
    if (legend) {
      const copy = legend.cloneNode(true);
      copy.removeAttribute('id');
      copy.querySelectorAll('[id]').forEach((n) => n.removeAttribute('id'));
      copy.className = 'sheet-legend';
      columns.append(copy);
    }
    const shown = L.DomUtil.create('div', 'sheet-shown', columns);
    L.DomUtil.create('h3', '', shown).textContent = 'Layers shown';
    const layers = L.DomUtil.create('ul', 'sheet-layers', shown);
    for (const l of c.layers) L.DomUtil.create('li', '', layers).textContent = l.attribution ? `${l.title}: ${l.attribution}` : l.title;
    L.DomUtil.create('h3', '', sheet).textContent = 'Sources of the incidents in view';
    const ol = L.DomUtil.create('ol', 'sheet-sources', sheet);
    for (const s of c.sources.slice(0, MAX_SOURCES)) {
      const li = L.DomUtil.create('li', '', ol);
      li.textContent = [s.title, s.publisher, s.date].filter(Boolean).join(', ');
      const href = safeHref(s.url);
      if (href) {
        li.append(': ');
        const a = L.DomUtil.create('a', '', li);
        a.href = href;
        a.textContent = href;
      }
    }
    const more = c.sources.length - MAX_SOURCES;
    if (more > 0 || c.more) L.DomUtil.create('p', 'sheet-more', sheet).textContent = `${more > 0 ? `${more} more sources; ` : ''}every source is in the details of each incident at the permalink.`;
    if (!c.sources.length) L.DomUtil.create('p', 'sheet-more', sheet).textContent = 'No incidents in view.';
  },

  /** savePng draws the map and its sheet into a PNG and downloads it. */
  async savePng() {
    this.fill();
    // The app grows to hold the sheet; the map keeps the height it has on
    // screen, so the picture shows what the person saw.
    const mapEl = this._map.getContainer();
    mapEl.style.height = `${mapEl.offsetHeight}px`;
    L.DomUtil.addClass(document.body, 'exporting');
    this._png.disabled = true;
    try {
      const app = this.options.app;
      const url = await toPng(app, {
        pixelRatio: 1, backgroundColor: '#ffffff', width: app.scrollWidth, height: app.scrollHeight,
        filter: (node) => !(node.classList && ['leaflet-control-container', 'app-header-controls', 'skip-link'].some((c) => node.classList.contains(c))),
      });
      const a = L.DomUtil.create('a', '', document.body);
      a.href = url;
      a.download = downloadName('map', this.options.state.filter, 'png');
      a.click();
      L.DomUtil.remove(a);
    } finally {
      L.DomUtil.removeClass(document.body, 'exporting');
      mapEl.style.height = '';
      this._png.disabled = false;
    }
  },
});
