// Shared helpers for the Node end-to-end scripts (the ui_*.mjs browser suites, kyoto_ui.mjs,
// ts_sdk.mjs, mcp_remote.mjs, bridge.mjs, conformance.mjs): PASS/FAIL steps, the owner's session
// (over fetch or in a browser), headless Chromium, the user's browser on the consent flow,
// machine clients.
// Only 127.0.0.1 traffic; every wait is bounded.

import { createServer } from 'node:http';

export const WAIT_MS = 15000;

export class Failure extends Error {}

export function assert(condition, message) {
  if (!condition) throw new Failure(message);
}

/** Strict equality (`===`): for scalars. */
export function equal(actual, expected, what) {
  assert(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Deep equality by JSON text (arrays and objects, key order included). */
export function equalJson(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  assert(a === e, `${what}: expected ${e}, got ${a}`);
}

/** Polls `fn` every 50 ms until it returns a truthy value (returned) or `ms` pass. */
export async function until(fn, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Failure(`${what} (not within ${ms} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `node script.mjs <base-url> <owner-login-url>` (or TREK_BASE_URL / TREK_LOGIN_URL). */
export function parseArgs(script) {
  const base = (process.argv[2] ?? process.env.TREK_BASE_URL ?? '').replace(/\/$/, '');
  const loginUrl = process.argv[3] ?? process.env.TREK_LOGIN_URL ?? '';
  if (!base || !loginUrl) {
    console.error(`usage: node ${script} <base-url> <owner-login-url>`);
    process.exit(2);
  }
  for (const u of [base, loginUrl]) {
    const host = new URL(u).hostname;
    if (host !== '127.0.0.1' && host !== 'localhost') {
      console.error(`${u}: only loopback servers are tested`);
      process.exit(2);
    }
  }
  return { base, loginUrl };
}

/** Runs named steps, prints PASS/FAIL with timings, and counts them. */
export function stepper() {
  let n = 0;
  let passed = 0;
  let failed = 0;
  const step = async (name, fn) => {
    n += 1;
    const started = Date.now();
    try {
      const result = await fn();
      passed += 1;
      console.log(`PASS ${n}. ${name} (${Date.now() - started} ms)`);
      return result;
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${n}. ${name}: ${error instanceof Failure ? error.message : error?.stack ?? error}`);
      throw error;
    }
  };
  const summary = () => `${passed} passed, ${failed} failed`;
  /** How many steps have started. */
  const count = () => n;
  return { step, summary, count };
}

/** Wraps a promise so it rejects after `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Failure(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]);
}

/** Headless Chromium (Debian's, CHROMIUM_PATH or /usr/bin/chromium; never a downloaded one). */
export async function launchChromium({ timeout } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    ...(timeout === undefined ? {} : { timeout }),
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Collects what a page reports as wrong: uncaught exceptions, console errors (failed loads are
 * reported with their URL by the response listener instead), HTTP errors except /favicon.ico
 * (the browser asks for it on its own; Trek has none). `origin`: only responses from there
 * count. `badRequests: { statuses, under }`: that many answers with one of `statuses` on a path
 * under `under` are expected (the test sends bad input on purpose) once announced with
 * `expectBadRequest()`; `badRequestsLeft()` is how many announced ones have not happened.
 */
export function collectPageErrors(page, { origin, badRequests } = {}) {
  const errors = [];
  let expected = 0;
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(`console: ${msg.text()}`);
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (origin !== undefined && url.origin !== origin) return;
    if (badRequests && badRequests.statuses.includes(response.status()) && url.pathname.startsWith(badRequests.under) && expected > 0) {
      expected -= 1;
      return;
    }
    if (response.status() >= 400 && url.pathname !== '/favicon.ico') {
      errors.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });
  return {
    errors,
    expectBadRequest: () => {
      expected += 1;
    },
    badRequestsLeft: () => expected,
  };
}

/**
 * The owner opens the one-time login link in `page` (bounded by the page's default timeout);
 * `ready()` waits for (and checks) what the app shows. Returns the `trek_session=…` cookie the
 * browser then holds for `base`.
 */
export async function ownerBrowserLogin(page, base, loginUrl, ready, who = 'the browser') {
  await page.goto(loginUrl);
  await ready();
  const session = (await page.context().cookies(base)).find((c) => c.name === 'trek_session');
  assert(session, `${who} holds a trek_session cookie`);
  return `trek_session=${session.value}`;
}

/** POST /api/ops/NAME with the owner's cookie; asserts a 2xx and returns the JSON answer. */
export async function ownerOp(base, owner, name, input = {}, ms = WAIT_MS) {
  const response = await fetch(`${base}/api/ops/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: owner },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(ms),
  });
  const body = await response.json().catch(() => null);
  assert(response.ok, `${name} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * Stands in for the user's browser for programs that open one through browser_hook.mjs: a
 * listener on 127.0.0.1:0 that receives every URL they open. `next()` resolves with the next URL
 * not yet taken, `opened` with the first; `urls` holds them all.
 */
export async function startBrowserHook() {
  const urls = [];
  const waiters = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      urls.push(body);
      res.writeHead(204).end();
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  let taken = 0;
  const next = async () => {
    while (urls.length <= taken) await new Promise((resolve) => waiters.push(resolve));
    return urls[taken++];
  };
  const opened = (async () => {
    while (urls.length === 0) await new Promise((resolve) => waiters.push(resolve));
    return urls[0];
  })();
  return { url: `http://127.0.0.1:${server.address().port}/open`, next, opened, urls, close: () => server.close() };
}

function cookieFrom(response, name) {
  const all = response.headers.getSetCookie?.() ?? [];
  const found = all.find((c) => c.startsWith(`${name}=`) && !c.startsWith(`${name}=;`));
  return found?.split(';')[0];
}

/** The owner logs in with the one-time link; returns the `trek_session=…` cookie. */
export async function ownerLogin(loginUrl) {
  const response = await fetch(loginUrl, { redirect: 'manual', signal: AbortSignal.timeout(WAIT_MS) });
  equal(response.status, 303, 'owner login link status');
  const cookie = cookieFrom(response, 'trek_session');
  assert(cookie, 'the login link set no trek_session cookie');
  return cookie;
}

/** A JSON request to the owner API with the owner's cookie. */
export async function ownerApi(base, owner, method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: { cookie: owner, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, json, text };
}

/**
 * The user's browser and the owner together, for one authorization request:
 * GET the authorize URL (no redirects followed) → 303 to the waiting page with a `trek_consent`
 * cookie → the owner approves the pending request through the owner API → the waiting page polls
 * /oauth/consent/status until it says where to go. Returns the client redirect location, parsed.
 * Checks `state` round-trips and `iss` names this server.
 */
export async function playBrowser(base, owner, authorizeUrl, { log = () => {} } = {}) {
  const url = new URL(authorizeUrl);
  assert(url.origin === base, `authorize URL ${url.origin} is not on the Trek server ${base}`);
  const sentState = url.searchParams.get('state');
  log(`browser: GET ${url.pathname}?client_id=${url.searchParams.get('client_id')}`);
  const authorize = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(WAIT_MS) });
  equal(authorize.status, 303, `authorize status (body: ${await authorize.clone().text()})`);
  const wait = authorize.headers.get('location');
  assert(wait?.startsWith('/oauth/consent/wait?id='), `authorize should send the browser to the waiting page, got ${wait}`);
  const consentCookie = cookieFrom(authorize, 'trek_consent');
  assert(consentCookie, 'authorize set no trek_consent cookie');
  const id = new URL(wait, base).searchParams.get('id');

  // The browser lands on the waiting page (it must render for this browser).
  const page = await fetch(new URL(wait, base), { headers: { cookie: consentCookie }, signal: AbortSignal.timeout(WAIT_MS) });
  equal(page.status, 200, 'waiting page status');
  await page.text();

  // Before the owner decides, the status is pending.
  const before = await pollStatus(base, id, consentCookie);
  equal(before.status, 'pending', 'consent status before approval');

  const approved = await ownerApi(base, owner, 'POST', `/api/oauth/consents/${encodeURIComponent(id)}/approve`);
  equal(approved.status, 200, `owner approve status (${approved.text})`);
  log(`owner: approved ${id} with ${approved.json?.granted_scopes}`);

  const deadline = Date.now() + WAIT_MS;
  let status = await pollStatus(base, id, consentCookie);
  while (status.status === 'pending' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    status = await pollStatus(base, id, consentCookie);
  }
  equal(status.status, 'redirect', `consent status after approval (${JSON.stringify(status)})`);
  const location = new URL(status.location);
  const params = location.searchParams;
  assert(params.get('code'), `redirect has no code: ${status.location}`);
  equal(params.get('state'), sentState, 'state in the redirect');
  equal(params.get('iss'), base, 'iss in the redirect');
  return { location: status.location, code: params.get('code'), state: params.get('state'), iss: params.get('iss'), grantedScopes: approved.json?.granted_scopes };
}

async function pollStatus(base, id, consentCookie) {
  const response = await fetch(`${base}/oauth/consent/status?id=${encodeURIComponent(id)}`, {
    headers: { cookie: consentCookie },
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await response.text();
  equal(response.status, 200, `consent status endpoint (${text})`);
  return JSON.parse(text);
}

/** The owner creates a machine client (client_credentials); returns { client_id, client_secret, … }. */
export async function createMachineClient(base, owner, name, scopes) {
  const created = await ownerApi(base, owner, 'POST', '/api/oauth/clients', { name, machine: true, scopes });
  equal(created.status, 201, `create machine client (${created.text})`);
  assert(created.json?.client_id && created.json?.client_secret, `machine client without id/secret: ${created.text}`);
  assert(created.json.client_secret.startsWith('trekcs_'), 'client secret prefix trekcs_');
  return created.json;
}

/** A plain client_credentials token request (client_secret_basic). */
export async function clientCredentialsToken(base, client, scope, resource = `${base}/mcp`) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', resource });
  if (scope) body.set('scope', scope);
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`,
    },
    body,
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await response.text();
  equal(response.status, 200, `client_credentials token (${text})`);
  const json = JSON.parse(text);
  assert(json.access_token?.startsWith('trekoa_'), `access token prefix trekoa_: ${text}`);
  assert(!json.refresh_token, 'client_credentials must not issue a refresh token');
  return json;
}

/** The JSON a tool result carries: structuredContent, else the first text content parsed. */
export function toolJson(result) {
  assert(!result.isError, `tool returned isError: ${JSON.stringify(result.content)}`);
  if (result.structuredContent) return result.structuredContent;
  const text = result.content?.find((c) => c.type === 'text')?.text;
  assert(text, `tool result without content: ${JSON.stringify(result)}`);
  return JSON.parse(text);
}
