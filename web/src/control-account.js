// control-account.js: the sign-in form, and once signed in who you are and
// a sign-out button.
import L from 'leaflet';

const el = (tag, cls, parent, text) => {
  const e = L.DomUtil.create(tag, cls, parent);
  if (text !== undefined) e.textContent = text;
  return e;
};

export const AccountControl = L.Control.extend({
  options: { position: 'topleft', session: null, api: null },

  onAdd() {
    const root = el('div', 'leaflet-bar casmap-account');
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
    this._root = root;
    this.options.session.on('user', this._render, this);
    this._render();
    return root;
  },

  onRemove() {
    this.options.session.off('user', this._render, this);
  },

  _render() {
    const root = this._root;
    root.replaceChildren();
    const { user } = this.options.session;
    if (user) {
      el('span', 'casmap-account-who', root, `Signed in as ${user.name} (${user.role})`);
      const out = el('button', 'casmap-account-out', root, 'Sign out');
      out.type = 'button';
      L.DomEvent.on(out, 'click', () => this._signOut());
      return;
    }
    const open = el('button', 'casmap-account-open', root, 'Sign in');
    open.type = 'button';
    const form = el('form', 'casmap-account-form', root);
    form.hidden = true;
    form.setAttribute('aria-label', 'Sign in');
    const name = this._field(form, 'Name', 'text', 'username');
    const pw = this._field(form, 'Password', 'password', 'current-password');
    const go = el('button', '', form, 'Sign in');
    go.type = 'submit';
    const msg = el('p', 'casmap-account-msg', form);
    msg.setAttribute('role', 'alert');
    L.DomEvent.on(open, 'click', () => { form.hidden = !form.hidden; if (!form.hidden) name.focus(); });
    L.DomEvent.on(form, 'submit', (e) => {
      L.DomEvent.preventDefault(e);
      this._signIn(name.value.trim(), pw.value, msg);
    });
  },

  _field(form, label, type, autocomplete) {
    const l = el('label', '', form, label);
    const input = el('input', '', l);
    input.type = type;
    input.required = true;
    input.autocomplete = autocomplete;
    input.name = label.toLowerCase();
    return input;
  },

  async _signIn(name, password, msg) {
    msg.textContent = '';
    try {
      const who = await this.options.api.signIn(name, password);
      this.options.session.setUser({ name: who.name, role: who.role });
    } catch (err) {
      msg.textContent = err.status === 429 ? 'Too many failed sign-ins: wait 15 minutes.' : 'The name or password is wrong.';
    }
  },

  async _signOut() {
    try { await this.options.api.signOut(); } catch { /* signed out locally all the same */ }
    this.options.session.setUser(null);
  },
});
