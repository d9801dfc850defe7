// "Pause AI access" on the Connections page: one button that pauses or resumes every
// assistant at once (sessions stay connected, so resuming needs no reconnect), and the choice
// to keep answering reads while paused. The state comes from `/api/settings/ai-access` and
// follows the live stream (`ai_access` changes from the tray, the CLI or another window).

import { api, describeError, SignedOut } from './api.js';
import { h } from './dom.js';
import { subscribe } from './live.js';
import { t } from './public/i18n.js';

const PATH = '/api/settings/ai-access';
let setting = { paused: false, allow_reads: false };
let section = null;

/** Builds the section into the Connections card (once) and keeps it current. */
export async function startPause() {
  if (!section) {
    section = build();
    const card = document.getElementById('connections');
    card.insertBefore(section, document.getElementById('connections-error').nextSibling);
    subscribe((change) => {
      if (change === null || change.entity === 'ai_access') load();
    });
  }
  await load();
}

function build() {
  return h('section', { id: 'ai-pause', class: 'pause-box', 'aria-labelledby': 'ai-pause-title' },
    h('h2', { id: 'ai-pause-title' }, t('pause.title')),
    h('p', { id: 'ai-pause-state', role: 'status', 'aria-live': 'polite' }, t('common.loading')),
    h('p', { class: 'actions' },
      h('button', { type: 'button', id: 'ai-pause-toggle', onclick: toggle }, t('pause.pause'))),
    h('div', { class: 'check-row' },
      h('input', { id: 'ai-pause-reads', type: 'checkbox', onchange: changeReads }),
      h('label', { for: 'ai-pause-reads' }, t('pause.allowReads'))),
    h('p', { id: 'ai-pause-error', class: 'error', role: 'alert', hidden: true }));
}

async function load() {
  try {
    render(await api(PATH));
  } catch (error) {
    if (!(error instanceof SignedOut)) showError(error);
  }
}

function render(next) {
  setting = next;
  section.dataset.paused = String(setting.paused);
  document.getElementById('ai-pause-state').textContent = !setting.paused
    ? t('pause.stateOn')
    : t(setting.allow_reads ? 'pause.statePausedReads' : 'pause.statePaused');
  document.getElementById('ai-pause-toggle').textContent = t(setting.paused ? 'pause.resume' : 'pause.pause');
  document.getElementById('ai-pause-reads').checked = setting.allow_reads;
  document.getElementById('ai-pause-error').hidden = true;
}

async function save(next) {
  try {
    render(await api(PATH, { method: 'PUT', body: next }));
  } catch (error) {
    if (!(error instanceof SignedOut)) showError(error);
  }
}

function toggle() {
  return save({ ...setting, paused: !setting.paused });
}

function changeReads(event) {
  return save({ ...setting, allow_reads: event.target.checked });
}

function showError(error) {
  const el = document.getElementById('ai-pause-error');
  el.textContent = t('pause.error', { message: describeError(error) });
  el.hidden = false;
}
