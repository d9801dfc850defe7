// "Connect an app": one Connect/Disconnect button per MCP client (Claude Desktop, Claude Code,
// Cursor, VS Code, Windsurf, Zed), the config snippet to copy for any other client, and the
// machine-client steps for scripts. Talks only to /api/connect.

import { api, describeError, SignedOut } from './api.js';
import { h } from './dom.js';

const $ = (id) => document.getElementById(id);

const STATE_LABELS = { connected: 'connected', detected: 'installed', missing: 'not found', unreadable: 'file has errors' };

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
    list.replaceChildren(h('li', { class: 'error' }, `Cannot list apps: ${describeError(error)}`));
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
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Select and copy the text';
  }
}

function renderClient(c) {
  const note = h('p', { class: 'small', role: 'status', hidden: true });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const snippet = c.snippets.find((s) => s.via === c.default_via) ?? c.snippets[0];
  const pre = h('pre', { class: 'snippet' }, snippet?.text ?? '');
  const copyButton = h('button', { type: 'button', class: 'secondary' }, 'Copy config');
  copyButton.addEventListener('click', () => copy(copyButton, pre.textContent));
  const state = stateOf(c);

  const run = async (action) => {
    note.hidden = true;
    error.hidden = true;
    try {
      const outcome = await action();
      if (outcome) {
        note.textContent = outcome.change === 'removed' || outcome.change === 'not_present'
          ? `Removed from ${outcome.path}. ${outcome.restart}.`
          : `Saved in ${outcome.path}${outcome.backup ? ` (original backed up to ${outcome.backup})` : ''}. Next: ${outcome.restart}, then approve its request here.`;
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
      if (e.status === 409 && !force && window.confirm(`${c.name} already has a "trek" entry.\n\n${e.message}\n\nReplace it?`)) {
        return connect(true);
      }
      throw e;
    });

  const actions = [];
  if (c.path) {
    actions.push(c.connected
      ? h('button', { type: 'button', class: 'secondary', onclick: () => run(() => api(`/api/connect/${encodeURIComponent(c.id)}`, { method: 'DELETE' })) }, 'Disconnect')
      : h('button', { type: 'button', onclick: () => run(() => connect(false)) }, 'Connect'));
  }
  actions.push(copyButton);

  return h('li', { class: 'row-item' },
    h('div', { class: 'row-main' },
      h('strong', {}, c.name),
      h('span', { class: `tag state-${state}` }, STATE_LABELS[state]),
      h('div', { class: 'row-meta muted small' }, c.path ?? 'no config file on this system: copy the config instead'),
      c.problem ? h('p', { class: 'error small' }, c.problem) : null,
      h('details', {}, h('summary', { class: 'small' }, 'Config'), pre),
      note, error),
    h('div', { class: 'row-actions' }, actions));
}
