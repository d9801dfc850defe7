// The app shell: log-in state, the top bar (navigation, server and live-stream state), the
// consent queue (above every view, polled), the live change stream, and the hash router that
// shows one view at a time: the trips list, a trip, Connections (with the server's status) or
// Settings.

import { api, onSignedOut, SignedOut } from './api.js';
import { copyText } from './dom.js';
import { t, localize } from './public/i18n.js';
import { op } from './ops.js';
import * as router from './router.js';
import * as live from './live.js';
import * as consents from './consents.js';
import * as connections from './connections.js';
import * as tripsView from './trips.js';
import * as tripView from './trip.js';
import * as settingsView from './settings.js';
import { startWelcome } from './welcome.js';

const $ = (id) => document.getElementById(id);

let signedOut = false;
let ready = false;

function setState(state, text, title = '') {
  const pill = $('server-state');
  pill.dataset.state = state;
  pill.textContent = text;
  pill.title = title;
}

const connectionsView = {
  show() {
    $('view-connections').hidden = false;
    connections.refresh();
  },
  hide() {
    $('view-connections').hidden = true;
  },
};

const missingView = {
  show() { $('view-missing').hidden = false; },
  hide() { $('view-missing').hidden = true; },
};

const views = { trips: tripsView, trip: tripView, connections: connectionsView, settings: settingsView, missing: missingView };
let current = null;

async function route({ view, params, unknown }) {
  if (signedOut || !ready) return;
  if (view === null && !unknown) {
    // Home: the trips when there are any; on a fresh install, how to connect an assistant.
    let hasTrips = true;
    try {
      hasTrips = (await op('list_trips', { include_archived: true })).trips.length > 0;
    } catch (error) {
      if (error instanceof SignedOut) return;
    }
    router.redirect(hasTrips ? '#/trips' : '#/connections');
    return;
  }
  const name = view ?? 'missing';
  if (current && current !== name) {
    views[current].hide();
    window.scrollTo(0, 0);
  }
  current = name;
  for (const link of document.querySelectorAll('#main-nav a')) {
    const active = link.dataset.nav === name || (name === 'trip' && link.dataset.nav === 'trips');
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  try {
    await views[name].show(params);
  } catch (error) {
    if (!(error instanceof SignedOut)) console.error(error);
  }
}

function showSignedOut() {
  signedOut = true;
  consents.stop();
  connections.stop();
  live.stop();
  if (current) views[current].hide();
  current = null;
  for (const id of ['status', 'connections', 'consents', 'consent-offline', 'main-nav', 'view-connections']) $(id).hidden = true;
  document.title = t('app.title');
  $('signed-out').hidden = false;
}

onSignedOut(showSignedOut);

async function load() {
  let status;
  try {
    status = await api('/api/status');
  } catch (error) {
    if (error instanceof SignedOut) {
      setState('ok', t('shell.running'));
      return;
    }
    setState('down', t('shell.unreachable'));
    console.error(error);
    return;
  }
  setState('ok', t('shell.running'));
  $('mcp-url').textContent = status.mcp_url;
  $('public-url').textContent = status.public_url ?? t('status.notPublic');
  $('local-url').textContent = status.local_url;
  $('data-dir').textContent = status.data_dir;
  $('version').textContent = status.version;
  $('status').hidden = false;
  $('connections').hidden = false;
  $('main-nav').hidden = false;

  live.onState((s) => {
    if (signedOut) return;
    if (s === 'live') setState('ok', t('shell.live'), t('shell.liveHint'));
    else setState('warn', t('shell.reconnecting'), t('shell.reconnectingHint'));
  });
  live.start();
  ready = true;
  router.start(route);
  startWelcome(status.data_dir);
  try {
    // A request leaving the queue usually means a new session: refresh the lists then.
    await Promise.all([consents.start(() => connections.refresh()), connections.start()]);
  } catch (error) {
    if (!(error instanceof SignedOut)) console.error(error);
  }
}

localize();

$('copy-mcp').addEventListener('click', () => copyText($('mcp-url').textContent, $('copy-done'), $('mcp-url')));

$('logout').addEventListener('click', async () => {
  await api('/auth/logout', { method: 'POST' }).catch(() => {});
  location.reload();
});

load();
