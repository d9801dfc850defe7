// Settings → Add-ons: one switch per add-on (Atlas, Collab, Vacay, Journeys) over
// `GET/PUT /api/settings/addons`. Switching one ends live MCP sessions, so connected
// assistants list their tools again; the card says so.

import { api, describeError, SignedOut } from './api.js';
import { h } from './dom.js';
import { t, tn } from './public/i18n.js';

/** The card; `loadAddons()` fills it. */
export function addonsCard() {
  return h('section', { class: 'card', 'aria-labelledby': 'addons-title' },
    h('h2', { id: 'addons-title', class: 'card-title' }, t('addons.title')),
    h('p', { class: 'muted' }, t('addons.intro')),
    h('ul', { id: 'addon-list', class: 'rows', 'aria-busy': 'true' }, h('li', { class: 'empty muted' }, t('common.loading'))),
    h('p', { id: 'addons-status', class: 'muted small', role: 'status', 'aria-live': 'polite' }),
    h('p', { id: 'addons-error', class: 'error', role: 'alert', hidden: true }));
}

function render(addons) {
  const list = document.getElementById('addon-list');
  list.removeAttribute('aria-busy');
  list.replaceChildren(...addons.map((addon) => {
    const id = `addon-${addon.name}`;
    const box = h('input', { type: 'checkbox', id, checked: addon.enabled, dataset: { addon: addon.name } });
    box.addEventListener('change', () => toggle(box, addon.name));
    return h('li', { class: 'row-item addon', dataset: { addon: addon.name } },
      h('div', { class: 'row-main' },
        h('label', { for: id }, box, ' ', h('strong', {}, t(`addons.name.${addon.name}`))),
        h('span', { class: 'muted small' }, t(`addons.about.${addon.name}`)),
        h('span', { class: 'row-meta muted small' }, tn('addons.tools', addon.operations))));
  }));
}

async function toggle(box, name) {
  const status = document.getElementById('addons-status');
  const errorEl = document.getElementById('addons-error');
  errorEl.hidden = true;
  box.disabled = true;
  try {
    const addons = await api(`/api/settings/addons/${encodeURIComponent(name)}`, { method: 'PUT', body: { enabled: box.checked } });
    render(addons);
    status.textContent = t(box.checked ? 'addons.switchedOn' : 'addons.switchedOff', { name: t(`addons.name.${name}`) });
  } catch (error) {
    if (error instanceof SignedOut) return;
    box.checked = !box.checked;
    errorEl.textContent = describeError(error);
    errorEl.hidden = false;
  } finally {
    box.disabled = false;
  }
}

export async function loadAddons() {
  render(await api('/api/settings/addons'));
}
