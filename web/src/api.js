// api.js owns every request the page makes to casmap's API and what happens
// when one fails: a readable message in the page's banner.

const MAX_PAGES = 50;

/** DOWNLOAD_LIMIT is the most features one download link asks for (the API's largest page). */
export const DOWNLOAD_LIMIT = 10000;

/** ApiError is a failed API call, with the server's problem details. */
export class ApiError extends Error {
  constructor(message, { status = 0, title = '', detail = '', url = '' } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.url = url;
  }
}

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/**
 * bboxParam is the API bbox of a view, {west, south, east, north} in
 * degrees: clamped to the world (a zoomed-out map reaches past ±180) and
 * rounded to 6 decimals (about 10 cm), as "minLon,minLat,maxLon,maxLat".
 */
export function bboxParam({ west, south, east, north }) {
  const r = (v) => Number(v.toFixed(6));
  const w = r(clamp(west, -180, 180));
  const e = r(clamp(east, -180, 180));
  const s = r(clamp(south, -90, 90));
  const n = r(clamp(north, -90, 90));
  return [w, s, e, n].join(',');
}

/** itemsPath is the items URL of a layer with the given query parameters. */
export function itemsPath(base, id, params = {}, resource = 'items') {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const qs = q.toString();
  return `${base}/collections/${encodeURIComponent(id)}/${resource}${qs ? `?${qs}` : ''}`;
}

/** isAbort reports whether err is a request cancelled through its AbortSignal. */
export function isAbort(err) {
  return Boolean(err) && err.name === 'AbortError';
}

async function problemOf(res) {
  const type = res.headers.get('content-type') || '';
  if (!/json/.test(type)) return {};
  try {
    const body = await res.json();
    return { title: String(body.title || ''), detail: String(body.detail || '') };
  } catch {
    return {};
  }
}

/**
 * createApi returns the page's API client. Every failure is reported on the
 * banner once and rethrown as an ApiError so callers can carry on without
 * the missing piece.
 */
export function createApi({ base = '/api', banner, fetchImpl = (...a) => fetch(...a) } = {}) {
  // getJSON fetches url; a request aborted through signal rejects with
  // its AbortError and is not reported, as nobody waits for it any more.
  let dataVersion = '';
  let pathList = null;
  // paths are the API's paths, from its OpenAPI document: what this server
  // offers beyond items and clusters (stats, tiles) is read from there.
  const paths = () => {
    pathList = pathList || getJSON(`${base}/openapi.json`, 'the API description')
      .then((doc) => Object.keys((doc && doc.paths) || {}))
      .catch(() => []);
    return pathList;
  };
  async function getJSON(url, what, signal = undefined) {
    let res;
    try {
      res = await fetchImpl(url, { headers: { Accept: 'application/geo+json, application/json' }, signal });
    } catch (err) {
      if (isAbort(err)) throw err;
      throw report(new ApiError(`Could not load ${what}: the server did not answer.`, { url }));
    }
    const v = res.headers.get('x-data-version');
    if (v) dataVersion = v;
    if (!res.ok) {
      const p = await problemOf(res);
      const reason = [p.title || res.statusText || `HTTP ${res.status}`, p.detail].filter(Boolean).join(': ');
      throw report(new ApiError(`Could not load ${what} (${res.status}): ${reason}.`, { status: res.status, ...p, url }));
    }
    try {
      return await res.json();
    } catch (err) {
      if (isAbort(err)) throw err;
      throw report(new ApiError(`Could not load ${what}: the server sent something that is not JSON.`, { status: res.status, url }));
    }
  }

  function report(err) {
    if (banner) banner.show(err.message);
    return err;
  }

  return {
    base,
    /** collections lists every layer the server has. */
    async collections() {
      const body = await getJSON(`${base}/collections`, 'the list of layers');
      if (!body || !Array.isArray(body.collections)) {
        throw report(new ApiError('Could not load the list of layers: unexpected answer from the server.'));
      }
      return body.collections;
    },
    /**
     * items loads all of a layer's features as one FeatureCollection,
     * following rel=next links if the server pages them. zoom (line and
     * polygon layers only) has the server simplify geometries for that
     * zoom; abort signal when the answer is no longer wanted.
     */
    async items(collection, { zoom = undefined, signal = undefined } = {}) {
      const what = `the layer “${collection.title || collection.id}”`;
      let url = itemsPath(base, collection.id, { limit: 10000, zoom });
      const features = [];
      for (let page = 0; url && page < MAX_PAGES; page++) {
        const body = await getJSON(url, what, signal);
        if (!body || !Array.isArray(body.features)) {
          throw report(new ApiError(`Could not load ${what}: unexpected answer from the server.`, { url }));
        }
        features.push(...body.features);
        const next = Array.isArray(body.links) ? body.links.find((l) => l && l.rel === 'next' && l.href) : null;
        url = next && body.features.length > 0 ? sameOrigin(next.href) : null;
      }
      return { type: 'FeatureCollection', features };
    },
    /**
     * view loads what a large layer shows in one view: its clusters
     * (kind 'clusters', params with zoom) or one page of its items (kind
     * 'items', params with limit), with bbox and filters in params. Abort
     * signal when the view moves on.
     */
    async view(id, kind, params, signal) {
      const url = itemsPath(base, id, params, kind === 'clusters' ? 'clusters' : 'items');
      const body = await getJSON(url, `the incidents in view`, signal);
      if (!body || !Array.isArray(body.features)) {
        throw report(new ApiError('Could not load the incidents in view: unexpected answer from the server.', { url }));
      }
      return body;
    },
    /**
     * downloadPath is the URL of a layer's features in format f (geojson,
     * csv, kml) with filters: without download=1, so the page's own file
     * name (the link's download attribute) is the one the browser uses.
     */
    downloadPath(id, params = {}, f = 'geojson') {
      return itemsPath(base, id, { limit: DOWNLOAD_LIMIT, ...params, f });
    },
    /**
     * stats asks for counts per value and per month (CONTRACT.md step 3);
     * null when the server's OpenAPI document lists no stats path, so callers fall
     * back to what they can count themselves.
     */
    async stats(id, params, signal) {
      if (!(await paths()).some((p) => p.endsWith('/stats'))) return null;
      return getJSON(itemsPath(base, id, params, 'stats'), 'the incident counts', signal);
    },
    /** count is the numberMatched of a query (one feature fetched). */
    async count(id, params, signal) {
      const body = await getJSON(itemsPath(base, id, { ...params, limit: 1 }), 'the incident count', signal);
      return Number.isFinite(body && body.numberMatched) ? body.numberMatched : null;
    },
    /** feature loads one feature by id (for a selection the map has not loaded). */
    async feature(id, fid, signal) {
      const url = `${base}/collections/${encodeURIComponent(id)}/items/${encodeURIComponent(fid)}`;
      return getJSON(url, 'the selected feature', signal);
    },
    /** version is the data version the server reports for a layer list request. */
    version: () => dataVersion,
    /**
     * nearIds asks the server which of a layer's features are within km of
     * near (a layer, or layer/feature) and returns their ids as a Set.
     */
    async nearIds(id, near, km) {
      const url = itemsPath(base, id, { near, within_km: km, limit: 10000 });
      const body = await getJSON(url, `the incidents within ${km} km`);
      if (!body || !Array.isArray(body.features)) {
        throw report(new ApiError('Could not apply the distance filter: unexpected answer from the server.', { url }));
      }
      return new Set(body.features.map((f) => String(f.id)));
    },
    report,
  };
}

// sameOrigin keeps paging on this server: a next link that points elsewhere
// is not followed.
function sameOrigin(href) {
  try {
    const u = new URL(href, document.baseURI);
    return u.origin === window.location.origin ? u.pathname + u.search : null;
  } catch {
    return null;
  }
}
