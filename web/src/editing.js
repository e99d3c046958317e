// editing.js plugs editing into the page: sign-in, the editing toolbar and
// its form, the selected feature's history and the review queue. main.js
// calls addEditing once the layers are made; nothing else knows of it.
import { createEditApi } from './api.js';
import { EditSession } from './edit-session.js';
import { AccountControl } from './control-account.js';
import { EditForm } from './edit-form.js';
import { EditControl } from './control-edit.js';
import { HistoryControl } from './control-history.js';
import { ReviewControl } from './control-review.js';
import { EditStatus } from './control-edit-status.js';

/**
 * addEditing adds the editing controls to map. state is the page's
 * AppState (the selection), layers the drawn layers by id (reloaded after
 * a publication), collections the layers' descriptions.
 */
export async function addEditing({ map, state, layers, collections }) {
  const api = createEditApi();
  const session = new EditSession({ api });
  const status = new EditStatus().addTo(map);
  const notify = (text) => status.say(text);
  // On a phone the left column is the search box, the zoom and the tools,
  // with the summary below: editing goes under the panel button instead,
  // and sign-in into the page's header (a control corner of its own),
  // where it covers none of the map.
  const phone = window.matchMedia('(max-width: 640px)').matches;
  const position = phone ? 'topright' : 'topleft';
  const header = document.getElementById('header-controls');
  if (phone && header) map._controlCorners.header = header;
  new AccountControl({ session, api, position: phone && header ? 'header' : position }).addTo(map);
  const form = new EditForm().addTo(map);
  new EditControl({ session, api, state, form, collections, notify, position }).addTo(map);
  new HistoryControl({ session, api, state, notify, position }).addTo(map);
  new ReviewControl({ session, api, notify, position }).addTo(map);
  session.on('datachange', ({ layer }) => {
    const l = layers.get(layer);
    if (l && l.load) l.load(map.getZoom()).catch(() => {});
  });
  await session.refresh();
  return session;
}
