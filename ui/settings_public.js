// Settings → Public access: start/stop the tunnel that lets hosted assistants (claude.ai,
// ChatGPT, a phone) reach Trek's MCP and sign-in endpoints, its status and output, the URL to
// paste (with the claude.ai steps), the tunnel settings (quick, named, custom command) and the
// switch that lets share links work through the public URL too (off by default).
// Everything goes through `/api/tunnel`; the named tunnel's token is write-only.

import { api, describeError, SignedOut } from './api.js';
import { h, copyText } from './dom.js';
import { showFormError, clearFormErrors } from './ops.js';
import { t } from './public/i18n.js';

/** How often the status is refreshed while the tunnel is starting or about to retry. */
const POLL_MS = 1000;

const $ = (id) => document.getElementById(id);
let pollTimer = null;
let view = null;

function field(label, control, hint) {
  return h('div', { class: 'field', id: `${control.id}-field` },
    h('label', { for: control.id }, label), control,
    hint ? h('p', { class: 'muted small' }, hint) : null);
}

/** The section, built once by settings.js. */
export function section() {
  const url = h('code', { id: 'public-url' }, '');
  const copied = h('span', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
  return h('section', { class: 'card', id: 'public-access', 'aria-labelledby': 'public-title' },
    h('h2', { id: 'public-title', class: 'card-title' }, t('public.title')),
    h('p', { class: 'muted' }, t('public.intro')),
    h('p', { id: 'public-status', role: 'status', 'aria-live': 'polite' }, t('common.loading')),
    h('div', { id: 'public-up', hidden: true },
      h('p', { class: 'copy-row' }, url,
        h('button', { type: 'button', class: 'secondary small', id: 'public-copy', onclick: () => copyText(url.textContent, copied, url) }, t('common.copy')),
        copied),
      h('p', { id: 'public-quick-note', class: 'muted small', hidden: true }, t('public.quickNote')),
      h('h3', { class: 'subhead' }, t('public.claudeTitle')),
      h('ol', { id: 'public-claude-steps' })),
    h('p', { class: 'actions' },
      h('button', { type: 'button', id: 'public-start', onclick: start }, t('public.start')),
      h('button', { type: 'button', id: 'public-stop', class: 'secondary', onclick: stop, hidden: true }, t('public.stop'))),
    h('p', { id: 'public-error', class: 'error', role: 'alert', hidden: true }),
    h('div', { class: 'check-row' },
      h('input', { id: 'public-share-links', type: 'checkbox', onchange: toggleShareLinks }),
      h('label', { for: 'public-share-links' }, t('public.shareLinks'))),
    h('p', { id: 'public-share-links-note', class: 'muted small' }, t('public.shareLinksHint')),
    h('p', { id: 'public-share-links-error', class: 'error', role: 'alert', hidden: true }),
    settingsForm(),
    h('details', {},
      h('summary', {}, t('public.output')),
      h('pre', { id: 'public-log', class: 'small' })));
}

function settingsForm() {
  const kind = h('select', { id: 'public-kind', name: 'kind' },
    h('option', { value: 'quick' }, t('public.kindQuick')),
    h('option', { value: 'named' }, t('public.kindNamed')),
    h('option', { value: 'custom' }, t('public.kindCustom')));
  const input = (id, name, attrs = {}) => h('input', { id, name, autocomplete: 'off', spellcheck: 'false', ...attrs });
  const form = h('form', { id: 'public-form', class: 'grid-form', novalidate: true },
    field(t('public.kind'), kind, t('public.kindHint')),
    field(t('public.hostname'), input('public-hostname', 'hostname', { placeholder: 'trek.example.com' }), t('public.hostnameHint')),
    field(t('public.token'), input('public-token', 'token', { type: 'password' }), t('public.tokenHint')),
    field(t('public.command'), input('public-command', 'command', { placeholder: 'ngrok http {port} --log stdout' }), t('public.commandHint')),
    field(t('public.customUrl'), input('public-custom-url', 'url', { placeholder: 'https://…' })),
    field(t('public.urlPattern'), input('public-url-pattern', 'url_pattern', { placeholder: 'url=(https://\\S+)' }), t('public.urlPatternHint')),
    field(t('public.cloudflared'), input('public-cloudflared', 'cloudflared', { placeholder: 'cloudflared' }), t('public.cloudflaredHint')),
    h('p', { class: 'form-error error span-all', role: 'alert', hidden: true }),
    h('div', { class: 'span-all actions' },
      h('button', { type: 'submit', class: 'secondary', id: 'public-save' }, t('public.save')),
      h('span', { id: 'public-saved', class: 'muted small', role: 'status', 'aria-live': 'polite' })));
  kind.addEventListener('change', () => showFieldsFor(kind.value));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await save(form);
  });
  return form;
}

function showFieldsFor(kind) {
  const shown = {
    quick: ['public-cloudflared'],
    named: ['public-hostname', 'public-token', 'public-cloudflared'],
    custom: ['public-command', 'public-custom-url', 'public-url-pattern'],
  }[kind];
  for (const id of ['public-hostname', 'public-token', 'public-command', 'public-custom-url', 'public-url-pattern', 'public-cloudflared']) {
    $(`${id}-field`).hidden = !shown.includes(id);
  }
}

function formBody() {
  const kind = $('public-kind').value;
  const value = (id) => $(id).value.trim();
  const provider = { kind };
  if (kind === 'named') provider.hostname = value('public-hostname');
  if (kind === 'custom') {
    provider.command = value('public-command');
    if (value('public-custom-url')) provider.url = value('public-custom-url');
    if (value('public-url-pattern')) provider.url_pattern = value('public-url-pattern');
  }
  const body = { provider };
  if (kind !== 'custom' && value('public-cloudflared')) body.cloudflared = value('public-cloudflared');
  if (kind === 'named' && value('public-token')) body.token = value('public-token');
  return body;
}

async function save(form) {
  clearFormErrors(form);
  $('public-saved').textContent = '';
  try {
    await latest(api('/api/tunnel', { method: 'PUT', body: formBody() }));
    $('public-token').value = '';
    $('public-saved').textContent = t('public.saved');
    return true;
  } catch (error) {
    if (!(error instanceof SignedOut)) showFormError(form, error);
    return false;
  }
}

async function run(path, button) {
  const errorEl = $('public-error');
  errorEl.hidden = true;
  button.disabled = true;
  try {
    await latest(api(path, { method: 'POST', timeoutMs: 30000 }));
  } catch (error) {
    if (error instanceof SignedOut) return;
    errorEl.textContent = describeError(error);
    errorEl.hidden = false;
  } finally {
    button.disabled = false;
  }
}

async function start() {
  // Unsaved edits are saved first, so what starts is what the form shows.
  if (!(await save($('public-form')))) return;
  await run('/api/tunnel/start', $('public-start'));
}

function stop() {
  return run('/api/tunnel/stop', $('public-stop'));
}

async function toggleShareLinks(event) {
  const box = event.target;
  const errorEl = $('public-share-links-error');
  errorEl.hidden = true;
  box.disabled = true;
  try {
    await latest(api('/api/tunnel/share-links', { method: 'PUT', body: { enabled: box.checked } }));
  } catch (error) {
    if (error instanceof SignedOut) return;
    box.checked = !box.checked;
    errorEl.textContent = t('public.shareLinksError', { message: describeError(error) });
    errorEl.hidden = false;
  } finally {
    box.disabled = false;
  }
}

function statusText(status) {
  switch (status.state) {
    case 'up': return t('public.stateUp');
    case 'starting': return status.url ? t('public.stateChecking', { url: status.url }) : t('public.stateStarting');
    case 'failed': return status.retry_in_ms != null
      ? t('public.stateRetrying', { reason: status.reason, seconds: Math.ceil(status.retry_in_ms / 1000) })
      : t('public.stateFailed', { reason: status.reason });
    default: return t('public.stateStopped');
  }
}

let requested = 0;

/**
 * Renders the view `request` answers unless a later request was made meanwhile: a status poll
 * sent before Go public must not paint its older answer over the newer one.
 */
async function latest(request) {
  const mine = ++requested;
  const view = await request;
  if (mine === requested) render(view);
}

function render(next) {
  view = next;
  const { status, settings } = view;
  $('public-status').textContent = statusText(status);
  $('public-status').className = status.state === 'failed' ? 'error' : '';
  const up = status.state === 'up';
  $('public-up').hidden = !up;
  const running = up || status.state === 'starting' || (status.state === 'failed' && status.retry_in_ms != null);
  // A failed tunnel that no longer retries can still be turned off: otherwise public access
  // would stay on for the next launch with no way to say no from here.
  $('public-stop').hidden = !(running || status.state === 'failed');
  $('public-start').textContent = running ? t('public.restart') : t('public.start');
  if (up) {
    $('public-url').textContent = status.mcp_url;
    $('public-quick-note').hidden = !view.url_changes_each_start;
    $('public-claude-steps').replaceChildren(
      h('li', {}, t('public.claudeStep1')),
      h('li', {}, t('public.claudeStep2'), ' ', h('code', {}, status.mcp_url)),
      h('li', {}, t('public.claudeStep3')));
  }
  $('public-log').textContent = view.log.join('\n') || t('public.noOutput');
  $('public-share-links').checked = view.share_links;
  $('public-share-links-note').textContent = t(view.share_links ? 'public.shareLinksOn' : 'public.shareLinksHint');
  if (!$('public-form').contains(document.activeElement)) {
    $('public-kind').value = settings.provider.kind;
    $('public-hostname').value = settings.provider.hostname ?? '';
    $('public-token').placeholder = view.has_token ? t('public.tokenSaved') : '';
    $('public-command').value = settings.provider.command ?? '';
    $('public-custom-url').value = settings.provider.url ?? '';
    $('public-url-pattern').value = settings.provider.url_pattern ?? '';
    $('public-cloudflared').value = settings.cloudflared ?? '';
    showFieldsFor(settings.provider.kind);
  }
  clearTimeout(pollTimer);
  const waiting = status.state === 'starting' || (status.state === 'failed' && status.retry_in_ms != null);
  if (waiting && !$('public-access').closest('[hidden]')) pollTimer = setTimeout(load, POLL_MS);
}

/** Loads the settings and status (settings.js calls it when the page is shown). */
export async function load() {
  try {
    await latest(api('/api/tunnel'));
  } catch (error) {
    if (error instanceof SignedOut) return;
    $('public-status').textContent = describeError(error);
  }
}
