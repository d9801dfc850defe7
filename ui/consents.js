// The consent queue: every pending authorization request as a card the owner approves (with
// the scopes they keep checked) or denies. Polls once a second while the page is visible; a
// live event stream will replace the polling later, `refresh()` stays the entry point.

import { api, describeError, SignedOut } from './api.js';
import { h, formatCountdown } from './dom.js';
import { t, tn } from './public/i18n.js';

const POLL_MS = 1000;
const MAX_BACKOFF_MS = 10000;
const REQUEST_TIMEOUT_MS = 5000;

const $ = (id) => document.getElementById(id);

/** scope → { label, group }, in the server's canonical order. */
let catalog = new Map();
/** id → { view, card, countdown, approve, error } for the cards on screen. */
const cards = new Map();
let timer = null;
let running = false;
let inFlight = false;
let failures = 0;
let onChange = () => {};

/** Starts polling (and keeps it tied to page visibility). `changed` runs when a request leaves the queue. */
export async function start(changed) {
  onChange = changed;
  try {
    catalog = new Map((await api('/api/oauth/scopes')).map((s) => [s.scope, s]));
  } catch (error) {
    if (error instanceof SignedOut) return;
    // Cards still work without labels: they show the scope names.
    console.error(error);
  }
  running = true;
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') schedule(0);
    else stopTimer();
  });
  schedule(0);
}

export function stop() {
  running = false;
  stopTimer();
}

function stopTimer() {
  clearTimeout(timer);
  timer = null;
}

function schedule(delay) {
  stopTimer();
  if (!running || document.visibilityState !== 'visible') return;
  timer = setTimeout(tick, delay);
}

async function tick() {
  timer = null;
  if (inFlight) return;
  inFlight = true;
  try {
    await refresh();
    failures = 0;
    $('consent-offline').hidden = true;
  } catch (error) {
    if (error instanceof SignedOut) {
      stop();
      return;
    }
    failures += 1;
    $('consent-offline').hidden = false;
    $('consent-offline').textContent = t('consents.cannotLoad', { message: describeError(error) });
  } finally {
    inFlight = false;
  }
  // Back off on repeated failures (1 s, 2 s, 4 s … 10 s); one request at a time, always bounded.
  schedule(Math.min(POLL_MS * 2 ** failures, MAX_BACKOFF_MS));
}

/** Loads the queue once and reconciles the cards (keeping the owner's checkbox choices). */
export async function refresh() {
  const pending = await api('/api/oauth/consents', { timeoutMs: REQUEST_TIMEOUT_MS });
  const seen = new Set();
  const added = [];
  for (const view of pending) {
    seen.add(view.id);
    if (!cards.has(view.id)) {
      const entry = buildCard(view);
      cards.set(view.id, entry);
      $('consent-list').append(entry.card);
      added.push(view);
    }
  }
  let removed = false;
  for (const [id, entry] of cards) {
    if (!seen.has(id) && !entry.busy) {
      entry.card.remove();
      cards.delete(id);
      removed = true;
    }
  }
  updateCountdowns();
  render();
  if (added.length > 0) {
    announce(added.length === 1
      ? t('consents.newOne', { name: added[0].client.name, code: added[0].id })
      : t('consents.newMany', { n: added.length }));
  }
  if (removed) onChange();
}

/** The page title without the pending count (views set it: "Kyoto · Trek"). */
let titleBase = t('app.title');

export function setTitleBase(base) {
  titleBase = base;
  render();
}

function render() {
  const count = cards.size;
  $('consents').hidden = count === 0;
  $('consent-count').textContent = String(count);
  document.title = count > 0 ? `(${count}) ${titleBase}` : titleBase;
  document.body.classList.toggle('has-requests', count > 0);
  const badge = $('nav-consent-count');
  if (badge) {
    badge.hidden = count === 0;
    badge.textContent = String(count);
    badge.title = tn('consents.badge', count);
  }
}

function announce(text) {
  $('consent-announce').textContent = text;
}

function updateCountdowns() {
  const now = Date.now() / 1000;
  for (const entry of cards.values()) {
    const left = entry.view.expires_at - now;
    if (left <= 0) {
      entry.countdown.textContent = t('consents.expired');
      entry.card.classList.add('expired');
      entry.approve.disabled = true;
      entry.deny.disabled = true;
    } else {
      entry.countdown.textContent = formatCountdown(left);
      entry.card.classList.toggle('expiring', left < 60);
    }
  }
}

/** What kind of client this is, as a label and an optional detail. */
function kindOf(client) {
  switch (client.kind) {
    case 'cimd':
      return client.verified_domain
        ? { label: t('consents.kind.verified'), detail: client.verified_domain, cls: 'kind-verified' }
        : { label: t('consents.kind.cimd'), detail: client.client_id, cls: 'kind-cimd' };
    case 'dynamic':
      return { label: t('consents.kind.dynamic'), detail: t('consents.kind.dynamicDetail'), cls: 'kind-dynamic' };
    case 'precreated':
      return client.preset
        ? { label: t('consents.kind.preset'), detail: client.preset, cls: 'kind-preset' }
        : { label: t('consents.kind.byYou'), detail: null, cls: 'kind-preset' };
    case 'machine':
      return { label: t('consents.kind.machine'), detail: null, cls: 'kind-preset' };
    default:
      return { label: client.kind, detail: null, cls: '' };
  }
}

/** `write` for scopes that change data, `delete` for irreversible ones, else `read`. */
export function scopeRisk(scope) {
  if (scope.endsWith(':delete')) return 'delete';
  if (scope.endsWith(':write') || scope.endsWith(':share')) return 'write';
  return 'read';
}

/** The tag that marks a scope that can change data, or one whose effect is irreversible. */
export function riskTag(risk) {
  if (risk === 'delete') return h('span', { class: 'tag tag-delete' }, t('consents.irreversible'));
  if (risk === 'write') return h('span', { class: 'tag tag-write' }, t('consents.canChange'));
  return null;
}

function buildCard(view) {
  const id = view.id;
  const kind = kindOf(view.client);
  const titleId = `consent-title-${id}`;
  const errorEl = h('p', { class: 'error card-error', role: 'alert', hidden: true });
  const countdown = h('span', { class: 'countdown' }, '…');
  const requested = view.requested_scopes.split(' ').filter(Boolean);

  // Scope picker, grouped as the server groups them.
  const boxes = [];
  const groups = new Map();
  for (const scope of requested) {
    const info = catalog.get(scope) ?? { scope, label: scope, group: t('consents.scopeGroupOther') };
    if (!groups.has(info.group)) groups.set(info.group, []);
    groups.get(info.group).push(info);
  }
  const picker = h('fieldset', { class: 'scope-picker' },
    h('legend', {}, t('consents.permissions', { n: requested.length })));
  for (const [group, infos] of groups) {
    const list = h('ul', { class: 'scope-list' });
    for (const info of infos) {
      const risk = scopeRisk(info.scope);
      const box = h('input', { type: 'checkbox', value: info.scope, checked: true, id: `scope-${id}-${info.scope}` });
      boxes.push(box);
      list.append(h('li', { class: `scope risk-${risk}` },
        box,
        h('label', { for: box.id },
          h('span', { class: 'scope-label' }, info.label),
          h('code', { class: 'scope-name' }, info.scope),
          riskTag(risk))));
    }
    picker.append(h('div', { class: 'scope-group' }, h('h4', {}, group), list));
  }

  const approve = h('button', { type: 'button', class: 'approve' }, t('consents.approve'));
  const deny = h('button', { type: 'button', class: 'danger deny' }, t('consents.deny'));
  const selectedCount = h('span', { class: 'muted small', 'aria-live': 'polite' });
  const entry = { view, countdown, approve, deny, error: errorEl, busy: false, card: null };

  const checked = () => boxes.filter((b) => b.checked).map((b) => b.value);
  const updateApprove = () => {
    const n = checked().length;
    approve.disabled = n === 0 || entry.card.classList.contains('expired');
    selectedCount.textContent = n === 0 ? t('consents.checkOne')
      : t('consents.willGrant', { n, total: requested.length });
  };
  picker.addEventListener('change', updateApprove);

  const decide = async (action) => {
    errorEl.hidden = true;
    entry.busy = true;
    approve.disabled = true;
    deny.disabled = true;
    try {
      const body = action === 'approve' ? { scopes: checked().join(' ') } : undefined;
      await api(`/api/oauth/consents/${encodeURIComponent(id)}/${action}`, { method: 'POST', body });
      entry.card.remove();
      cards.delete(id);
      render();
      announce(action === 'approve'
        ? t('consents.approved', { name: view.client.name })
        : t('consents.denied', { name: view.client.name }));
      onChange();
    } catch (error) {
      if (error instanceof SignedOut) return;
      errorEl.textContent = describeError(error);
      errorEl.hidden = false;
      deny.disabled = false;
      updateApprove();
    } finally {
      entry.busy = false;
    }
  };
  approve.addEventListener('click', () => decide('approve'));
  deny.addEventListener('click', () => decide('deny'));

  entry.card = h('article', { class: 'consent-card', 'aria-labelledby': titleId, dataset: { requestId: id } },
    h('header', { class: 'consent-head' },
      h('div', {},
        h('h3', { id: titleId }, view.client.name),
        h('p', { class: 'kind' },
          h('span', { class: `tag ${kind.cls}` }, kind.label),
          kind.detail ? h('span', { class: 'kind-detail' }, kind.detail) : null)),
      h('div', { class: 'request-code' },
        h('span', { class: 'muted small' }, t('consents.requestCode')),
        h('code', { class: 'code-value' }, id))),
    h('div', { class: 'redirect' },
      h('span', { class: 'muted' }, t('consents.sendsTo')),
      h('strong', { class: 'redirect-host' }, view.redirect_host),
      h('code', { class: 'redirect-uri', title: t('consents.fullRedirect') }, view.redirect_uri)),
    h('p', { class: 'muted small' },
      t('consents.checkCode'), countdown, t('consents.checkCodeEnd')),
    picker,
    errorEl,
    h('div', { class: 'actions' }, approve, deny, selectedCount));
  updateApprove();
  return entry;
}
