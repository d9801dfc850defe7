// Landing page: the consent queue (top, when non-empty), the server's status and the owner's
// connections for a logged-in owner, or how to log in.

import { api, onSignedOut, SignedOut } from './api.js';
import { copyText } from './dom.js';
import * as consents from './consents.js';
import * as connections from './connections.js';

const $ = (id) => document.getElementById(id);

function setState(state, text) {
  const pill = $('server-state');
  pill.dataset.state = state;
  pill.textContent = text;
}

function showSignedOut() {
  consents.stop();
  connections.stop();
  for (const id of ['status', 'connections', 'consents', 'consent-offline']) $(id).hidden = true;
  document.title = 'Trek';
  $('signed-out').hidden = false;
}

onSignedOut(showSignedOut);

async function load() {
  let status;
  try {
    status = await api('/api/status');
  } catch (error) {
    if (error instanceof SignedOut) {
      setState('ok', 'running');
      return;
    }
    setState('down', 'not reachable');
    console.error(error);
    return;
  }
  setState('ok', 'running');
  $('mcp-url').textContent = status.mcp_url;
  $('public-url').textContent = status.public_url ?? 'not exposed (local clients only)';
  $('local-url').textContent = status.local_url;
  $('data-dir').textContent = status.data_dir;
  $('version').textContent = status.version;
  $('status').hidden = false;
  $('connections').hidden = false;
  try {
    // A request leaving the queue usually means a new session: refresh the lists then.
    await Promise.all([consents.start(() => connections.refresh()), connections.start()]);
  } catch (error) {
    if (!(error instanceof SignedOut)) console.error(error);
  }
}

$('copy-mcp').addEventListener('click', () => copyText($('mcp-url').textContent, $('copy-done'), $('mcp-url')));

$('logout').addEventListener('click', async () => {
  await api('/auth/logout', { method: 'POST' }).catch(() => {});
  location.reload();
});

load();
