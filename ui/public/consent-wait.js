// Waiting page of an authorization request: asks the server how the owner decided and follows
// the redirect back to the assistant. Only this browser (its consent cookie) gets the answer.

const id = new URLSearchParams(location.search).get('id') ?? '';
const $ = (name) => document.getElementById(name);
$('request-id').textContent = id || '(missing)';

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
    $('wait-status').textContent = 'Trek is not reachable; retrying…';
    return setTimeout(poll, 3000);
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    return finish('This request cannot continue', body.error_description ?? `HTTP ${response.status}`);
  }
  if (body.status === 'pending') {
    $('client-name').textContent = body.client_name || 'An assistant';
    return setTimeout(poll, 1000);
  }
  if (body.status === 'redirect') {
    $('wait-status').textContent = 'Decided — returning to your assistant…';
    return location.replace(body.location);
  }
  finish('This request has expired', 'Start the connection again from your assistant.');
}

poll();
