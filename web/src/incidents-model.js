// incidents-model.js holds what the incident filter selects, for the map
// layer, the table, the legend counts and the timeline alike. A small layer
// is loaded whole and filtered here (the server only answers the proximity
// part); a large one is asked of the server (its stats: counts per value
// and per month), since it cannot be loaded.
import L from 'leaflet';
import { LIST_KEYS, facetCounts, kmOf, matchesIncident, toQuery } from './filters.js';
import { monthCounts, statsMonths } from './histogram.js';

/**
 * A model fires 'change' {matched, total, facets, months, features} after
 * each filter: facets[key] counts per value with every filter but key's
 * own (what choosing another value would give); months per YYYY-MM with
 * every filter but the dates; features the matches (local models only).
 * 'busy' {busy} while it waits for the server.
 */
export const LocalIncidents = L.Evented.extend({
  initialize({ collection, state, api }) {
    this.collection = collection;
    this.local = true;
    this._state = state;
    this._api = api;
    this._all = [];
    this._near = new Map();
    this._run = 0;
    this.last = null;
    state.on('filter', this._apply, this);
  },

  async load() {
    const fc = await this._api.items(this.collection);
    this._all = fc.features;
    await this._apply();
    return this._all;
  },

  all() {
    return this._all;
  },

  feature(fid) {
    return this._all.find((f) => String(f.id) === String(fid)) || null;
  },

  // nearSet is the ids the server finds within the filter's distance, or
  // null: computed once per target and distance.
  _nearSet(f) {
    if (!f.near) return Promise.resolve(null);
    const key = `${f.near}|${kmOf(f)}`;
    if (!this._near.has(key)) {
      const pending = this._api.nearIds(this.collection.id, f.near, kmOf(f));
      this._near.set(key, pending);
      pending.catch(() => this._near.delete(key));
    }
    return this._near.get(key);
  },

  async _apply() {
    const f = this._state.filter;
    const run = ++this._run;
    let near = null;
    if (f.near) {
      this.fire('busy', { busy: true });
      try {
        near = await this._nearSet(f);
      } catch {
        // The banner says what failed; the other filters still apply.
      }
      if (run !== this._run) return;
      this.fire('busy', { busy: false });
    }
    const pool = near ? this._all.filter((x) => near.has(String(x.id))) : this._all;
    const features = pool.filter((x) => matchesIncident(x.properties, f));
    const facets = {};
    for (const k of LIST_KEYS) facets[k] = facetCounts(pool.filter((x) => matchesIncident(x.properties, f, k)), k);
    const months = monthCounts(pool.filter((x) => matchesIncident(x.properties, f, 'date')));
    this.last = { matched: features.length, total: this._all.length, facets, months, features, exact: true };
    this.fire('change', this.last);
  },
});

/** RemoteIncidents is the model of a layer too large to load: it asks the server's stats. */
export const RemoteIncidents = L.Evented.extend({
  initialize({ collection, state, api }) {
    this.collection = collection;
    this.local = false;
    this._state = state;
    this._api = api;
    this._ctl = null;
    this.last = null;
    state.on('filter', this._apply, this);
  },

  async load() {
    await this._apply();
    return [];
  },

  all() {
    return [];
  },

  feature() {
    return null;
  },

  async _apply() {
    if (this._ctl) this._ctl.abort();
    const ctl = new AbortController();
    this._ctl = ctl;
    const f = this._state.filter;
    const id = this.collection.id;
    const total = this.collection.itemCount ?? 0;
    this.fire('busy', { busy: true });
    let last;
    try {
      const all = await this._api.stats(id, toQuery(f), ctl.signal);
      if (all) {
        const facets = {};
        await Promise.all(LIST_KEYS.map(async (k) => {
          const own = f[k].length ? await this._api.stats(id, toQuery({ ...f, [k]: [] }), ctl.signal) : all;
          facets[k] = Object.fromEntries(((own && own.facets && own.facets[k]) || []).map((v) => [v.value, v.count]));
        }));
        const dateless = f.from || f.to ? await this._api.stats(id, toQuery({ ...f, from: '', to: '' }), ctl.signal) : all;
        last = { matched: all.numberMatched, total, facets, months: statsMonths(dateless && dateless.months), features: null, exact: true };
      } else {
        // No stats endpoint on this server: the count alone.
        const matched = await this._api.count(id, toQuery(f), ctl.signal);
        last = { matched, total, facets: null, months: null, features: null, exact: Number.isFinite(matched) };
      }
    } catch {
      return;
    } finally {
      if (this._ctl === ctl) this.fire('busy', { busy: false });
    }
    if (this._ctl !== ctl) return;
    this.last = last;
    this.fire('change', last);
  },
});
