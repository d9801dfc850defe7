// "Connected": live OAuth sessions, clients (delete, rotate secret, create), the deprecated
// static tokens, and the auth activity log. Secrets the server returns are shown once, then forgotten.

import { api, describeError, SignedOut } from './api.js';
import { h, timeEl, confirmButton, secretBox } from './dom.js';
import { scopeRisk, riskTag } from './consents.js';
import { t } from './public/i18n.js';
import { startConnect } from './connect.js';
import { startPause } from './pause.js';

const $ = (id) => document.getElementById(id);

let scopes = [];
let presets = [];
let clientsById = new Map();
/** What each list was last rendered from, to skip re-rendering unchanged lists. */
const rendered = new Map();
let refreshing = null;
let timer = null;
let running = false;

/** Sessions appear when an assistant redeems its code, with no owner action: refresh now and then. */
const REFRESH_MS = 3000;

export async function start() {
  [scopes, presets] = await Promise.all([api('/api/oauth/scopes'), api('/api/oauth/presets')]);
  buildNewClientForm();
  $('new-token').addEventListener('submit', createToken);
  startConnect();
  startPause();
  running = true;
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') refresh();
    else clearTimeout(timer);
  });
  await refresh();
}

export function stop() {
  running = false;
  clearTimeout(timer);
}

/** Reloads sessions, clients and tokens (one load at a time; callers share it). */
export function refresh() {
  refreshing ??= load().finally(() => {
    refreshing = null;
    clearTimeout(timer);
    if (running && document.visibilityState === 'visible') timer = setTimeout(refresh, REFRESH_MS);
  });
  return refreshing;
}

async function load() {
  try {
    const [sessions, clients, tokens, audit] = await Promise.all([
      api('/api/oauth/sessions'), api('/api/oauth/clients'), api('/api/tokens'), api('/api/oauth/audit'),
    ]);
    clientsById = new Map(clients.map((c) => [c.client_id, c]));
    renderIfChanged('session-list', { sessions, names: clients.map((c) => [c.client_id, c.name]) }, () => renderSessions(sessions));
    renderIfChanged('client-list', clients, () => renderClients(clients));
    renderIfChanged('token-list', tokens, () => renderTokens(tokens));
    renderIfChanged('audit-list', audit, () => renderAudit(audit));
    $('connections-error').hidden = true;
  } catch (error) {
    if (error instanceof SignedOut) {
      stop();
      return;
    }
    $('connections-error').textContent = t('connections.cannotLoad', { message: describeError(error) });
    $('connections-error').hidden = false;
  }
}

/** Re-renders a list when its data changed, unless the owner is using it (focus inside). */
function renderIfChanged(listId, data, render) {
  const key = JSON.stringify(data);
  if (rendered.get(listId) === key) return;
  if ($(listId).contains(document.activeElement)) return;
  rendered.set(listId, key);
  render();
}

/** Runs `action`; on failure shows the API's message in `errorEl`; refreshes on success. */
async function act(errorEl, action) {
  errorEl.hidden = true;
  try {
    const result = await action();
    await refresh();
    return result;
  } catch (error) {
    if (error instanceof SignedOut) return undefined;
    errorEl.textContent = describeError(error);
    errorEl.hidden = false;
    return undefined;
  }
}

function scopeSummary(spaceSeparated) {
  const list = spaceSeparated.split(' ').filter(Boolean);
  if (list.length === 0) return h('span', { class: 'muted' }, t('connections.noScopes'));
  if (list.length === scopes.length) return h('span', {}, t('connections.allScopes', { n: list.length }));
  return h('ul', { class: 'chips' }, list.map((s) => h('li', { class: `chip risk-${scopeRisk(s)}` }, s)));
}

function emptyRow(list, text) {
  list.replaceChildren(h('li', { class: 'empty muted' }, text));
}

function renderSessions(sessions) {
  const list = $('session-list');
  if (sessions.length === 0) return emptyRow(list, t('connections.noSessions'));
  list.replaceChildren(...sessions.map((s) => {
    const client = clientsById.get(s.client_id);
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    return h('li', { class: 'row-item' },
      h('div', { class: 'row-main' },
        h('strong', {}, client?.name ?? s.client_id),
        h('span', { class: 'tag' }, s.kind),
        h('div', { class: 'row-meta muted small' },
          t('connections.connectedAgo'), timeEl(s.created_at, { ago: true }),
          t('connections.lastUsed'), timeEl(s.last_used_at, { ago: true })),
        h('div', { class: 'row-scopes' }, scopeSummary(s.scopes)),
        error),
      h('div', { class: 'row-actions' },
        confirmButton(t('connections.revoke'), t('connections.revokeArmed'), () =>
          act(error, () => api(`/api/oauth/sessions/${encodeURIComponent(s.id)}`, { method: 'DELETE' })),
        { 'aria-label': t('connections.revokeNamed', { name: client?.name ?? s.client_id }) })));
  }));
}

function renderClients(clients) {
  const list = $('client-list');
  if (clients.length === 0) return emptyRow(list, t('connections.noClients'));
  list.replaceChildren(...clients.map((c) => {
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const secretSlot = h('div');
    const kind = c.kind === 'cimd' && c.verified_domain ? t('connections.kind.verifiedDomain', { domain: c.verified_domain })
      : c.preset ? t('connections.kind.preset', { preset: c.preset })
        : ['dynamic', 'cimd', 'precreated', 'machine'].includes(c.kind) ? t(`connections.kind.${c.kind}`) : c.kind;
    const rotate = c.confidential
      ? h('button', {
        type: 'button', class: 'secondary small', 'aria-label': t('connections.rotateNamed', { name: c.name }),
        onclick: async () => {
          const rotated = await act(error, () =>
            api(`/api/oauth/clients/${encodeURIComponent(c.client_id)}/rotate-secret`, { method: 'POST' }));
          if (rotated) showSecret(c.client_id, secretBox(t('connections.rotatedTitle'), [['client_secret', rotated.client_secret]],
            t('connections.rotatedNote')));
        },
      }, t('connections.rotate'))
      : null;
    return h('li', { class: 'row-item', dataset: { clientId: c.client_id } },
      h('div', { class: 'row-main' },
        h('strong', {}, c.name),
        h('span', { class: 'tag' }, kind),
        h('div', { class: 'row-meta muted small' },
          h('code', {}, c.client_id), t('connections.created'), timeEl(c.created_at, { ago: true }),
          t('connections.lastUsed'), timeEl(c.last_used_at, { ago: true })),
        c.redirect_uris.length
          ? h('div', { class: 'row-meta small' }, t('connections.redirectsTo'), c.redirect_uris.map((u, i) => [i ? ', ' : '', h('code', {}, u)]))
          : null,
        h('div', { class: 'row-scopes' }, scopeSummary(c.scopes)),
        error,
        secretSlot),
      h('div', { class: 'row-actions' },
        rotate,
        confirmButton(t('common.delete'), t('connections.deleteArmed'), () =>
          act(error, () => api(`/api/oauth/clients/${encodeURIComponent(c.client_id)}`, { method: 'DELETE' })),
        { 'aria-label': t('common.deleteNamed', { name: c.name }) })));
  }));
}

/** Secret boxes live outside the re-rendered list so a refresh does not drop them. */
function showSecret(clientId, box) {
  $('secret-slot').replaceChildren(h('p', { class: 'small muted' }, t('connections.forClient'), h('code', {}, clientId)), box);
  box.querySelector('button')?.focus();
}

function renderTokens(tokens) {
  const list = $('token-list');
  if (tokens.length === 0) return emptyRow(list, t('connections.noTokens'));
  list.replaceChildren(...tokens.map((token) => {
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    return h('li', { class: 'row-item' },
      h('div', { class: 'row-main' },
        h('strong', {}, token.name),
        h('code', {}, `${token.hint}…`),
        h('div', { class: 'row-meta muted small' },
          t('connections.createdStart'), timeEl(token.created_at, { ago: true }),
          t('connections.lastUsed'), timeEl(token.last_used_at, { ago: true })),
        error),
      h('div', { class: 'row-actions' },
        confirmButton(t('common.delete'), t('connections.deleteArmed'), () =>
          act(error, () => api(`/api/tokens/${encodeURIComponent(token.id)}`, { method: 'DELETE' })),
        { 'aria-label': t('connections.deleteToken', { name: token.name }) })));
  }));
}

/** Events that mean something was refused or may be an attack: shown as warnings. */
const ALARMING = new Set(['client_auth_failed', 'code_replayed', 'refresh_replayed']);
/** Audit events with a label in the string table (others show their code). */
const KNOWN_EVENTS = new Set([
  'client_auth_failed', 'client_created', 'client_deleted', 'client_registered', 'client_secret_rotated',
  'code_issued', 'code_replayed', 'consent_requested', 'consent_approved', 'consent_denied', 'issued',
  'refresh_replayed', 'refreshed', 'revoked', 'static_token_created',
]);
/** How many events the list shows (the server keeps and sends the latest 200). */
const AUDIT_SHOWN = 50;

/** The auth activity log: who connected, refreshed, was refused or revoked, newest first. */
function renderAudit(events) {
  const list = $('audit-list');
  if (events.length === 0) return emptyRow(list, t('connections.noActivity'));
  list.replaceChildren(...events.slice(0, AUDIT_SHOWN).map((e) => {
    const client = e.client_id ? clientsById.get(e.client_id)?.name ?? e.client_id : null;
    const label = KNOWN_EVENTS.has(e.event) ? t(`connections.event.${e.event}`) : e.event;
    return h('li', { class: 'row-item audit', dataset: { event: e.event } },
      h('div', { class: 'row-main' },
        h('span', { class: `tag${ALARMING.has(e.event) ? ' tag-delete' : ''}` }, label),
        client ? h('strong', {}, client) : null,
        h('div', { class: 'row-meta muted small' }, timeEl(e.at, { ago: true }), e.detail ? ` · ${e.detail}` : '')));
  }));
}

function scopeCheckboxes(container, prefix) {
  const groups = new Map();
  for (const s of scopes) {
    if (!groups.has(s.group)) groups.set(s.group, []);
    groups.get(s.group).push(s);
  }
  for (const [group, infos] of groups) {
    const list = h('ul', { class: 'scope-list' });
    for (const s of infos) {
      const risk = scopeRisk(s.scope);
      const box = h('input', { type: 'checkbox', name: 'scope', value: s.scope, id: `${prefix}-${s.scope}` });
      list.append(h('li', { class: `scope risk-${risk}` }, box,
        h('label', { for: box.id }, h('span', { class: 'scope-label' }, s.label), h('code', { class: 'scope-name' }, s.scope),
          riskTag(risk))));
    }
    container.append(h('div', { class: 'scope-group' }, h('h4', {}, group), list));
  }
}

function buildNewClientForm() {
  const form = $('new-client');
  const presetSelect = $('client-preset');
  for (const p of presets) presetSelect.append(h('option', { value: p.id }, p.name));
  scopeCheckboxes($('client-scopes'), 'new-client-scope');
  const boxes = () => [...form.querySelectorAll('input[name="scope"]')];
  const setDefaults = () => {
    // The server's defaults: everything for machine clients, the preset default otherwise.
    const machine = $('client-machine').checked;
    const preset = presets[0]?.scopes.split(' ') ?? [];
    for (const box of boxes()) box.checked = machine || preset.includes(box.value);
  };
  setDefaults();
  // The URL to paste into the chosen client (a hosted one needs public access on).
  const presetUrl = h('p', { id: 'client-preset-url', class: 'muted small', role: 'status', hidden: true });
  presetSelect.after(presetUrl);
  presetSelect.addEventListener('change', () => {
    const preset = presets.find((p) => p.id === presetSelect.value);
    presetUrl.hidden = !preset;
    if (preset) {
      presetUrl.replaceChildren(preset.mcp_url
        ? h('span', {}, t('public.presetUrl', { name: preset.name }), ' ', h('code', {}, preset.mcp_url))
        : t('public.presetNeedsPublic', { name: preset.name }));
      $('client-redirects').value = preset.redirect_uris.join('\n');
      if (!$('client-name').value.trim()) $('client-name').value = preset.name;
    }
  });
  $('client-machine').addEventListener('change', () => {
    $('client-redirects-field').hidden = $('client-machine').checked;
    presetSelect.disabled = $('client-machine').checked;
    setDefaults();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('new-client-error');
    const machine = $('client-machine').checked;
    const chosen = boxes().filter((b) => b.checked).map((b) => b.value);
    if (chosen.length === 0) {
      error.textContent = t('connections.chooseOne');
      error.hidden = false;
      return;
    }
    const body = { name: $('client-name').value, machine, scopes: chosen.join(' ') };
    if (!machine) {
      if (presetSelect.value) body.preset = presetSelect.value;
      const uris = $('client-redirects').value.split('\n').map((u) => u.trim()).filter(Boolean);
      if (uris.length) body.redirect_uris = uris;
    }
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    const created = await act(error, () => api('/api/oauth/clients', { method: 'POST', body }));
    submit.disabled = false;
    if (!created) return;
    form.reset();
    $('client-redirects-field').hidden = false;
    presetSelect.disabled = false;
    setDefaults();
    showSecret(created.client_id, secretBox(t('connections.clientCreated', { name: created.name }),
      [['client_id', created.client_id], ['client_secret', created.client_secret]],
      t('connections.clientCreatedNote')));
  });
}

async function createToken(event) {
  event.preventDefault();
  const name = $('token-name');
  const created = await act($('new-token-error'), () =>
    api('/api/tokens', { method: 'POST', body: { name: name.value } }));
  if (!created) return;
  name.value = '';
  const box = secretBox(t('connections.tokenCreated', { name: created.name }), [['token', created.token]],
    t('connections.tokenCreatedNote'));
  $('token-secret-slot').replaceChildren(box);
  box.querySelector('button')?.focus();
}
