// End-to-end: mcp-remote (the stdio bridge Claude Desktop runs) against `trek serve`.
//
//   node tests/e2e/mcp_remote.mjs <base-url> <owner-login-url>
//
// Starts node_modules/.bin/mcp-remote <base>/mcp <callback-port> the way a desktop client's config
// would (`npx mcp-remote <url>`), with a fresh HOME and MCP_REMOTE_CONFIG_DIR. mcp-remote discovers
// the authorization server, registers itself dynamically and "opens the browser" through the `open`
// package → xdg-open → $BROWSER, which is browser_hook.mjs: it hands the authorize URL to this
// script, which opens it in the user's headless Chromium (Debian's) and lands on the waiting
// page; the owner, logged in with the one-time link in a second Chromium context, approves the
// consent card in the real UI; the waiting page then takes the user's browser to mcp-remote's own
// loopback callback. Then, over mcp-remote's stdio: initialize, tools/list, tools/call
// create_trip and get_trip_summary; the new trip is then on the owner's trips page.
// Prints PASS/FAIL per step; exits non-zero on the first failure. Every wait is bounded.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  WAIT_MS, Failure, assert, equal, launchChromium, ownerBrowserLogin, parseArgs, startBrowserHook, stepper, withTimeout,
  toolJson,
} from './lib.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const { base, loginUrl } = parseArgs('mcp_remote.mjs');
const { step, summary } = stepper();
const AUTH_WAIT_MS = 30000;

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Line-delimited JSON-RPC over a child's stdio. */
function stdioRpc(child) {
  let buffer = '';
  let nextId = 1;
  const pending = new Map();
  const notifications = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      if (message.id !== undefined && pending.has(message.id)) {
        pending.get(message.id)(message);
        pending.delete(message.id);
      } else {
        notifications.push(message);
      }
    }
  });
  return {
    notifications,
    request(method, params, ms = WAIT_MS) {
      const id = nextId++;
      const answer = new Promise((resolve) => pending.set(id, resolve));
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      return withTimeout(answer, ms, `${method} over mcp-remote's stdio`);
    },
    notify(method, params) {
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, ...(params ? { params } : {}) })}\n`);
    },
  };
}

function result(message, what) {
  assert(!message.error, `${what}: JSON-RPC error ${JSON.stringify(message.error)}`);
  return message.result;
}

async function main() {
  const browser = await step('launch headless Chromium (the user\'s browser and the owner\'s app window)', () =>
    launchChromium({ timeout: WAIT_MS }));
  const ownerContext = await browser.newContext({ locale: 'en-GB' });
  const ownerPage = await ownerContext.newPage();
  ownerPage.setDefaultTimeout(WAIT_MS);
  const owner = await step('owner logs in with the one-time link in the UI', () =>
    ownerBrowserLogin(ownerPage, base, loginUrl, () => ownerPage.waitForURL((u) => u.hash.startsWith('#/')), 'the owner\'s browser'));
  const userPage = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  userPage.setDefaultTimeout(WAIT_MS);
  const home = mkdtempSync(join(tmpdir(), 'trek-mcp-remote-'));
  const hook = await startBrowserHook();
  const callbackPort = await freePort();
  const stderr = [];
  let child;
  try {
    const env = { ...process.env, HOME: home, MCP_REMOTE_CONFIG_DIR: join(home, '.mcp-auth'), BROWSER: join(here, 'browser_hook.mjs'), TREK_E2E_BROWSER_HOOK: hook.url };
    // No desktop session: xdg-open takes its generic path, which honours $BROWSER.
    for (const k of ['DISPLAY', 'WAYLAND_DISPLAY', 'XDG_CURRENT_DESKTOP', 'DESKTOP_SESSION', 'KDE_FULL_SESSION', 'GNOME_DESKTOP_SESSION_ID']) delete env[k];
    child = spawn(join(here, 'node_modules', '.bin', 'mcp-remote'), [`${base}/mcp`, String(callbackPort)], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => stderr.push(c));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const rpc = stdioRpc(child);

    const authorizeUrl = await step('mcp-remote discovers, registers and opens the "browser" on /oauth/authorize', async () => {
      const url = await withTimeout(Promise.race([hook.opened, exited.then((e) => { throw new Failure(`mcp-remote exited ${JSON.stringify(e)}`); })]), AUTH_WAIT_MS, 'browser launch');
      const parsed = new URL(url);
      equal(`${parsed.origin}${parsed.pathname}`, `${base}/oauth/authorize`, 'opened URL');
      assert(parsed.searchParams.get('client_id')?.startsWith('trekci_'), `dynamically registered client id: ${parsed.searchParams.get('client_id')}`);
      equal(parsed.searchParams.get('code_challenge_method'), 'S256', 'PKCE method');
      const redirect = new URL(parsed.searchParams.get('redirect_uri'));
      equal(redirect.port, String(callbackPort), 'callback port in redirect_uri');
      return url;
    });

    const requestId = await step('the user\'s Chromium follows the authorize URL to the waiting page', async () => {
      await userPage.goto(authorizeUrl, { timeout: WAIT_MS });
      const id = new URL(userPage.url()).searchParams.get('id');
      assert(userPage.url().startsWith(`${base}/oauth/consent/wait?`) && id, `expected the waiting page, got ${userPage.url()}`);
      await userPage.locator('#request-id', { hasText: id }).waitFor();
      // Its text comes from the UI's string table, served under /ui/public/ like the page.
      await userPage.getByRole('heading', { name: 'Approve this connection in Trek' }).waitFor();
      equal(JSON.stringify(await userPage.evaluate(() => [...window.__trekMissingStrings])), '[]', 'missing strings');
      return id;
    });

    await step('the owner approves the consent card in the UI; the waiting page goes to mcp-remote\'s callback', async () => {
      const card = ownerPage.locator(`.consent-card[data-request-id="${requestId}"]`);
      await card.waitFor({ state: 'visible' });
      await card.locator('button.approve').click();
      await card.waitFor({ state: 'detached' });
      const isCallback = (u) => (u.hostname === 'localhost' || u.hostname === '127.0.0.1') && u.port === String(callbackPort);
      await userPage.waitForURL(isCallback, { timeout: AUTH_WAIT_MS });
      const landed = new URL(userPage.url());
      assert(landed.searchParams.get('code'), `callback without a code: ${userPage.url()}`);
      equal(landed.searchParams.get('iss'), base, 'iss in the redirect');
    });

    await step('stdio initialize (mcp-remote has exchanged the code and connected)', async () => {
      const init = result(
        await rpc.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'trek-e2e-claude-desktop-stand-in', version: '1.0.0' } }, AUTH_WAIT_MS),
        'initialize',
      );
      assert(init.serverInfo?.name, `serverInfo: ${JSON.stringify(init)}`);
      assert(init.capabilities?.tools, `tools capability: ${JSON.stringify(init.capabilities)}`);
      rpc.notify('notifications/initialized');
    });

    await step('stdio tools/list', async () => {
      const { tools } = result(await rpc.request('tools/list', {}), 'tools/list');
      const names = tools.map((t) => t.name);
      for (const n of ['list_trips', 'get_trip_summary', 'create_trip']) assert(names.includes(n), `${n} missing from ${names}`);
    });

    let tripId;
    await step('stdio tools/call create_trip', async () => {
      const trip = toolJson(result(await rpc.request('tools/call', { name: 'create_trip', arguments: { title: 'Porto via mcp-remote' } }), 'create_trip'));
      assert(Number.isInteger(trip.id), `trip: ${JSON.stringify(trip)}`);
      tripId = trip.id;
    });

    await step('stdio tools/call get_trip_summary', async () => {
      const summary = toolJson(result(await rpc.request('tools/call', { name: 'get_trip_summary', arguments: { trip_id: tripId } }), 'get_trip_summary'));
      assert(JSON.stringify(summary).includes('Porto via mcp-remote'), `summary: ${JSON.stringify(summary).slice(0, 300)}`);
    });

    await step('the owner sees mcp-remote as a connected client with a session', async () => {
      const response = await fetch(`${base}/api/oauth/sessions`, { headers: { cookie: owner }, signal: AbortSignal.timeout(WAIT_MS) });
      const text = await response.text();
      equal(response.status, 200, 'sessions list');
      const clientId = new URL(authorizeUrl).searchParams.get('client_id');
      const grants = JSON.parse(text).filter((g) => g.client_id === clientId);
      equal(grants.length, 1, `sessions of mcp-remote's client ${clientId}`);
      equal(grants[0].kind, 'authorization_code', 'grant kind');
      equal(grants[0].resource, `${base}/mcp`, 'audience of the grant');
    });
    await step('the owner sees the trip mcp-remote created on the trips page', async () => {
      await ownerPage.goto(`${base}/#/trips`);
      await ownerPage.locator('#trip-list .trip-link', { hasText: 'Porto via mcp-remote' }).waitFor();
    });
    equal(hook.urls.length, 1, 'browser launches');
  } catch (error) {
    console.log(`--- mcp-remote stderr ---\n${stderr.join('').slice(-6000)}`);
    throw error;
  } finally {
    child?.kill();
    hook.close();
    await browser.close();
    rmSync(home, { recursive: true, force: true });
  }
}

try {
  await main();
  console.log(`mcp_remote: ${summary()}`);
  process.exit(0);
} catch {
  console.log(`mcp_remote: ${summary()}`);
  process.exit(1);
}
