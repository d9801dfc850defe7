// End-to-end: the Connections page in a real headless Chromium.
//
//   node tests/e2e/ui_connections.mjs <base-url> <owner-login-url>
//
// The owner creates a client from a preset and sees its secret exactly once (gone after a
// reload; the secret authenticates the client at the token endpoint, a wrong one does not);
// creates a machine client (the redirect URIs field hides), whose secret gets a
// client_credentials token that calls MCP tools — a trip it creates appears in the open trips
// page within 2 s, without a reload; then revokes that connection in the page and the
// client's next MCP call is refused. No console errors. Every wait is bounded.

import {
  WAIT_MS, assert, collectPageErrors, equal, launchChromium, ownerApi, ownerLogin, parseArgs, stepper, withTimeout,
} from './lib.mjs';

const { base, loginUrl } = parseArgs('ui_connections.mjs');
const { step, summary } = stepper();
const SECRET = /^trekcs_[A-Za-z0-9_-]+$/;

/** POST /oauth/token with client_secret_basic; returns { status, json }. */
async function token(clientId, secret, form) {
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  return { status: response.status, json: await response.json() };
}

/** One stateless MCP request (protocol 2026-07-28, no session) with a bearer token. */
async function mcp(accessToken, method, params) {
  const response = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      // 2026-07-28 repeats the method and the tool name as headers.
      'mcp-method': method,
      ...(params?.name ? { 'mcp-name': params.name } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': {},
          'io.modelcontextprotocol/clientInfo': { name: 'trek-ui-connections', version: '1' },
        },
      },
    }),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await response.text();
  const data = text.split('\n').find((l) => l.startsWith('data:'))?.slice(5) ?? text;
  let json = null;
  try {
    json = JSON.parse(data);
  } catch {}
  return { status: response.status, json, text };
}

const browser = await launchChromium();
let failed = false;
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { errors } = collectPageErrors(page, { origin: base });
  page.setDefaultTimeout(WAIT_MS);
  const owner = await step('owner logs in with the one-time link', () => ownerLogin(loginUrl));
  await step('the page opens logged in', async () => {
    const [name, value] = owner.split('=');
    await context.addCookies([{ name, value, url: base }]);
    await page.goto(`${base}/#/connections`);
    await page.locator('#client-list li').first().waitFor();
  });

  /** The client_secret row of the secret box just shown. */
  const shownSecret = async () => {
    const row = page.locator('#secret-slot .secret-row', { has: page.locator('.secret-name', { hasText: /^client_secret$/ }) });
    const secret = (await row.locator('.secret-value').textContent()).trim();
    assert(SECRET.test(secret), `not a client secret: ${secret}`);
    return secret;
  };

  /** The "New client" panel is collapsed until opened. */
  const openNewClient = async () => {
    const form = page.locator('#new-client');
    if (!(await form.isVisible())) await page.locator('summary', { hasText: 'New client' }).click();
    await form.waitFor();
  };

  const preset = await step('a client from the Cursor preset shows its secret once', async () => {
    await openNewClient();
    await page.selectOption('#client-preset', 'cursor');
    await page.fill('#client-name', 'Cursor on this laptop');
    await page.locator('#new-client button[type="submit"]').click();
    const slot = page.locator('#secret-slot');
    await slot.locator('.secret-value').first().waitFor();
    const secret = await shownSecret();
    const clients = await ownerApi(base, owner, 'GET', '/api/oauth/clients');
    const created = clients.json.find((c) => c.name === 'Cursor on this laptop');
    assert(created, `the new client is not listed: ${clients.text}`);
    equal(created.preset, 'cursor', 'preset of the new client');
    await page.locator(`#client-list li[data-client-id="${created.client_id}"]`).getByText('preset cursor').waitFor();
    return { clientId: created.client_id, secret };
  });

  await step('after a reload the secret is nowhere on the page', async () => {
    await page.reload();
    await page.locator(`#client-list li[data-client-id="${preset.clientId}"]`).waitFor();
    const text = await page.locator('body').textContent();
    assert(!text.includes(preset.secret), 'the secret is still shown after a reload');
  });

  await step('the shown secret authenticates the client; a wrong one does not', async () => {
    // A preset client may not use client_credentials: with the right secret that is the error,
    // with a wrong secret the client is not even authenticated.
    const right = await token(preset.clientId, preset.secret, { grant_type: 'client_credentials' });
    equal(right.json.error, 'unauthorized_client', `right secret (${JSON.stringify(right.json)})`);
    const wrong = await token(preset.clientId, `${preset.secret}x`, { grant_type: 'client_credentials' });
    equal(wrong.json.error, 'invalid_client', 'wrong secret');
  });

  const machine = await step('a machine client hides redirect URIs and shows its secret', async () => {
    await openNewClient();
    await page.check('#client-machine');
    assert(await page.locator('#client-redirects-field').isHidden(), 'redirect URIs still shown for a machine client');
    assert(await page.locator('#client-preset').isDisabled(), 'preset still selectable for a machine client');
    await page.fill('#client-name', 'nightly script');
    await page.locator('#new-client button[type="submit"]').click();
    const slot = page.locator('#secret-slot');
    await slot.getByText('nightly script').waitFor();
    const secret = await shownSecret();
    const clients = await ownerApi(base, owner, 'GET', '/api/oauth/clients');
    const created = clients.json.find((c) => c.name === 'nightly script');
    equal(created?.kind, 'machine', 'kind of the machine client');
    await page.locator(`#client-list li[data-client-id="${created.client_id}"] .tag`).getByText('machine').waitFor();
    return { clientId: created.client_id, secret };
  });

  const accessToken = await step('its token calls an MCP tool', async () => {
    const issued = await token(machine.clientId, machine.secret, { grant_type: 'client_credentials', resource: `${base}/mcp` });
    equal(issued.status, 200, `client_credentials (${JSON.stringify(issued.json)})`);
    const call = await mcp(issued.json.access_token, 'tools/call', { name: 'list_trips', arguments: {} });
    equal(call.status, 200, `tools/call list_trips (${call.text.slice(0, 200)})`);
    assert(call.json?.result && !call.json.result.isError, `list_trips failed: ${call.text.slice(0, 300)}`);
    return issued.json.access_token;
  });

  await step('a trip the machine client creates over MCP appears in the open trips page without a reload', async () => {
    await page.goto(`${base}/#/trips`);
    await page.locator('main').getByRole('heading').first().waitFor();
    const navigations = [];
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations.push(frame.url()); });
    const call = await mcp(accessToken, 'tools/call', { name: 'create_trip', arguments: { title: 'Planned over MCP' } });
    assert(call.json?.result && !call.json.result.isError, `create_trip failed: ${call.text.slice(0, 300)}`);
    await page.getByText('Planned over MCP').first().waitFor({ timeout: 2000 });
    equal(navigations.length, 0, `the page reloaded or navigated (${navigations.join(', ')})`);
    await page.goto(`${base}/#/connections`);
    await page.locator('#client-list li').first().waitFor();
  });

  await step('the owner revokes the connection in the page; the next call is refused', async () => {
    await page.reload();
    const revoke = page.getByRole('button', { name: 'Revoke nightly script' });
    await revoke.click();
    await revoke.click(); // the second click confirms
    await withTimeout((async () => {
      for (;;) {
        const sessions = await ownerApi(base, owner, 'GET', '/api/oauth/sessions');
        if (!sessions.json.some((s) => s.client_id === machine.clientId)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    })(), WAIT_MS, 'the revoked session leaving the list');
    const call = await mcp(accessToken, 'tools/call', { name: 'list_trips', arguments: {} });
    equal(call.status, 401, 'MCP call with the revoked token');
  });

  await step('the activity log shows the revocation, the clients created and the refused wrong secret', async () => {
    const log = page.locator('#audit-list');
    await log.locator('li[data-event="revoked"]', { hasText: 'nightly script' }).filter({ hasText: 'Access revoked' }).waitFor();
    await log.locator('li[data-event="client_created"]', { hasText: 'nightly script' }).waitFor();
    const refused = log.locator('li[data-event="client_auth_failed"]').first();
    await refused.filter({ hasText: 'Client authentication failed' }).waitFor();
    assert(await refused.locator('.tag-delete').count() === 1, 'a refused secret is shown as a warning');
  });

  await step('no script errors and no failed requests', async () => {
    equal(errors.length, 0, `errors: ${errors.join(' | ')}`);
  });
} catch {
  failed = true;
} finally {
  await browser.close();
}
console.log(`ui_connections: ${summary()}`);
process.exit(failed ? 1 : 0);
