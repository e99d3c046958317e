// banner.js is the page's alert line: what failed, in words, until the
// user dismisses it. Messages are set as text.
import L from 'leaflet';

/**
 * createBanner wires the page's alert banner: show(message) makes it visible,
 * the close button hides it. Messages are set as text.
 */
export function createBanner(el) {
  const text = el.querySelector('.banner-text');
  const close = el.querySelector('.banner-close');
  const messages = new Set();
  const render = () => {
    text.textContent = [...messages].join(' ');
    el.hidden = messages.size === 0;
  };
  L.DomEvent.on(close, 'click', () => {
    messages.clear();
    render();
  });
  return {
    show(message) {
      messages.add(message);
      render();
    },
    clear() {
      messages.clear();
      render();
    },
  };
}

