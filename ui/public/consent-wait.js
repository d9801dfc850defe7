// Waiting page of an authorization request: asks the server how the owner decided and follows
// the redirect back to the assistant. Only this browser (its consent cookie) gets the answer.

import { t, localize } from './i18n.js';

localize();

const id = new URLSearchParams(location.search).get('id') ?? '';
const $ = (name) => document.getElementById(name);
$('request-id').textContent = id || t('wait.missingId');

function finish(title, text) {
  $('wait-title').textContent = title;
  $('wait-text').textContent = text;
  $('wait-status').textContent = '';
}

async function poll() {
  let response;
  try {
    response = await fetch(`/oauth/consent/status?id=${encodeURIComponent(id)}`, { credentials: 'same-origin' });
  } catch {
    $('wait-status').textContent = t('wait.unreachable');
    return setTimeout(poll, 3000);
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    return finish(t('wait.cannotContinue'), body.error_description ?? t('wait.http', { status: response.status }));
  }
  if (body.status === 'pending') {
    $('client-name').textContent = body.client_name || t('wait.anAssistant');
    return setTimeout(poll, 1000);
  }
  if (body.status === 'redirect') {
    $('wait-status').textContent = t('wait.decided');
    return location.replace(body.location);
  }
  finish(t('wait.expired'), t('wait.expiredHint'));
}

poll();
