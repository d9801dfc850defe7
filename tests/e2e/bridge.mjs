// End-to-end: `trek bridge` (Trek's own stdio bridge, for stdio-only clients such as Claude
// Desktop) driven by the official MCP TypeScript SDK client over stdio, against `trek serve`.
//
//   node tests/e2e/bridge.mjs <base-url> <owner-login-url>     (env TREK_BIN: the trek binary)
//
// The SDK's StdioClientTransport spawns `trek bridge <base>/mcp` with a fresh TREK_DATA_DIR for
// its token file and TREK_BRIDGE_BROWSER=browser_hook.mjs, which hands each URL the bridge
// "opens" to this script. The script plays the user (waiting page, owner approval through the
// owner API) and loads the redirect on the bridge's loopback listener. Then: tools/list,
// create_trip; the token file is owner-only and holds the client registration; an expired access
// token is refreshed without a browser; a revoked grant leads to a new sign-in (same client
// registration) and the call still succeeds. Every wait is bounded.

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  WAIT_MS, Failure, assert, equal, parseArgs, startBrowserHook, stepper, withTimeout, ownerLogin, ownerApi, playBrowser, toolJson,
} from './lib.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const { base, loginUrl } = parseArgs('bridge.mjs');
const { step, summary } = stepper();
const AUTH_WAIT_MS = 30000;
const trekBin = process.env.TREK_BIN;

/**
 * The user's side of one sign-in: approve in Trek (or, when Trek remembers the owner's consent
 * for this client, get redirected at once), then land on the bridge's callback.
 */
async function approveSignIn(hook, owner, { remembered = false } = {}) {
  const authorizeUrl = await withTimeout(hook.next(), AUTH_WAIT_MS, 'the bridge opening the browser');
  const parsed = new URL(authorizeUrl);
  equal(`${parsed.origin}${parsed.pathname}`, `${base}/oauth/authorize`, 'opened URL');
  equal(parsed.searchParams.get('code_challenge_method'), 'S256', 'PKCE method');
  const redirect = new URL(parsed.searchParams.get('redirect_uri'));
  equal(`${redirect.hostname}${redirect.pathname}`, '127.0.0.1/callback', 'loopback redirect URI');
  let location;
  if (remembered) {
    const authorize = await fetch(authorizeUrl, { redirect: 'manual', signal: AbortSignal.timeout(WAIT_MS) });
    equal(authorize.status, 302, 'authorize with a remembered consent redirects at once');
    location = authorize.headers.get('location');
    const params = new URL(location).searchParams;
    assert(location.startsWith(`${redirect.origin}/callback?`) && params.get('code'), `redirect: ${location}`);
    equal(params.get('state'), parsed.searchParams.get('state'), 'state in the redirect');
  } else {
    ({ location } = await playBrowser(base, owner, authorizeUrl));
  }
  const callback = await fetch(location, { signal: AbortSignal.timeout(WAIT_MS) });
  const page = await callback.text();
  equal(callback.status, 200, `bridge callback status (${page.slice(0, 200)})`);
  assert(page.includes('Connected to Trek'), `callback page: ${page.slice(0, 200)}`);
  return parsed.searchParams.get('client_id');
}

async function main() {
  assert(trekBin, 'TREK_BIN must name the trek binary');
  const owner = await step('owner logs in with the one-time link', () => ownerLogin(loginUrl));
  const dataDir = mkdtempSync(join(tmpdir(), 'trek-bridge-'));
  const hook = await startBrowserHook();
  const port = new URL(base).port;
  const tokenFile = join(dataDir, 'bridge', `127.0.0.1_${port}_mcp.json`);
  const env = { ...process.env, TREK_DATA_DIR: dataDir, TREK_BRIDGE_BROWSER: join(here, 'browser_hook.mjs'), TREK_E2E_BROWSER_HOOK: hook.url, TREK_LOG: 'info,rmcp=warn' };
  const transport = new StdioClientTransport({ command: trekBin, args: ['bridge', `${base}/mcp`], env, stderr: 'pipe' });
  const stderr = [];
  transport.stderr?.on('data', (c) => stderr.push(String(c)));
  const client = new Client({ name: 'trek-e2e-claude-desktop-stand-in', version: '1.0.0' });
  try {
    let clientId;
    await step('the bridge discovers, registers, opens the browser; the owner approves; initialize over stdio', async () => {
      const connected = client.connect(transport, { timeout: AUTH_WAIT_MS * 2 });
      clientId = await approveSignIn(hook, owner);
      assert(clientId?.startsWith('trekci_'), `dynamically registered client id: ${clientId}`);
      await withTimeout(connected, AUTH_WAIT_MS, 'initialize through the bridge');
      equal(client.getServerVersion()?.name, 'trek', 'server name passed through');
    });

    await step('tools/list through the bridge', async () => {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      for (const n of ['list_trips', 'get_trip_summary', 'create_trip']) assert(names.includes(n), `${n} missing from ${names}`);
    });

    let tripId;
    await step('tools/call create_trip through the bridge', async () => {
      const trip = toolJson(await client.callTool({ name: 'create_trip', arguments: { title: 'Lisbon via trek bridge' } }));
      assert(Number.isInteger(trip.id), `trip: ${JSON.stringify(trip)}`);
      tripId = trip.id;
    });

    let first;
    await step('the token file is owner-only and keeps the client registration with the tokens', async () => {
      first = JSON.parse(readFileSync(tokenFile, 'utf8'));
      equal(first.client_id, clientId, 'stored client_id');
      assert(first.token_response?.access_token?.startsWith('trekoa_'), 'stored access token');
      assert(first.token_response?.refresh_token?.startsWith('trekrf_'), 'stored refresh token');
      if (process.platform !== 'win32') equal(statSync(tokenFile).mode & 0o777, 0o600, 'token file mode');
    });

    await step('an expired access token is refreshed (rotated) without a browser', async () => {
      const stale = { ...first, token_received_at: Math.floor(Date.now() / 1000) - 7200 };
      writeFileSync(tokenFile, JSON.stringify(stale));
      const summary = toolJson(await client.callTool({ name: 'get_trip_summary', arguments: { trip_id: tripId } }));
      assert(JSON.stringify(summary).includes('Lisbon via trek bridge'), `summary: ${JSON.stringify(summary).slice(0, 200)}`);
      const after = JSON.parse(readFileSync(tokenFile, 'utf8'));
      assert(after.token_response.access_token !== first.token_response.access_token, 'a new access token');
      assert(after.token_response.refresh_token !== first.token_response.refresh_token, 'the refresh token rotated');
      equal(after.client_id, clientId, 'same client registration');
      equal(hook.urls.length, 1, 'browser launches so far');
    });

    await step('a revoked grant leads to a new sign-in with the same registration, and the call succeeds', async () => {
      const sessions = await ownerApi(base, owner, 'GET', '/api/oauth/sessions');
      equal(sessions.status, 200, 'sessions list');
      const grants = sessions.json.filter((g) => g.client_id === clientId);
      equal(grants.length, 1, `grants of the bridge's client ${clientId}`);
      const revoked = await ownerApi(base, owner, 'DELETE', `/api/oauth/sessions/${encodeURIComponent(grants[0].id)}`);
      equal(revoked.status, 204, `revoke status (${revoked.text})`);

      const call = client.callTool({ name: 'list_trips', arguments: {} }, undefined, { timeout: AUTH_WAIT_MS * 2 });
      // Revoking ended the grant, not the owner's remembered consent for this client.
      const secondClientId = await approveSignIn(hook, owner, { remembered: true });
      equal(secondClientId, clientId, 'the sign-in reuses the stored registration');
      const trips = JSON.stringify(toolJson(await withTimeout(call, AUTH_WAIT_MS, 'list_trips after re-authorization')));
      assert(trips.includes('Lisbon via trek bridge'), `list_trips: ${trips.slice(0, 200)}`);
      equal(hook.urls.length, 2, 'browser launches');
    });
  } catch (error) {
    console.log(`--- trek bridge stderr ---\n${stderr.join('').slice(-6000)}`);
    throw error;
  } finally {
    await client.close().catch(() => {});
    hook.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

try {
  await main();
  console.log(`bridge: ${summary()}`);
  process.exit(0);
} catch (error) {
  if (!(error instanceof Failure)) console.log(error?.stack ?? error);
  console.log(`bridge: ${summary()}`);
  process.exit(1);
}
