// Settings additions for the desktop app: the build (commit, date, profile from `/healthz`)
// in About, and "Start Trek at login" — a setting of the desktop app only (the desktop shell
// writes the platform's login item); in a browser on a headless `trek serve` the page says so.

import { api, describeError, SignedOut } from './api.js';
import { h } from './dom.js';
import { t } from './public/i18n.js';

const PATH = '/api/settings/autostart';
let built = false;

/** Adds the rows and the card (once), then loads them. */
export async function showAppSettings() {
  if (!built) build();
  built = true;
  try {
    const [health, autostart] = await Promise.all([api('/healthz'), api(PATH)]);
    const b = health.build;
    document.getElementById('settings-build').textContent = t('appSettings.buildLine', b);
    render(autostart);
  } catch (error) {
    if (!(error instanceof SignedOut)) showError(error);
  }
}

function build() {
  const about = document.querySelector('#view-settings section[aria-labelledby="about-title"]');
  about.querySelector('dl.facts').append(
    h('dt', {}, t('appSettings.build')), h('dd', { id: 'settings-build' }, '…'));
  about.before(h('section', { class: 'card', 'aria-labelledby': 'autostart-title' },
    h('h2', { id: 'autostart-title', class: 'card-title' }, t('appSettings.startup')),
    h('div', { class: 'check-row' },
      h('input', { id: 'autostart-toggle', type: 'checkbox', disabled: true, onchange: toggle }),
      h('label', { for: 'autostart-toggle' }, t('appSettings.autostart'))),
    h('p', { id: 'autostart-note', class: 'muted small' }, ''),
    h('p', { id: 'autostart-error', class: 'error', role: 'alert', hidden: true })));
}

function render(state) {
  const toggleEl = document.getElementById('autostart-toggle');
  toggleEl.checked = state.enabled;
  toggleEl.disabled = !state.available;
  document.getElementById('autostart-note').textContent =
    t(state.available ? 'appSettings.autostartHint' : 'appSettings.autostartDesktopOnly');
  document.getElementById('autostart-error').hidden = true;
}

async function toggle(event) {
  try {
    render(await api(PATH, { method: 'PUT', body: { enabled: event.target.checked } }));
  } catch (error) {
    if (!(error instanceof SignedOut)) showError(error);
  }
}

function showError(error) {
  const el = document.getElementById('autostart-error');
  el.textContent = t('appSettings.error', { message: describeError(error) });
  el.hidden = false;
}
