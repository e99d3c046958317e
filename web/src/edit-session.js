// edit-session.js is who is signed in, as one L.Evented the editing
// controls listen to ('user' {user}); user is null when nobody is.
import L from 'leaflet';

/** ROLES ranks the roles: each can do what those before it can. */
const ROLES = ['editor', 'reviewer', 'admin'];

export const EditSession = L.Evented.extend({
  initialize({ api }) {
    this.api = api;
    this.user = null;
  },

  /** refresh asks the server who the page is signed in as. */
  async refresh() {
    try {
      const s = await this.api.session();
      this.setUser(s && s.signedIn ? { name: s.name, role: s.role } : null);
    } catch {
      this.setUser(null);
    }
    return this.user;
  },

  setUser(user) {
    const same = (user && this.user && user.name === this.user.name && user.role === this.user.role) || (!user && !this.user);
    this.user = user;
    if (!same) this.fire('user', { user });
  },

  /** can reports whether the signed-in account has at least role. */
  can(role) {
    return Boolean(this.user) && ROLES.indexOf(this.user.role) >= ROLES.indexOf(role);
  },

  /** changed tells the page the published data changed (a write, a publication). */
  changed(detail = {}) {
    this.fire('datachange', detail);
  },
});
