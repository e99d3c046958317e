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
  // onResponse(res), if given, sees the response before its body is read.
  async function getJSON(url, what, signal = undefined, onResponse = null) {
    let res;
    try {
      res = await fetchImpl(url, { headers: { Accept: 'application/geo+json, application/json' }, signal });
    } catch (err) {
      if (isAbort(err)) throw err;
      throw report(new ApiError(`Could not load ${what}: the server did not answer.`, { url }));
    }
    const v = res.headers.get('x-data-version');
    if (v) dataVersion = v;
    if (onResponse && res.ok) onResponse(res);
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
     * zoom; abort signal when the answer is no longer wanted. whole says
     * the geometries are the stored ones: asked without zoom, or every
     * page said none was simplified (X-Geometry-Simplified: false).
     */
    async items(collection, { zoom = undefined, signal = undefined } = {}) {
      const what = `the layer “${collection.title || collection.id}”`;
      let url = itemsPath(base, collection.id, { limit: 10000, zoom });
      const features = [];
      let whole = true;
      const sawPage = (res) => {
        if (zoom !== undefined && res.headers.get('x-geometry-simplified') !== 'false') whole = false;
      };
      for (let page = 0; url && page < MAX_PAGES; page++) {
        const body = await getJSON(url, what, signal, sawPage);
        if (!body || !Array.isArray(body.features)) {
          throw report(new ApiError(`Could not load ${what}: unexpected answer from the server.`, { url }));
        }
        features.push(...body.features);
        const next = Array.isArray(body.links) ? body.links.find((l) => l && l.rel === 'next' && l.href) : null;
        url = next && body.features.length > 0 ? sameOrigin(next.href) : null;
      }
      return { type: 'FeatureCollection', features, whole };
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

// The editing half of api.js: sign-in, writes, history and the review
// queue. Every request is same-origin with the session cookie; a failure
// is an ApiError with the server's problem detail, which the caller shows
// where the person acted (the form, the queue), not on the banner.

/** createEditApi returns the client of casmap's write API under base. */
export function createEditApi({ base = '/api', fetchImpl = (...a) => fetch(...a) } = {}) {
  async function call(method, url, { body, etag, media = 'application/json' } = {}) {
    const headers = { Accept: 'application/geo+json, application/json' };
    if (body !== undefined) headers['Content-Type'] = media;
    if (etag) headers['If-Match'] = etag;
    let res;
    try {
      res = await fetchImpl(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    } catch {
      throw new ApiError('The server did not answer.', { url });
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (!res.ok) {
      const detail = json && json.detail ? String(json.detail) : res.statusText;
      throw new ApiError(`${detail} (${res.status})`, { status: res.status, detail, url });
    }
    return { json, etag: res.headers.get('etag') || '', location: res.headers.get('location') || '', status: res.status, version: res.headers.get('x-data-version') || '' };
  }
  const item = (layer, id) => `${base}/collections/${encodeURIComponent(layer)}/items/${encodeURIComponent(id)}`;
  const items = (layer) => `${base}/collections/${encodeURIComponent(layer)}/items`;
  const why = (reason) => `?reason=${encodeURIComponent(reason)}`;
  return {
    /** session says who is signed in: {signedIn, name, role, private}. */
    session: async () => (await call('GET', `${base}/session`)).json,
    signIn: async (name, password) => (await call('POST', `${base}/session`, { body: { name, password } })).json,
    signOut: () => call('DELETE', `${base}/session`),
    /** feature is one feature as published now, with its ETag for If-Match. */
    feature: async (layer, id) => {
      const r = await call('GET', item(layer, id));
      return { feature: r.json, etag: r.etag };
    },
    /** create, replace and remove write a feature: published at once for a reviewer, a proposal for an editor (status 202). */
    create: (layer, feature, reason) => call('POST', items(layer) + why(reason), { body: feature, media: 'application/geo+json' }),
    replace: (layer, id, feature, etag, reason) => call('PUT', item(layer, id) + why(reason), { body: feature, etag, media: 'application/geo+json' }),
    remove: (layer, id, etag, reason) => call('DELETE', item(layer, id) + why(reason), { etag }),
    history: async (layer, id) => (await call('GET', `${item(layer, id)}/history`)).json,
    revert: (layer, id, version, reason) => call('POST', `${item(layer, id)}/revert`, { body: { version, reason } }),
    proposals: async (status = 'pending') => (await call('GET', `${base}/proposals?status=${encodeURIComponent(status)}`)).json.proposals,
    publish: (id, note) => call('POST', `${base}/proposals/${id}/publish`, { body: { note } }),
    reject: (id, note) => call('POST', `${base}/proposals/${id}/reject`, { body: { note } }),
  };
}
