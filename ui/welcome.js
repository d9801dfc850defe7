// The first-run welcome: three short steps (what Trek does, where the data lives, what to do
// first). Shown above every view until dismissed — by "Connect your first assistant",
// "Create a trip" or "Not now" — and never again: the choice is stored by the server
// (`/api/settings/welcome`), so the desktop window and a browser agree.

import { api, SignedOut } from './api.js';
import { h } from './dom.js';
import { subscribe } from './live.js';
import { t } from './public/i18n.js';

const PATH = '/api/settings/welcome';
let card = null;

/** Shows the welcome if it was never dismissed. `dataDir` is the status's data folder. */
export async function startWelcome(dataDir) {
  let state;
  try {
    state = await api(PATH);
  } catch (error) {
    if (!(error instanceof SignedOut)) console.error(error);
    return;
  }
  if (state.dismissed) return;
  card = build(dataDir);
  const main = document.querySelector('main.page');
  main.insertBefore(card, document.getElementById('consents'));
  // Dismissed in another window: hide it here too.
  subscribe((change) => {
    if (change?.entity === 'welcome') card?.remove();
  });
}

function build(dataDir) {
  return h('section', { id: 'welcome', class: 'card welcome', 'aria-labelledby': 'welcome-title' },
    h('h1', { id: 'welcome-title', tabindex: '-1' }, t('welcome.title')),
    h('ol', { class: 'welcome-steps' },
      h('li', {}, h('strong', {}, t('welcome.whatTitle')), ' ', t('welcome.what')),
      h('li', {}, h('strong', {}, t('welcome.dataTitle')), ' ', t('welcome.data'), ' ',
        h('code', { id: 'welcome-data-dir' }, dataDir)),
      h('li', {}, h('strong', {}, t('welcome.startTitle')), ' ', t('welcome.start'))),
    h('p', { class: 'actions' },
      h('button', { type: 'button', id: 'welcome-connect', onclick: () => dismiss('#/connections', 'connect-list') },
        t('welcome.connect')),
      h('button', { type: 'button', id: 'welcome-trip', class: 'secondary', onclick: () => dismiss('#/trips', 'trip-title-input') },
        t('welcome.createTrip')),
      h('button', { type: 'button', id: 'welcome-later', class: 'secondary', onclick: () => dismiss(null, null) },
        t('welcome.later'))),
    h('p', { id: 'welcome-error', class: 'error', role: 'alert', hidden: true }));
}

/** Stores the dismissal, removes the card, then goes where the owner chose. */
async function dismiss(hash, focusId) {
  try {
    await api(PATH, { method: 'PUT', body: { dismissed: true } });
  } catch (error) {
    if (error instanceof SignedOut) return;
    const el = document.getElementById('welcome-error');
    el.textContent = t('welcome.error', { message: error.message });
    el.hidden = false;
    return;
  }
  card?.remove();
  card = null;
  if (!hash) return;
  location.hash = hash;
  // The view renders after the route change; focus what the owner came for once it exists.
  for (let i = 0; i < 20; i += 1) {
    const target = document.getElementById(focusId);
    if (target && target.offsetParent !== null) {
      target.scrollIntoView({ block: 'center' });
      if (target.matches('input, button, select, textarea')) target.focus();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
