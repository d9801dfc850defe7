// "Connect an app": one Connect/Disconnect button per MCP client (Claude Desktop, Claude Code,
// Cursor, VS Code, Windsurf, Zed), the config snippet to copy for any other client, and the
// machine-client steps for scripts. Talks only to /api/connect.

import { api, describeError, SignedOut } from './api.js';
import { h } from './dom.js';
import { t } from './public/i18n.js';

const $ = (id) => document.getElementById(id);

export async function startConnect() {
  await loadConnect();
}

async function loadConnect() {
  const list = $('connect-list');
  try {
    const page = await api('/api/connect');
    list.replaceChildren(...page.clients.map(renderClient));
    const m = page.machine;
    $('machine-steps').textContent = `${m.create}\n\n${m.token}\n\n${m.call}`;
  } catch (error) {
    if (error instanceof SignedOut) return;
    list.replaceChildren(h('li', { class: 'error' }, t('connect.cannotList', { message: describeError(error) })));
  }
}

function stateOf(c) {
  if (c.problem) return 'unreadable';
  if (c.connected) return 'connected';
  return c.detected ? 'detected' : 'missing';
}

/** Copies `text`; the button says whether it worked. */
async function copy(button, text) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = t('common.copied');
  } catch {
    button.textContent = t('connect.copyFailed');
  }
}

function renderClient(c) {
  const note = h('p', { class: 'small', role: 'status', hidden: true });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const snippet = c.snippets.find((s) => s.via === c.default_via) ?? c.snippets[0];
  const pre = h('pre', { class: 'snippet' }, snippet?.text ?? '');
  const copyButton = h('button', { type: 'button', class: 'secondary' }, t('connect.copyConfig'));
  copyButton.addEventListener('click', () => copy(copyButton, pre.textContent));
  const state = stateOf(c);

  const run = async (action) => {
    note.hidden = true;
    error.hidden = true;
    try {
      const outcome = await action();
      if (outcome) {
        note.textContent = outcome.change === 'removed' || outcome.change === 'not_present'
          ? t('connect.removed', outcome)
          : t(outcome.backup ? 'connect.savedBackup' : 'connect.saved', outcome);
        note.hidden = false;
      }
      await loadConnect();
    } catch (e) {
      if (e instanceof SignedOut) return;
      error.textContent = describeError(e);
      error.hidden = false;
    }
  };
  const connect = (force) => api(`/api/connect/${encodeURIComponent(c.id)}`, { method: 'POST', body: { force } })
    .catch((e) => {
      // Our entry exists and differs: ask before replacing it.
      if (e.status === 409 && !force && window.confirm(t('connect.replace', { name: c.name, message: e.message }))) {
        return connect(true);
      }
      throw e;
    });

  const actions = [];
  if (c.path) {
    actions.push(c.connected
      ? h('button', { type: 'button', class: 'secondary', onclick: () => run(() => api(`/api/connect/${encodeURIComponent(c.id)}`, { method: 'DELETE' })) }, t('connect.disconnect'))
      : h('button', { type: 'button', onclick: () => run(() => connect(false)) }, t('connect.connect')));
  }
  actions.push(copyButton);

  return h('li', { class: 'row-item' },
    h('div', { class: 'row-main' },
      h('strong', {}, c.name),
      h('span', { class: `tag state-${state}` }, t(`connect.state.${state}`)),
      h('div', { class: 'row-meta muted small' }, c.path ?? t('connect.noFile')),
      c.problem ? h('p', { class: 'error small' }, c.problem) : null,
      h('details', {}, h('summary', { class: 'small' }, t('connect.config')), pre),
      note, error),
    h('div', { class: 'row-actions' }, actions));
}
